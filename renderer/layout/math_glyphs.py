"""LaTeX → glyph outlines (ziamath, STIX Two Math), as M/L/C/Z path commands; cached per (latex, size).

ziamath typesets the formula (via latex2mathml) and writes SVG whose glyphs are absolute `<path>`s
(M/L/Q/Z) and whose bars are `<rect>`s, with the baseline at y = 0. We read that SVG back, turn the
quadratic segments into cubics, and keep the font's line box (the SVG viewBox) for layout.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..scene import PathCmd

_LOCK = threading.Lock()
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
CJK = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]")
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
    # `\\text{…}` pieces with Chinese, drawn in the text face: (left x, baseline y, text, font size px)
    texts: tuple[tuple[float, float, str, float], ...] = ()


# the text face's line box as fractions of the font size (as `Ctx.text_lines` draws a line)
TEXT_ASCENT, TEXT_DESCENT = 0.88, 0.24
_MARK = "#fe00"  # fill of the placeholder bar that marks where a Chinese `\\text{…}` piece sits


TextWidth = Callable[[str], float]  # advance of a text piece at font size 1 in the text face


LETTERS = ("serif", "sans")  # the theme's `fonts.math_letters` choices


def math_letters(fonts: dict) -> str:
    """The theme's math alphabet for Latin letters and digits as ziamath names it ("" is serif)."""
    letters = fonts.get("math_letters", "serif")
    if letters not in LETTERS:
        raise MathError(f"theme fonts.math_letters is {letters!r} (expected one of {', '.join(LETTERS)})")
    return "" if letters == "serif" else letters


@lru_cache(maxsize=4096)
def outline(latex: str, size: float, inline: bool = False, text_width: TextWidth | None = None,
            letters: str = "") -> Outline:
    """The formula's glyph outlines at `size` px; raises MathError for LaTeX that does not parse.

    With `text_width`, a `\\text{…}` holding Chinese is typeset as a blank of that text's size and
    returned in `texts`, for the caller to draw in the text face (the math font has no Chinese).
    `letters` is the default math alphabet of Latin letters and digits ("" serif, "sans" the font's
    sans-serif alphabets, so formulas match a sans text face); bold/italic styles still apply.
    """
    import ziamath as zm

    with _LOCK:  # ziamath's config is module-global
        zm.config.svg2 = False  # absolute <path> elements instead of <symbol>/<use>
        zm.config.precision = 3
        zm.config.math.variant = letters
        _keep_fills()
        _memo_row_heights()
        try:
            root, pieces = _mathml(latex, inline, text_width)
            svg = zm.Math(root, size=size, margin=0).svg()
            ref = _mark_ref(size) if pieces else (0.0, 0.0, 1.0)
        except MathError:
            raise
        except Exception as e:  # latex2mathml/ziamath raise many types for bad input
            raise MathError(f"cannot typeset LaTeX {latex!r}: {type(e).__name__}: {e}") from None
    return _parse_svg(svg, pieces, size, ref)


MAX_ROW_HEIGHTS = 50_000  # remembered row heights (ziamath's first layout pass) before the memo is cleared


def _memo_row_heights() -> None:
    """Remember ziamath 0.13's first layout pass of a row (`Mrow._get_height_nostretch`: every child laid out once
    only to measure the row's height for stretchy operators, then again for real — twice per nesting level).
    The result depends on the row's children and element, the row's style, size and font, its parent's kind,
    what it has placed so far and the arguments; equal keys give equal heights, so formulas are typeset
    exactly as before (the 148 formulas of the collection compared equal); with the style copy below, 7.9 s of
    CPU for them becomes 5.0 s. A row with no operator that could stretch skips the pass (only a stretchy <mo>
    reads its result): the collection's formulas then take about half as long again, SVG byte-identical."""
    from ziamath.nodes import mrow

    if getattr(mrow.Mrow._get_height_nostretch, "_memo", False):
        return
    measure = mrow.Mrow._get_height_nostretch
    heights: dict[tuple, tuple[float, float]] = {}

    def remembered(self, line: list[ET.Element], **kwargs) -> tuple[float, float]:
        if not any(_may_stretch(mo) for child in line for mo in child.iter("mo")):
            return (0.0, 0.0)  # only a stretchy <mo> below reads the row's height: nothing to measure it for
        key = (tuple(ET.tostring(c) for c in line), ET.tostring(self.element), repr(self.style), self.size,
               id(self.font), getattr(self.parent, "mtag", None), len(self.nodes), repr(sorted(kwargs.items())))
        if key not in heights:
            if len(heights) >= MAX_ROW_HEIGHTS:
                heights.clear()
            heights[key] = measure(self, line, **kwargs)
        return heights[key]

    remembered._memo = True  # type: ignore[attr-defined]
    mrow.Mrow._get_height_nostretch = remembered
    # every node's style reads its parent's through dataclasses.asdict, a recursive deep copy; the keys read
    # (colour, size, script level, display style, css) are top-level fields, so the instance dict reads the same
    from ziamath import styles

    styles.asdict = vars


def _may_stretch(mo: ET.Element) -> bool:
    """Whether ziamath could stretch this operator to its row's height (moperator.py: its `stretchy` parameter,
    from the operator dictionary in any form, or its own attribute, is not "false")."""
    from ziamath import operators
    from ziamath.nodes.nodetools import elementtext

    if "stretchy" in mo.attrib:
        return mo.get("stretchy") != "false"
    text = elementtext(mo)
    return any(operators.get_params(text, form).get("stretchy", "false") != "false"
               for form in ("prefix", "infix", "postfix"))


