"""A sweep's frames: bound once per value, laid out alike, drawn as frame SVGs and one animated SVG.

Outputs (SVG only; decks get a slide per frame from `vizspec slides --sweeps`):
`svg/<lang>/<id>.sweep-<i>.svg` per frame (the gallery's slider swaps them) and `svg/<lang>/<id>.sweep.svg`, the
frames cycling with a strip naming the swept input and its value. The ordinary `<id>.svg` is the initial frame.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..spec.langs import LANGS
from .values import in_lang

if TYPE_CHECKING:  # the build imports the output names below without the models
    from ..spec.loader import Spec

FRAME_SUFFIX = ".sweep-"  # svg/<lang>/<id>.sweep-<i>.svg
ANIMATED_SUFFIX = ".sweep"  # svg/<lang>/<id>.sweep.svg
_PART = re.compile(r"\.sweep(?:-(\d{1,2}))?\.svg")


def frame_rel(lang: str, diagram_id: str, i: int) -> str:
    """Output path (relative to the output folder) of frame i's SVG."""
    return f"svg/{lang}/{diagram_id}{FRAME_SUFFIX}{i}.svg"


def animated_rel(lang: str, diagram_id: str) -> str:
    """Output path of the animated SVG of all frames."""
    return f"svg/{lang}/{diagram_id}{ANIMATED_SUFFIX}.svg"


def sweep_part(rel: str, lang: str, diagram_id: str) -> int | str | None:
    """Which sweep output of the diagram in a language `rel` is: a frame's index, "animated", or None."""
    head = f"svg/{lang}/{diagram_id}"
    m = _PART.fullmatch(rel[len(head):]) if rel.startswith(head) else None
    if m is None:
        return None
    return "animated" if m.group(1) is None else int(m.group(1))


def value_text(value: Any) -> str:
    """A swept value as the strip and the slider print it (1.0 → 1, 0.30000000000000004 → 0.3)."""
    if isinstance(value, dict):
        return ", ".join(f"{k} = {value_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def value_texts(spec: Spec, lang: str) -> list[str]:
    """Each frame's value as printed: the sweep's `labels` in the language, else the value."""
    sw = spec.diagram.sweep
    if sw.labels is None:
        return [value_text(v) for v in sw.frame_values()]
    return [in_lang(t, lang) for t in sw.labels]


def start_index(spec: Spec) -> int:
    """The initial frame (the one the ordinary outputs show)."""
    from ..bind.binder import _written_arg

    sw = spec.diagram.sweep
    raw = spec.doc.data
    written = (raw.get("vars") or {}).get(sw.var) if sw.var else _written_arg(raw, sw.arg)
    return max(0, sw.initial_index(written))


def bind_frames(spec: Spec, use_cache: bool = True) -> list:
    """One BoundSpec per frame value."""
    from ..bind import bind

    return [bind(spec, use_cache, frame=i) for i in range(len(spec.diagram.sweep.frame_values()))]


def frame_scenes(frames: list, lang: str, theme: Any) -> list:
    """The frames' scenes in one language, every element the same size in all of them."""
    from ..layout.frames import layout_frames

    return layout_frames([f.for_lang(lang) for f in frames], theme)


def strip_label(spec: Spec, lang: str) -> str:
    """The sweep's label in one language."""
    return in_lang(spec.diagram.sweep.label, lang)


def frame_outputs(spec: Spec, frames: list, langs: tuple[str, ...], theme: Any,
                  stage=lambda name, fn, *a: fn(*a)) -> list[tuple[str, bytes]]:
    """(output path, bytes) of every frame SVG and the animated SVG, in each language."""
    from ..backends.svg import draw_svg, draw_sweep_svg
    from ..layout.frames import with_strip

    sw = spec.diagram.sweep
    start = start_index(spec)
    out = []
    for lang in langs:
        values = value_texts(spec, lang)
        scenes = stage("layout", frame_scenes, frames, lang, theme)
        for i, scene in enumerate(scenes):
            out.append((frame_rel(lang, spec.diagram.id, i), stage("svg", draw_svg, scene)))
        label = strip_label(spec, lang)
        stripped = [with_strip(s, theme, label, values, i) for i, s in enumerate(scenes)]
        out.append((animated_rel(lang, spec.diagram.id), stage("svg", draw_sweep_svg, stripped, sw.seconds, start)))
    return out


def sweep_meta(spec: Spec, frames: list) -> dict[str, Any]:
    """What the gallery's slider needs: label, values, initial frame, and per frame the computed values that change."""
    from .values import computed_values

    sw = spec.diagram.sweep
    per_frame = [computed_values(f.computed) for f in frames]
    changing = {v["name"] for rows in per_frame for v in rows} - {
        v["name"] for v in per_frame[0] if all(v in rows for rows in per_frame)}
    return {"label": {lang: strip_label(spec, lang) for lang in LANGS},
            "input": sw.var or sw.arg, "values": {lang: value_texts(spec, lang) for lang in LANGS},
            "start": start_index(spec), "seconds": sw.seconds,
            "changing": [[v for v in rows if v["name"] in changing] for rows in per_frame]}
