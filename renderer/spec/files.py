"""Reading a spec or component file through the trust boundary (renderer/trust.py), as a located error."""

from __future__ import annotations

from pathlib import Path

from ..trust import Refused, read_file
from .display import display_path
from .errors import Problem, SpecError
from .yamlpos import MAX_BYTES


def read_spec_file(path: Path | str, file: str | None = None, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a spec-like file; a SpecError at `file:1:1` when it is refused (outside, not regular, big)."""
    try:
        return read_file(path, limit)
    except Refused as e:
        raise SpecError([Problem(file or display_path(Path(path)), 1, 1, str(e))]) from None
