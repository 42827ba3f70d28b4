"""A wrapped line never ends with a binary operator or a relation: it breaks before it, in both languages."""

from __future__ import annotations

import pytest

from renderer.layout import Metrics, metrics_for
from renderer.layout.base import Ctx
from renderer.layout.math_text import _greedy as math_greedy
from renderer.layout.text import dangles
from renderer.layout.theme import load_theme

CASES = [  # (text, the operator a greedy line would end with)
    ("the total loss L = policy loss + value loss over the batch", "+"),
    ("the advantage is the return − the baseline value", "−"),
    ("memory grows as layers × heads × the sequence length", "×"),
    ("the score is the query · the key over a scale", "·"),
    ("keep the token when its ratio < the clip bound", "<"),
    ("the reward > the mean of the group pays off", ">"),
    ("the ratio stays ≤ one plus epsilon here", "≤"),
    ("the value is ≥ the lower bound of it", "≥"),
    ("总损失 L = 策略损失 + 价值损失 再取平均", "+"),
    ("优势等于回报 − 基线 的估计值", "−"),
    ("显存随层数 × 头数 × 序列长度增长", "×"),
    ("奖励+惩罚共同决定最终的得分", "+"),
]


@pytest.mark.parametrize(("text", "op"), CASES)
def test_no_wrapped_line_ends_with_an_operator(text, op):
    """At the width where a greedy line would end right after the operator (measured), the operator moves to
    the start of the next line; at every narrow width no line ends with an operator."""
    m = Metrics(load_theme())
    cut = text.index(op) + 1
    width = m.width(text[:cut], 14) + 1  # "… +" fits, "… + next" does not
    greedy = m._greedy(text, 14, width)
    assert any(line.lstrip().startswith(op) for line in greedy), greedy
    for w in [width, *range(90, 320, 15)]:
        for lines in (m._greedy(text, 14, w), m.wrap(text, 14, w)):
            assert "".join(lines).replace(" ", "") == text.replace(" ", ""), lines
            assert not any(line.rstrip()[-1:] in "+−×·<>≤≥=" for line in lines), (w, lines)


def test_words_that_only_contain_an_operator_still_end_lines():
    """A hyphen, C++ and <eos> are no operators standing alone: a line may end with them."""
    assert dangles(" +") and dangles("−") and dangles(" p(x)=") and dangles(" ≤")
    assert not dangles(" C++") and not dangles(" <eos>") and not dangles(" well-") and not dangles(" a")
    m = Metrics(load_theme())
    text = "write C++ code that emits <eos> tokens"
    for w in range(60, 300, 10):
        lines = m.wrap(text, 14, w)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_an_operator_before_a_formula_starts_the_next_line():
    """Text and `$…$` formulas: a line that would end with " =" or " +" before a formula gives it to the next."""
    theme = load_theme()
    ctx = Ctx(theme, metrics_for(theme), "en")

    def t(s: str):
        return (ctx.metrics.width(s, 14), 10.0, 4.0, "text", s)

    def f(w: float):
        return (w, 12.0, 5.0, "math", None)

    atoms = [t("the"), t(" loss"), t(" "), f(30), t(" ="), t(" "), f(40), t(" +"), t(" "), f(40)]
    full = sum(a[0] for a in atoms)
    for width in range(40, int(full), 4):
        lines = math_greedy(ctx, atoms, 14, width, 400, False)
        for ln in lines[:-1]:
            last = [a for a in ln if a[3] != "text" or a[4].strip()][-1]
            assert not (last[3] == "text" and last[4].strip() in "=+"), (width, lines)
        ops = [a[4].strip() for ln in lines for a in ln if a[3] == "text" and a[4].strip() in ("=", "+")]
        assert ops == ["=", "+"], (width, lines)  # nothing lost or doubled
