"""Spec model of the `graph` element kind."""

from __future__ import annotations

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, Strict


class Graph(Strict):
    """TODO: the graph element (issue 4)."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
