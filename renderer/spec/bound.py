"""What binding hands to layout: one language's diagram with every placeholder filled.

It lives here, below both stages, so that layout never imports binding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Diagram
from .yamlpos import Located


@dataclass(frozen=True)
class BoundDiagram:
    """A filled-in diagram in one language, where its spec came from, and the values it was computed from."""

    diagram: Diagram
    lang: str
    doc: Located  # the spec document: positions for located errors
    computed: dict[str, dict[str, Any]]  # name -> {fn, args, source, result}
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # code elements: fn -> (source, title)
