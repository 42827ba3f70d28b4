"""Spec model of the `chain` element kind: a sequence of states and actions joined by transitions (a backup
diagram's row: s_0 → a_0 → s_1 …), rewards over the transitions, values under the nodes, braces under ranges."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict

MAX_CHAIN_NODES = 40
NODE_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*$"
ChainShape = Literal["state", "action", "box", "terminal"]


class ChainNode(Strict):
    """One node of the chain: a state (circle), an action (dot), a box or a terminal (filled square)."""

    id: str | None = Field(None, pattern=NODE_ID_PATTERN, description="Node id: the anchor `<chain id>.<node id>` "
                           "(besides `<chain id>.<index>`), and a name for `braces`.")
    label: LocalText | float | None = Field(None, description="Text in the node (`s_{0}`, `$s_t$`); beside an "
                                            "action's dot (above it in a horizontal chain).")
    shape: ChainShape | None = Field(None, description="This node's shape (default: the chain's `node_shape`).")
    role: Role | None = Field(None, description="Fill role (default: the chain's `node_role`; a terminal "
                              "`muted`, an action's dot `text`).")
    value: LocalText | float | None = Field(None, description="A smaller label under the node (right of it in "
                                            "a vertical chain): its value estimate, V(s) = 4.")
    value_role: Role | None = Field(None, description="Text colour of the value (default `text-soft`).")


class ChainStep(Strict):
    """The transition from node i to node i + 1."""

    label: LocalText | float | None = Field(None, description="Text over the arrow (right of it in a vertical "
                                            "chain): the reward r_{1} = 1 the step earns.")
    role: Role | None = Field(None, description="Colour of the arrow (default: the chain's `step_role`); a "
                              "meaningful role needs a legend entry, like an edge's.")
    dashed: bool = Field(False, description="A dashed arrow.")
    elide: bool = Field(False, description="Steps left out: a ⋯ mark inside the arrow (s_{3} ⋯→ s_{n}).")


class ChainBrace(Strict):
    """A curly brace under (right of, when vertical) a range of nodes, with a label at its tip."""

    from_: int | str = Field(alias="from", description="First node of the range: index (0-based) or node id.")
    to: int | str = Field(description="Last node of the range: index or node id.")
    label: LocalText | None = Field(None, description="Text at the brace's tip ('n steps').")
    role: Role = Field("text-soft", description="Colour of the brace and its label.")


class Chain(Strict):
    """Nodes in a line joined by arrows. Chains that are items of one `column` (horizontal chains) or one `row`
    (vertical ones) share their node columns: node k sits at the same place in each, as in a table of backup
    diagrams (TD(0), 2-step, …, Monte Carlo); a `spacer: {dots: true, text: …}` between them is an elision row."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges; node anchors "
                           "are `<id>.<index>` and `<id>.<node id>`.")
    label: LocalText | None = Field(None, description="A heading before the chain (left of it; above a vertical "
                                    "one): 'TD(0)', '2-step TD'.")
    note: LocalText | None = Field(None, description="Text after the chain (right of it; under a vertical one), "
                                   "math allowed between $…$: the target this chain backs up. Shared chains "
                                   "start their notes at one x.")
    nodes: Annotated[list[ChainNode], Field(min_length=1, max_length=MAX_CHAIN_NODES)] = Field(
        description="The nodes in order.")
    steps: Annotated[list[ChainStep], Field(max_length=MAX_CHAIN_NODES - 1)] = Field(
        default_factory=list, description="Transition i joins node i to node i + 1 (at most one fewer than the "
        "nodes; missing steps and `{}` are plain arrows).")
    braces: Annotated[list[ChainBrace], Field(max_length=6)] = Field(
        default_factory=list, description="Braces under ranges of nodes, each with a label.")
    direction: Literal["horizontal", "vertical"] = Field("horizontal", description="Left to right, or top to "
                                                         "bottom.")
    node_shape: ChainShape = Field("state", description="Shape of every node a node's own `shape` leaves.")
    node_role: Role = Field("white", description="Default fill role of states and boxes (an open circle).")
    step_role: Role = Field("arrow", description="Default colour of the arrows.")
    step_length: float = Field(34, ge=12, le=400, description="Shortest arrow between two nodes (px); a step's "
                               "label makes its arrow longer.")
    share: bool = Field(True, description="Share node columns with the other chains of the enclosing column "
                        "(row, when vertical); false lays this chain out alone.")
