"""Chinese text wraps between words (jieba's segmentation), never inside one, and keeps punctuation attached."""

from __future__ import annotations

import pytest

from renderer.layout import text as text_mod
from renderer.layout.text import Metrics
from renderer.layout.theme import load_theme

rjieba = pytest.importorskip("rjieba", reason="rjieba is a dependency (pyproject): Chinese word segmentation")

SENTENCES = [
    "归一化层把隐藏状态缩放到单位长度，再乘以可学习的增益",
    "每个内部节点都要调用一次模型，得分最高的叶子就是全局最优",
    "策略模型与参考模型都从监督微调后的模型复制而来",
]


def boundaries(s: str) -> set[int]:
    """Offsets between jieba's words (the reference segmentation)."""
    out, k = set(), 0
    for w in rjieba.cut(s):
        k += len(w)
        out.add(k)
    return out


@pytest.mark.parametrize("width", [90, 130, 170])
def test_lines_break_only_between_words(width):
    m = Metrics(load_theme())
    for s in SENTENCES:
        lines = m.wrap(s, 14, width)
        assert "".join(lines) == s and len(lines) > 1
        ends = [sum(len(x) for x in lines[: i + 1]) for i in range(len(lines) - 1)]
        assert set(ends) <= boundaries(s), (s, lines)
        assert not any(line[0] in "，。；：、）" for line in lines), "no line starts with closing punctuation"


def test_without_segmentation_the_same_widths_split_words(monkeypatch):
    """The check above can fail: breaking between any two characters splits some word at these widths."""
    monkeypatch.setattr(text_mod, "_segmenter", lambda: None)
    m = Metrics(load_theme())
    split = 0
    for width in (90, 130, 170):
        for s in SENTENCES:
            lines = m.wrap(s, 14, width)
            ends = [sum(len(x) for x in lines[: i + 1]) for i in range(len(lines) - 1)]
            split += len(set(ends) - boundaries(s))
    assert split > 0


def test_an_opening_bracket_stays_with_the_word_after_it():
    toks = text_mod._tokens("模型（参考）和策略")
    assert "（参考）" in toks


def test_latin_text_wraps_without_loading_the_chinese_dictionary():
    """jieba's dictionary costs a one-diagram process hundreds of ms: English alone never loads it."""
    import subprocess
    import sys

    code = ("import sys\nfrom renderer.layout.text import Metrics\nfrom renderer.layout.theme import load_theme\n"
            "m = Metrics(load_theme())\nlines = m.wrap('a long English caption that has to wrap ' * 4, 14, 200)\n"
            "assert len(lines) > 2, lines\nprint('rjieba' in sys.modules)\n"
            "m.wrap('大模型的训练与对齐图解需要换行显示' * 3, 14, 200)\nprint('rjieba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


@pytest.mark.parametrize("text", ["the advantage A = Q − V over the mean", "优势 A = Q − V 减去均值",
                                  "loss ≈ 0.3 at step 200"])
def test_no_line_ends_with_an_equals_sign(text):
    """A width that ends a greedy line right after "=" (measured): the "=" moves to the next line instead."""
    m = Metrics(load_theme())
    rel = next(c for c in text if c in "=≈")
    cut = text.index(rel) + 1
    width = m.width(text[:cut], 14) + 1  # "… =" fits, "… = Q" does not
    greedy = m._greedy(text, 14, width)
    assert any(line.lstrip().startswith(rel) for line in greedy), greedy
    for lines in (greedy, m.wrap(text, 14, width)):
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line.rstrip().endswith(rel) for line in lines), lines
        assert all(m.width(line, 14) <= width for line in lines)


GROUPED = ["the advantage of an action A(s, a) = Q(s, a) − V(s)", "动作的优势 A(s, a) = Q(s, a) − V(s)",
           "the probabilities [0.5, 0.3, 0.2] of three tokens"]


def _splits_a_group(lines: list[str]) -> bool:
    return any(ln.count("(") != ln.count(")") or ln.count("[") != ln.count("]") for ln in lines)


@pytest.mark.parametrize("text", GROUPED)
def test_a_short_bracketed_group_is_never_split(text):
    """(s, a) and [0.5, 0.3, 0.2] are one piece: a line breaks between items, not inside one."""
    m = Metrics(load_theme())
    for width in range(70, 300, 10):
        lines = m.wrap(text, 14, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not _splits_a_group(lines), (width, lines)


def test_without_the_group_rule_some_width_splits_a_group(monkeypatch):
    """The check above can fail: plain tokens break "A(s," from "a)" at some of these widths."""
    monkeypatch.setattr(text_mod, "_GROUP", text_mod.re.compile(r"(?!x)x"))
    m = Metrics(load_theme())
    assert any(_splits_a_group(m.wrap(t, 14, w)) for t in GROUPED for w in range(70, 300, 10))
