"""Slide decks: one PPTX per chapter and one with everything, each diagram a slide of native shapes.

A deck has a title slide, a section slide per chapter (with the chapter's diagram titles), then the
diagrams in the collection's order: chapters by their first diagram's `order`, diagrams by `order`
then file name. Every slide is 16:9; a diagram is scaled to fit it (up to 2×, so small diagrams stay
readable on a projector). Decks go to `<out>/<lang>/<chapter>.pptx` and `<out>/<lang>/all.pptx`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..backends.pptx import add_scene_slide, fit_into, new_presentation, save, slide_px
from ..backends.pptx_fonts import embed_fonts as embed
from ..layout.theme import Theme, load_theme
from ..scene import Line, Meta, Rect, Scene, Style, Text
from ..spec.errors import Problem, SpecError, internal_problem, run_stage
from ..spec.langs import LANGS
from .chapters import chapter_title
from .workers import process_pool

SLIDE_W, SLIDE_H = 1280.0, 720.0  # px: PowerPoint's 16:9 default, 13.333 × 7.5 in
MARGIN = 24.0
MAX_SCALE = 2.0
EMBED_FONTS = True  # see backends/pptx_fonts.py for the measured cost
SECTION_LIST_MAX = 14  # diagram titles listed on a section slide before "… and N more"
DECK_TITLE = {"en": "How large language models are trained and aligned",
              "zh": "大模型的训练与对齐图解"}


@dataclass
class Item:
    """One diagram ready for a deck: where it sorts and its scene per language."""

    path: str
    id: str
    chapter: str
    order: int | None
    scenes: dict[str, Scene]
    chapter_at: tuple[str, int, int] = ("?", 1, 1)  # where the spec names its chapter
    frames: dict[str, list[Scene]] = field(default_factory=dict)  # a sweep's frames per language (--sweeps)


@dataclass
class DeckResult:
    """Decks written and the specs that could not be drawn."""

    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    diagrams: int = 0


def _prepare(path: str, langs: tuple[str, ...], sweeps: bool = False) -> Item | list[str]:
    """Load, bind and lay out one spec in every language (and, with `sweeps`, every frame of its sweep, each with
    the strip naming its value); problems instead of raising."""
    from ..bind import bind
    from ..layout import layout
    from ..spec.loader import load

    try:
        spec = run_stage(path, "load", load, Path(path))
        bound = run_stage(path, "bind", bind, spec)
        theme = load_theme()
        scenes = {lang: run_stage(path, "layout", layout, bound.for_lang(lang), theme) for lang in langs}
        d = spec.diagram
        frames = {}
        if sweeps and d.sweep is not None:
            from ..layout.frames import with_strip
            from . import sweeps as sw

            bound_frames = run_stage(path, "bind", sw.bind_frames, spec)
            for lang in langs:
                texts = sw.value_texts(spec, lang)
                frames[lang] = [with_strip(f, theme, sw.strip_label(spec, lang), texts, i) for i, f in
                                enumerate(run_stage(path, "layout", sw.frame_scenes, bound_frames, lang, theme))]
        return Item(path, d.id, d.chapter, d.order, scenes, spec.doc.locate(("chapter",)), frames)
    except SpecError as e:
        return [str(p) for p in e.problems]
    except Exception as e:  # a bug outside the stages: the other diagrams still make their decks
        return [str(internal_problem(path, "slides", e))]


def prepare(paths: Sequence[Path], langs: Sequence[str], jobs: int | None = None,
            sweeps: bool = False) -> tuple[list[Item], list[str]]:
    """Scenes of every spec (in a process pool for more than one job), with the problems found."""
    langs = tuple(langs)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) <= 1:
        results = [_prepare(str(p), langs, sweeps) for p in paths]
    else:
        with process_pool(min(jobs, len(paths))) as pool:
            results = list(pool.map(_prepare, [str(p) for p in paths], [langs] * len(paths), [sweeps] * len(paths)))
    items = [r for r in results if isinstance(r, Item)]
    problems = [p for r in results if not isinstance(r, Item) for p in r]
    return items, problems


def ordered(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """Chapters in the collection's order (by their first diagram), each with its diagrams in order."""
    def key(it: Item):
        return (it.order is None, it.order or 0, Path(it.path).name)

    chapters: dict[str, list[Item]] = {}
    for it in sorted(items, key=key):
        chapters.setdefault(it.chapter, []).append(it)
    return sorted(chapters.items(), key=lambda kv: (*key(kv[1][0])[:2], kv[0]))


