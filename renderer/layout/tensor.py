"""Layout of the `tensor` element kind: a grid of equal cells with headers, ellipses, masks, blocks and groups.

Large shapes show their first rows/columns, a `…` slot, and the last `tail` ones. Every cell has the
same measured size: wide enough for the widest shown value and column header.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from ..scene import Ellipse, Group, Line, Meta, Prim, Rect, Style
from ..spec.elements.tensor import Tensor, TensorGroup
from .base import Anchor, Block, Ctx, register, script_runs
from .chart_axes import stack_levels
from .chart_canvas import Canvas
from .chart_data import (
    bound,
    check_log_scale,
    check_roles,
    fail,
    finite,
    measure,
    number,
    scale_colors,
    text_of,
    value_color,
)
from .color_key import draw_color_key
from .markup import split_scripts
from .tensor_groups import resolved_groups
from .tensor_marks import depth_lift, draw_braces, draw_depth, draw_depth_brace, draw_factor, draw_pick
from .tensor_slab import fibre_prims, slab_faces
from .text import lone_cjk_mark

ELLIPSIS_H = "…"
ELLIPSIS_V = "⋮"  # drawn as dots: the theme font has no vertical/diagonal ellipsis
ELLIPSIS_D = "⋱"
MIN_CELL = 22.0
HEADER_GAP = 5.0
KEY_GAP = 18.0  # px between the grid (and what is right of it) and its colour bar


def slots(n: int, show: int, tail: int) -> list[int | None]:
    """Indices drawn for a dimension of size n: all, or the head, None (the ellipsis) and the last `tail`."""
    if n <= show:
        return list(range(n))
    tail = min(tail, show - 2)
    head = show - 1 - tail
    return list(range(head)) + [None] + list(range(n - tail, n))


def _matrix(el: Tensor, ctx: Ctx, path: tuple) -> list[list[Any]] | None:
    """The values as rows (a vector becomes one row, or one column when orientation is column)."""
    if el.values is None:
        return None
    v = bound(el.values, ctx, path + ("values",), "tensor values")
    if all(not isinstance(x, list) for x in v):
        return [[x] for x in v] if el.orientation == "column" else [list(v)]
    if not all(isinstance(x, list) for x in v):
        raise fail(ctx, path + ("values",), "tensor values mix numbers and rows (expected a list of numbers "
                                            "or a list of rows)")
    return v


def _shape(el: Tensor, shape: list[int] | None, data: list[list[Any]] | None) -> tuple[int, int]:
    if shape is not None:
        if len(shape) == 1:
            return (shape[0], 1) if el.orientation == "column" else (1, shape[0])
        return shape[0], shape[1]
    assert data is not None
    return len(data), max((len(r) for r in data), default=0)


def _shape_text(el: Tensor, shape: list[int] | None, R: int, C: int) -> str:
    if shape is not None:
        return "×".join(str(d) for d in shape)
    if el.values is not None and len(el.values) and not isinstance(el.values[0], list):
        return str(max(R, C))
    return f"{R}×{C}"


def _group_of(groups: list[TensorGroup]) -> list[int]:
    """Group index of each row/column position (−1 beyond the groups)."""
    out: list[int] = []
    for g, grp in enumerate(groups):
        out += [g] * grp.size
    return out


@register("tensor")
def layout_tensor(el: Tensor, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A grid of cells sized to the widest shown text, with everything around it measured."""
    check_roles(ctx, el, path)
    el = resolved_groups(el, ctx, path)
    data = _matrix(el, ctx, path)
    shape = None
    if el.shape is not None:
        shape = [int(d) for d in bound(el.shape, ctx, path + ("shape",), "tensor shape")]
        if not 1 <= len(shape) <= 2:
            raise fail(ctx, path + ("shape",), f"tensor shape {shape} has {len(shape)} dimensions (expected 1 or 2)")
    R, C = _shape(el, shape, data)
    if R < 1 or C < 1:
        raise fail(ctx, path, "tensor has no cells (expected a non-empty shape or values)")
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    rows = slots(R, el.show_rows, el.tail)
    cols = slots(C, el.show_cols, el.tail)
    masked = _mask_fn(el, ctx, path)
    mtext = ctx.t(el.masked_text) if el.masked_text is not None else ("−∞" if data is not None else "")
    hatch = el.mask_style == "hatch"
    hatched: set[tuple[int, int]] = set()  # masked cells drawn with diagonal lines (and their value on a chip)

    def value(i: int, j: int) -> Any:
        if data is None or i >= len(data) or j >= len(data[i]):
            return None
        return data[i][j]

    roles = _roles(el, ctx, path)
    fibres = _fibres(el, ctx, path, R, C)
    row_roles = bound(el.row_roles, ctx, path + ("row_roles",), "tensor row_roles") if el.row_roles else []
    col_roles = bound(el.col_roles, ctx, path + ("col_roles",), "tensor col_roles") if el.col_roles else []
    rgroup, cgroup = _group_of(el.row_groups), _group_of(el.col_groups)
    steps = scale_colors(ctx, el.scale.colors, el.scale.scheme) if el.color_by_value else []
    shared_key = ctx.shared.get(scale_key(el.cell_group)) if el.cell_group and el.scale.legend else None
    if steps:
        lo, hi = value_range(el, ctx, path, data)
        if shared_key is not None:  # one bar for the cell group: its range spans every member's
            lo, hi = shared_key[0], shared_key[1]

    # texts and fills of the shown cells
    cells: dict[tuple[int, int], tuple[str, str, str | None, str]] = {}  # (r, c) -> text, role, colour, kind
    for r, i in enumerate(rows):
        for c, j in enumerate(cols):
            if i is None or j is None:
                sym = ELLIPSIS_D if i is None and j is None else ELLIPSIS_V if i is None else ELLIPSIS_H
                cells[r, c] = (sym, "", None, "tensor-ellipsis")
                continue
            if masked(i, j):  # a hatched cell keeps its value; a text mask writes masked_text instead
                cells[r, c] = (text_of(value(i, j), ctx, el.format) if hatch else mtext, el.masked_role, None,
                               "tensor-cell")
                if hatch:
                    hatched.add((r, c))
                continue
            v = value(i, j)
            text = text_of(v, ctx, el.format)
            role, color = el.role, None
            if 0 <= j < len(cgroup) and el.col_groups[cgroup[j]].role:
                role = el.col_groups[cgroup[j]].role
            if 0 <= i < len(rgroup) and el.row_groups[rgroup[i]].role:
                role = el.row_groups[rgroup[i]].role
            if steps and isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
                role, color = value_color(el.scale, steps, float(v), lo, hi)  # the maps heat maps use
            if j < len(col_roles) and col_roles[j]:
                role, color = col_roles[j], None
            if i < len(row_roles) and row_roles[i]:
                role, color = row_roles[i], None
            if roles is not None and i < len(roles) and j < len(roles[i]) and roles[i][j]:
                role, color = roles[i][j], None
            if (i, j) in fibres:
                role, color = el.fibre_role, None
            cells[r, c] = (text, role, color, "tensor-cell")

    # headers
    rh = _labels(el.row_headers, el.row_index, ctx, path + ("row_headers",), R)
    chh = _labels(el.col_headers, el.col_index, ctx, path + ("col_headers",), C)
    col_head = [("…" if j is None else chh[j]) if chh else "" for j in cols]
    row_head = [("⋮" if i is None else rh[i]) if rh else "" for i in rows]

    tw = max([measure(ctx, t[0], fs) for t in cells.values()] + [0.0])
    hw = max([measure(ctx, t, fs) for t in col_head] + [0.0])
    has_text = any(t[0] and t[3] == "tensor-cell" for t in cells.values())
    cw = max(el.cell or 0.0, tw + 10 if has_text else 0.0, hw + 6, MIN_CELL)
    ch = max(el.cell or 0.0, lh + 6, MIN_CELL)
    if not has_text:
        cw = ch = max(cw, ch)
    if el.cell_group and f"tensor-cells:{el.cell_group}" in ctx.shared:  # set by tensor_share's pre-pass
        cw, ch = ctx.shared[f"tensor-cells:{el.cell_group}"]
    W, H = len(cols) * cw, len(rows) * ch

    c = Canvas(ctx)
    font = tuple(ctx.theme.fonts["sans"])
    frame = ctx.color("frame")
    for (r, k), (text, role, color, kind) in cells.items():
        x, y = k * cw, r * ch
        src = ctx.src(path + ("values", rows[r] or 0, cols[k] or 0)) if kind == "tensor-cell" else ctx.src(path)
        meta = Meta(el.id, role or None, src, kind)
        if kind == "tensor-ellipsis":
            rect = Rect(x, y, cw, ch, 0, Style(fill=ctx.color("white") if el.depth else None), meta)
        else:
            fill = color or ctx.color(role)
            lines = ctx.color("text-soft") if (r, k) in hatched else None
            rect = Rect(x, y, cw, ch, 0, Style(fill=fill, stroke=frame, stroke_width=0.8, hatch=lines), meta)
        kids: list[Prim] = [rect]
        if kind == "tensor-ellipsis":
            kids += _dots(text, x + cw / 2, y + ch / 2, ctx.color("text-soft"), meta)
        elif text:
            trole = "text-soft" if kind == "tensor-ellipsis" or role == el.masked_role else "text"
            tmeta = Meta(el.id, trole, src, kind + "-text")
            tw = measure(ctx, text, fs)
            if (r, k) in hatched:  # the value over a white chip, clear of the hatch lines
                pad = 2.0
                kids.append(Rect(x + (cw - tw) / 2 - pad, y + (ch - fs * 1.15) / 2, tw + 2 * pad, fs * 1.15, 2.0,
                                 Style(fill=ctx.color("white")), Meta(el.id, "white", src, "tensor-chip")))
            left, base = x + (cw - tw) / 2, y + ch / 2 + 0.32 * fs
            if lone_cjk_mark(text):  # a token cell holding only 。 or ，: its ink centred in the cell
                ink_l, ink_r, ink_t, ink_b = ctx.metrics.ink(text, fs)
                left, base = x + cw / 2 - (ink_l + ink_r) / 2, y + ch / 2 + (ink_t + ink_b) / 2
            kids += script_runs(split_scripts(text), left, base, fs,
                                ctx.color(trole), 400, font, tmeta, lambda part, size: measure(ctx, part, size))
        i, j = rows[r], cols[k]
        parts = (f"r{i}c{j}", f"r{i}", f"c{j}") if kind == "tensor-cell" and i is not None and j is not None else ()
        c.add(Group(tuple(kids), replace(meta, parts=parts)))

    if el.depth is not None:
        draw_depth(el, path, ctx, c, W, H)
    _structure(el, path, ctx, c, rows, cols, cw, ch, W, H, rgroup, cgroup)
    _highlights(el, path, ctx, c, rows, cols, cw, ch)
    _draw_fibres(el, path, ctx, c, fibres, rows, cols, cw, ch)

    # column headers (and column-group labels above them), row headers (and row-group labels left of them)
    hm = Meta(el.id, "text-soft", ctx.src(path + ("col_headers",)), "tensor-header")
    lift = depth_lift(el)  # column headers stand above the layers behind the grid
    top = -lift if lift else 0.0
    if chh:
        for k, t in enumerate(col_head):  # a header belongs to its column (an edge to the column ends past it)
            c.text(t, k * cw + cw / 2, -HEADER_GAP - lift, fs, "text-soft", "middle", "bottom",
                   meta=replace(hm, parts=(f"c{cols[k]}",) if cols[k] is not None else ()))
        top = -HEADER_GAP - lh - lift
    if el.col_groups:
        top = _group_labels(el, path, ctx, c, el.col_groups, cols, cgroup, cw, top, horizontal=True)
    left = 0.0
    if rh:
        rm = Meta(el.id, "text-soft", ctx.src(path + ("row_headers",)), "tensor-header")
        for r, t in enumerate(row_head):
            if rows[r] is None:
                c.add(*_dots(ELLIPSIS_V, -HEADER_GAP - 5, r * ch + ch / 2, ctx.color("text-soft"), rm))
            else:
                c.text(t, -HEADER_GAP - 2, r * ch + ch / 2, fs, "text-soft", "end", "middle",
                       meta=replace(rm, parts=(f"r{rows[r]}",)))
        left = -HEADER_GAP - 2 - max(measure(ctx, t, fs) for t in row_head)
        if el.row_title is not None:  # in the corner: on the column headers' line, else above the rows
            c.text(ctx.t(el.row_title), -HEADER_GAP - 2, -HEADER_GAP - lift if chh else top - HEADER_GAP / 2, fs,
                   "text-soft", "end", "bottom", 700,
                   Meta(el.id, "text-soft", ctx.src(path + ("row_title",)), "tensor-header"))
    if el.row_groups:
        _group_labels(el, path, ctx, c, el.row_groups, rows, rgroup, ch, left, horizontal=False)

    # shape label under, title over
    if el.shape_label is not False:
        s = _shape_text(el, shape, R, C) if el.shape_label is True else ctx.t(el.shape_label)
        if el.shape_label is True and el.depth is not None:
            s = f"{el.depth}×{s}"
        c.text(s, W / 2, H + HEADER_GAP, fs, "text-soft", "middle", "top",
               meta=Meta(el.id, "text-soft", ctx.src(path + ("shape_label",) if el.shape_label is not True
                                                     else path + ("shape",)), "tensor-shape"))
    if el.factor is not None:
        draw_factor(el, path, ctx, c, W, H)
    if el.pick is not None:
        draw_pick(el, path, ctx, c, rows, cols, cw, ch, R, C)
    if any(b.side == "depth" for b in el.braces):
        draw_depth_brace(el, path, ctx, c, W, H)
    if el.braces:
        draw_braces(el, path, ctx, c, rows, cols, cw, ch, R, C)
    key_x = c.box()[2] + KEY_GAP if steps and el.scale.legend and (shared_key is None or shared_key[2] == path) \
        else None
    if el.title is not None:
        x0, y0, x1, _ = c.box()
        tb = ctx.text_lines(ctx.t(el.title), ctx.size("body"), max(x1 - x0, ctx.sp("text_max_width")), 700, "text",
                            meta=Meta(el.id, "text", ctx.src(path + ("title",)), "tensor-title"))
        c.place(tb, W / 2 - tb.w / 2, y0 - tb.h - 4)
    if key_x is not None:  # drawn after the title, which centres on the grid and its marks, not on the key
        draw_color_key(ctx, c, el.scale, steps, lo, hi, key_x, H, el.id, path, fit=True)
    out = c.block(min_w, min_h, Meta(el.id, el.role, ctx.src(path), "tensor"))
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


