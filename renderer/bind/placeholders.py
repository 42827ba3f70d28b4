"""The placeholder language: a tiny, sandboxed expression evaluator over compute results.

`{{ dist.probs[0] | fmt('.2f') }}` is parsed with Python's `ast` and evaluated by walking the tree:
only names of compute results, key/index access, arithmetic, comparisons, list literals and the
filters below exist. There is no attribute access on objects (`a.b` is a key lookup in a mapping),
no calls other than filters, no dunder names, no builtins, so nothing outside the data is reachable.
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from ..spec.palette import categorical_roles

# `{{{` is a literal `{` and then a placeholder, so one fits in script markup: `x_{{{ vars.i }}}` is x_{3}
PLACEHOLDER = re.compile(r"\{\{(?!\{)(.*?)\}\}", re.S)
MAX_EXPR = 500  # characters in one placeholder
MAX_POWER = 64  # largest exponent of **
MAX_NESTING = 50  # levels of nested operations, brackets and filters in one placeholder
MAX_INT_BITS = 128  # whole numbers beyond ±2**128 are refused (they cost time and memory, and never fit a label)
MAX_TEXT = 100_000  # characters of text one placeholder may produce
MAX_FORMAT_NUMBER = 50  # widths and precisions in fmt specs, digits of percent, round


class ExprError(Exception):
    """A placeholder that cannot be evaluated; the message says what and what was expected."""


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _map(fn: Callable[[Any], Any], v: Any) -> Any:
    return [_map(fn, x) for x in v] if isinstance(v, list) else fn(v)


def _fmt(v: Any, spec: str = ".3g") -> Any:
    if not isinstance(spec, str) or len(spec) > 12 or not re.fullmatch(r"[<>^+\- #0-9,._a-zA-Z%]*", spec):
        raise ExprError(f"fmt: bad format {spec!r} (expected a format spec such as '.3f')")
    if any(int(d) > MAX_FORMAT_NUMBER for d in re.findall(r"\d+", spec)):
        raise ExprError(f"fmt: width or precision in {spec!r} too large (limit max_format_number = "
                        f"{MAX_FORMAT_NUMBER})")

    def one(x: Any) -> str:
        if isinstance(x, float) and not math.isfinite(x):
            raise ExprError("value is NaN or infinite (expected a finite number)")
        try:
            return _minus(format(x, spec))
        except (ValueError, TypeError) as e:
            raise ExprError(f"fmt({spec!r}) cannot format {type(x).__name__}: {e}") from None

    return _map(one, v)


def _small_int(n: Any, what: str, low: int, high: int) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or not low <= n <= high:
        raise ExprError(f"{what} must be a whole number from {low} to {high}, got {n!r}")
    return n


def _percent(v: Any, digits: int = 0) -> Any:
    digits = _small_int(digits, "percent: digits", 0, 20)
    return _map(lambda x: _minus(f"{_finite(_finite(_check_num(x)) * 100):.{digits}f}%"), v)


def _round(v: Any, n: int = 0) -> Any:
    n = _small_int(n, "round: digits", -20, 20)
    return _map(lambda x: round(_finite(_check_num(x)), n) if n else int(round(_finite(_check_num(x)))), v)


def _finite(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        raise ExprError("value is NaN or infinite (expected a finite number)")
    return x


def _kind(x: Any) -> str:
    """A value's type as the spec author knows it."""
    if isinstance(x, bool):
        return "true/false"
    return {str: "text", list: "a list", dict: "a mapping", type(None): "null"}.get(type(x), "a number")


def _check_num(x: Any) -> float:
    if not _num(x):
        raise ExprError(f"expected a number, got {_kind(x)}")
    return x


def _length(v: Any) -> int:
    if isinstance(v, list | dict | str):
        return len(v)
    raise ExprError(f"length of a {type(v).__name__} (expected a list, mapping or string)")


def _count(v: Any, item: Any = True) -> int:
    return sum(1 for x in _seq(v) if x == item)


def _seq(v: Any) -> list:
    if not isinstance(v, list):
        raise ExprError(f"expected a list, got {type(v).__name__}")
    return v


