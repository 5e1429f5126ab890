"""What the HTTP API returns and the pages show, computed once for both.

Each function calls the analyses of :mod:`tupu.graph`, turns their frames into JSON-native records
(:mod:`tupu.api.serialize`) and, for a ``viewer``, removes enterprise figures
(:mod:`tupu.api.disclosure`, which every answer to a viewer goes through). For an ``analyst`` the rows are exactly the analysis' rows.
"""
