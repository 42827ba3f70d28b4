"""Every number a diagram prints is an input (a compute argument or a var) or a computed value.

Numbers typed by hand into text are how the original collection got its probabilities wrong. Each number a
scene prints is checked against (a) the inputs written in `compute:` args and `vars:`, (b) every value in the
compute results or computed by a placeholder from inputs and results (at the precision printed), and (c) small
counting integers (step numbers, list markers, indices ≤ 24); a tensor's index header may print the last index
n − 1 of an input or computed size n. Chart axis ticks are chosen by the axis algorithm
from the data range, and a colour key's inner boundaries divide its (checked) end values evenly, so neither is
checked.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from ..scene import Scene, Text, walk
from ..spec.errors import Problem
from .check import src_location

NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:[.,]\d+)*(?:\.\d+)?(?:[eE][+−-]?\d+)?%?(?![A-Za-z_])")
SMALL_INT = 24
UNCHECKED_KINDS = ("credit", "chart-tick", "chart-key-tick")
INDEX_KINDS = ("tensor-header",)  # real indices a tensor prints from its shape: 0 … n − 1


def numbers_in(value: Any) -> list[float]:
    """Every number inside nested data (bools excluded)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, str):
        return [v for v in (parse(m) for m in NUMBER.findall(value)) if v is not None]
    if isinstance(value, list):
        return [x for v in value for x in numbers_in(v)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers_in(v)]
    return []


def parse(token: str) -> float | None:
    """The value of a printed number (a real minus, thousands commas and a percent sign allowed)."""
    t = token.replace("−", "-").replace(",", "")
    pct = t.endswith("%")
    try:
        v = float(t.rstrip("%"))
    except ValueError:
        return None
    return v / 100 if pct else v


def decimals(token: str) -> int:
    """Decimal places a printed number shows (a percent shows two more)."""
    t = token.rstrip("%")
    frac = t.split(".")[1] if "." in t else ""
    return len(re.match(r"\d*", frac).group()) + (2 if token.endswith("%") else 0)


def explained(token: str, known: list[float]) -> bool:
    """The printed number is a known value at the precision printed, or a small counting integer."""
    v = parse(token)
    if v is None:
        return True
    if math.isinf(v):  # a rounding of a value near the float limit (FP64 max printed as 1.8e+308)
        mantissa, _, exponent = token.replace("−", "-").lower().partition("e")
        d = Decimal(mantissa) * Decimal(10) ** int(exponent)
        tol = Decimal(5) * Decimal(10) ** (int(exponent) - decimals(mantissa) - 1)
        return any(math.isfinite(k) and abs(Decimal(k) - d) <= tol for k in known)
    if float(v).is_integer() and 0 <= abs(v) <= SMALL_INT and "." not in token:
        return True
    tol = 0.5 * 10 ** -decimals(token) + 1e-9
    for k in known:
        if math.isclose(k, v, rel_tol=1e-6) or abs(k - v) <= tol or abs(abs(k) - abs(v)) <= tol:
            return True
        if v and k and "e" in token.lower() and math.isclose(k, v, rel_tol=10 ** -decimals(token.split("e")[0])):
            return True
    return False


def known_numbers(raw: dict, results: Any, derived: Any) -> list[float]:
    """The inputs (vars, compute arguments) and computed values of a spec."""
    inputs = {k: v.get("args", {}) for k, v in (raw.get("compute") or {}).items() if isinstance(v, dict)}
    sweep = raw.get("sweep") if isinstance(raw.get("sweep"), dict) else {}
    swept = [sweep.get("values"), sweep.get("range"), sweep.get("initial")]  # a frame's value is an input too
    return (numbers_in(raw.get("vars", {})) + numbers_in(inputs) + numbers_in(swept) + numbers_in(results)
            + numbers_in(derived))


def frames_untraced(spec: Any, theme: Any) -> list[Problem]:
    """`untraced` over every frame of the spec's sweep, each with that frame's inputs and results."""
    from ..spec.langs import LANGS
    from .sweeps import bind_frames, frame_scenes

    out: list[Problem] = []
    for frame in bind_frames(spec):
        shown = {lang: frame_scenes([frame], lang, theme)[0] for lang in LANGS}
        known = known_numbers(spec.doc.data, frame.lang_results, frame.derived)
        out += [p for p in untraced(shown, known, spec.file) if p not in out]
    return out


def untraced(scenes: dict[str, Scene], known: list[float], file: str) -> list[Problem]:
    """A problem per printed number that is neither an input nor computed, at the text's spec location."""
    out: dict[tuple, Problem] = {}
    last_index = known + [k - 1 for k in known if float(k).is_integer() and k > 0]
    for lang, scene in scenes.items():
        for t in walk(scene.items):
            if not isinstance(t, Text) or t.meta.kind in UNCHECKED_KINDS:
                continue
            for token in NUMBER.findall(t.text):
                if not explained(token, last_index if t.meta.kind in INDEX_KINDS else known):
                    where = src_location(t.meta.src, file)
                    out.setdefault((*where, token), Problem(*where, f"[{lang}] the number {token} in "
                                   f"'{t.text}' is typed by hand (expected a placeholder: an input in vars "
                                   "or compute arguments, or a computed value)"))
    return list(out.values())