def scale_key(group: str | None) -> str:
    """The `ctx.shared` key of the colour scale a cell group's tensors share: (lo, hi, path of the one that
    draws the bar)."""
    return f"tensor-scale:{group}"


def value_range(el: Tensor, ctx: Ctx, path: tuple, data: list[list[Any]] | None) -> tuple[float, float]:
    """(lo, hi) of the tensor's colour scale: its `min`/`max`, else the range of its finite values."""
    vals = finite([x for r in data or [] for x in r])
    lo = number(el.scale.min, ctx, path + ("scale", "min"), "scale min") if el.scale.min is not None \
        else (min(vals) if vals else 0.0)
    hi = number(el.scale.max, ctx, path + ("scale", "max"), "scale max") if el.scale.max is not None \
        else (max(vals) if vals else 1.0)
    check_log_scale(el.scale, lo, hi, vals, ctx, path)
    return lo, hi


def tensor_values(el: Tensor, ctx: Ctx, path: tuple) -> list[list[Any]] | None:
    """The tensor's values as rows (for the cell-group pre-pass)."""
    return _matrix(el, ctx, path)


def _dots(kind: str, cx: float, cy: float, color: str, meta: Meta) -> list[Prim]:
    """Three dots centred on (cx, cy): horizontal (…), vertical (⋮) or diagonal (⋱)."""
    dx, dy = {ELLIPSIS_H: (4.0, 0.0), ELLIPSIS_V: (0.0, 4.0), ELLIPSIS_D: (3.2, 3.2)}[kind]
    return [Ellipse(cx + k * dx, cy + k * dy, 1.3, 1.3, Style(fill=color), meta) for k in (-1, 0, 1)]


