"""Keys for rows of real-world exports: checked credit codes, and stable ids generated from names.

An enterprise is keyed by its 统一社会信用代码 (GB 32100-2015) where the export gives one; the code
is normalised (full-width characters and spaces removed, upper case) and its check character
verified. A row without a code gets a **generated id**::

    gen-<first 16 hex digits of SHA-1 of the normalised name, UTF-8>

where the normalised name is the name in Unicode NFKC form (full-width brackets and letters become
their ASCII forms), with all white space removed and Latin letters upper-cased. So
``太仓 某某（文化）有限公司`` and ``太仓某某(文化)有限公司`` get the same id in every load, and a
later load of the same name updates the same node. Projects without a 项目编号 are keyed the same
way. A generated id never looks like a credit code (it has a ``gen-`` prefix and a hyphen).

Only the *key* is derived from the normalised name; the node's ``name`` keeps the name exactly as
written (trimmed), so a later entity-resolution pass can compare the raw names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from tupu.loaders.uscc import ALPHABET, check_character

__all__ = ["GENERATED_PREFIX", "credit_code", "generated_id", "is_generated", "normalise_name"]

GENERATED_PREFIX = "gen-"


def normalise_name(name: str) -> str:
    """A name in the form used to compare and to key: NFKC, no white space, Latin upper case."""
    return "".join(unicodedata.normalize("NFKC", name).split()).upper()


def generated_id(name: str) -> str:
    """The stable id of a row known only by its name (see the module docstring)."""
    digest = hashlib.sha1(normalise_name(name).encode("utf-8")).hexdigest()
    return f"{GENERATED_PREFIX}{digest[:16]}"


def is_generated(key: str) -> bool:
    """True for a key made by :func:`generated_id`."""
    return key.startswith(GENERATED_PREFIX)


_AS_TEXT = re.compile(r"^(?:['`‘’]|=\"|\")([0-9A-Za-z]{18})\"?$")


def credit_code(text: str) -> tuple[str, str | None]:
    """A 统一社会信用代码 normalised, and why it is invalid (Chinese) or None when it is valid."""
    code = normalise_name(text).replace("-", "")
    wrapped = _AS_TEXT.match(code)  # '9132…, `9132…, ="9132…" : marks that keep a code as text
    if wrapped is not None:
        code = wrapped.group(1)
    if len(code) != 18:
        hint = "（15位的是旧的工商注册号）" if len(code) == 15 and code.isdigit() else ""
        return code, (f"统一社会信用代码应为18位，这里是{len(code)}位{hint}；请从营业执照上重新抄录")
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        return code, (f"统一社会信用代码中不能出现字符“{bad[0]}”（代码不使用 I、O、S、V、Z）；"
                      "请从营业执照上重新抄录")
    expected = check_character(code[:17])
    if code[17] != expected:
        return code, (f"统一社会信用代码校验位错误：按GB 32100-2015，末位应为“{expected}”而不是"
                      f"“{code[17]}”，代码很可能抄错了；请从营业执照上重新抄录")
    return code, None