def _join(v: Any, sep: str = ", ") -> str:
    if not isinstance(sep, str):
        raise ExprError(f"join: separator must be text, got {type(sep).__name__}")
    parts, size = [], 0
    for x in _seq(v):
        parts.append(to_text(x))
        size += len(parts[-1]) + len(sep)
        if size > MAX_TEXT:
            raise ExprError(f"join: text too long (limit max_placeholder_text = {MAX_TEXT} characters)")
    return sep.join(parts)


def _select(v: Any, mask: Any) -> list:
    return [x for x, m in zip(_seq(v), _seq(mask), strict=False) if m]


def _choose(v: Any, yes: Any, no: Any) -> list:
    """One of two values per item of a list of flags: `kept | choose('kept', 'removed')` (bar states)."""
    return [yes if x else no for x in _seq(v)]


def _pick(v: Any, *options: Any) -> Any:
    """One of several values by a position or a flag: `i | pick(['muted', 'accent', 'warm'])` is item i,
    `(k == best) | pick('muted', 'accent')` the first for false and the second for true; over a list, one
    per item (`flags | pick('muted', 'accent')`). A single list argument is the list of options."""
    if len(options) == 1 and isinstance(options[0], list):
        options = tuple(options[0])
    if len(options) < 2:
        raise ExprError("pick: needs at least two options, e.g. pick('muted', 'accent') or pick(['a', 'b', 'c'])")

    def one(x: Any) -> Any:
        if isinstance(x, bool):
            return options[int(x)]
        if not isinstance(x, int) or not 0 <= x < len(options):
            raise ExprError(f"pick: {_clip(repr(x))} is not a position among the {len(options)} options "
                            f"(expected true/false or a whole number from 0 to {len(options) - 1})")
        return options[x]

    return _map(one, v)


def _compare(op: Callable[[Any, Any], bool], name: str) -> Callable[[Any, Any], Any]:
    """An elementwise comparison filter: `probs | eq(probs | max)` is one true/false per item."""

    def one(v: Any, other: Any) -> Any:
        def test(x: Any) -> bool:
            try:
                return bool(op(x, other))
            except TypeError:
                raise ExprError(f"{name}: cannot compare {type(x).__name__} with {type(other).__name__}") from None

        return _map(test, v)

    return one


def _positions(v: Any) -> list[int]:
    """0, 1, …, n−1 for a list of n items: `probs | positions | eq(probs | argmax)` marks the argmax only."""
    return list(range(len(_seq(v))))


def _map_filter(v: Any, name: Any, *args: Any) -> list:
    """Another filter applied to each item of a list: `rows | map('sum')`, `xs | map('round', 2)`."""
    if not isinstance(name, str) or name not in FILTERS or name == "map":
        raise ExprError(f"map: unknown filter {name!r} (expected a filter name in quotes, e.g. map('sum'))")
    fn = FILTERS[name]
    try:
        inspect.signature(fn).bind(None, *args)
    except TypeError:
        raise ExprError(f"map: wrong arguments for filter '{name}'") from None
    return [fn(x, *args) for x in _seq(v)]


def _mark(v: Any, index: Any, value: Any) -> list:
    """A copy of a list with item `index` set to `value`: `states | mark(draw.samples[0], 'sampled')`."""
    out = list(_seq(v))
    if not isinstance(index, int) or isinstance(index, bool) or not -len(out) <= index < len(out):
        raise ExprError(f"mark: index {index!r} is not a position in the list (it has {len(out)} items)")
    out[index] = value
    return out


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MAX_SIG_FIGS = 17  # a double has at most 17 significant decimal digits
BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def _sci(v: Any, figures: int = 3) -> Any:
    """Scientific notation with `figures` significant figures, kept as written: 1.23×10⁻⁴, −5.00×10²."""
    figures = _small_int(figures, "sci: significant figures", 1, MAX_SIG_FIGS)

    def one(x: Any) -> str:
        mantissa, exponent = format(_finite(_check_num(x)), f".{figures - 1}e").split("e")
        return _minus(mantissa) + "×10" + str(int(exponent)).translate(_SUPERSCRIPT)

    return _map(one, v)


