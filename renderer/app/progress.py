"""Progress of a build: a rich progress bar on a terminal, plain lines in CI or a pipe, and a summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..spec.display import display_path
from ..spec.printable import printable

if TYPE_CHECKING:
    from .build import Report, Result

_MARK = {"rendered": "ok", "cached": "cached", "failed": "FAILED"}


def in_ci(env: dict[str, str] | None = None) -> bool:
    """True when a CI system runs us (CI=true, as GitHub Actions, GitLab and most others set it)."""
    value = (env if env is not None else os.environ).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def choose_mode(stream: TextIO, env: dict[str, str] | None = None) -> str:
    """'bar' on an interactive terminal outside CI, else 'plain'."""
    isatty = getattr(stream, "isatty", None)
    return "bar" if isatty and isatty() and not in_ci(env) else "plain"


class Reporter:
    """Shows one build's progress; use as a context manager, feed `plan` and `result`, then `summary`."""

    def __init__(self, stream: TextIO | None = None, mode: str | None = None, verbose_cached: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.mode = mode or choose_mode(self.stream)
        self.verbose_cached = verbose_cached
        self.total = 0
        self.stale = 0
        self.done = 0
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the progress bar (if any)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def plan(self, total: int, stale: int) -> None:
        """The build knows how many specs there are and how many must render."""
        self.total, self.stale = total, stale
        if self.mode == "bar" and stale:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("[bold]rendering"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), TextColumn("{task.description}"),
                                      console=Console(file=self.stream), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("", total=total)
        elif self.mode == "plain" and stale:
            print(f"{total} diagrams, {stale} to render, {total - stale} up to date", file=self.stream)

    def result(self, r: Result) -> None:
        """One spec finished (cached ones arrive first, all at once)."""
        self.done += 1
        name = printable(r.id or display_path(Path(r.path)))
        if self._progress is not None:
            from rich.markup import escape

            self._progress.update(self._task, advance=1, description=escape(name))
            if r.status == "failed":
                self._progress.console.print(f"[red]FAILED[/red] {escape(name)}")
            return
        if self.mode == "plain" and (r.status != "cached" or self.verbose_cached):
            print(f"[{self.done}/{self.total}] {_MARK[r.status]:7} {name} ({r.seconds * 1000:.0f} ms)",
                  file=self.stream)

    def summary(self, report: Report) -> None:
        """Failed diagrams with their errors, then one line of counts and time."""
        self.close()
        print(summary_text(report), file=self.stream)


def summary_text(report: Report) -> str:
    """The end-of-build summary: every failure with its errors, then counts and wall time."""
    lines = []
    failed = report.failed
    if failed:
        lines.append(f"{len(failed)} failed:")
        for r in failed:
            for p in r.problems or [f"{display_path(Path(r.path))}: failed"]:
                lines.append(f"  {printable(p)}")
    out = printable(display_path(Path(report.out)))
    lines.append(f"{report.count('rendered')} rendered, {report.count('cached')} cached, "
                 f"{report.count('failed')} failed in {report.seconds:.2f} s → {out}")
    return "\n".join(lines)
