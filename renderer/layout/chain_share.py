"""Chains stacked in one column (horizontal chains) or side by side in one row (vertical ones) share their node
columns: a pre-pass (like tree_share) measures each such chain alone and stores, for every one of them, the
largest slot and gap of each index and the widest heading and note, so node k sits at one place in all of them
and their notes start together (a table of backup diagrams: TD(0), 2-step, …, Monte Carlo)."""

from __future__ import annotations

from ..spec.models import Element
from .base import Ctx
from .chain import Sizes, measure, share_key
from .elements import all_elements, children


def share_chain_columns(body: Element, ctx: Ctx) -> dict[str, Sizes]:
    """Shared sizes of every chain that has a sibling chain of its direction in a column (or row)."""
    out: dict[str, Sizes] = {}
    for el, path in all_elements(body, ("body",), ctx):
        if el.kind not in ("column", "row"):
            continue
        want = "horizontal" if el.kind == "column" else "vertical"
        group = [(c.chain, cpath + ("chain",)) for c, cpath in children(el, path, ctx)
                 if c.kind == "chain" and c.chain.share and c.chain.direction == want]
        if len(group) < 2:
            continue
        sizes = [measure(ch, cpath, ctx) for ch, cpath in group]
        union = sizes[0]
        for s in sizes[1:]:
            union = union.merged(s)
        for _, cpath in group:
            out[share_key(cpath)] = union
    return out
