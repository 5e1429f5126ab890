"""An enterprise's registration status beside its name, wherever the name is shown.

An enterprise that is 存续, 在业 or 迁入 (or whose status is not known) is named plainly; any other
status (迁出, 停业, 清算, 注销, 吊销) follows the name: ``某某文化传媒有限公司（注销）``. Tables,
JSON, CSV, pages and the API all take the name from here, and carry ``reg_status`` (the code of
:class:`tupu.ontology.vocab.RegStatus`) beside it for machines.
"""

from __future__ import annotations

from tupu.messages import msg
from tupu.ontology.vocab import REG_STATUS_ZH, RegStatus

__all__ = ["PLAIN", "named", "status_code", "status_word"]

PLAIN: frozenset[str] = frozenset({RegStatus.active, RegStatus.operating, RegStatus.moved_in})
"""Statuses a name is shown without: the enterprise is there and working."""


def status_code(reg_status: object) -> str | None:
    """The status as its :class:`RegStatus` code, or None when absent or not one of them."""
    return str(reg_status) if reg_status in set(RegStatus) else None


def status_word(reg_status: object) -> str | None:
    """The Chinese word shown after the name (``注销``), or None when the name stands alone."""
    code = status_code(reg_status)
    if code is None or code in PLAIN:
        return None
    return REG_STATUS_ZH[RegStatus(code)]


def named(name: object, reg_status: object) -> str:
    """``name`` as shown: followed by its status in brackets unless the status is plain."""
    word = status_word(reg_status)
    return msg("name.with_status", name=name, status=word) if word else str(name)