def _bytes(v: Any, digits: int = 1) -> Any:
    """A byte count in binary units (B, KiB, MiB, GiB, …) with `digits` decimals: 1.5 MiB."""
    digits = _small_int(digits, "bytes: digits", 0, 20)

    def one(x: Any) -> str:
        x = _finite(_check_num(x))
        if x < 0:
            raise ExprError(f"bytes: {x!r} is negative (expected a byte count of 0 or more)")
        k = 0  # the largest unit in which the rounded value is still at least 1
        while k < len(BYTE_UNITS) - 1 and float(format(x / 1024**k, f".{digits}f")) >= 1024:
            k += 1
        if k == 0 and float(x).is_integer():
            return f"{int(x)} B"
        return f"{x / 1024**k:.{digits}f} {BYTE_UNITS[k]}"

    return _map(one, v)


def _key_colors(v: Any, keys: Any = None) -> list:
    """A categorical colour role per item, equal items sharing one: `ids | key_colors` gives the roles in order
    of first appearance (as a repeat's `color_by: value`), so a tensor's `roles` (one per row), a chart's bar
    `roles` and a repeat's boxes keyed by the same list agree. With `keys` (the whole key list), a subset or a
    reordering keeps each key's colour: `picked | key_colors(vars.ids)`."""
    order = _seq(v if keys is None else keys)
    seen: dict[str, int] = {}
    for k in order:
        seen.setdefault(repr(k), len(seen))
    cycle = categorical_roles()
    out = []
    for x in _seq(v):
        if repr(x) not in seen:
            raise ExprError(f"key_colors: {to_text(x)} is not one of the keys (expected a value of the list given)")
        out.append(cycle[seen[repr(x)] % len(cycle)])
    return out


FILTERS: dict[str, Callable[..., Any]] = {
    "fmt": _fmt,
    "percent": _percent,
    "sci": _sci,
    "bytes": _bytes,
    "round": _round,
    "length": _length,
    "count": _count,
    "sum": lambda v: sum(_check_num(x) for x in _seq(v)),
    "max": lambda v: max(_seq(v)),
    "min": lambda v: min(_seq(v)),
    "argmax": lambda v: max(range(len(_seq(v))), key=lambda i: v[i]),
    "first": lambda v: _seq(v)[0],
    "last": lambda v: _seq(v)[-1],
    "abs": lambda v: _map(lambda x: abs(_check_num(x)), v),
    "join": _join,
    "select": _select,
    "choose": _choose,
    "key_colors": _key_colors,
    "pick": _pick,
    "mark": _mark,
    "reverse": lambda v: list(reversed(_seq(v))),
    "string": lambda v: to_text(v),
    "eq": _compare(operator.eq, "eq"),
    "ne": _compare(operator.ne, "ne"),
    "lt": _compare(operator.lt, "lt"),
    "le": _compare(operator.le, "le"),
    "gt": _compare(operator.gt, "gt"),
    "ge": _compare(operator.ge, "ge"),
    "positions": _positions,
    "map": _map_filter,
}

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Pow: "**"}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
        ast.Gt: operator.gt, ast.GtE: operator.ge,
        ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}  # membership in a list/mapping


# what users are told when they write Python the placeholder language does not have
_FORBIDDEN = {
    "Lambda": "lambda functions", "ListComp": "comprehensions", "SetComp": "comprehensions",
    "DictComp": "comprehensions", "GeneratorExp": "comprehensions", "NamedExpr": "assignments (:=)",
    "JoinedStr": "f-strings", "FormattedValue": "f-strings", "Dict": "mapping literals {…}",
    "Set": "set literals {…}", "Starred": "* unpackings", "Await": "await expressions", "Yield": "yield expressions",
    "YieldFrom": "yield expressions", "Slice": "slices outside [ ]",
}