def _text(theme: Theme, text: str, x: float, y: float, size: float, role: str, weight: int = 400,
          anchor: str = "start", meta: Meta | None = None) -> Text:
    from ..layout import metrics_for

    w = metrics_for(theme).width(text, size, weight)
    return Text(x, y, text, size, theme.color(role), weight, anchor, tuple(theme.fonts["sans"]), width=w,
                meta=meta or Meta())


def title_scene(theme: Theme, lang: str, title: str, subtitle: str, lines: Sequence[str] = ()) -> Scene:
    """A title or section slide drawn with the diagrams' own theme: a large title, a rule, a list."""
    s = theme.sizes
    x = 96.0
    y = SLIDE_H * 0.36
    items = [
        _text(theme, title, x, y, s["title"] * 2, "title", 700, meta=Meta("slide-title", "title", None, "title")),
        Line(((x, y + 28), (SLIDE_W - x, y + 28)), Style(stroke=theme.color("frame"),
             stroke_width=theme.stroke["frame"]), meta=Meta("slide-rule", "frame", None, "frame")),
        _text(theme, subtitle, x, y + 64, s["heading"] * 1.4, "text-soft", meta=Meta("slide-subtitle", "text-soft",
                                                                                      None, "text")),
    ]
    for i, line in enumerate(lines):
        items.append(_text(theme, line, x, y + 110 + i * s["body"] * 1.6, s["body"], "text",
                           meta=Meta(f"slide-list-{i}", "text", None, "text")))
    credit = theme.credit[lang]
    items.append(_text(theme, credit, SLIDE_W - x, SLIDE_H - 40, s["credit"], "credit", anchor="end",
                       meta=Meta("credit", "credit", None, "credit")))
    items.insert(0, Rect(0, SLIDE_H - 12, SLIDE_W, 12, 0, Style(fill=theme.color("tab")),
                         Meta("slide-band", "tab", None, "tab")))
    from ..layout import metrics_for

    return Scene(SLIDE_W, SLIDE_H, metrics_for(theme).faced(items), title, subtitle, lang,
                 family=tuple(theme.fonts["latin"]))


def _section_lines(chapter_items: list[Item], lang: str) -> list[str]:
    titles = [it.scenes[lang].title for it in chapter_items]
    if len(titles) > SECTION_LIST_MAX:
        rest = len(titles) - (SECTION_LIST_MAX - 1)
        more = f"… and {rest} more" if lang != "zh" else f"……另有 {rest} 幅"
        titles = titles[: SECTION_LIST_MAX - 1] + [more]
    return [f"{i + 1}. {t}" if not t.startswith("…") else t for i, t in enumerate(titles)]


def _count(n: int, lang: str) -> str:
    return f"{n} 幅图" if lang == "zh" else f"{n} diagram{'s' if n != 1 else ''}"


def deck(chapters: list[tuple[str, list[Item]]], lang: str, title: str, theme: Theme,
         template: str | None = None, embed_fonts: bool = EMBED_FONTS) -> bytes:
    """One presentation: title slide, then per chapter a section slide and its diagrams.

    With `template` (a .pptx), its masters and layouts (and slide size, and background) are used; with
    `embed_fonts`, the faces its text uses, subset to its characters (backends/pptx_fonts.py).
    """
    prs = new_presentation(SLIDE_W, SLIDE_H, title, lang, template)
    bg = template is None
    w, h = slide_px(prs)
    n = sum(len(its) for _, its in chapters)
    sub = f"{_count(n, lang)} · vizspec {__version__}"
    names = [chapter_title(c, lang) for c, _ in chapters]
    whole = (0.0, 0.0, w, h)
    cover = title_scene(theme, lang, title, sub, names if len(chapters) > 1 else ())
    add_scene_slide(prs, cover, fit_into(cover, whole), notes=False, background=bg)
    box = (MARGIN, MARGIN, w - 2 * MARGIN, h - 2 * MARGIN)
    for i, (chapter, its) in enumerate(chapters):
        head = f"{i + 1}  {chapter_title(chapter, lang)}" if len(chapters) > 1 else chapter_title(chapter, lang)
        section = title_scene(theme, lang, head, _count(len(its), lang), _section_lines(its, lang))
        add_scene_slide(prs, section, fit_into(section, whole), notes=False, background=bg)
        for it in its:
            for scene in it.frames.get(lang) or [it.scenes[lang]]:  # a sweep: one slide per frame
                add_scene_slide(prs, scene, fit_into(scene, box, MAX_SCALE), background=bg)
    data = save(prs)
    return embed(data) if embed_fonts else data


