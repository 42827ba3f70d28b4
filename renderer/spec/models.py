"""Pydantic models of a diagram spec: metadata, compute calls, the element tree and edges.

An element is a one-key mapping whose key names its kind (`box: …`, `row: […]`); containers hold
elements. The JSON Schema written by `vizspec schema` is generated from these models.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .elements import lanes as _lanes_module
from .elements.bits import Bits
from .elements.chain import Chain
from .elements.chart import Chart
from .elements.code import Code
from .elements.graph import Graph
from .elements.icon import Icon, IconName
from .elements.lanes import Lanes
from .elements.math import Math
from .elements.polar import Polar
from .elements.spectrum import Spectrum
from .elements.table import Table
from .elements.target import Target
from .elements.tensor import Tensor
from .elements.timeline import Timeline
from .elements.tree import Tree
from .models_base import ELEMENT_ID_PATTERN, ID_PATTERN, MAX_ID, RESERVED_NAMES, I18n, LocalText, Role, Strict
from .sweep import Sweep

__all__ = ["I18n", "LocalText", "Role", "Strict", "ID_PATTERN"]


class ComputeCall(Strict):
    """One call of a registered compute function; its result is named by the key in `compute:`."""

    fn: str = Field(description="Registry name, e.g. sampling.softmax (see `vizspec functions`).")
    args: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments of the function.")


MAX_NESTED = 40  # elements directly inside one box
Align = Literal["start", "center", "end", "stretch"]
MAX_REPEAT = 500  # values a container repeats its item over
Placeholder = Annotated[str, Field(max_length=500, pattern=r"^\s*\{\{.*\}\}\s*$",
                                   description="A {{ placeholder }} that gives a list.")]
TextSize = Literal["small", "body", "heading", "title"]
# an option given by a placeholder (`step: "{{ index + 1 }}"`, `wrap: "{{ vars.tiers }}"`); binding fills it in and
# the option's own type is checked then
OneValue = Annotated[str, Field(max_length=500, pattern=r"^\s*\{\{.*\}\}\s*$",
                                description="A {{ placeholder }} that gives the value.")]
StepNumber = Annotated[int, Field(ge=0, le=999)]


class Box(Strict):
    """A labelled shape: a model, a step, a concept."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    text: LocalText = Field(description="Main label; wraps to the box's maximum width.")
    sub: LocalText | None = Field(None, description="Smaller second line(s) under the label.")
    role: Role = Field("model", description="Fill colour role.")
    shape: Literal["round", "rect", "ellipse", "pill", "cylinder"] = Field(
        "round", description="Outline: rounded corners, square corners, an ellipse, a pill or a cylinder (a "
        "database, a replay buffer; see `rows`).")
    rows: Annotated[list[LocalText], Field(min_length=1, max_length=40)] | None = Field(
        None, description="With `shape: cylinder`: records stacked inside it under the label, one per entry "
        "(e.g. (s_{0}, a_{0}, r_{1}, s_{1})); edges leave or reach a record as `<id>.r0`, `<id>.r1`, … at the "
        "cylinder's side.")
    width: float | None = Field(None, gt=0, le=2000, description="Minimum width in px.")
    height: float | None = Field(None, gt=0, le=2000, description="Minimum height in px.")
    max_width: float | None = Field(None, gt=0, le=2000, description="Wrap text beyond this width (px).")
    bold: bool | OneValue = Field(False, description="Bold label (true/false, or a placeholder giving one).")
    dashed: bool | OneValue = Field(False, description="Dashed outline (true/false, or a placeholder giving one).")
    outline: Role | None = Field(None, description="Stroke colour role (default: no outline).")
    text_role: Role | None = Field(None, description="Text colour role (default: text).")
    badge: IconName | None = Field(None, description="An icon in a small circle on the box's top-right corner "
                                   "(lock = frozen, flame = trained, check, cross, model, …), inside the box.")
    badge_role: Role | None = Field(None, description="Colour role of the badge (default per icon: lock accent, "
                                    "flame warm, check thought, cross emphasis, others model).")
    step: StepNumber | OneValue | None = Field(
        None, description="A numbered step badge: a filled circle with this number on the box's top-left corner "
        "(the same place on every box); a number from 0 to 999 or a placeholder giving one (\"{{ index + 1 }}\").")
    state: Literal["ghost", "struck"] | OneValue | None = Field(
        None, description="Something removed: `ghost` is a dashed outline with faint text and no fill; "
        "`struck` is the box drawn normally, crossed by a diagonal line in `emphasis`, its text muted (or a "
        "placeholder giving ghost, struck or null, e.g. \"{{ 'ghost' if vars.pruned else None }}\").")
    items: Annotated[list[Element], Field(min_length=1, max_length=MAX_NESTED)] | None = Field(
        None, description="Elements drawn inside the box, under its label (a policy box inside the agent): "
        "each is an edge end by its own id or as `<box id>.<child id>` (`<box id>.0`, `.first`, `.last` by "
        "position); the box itself stays an edge end too.")
    direction: Literal["row", "column"] = Field(
        "column", description="With `items`: stack them side by side (row) or top to bottom (column).")
    gap: float | None = Field(None, ge=0, le=400, description="With `items`: space between them (px); theme default.")
    align: Align | None = Field(None, description="With `items`: their cross-axis alignment (default center; "
                                "`stretch` gives them one width in a column, one height in a row).")

    @model_validator(mode="after")
    def _nested(self) -> Box:
        if self.items is None and (self.gap is not None or self.align is not None or self.direction != "column"):
            raise ValueError("`gap`, `align` and `direction` lay out a box's `items` (expected them with `items`)")
        if self.items is not None and self.shape not in ("round", "rect"):
            raise ValueError(f"`items` go inside a round or rect box (expected shape round or rect, not "
                             f"{self.shape})")
        return self