def _labels(v: Any, index: bool, ctx: Ctx, p: tuple, n: int) -> list[str] | None:
    """Header texts for every real index (missing ones empty), or None without headers."""
    if v is None:
        return _Index() if index else None
    labels = [text_of(x, ctx) for x in bound(v, ctx, p, "tensor headers")]
    if len(labels) > n:
        raise fail(ctx, p, f"{len(labels)} headers for {n} rows/columns (expected at most one per row/column)")
    return labels + [""] * (n - len(labels))


class _Index(list):
    """Headers that are the real indices, without materialising them."""

    def __getitem__(self, i):  # type: ignore[override]
        return str(i)

    def __bool__(self) -> bool:
        return True


def _roles(el: Tensor, ctx: Ctx, path: tuple) -> list[list[str | None]] | None:
    if el.roles is None:
        return None
    rs = bound(el.roles, ctx, path + ("roles",), "tensor roles")
    if all(not isinstance(x, list) for x in rs):
        return [[x] for x in rs] if el.orientation == "column" else [list(rs)]
    return [x if isinstance(x, list) else [x] for x in rs]


def _mask_fn(el: Tensor, ctx: Ctx, path: tuple):
    """A function (i, j) -> True when the cell is masked (causal, explicit mask, outside the blocks)."""
    explicit = None
    if el.mask is not None and el.mask != "causal":
        explicit = bound(el.mask, ctx, path + ("mask",), "tensor mask")
    block_of: list[int] | None = None
    if el.blocks is not None:
        sizes = bound(el.blocks, ctx, path + ("blocks",), "tensor blocks")
        block_of = [b for b, s in enumerate(sizes) for _ in range(int(s))]

    def masked(i: int, j: int) -> bool:
        if el.mask == "causal" and j > i:
            return True
        if explicit is not None and i < len(explicit) and j < len(explicit[i]) and not explicit[i][j]:
            return True
        if block_of is not None:
            bi = block_of[i] if i < len(block_of) else -1
            bj = block_of[j] if j < len(block_of) else -2
            if bi != bj:
                return True
        return False

    return masked


