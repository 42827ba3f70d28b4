"""Layout of the `math` element kind: LaTeX as vector glyph paths, alone or inline in wrapped text."""

from __future__ import annotations

import re

from ..scene import Meta, Text
from ..spec.elements.math import Math
from ..spec.errors import Problem, SpecError
from .base import Anchor, Block, Ctx, register
from .math_glyphs import MathError, Outline, math_letters, outline
from .math_text import formula_items, split_math

_WORD = re.compile(r"\s*[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+|\s*.", re.S)


def _fail(ctx: Ctx, path: tuple, msg: str) -> SpecError:
    """A located spec error (unlocated when laid out without a document, as in tests)."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, msg)])
    return SpecError([ctx.doc.problem(path, msg)])


def font_size(ctx: Ctx, size: str | float) -> float:
    """A theme size name or px."""
    return ctx.size(size) if isinstance(size, str) else float(size)


def formula(ctx: Ctx, path: tuple, tex: str, size: float, inline: bool) -> Outline:
    """The typeset outline of `tex`, with located errors (Chinese only inside `\\text{…}`)."""
    try:
        return outline(tex.strip(), round(size, 2), inline, ctx.metrics.unit_width, math_letters(ctx.theme.fonts))
    except MathError as e:
        raise _fail(ctx, path, str(e)) from None


def aligned(lines: list[str]) -> str:
    """`lines` as one \\begin{aligned} block, each aligned at its first `=` outside braces (or its own `&`;
    a line with neither continues to the right of the alignment point)."""
    rows = []
    for line in lines:
        if "&" not in line:
            depth = 0
            for i, ch in enumerate(line):
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if ch == "=" and depth == 0:
                    line = f"{line[:i]}&{line[i:]}"
                    break
            else:
                line = "&" + line
        rows.append(r"\mathstrut " + line)  # rows at least as high as a parenthesis: even spacing
    return "\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}"


def _formula_block(ctx: Ctx, o: Outline, fill: str, meta: Meta) -> Block:
    """A block holding one formula, its line box at (0, 0)."""
    return Block(o.width, o.top + o.bottom, formula_items(ctx, o, 0.0, o.top, fill, meta))


@register("math")
def layout_math(el: Math, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A formula measured like text; `text:` mixes theme-font words with inline formulas and wraps."""
    size = font_size(ctx, el.size)
    fill = ctx.color(el.role)
    if el.tex is not None or el.lines is not None:
        tpath = path + ("tex" if el.tex is not None else "lines",)
        tex = ctx.t(el.tex) if el.tex is not None else aligned([ctx.t(ln) for ln in el.lines or []])
        o = formula(ctx, tpath, tex, size, not el.display)
        inner = _formula_block(ctx, o, fill, Meta(el.id, el.role, ctx.src(tpath), "math"))
    else:
        inner = _mixed(el, path + ("text",), ctx, size, fill, min_w)
    w, h = max(inner.w, min_w), max(inner.h, min_h)
    out = Block(w, h)
    out.add(inner, (w - inner.w) / 2, (h - inner.h) / 2)
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, w, h, "rect", ctx.src(path))
    return out


def _mixed(el: Math, path: tuple, ctx: Ctx, size: float, fill: str, min_w: float) -> Block:
    """Words and inline formulas on baselines, wrapped greedily at max_width."""
    try:
        parts = split_math(ctx.t(el.text))
    except ValueError as e:
        raise _fail(ctx, path, str(e)) from None
    src = ctx.src(path)
    fam = tuple(ctx.theme.fonts["sans"])
    lh = ctx.sp("line_height")
    t_asc, t_desc = size * (0.88 + (lh - 1.12) / 2), size * (0.24 + (lh - 1.12) / 2)
    # atoms: (width, ascent, descent, kind, payload); text atoms are words with their leading space
    atoms: list[tuple[float, float, float, str, object]] = []
    for is_math, piece in parts:
        if is_math:
            o = formula(ctx, path, piece, size, True)
            atoms.append((o.width, o.top, o.bottom, "math", o))
        else:
            for word in _WORD.findall(piece):
                atoms.append((ctx.metrics.width(word, size), t_asc, t_desc, "text", word))
    max_w = el.max_width or ctx.sp("text_max_width")
    lines: list[list] = [[]]
    x = 0.0
    for a in atoms:
        lead = a[3] == "text" and a[4][:1].isspace()
        if lines[-1] and x + a[0] > max_w:
            if lead:
                word = a[4].lstrip()
                if not word:  # a space at a line break: dropped
                    continue
                a = (ctx.metrics.width(word, size), a[1], a[2], "text", word)
            lines.append([])
            x = 0.0
        lines[-1].append(a)
        x += a[0]
    widths = [sum(a[0] for a in ln) for ln in lines]
    w = max([*widths, min_w])
    out = Block(w, 0)
    y = 0.0
    for ln, lw in zip(lines, widths, strict=True):
        asc = max([t_asc, *(a[1] for a in ln)])
        desc = max([t_desc, *(a[2] for a in ln)])
        base = y + asc
        x = {"start": 0.0, "center": (w - lw) / 2, "end": w - lw}[el.align]
        run = ""
        run_x = x
        for a in ln:
            if a[3] == "text":
                if not run:
                    run_x = x
                run += a[4]
            else:
                if run:
                    out.items.append(_text(ctx, run, run_x, base, size, fill, fam, el, src))
                    run = ""
                o: Outline = a[4]
                out.add(_formula_block(ctx, o, fill, Meta(el.id, el.role, src, "math")), x, base - o.top)
            x += a[0]
        if run:
            out.items.append(_text(ctx, run, run_x, base, size, fill, fam, el, src))
        y += asc + desc
    out.h = y
    return out


def _text(ctx: Ctx, run: str, x: float, base: float, size: float, fill: str, fam: tuple, el: Math,
          src: str | None) -> Text:
    """One run of plain words (measured as a whole: kerning across words)."""
    return Text(x, base, run, size, fill, 400, "start", fam, width=ctx.metrics.width(run, size),
                meta=Meta(el.id, el.role, src, "math-text"))