class TextEl(Strict):
    """Free text: a label, a caption, a formula-like line."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges and annotations.")
    text: LocalText = Field(description="The text; wraps at max_width.")
    size: TextSize = Field("body", description="Type size: small, body, heading or title.")
    role: Role = Field("text", description="Text colour role.")
    bold: bool | OneValue = Field(False, description="Bold text (true/false, or a placeholder giving one).")
    align: Literal["start", "center", "end"] = Field("center", description="Alignment of the lines.")
    max_width: float | None = Field(None, gt=0, le=2000, description="Wrap beyond this width (px).")


class Note(TextEl):
    """A secondary remark, smaller and in the credit/muted colour."""

    size: TextSize = Field("small", description="Type size: small, body, heading or title.")
    role: Role = "text-soft"
    place: Literal["flow", "auto"] = Field(
        "flow", description="`flow`: in its row or column like any child. `auto`: into the largest empty area "
        "its row or column leaves (beside a short child next to a tall one), re-wrapped to fit; in the flow when "
        "no area fits it.")


class Container(Strict):
    """Shared fields of row/column/grid/panel."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges and annotations.")
    items: list[Element] = Field(default_factory=list, description="Child elements, in order.")
    repeat: Annotated[list[Any], Field(max_length=MAX_REPEAT)] | Placeholder | None = Field(
        None, description="Repeat `item` once per value of this list (literal, or a placeholder such as "
        "\"{{ vars.tokens }}\" or a compute result); inside `item`, {{ item }} is the value and {{ index }} its "
        "position (from 0), and an id gets -<index> appended (tok → tok-0, tok-1, …). Edges reach the copies "
        "as `<id>[3]` of the container, or by their own ids.")
    item: Element | None = Field(None, description="The element repeated over `repeat`; the copies follow any "
                                 "`items` (a row's header, then one box per token).")
    color_by: Literal["index", "value"] | None = Field(
        None, description="With `repeat`: give each copy a colour role from the theme's `categorical` cycle, "
        "as {{ color }} in `item` (role: \"{{ color }}\"): by position (`index`: copy i gets role i mod 6) or "
        "by value (`value`: equal values share a role, in order of first appearance). Repeats over the same "
        "list give a token the same colour in every row.")
    gap: float | None = Field(None, ge=0, le=400, description="Space between children (px); theme default.")
    align: Align = Field("center", description="Cross-axis alignment of children.")
    wrap: int | Literal["auto"] | OneValue | None = Field(
        None, description="Break a row into this many tiers (a column into this many side-by-side columns) "
        "sharing one grid of cells; `auto` picks the count that brings the part closest to a 16:10 slide; or a "
        "placeholder giving either (\"{{ vars.tiers }}\").")

    tracks: bool = Field(False, description="In a column (or a column panel): the rows in it share one set of "
                         "column widths and one gap, so their items line up column for column (a token row, "
                         "the logits under it and the bars under those).")

    @model_validator(mode="after")
    def _wrap_range(self) -> Container:
        if isinstance(self.wrap, int) and not 1 <= self.wrap <= 50:
            raise ValueError("wrap is a tier count from 1 to 50, or 'auto'")
        if (self.repeat is None) != (self.item is None):
            raise ValueError("`repeat` and `item` go together (expected a list to repeat over and the element "
                             "to repeat)")
        if self.color_by is not None and self.repeat is None:
            raise ValueError("`color_by` colours the copies of a repeat (expected it with `repeat` and `item`)")
        return self


