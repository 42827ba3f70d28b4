"""What placeholders fill in: checked for characters XML cannot carry, and counted against a budget.

A YAML alias can put one placeholder into thousands of places, so the size of everything filled in
(per language) is counted as it is produced, before pydantic copies it into models.
"""

from __future__ import annotations

from typing import Any

from ..spec.limits import MAX_DIAGRAM_TEXT
from ..spec.yamlpos import char_name, not_xml_char

MAX_FILLED_VALUES = 500_000  # numbers, strings and other values placeholders fill into one language's diagram
MAX_FILLED_CHARS = MAX_DIAGRAM_TEXT  # characters of text placeholders fill into one language's diagram


class ProducedError(Exception):
    """A filled-in value that cannot be used; the message says why (and names the limit)."""


class FillBudget:
    """Running totals of what placeholders filled in; `add` raises once a limit is passed."""

    def __init__(self) -> None:
        self.values = 0
        self.chars = 0

    def add(self, value: Any) -> None:
        """Count one placeholder's value and check its text (stops walking as soon as a limit is passed)."""
        stack = [value]
        while stack:
            v = stack.pop()
            if isinstance(v, list):
                if self.values + len(v) > MAX_FILLED_VALUES:
                    self._too_many()
                stack.extend(v)
                continue
            if isinstance(v, dict):
                stack.extend(v.keys())
                stack.extend(v.values())
                continue
            self.values += 1
            if self.values > MAX_FILLED_VALUES:
                self._too_many()
            if isinstance(v, str):
                self.chars += len(v)
                if self.chars > MAX_FILLED_CHARS:
                    raise ProducedError(f"placeholders fill in more than {MAX_FILLED_CHARS} characters of text "
                                        f"(limit max_filled_chars = {MAX_FILLED_CHARS}; an alias repeats "
                                        "a placeholder at every use)")
                bad = not_xml_char(v)
                if bad:
                    raise ProducedError(f"placeholder produced text containing {char_name(bad)}, which cannot "
                                        "be drawn or written to SVG (expected printable text)")

    def _too_many(self) -> None:
        raise ProducedError(f"placeholders fill in more than {MAX_FILLED_VALUES} values (limit "
                            f"max_filled_values = {MAX_FILLED_VALUES}; an alias repeats a placeholder at "
                            "every use)")
