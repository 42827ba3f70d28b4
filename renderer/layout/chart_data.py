"""Data helpers shared by chart, tensor, table and timeline layout: bound-data checks, number text, colour scale."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel

from ..spec.errors import Problem, SpecError
from ..spec.models_base import I18n
from .base import Ctx
from .colormap import CONTINUOUS_ROLE, blend, position

MINUS = "\u2212"


def fail(ctx: Ctx, path: tuple, message: str) -> SpecError:
    """A located error for a layout-time data problem."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, message)])
    return SpecError([ctx.doc.problem(path, message)])


def bound(value: Any, ctx: Ctx, path: tuple, what: str, expected: str = "a list") -> Any:
    """The value, or a located error when a `{{ placeholder }}` string survived binding (wrong shape)."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        raise fail(ctx, path, f"{what}: expected {expected}, got text \"{shown}\" (a placeholder that gives "
                              "data stands alone, with no other text and no fmt or percent, e.g. "
                              "\"{{ dist.probs }}\")")
    return value


def numbers(value: Any, ctx: Ctx, path: tuple, what: str) -> list[float]:
    """A bound list of numbers."""
    v = bound(value, ctx, path, what)
    return [float(bound(x, ctx, path + (i,), f"{what} item {i}", "a number")) for i, x in enumerate(v)]


def number(value: Any, ctx: Ctx, path: tuple, what: str) -> float:
    """A bound single number."""
    return float(bound(value, ctx, path, what, "a number"))


def fmt_num(v: float, spec: str | None = None) -> str:
    """A number as text with the given format spec (default: 3 significant digits); a real minus sign."""
    if isinstance(v, float) and math.isinf(v):
        return ("" if v > 0 else MINUS) + "∞"
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if spec is None:
        spec = "d" if float(v).is_integer() and abs(v) < 1e15 else ".3g"
    try:
        s = format(int(v) if spec.endswith("d") and float(v).is_integer() else v, spec)
    except (ValueError, TypeError):
        s = format(v, ".3g")
    if s.startswith("-") and not any(ch.isdigit() and ch != "0" for ch in s):
        s = s[1:]  # no "−0.00"
    return s.replace("-", MINUS)


def text_of(value: Any, ctx: Ctx, spec: str | None = None) -> str:
    """Cell/label text of a value: localised text, a formatted number, or empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return fmt_num(value, spec)
    if isinstance(value, I18n):
        return ctx.t(value)
    return str(value)


def scale_colors(ctx: Ctx, roles: list[str] | None, scheme: str = "default") -> list[tuple[str, str]]:
    """(step name, colour) of a colour scale, low → high: the given roles' colours or the theme's `scale` list
    (`scale-<scheme>` for another scheme). Steps are named `scale-<i>` either way: a cell coloured by a scale
    means its value (the colour bar says which), not what its palette role means elsewhere in the diagram."""
    if roles:
        return [(f"scale-{i}", ctx.color(r)) for i, r in enumerate(roles)]
    key = "scale" if scheme == "default" else f"scale-{scheme}"
    steps = ctx.theme.palette.get(key)
    if not isinstance(steps, list) or len(steps) < 2:
        raise SpecError([Problem("templates/theme.yaml", 1, 1, f"palette.{key} must list at least 2 colours")])
    return [(f"scale-{i}", c) for i, c in enumerate(steps)]


def check_log_scale(scale: Any, lo: float, hi: float, vals: list[float], ctx: Ctx, path: tuple) -> None:
    """A log colour scale needs every value and both ends above 0 (a located error otherwise)."""
    if scale.log and (lo <= 0 or hi <= 0 or any(v <= 0 for v in vals)):
        raise fail(ctx, path + ("scale", "log"), "a log colour scale needs values, min and max above 0 "
                                                 f"(found {min([lo, hi, *vals]):g})")


def value_color(scale: Any, steps: list[tuple[str, str]], v: float, lo: float, hi: float) -> tuple[str, str]:
    """(role, colour) of a value on a colour scale (heat maps and tensors coloured by value): blended when the
    scale is continuous or periodic, else the bin of its step (bins of the logarithm on a log scale)."""
    if scale.continuous or scale.periodic:
        return CONTINUOUS_ROLE, blend([c for _r, c in steps], position(v, lo, hi, scale.log), scale.periodic)
    k = bin_index(position(v, lo, hi, True), 0.0, 1.0, len(steps)) if scale.log else bin_index(v, lo, hi, len(steps))
    return steps[k]


def bin_index(v: float, lo: float, hi: float, n: int) -> int:
    """Which of n equal-width bins over [lo, hi] holds v (values outside are clamped)."""
    if hi <= lo:
        return n - 1 if v > lo else 0
    at = (v / 2 - lo / 2) / (hi / 2 - lo / 2) * n  # halved: hi − lo of numbers near ±1.8e308 would overflow
    return max(0, min(n - 1, int(math.floor(at)))) if math.isfinite(at) else 0


def finite(values: list[Any]) -> list[float]:
    """The finite numbers among values."""
    return [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            and math.isfinite(v)]


def measure(ctx: Ctx, text: str, size: float, weight: int = 400) -> float:
    """Advance width of one line in px (0 for empty text, which the shaper does not accept)."""
    return ctx.metrics.width(text, size, weight) if text else 0.0


def check_roles(ctx: Ctx, value: Any, path: tuple, key: str = "") -> None:
    """Every colour role named in an element's model exists in the theme; the error points at the value."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            check_roles(ctx, getattr(value, name), path + (name,), name)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_roles(ctx, v, path + (i,), key)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_roles(ctx, v, path + (k,), key)
    elif isinstance(value, str) and (key.endswith(("role", "roles")) or key == "colors") and "{{" not in value:
        if value not in ctx.theme.roles():
            raise fail(ctx, path, f"unknown colour role '{value}' (expected one of: {', '.join(ctx.theme.roles())})")