FRAME_FIELD = Field(None, description="A visible group frame: `box` draws a thin outline round the stack, "
                    "`bracket` a square bracket on each side an edge leaves or enters; an edge to or from the "
                    "container attaches at the middle of that side (one arrow collecting the whole stack).")


class Row(Container):
    """Children side by side, left to right."""

    frame: Literal["box", "bracket"] | None = FRAME_FIELD


class Column(Container):
    """Children stacked top to bottom."""

    frame: Literal["box", "bracket"] | None = FRAME_FIELD


class Grid(Container):
    """Children in a grid, filled row by row."""

    columns: Annotated[int, Field(ge=1, le=50)] | OneValue = Field(
        description="Number of columns, from 1 to 50 (or a placeholder giving it, \"{{ vars.n }}\").")


class Panel(Container):
    """A titled, tinted group of children."""

    title: LocalText | None = None
    direction: Literal["row", "column"] = Field(
        "column", description="Stack the members side by side (row) or top to bottom (column).")
    role: Role = Field("panel", description="Background role.")
    dashed: bool = Field(False, description="Dashed panel outline.")
    frame: Literal["box", "bracket"] | None = FRAME_FIELD
    stack: LocalText | int | None = Field(
        None, description="A block repeated N times (a decoder layer × 24): drawn as a stack of cards with a "
        "badge in its top-right corner showing this text (a number n shows as ×n).")
    step: StepNumber | OneValue | None = Field(
        None, description="A numbered step badge: a filled circle with this number at the panel's top-left corner, "
        "before its title (a number from 0 to 999 or a placeholder giving one).")


class Bridge(Strict):
    """An element on the border between its two neighbours in a row or column (a vector index shared by
    the indexing and the query panel): centred on the gap between them, overlapping both, drawn above them."""

    item: Element = Field(description="The element on the border (a box, an icon); edges reach it by its id.")
    at: float | None = Field(None, ge=0, le=1, description="Where along the shared border: 0 at its start (left "
                             "or top), 1 at its end, 0.5 the middle; default: in line with the middle of the two "
                             "neighbours' contents.")


class AsideRow(Strict):
    """One row of an aside: a stage and, beside it, what it produces."""

    main: Element = Field(description="The stage (module) in the main column.")
    side: Element | None = Field(None, description="What the stage produces (a tensor, a note, a table), beside it.")


class Aside(Strict):
    """Two columns, module ↔ data: stages on one centre line, each with its data beside it joined by a leader line.

    Each side item is vertically centred on its stage (top-aligned with it when taller); rows never overlap.
    """

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges and annotations.")
    rows: list[AsideRow] = Field(min_length=1, max_length=60, description="Stages top to bottom, each with its data.")
    side: Literal["right", "left"] = Field("right", description="Which side of the stages the data column is on.")
    leader: Literal["dashdot", "dotted", "dashed", "solid", "none"] = Field(
        "dashdot", description="Line from each stage's side to its data's side.")
    leader_role: Role = Field("text-soft", description="Colour role of the leader lines.")
    chain: bool | Literal["down", "up"] = Field(
        False, description="Arrows between consecutive stages on their shared centre line: `true` or `down` "
        "points from each row to the next, `up` from each row to the one above (a model drawn bottom-up).")
    gap: float | None = Field(None, ge=0, le=400, description="Vertical space between rows (px); theme default "
                              "(twice it with `chain`, room for the arrows).")
    column_gap: float | None = Field(None, ge=8, le=800, description="Space between the stage column and the "
                                     "data column (px), where the leader lines run.")


