"""Values given on the command line or in a request, checked at the edge (both the CLI and the
HTTP API use these): a malformed one is :class:`~tupu.errors.BadValue` (exit 1, HTTP 400) with one
Chinese line, before any analysis runs."""

from __future__ import annotations

from tupu.errors import BadValue
from tupu.messages import msg
from tupu.ontology.values import is_period


def period_param(value: str | None) -> str | None:
    """``value`` when it is a quarter written ``yyyyQn`` (or None); :class:`BadValue` otherwise."""
    if value is None or is_period(value):
        return value
    raise BadValue(msg("failure.bad_period", period=value[:40]))
