"""`vizspec new`: a starter spec of one element kind, copied from templates/starters/ into specs/."""

from __future__ import annotations

import re
from pathlib import Path

from ..project import SPECS_DIR, STARTERS_DIR
from ..spec.yamlpos import MAX_BYTES
from ..trust import Refused, read_file
from .build import find_specs

KINDS = ("flow", "chart", "tree", "tensor", "table", "timeline")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # the spec models' ID_PATTERN (not imported: pydantic is slow to load)
MAX_NAME_CHARS = 100  # an id or chapter becomes a file or folder name (at most 255 bytes with its extension)


class StarterError(ValueError):
    """The new spec cannot be written (bad id, unknown kind, file exists)."""


def starter_text(kind: str, diagram_id: str, chapter: str, starters: Path = STARTERS_DIR) -> str:
    """The starter of `kind` with its id and chapter filled in."""
    if kind not in KINDS:
        raise StarterError(f"unknown kind '{kind}' (expected one of: {', '.join(KINDS)})")
    try:  # a starter linked out of the project, a FIFO or a huge file is refused, not copied into a spec
        text = read_file(Path(starters) / f"{kind}.yaml", MAX_BYTES).decode("utf-8")
    except (Refused, UnicodeDecodeError) as e:
        raise StarterError(f"starter '{kind}' cannot be read: {e}") from None
    return text.replace("__ID__", diagram_id).replace("__CHAPTER__", chapter)


def new_spec(diagram_id: str, kind: str = "flow", chapter: str = "misc", specs_dir: Path = SPECS_DIR,
             starters: Path = STARTERS_DIR) -> Path:
    """Write specs/<chapter>/<id>.yaml from the starter; refuses to overwrite or to reuse an id."""
    for what, value in (("id", diagram_id), ("chapter", chapter)):
        if len(value) > MAX_NAME_CHARS:
            raise StarterError(f"{what} is {len(value)} characters long (expected at most {MAX_NAME_CHARS})")
        if not ID.fullmatch(value):
            raise StarterError(f"{what} '{value}' is not allowed (expected kebab-case: lowercase letters, digits, "
                               "'-', e.g. top-p-sampling)")
    target = Path(specs_dir) / chapter / f"{diagram_id}.yaml"
    if target.exists():
        raise StarterError(f"{target} already exists (not overwritten; pick another id or edit that file)")
    same = [p for p in find_specs(Path(specs_dir)) if p.stem == diagram_id] if Path(specs_dir).is_dir() else []
    if same:
        raise StarterError(f"id '{diagram_id}' is already used by {same[0]} (expected ids unique across specs)")
    text = starter_text(kind, diagram_id, chapter, starters)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as f:
        f.write(text)
    return target
