"""Located problems: every message the user sees is `file:line:col: error: what (expected …)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from typing import Any, TypeVar

from .printable import printable

MAX_MESSAGE = 500  # characters of one message; longer ones are cut in the middle


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a spec."""

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE:  # a value quoted in the message may be huge: keep both ends
            cut = len(self.message) - MAX_MESSAGE + 60
            head, tail = self.message[:280], self.message[280 + cut:]
            object.__setattr__(self, "message", f"{head}… ({cut} characters cut) …{tail}")

    def __str__(self) -> str:
        """The located line, with the file name and message made safe to print (see `printable`)."""
        return f"{printable(self.file)}:{self.line}:{self.col}: {self.severity}: {printable(self.message)}"


class SpecError(Exception):
    """One or more located problems; the only error type the pipeline lets escape for bad input."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


MAX_DETAIL = 200  # characters of an exception's message quoted in an internal error

T = TypeVar("T")


def internal_problem(file: str | PathLike[str], stage: str, e: BaseException) -> Problem:
    """`file:1:1: error: internal error in <stage>: <Type: message>`: a bug, reported on the spec it hit."""
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1] + "…"
    return Problem(str(file), 1, 1, f"internal error in {stage}: {text}")


class BudgetExceeded(Exception):
    """A render went over its time or memory budget; the message names the limit."""


def run_stage(file: str | PathLike[str], stage: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)`; an unexpected exception becomes a SpecError naming the stage, on `file`."""
    try:
        return fn(*args, **kwargs)
    except SpecError:
        raise
    except Exception as e:  # a bug, not bad input: located on the spec, so the other specs go on
        if isinstance(e, BudgetExceeded | MemoryError):  # the per-spec budget: reported with its limit
            raise
        raise SpecError([internal_problem(file, stage, e)]) from e