class Spacer(Strict):
    """Empty space; or, with `dots`, an elision row: "⋮ text ⋮" centred where rows are left out."""

    width: float = Field(0, ge=0, le=2000, description="Empty width in px.")
    height: float = Field(0, ge=0, le=2000, description="Empty height in px.")
    dots: bool = Field(False, description="Draw an elision mark (⋮) centred in the space: rows left out of a "
                                          "column (n-step, …, Monte Carlo).")
    text: LocalText | None = Field(None, description="With `dots`: what the elided rows are, drawn between two "
                                                     "⋮ marks (\"⋮ n-step ⋮\").")

    @model_validator(mode="after")
    def _text_needs_dots(self) -> Spacer:
        if self.text is not None and not self.dots:
            raise ValueError("a spacer's `text` is drawn between elision dots (expected `dots: true` with it)")
        return self


class Use(Strict):
    """A shared component from templates/components/, with parameters."""

    component: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="File name in templates/components/.")
    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Prefix for the component's ids.")
    args: dict[str, Any] = Field(default_factory=dict, description="Values for the component's params.")


ELEMENT_KINDS = ("row", "column", "grid", "panel", "bridge", "box", "text", "note", "spacer", "chart", "tensor", "bits",
                 "tree", "table", "timeline", "graph", "math", "code", "icon", "polar", "lanes", "aside", "target",
                 "spectrum", "chain", "use")