def _span(idx: list[int | None], lo: int, hi: int) -> tuple[int, int] | None:
    """First and last slot whose real index is in [lo, hi)."""
    inside = [k for k, i in enumerate(idx) if i is not None and lo <= i < hi]
    return (inside[0], inside[-1]) if inside else None


def _structure(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, rows: list, cols: list, cw: float, ch: float,
               W: float, H: float, rgroup: list[int], cgroup: list[int]) -> None:
    """Block outlines and group separators."""
    if el.blocks is not None:
        sizes = bound(el.blocks, ctx, path + ("blocks",), "tensor blocks")
        meta = Meta(el.id, "text-soft", ctx.src(path + ("blocks",)), "tensor-block")
        start = 0
        for s in sizes:
            rs, cs = _span(rows, start, start + int(s)), _span(cols, start, start + int(s))
            if rs and cs:
                c.add(Rect(cs[0] * cw, rs[0] * ch, (cs[1] - cs[0] + 1) * cw, (rs[1] - rs[0] + 1) * ch, 0,
                           Style(stroke=ctx.color("text-soft"), stroke_width=2.0), meta))
            start += int(s)
    sep = Style(stroke=ctx.color("text-soft"), stroke_width=2.0)
    for k in range(1, len(cols)):
        a, b = cols[k - 1], cols[k]
        if a is not None and b is not None and a < len(cgroup) and (b >= len(cgroup) or cgroup[a] != cgroup[b]):
            c.add(Line(((k * cw, 0), (k * cw, H)), sep,
                       meta=Meta(el.id, "text-soft", ctx.src(path + ("col_groups",)), "tensor-separator")))
    for k in range(1, len(rows)):
        a, b = rows[k - 1], rows[k]
        if a is not None and b is not None and a < len(rgroup) and (b >= len(rgroup) or rgroup[a] != rgroup[b]):
            c.add(Line(((0, k * ch), (W, k * ch)), sep,
                       meta=Meta(el.id, "text-soft", ctx.src(path + ("row_groups",)), "tensor-separator")))


