"""Spec model of the `target` element kind: a bull's-eye of concentric rings round a true value, with
estimates placed on it as marks (bias = how far the cluster sits from the centre, variance = its spread)."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .chart import Number, Placeholder

MAX_MARKS = 500
Point = Annotated[list[float], Field(min_length=2, max_length=2, description="[x, y] in data units.")]


class Target(Strict):
    """A bull's-eye: rings round `center`, one mark per point (e.g. sampled estimates of a true value)."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    title: LocalText | None = Field(None, description="Label under the target.")
    points: Annotated[list[Point], Field(max_length=MAX_MARKS)] | Placeholder = Field(
        description="The marks: [x, y] pairs in data units (literal, or a placeholder such as \"{{ est.td }}\").")
    center: Point = Field(default_factory=lambda: [0.0, 0.0], description="The true value, drawn as the bull.")
    radius: Number = Field(description="Data distance from the centre to the outer ring, > 0 (every point must "
                                        "lie inside it); a number or a placeholder such as \"{{ vars.radius }}\".")
    rings: int = Field(3, ge=1, le=8, description="Number of concentric rings, equally spaced.")
    size: float = Field(220, ge=60, le=800, description="Diameter of the outer ring in px.")
    role: Role = Field("accent", description="Fill role of the marks.")
    center_role: Role = Field("emphasis", description="Fill role of the bull (the true value).")
    mean: bool = Field(False, description="Also mark the mean of the points with a cross (where the estimates "
                                          "are centred: its distance from the bull is the bias).")

    @field_validator("points", "center")
    @classmethod
    def _finite(cls, v: list | str) -> list | str:
        for p in v if isinstance(v, list) and v and isinstance(v[0], list) else [v] if isinstance(v, list) else []:
            if not all(math.isfinite(c) for c in p):
                raise ValueError("target points are finite numbers (no NaN or infinity)")
        return v

    @model_validator(mode="after")
    def _radius(self) -> Target:
        if isinstance(self.radius, float) and not (math.isfinite(self.radius) and self.radius > 0):
            raise ValueError(f"radius must be a positive number, got {self.radius:g}")
        return self
