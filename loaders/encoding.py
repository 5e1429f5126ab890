"""Which text encoding a CSV export is in: detected from its bytes, never assumed.

City data arrives as UTF-8 (with or without a BOM), as GBK / GB18030 (Excel's "CSV (逗号分隔)" on a
Chinese Windows) and now and then as UTF-16 (Excel's "Unicode 文本"). The rules, in order:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE);
2. otherwise bytes that decode as strict UTF-8 are UTF-8 — Chinese text in GBK practically never
   does, since GBK's byte pairs are not valid UTF-8 sequences;
3. otherwise bytes that decode as GB18030 (a superset of GBK and GB2312) are GB18030;
4. otherwise the file is refused with a message saying how to save it.

A delivery may declare the encoding (``encoding: gbk`` in a manifest). The declaration is checked
against the bytes, so a GBK file declared UTF-8 — or a UTF-8 file declared GBK, which would decode
"successfully" into mojibake — is refused with a message naming the encoding to use instead.

Only the first :data:`SAMPLE_SIZE` bytes are examined; a bad byte further on is caught while the
file is streamed (see :mod:`tupu.loaders.csvtable`). Messages are in Chinese: they go to the clerks
who fix the files.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping

__all__ = [
    "SAMPLE_SIZE",
    "EncodingProblem",
    "check_declared",
    "decode_head",
    "detect_encoding",
    "display_name",
    "normalise_encoding_name",
]

SAMPLE_SIZE = 256 * 1024
"""Bytes examined to detect or check the encoding."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_NAMES: Mapping[str, str] = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "utf_8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf8bom": "utf-8-sig",
    "utf-8-bom": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "936": "gb18030",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}
"""Names a delivery may declare → the codec used. GBK and GB2312 are read as GB18030, their
superset, so every GBK file reads the same and the rarer characters do not fail."""

_SHOWN: Mapping[str, str] = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GBK/GB18030",
                             "utf-16": "UTF-16"}

_SAVE_AS = "请在Excel中“另存为”→“CSV UTF-8（逗号分隔）”后重新提交"


class EncodingProblem(ValueError):
    """The bytes are in no encoding we read, or contradict the declared one (message in Chinese)."""


def display_name(codec: str) -> str:
    """How an encoding is named to people (``gb18030`` → ``GBK/GB18030``)."""
    return _SHOWN.get(codec, codec)


def normalise_encoding_name(name: str) -> str:
    """The codec for a declared encoding name; EncodingProblem for one we do not read."""
    key = name.strip().lower().replace(" ", "")
    codec = _NAMES.get(key)
    if codec is None:
        raise EncodingProblem(
            f"不支持的编码“{name}”；encoding 可写 utf-8、gbk 或 gb18030，或删去该项由系统自动识别"
        )
    return codec


def _bad_byte(data: bytes, codec: str, complete: bool) -> int | None:
    """The offset of the first byte ``codec`` cannot decode, or None when all of ``data`` decodes.

    When ``complete`` is false, ``data`` is the head of a longer file: a sequence cut off at its
    end is not an error.
    """
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        decoder.decode(data, final=complete)
    except UnicodeDecodeError as e:
        return e.start
    return None


def detect_encoding(head: bytes, complete: bool) -> str:
    """The codec of a file whose first bytes are ``head`` (all of it when ``complete``)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if _bad_byte(head, "utf-8", complete) is None:
        return "utf-8"
    if _bad_byte(head, "gb18030", complete) is None:
        return "gb18030"
    raise EncodingProblem(f"无法识别文件编码（既不是UTF-8，也不是GBK/GB18030）；{_SAVE_AS}")


def check_declared(head: bytes, declared: str, complete: bool) -> str:
    """The codec to read a file with when the delivery declares ``declared``.

    Raises EncodingProblem when the bytes contradict the declaration, naming the encoding the
    file is really in.
    """
    codec = normalise_encoding_name(declared)
    has_utf8_bom = head.startswith(codecs.BOM_UTF8)
    if codec == "utf-8-sig":
        bad = _bad_byte(head, "utf-8", complete)
        if bad is None:
            return "utf-8-sig"
        if _bad_byte(head, "gb18030", complete) is None:
            raise EncodingProblem(
                f"清单声明编码为UTF-8，但文件不是UTF-8（第{bad + 1}个字节起无法解码），看起来是"
                "GBK/GB18030编码；按UTF-8读取会得到乱码。请把清单中该文件的 encoding 改为 gbk"
                "（或删去 encoding，由系统自动识别），或把文件另存为UTF-8"
            )
        raise EncodingProblem(
            f"清单声明编码为UTF-8，但文件不是UTF-8（第{bad + 1}个字节起无法解码）；{_SAVE_AS}"
        )
    if codec == "gb18030":
        if has_utf8_bom or (not head.isascii() and _bad_byte(head, "utf-8", complete) is None):
            raise EncodingProblem(
                "清单声明编码为GBK，但文件实际是UTF-8编码；按GBK读取会得到乱码。请把清单中该文件的 "
                "encoding 改为 utf-8（或删去 encoding，由系统自动识别）"
            )
        bad = _bad_byte(head, "gb18030", complete)
        if bad is not None:
            raise EncodingProblem(
                f"清单声明编码为GBK，但第{bad + 1}个字节起无法按GBK/GB18030解码；{_SAVE_AS}"
            )
        return codec
    # utf-16 declared
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise EncodingProblem(
            "清单声明编码为UTF-16，但文件开头没有UTF-16的字节顺序标记；请删去 encoding，由系统自动识别"
        )
    return codec


def decode_head(head: bytes, codec: str) -> str:
    """The text of ``head`` (possibly cut in the middle of a character) in ``codec``."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    return decoder.decode(head, final=False)
