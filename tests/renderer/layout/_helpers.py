"""Helpers shared by the layout tests: lay out a small spec, pick primitives by kind, box geometry."""

from __future__ import annotations

from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import walk
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"


def scene_of(write_spec, body: str, lang: str = "en", compute: str = ""):
    """Lay out a spec whose body is `body` (YAML under `body:`), with optional `compute:` text."""
    path = write_spec(HEAD + compute + "body:\n" + body)
    return layout(bind(load(path)).for_lang(lang), load_theme())


def kind(scene, name: str, typ=None) -> list:
    """Every primitive of a Meta kind (and type)."""
    return [p for p in walk(scene.items) if p.meta.kind == name and (typ is None or isinstance(p, typ))]


def inside(outer, inner, tol: float = 0.01) -> bool:
    """Bounding box `inner` lies within `outer`."""
    return (outer[0] - tol <= inner[0] and outer[1] - tol <= inner[1]
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)