def _parse(source: str) -> ast.expr:
    try:
        return ast.parse(source, mode="eval").body
    except SyntaxError as e:
        msg = e.msg if isinstance(e.msg, str) else "invalid syntax"
        raise ExprError(f"cannot parse '{_clip(source)}': {msg} (expected e.g. name.key[0] | fmt('.2f'))") from None
    except (ValueError, RecursionError, MemoryError):  # NUL characters, absurd nesting
        raise ExprError(f"cannot parse '{_clip(source)}' (expected e.g. name.key[0] | fmt('.2f'))") from None


def _clip(source: str, n: int = 60) -> str:
    s = source if len(source) <= n else source[: n - 1] + "…"
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in s)


def evaluate(source: str, names: dict[str, Any]) -> Any:
    """Evaluate one placeholder expression against the named compute results."""
    source = source.strip()
    if len(source) > MAX_EXPR:
        raise ExprError(f"expression too long: {len(source)} characters (limit max_expr_chars = {MAX_EXPR})")
    result = _Eval(names).visit(_parse(source))
    return _finite(result)


def _keys(mapping: dict, n: int = 20) -> str:
    """The keys of a mapping for a message: sorted, at most `n`."""
    keys = sorted(_clip(str(k), 40) for k in mapping)
    return ", ".join(keys[:n]) + (f", … ({len(keys) - n} more)" if len(keys) > n else "")


def _int_ok(x: Any) -> Any:
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > MAX_INT_BITS:
        raise ExprError(f"number too large (limit max_int_bits = {MAX_INT_BITS}: at most ±2**{MAX_INT_BITS})")
    return x


