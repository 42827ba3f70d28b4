"""Spec model of the `tree` element kind: beam search, MCTS, taxonomies (tidy layout, highlighted path)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .icon import IconName

MAX_TREE_NODES = 400

Label = LocalText | float
PathSpec = list[str] | list[list[str]] | str
NodeShape = Literal["round", "rect", "circle", "pill", "dot", "eos"]


class TreeNode(Strict):
    """One node: a label, an optional value line, the label of the edge from its parent, its children."""

    id: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$",
                           description="Node id: names the node in `highlight`/`pruned` paths and registers "
                                       "the anchor `<tree id>.<node id>` (or `<node id>` in a tree without id) "
                                       "for diagram edges.")
    label: Label = Field(description="Text in the node (a token, a state, a category); numbers use `format`.")
    value: Label | None = Field(None, description="Smaller second line under the label (a score, Q/N, a "
                                                  "probability).")
    edge: Label | None = Field(None, description="Label of the edge from the parent (e.g. the probability "
                                                 "of this token).")
    edge_line: Literal["line", "squiggle"] = Field(
        "line", description="How the edge from the parent is drawn: a line, or a `squiggle` (a wavy line with an "
        "arrowhead at this node: a rollout or simulation, as in MCTS).")
    role: Role | None = Field(None, description="Fill role of this node (default: the tree's `node_role`; "
                                                "kept nodes `kept-bg`, pruned nodes `light`).")
    value_role: Role | None = Field(None, description="Text colour role of the value line (default `text-soft`; "
                                                      "e.g. `emphasis` for a value that just changed).")
    badge: IconName | None = Field(None, description="An icon badge on the node's top-right corner (lock, "
                                   "flame, check, cross, …), as on a box.")
    shape: NodeShape | None = Field(
        None, description="This node's shape (default: the tree's `node_shape`): e.g. states as circles and "
                          "actions as `dot`s (a small filled disc, its label beside it) in a backup diagram; "
                          "`eos` marks a terminal token: a pill with a stop marker (a small filled octagon) "
                          "before its label, as a finished beam's [EOS].")
    kept: bool = Field(False, description="On the highlighted path: node and the edge from its parent are "
                                          "drawn in the `kept` style.")
    pruned: bool = Field(False, description="A pruned branch: this node, its subtree and their edges are greyed "
                                            "(`removed` role).")
    children: list[TreeNode] | str = Field(default_factory=list,
                                           description="Child nodes, left to right (top to bottom when the tree "
                                                       "grows right). May be one {{ placeholder }} bound to a list.")


class TokenNode(Strict):
    """One entry of a next-token table (the input format of decoding.greedy / decoding.beam_search)."""

    p: float = Field(ge=0, le=1, description="Conditional probability of the token given its prefix.")
    next: dict[str, TokenNode] | None = Field(None, description="Continuations: token -> entry.")


class TreeMark(Strict):
    """A style given to the nodes named by id: how a spec colours or shapes nodes a compute result lists
    (compute returns ids, the spec says what they look like)."""

    ids: list[str] | str = Field(description="Node ids (or a {{ placeholder }} bound to a list of them).")
    role: Role | None = Field(None, description="Fill role of those nodes.")
    shape: NodeShape | None = Field(None, description="Shape of those nodes.")


class TreeItem(Strict):
    """One tree: its root (or a next-token table), highlighted path(s), pruned branches, caption."""

    id: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$",
                           description="Id of this tree in a `trees:` list; qualifies its node anchors as "
                                       "`<tree id>.<this id>.<node id>`.")
    root: TreeNode | str | None = Field(None, description="The root node with nested `children`; or one "
                                                          "{{ placeholder }} bound to such a mapping.")
    tokens: dict[str, TokenNode] | str | None = Field(
        None, description="Alternative to `root`: a next-token table {token: {p, next}} (the `tree` argument of "
                          "decoding.greedy/beam_search); tokens become nodes, p the edge labels.")
    prompt: LocalText | None = Field(None, description="Root label when the tree comes from `tokens` "
                                                       "(default: an empty-looking start node '▪').")
    highlight: PathSpec | None = Field(
        None, description="Highlighted path(s) from the root: a list of child labels or node ids taken at each "
                          "step (e.g. {{ greedy.path }}), or a list of such lists (one per kept beam). The root "
                          "and every node on a path are drawn in the `kept` style.")
    keep: PathSpec | None = Field(None, description="Path(s) drawn in the normal style although `dim_rest` "
                                                    "greys the rest (e.g. the beams that survived each step).")
    pruned: PathSpec | None = Field(None, description="Path(s) (as in `highlight`) to subtrees drawn greyed "
                                                      "(`removed` role).")
    dim_rest: bool = Field(False, description="Grey every node that is not on a `highlight` or `keep` path "
                                              "(pruned beams, unexplored branches).")
    caption: LocalText | None = Field(None, description="Caption under the tree (e.g. '1. Selection').")
    path_arrows: Literal["none", "down", "up"] | None = Field(
        None, description="Arrow heads on this tree's highlighted path (default: the element's `path_arrows`).")
    marks: Annotated[list[TreeMark], Field(max_length=12)] = Field(
        default_factory=list, description="Roles and shapes for the nodes named by id (applied in order).")

    @model_validator(mode="after")
    def _one_source(self) -> TreeItem:
        if (self.root is None) == (self.tokens is None):
            raise ValueError("a tree has exactly one of `root` (nested nodes) or `tokens` (a next-token table)")
        return self


class Tree(Strict):
    """A tree with tidy layout (parents centred over their children), or several trees side by side."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges; node anchors "
                                                                        "are `<id>.<node id>`.")
    root: TreeNode | str | None = Field(None, description="The root node (one tree); see `trees` for several.")
    tokens: dict[str, TokenNode] | str | None = Field(
        None, description="Alternative to `root`: a next-token table {token: {p, next}} (as decoding.* takes).")
    prompt: LocalText | None = Field(None, description="Root label when the tree comes from `tokens`.")
    highlight: PathSpec | None = Field(None, description="Highlighted path(s) from the root, by child label or "
                                                         "node id (see TreeItem.highlight).")
    keep: PathSpec | None = Field(None, description="Path(s) kept in the normal style by `dim_rest`.")
    pruned: PathSpec | None = Field(None, description="Path(s) to subtrees drawn greyed.")
    dim_rest: bool = Field(False, description="Grey every node not on a `highlight` or `keep` path.")
    marks: Annotated[list[TreeMark], Field(max_length=12)] = Field(
        default_factory=list, description="Roles and shapes for the nodes named by id (see TreeItem.marks).")
    caption: LocalText | None = Field(None, description="Caption under the tree.")
    trees: list[TreeItem] | None = Field(None, max_length=12,
                                         description="Several trees side by side, each with an optional caption "
                                                     "(e.g. the four MCTS steps); replaces root/tokens.")
    direction: Literal["down", "right"] = Field("down", description="Growth direction: top-down or left-to-right.")
    node_role: Role = Field("data", description="Default fill role of nodes.")
    node_shape: NodeShape = Field(
        "round", description="Shape of every node (a node's own `shape` overrides it).")
    format: str = Field(".3g", pattern=r"^[<>^+\- #0-9,._a-zA-Z%]{0,12}$",
                        description="Python format spec for numeric labels, values and edge labels.")
    level_gap: float | None = Field(None, ge=8, le=400, description="Distance between levels (px); default fits "
                                                                     "the edge labels.")
    node_min_width: float | None = Field(
        None, gt=0, le=800, description="Minimum width of every node (px; not circles): nodes of one width in "
                                        "every language, so the tree keeps its shape when labels differ.")
    sibling_gap: float | None = Field(None, ge=2, le=400, description="Minimum space between neighbouring "
                                                                       "subtrees (px); theme gap by default.")
    tree_gap: float | None = Field(None, ge=0, le=400, description="Space between trees of `trees` (px).")
    arrows: bool = Field(False, description="Arrow heads on the edges (parent → child).")
    edge_style: Literal["straight", "elbow"] = Field(
        "straight", description="Edges as straight lines from parent to child, or `elbow`: out of the parent, "
                                "along a shared spine half-way to the children, then into each child (the "
                                "bracket of a mind map or taxonomy; no diagonals crossing neighbours).")
    label_rotate: bool = Field(False, description="Lay each straight slanted edge's label along its edge (turned to "
                               "its angle, read left to right, beside the line) instead of upright on it.")
    path_arrows: Literal["none", "down", "up"] = Field(
        "none", description="Arrow heads on the highlighted path's edges only: `down` points parent → child "
                            "(a selection walking down), `up` child → parent (a value backed up to the root).")
    levels: Annotated[list[LocalText], Field(max_length=20)] = Field(
        default_factory=list, description="A label per depth, root first (e.g. 'prompt', 'step 1', 'step 2'): "
        "over each column of a `direction: right` tree, left of each row of a `down` tree; '' leaves one blank.")
    cut_style: Literal["dashed", "solid"] = Field(
        "dashed", description="The node at the end of each `pruned` path and the edge into it: dashed like the "
        "subtree below it (default), or `solid` grey, so that dashed means only 'never evaluated' (the subtree "
        "below a cut) and the cut itself reads as evaluated, then cut.")
    layout: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", max_length=60,
                               description="Name of a shared layout: every tree naming it (and every tree of "
                                           "their `trees` lists) is placed by one layout of the union of their "
                                           "nodes, identified by node id, so a node sits at the same offset in "
                                           "every tree and all have one size (small multiples: one tree per "
                                           "step). Every node then needs an id.")
    ghosts: bool = Field(False, description="With `layout`: draw the union's nodes this tree lacks as faint "
                                            "dashed outlines (otherwise their place is left blank).")

    @model_validator(mode="after")
    def _one_source(self) -> Tree:
        n = sum(x is not None for x in (self.root, self.tokens, self.trees))
        if n != 1:
            raise ValueError("a tree has exactly one of `root` (nested nodes), `tokens` (a next-token table) or "
                             "`trees` (several trees side by side)")
        if self.trees is not None and (self.marks or any(x is not None for x in (self.highlight, self.keep,
                                                                                  self.pruned, self.caption,
                                                                                  self.prompt))):
            raise ValueError("with `trees:`, put highlight/keep/pruned/marks/caption/prompt on each tree of the list")
        return self

    def items(self) -> list[tuple[TreeItem, tuple]]:
        """The trees to draw with their spec sub-path (one, or the `trees` list)."""
        if self.trees is not None:
            return [(t, ("trees", i)) for i, t in enumerate(self.trees)]
        one = TreeItem.model_construct(id=None, root=self.root, tokens=self.tokens, prompt=self.prompt,
                                       highlight=self.highlight, keep=self.keep, pruned=self.pruned,
                                       dim_rest=self.dim_rest, caption=self.caption, marks=self.marks)
        return [(one, ())]
