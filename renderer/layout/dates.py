"""ISO dates on a time axis: "2016", "2016-03" or "2016-03-12" as a time in years, its text, and date ticks.

An event at a date stands at the middle of the period it names (a year, a month, a day), so "2016-03" sits in the
middle of March 2016; where a date bounds a range (an axis or era start, a break's `from`, a tick) it stands at its
period's start, and where it ends one (an axis max, an era's or a span's end, a break's `to`) at its period's end.
Years are the unit of time, as when a timeline gives plain numbers (2016 is the start of 2016); months are twelve
equal parts of a year and a day is its share of its month.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\s*$")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_STEPS = (1, 2, 3, 6)  # months between month ticks, densest first
SHORT_SPAN = 3.0  # years: a date axis shorter than this is ticked in months


@dataclass(frozen=True)
class Date:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def time(self) -> float:
        """The middle of the period, in years."""
        if self.month is None:
            return self.year + 0.5
        if self.day is None:
            return self.year + (self.month - 0.5) / 12
        days = calendar.monthrange(self.year, self.month)[1]
        return self.year + (self.month - 1 + (self.day - 0.5) / days) / 12

    @property
    def start(self) -> float:
        """The start of the period, in years (where a tick given as this date stands)."""
        return self.year + (0 if self.month is None else (self.month - 1 + (0 if self.day is None else (
            self.day - 1) / calendar.monthrange(self.year, self.month)[1])) / 12)

    @property
    def end(self) -> float:
        """The end of the period, in years (where an axis `max` or an era's `end` given as this date stands)."""
        if self.month is None:
            return self.year + 1.0
        if self.day is None:
            return self.year + self.month / 12
        return self.start + 1 / (12 * calendar.monthrange(self.year, self.month)[1])

    def text(self, lang: str) -> str:
        """The date as written in `lang`: '2016', 'Mar 2016', '12 Mar 2016' / '2016 年 3 月 12 日'."""
        if self.month is None:
            return str(self.year)
        if lang == "zh":
            return f"{self.year} 年 {self.month} 月" + ("" if self.day is None else f" {self.day} 日")
        month = f"{MONTHS_EN[self.month - 1]} {self.year}"
        return month if self.day is None else f"{self.day} {month}"


def parse(value: str) -> Date | None:
    """The date an ISO text names, or None when it is not one (a bad month or day included)."""
    m = DATE.match(value)
    if m is None:
        return None
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return Date(year, month or None, day or None)


def month_ticks(t0: float, t1: float, step: int) -> list[float]:
    """Month starts within [t0, t1], every `step` months counted from January."""
    out = []
    k = math.ceil(round(t0 * 12, 9))
    while k / 12 <= t1 + 1e-9:
        if k % step == 0:
            out.append(k / 12)
        k += 1
    return out


def month_label(t: float, lang: str, first: bool) -> str:
    """A month tick's text: the month, with its year on January and on the first tick."""
    k = round(t * 12)
    year, month = divmod(k, 12)
    if lang == "zh":
        return f"{year} 年 {month + 1} 月" if first or month == 0 else f"{month + 1} 月"
    return f"{MONTHS_EN[month]} {year}" if first or month == 0 else MONTHS_EN[month]


def date_ticks(t0: float, t1: float, lang: str, fits: Callable[[list[float], list[str]], bool],
               year_ticks: Callable[[], list[float]]) -> tuple[list[float], list[str]]:
    """Ticks of a date axis over [t0, t1] years: whole years (`year_ticks`, fitted by the caller) when it spans
    three years or more, else month starts every 1, 2, 3 or 6 months, the densest whose labels `fits`."""
    if t1 - t0 >= SHORT_SPAN:
        ticks = [t for t in year_ticks() if float(t).is_integer()]
        if len(ticks) < 2:
            ticks = [float(y) for y in range(math.ceil(t0), math.floor(t1) + 1)]
        return ticks, [str(int(t)) for t in ticks]
    best: tuple[list[float], list[str]] = ([], [])
    for step in MONTH_STEPS:
        ticks = month_ticks(t0, t1, step)
        best = ticks, [month_label(t, lang, i == 0) for i, t in enumerate(ticks)]
        if fits(*best):
            break
    return best