class _Eval:
    def __init__(self, names: dict[str, Any]):
        self.names = names
        self.depth = 0

    def visit(self, node: ast.AST) -> Any:
        kind = type(node).__name__
        method = getattr(self, "v_" + kind, None)
        if method is None:
            what = _FORBIDDEN.get(kind)
            if what:
                raise ExprError(f"{what} are not allowed in a placeholder "
                                "(expected names, .key, [index], arithmetic, comparisons and | filters)")
            raise ExprError(f"'{_clip(ast.unparse(node))}' is not allowed in a placeholder "
                            "(expected names, .key, [index], arithmetic, comparisons and | filters)")
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise ExprError(f"expression nested too deeply (limit max_expr_nesting = {MAX_NESTING} levels)")
            return method(node)
        finally:
            self.depth -= 1

    def v_Constant(self, n: ast.Constant) -> Any:
        if isinstance(n.value, int | float | str | bool | type(None)):
            return _int_ok(n.value)
        raise ExprError(f"constant {_clip(repr(n.value))} is not allowed (expected a number or a 'string')")

    def v_Name(self, n: ast.Name) -> Any:
        if n.id.startswith("_"):
            raise ExprError(f"name '{n.id}' is not allowed (names starting with _ are private)")
        if n.id in ("true", "True"):
            return True
        if n.id in ("false", "False"):
            return False
        if n.id not in self.names:
            known = ", ".join(sorted(self.names)) or "none: add a compute: section"
            raise ExprError(f"unknown name '{n.id}' (expected a compute result: {known})")
        return self.names[n.id]

    def v_Attribute(self, n: ast.Attribute) -> Any:
        if n.attr.startswith("_"):
            raise ExprError(f"access to '{n.attr}' is not allowed (names starting with _ are private)")
        base = self.visit(n.value)
        if not isinstance(base, dict):
            raise ExprError(f"'{_clip(ast.unparse(n.value))}' is {_kind(base)}, it has no key '{n.attr}'")
        if n.attr not in base:
            raise ExprError(f"'{_clip(ast.unparse(n.value))}' has no key '{n.attr}' (expected one of: "
                            f"{_keys(base)})")
        return base[n.attr]

    def v_Subscript(self, n: ast.Subscript) -> Any:
        base = self.visit(n.value)
        if isinstance(n.slice, ast.Slice):
            if not isinstance(base, list):
                raise ExprError(f"cannot slice a {type(base).__name__} (expected a list)")
            parts = [None if p is None else self.visit(p) for p in (n.slice.lower, n.slice.upper, n.slice.step)]
            if not all(p is None or isinstance(p, int) for p in parts) or parts[2] == 0:
                raise ExprError("slice bounds must be whole numbers and the step not 0")
            return base[slice(*parts)]
        key = self.visit(n.slice)
        if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool):
            if not -len(base) <= key < len(base):
                raise ExprError(f"index {key} out of range (list has {len(base)} items)")
            return base[key]
        if isinstance(key, str) and key.startswith("_"):
            raise ExprError(f"access to '{_clip(key)}' is not allowed (names starting with _ are private)")
        if isinstance(base, dict) and isinstance(key, str):
            if key not in base:
                raise ExprError(f"no key '{_clip(key)}' (expected one of: {_keys(base)})")
            return base[key]
        raise ExprError(f"cannot index {_kind(base)} with {_kind(key)} (expected list[number] or "
                        "mapping['key'])")

    def v_List(self, n: ast.List) -> list:
        return [self.visit(e) for e in n.elts]

    v_Tuple = v_List

    def v_UnaryOp(self, n: ast.UnaryOp) -> Any:
        v = self.visit(n.operand)
        if isinstance(n.op, ast.Not):
            return not v
        if isinstance(n.op, ast.Invert):
            raise ExprError("~ is not allowed (expected + - * / // % ** and | filters)")
        _check_num(v)
        return -v if isinstance(n.op, ast.USub) else +v

    def v_IfExp(self, n: ast.IfExp) -> Any:
        return self.visit(n.body) if self.visit(n.test) else self.visit(n.orelse)

    def v_BoolOp(self, n: ast.BoolOp) -> Any:
        """`a or b` / `a and b` as Python: the first operand that decides, itself (`x or '—'` is x, else the dash);
        operands after it are not evaluated."""
        deciding = not isinstance(n.op, ast.And)  # `or` stops at a true operand, `and` at a false one
        for v in n.values[:-1]:
            value = self.visit(v)
            if bool(value) is deciding:
                return value
        return self.visit(n.values[-1])

    def v_Compare(self, n: ast.Compare) -> bool:
        left = self.visit(n.left)
        for op, comp in zip(n.ops, n.comparators, strict=True):
            right = self.visit(comp)
            if type(op) not in _CMP:
                raise ExprError("only ==, !=, <, <=, >, >=, in, not in comparisons are allowed")
            try:
                if not _CMP[type(op)](left, right):
                    return False
            except TypeError:
                raise ExprError(f"cannot compare {_kind(left)} with {_kind(right)}") from None
            left = right
        return True

    def v_BinOp(self, n: ast.BinOp) -> Any:
        # a + b + c and x | f | g nest to the left: walk that chain in a loop, so a long sum is not "deep"
        chain = [n]
        while isinstance(chain[-1].left, ast.BinOp):
            chain.append(chain[-1].left)
        value = self.visit(chain[-1].left)
        for node in reversed(chain):
            if isinstance(node.op, ast.BitOr):
                value = self._filter(value, node.right)
            else:
                value = self._arith(node, value, self.visit(node.right))
        return value

    def _arith(self, n: ast.BinOp, left: Any, right: Any) -> Any:
        if isinstance(n.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_TEXT:
                raise ExprError(f"text too long (limit max_placeholder_text = {MAX_TEXT} characters)")
            return left + right
        if type(n.op) not in _BIN:
            raise ExprError("only + - * / // % ** and | filters are allowed")
        if not (_num(left) and _num(right)):
            sym = _SYMBOL[type(n.op)]
            raise ExprError(f"'{sym}' needs numbers on both sides, got {_kind(left)} and {_kind(right)} "
                            f"(text and lists cannot be {'repeated' if sym == '*' else 'computed with'})")
        if isinstance(n.op, ast.Pow):
            if abs(right) > MAX_POWER:
                raise ExprError(f"exponent {_clip(str(right))} too large (limit max_power = {MAX_POWER})")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() * right > MAX_INT_BITS:
                raise ExprError(f"number too large (limit max_int_bits = {MAX_INT_BITS}: at most "
                                f"±2**{MAX_INT_BITS})")
        try:
            result = _BIN[type(n.op)](left, right)
        except (ZeroDivisionError, OverflowError, ValueError) as e:
            raise ExprError(f"arithmetic error: {e}") from None
        if isinstance(result, complex):
            raise ExprError("result is not a real number")
        return _finite(_int_ok(result))

    def v_Call(self, n: ast.Call) -> Any:
        fn = n.func.id if isinstance(n.func, ast.Name) else None
        hint = f"value | {fn}(…)" if fn in FILTERS else "a filter after |, e.g. value | fmt('.2f')"
        raise ExprError(f"calls are not allowed: '{_clip(ast.unparse(n))}' (expected {hint})")

    def _filter(self, value: Any, node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            name, args = node.id, []
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            name, args = node.func.id, [self.visit(a) for a in node.args]
        else:
            raise ExprError(f"'{ast.unparse(node)}' is not a filter (expected e.g. fmt('.2f'), percent, length)")
        if name not in FILTERS:
            raise ExprError(f"unknown filter '{name}' (expected one of: {', '.join(sorted(FILTERS))})")
        try:
            inspect.signature(FILTERS[name]).bind(value, *args)
        except TypeError:
            raise ExprError(f"filter {name}: wrong number of arguments ({len(args)} given)") from None
        try:
            return FILTERS[name](value, *args)
        except ExprError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as e:
            raise ExprError(f"filter {name}: {_clip(str(e), 120)}") from None


_SIGN = re.compile(r"-(?=[0-9.])")  # a sign: before a digit (also after padding, and in an exponent: 1e-05)


def _minus(number: str) -> str:
    """A formatted number with typographic minus signs (U+2212), as on the chart axes; no sign on a zero."""
    if number.lstrip().startswith("-") and not any(ch in "123456789" for ch in number.split("e")[0]):
        number = number.replace("-", "", 1)  # -0.001 at two decimals is 0.00, not −0.00
    return _SIGN.sub("−", number)


def to_text(v: Any) -> str:
    """How a value reads inside text: 4 significant digits for floats, lists joined by commas."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ExprError("value is NaN or infinite (expected a finite number)")
        return _minus(format(v, ".4g"))
    if isinstance(v, list):
        return _join(v, ", ")
    if v is None:
        return ""
    text = _minus(str(_int_ok(v))) if isinstance(v, int) else str(_int_ok(v))
    if len(text) > MAX_TEXT:
        raise ExprError(f"text too long (limit max_placeholder_text = {MAX_TEXT} characters)")
    return text


def render_template(text: str, names: dict[str, Any], used: set[str] | None = None,
                    produced: list[Any] | None = None) -> Any:
    """Fill every {{ }} in `text`; a string that is exactly one placeholder yields the raw value.

    `used` collects the names the placeholders read; `produced` the values of those that read any
    name (a derived number, as opposed to a constant typed inside the braces).
    """
    matches = list(PLACEHOLDER.finditer(text))
    if not matches:
        if "{{" in text:
            raise ExprError("unclosed '{{' (expected '{{ expression }}')")
        return text
    if "{{" in PLACEHOLDER.sub("", text):
        raise ExprError("unclosed '{{' (expected '{{ expression }}')")

    def value(m: re.Match) -> Any:
        v = evaluate(m.group(1), names)
        read = _names_in(m.group(1))
        if used is not None:
            used.update(read)
        if produced is not None and read:
            produced.append(v)
        return v

    if len(matches) == 1 and matches[0].span() == (0, len(text)):
        return value(matches[0])
    out = PLACEHOLDER.sub(lambda m: to_text(value(m)), text)
    if len(out) > MAX_TEXT:
        raise ExprError(f"text too long (limit max_placeholder_text = {MAX_TEXT} characters)")
    return out


def _names_in(source: str) -> set[str]:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    filters = {n.func.id if isinstance(n, ast.Call) else n.id
               for b in ast.walk(tree) if isinstance(b, ast.BinOp) and isinstance(b.op, ast.BitOr)
               for n in [b.right] if isinstance(n, ast.Name | ast.Call)
               if isinstance(n, ast.Name) or isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - filters
