"""The Python API (re-exported as `vizspec`): load a spec, read its computed values, render it, render many.

    import vizspec
    d = vizspec.load("specs/decoding/top-k-sampling.yaml")   # or YAML text
    d.values["topk"]["result"]                               # a computed value, with fn, args and source
    svg = d.render("svg", lang="zh")                         # bytes, the same as `vizspec render` writes
    d                                                        # in Jupyter: shown inline (_repr_html_/_repr_svg_)

Bad input raises `SpecError`, whose message is the located lines the CLI prints (`file:line:col: error: …`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from ..backends import FORMATS, available, drawer
from ..project import BUILD_DIR
from ..spec.errors import SpecError, run_stage
from ..spec.langs import LANGS
from ..spec.loader import Spec, load_text
from ..spec.loader import load as load_file

__all__ = ["Diagram", "SpecError", "load", "render_all"]


def load(source: str | Path) -> Diagram:
    """A diagram from a spec file (a Path, or a str naming an existing file) or from YAML text."""
    if isinstance(source, Path) or ("\n" not in source and Path(source).is_file()):
        path = Path(source)
        return Diagram(run_stage(path, "load", load_file, path))
    return Diagram(run_stage("<string>", "load", load_text, source))


class Diagram:
    """A validated spec; binding (compute) runs on first use and is kept, like each drawn output."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._drawn: dict[tuple[str, str], bytes] = {}

    @property
    def id(self) -> str:
        """The diagram's id."""
        return self.spec.diagram.id

    @cached_property
    def bound(self) -> Any:
        """The spec with every compute call run and every placeholder filled (renderer.bind.BoundSpec)."""
        from ..bind import bind

        return run_stage(self.spec.path, "bind", bind, self.spec)

    @cached_property
    def bound_frames(self) -> list[Any]:
        """A sweep's frames bound, one BoundSpec per value (computed on first use and kept)."""
        from .sweeps import bind_frames

        return run_stage(self.spec.path, "bind", bind_frames, self.spec)

    @property
    def values(self) -> dict[str, dict[str, Any]]:
        """Every computed value by name: {"fn", "args", "source" (code hash), "result"}."""
        return self.bound.computed

    def title(self, lang: str = LANGS[0]) -> str:
        """The title in one language."""
        t = self.bound.for_lang(lang).diagram.title
        return t if isinstance(t, str) else getattr(t, lang)

    def render(self, fmt: str = "svg", lang: str = LANGS[0]) -> bytes:
        """The bytes of one output (svg, png or pptx) in one language, as `vizspec render` writes them."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r} (expected one of: {', '.join(LANGS)})")
        if (fmt, lang) not in self._drawn:
            from ..layout import layout
            from ..layout.theme import load_theme

            path = self.spec.path
            scene = run_stage(path, "layout", layout, self.bound.for_lang(lang), load_theme())
            self._drawn[fmt, lang] = run_stage(path, fmt, drawer(fmt), scene)
        return self._drawn[fmt, lang]

    def save(self, path: str | Path, lang: str = LANGS[0]) -> Path:
        """Write one output; the format is the file's suffix (.svg, .png, .pptx)."""
        path = Path(path)
        path.write_bytes(self.render(path.suffix.lstrip(".").lower(), lang))
        return path

    def _repr_svg_(self) -> str:
        return self.render("svg").decode("utf-8")

    def _repr_html_(self) -> str:
        svg = self._repr_svg_()
        if svg.startswith("<?xml"):  # inline SVG in HTML takes no XML declaration
            svg = svg[svg.index("?>") + 2:].lstrip()
        return (f'<figure class="vizspec" data-id="{html.escape(self.id)}" style="margin:0">{svg}'
                f"<figcaption>{html.escape(self.title())}</figcaption></figure>")

    def frames(self, lang: str = LANGS[0]) -> list[bytes]:
        """A sweep's frames as SVG bytes, as the build writes `<id>.sweep-<i>.svg` (ValueError without a sweep)."""
        if self.spec.diagram.sweep is None:
            raise ValueError(f"diagram {self.id!r} has no sweep (expected a spec with `sweep:`)")
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r} (expected one of: {', '.join(LANGS)})")
        if ("frames", lang) not in self._drawn:
            from ..backends.svg import draw_svg
            from ..layout.theme import load_theme
            from .sweeps import frame_scenes

            path = self.spec.path
            scenes = run_stage(path, "layout", frame_scenes, self.bound_frames, lang, load_theme())
            self._drawn["frames", lang] = [run_stage(path, "svg", draw_svg, s) for s in scenes]  # type: ignore
        return self._drawn["frames", lang]  # type: ignore[return-value]

    def sweep(self, lang: str = LANGS[0]) -> SweepView:
        """The sweep as a slider: shown inline in Jupyter (HTML with a range input), `.html` for the markup."""
        return SweepView(self, lang)

    def __repr__(self) -> str:
        return f"<vizspec.Diagram {self.id!r} from {self.spec.file}>"


class SweepView:
    """A diagram's sweep frames behind a slider (self-contained HTML: frames inlined, a few lines of script)."""

    def __init__(self, diagram: Diagram, lang: str) -> None:
        from .sweeps import start_index, strip_label, value_texts

        self.diagram, self.lang = diagram, lang
        self.values = value_texts(diagram.spec, lang)
        self.label = strip_label(diagram.spec, lang)
        self.start = start_index(diagram.spec)

    @property
    def html(self) -> str:
        """The slider and the frames as one HTML fragment."""
        import base64

        uid = f"vz-{self.diagram.id}-{self.lang}"
        imgs = "".join(f'<img data-frame="{i}" alt="{html.escape(v)}" style="max-width:100%;display:'
                       f'{"block" if i == self.start else "none"}" src="data:image/svg+xml;base64,'
                       f'{base64.b64encode(svg).decode()}">'
                       for i, (svg, v) in enumerate(zip(self.diagram.frames(self.lang), self.values, strict=True)))
        values = html.escape(json.dumps(self.values), quote=True)
        script = (f"var r=document.getElementById('{uid}');var i=+this.value;"
                  "r.querySelectorAll('img').forEach(function(m){m.style.display=+m.dataset.frame===i?'block':'none'});"
                  "r.querySelector('output').textContent=JSON.parse(r.dataset.values)[i];")
        return (f'<div class="vizspec-sweep" id="{uid}" data-values="{values}">'
                f'<label>{html.escape(self.label)} <input type="range" min="0" max="{len(self.values) - 1}" '
                f'value="{self.start}" oninput="{html.escape(script, quote=True)}"> '
                f'<output>{html.escape(self.values[self.start])}</output></label>{imgs}</div>')

    def _repr_html_(self) -> str:
        return self.html


def render_all(targets: Iterable[str | Path] = ("all",), out: str | Path | None = None,
               formats: Iterable[str] | None = None, langs: Iterable[str] = LANGS, jobs: int | None = None) -> Any:
    """Render specs (ids, files, folders or 'all') into `out` (default: the project's build/) as the CLI does.

    Returns the build report (renderer.app.build.Report): `.results` per spec with status and problems,
    `.failed`; a broken spec fails alone, as on the command line.
    """
    from .build import build
    from .cli import _spec_paths

    paths = _spec_paths([str(t) for t in targets])
    fmts = tuple(formats) if formats is not None else tuple(available())
    return build(paths, Path(out) if out is not None else BUILD_DIR, fmts, tuple(langs), jobs=jobs)
