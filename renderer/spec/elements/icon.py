"""Spec model of the `icon` element kind: a built-in vector pictogram with an optional label."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict


class Icon(Strict):
    """A pictogram (person, robot/agent, globe/environment, database, document, GPU chip) with a label."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    name: Literal["person", "robot", "agent", "globe", "environment", "database", "document", "gpu", "chip"] = Field(
        description="Which pictogram: person, robot (alias agent), globe (alias environment), database, "
                    "document, gpu (alias chip).")
    label: LocalText | None = Field(None, description="Text under the pictogram.")
    role: Role = Field("model", description="Fill colour role of the pictogram.")
    size: float = Field(48, ge=16, le=400, description="Width and height of the pictogram (px).")
