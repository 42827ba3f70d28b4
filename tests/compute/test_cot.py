"""cot.evaluate against Python's own arithmetic on the same expressions (names bound to the reference values)."""

import operator
from fractions import Fraction

import pytest

from compute import cot

# a worked answer: 45 books, 18 lent out, then 3 boxes of 4 books arrive
STEPS = [
    {"name": "left", "expr": "45 - 18"},
    {"name": "bought", "expr": "3 * 4"},
    {"name": "total", "expr": "left + bought"},
]


def test_worked_answer_written_out_with_earlier_results():
    left = operator.sub(45, 18)
    bought = operator.mul(3, 4)
    total = operator.add(left, bought)
    out = cot.evaluate(steps=STEPS)
    assert out["values"] == [left, bought, total]
    assert out["answer"] == total
    assert out["shown"] == ["45 − 18", "3 × 4", f"{left} + {bought}"]
    assert out["lines"][2] == f"{left} + {bought} = {total}"
    assert out["by_name"] == {"left": left, "bought": bought, "total": total}


@pytest.mark.parametrize(
    "expr",
    [
        "7 - (2 - 1)",
        "7 - 2 - 1",
        "(1 + 2) * 3",
        "1 + 2 * 3",
        "-4 * (2 + 1)",
        "10 / 4",
        "a * (b - 3) / 2",
        "(a - b) - (b - 3)",
        "1.5 * a",
    ],
)
def test_agrees_with_python_eval_and_keeps_needed_brackets(expr):
    env = {"a": Fraction(12), "b": Fraction(5)}
    steps = [{"name": "a", "expr": "4 * 3"}, {"name": "b", "expr": "10 / 2"}, {"name": "x", "expr": expr}]
    want = eval(expr, {"__builtins__": {}}, {k: Fraction(v) for k, v in env.items()})  # noqa: S307
    out = cot.evaluate(steps=steps)
    assert out["values"][2] == pytest.approx(float(want))
    shown = out["shown"][2].replace("−", "-").replace("×", "*").replace("÷", "/")
    assert eval(shown, {"__builtins__": {}}) == pytest.approx(float(want))  # noqa: S307 - the text reads right


@pytest.mark.parametrize("expr", ["__import__('os')", "a.b", "x", "2 ** 3", "1 / 0", "f(1)", "1 +"])
def test_rejects_anything_but_arithmetic_on_earlier_steps(expr):
    with pytest.raises(ValueError):
        cot.evaluate(steps=[{"name": "a", "expr": "1"}, {"name": "b", "expr": expr}])