class Element(Strict):
    """Exactly one of the kinds below."""

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        json_schema_extra={"minProperties": 1, "maxProperties": 1},
    )

    row: list[Element] | Row | None = Field(None, description="Children left to right (list or {items: …}).")
    column: list[Element] | Column | None = Field(None, description="Children top to bottom.")
    grid: Grid | None = Field(None, description="Members on a grid of `columns` columns.")
    panel: Panel | None = Field(None, description="A titled, filled group of members.")
    bridge: Bridge | None = Field(None, description="In a row or column, between two members: an element on "
                                  "the border between them, overlapping both.")
    box: LocalText | Box | None = Field(None, description="A labelled box (a string is its label).")
    text: LocalText | TextEl | None = Field(None, description="Free text (a string, or a mapping with size, align, …).")
    note: LocalText | Note | None = Field(None, description="A small explanatory note.")
    spacer: Spacer | None = Field(None, description="Empty space of a given width and height.")
    chart: Chart | None = Field(None, description="Bar, line, area or heat-map chart with axes.")
    tensor: Tensor | None = Field(None, description="A matrix or vector of cells.")
    bits: Bits | None = Field(None, description="Number formats drawn a cell per bit, field by field, stacked.")
    tree: Tree | None = Field(None, description="A tree with tidy layout.")
    table: Table | None = Field(None, description="A table with header, roles and merged cells.")
    timeline: Timeline | None = Field(None, description="Lanes and steps with markers.")
    graph: Graph | None = Field(None, description="Nodes and edges laid out by Graphviz dot.")
    math: Math | None = Field(None, description="A LaTeX formula drawn as vector paths.")
    code: Code | None = Field(None, description="Syntax-highlighted code.")
    icon: Icon | None = Field(None, description="A built-in pictogram.")
    polar: Polar | None = Field(None, description="A rotation glyph: vectors from one origin with angle arcs.")
    lanes: Lanes | None = Field(None, description="A swimlane matrix: stage banners over shared columns, "
                                                  "labelled rows of cells.")
    aside: Aside | None = Field(None, description="Two columns, module ↔ data, joined by leader lines.")
    target: Target | None = Field(None, description="A bull's-eye: rings round a true value, estimates as marks.")
    spectrum: Spectrum | None = Field(None, description="A double-headed arrow blending from one end's colour to "
                                      "the other's, each end labelled (small β ↔ large β).")
    chain: Chain | None = Field(None, description="States and actions in a line joined by arrows (a backup "
                                "diagram): rewards over the steps, values under the nodes; chains of one "
                                "column share node columns.")
    use: Use | None = Field(None, description="A shared component from templates/components/.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Element:
        set_ = [k for k in ELEMENT_KINDS if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(f"an element has exactly one kind (expected one of: {', '.join(ELEMENT_KINDS)})")
        return self

    @property
    def kind(self) -> str:
        """The element's kind name."""
        return next(k for k in ELEMENT_KINDS if getattr(self, k) is not None)

    @property
    def content(self) -> Any:
        """The kind's model, with shorthands (a list, a string) expanded."""
        k = self.kind
        v = getattr(self, k)
        if k in ("row", "column") and isinstance(v, list):
            return (Row if k == "row" else Column)(items=v)
        if k == "box" and not isinstance(v, Box):
            return Box(text=v)
        if k in ("text", "note") and isinstance(v, str | I18n):
            return (TextEl if k == "text" else Note)(text=v)
        return v


# Lanes cells are elements: the lanes module names `Element` without importing it (an import circle); give it
# the name, so the deferred schema build (Strict: defer_build) resolves it on first use.
_lanes_module.Element = Element

CheckName = Literal["text-overflow", "box-overlap", "text-overlap", "edge-crosses-box", "label-overlap",
                    "outside-frame", "foreign-colour", "missing-glyph", "aspect", "empty-space", "near-alignment",
                    "edge-end", "arrow-near-text", "edge-leaves-container", "legend",
                    "role-meaning", "line-over-categories", "chapter-role-meaning"]


def member_name(end: str) -> str:
    """An edge end with `<id>[N]` written as the member anchor `<id>.N`."""
    return re.sub(r"\[(\d+)\]", r".\1", end)


class Relabel(Strict):
    """Where an edge's quantity changes name: a bar across the edge, the old name before it, the new one after."""

    from_: LocalText = Field(alias="from", description="The name before the bar (e.g. s_{t+1}).")
    to: LocalText = Field(description="The name after the bar (e.g. s_{t}).")
    at: float = Field(0.5, gt=0, lt=1, description="Where the bar crosses the edge, as a share of its length "
                                                   "from its start.")


class Edge(Strict):
    """An arrow between two elements (by id)."""

    from_: str = Field(alias="from", description="Element id the edge starts at.")
    to: str = Field(description="Element id the edge ends at.")
    label: LocalText | None = None
    dashed: bool = Field(False, description="Dashed line (explain it with a legend entry).")
    head: Literal["end", "start", "both", "none"] = Field("end", description="Where the arrowheads are.")
    route: Literal["auto", "straight", "orthogonal", "curved"] = Field(
        "auto", description="auto/orthogonal: square elbows with rounded corners; straight: one segment between "
        "the centres' border points; curved: one smooth cubic curve leaving and entering square to the sides used.")
    from_side: Literal["auto", "top", "bottom", "left", "right"] = Field(
        "auto", description="Side of `from` the edge leaves.")
    to_side: Literal["auto", "top", "bottom", "left", "right"] = Field(
        "auto", description="Side of `to` the edge enters.")
    role: Role = Field("arrow", description="Line colour role.")
    bus: bool = Field(False, description="Join the bus edges that share this edge's target (fan-in) or, "
                                         "failing that, its source (fan-out) into one trunk with junction dots.")
    style: Literal["line", "squiggle"] = Field(
        "line", description="line: the route as drawn; squiggle: a wavy line along the route with the arrowhead "
        "at its end (a rollout or simulation, as in MCTS).")
    relabel: Relabel | None = Field(None, description="A bar across the edge where what it carries is renamed "
                                    "(s_{t+1} becomes s_{t}), the two names on either side of it.")
    label_rotate: bool = Field(False, description="On a slanted straight edge, lay the label along the edge "
                               "(turned to its angle, read left to right) instead of upright.")

    @field_validator("from_", "to")
    @classmethod
    def _member_index(cls, v: str) -> str:
        """`tokens[3]` is the container's member `tokens.3`."""
        return member_name(v)


Side = Literal["left", "right", "top", "bottom"]


class Annotation(Strict):
    """A mark drawn after layout over the laid-out body: a brace over a range of elements, or a callout."""

    brace: Annotated[list[str], Field(min_length=1, max_length=2)] | None = Field(
        None, description="[a, b]: one curly brace spanning the union of the boxes of elements a and b (ids or "
        "parts such as `T.r2`, `toks[3]`); [a] spans one element.")
    callout: str | None = Field(None, description="Id (or part) of the element a note points at with a leader "
                                "line.")
    side: Side = Field("right", description="Which side of the target(s) the brace or note goes on.")
    text: LocalText = Field(description="The brace's label (beside its tip) or the note's text.")
    role: Role = Field("text-soft", description="Colour role of the brace or leader line.")

    @field_validator("brace")
    @classmethod
    def _members(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else [member_name(x) for x in v]

    @field_validator("callout")
    @classmethod
    def _member(cls, v: str | None) -> str | None:
        return None if v is None else member_name(v)

    @model_validator(mode="after")
    def _one_kind(self) -> Annotation:
        if (self.brace is None) == (self.callout is None):
            raise ValueError("an annotation has exactly one of `brace` (a range of elements) or `callout` "
                             "(an element a note points at)")
        return self


class LegendEntry(Strict):
    """One legend entry: a fill swatch (`role`) or a line sample (`line`, optionally dashed), and its text."""

    role: Role | None = Field(None, description="Fill role the entry explains (a swatch).")
    line: Role | None = Field(None, description="Line role the entry explains (an arrow sample), e.g. arrow.")
    dashed: bool = Field(False, description="The line sample is dashed (an edge style); on a `role` swatch, a "
                                            "dashed outline (a ghost box, or a node drawn dashed: see `outline`).")
    outline: Role | None = Field(None, description="Outline role of the swatch (a node drawn with an outline; "
                                                   "with `dashed`, the colour of the dashed outline); on a `mark` "
                                                   "sample, its outline (an open circle: a chain's state).")
    arrow: bool = Field(True, description="The line sample ends in an arrowhead (false: a plain segment, e.g. "
                                          "a line chart's series).")
    hatch: bool = Field(False, description="The fill swatch is hatched (e.g. masked tensor cells, removed bars).")
    mark: Literal["cross", "circle", "diamond", "square", "triangle", "star"] | None = Field(
        None, description="A mark sample instead: `cross`, the × a target draws at the mean of its points, or a "
                          "timeline marker shape (circle, diamond, square, triangle, star), filled with `role` "
                          "(default: grey, the shape alone is what it explains).")
    icon: IconName | None = Field(None, description="An icon badge sample instead (as on a box's corner: "
                                  "lock = frozen, flame = trained); `role` is then the badge's colour.")
    text: LocalText = Field(description="What the colour, line style, mark or icon means.")

    @model_validator(mode="after")
    def _one_kind(self) -> LegendEntry:
        shape = self.mark not in (None, "cross")
        fill = None if shape or self.icon is not None else self.role
        if sum(x is not None for x in (fill, self.line, self.mark, self.icon)) != 1:
            raise ValueError("a legend entry has exactly one of `role` (a fill), `line` (an edge style), "
                             "`mark` (a mark sample; a marker shape may take a `role`, its fill) or `icon` (a badge)")
        if shape and (self.hatch or self.dashed):
            raise ValueError(f"a marker sample (`mark: {self.mark}`) takes only a `role`, its fill, and an "
                             "`outline` (expected no `hatch` or `dashed`)")
        if self.icon is not None and (self.dashed or self.hatch or self.outline is not None):
            raise ValueError("an `icon` entry draws the badge only (expected no `dashed`, `hatch` or `outline`)")
        if self.outline is not None and self.role is None and not shape:
            raise ValueError("`outline` is the outline of a fill swatch (expected it with `role`, not `line`)")
        if not self.arrow and self.line is None:
            raise ValueError("`arrow` needs a `line` sample (expected `line:` with `arrow: false`, not `role:`)")
        if self.hatch and self.role is None:
            raise ValueError("`hatch` needs a `role` swatch (expected `role:` with `hatch: true`, not `line:`)")
        return self


class LegendAuto(Strict):
    """A legend built from what the diagram draws: one entry per fill role, hatched fill, edge style and icon
    badge, in order of first appearance, each with its text from these maps."""

    auto: Literal[True] = Field(description="Build the entries from the laid-out diagram.")
    labels: Annotated[dict[Role, LocalText], Field(max_length=24)] = Field(
        default_factory=dict, description="Text per fill role, e.g. {model: {en: policy, zh: 策略}}. A "
        "meaningful role drawn without one is an error; a neutral role (white, light, …) gets an entry only here.")
    hatched: Annotated[dict[Role, LocalText], Field(max_length=8)] = Field(
        default_factory=dict, description="Text per role of a hatched fill (masked cells, removed bars).")
    lines: Annotated[dict[Role, LocalText], Field(max_length=8)] = Field(
        default_factory=dict, description="Text per role of a solid edge; a plain neutral arrow needs none.")
    dashed: Annotated[dict[Role, LocalText], Field(max_length=8)] = Field(
        default_factory=dict, description="Text per role of a dashed edge, e.g. {arrow: {en: no gradient, …}}.")
    icons: Annotated[dict[IconName, LocalText], Field(max_length=12)] = Field(
        default_factory=dict, description="Text per icon badge drawn; lock (frozen), unlock and flame "
        "(trained) have default texts.")


def _auto_legend(v: Any) -> Any:
    return {"auto": True} if v == "auto" else v


class Diagram(Strict):
    """One diagram."""

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID, description="Unique kebab-case id; the output file name.")
    chapter: str = Field(pattern=ID_PATTERN, max_length=MAX_ID,
                         description="Chapter id (the folder under specs/, and the file name of its deck).")
    order: int | None = Field(None, ge=0, description="Position in the chapter (catalogue order).")
    catalog: int | None = Field(None, ge=1, description="Row number in the original collection's catalogue.")
    title: LocalText
    caption: LocalText | None = Field(None, description="What the diagram explains (alt text, speaker notes).")
    tags: list[str] = Field(default_factory=list, description="Free keywords, shown in the gallery.")
    vars: dict[str, Any] = Field(
        default_factory=dict,
        description="Named literal inputs used by placeholders as {{ vars.name }}; a value {en: …, zh: …} "
        "is picked per language (token lists, labels).",
    )
    compute: dict[str, ComputeCall] = Field(
        default_factory=dict, description="Named compute calls; results are used as {{ name.key }}."
    )
    body: Element = Field(description="The one element at the top of the diagram (usually a row, column or panel).")
    edges: list[Edge] = Field(default_factory=list, description="Arrows between elements or their parts.")
    annotations: Annotated[list[Annotation], Field(max_length=60)] = Field(
        default_factory=list, description="Braces over ranges of elements and callouts with leader lines, placed "
        "after layout (like edges) and inside the frame.")
    legend: Annotated[Annotated[list[LegendEntry], Field(max_length=24)] | Literal["auto"] | LegendAuto,
                      BeforeValidator(_auto_legend)] = Field(
        default_factory=list, description="What each colour role and edge style means, one entry each; "
        "`vizspec check` asks for one when two or more meaningful fill roles are used. `auto` (or {auto: true, "
        "labels: …}) builds the entries from what the diagram draws.")
    sweep: Sweep | None = Field(
        None, description="Step one input through values: a frame per value (gallery slider, <id>.sweep.svg, "
        "`vizspec slides --sweeps`).")
    poster: bool = Field(
        False, description="A poster (the collection's one overview figure): `vizspec check` allows a frame "
        "aspect up to 2.6 instead of 1.9.")
    legend_at: Literal["auto", "bottom", "right", "inside"] = Field(
        "auto", description="Where the legend goes: under the body, right of it, (auto) the side that keeps "
        "the canvas nearer a 16:10 slide, or (inside) into the largest empty area of the body that fits it, "
        "else as auto.")
    waive: dict[CheckName, Annotated[str, Field(min_length=12, max_length=300)]] = Field(
        default_factory=dict,
        description="Layout checks (`vizspec check`) this diagram is exempt from, each with the reason, e.g. "
        "{near-alignment: 'the two trees are laid out independently'}. Waivers are counted in the output; "
        "aspect and empty-space are never waived in the collection.",
    )

    @field_validator("id", "chapter")
    @classmethod
    def _portable_name(cls, v: str) -> str:
        if v in RESERVED_NAMES:
            raise ValueError(f"'{v}' is a reserved file name on Windows (expected another id, e.g. '{v}-1')")
        return v