def _highlights(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, rows: list, cols: list, cw: float,
                ch: float) -> None:
    for h, pair in enumerate(el.highlight):
        i, j = (None if v is None else int(number(v, ctx, path + ("highlight", h, k), "highlight index"))
                for k, v in enumerate(pair))
        rs = (0, len(rows) - 1) if i is None else _span(rows, i, i + 1)
        cs = (0, len(cols) - 1) if j is None else _span(cols, j, j + 1)
        if rs is None or cs is None:
            continue  # elided
        box = (cs[0] * cw + 1, rs[0] * ch + 1, (cs[1] - cs[0] + 1) * cw - 2, (rs[1] - rs[0] + 1) * ch - 2)
        style = Style(stroke=ctx.color(el.highlight_role), stroke_width=2.2)
        meta = Meta(el.id, el.highlight_role, ctx.src(path + ("highlight", h)), "tensor-highlight",
                    parts=(f"r{i}",) if j is None and i is not None else ())  # a whole row: its ellipsis too
        c.add(Rect(*box, 0, style, meta))
        if el.highlight_depth and el.depth is not None:
            for face in slab_faces(box, len(cols) * cw, depth_lift(el), style,
                                   replace(meta, kind="tensor-slab", parts=())):
                c.add(face)


def _fibres(el: Tensor, ctx: Ctx, path: tuple, R: int, C: int) -> dict[tuple[int, int], int]:
    """Real (row, col) of each fibre -> its index in `el.fibres`, checked inside the grid."""
    out: dict[tuple[int, int], int] = {}
    for f, pair in enumerate(el.fibres):
        i, j = (int(number(v, ctx, path + ("fibres", f, k), "fibre index")) for k, v in enumerate(pair))
        for k, v, n, what in ((0, i, R, "row"), (1, j, C, "column")):
            if not 0 <= v < n:
                raise fail(ctx, path + ("fibres", f, k), f"fibre {what} {v} is outside the {n} {what}s "
                                                         f"(expected 0 … {n - 1})")
        out[i, j] = f
    return out


