"""Spec model of the `graph` element kind: nodes and edges placed by Graphviz `dot`, drawn by vizspec."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .icon import IconName

NODE_ID = r"^[A-Za-z_][A-Za-z0-9_-]*$"
MAX_NODES = 150
MAX_EDGES = 400
Port = Literal["n", "ne", "e", "se", "s", "sw", "w", "nw"]


class GraphNode(Strict):
    """A node: drawn like a `box` (same text, roles and shapes) at the place dot gives it."""

    id: str = Field(pattern=NODE_ID, description="Node id, used by edges; also the anchor `<graph id>.<node id>` "
                                                 "(or `<node id>` in a graph without id) for diagram edges.")
    text: LocalText | None = Field(None, description="Label (default: the id). Empty for a `dot` node.")
    sub: LocalText | None = Field(None, description="Smaller second line under the label.")
    role: Role | None = Field(None, description="Fill role (default: the graph's `node_role`).")
    shape: Literal["round", "rect", "ellipse", "circle", "pill", "dot"] | None = Field(
        None, description="Node shape (default: the graph's `node_shape`); `dot` is a small filled point "
                          "(e.g. an action node of an MDP) with its text beside it.")
    bold: bool = Field(False, description="Bold label.")
    dashed: bool = Field(False, description="Dashed outline.")
    outline: Role | None = Field(None, description="Outline colour role (default: none).")
    text_role: Role | None = Field(None, description="Text colour role (default: text).")
    badge: IconName | None = Field(None, description="An icon badge on the node's top-right corner, as on a box.")
    badge_role: Role | None = Field(None, description="Colour role of the badge (default per icon).")


class GraphEdge(Strict):
    """A directed edge between two nodes of the graph; dot routes it as a spline."""

    from_: str = Field(alias="from", pattern=NODE_ID, description="Id of the start node.")
    to: str = Field(pattern=NODE_ID, description="Id of the end node.")
    label: LocalText | float | None = Field(None, description="Edge label (e.g. a transition probability); "
                                                              "numbers use the graph's `format`.")
    dashed: bool = Field(False, description="Dashed line.")
    role: Role = Field("arrow", description="Line colour role.")
    head: Literal["end", "start", "both", "none"] = Field("end", description="Where arrow heads are drawn.")
    weight: int = Field(1, ge=0, le=100, description="dot edge weight: heavier edges are kept shorter and "
                                                     "straighter.")
    constraint: bool = Field(True, description="Whether the edge takes part in ranking (false: it does not "
                                               "push its end to a lower rank).")
    from_port: Port | None = Field(None, description="Compass point of the start node the edge leaves from (dot "
                                                    "tailport), e.g. `w` with `to_port: w` draws a self-loop on the "
                                                    "node's left (default: dot chooses).")
    to_port: Port | None = Field(None, description="Compass point of the end node the edge arrives at (dot headport).")
    hidden: bool = Field(False, description="Laid out but not drawn (dot's style=invis): a layout hint, e.g. "
                                            "where another graph of a shared `layout` has this edge, in the "
                                            "order `ordering: out` keeps.")

    @model_validator(mode="after")
    def _hidden_unlabelled(self) -> GraphEdge:
        if self.hidden and self.label is not None:
            raise ValueError("a hidden edge is not drawn, so it has no label (expected no `label`, or no `hidden`)")
        return self


class GraphGroup(Strict):
    """A cluster: a tinted panel around some nodes, with an optional title."""

    id: str = Field(pattern=NODE_ID, description="Cluster id.")
    nodes: list[str] = Field(min_length=1, description="Ids of the nodes inside the cluster.")
    title: LocalText | None = Field(None, description="Title at the top of the cluster.")
    role: Role = Field("panel", description="Background role.")
    dashed: bool = Field(False, description="Dashed outline.")


class Graph(Strict):
    """A free-form graph: positions and edge splines from Graphviz dot, drawn with vizspec's own shapes."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    nodes: list[GraphNode] = Field(min_length=1, max_length=MAX_NODES, description="The nodes.")
    edges: list[GraphEdge] = Field(default_factory=list, max_length=MAX_EDGES, description="The edges.")
    groups: list[GraphGroup] = Field(default_factory=list, max_length=30,
                                     description="Clusters drawn as tinted panels around their nodes.")
    same_rank: list[list[str]] = Field(default_factory=list,
                                       description="Sets of node ids dot must put on the same rank (one row in "
                                                   "TB, one column in LR), in the order given: left to right "
                                                   "(TB, BT) or top to bottom (LR, RL).")
    direction: Literal["TB", "LR", "BT", "RL"] = Field("TB", description="dot rankdir: top-bottom, left-right, ...")
    node_role: Role = Field("model", description="Default fill role of nodes.")
    node_shape: Literal["round", "rect", "ellipse", "circle", "pill", "dot"] = Field(
        "round", description="Default node shape.")
    node_min_width: float | None = Field(
        None, gt=0, le=800, description="Minimum width of every node (px; not dots or circles): nodes of one width, "
                                        "so stacked chains of thoughts line up whatever their labels.")
    rank_gap: float = Field(40, ge=5, le=400, description="Space between ranks (px; dot ranksep).")
    node_gap: float = Field(24, ge=5, le=400, description="Space between nodes of a rank (px; dot nodesep).")
    format: str = Field(".3g", pattern=r"^[<>^+\- #0-9,._a-zA-Z%]{0,12}$",
                        description="Python format spec for numeric edge labels.")
    splines: Literal["spline", "polyline", "ortho", "line"] = Field(
        "spline", description="dot edge routing: curved splines, polylines, orthogonal or straight lines.")
    ordering: Literal["auto", "out", "in"] = Field(
        "auto", description="dot ordering: `out` keeps the edges out of each node in the order they are listed "
                            "(`in`: the edges into each node), so a node's neighbours lie in that order across "
                            "the rank; `auto` lets dot choose.")
    layout: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", max_length=60,
                               description="Name of a shared layout: every graph naming it is laid out by one dot "
                                           "run on the union of their nodes (matched by id) and edges (matched by "
                                           "from, to, head and repeat), so a node sits at the same place in every "
                                           "graph and all have one size (small multiples: one graph per step). "
                                           "Direction, gaps, splines and ordering are the first graph's; a node's "
                                           "box is the largest of its appearances; each graph draws its own text.")
    ghosts: bool = Field(False, description="With `layout`: draw the union's nodes and edges this graph lacks as "
                                            "faint dashed outlines (otherwise their place is left blank).")

    @model_validator(mode="after")
    def _references(self) -> Graph:
        ids = [n.id for n in self.nodes]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate graph node id '{dup[0]}' (expected unique node ids)")
        known = set(ids)
        for e in self.edges:
            for end in (e.from_, e.to):
                if end not in known:
                    raise ValueError(f"graph edge names unknown node '{end}' (expected one of: "
                                     f"{', '.join(sorted(known))})")
        for g in self.groups:
            for n in g.nodes:
                if n not in known:
                    raise ValueError(f"graph group '{g.id}' names unknown node '{n}'")
        seen: dict[str, str] = {}
        for g in self.groups:
            for n in g.nodes:
                if n in seen:
                    raise ValueError(f"node '{n}' is in groups '{seen[n]}' and '{g.id}' (expected at most one)")
                seen[n] = g.id
        for r in self.same_rank:
            for n in r:
                if n not in known:
                    raise ValueError(f"same_rank names unknown node '{n}'")
            if len({seen.get(n) for n in r}) > 1:
                raise ValueError(f"same_rank {r} mixes nodes of different groups (expected the nodes of one "
                                 "group, or ungrouped nodes)")
        return self
