"""Chain-of-thought arithmetic: the steps of a worked answer evaluated exactly, and written out as shown."""

from __future__ import annotations

import ast
from fractions import Fraction

from compute._common import jsonable

MAX_STEPS = 16
MAX_EXPR = 80
_OPS = {ast.Add: ("+", 1), ast.Sub: ("−", 1), ast.Mult: ("×", 2), ast.Div: ("÷", 2)}


def _number(v: Fraction) -> int | float:
    """An exact value as an int when whole, else a float."""
    return int(v) if v.denominator == 1 else float(v)


def _text(v: Fraction) -> str:
    """An exact value as printed in a step (whole numbers without decimals)."""
    return str(int(v)) if v.denominator == 1 else f"{float(v):.6g}"


def _eval(node: ast.AST, env: dict[str, Fraction]) -> tuple[Fraction, str, int]:
    """Value, text with earlier results substituted, and precedence of one expression node."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        v = Fraction(node.value)
        return v, _text(v), 3
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise ValueError(f"unknown name {node.id!r} (expected a number or an earlier step's name)")
        return env[node.id], _text(env[node.id]), 3
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v, s, p = _eval(node.operand, env)
        return -v, "−" + (s if p == 3 else f"({s})"), 3
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        sym, prec = _OPS[type(node.op)]
        (a, sa, pa), (b, sb, pb) = _eval(node.left, env), _eval(node.right, env)
        if isinstance(node.op, ast.Div) and b == 0:
            raise ValueError("division by zero in a step")
        v = a / b if isinstance(node.op, ast.Div) else {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(node.op)]
        left = sa if pa >= prec else f"({sa})"
        right = sb if pb > prec else f"({sb})"  # a − (b − c): the right operand of equal rank keeps its brackets
        return v, f"{left} {sym} {right}", prec
    raise ValueError("a step may use only numbers, + − × ÷, brackets and names of earlier steps")


def evaluate(steps: list[dict]) -> dict:
    """Evaluate the arithmetic steps of a worked answer, each step using the results of earlier ones.

    Each step is {name, expr}: `expr` uses numbers, + - * / (or − × ÷), brackets and the names of earlier
    steps; it is evaluated exactly (fractions).

    Returns:
        values: each step's value (an int when whole).
        shown: each expression written out with earlier results substituted and − × ÷ (e.g. "27 + 12").
        lines: "shown = value" per step.
        by_name: {name: value}.
        answer: the value of the last step.
    """
    if not 1 <= len(steps) <= MAX_STEPS:
        raise ValueError(f"steps must hold 1 to {MAX_STEPS} steps")
    env: dict[str, Fraction] = {}
    values, shown = [], []
    for i, step in enumerate(steps):
        name, expr = step.get("name"), step.get("expr")
        if not isinstance(name, str) or not name.isidentifier() or not isinstance(expr, str):
            raise ValueError(f"step {i} needs a name (an identifier) and an expr (a string)")
        if len(expr) > MAX_EXPR:
            raise ValueError(f"step {i}: expr longer than {MAX_EXPR} characters")
        text = expr.replace("−", "-").replace("×", "*").replace("÷", "/")
        try:
            tree = ast.parse(text, mode="eval").body
        except SyntaxError as e:
            raise ValueError(f"step {i}: not an arithmetic expression: {expr!r}") from e
        v, s, _ = _eval(tree, env)
        env[name] = v
        values.append(v)
        shown.append(s)
    return jsonable(
        {
            "values": [_number(v) for v in values],
            "shown": shown,
            "lines": [f"{s} = {_text(v)}" for s, v in zip(shown, values, strict=True)],
            "by_name": {k: _number(v) for k, v in env.items()},
            "answer": _number(values[-1]),
        }
    )
