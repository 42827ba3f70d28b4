"""A diagram's `sweep:`: one input (a `vars` value or a compute argument) stepped through a list of values.

Binding and layout run once per value (a frame); renderer/app/sweeps.py draws the frames.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from .models_base import LocalText, Strict

MAX_FRAMES = 24  # values one sweep steps through
Scalar = float | int | bool | str
SweepValue = Annotated[Scalar | dict[str, Scalar], Field(
    description="One value of the swept input (a mapping sweeps several numbers together: {gamma: 0.9, lam: 0.95} "
    "read as {{ vars.x.gamma }}).")]


class SweepRange(Strict):
    """Evenly spaced values from `start` to `stop` (included when a step lands on it)."""

    start: float = Field(description="First value.")
    stop: float = Field(description="Last value (included when start + k·step reaches it).")
    step: float = Field(gt=0, description="Distance between values.")

    def values(self) -> list[float | int]:
        """The values, integers when start and step are whole numbers; at most MAX_FRAMES + 1 of them."""
        whole = float(self.start).is_integer() and float(self.step).is_integer()
        out: list[float | int] = []
        k = 0
        while len(out) <= MAX_FRAMES:
            v = self.start + k * self.step
            if v > self.stop + 1e-9 * max(1.0, abs(self.stop)):
                break
            out.append(int(round(v)) if whole else round(v, 12))
            k += 1
        return out


class Sweep(Strict):
    """Step one input through values; each value gives a frame (gallery slider, animated SVG, one slide each)."""

    var: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64,
                            description="The `vars` entry replaced by each value.")
    arg: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$", max_length=130,
                            description="Or the compute argument replaced, as <call>.<argument> "
                            "(e.g. temp.temperature).")
    values: Annotated[list[SweepValue], Field(min_length=2, max_length=MAX_FRAMES)] | None = Field(
        None, description="The values, in slider order.")
    range: SweepRange | None = Field(None, description="Or evenly spaced values.")
    labels: list[LocalText] | None = Field(
        None, description="How the strip and the slider print each value (default: the value itself).")
    initial: SweepValue | None = Field(
        None, description="The value of the diagram's ordinary outputs and of the first frame shown (default: the "
        "value written in vars when it is one of the values, else the first value).")
    label: LocalText = Field(description="What is swept, as the slider and the frame strip name it "
                             "(e.g. 'temperature T').")
    seconds: float = Field(1.5, ge=0.2, le=10, description="How long each frame shows in the animated SVG.")

    @model_validator(mode="after")
    def _one_of_each(self) -> Sweep:
        if (self.var is None) == (self.arg is None):
            raise ValueError("a sweep names exactly one input (expected `var: <name>` or `arg: <call>.<argument>`)")
        if (self.values is None) == (self.range is None):
            raise ValueError("a sweep needs exactly one of `values: [...]` or `range: {start, stop, step}`")
        if self.labels is not None and len(self.labels) != len(self.frame_values()):
            raise ValueError(f"{len(self.labels)} labels for {len(self.frame_values())} values (expected one each)")
        if self.range is not None:
            n = len(self.range.values())
            if n < 2 or n > MAX_FRAMES:
                many = f"more than {MAX_FRAMES}" if n > MAX_FRAMES else str(n)
                raise ValueError(f"the range gives {many} values (expected 2 to {MAX_FRAMES}: limit max_frames)")
        return self

    def frame_values(self) -> list[Any]:
        """Every frame's value, in order."""
        return list(self.values) if self.values is not None else self.range.values()  # type: ignore[union-attr]

    def initial_index(self, written: Any = None) -> int:
        """The frame of the ordinary outputs: `initial`, else the written value when it is a frame, else 0."""
        vals = self.frame_values()
        for want in (self.initial, written):
            if want is not None and not isinstance(want, list):
                for i, v in enumerate(vals):
                    if same_value(v, want):
                        return i
                if want is self.initial:
                    return -1  # checked by the loader (located there)
        return 0


def same_value(a: Any, b: Any) -> bool:
    """Equal as sweep values (1 and 1.0 are the same frame; True is not 1)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(
            same_value(a[k], b[k]) for k in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a)))
    return a == b
