"""Spec model of the `icon` element kind: a built-in vector pictogram with an optional label."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict

IconName = Literal["person", "robot", "agent", "globe", "environment", "database", "document", "gpu", "chip",
                   "lock", "unlock", "flame", "check", "cross", "model", "pdf", "web-page", "code-file",
                   "spreadsheet"]


class Icon(Strict):
    """A pictogram (person, robot/agent, globe/environment, database, document, GPU chip, lock, unlock, flame,
    check, cross, model, file types) with a label."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    name: IconName = Field(
        description="Which pictogram: person, robot (alias agent), globe (alias environment), database, "
                    "document, gpu (alias chip), lock (frozen), unlock (unfrozen), flame (trained), check, cross, "
                    "model (a network), and the file types pdf, web-page, code-file and spreadsheet.")
    label: LocalText | None = Field(None, description="Text under the pictogram.")
    role: Role = Field("model", description="Fill colour role of the pictogram.")
    size: float = Field(48, ge=16, le=400, description="Width and height of the pictogram (px).")