def _keep_fills() -> None:
    """Work around ziamath 0.13: a glyph without outline (a space) recolours the element drawn before it,
    which would unmark a blank's bar; such a glyph now leaves it alone."""
    from ziamath import drawable

    if getattr(drawable.Glyph.draw, "_keeps_fills", False):
        return
    draw = drawable.Glyph.draw

    def guarded(self, x: float, y: float, svg: ET.Element) -> tuple[float, float]:
        before = len(svg)
        fill = svg[-1].get("fill") if before else None
        out = draw(self, x, y, svg)
        if before and len(svg) == before and fill is not None:
            svg[-1].set("fill", fill)
        return out

    guarded._keeps_fills = True  # type: ignore[attr-defined]
    drawable.Glyph.draw = guarded


def _mathml(latex: str, inline: bool, text_width: TextWidth | None = None) -> tuple[ET.Element, list[str]]:
    """LaTeX → MathML, with \\hat as a narrow circumflex (ziamath stretches U+0302 over its base) and
    each Chinese `\\text{…}` and each `\\textsf{…}` replaced by a marked blank of its size (the pieces, in mark
    order), drawn later in the label face."""
    from ziamath.tex import tex2mml

    root = ET.fromstring(tex2mml(_escape_texts(latex), inline=inline))
    pieces: list[str] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "mover" and el.attrib.get("accent") == "true" and len(el) == 2:
            mo = el[1]
            if mo.tag.rsplit("}", 1)[-1] == "mo" and mo.text == "\u0302":
                mo.text = "\u02c6"
        sans = tag == "mtext" and el.attrib.get("mathvariant") == "sans-serif" and text_width is not None
        if el.text and (CJK.search(el.text) or sans):  # \textsf{…}: in the label face, like Chinese text
            if tag != "mtext" or text_width is None:
                raise MathError("Chinese characters are not in the math font (expected them inside "
                                "\\text{…}, or outside the formula)")
            text = el.text.replace("\u00a0", " ")
            pieces.append(text)
            _blank(el, len(pieces) - 1, text_width(text))
    return root, pieces


_TEXT = re.compile(r"(\\text(?:sf)?\s*\{)([^{}]*)(\})")


def _escape_texts(latex: str) -> str:
    """Escape `&`, `<` and `>` inside each `\\text{…}`: ziamath copies its words into <mtext> unescaped, so
    `\\text{<END>}` would not parse as MathML (symbols outside `\\text` it writes as character references)."""
    return _TEXT.sub(lambda m: m[1] + m[2].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                     + m[3], latex)


def _blank(el: ET.Element, i: int, width: float) -> None:
    """Turn an <mtext> into a blank of the text's box, holding a bar of the mark colour (where it lands)."""
    ns = el.tag[:-len("mtext")]
    el.tag = ns + "mpadded"
    el.attrib = {"mathcolor": f"{_MARK}{i:02x}", "width": f"{width / EM:.4f}em",
                 "height": f"{TEXT_ASCENT / EM:.4f}em", "depth": f"{TEXT_DESCENT / EM:.4f}em"}
    el.text = None
    ET.SubElement(el, ns + "mtext").text = "-"


EM = 4 / 3  # ziamath sizes are points: 1em is 4/3 of the size in px


def _mark_ref(size: float) -> tuple[float, float, float]:
    """(x, y, height) of the mark bar of a blank at the top level: its offset from the pen and its scale."""
    import ziamath as zm

    root = ET.fromstring('<math xmlns="http://www.w3.org/1998/Math/MathML"/>')
    ET.SubElement(root, "mtext").text = "M"
    _blank(root[0], 0, 1.0)
    rect = ET.fromstring(zm.Math(root, size=size, margin=0).svg()).find("{*}rect")
    return float(rect.attrib.get("x", 0)), float(rect.attrib.get("y", 0)), float(rect.attrib["height"])


def _parse_svg(svg: str, pieces: list[str] | None = None, size: float = 1.0,
               ref: tuple[float, float, float] = (0.0, 0.0, 1.0)) -> Outline:
    root = ET.fromstring(svg)
    vx, vy, vw, vh = (float(v) for v in root.attrib["viewBox"].split())
    cmds: list[PathCmd] = []
    texts: list[tuple[float, float, str, float]] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "path":
            cmds += path_cmds(el.attrib.get("d", ""))
        elif tag == "rect":
            x, y = float(el.attrib.get("x", 0)), float(el.attrib.get("y", 0))
            w, h = float(el.attrib["width"]), float(el.attrib["height"])
            fill = el.attrib.get("fill", "")
            if pieces and fill.startswith(_MARK):  # a blank for Chinese text: where and how large
                s = h / ref[2]
                texts.append((round(x - ref[0] * s, 3), round(y - ref[1] * s, 3), pieces[int(fill[5:], 16)],
                              round(size * s, 3)))
                continue
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
    for tx, ty, _t, ts in texts:  # the blanks' boxes count as ink too
        x0, top, bottom = min(x0, tx), max(top, -(ty - TEXT_ASCENT * ts)), max(bottom, ty + TEXT_DESCENT * ts)
    return Outline(tuple(cmds), x0, top, x1 - x0, bottom, tuple(texts))


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
