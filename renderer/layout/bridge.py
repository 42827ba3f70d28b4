"""A `bridge`: an element on the border between its two neighbours in a row or column.

The stack lays its other members out as if the bridge were not there; the bridge is then centred on the
middle line of the gap between its neighbours (across the stack's direction it sits on their shared span, at
`at`), overlapping both, and drawn after them, above their fills.
"""

from __future__ import annotations

from ..scene import Group, bbox, walk
from ..spec.models import Bridge, Element
from .base import Block, Ctx, child_path, content_path, layout_element, register
from .chart_data import fail

PLACE_HINT = "a bridge goes between two members of a row, column or panel (expected it as an item there, with a " \
             "non-bridge member before and after it)"


@register("bridge")
def layout_bridge(b: Bridge, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A bridge anywhere but between two stack members (the stack places those itself): a located error."""
    raise fail(ctx, path, PLACE_HINT)


def bridges(items: list[Element], path: tuple, ctx: Ctx, wrapped: bool) -> set[int]:
    """Positions of the bridges among a stack's items; a located error for one that has no two neighbours."""
    out = {i for i, el in enumerate(items) if el.bridge is not None}
    for i in sorted(out):
        here = content_path(items[i], child_path(ctx, path, i))
        if wrapped:
            raise fail(ctx, here, "a bridge needs its neighbours side by side, not wrapped into tiers (expected "
                                  "no `wrap` on its row or column)")
        if i == 0 or i == len(items) - 1 or i - 1 in out or i + 1 in out:
            raise fail(ctx, here, PLACE_HINT)
    return out


def layout_item(el: Element, path: tuple, ctx: Ctx) -> Block:
    """The bridge's own element, laid out at its natural size."""
    return layout_element(el.bridge.item, content_path(el, path) + ("item",), ctx)


def centre(el: Element, k: Block, horizontal: bool) -> float:
    """Where along the stack the bridged element's middle is, from its block's start: an icon's glyph (its label
    hangs below it, into the next panel), else the block's middle."""
    icon = el.bridge.item.icon
    if icon is not None and icon.label is not None and not horizontal:
        return icon.size / 2
    return (k.w if horizontal else k.h) / 2


def cross_mid(kids: list[Block], boxes: dict[int, tuple], i: int, horizontal: bool) -> float:
    """Across the stack, the middle of bridge i's neighbours' contents (their members, not a panel's title or
    fill): where a bridge without `at` sits, in line with what it joins."""
    cross = 0 if not horizontal else 1
    mids = []
    for j in (i - 1, i + 1):
        box = boxes[j]
        spans = [(b[cross], b[cross + 2]) for b in _content(kids[j])]
        lo, hi = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (0.0, box[cross + 2])
        mids.append(box[cross] + (lo + hi) / 2)
    return sum(mids) / 2


def _content(k: Block) -> list[tuple[float, float, float, float]]:
    """Boxes of what a block draws, without panel fills and titles."""
    return [bbox(p) for p in walk(k.items)
            if not isinstance(p, Group) and p.meta.kind not in (*BACKDROPS, "panel-title")]


def place(k: Block, before: tuple[float, float, float, float], after: tuple[float, float, float, float],
          horizontal: bool, at: float | None, mid: float, across: float | None = None) -> tuple[float, float]:
    """Top-left of bridge `k` between the boxes (x, y, w, h) of its neighbours: its middle `mid` (from its start
    along the stack) on the middle of the gap; across the stack at `at` of their shared span, or (no `at`) on
    `across`, the middle of their contents; kept within that span where it fits."""
    main, cross = (0, 1) if horizontal else (1, 0)
    size = (k.w, k.h)
    border = (before[main] + before[main + 2] + after[main]) / 2
    ends = (before[cross] + before[cross + 2], after[cross] + after[cross + 2])
    lo, hi = max(before[cross], after[cross]), min(ends)
    if hi <= lo:  # no shared span: their union
        lo, hi = min(before[cross], after[cross]), max(ends)
    half = size[cross] / 2
    c = lo + at * (hi - lo) if at is not None else (across if across is not None else (lo + hi) / 2)
    if hi - lo >= size[cross]:
        c = min(max(c, lo + half), hi - half)
    pos = [0.0, 0.0]
    pos[main] = border - mid
    pos[cross] = c - half
    return pos[0], pos[1]


MAX_PASSES = 4  # times one stack grows room for its bridges (once is enough; the cap guards the recursion)
MARGIN = 16.0  # px between a bridge and the nearest content of the panel it overlaps
BACKDROPS = ("panel", "panel-card")  # a panel's own fill: the bridge may cover it


def make_room(items: list[Element], kids: list[Block], bridged: set[int], boxes: dict[int, tuple], path: tuple,
              ctx: Ctx, horizontal: bool) -> bool:
    """Room for each bridge: a neighbouring panel grows its padding on the bridge's side until its content
    (title, members) keeps MARGIN px from the bridge; beside any other element the gap widens. The extra px go
    to `ctx.room` (panels by their path; a widened gap as `bridge-<i>` of this stack); True when any grew."""
    main, cross = (0, 1) if horizontal else (1, 0)
    own = ctx.room.setdefault(path, {})
    if own.get("passes", 0) >= MAX_PASSES:
        return False
    grew = False
    for i in sorted(bridged):
        k = kids[i]
        pos = place(k, boxes[i - 1], boxes[i + 1], horizontal, items[i].bridge.at, centre(items[i], k, horizontal),
                    cross_mid(kids, boxes, i, horizontal))
        size = (k.w, k.h)
        span = (pos[cross], pos[cross] + size[cross])
        widen = 0.0
        for j, facing in ((i - 1, ("right", "bottom")[main]), (i + 1, ("left", "top")[main])):
            box = boxes[j]
            start, end = box[main], box[main] + box[main + 2]
            extent = end - pos[main] if j < i else pos[main] + size[main] - start
            free = _free(kids[j], box, j < i, main, cross, span)
            need = extent - (free - MARGIN)
            if need <= 0.5:
                continue
            if items[j].panel is not None:
                side = ctx.room.setdefault(content_path(items[j], child_path(ctx, path, j)), {})
                side[facing] = side.get(facing, 0.0) + need
            else:
                widen = max(widen, 2 * need)
            grew = True
        if widen:
            room = ctx.room.setdefault(path, {})
            room[f"bridge-{i}"] = room.get(f"bridge-{i}", 0.0) + widen
    if grew:
        own["passes"] = own.get("passes", 0) + 1
    return grew


def extra_gap(ctx: Ctx, path: tuple, i: int) -> float:
    """Px a stack's gap widens after member `i` for the bridge that follows it."""
    return ctx.room.get(path, {}).get(f"bridge-{i + 1}", 0.0)


def _free(k: Block, box: tuple, before: bool, main: int, cross: int, span: tuple[float, float]) -> float:
    """Px from the neighbour's side facing the bridge to its nearest content within the bridge's span across."""
    far = box[main + 2]
    free = far
    for p in walk(k.items):
        if isinstance(p, Group) or p.meta.kind in BACKDROPS:
            continue
        b = bbox(p)
        lo, hi = b[cross] + box[cross], b[cross + 2] + box[cross]
        if hi <= span[0] or lo >= span[1]:
            continue
        free = min(free, far - b[main + 2] if before else b[main])
    return max(free, 0.0)