def deck_names(chapters: list[str], diagram_ids: set[str]) -> dict[str, str]:
    """File stem of each chapter deck; `-deck` is added where a diagram of the same id would collide."""
    return {c: f"{c}-deck" if c in diagram_ids or c == "all" else c for c in chapters}


def collection_specs(chapter: str | None = None) -> list[Path]:
    """Spec files for decks: everything under specs/ except folders starting with `_` (feature examples),
    which are included only when their chapter is asked for by name."""
    from . import build

    root = build.SPECS_DIR
    paths = build.find_specs(root)
    if chapter is not None:
        return paths
    return [p for p in paths if not any(part.startswith("_") for part in p.relative_to(root).parts[:-1])]


def build_decks(specs: Sequence[Path], out: Path, langs: Sequence[str] = LANGS, chapter: str | None = None,
                jobs: int | None = None, on_write: Callable[[Path], None] | None = None,
                template: str | None = None, sweeps: bool = False, embed_fonts: bool = EMBED_FONTS) -> DeckResult:
    """Write `<out>/<lang>/<chapter>.pptx` for every chapter (or only `chapter`) and `all.pptx`; with `sweeps`,
    a diagram with a sweep gets a slide per frame."""
    from .files import check_out

    check_out(out)  # not the sources, not through a symlink: refused before anything is written
    res = DeckResult()
    items, res.problems = prepare(specs, langs, jobs, sweeps)
    chapters = ordered(items)
    if chapter is not None:
        chapters = [(c, its) for c, its in chapters if c == chapter]
    res.diagrams = sum(len(its) for _, its in chapters)
    if not chapters:
        return res
    theme = load_theme()
    names = deck_names([c for c, _ in chapters], {it.id for it in items})
    for lang in langs:
        jobs_out = [(out / lang / f"{names[c]}.pptx", [(c, its)], chapter_title(c, lang)) for c, its in chapters]
        if chapter is None:
            jobs_out.append((out / lang / "all.pptx", chapters, DECK_TITLE.get(lang, DECK_TITLE["en"])))
        for target, chs, title in jobs_out:
            problem = _write_deck(target, chs, lang, title, theme, out, template, embed_fonts)
            if problem:
                res.problems.append(problem)
                continue
            res.written.append(target)
            if on_write:
                on_write(target)
    return res


def _write_deck(target: Path, chapters: list[tuple[str, list[Item]]], lang: str, title: str,
                theme: Theme, out: Path, template: str | None = None,
                embed_fonts: bool = EMBED_FONTS) -> str | None:
    """Draw and write one deck; the problem (located at the chapter's first spec) instead of raising."""
    from .failures import error_line, os_error_text
    from .files import write_atomic

    first = chapters[0][1][0]
    where = first.chapter_at if len(chapters) == 1 else None  # a chapter deck: the chapter named its file
    try:
        data = deck(chapters, lang, title, theme, template, embed_fonts)
    except Exception as e:  # a bug: this deck fails, the other decks are still written
        return str(internal_problem(where[0] if where else first.path, "slides", e))
    try:
        write_atomic(target, data, inside=out)
    except OSError as e:
        text = f"cannot write the deck {os_error_text(e, target)}"
        return str(Problem(*where, text)) if where else error_line(text)
    return None
