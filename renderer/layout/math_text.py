"""Labels with inline TeX: text between `$…$` typeset as math (glyph paths) on the text's baselines.

Any label laid out by `Ctx.text_lines` (box text and sub, panel titles, tensor titles, …) goes
through here when it holds a `$`; `\\$` is a literal dollar. Lines are as high as plain text lines
unless a formula is taller (a fraction, a radical), and wrap like text (balanced, never inside a
formula). Chinese inside `\\text{…}` is drawn as text in the theme's face.
"""

from __future__ import annotations

import re

from ..scene import Meta, Path, Prim, Style, Text, shift
from ..spec.errors import Problem, SpecError
from .base import MATH_LINES, Block, Ctx, script_runs
from .markup import split_scripts
from .math_glyphs import MathError, Outline, math_letters, outline
from .text import _tokens, dangles

DOLLAR = re.compile(r"(?<!\\)\$")

Atom = tuple[float, float, float, str, object]  # (width, ascent, descent, "text" | "math" | "br", payload)


def split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, piece) parts of text with $…$ formulas; an unclosed $ is a ValueError."""
    parts = DOLLAR.split(text)
    if len(parts) % 2 == 0:
        raise ValueError("unbalanced $ (expected $…$ pairs; write \\$ for a dollar sign)")
    return [(i % 2 == 1, p if i % 2 == 1 else p.replace("\\$", "$")) for i, p in enumerate(parts) if p]


def located(src: str | None, msg: str) -> SpecError:
    """A SpecError at a `file:line:col` source (unlocated without one, as in tests)."""
    if src:
        file, line, col = src.rsplit(":", 2)
        return SpecError([Problem(file, int(line), int(col), msg)])
    return SpecError([Problem("<spec>", 1, 1, msg)])


def formula_items(ctx: Ctx, o: Outline, left: float, base: float, fill: str, meta: Meta) -> list[Prim]:
    """The formula's glyph path with its pen at (left, base), and its Chinese `\\text{…}` pieces as text."""
    out: list[Prim] = []
    if o.cmds:
        out.append(shift(Path(o.cmds, Style(fill=fill), meta), left - o.x0, base))
    fam = tuple(ctx.theme.fonts["sans"])
    for tx, ty, t, ts in o.texts:
        out.append(Text(left - o.x0 + tx, base + ty, t, ts, fill, 400, "start", fam,
                        width=ctx.metrics.width(t, ts), meta=Meta(meta.id, meta.role, meta.src, "math-text")))
    return out


def math_lines(ctx: Ctx, text: str, size: float, max_width: float | None, weight: int, role: str, align: str,
               width: float | None, meta: Meta, mono: bool) -> Block:
    """A block of wrapped lines mixing text runs and inline formulas (the `$…$` form of `text_lines`)."""
    try:
        parts = split_math(text)
    except ValueError as e:
        raise located(meta.src, str(e)) from None
    atoms: list[Atom] = []
    lh = size * ctx.sp("line_height")
    t_asc = (lh - size) / 2 + size * 0.88
    t_desc = lh - t_asc
    for is_math, piece in parts:
        if is_math:
            try:
                o = outline(piece.strip(), round(size, 2), True, ctx.metrics.unit_width, math_letters(ctx.theme.fonts))
            except MathError as e:
                raise located(meta.src, str(e)) from None
            atoms.append((o.width, o.top, o.bottom, "math", o))
            continue
        for i, para in enumerate(piece.split("\n")):
            if i:
                atoms.append((0.0, t_asc, t_desc, "br", ""))
            atoms += [(ctx.metrics.width(tok, size, weight, mono), t_asc, t_desc, "text", tok)
                      for tok in _tokens(para)]
    lines = _greedy(ctx, atoms, size, max_width, weight, mono)
    if max_width is not None and len(lines) >= 2:  # balanced, as text_lines
        lo, hi = max_width / 2, max_width
        for _ in range(12):
            mid = (lo + hi) / 2
            if len(_greedy(ctx, atoms, size, mid, weight, mono)) <= len(lines):
                hi = mid
            else:
                lo = mid
        lines = _greedy(ctx, atoms, size, hi, weight, mono)
    widths = [sum(a[0] for a in ln) for ln in lines]
    w = max([width or 0.0, *widths])
    fill = ctx.color(role)
    fam = tuple(ctx.theme.fonts["mono" if mono else "sans"])
    mmeta = Meta(meta.id, meta.role, meta.src, "math")
    out = Block(w, 0)
    y = 0.0
    for ln, lw in zip(lines, widths, strict=True):
        asc = max([t_asc, *(a[1] for a in ln)])
        base = y + asc
        x = {"start": 0.0, "center": (w - lw) / 2, "end": w - lw}[align]
        run, run_x = "", x
        for a in [*ln, (0.0, 0.0, 0.0, "end", None)]:
            if a[3] == "text":
                run_x = run_x if run else x
                run += a[4]
            elif run:
                out.items += script_runs(split_scripts(run), run_x, base, size, fill, weight, fam, meta,
                                         lambda t, fs: ctx.metrics.width(t, fs, weight, mono))
                run = ""
            if a[3] == "math":
                out.items += formula_items(ctx, a[4], x, base, fill, mmeta)
            x += a[0]
        y = base + max([t_desc, *(a[2] for a in ln)])
    out.h = y
    return out


def _greedy(ctx: Ctx, atoms: list[Atom], size: float, max_w: float | None, weight: int,
            mono: bool) -> list[list[Atom]]:
    """Atoms broken into lines at `max_w` (a word's leading space dropped at a break; `br` breaks)."""
    lines: list[list[Atom]] = [[]]
    x = 0.0
    for a in atoms:
        if a[3] == "br":
            lines.append([])
            x = 0.0
            continue
        inked = [b for b in lines[-1] if b[3] != "text" or b[4].strip()]
        alone = len(inked) == 1 and inked[0][3] == "text" and dangles(inked[0][4])
        if lines[-1] and not alone and max_w is not None and x + a[0] > max_w:  # "= " keeps what follows it
            if a[3] == "text":
                word = a[4].lstrip()
                if not word:  # a space at a line break: dropped
                    continue
                a = (ctx.metrics.width(word, size, weight, mono), a[1], a[2], "text", word)
            carried = _dangling(lines[-1], ctx, size, weight, mono)  # "… =" before a formula: "=" goes down
            lines.append(carried)
            x = sum(c[0] for c in carried)
        lines[-1].append(a)
        x += a[0]
    for ln in lines:  # no line ends in a space
        while ln and ln[-1][3] == "text" and not ln[-1][4].strip():
            ln.pop()
        if ln and ln[-1][3] == "text" and ln[-1][4] != ln[-1][4].rstrip():
            word = ln[-1][4].rstrip()
            ln[-1] = (ctx.metrics.width(word, size, weight, mono), ln[-1][1], ln[-1][2], "text", word)
    return lines


def _dangling(line: list[Atom], ctx: Ctx, size: float, weight: int, mono: bool) -> list[Atom]:
    """The operator a line would end with (text.dangles: `=`, `+`, …), taken off it to start the next line
    (without its leading space); nothing when it is all the line holds."""
    k = len(line)
    while k and line[k - 1][3] == "text" and not line[k - 1][4].strip():
        k -= 1
    if k < 2 or line[k - 1][3] != "text" or not dangles(line[k - 1][4]):
        return []
    _, asc, desc, _, tok = line[k - 1]
    del line[k - 1:]
    word = tok.strip() + " "
    return [(ctx.metrics.width(word, size, weight, mono), asc, desc, "text", word)]


MATH_LINES["lines"] = math_lines
