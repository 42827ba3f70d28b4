"""Located problems: every message the user sees is `file:line:col: error: what (expected …)`."""

from __future__ import annotations

from dataclasses import dataclass

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
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


class SpecError(Exception):
    """One or more located problems; the only error type the pipeline lets escape for bad input."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
