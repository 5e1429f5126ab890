"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative region (6),
organisation code (9) and a check character computed from the first 17.
"""

from __future__ import annotations

from tupu.messages import msg

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character of the first 17 characters of a code."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"{first17!r} is not 17 characters of the code alphabet")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def looks_like_uscc(value: str) -> bool:
    """True for an 18-character string in the code alphabet (whether or not its check is right)."""
    return len(value) == 18 and all(c in _VALUE for c in value.upper())


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid code, or None when it is."""
    code = value.upper()
    if len(code) != 18:
        return msg("load.uscc_length", length=len(code))
    bad = [c for c in code if c not in _VALUE]
    if bad:
        return msg("load.uscc_character", char=bad[0])
    expected = check_character(code[:17])
    if code[17] != expected:
        return msg("load.uscc_check", given=code[17], expected=expected)
    return None
