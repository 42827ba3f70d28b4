"""The source text of compute functions that `code` elements show (`source: rl.gae`)."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path
from typing import Any

from compute import registry

from ..project import ROOT
from ..spec.loader import walk_elements


def function_source(name: str) -> tuple[str, str]:
    """A registered compute function's dedented source and its title (`compute/rl.py · gae()`)."""
    fn = registry.get(name)
    src = textwrap.dedent(inspect.getsource(fn))
    file = Path(inspect.getsourcefile(fn) or "")
    try:
        rel = file.relative_to(ROOT)
    except ValueError:
        rel = Path(file.name)
    return src, f"{rel.as_posix()} · {fn.__name__}()"


def code_sources(data: Any) -> dict[str, tuple[str, str]]:
    """Source and title of every function a `code` element in the (filled) body names."""
    out = {}
    for kind, content, _path in walk_elements(data.get("body"), ("body",)):
        if kind == "code" and isinstance(content, dict) and isinstance(content.get("source"), str):
            out.setdefault(content["source"], function_source(content["source"]))
    return out
