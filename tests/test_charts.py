"""Charts with Chinese labels (``tupu.charts``): an installed CJK font is found and used, so that
matplotlib draws the glyphs instead of empty boxes; without one, a Chinese error says what to
install. The fonts come from the machine (Debian's fonts-noto-cjk, which ``make test`` installs)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import tupu.charts  # noqa: E402
from tupu.errors import ConfigError, MissingFont  # noqa: E402

LABEL = "各产业链环节状态：缺失、薄弱、断链"


@pytest.fixture(autouse=True)
def _restore_rc() -> Iterator[None]:
    with matplotlib.rc_context():
        yield


def _missing_glyphs(family: str | None = None) -> list[str]:
    """The "Glyph … missing from font" warnings matplotlib gives while drawing LABEL."""
    fig, ax = plt.subplots()
    kwargs = {"fontfamily": family} if family else {}
    ax.set_title(LABEL, **kwargs)
    ax.barh(["影视制作"], [3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_cjk_font_is_chosen_and_draws_chinese() -> None:
    if tupu.charts.cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk; make test does)")
    name = tupu.charts.use_cjk_font()
    assert name in tupu.charts.CJK_FONTS
    assert matplotlib.rcParams["font.sans-serif"][0] == name
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert _missing_glyphs() == []


def test_the_default_font_would_draw_boxes() -> None:
    """The check above can fail: matplotlib's own font has no Chinese glyphs."""
    assert _missing_glyphs("DejaVu Sans")


def test_simplified_chinese_comes_first() -> None:
    fonts = tupu.charts.CJK_FONTS
    assert fonts[0] == "Noto Sans CJK SC"
    assert fonts.index("WenQuanYi Zen Hei") < fonts.index("SimHei") < fonts.index("Noto Sans CJK JP")
    assert tupu.charts.cjk_font(["没有这种字体", "DejaVu Sans"]) == "DejaVu Sans"


def test_no_cjk_font_says_what_to_install() -> None:
    before = list(matplotlib.rcParams["font.sans-serif"])
    with pytest.raises(MissingFont) as caught:
        tupu.charts.use_cjk_font(["没有这种字体", "Nor This One"])
    text = str(caught.value)
    assert "中文" in text and "fonts-noto-cjk" in text and "没有这种字体" in text
    assert isinstance(caught.value, ConfigError)
    assert matplotlib.rcParams["font.sans-serif"] == before  # nothing changed
