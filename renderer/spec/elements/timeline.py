"""Spec model of the `timeline` element kind: lanes of steps, spans and labelled point markers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .chart import MAX_POINTS, Format

MAX_ITEMS = 200
MAX_LANES = 30
MarkerShape = Literal["circle", "diamond", "square", "triangle", "star"]
DateText = Annotated[str, Field(max_length=500, description="An ISO date: '2016', '2016-03' or '2017-06-12' (an "
                                                          "event: the middle of that period), or a {{ placeholder }}.")]
Time = float | DateText  # years as numbers (2016 is the start of 2016), or an ISO date
Times = Annotated[list[float | DateText], Field(max_length=MAX_POINTS)] | DateText


class TimelineItem(Strict):
    """One thing on a lane: a point event (`at`), a span (`start`–`end`), or the next step in sequence."""

    label: LocalText = Field(description="Text of the step/span (inside its box) or of the event (beside it).")
    sub: LocalText | None = Field(None, description="Smaller second line (e.g. a date or a detail).")
    at: Time | None = Field(None, description="Time of a point event: drawn as a marker with its label.")
    start: Time | None = Field(None, description="Start of a span (with `end` or `length`).")
    end: Time | None = Field(None, description="End of a span.")
    length: float | None = Field(
        None, gt=0, le=1e6, description="Duration; an item without `at`/`start` follows the previous one "
                                        "(length 1 by default).")
    role: Role | None = Field(None, description="Fill role (default: the lane's).")
    text_role: Role | None = Field(None, description="Text colour role (default: text, and text-soft for `sub`).")
    marker: MarkerShape = Field("circle", description="Marker shape of a point event (a legend `mark:` entry "
                                                                "explains it).")
    dashed: bool = Field(False, description="Dashed outline (e.g. a recomputed step).")

    @model_validator(mode="after")
    def _timing(self) -> TimelineItem:
        if self.at is not None and (self.start is not None or self.end is not None or self.length is not None):
            raise ValueError("a point event (`at`) has no start, end or length")
        if self.end is not None and self.start is None:
            raise ValueError("`end` needs `start`")
        if self.end is not None and self.length is not None:
            raise ValueError("give `end` or `length`, not both")
        return self


class TimelineLane(Strict):
    """A horizontal lane of items, with its name on the left."""

    name: LocalText | None = Field(None, description="Lane name, written left of the lane.")
    role: Role = Field("model", description="Default fill role of the lane's items.")
    items: Annotated[list[TimelineItem], Field(max_length=MAX_ITEMS)] = Field(description="The lane's items.")
    arrows: bool | None = Field(None, description="Arrows between consecutive items (default: the timeline's).")
    line: bool | Literal["arrow"] | None = Field(
        None, description="Draw the lane's base line (default: when it has point events); `arrow`: an arrow of "
                          "time across the whole time range, its head past the end.")


class TimeAxis(Strict):
    """The shared time axis under the lanes."""

    title: LocalText | None = Field(None, description="Axis title (e.g. 'year', 'time step').")
    ticks: Times | None = Field(None, description="Explicit tick values (default: nice 1-2-5 ticks; on a date axis, "
                                                "years, or months when it spans under three years).")
    tick_labels: list[LocalText] | None = Field(None, description="Labels of the explicit ticks, one each.")
    format: Format | None = Field(None, description="Format of tick labels (default: decimals of the step).")
    min: Time | None = Field(None, description="Start of the axis (default: the earliest item).")
    max: Time | None = Field(None, description="End of the axis (default: the latest item).")
    on_lanes: bool = Field(False, description="Draw the ticks on every lane's line, their labels just under it, "
                                              "instead of a separate axis under all the lanes.")
    breaks: Annotated[list[Annotated[list[Time], Field(min_length=2, max_length=2)]], Field(max_length=8)] = Field(
        default_factory=list, description="Stretches of time left out, [from, to] each: the axis and the lanes "
                                          "jump over them at a short gap marked with a break sign (e.g. 1998–2012).")

    @model_validator(mode="after")
    def _labels(self) -> TimeAxis:
        if self.tick_labels is not None and (self.ticks is None or
                                             isinstance(self.ticks, list) and len(self.tick_labels) != len(self.ticks)):
            raise ValueError("tick_labels needs `ticks` with the same number of values")
        return self


class TimelineEra(Strict):
    """A shaded band behind the lanes over a range of time, with a label at its top (e.g. 'deep RL')."""

    start: Time = Field(description="Start of the era.")
    end: Time = Field(description="End of the era.")
    label: LocalText | None = Field(None, description="Name written at the top of the band.")
    role: Role = Field("panel", description="Fill role of the band (a pale role: it sits behind the lanes).")


class Timeline(Strict):
    """Lanes of steps on a shared time axis: history, schedules (gradient accumulation, checkpointing)."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    title: LocalText | None = Field(None, description="Title above the timeline.")
    lanes: Annotated[list[TimelineLane], Field(min_length=1, max_length=MAX_LANES)] = Field(
        description="Lanes, top to bottom.")
    axis: TimeAxis | None = Field(None, description="Draw a time axis under the lanes (e.g. years).")
    eras: Annotated[list[TimelineEra], Field(max_length=12)] = Field(
        default_factory=list, description="Shaded bands behind the lanes over ranges of time, each labelled.")
    arrows: bool = Field(False, description="Arrows between consecutive items of each lane.")
    unit: float | None = Field(None, gt=0, le=2000, description="Px per time unit (minimum; grows so labels fit).")
    width: float | None = Field(None, gt=0, le=3000, description="Minimum width of the time range in px.")
    label_width: float = Field(150, gt=0, le=1000, description="Event labels wrap beyond this width (px).")
    gap: float | None = Field(None, ge=0, le=200, description="Space between lanes in px (theme default).")
    lane_names: Literal["left", "top"] = Field("left", description="Lane names right-aligned left of the lanes, "
                                                                  "or as a heading above each lane (narrower).")
    label_sides: Literal["pack", "alternate"] = Field(
        "pack", description="Event labels: `pack` puts each on the first free level, above or below; `alternate` "
                            "puts them above and below in turn, in time order (the same sides in every language).")
    sub_dates: bool = Field(False, description="A point event given as a date (`at: \"2016-03\"`) and without a "
                                               "`sub` shows its date as its second line, written in the diagram's "
                                               "language ('Mar 2016', '2016 年 3 月').")