def _draw_fibres(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, fibres: dict[tuple[int, int], int], rows: list,
                 cols: list, cw: float, ch: float) -> None:
    for (i, j), f in fibres.items():
        rs, cs = _span(rows, i, i + 1), _span(cols, j, j + 1)
        if rs is None or cs is None:
            raise fail(ctx, path + ("fibres", f), f"fibre [{i}, {j}] is elided (expected a shown cell: raise "
                                                  "show_rows/show_cols or pick another)")
        box = (cs[0] * cw + 1, rs[0] * ch + 1, cw - 2, ch - 2)
        meta = Meta(el.id, el.fibre_role, ctx.src(path + ("fibres", f)), "tensor-fibre", (f"r{i}c{j}",))
        c.add(*fibre_prims(box, len(cols) * cw, depth_lift(el), Style(fill=ctx.color(el.fibre_role)),
                           Style(stroke=ctx.color("text"), stroke_width=1.6), meta))


def _group_labels(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, groups: list[TensorGroup], idx: list,
                  gof: list[int], size: float, edge: float, horizontal: bool) -> float:
    """Labels of row/column groups with a bracket line; returns the new outer edge (top or left)."""
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    key = "col_groups" if horizontal else "row_groups"
    start = 0
    spans = []
    for g, grp in enumerate(groups):
        sp = _span(idx, start, start + grp.size)
        start += grp.size
        if sp is None or grp.label is None:
            continue
        spans.append((g, sp, ctx.t(grp.label)))
    if not spans:
        return edge
    if horizontal:
        widths = [measure(ctx, t, fs) for _, _, t in spans]
        centres = [(a + b + 1) / 2 * size for _, (a, b), _ in spans]
        levels = stack_levels([(x - w / 2, x + w / 2) for x, w in zip(centres, widths, strict=True)], 6)
        base = edge - HEADER_GAP
        for (g, (a, b), t), x, lvl in zip(spans, centres, levels, strict=True):  # edges may end at `T.cg0`
            meta = Meta(el.id, "text-soft", ctx.src(path + (key, g, "label")), "tensor-group", (f"cg{g}",))
            y = base - lvl * (lh + 4)
            c.add(Line(((a * size + 2, y), (b * size + size - 2, y)), Style(stroke=ctx.color("text-soft"),
                                                                            stroke_width=1.2), meta=meta))
            c.text(t, x, y - 2, fs, "text-soft", "middle", "bottom", meta=meta)
        return base - (max(levels) + 1) * (lh + 4)
    widths = [measure(ctx, t, fs) for _, _, t in spans]
    right = edge - HEADER_GAP
    for (g, (a, b), t), _w in zip(spans, widths, strict=True):  # edges may end at `T.rg0`
        meta = Meta(el.id, "text-soft", ctx.src(path + (key, g, "label")), "tensor-group", (f"rg{g}",))
        c.add(Line(((right, a * size + 2), (right, b * size + size - 2)),
                   Style(stroke=ctx.color("text-soft"), stroke_width=1.2), meta=meta))
        c.text(t, right - 4, (a + b + 1) / 2 * size, fs, "text-soft", "end", "middle", meta=meta)
    return right - 4 - max(widths)
