"""LaTeX → glyph outlines (ziamath, STIX Two Math), as M/L/C/Z path commands; cached per (latex, size).

ziamath typesets the formula (via latex2mathml) and writes SVG whose glyphs are absolute `<path>`s
(M/L/Q/Z) and whose bars are `<rect>`s, with the baseline at y = 0. We read that SVG back, turn the
quadratic segments into cubics, and keep the font's line box (the SVG viewBox) for layout.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

from ..scene import PathCmd

_LOCK = threading.Lock()
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_TOKEN = re.compile(rf"[MLHVCSQTZmlhvcsqtz]|{_NUM}")


class MathError(ValueError):
    """A formula that cannot be typeset; the message says why."""


@dataclass(frozen=True)
class Outline:
    """A typeset formula: path commands (baseline at y = 0) and its line box."""

    cmds: tuple[PathCmd, ...]
    x0: float  # line box, relative to the pen origin on the baseline
    top: float  # ascent (px above the baseline, positive)
    width: float
    bottom: float  # descent (px below the baseline, positive)


@lru_cache(maxsize=4096)
def outline(latex: str, size: float, inline: bool = False) -> Outline:
    """The formula's glyph outlines at `size` px; raises MathError for LaTeX that does not parse."""
    import ziamath as zm

    with _LOCK:  # ziamath's config is module-global
        zm.config.svg2 = False  # absolute <path> elements instead of <symbol>/<use>
        zm.config.precision = 3
        try:
            svg = zm.Math(_mathml(latex, inline), size=size, margin=0).svg()
        except Exception as e:  # latex2mathml/ziamath raise many types for bad input
            raise MathError(f"cannot typeset LaTeX {latex!r}: {type(e).__name__}: {e}") from None
    return _parse_svg(svg)


def _mathml(latex: str, inline: bool) -> ET.Element:
    """LaTeX → MathML, with \\hat as a narrow circumflex (ziamath stretches U+0302 over its base)."""
    from ziamath.tex import tex2mml

    root = ET.fromstring(tex2mml(latex, inline=inline))
    for mover in root.iter():
        if mover.tag.rsplit("}", 1)[-1] == "mover" and mover.attrib.get("accent") == "true" and len(mover) == 2:
            mo = mover[1]
            if mo.tag.rsplit("}", 1)[-1] == "mo" and mo.text == "\u0302":
                mo.text = "\u02c6"
    return root


def _parse_svg(svg: str) -> Outline:
    root = ET.fromstring(svg)
    vx, vy, vw, vh = (float(v) for v in root.attrib["viewBox"].split())
    cmds: list[PathCmd] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "path":
            cmds += path_cmds(el.attrib.get("d", ""))
        elif tag == "rect":
            x, y = float(el.attrib.get("x", 0)), float(el.attrib.get("y", 0))
            w, h = float(el.attrib["width"]), float(el.attrib["height"])
            cmds += [("M", x, y), ("L", x + w, y), ("L", x + w, y + h), ("L", x, y + h), ("Z",)]
        elif tag in ("line", "polyline", "polygon", "circle", "ellipse", "image", "text", "use"):
            raise MathError(f"unexpected <{tag}> in the typeset formula (expected paths and rects)")
    cmds = [tuple(round(v, 3) if isinstance(v, float) else v for v in c) for c in cmds]
    xs = [v for c in cmds for v in c[1::2]]
    ys = [v for c in cmds for v in c[2::2]]
    # the line box is the font's (viewBox), widened where ink overhangs it (italic side bearings)
    x0 = min([vx, *xs])
    x1 = max([vx + vw, *xs])
    top = max([-vy, *(-y for y in ys)])
    bottom = max([vh + vy, *ys])
    return Outline(tuple(cmds), x0, top, x1 - x0, bottom)


def path_cmds(d: str) -> list[PathCmd]:
    """SVG path data → absolute M/L/C/Z commands (H/V/S/Q/T and relative forms converted)."""
    toks = _TOKEN.findall(d)
    out: list[PathCmd] = []
    i = 0
    op = ""
    cx = cy = sx = sy = 0.0
    last_ctrl: tuple[float, float] | None = None  # reflected by S (cubic) / T (quadratic)
    last_q: tuple[float, float] | None = None

    def num() -> float:
        nonlocal i
        v = float(toks[i])
        i += 1
        return v

    while i < len(toks):
        t = toks[i]
        if t.isalpha():
            op = t
            i += 1
            if op in "Zz":
                out.append(("Z",))
                cx, cy = sx, sy
                last_ctrl = last_q = None
                continue
        elif not op:
            raise MathError(f"path data starts with a number: {d[:40]!r}")
        rel = op.islower()
        o = op.upper()
        bx, by = (cx, cy) if rel else (0.0, 0.0)
        if o == "M":
            cx, cy = bx + num(), by + num()
            sx, sy = cx, cy
            out.append(("M", cx, cy))
            op = "l" if rel else "L"  # further pairs are line-tos
            last_ctrl = last_q = None
        elif o == "L":
            cx, cy = bx + num(), by + num()
            out.append(("L", cx, cy))
            last_ctrl = last_q = None
        elif o == "H":
            cx = (cx if rel else 0.0) + num()
            out.append(("L", cx, cy))
            last_ctrl = last_q = None
        elif o == "V":
            cy = (cy if rel else 0.0) + num()
            out.append(("L", cx, cy))
            last_ctrl = last_q = None
        elif o in "CS":
            if o == "C":
                x1, y1 = bx + num(), by + num()
            else:
                x1, y1 = (2 * cx - last_ctrl[0], 2 * cy - last_ctrl[1]) if last_ctrl else (cx, cy)
            x2, y2 = bx + num(), by + num()
            x, y = bx + num(), by + num()
            out.append(("C", x1, y1, x2, y2, x, y))
            last_ctrl, last_q = (x2, y2), None
            cx, cy = x, y
        elif o in "QT":
            if o == "Q":
                qx, qy = bx + num(), by + num()
            else:
                qx, qy = (2 * cx - last_q[0], 2 * cy - last_q[1]) if last_q else (cx, cy)
            x, y = bx + num(), by + num()
            out.append(("C", cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy),
                        x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y), x, y))
            last_q, last_ctrl = (qx, qy), None
            cx, cy = x, y
        else:
            raise MathError(f"unsupported path command {op!r}")
    return out
