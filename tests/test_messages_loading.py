"""The loading messages come from the one catalogue (tupu/messages.py): every key the loaders and
`tupu load` use exists, and a problem reads in Chinese."""

from __future__ import annotations

import re
import string
from pathlib import Path

from tupu.errors import Problem, ValidationFailed
from tupu.messages import MESSAGES

REPO = Path(__file__).resolve().parent.parent
USED = re.compile(r"""msg\(\s*["'](load\.[a-z_]+)["']""")
USERS = [*sorted((REPO / "loaders").glob("*.py")), REPO / "api" / "commands" / "load.py",
         REPO / "ontology" / "values.py", REPO / "tupu" / "errors.py",
         REPO / "loaders" / "uscc.py"]


def _call(text: str, start: int) -> str:
    """The argument text of the call whose ``(`` is at ``start``, up to its closing bracket."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i]
    return text[start:]


def test_every_loading_key_used_exists_with_the_fields_given() -> None:
    seen = 0
    for path in USERS:
        text = path.read_text(encoding="utf-8")
        for m in USED.finditer(text):
            key = m.group(1)
            assert key in MESSAGES, f"{path.name}: {key} is not in tupu/messages.py"
            given = set(re.findall(r"(?<![=!<>])\b(\w+)=(?!=)", _call(text, m.start() + 3)))
            wanted = {f for _, f, _, _ in string.Formatter().parse(MESSAGES[key]) if f}
            wanted = {f.split(".")[0].split("[")[0].split(":")[0] for f in wanted}
            assert wanted <= given, f"{path.name}: {key} needs {wanted - given}"
            seen += 1
    assert seen > 60


def test_a_problem_reads_in_chinese() -> None:
    p = Problem("名录.xlsx", 3, "注册资本", "abc", "注册资本“abc”不是可识别的金额")
    assert str(p) == "名录.xlsx，第3行，“注册资本”列：注册资本“abc”不是可识别的金额（值：abc）"
    assert str(ValidationFailed([p])).startswith("发现 1 个问题，未写入任何数据。")
