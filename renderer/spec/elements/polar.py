"""Spec model of the `polar` element kind: vectors drawn from one origin, with angle arcs (a rotation glyph)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict

Placeholder = Annotated[str, Field(max_length=500, description="A {{ placeholder }} bound to compute results.")]
Number = float | Placeholder


class PolarVector(Strict):
    """One vector from the origin: its angle (counter-clockwise from the x axis) and length."""

    angle: Number = Field(description="Angle from the positive x axis, counter-clockwise (radians, or degrees "
                                      "with `degrees: true`); a number or a placeholder.")
    length: Number = Field(1.0, description="Length in the units of `max` (the circle's radius).")
    label: LocalText | None = Field(None, description="Text at the vector's tip (e.g. 'q', 'R(mθ)·q').")
    role: Role = Field("model", description="Colour role of the arrow and its label.")
    dashed: bool = Field(False, description="Dashed arrow (e.g. the vector before a rotation).")


class PolarArc(Strict):
    """An arc between two angles, with an arrow head at `to` and a label at its middle (e.g. θ)."""

    from_: Number = Field(0.0, alias="from", description="Start angle (as `angle`).")
    to: Number = Field(description="End angle; the arrow head points the way of the turn.")
    radius: float = Field(0.35, gt=0, le=1.2, description="Radius as a fraction of the circle's.")
    label: LocalText | None = Field(None, description="Text outside the arc's middle (e.g. 'mθ').")
    role: Role = Field("text-soft", description="Colour role of the arc and its label.")


class Polar(Strict):
    """A rotation glyph: a unit circle with axes, vectors from its centre and arcs for the angles between them."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    title: LocalText | None = Field(None, description="Title above the glyph.")
    size: float = Field(180, ge=60, le=800, description="Diameter of the circle (px).")
    max: Number = Field(1.0, description="The length drawn at the circle (vectors longer than this are refused).")
    degrees: bool = Field(False, description="Angles are in degrees (default: radians).")
    axes: bool = Field(True, description="Draw the x and y axes through the origin.")
    circle: bool = Field(True, description="Draw the circle of radius `max`.")
    axis_labels: Annotated[list[LocalText], Field(max_length=2)] = Field(
        default_factory=list, description="Labels at the ends of the x and y axes (e.g. dimension 2i, 2i+1).")
    vectors: Annotated[list[PolarVector], Field(min_length=1, max_length=12)] = Field(
        description="The vectors, drawn in order.")
    arcs: Annotated[list[PolarArc], Field(max_length=12)] = Field(default_factory=list,
                                                                  description="Angle arcs between vectors.")
