"""`vizspec validate`: everything `render` would reject, found without writing anything.

Each spec is loaded, bound (compute calls, placeholders, filters, formats) and laid out in every language
(roles, data lengths, scene limits); its id must match its file name, a spec under specs/ must be in a
chapter of templates/chapters.yaml (the folder it sits in), and every number a diagram of the
collection prints must be an input or computed (the traceability rule; the examples under specs/_examples/
show options with literal data and are exempt from it).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..project import CHAPTERS_FILE, ROOT, SPECS_DIR
from ..spec.errors import Problem, SpecError, run_stage
from ..spec.langs import LANGS
from ..spec.loader import Spec, load_all

EXAMPLES = "_examples"  # specs/_examples/<name>.yaml has the id example-<name>


def expected_id(path: Path) -> str:
    """The id a spec file must carry: its file name (example-<name> under specs/_examples/)."""
    return f"example-{path.stem}" if path.parent.name == EXAMPLES else path.stem


def validate(paths: list[Path]) -> tuple[int, list[Problem]]:
    """(valid count, problems) over the specs, each problem located in its spec."""
    specs, problems = load_all(paths)
    ok = 0
    for spec in specs:
        found = spec_problems(spec)
        problems += found
        ok += not found
    return ok, problems


def chapter_problems(spec: Spec) -> list[Problem]:
    """A spec under specs/ of a project with its own templates/chapters.yaml (as this collection has) is in one
    of its chapters (each has EN and ZH names) and in that chapter's folder."""
    from .chapters import known_chapters

    chapter, path = spec.diagram.chapter, Path(spec.path).resolve()
    if not path.is_relative_to(SPECS_DIR.resolve()):
        return []  # a scratch file or fixture outside the collection is in no chapter list
    if not CHAPTERS_FILE.resolve().is_relative_to(ROOT.resolve()):
        return []  # a project without its own templates/chapters.yaml names its chapters freely
    known = known_chapters()
    if known and chapter not in known:
        near = difflib.get_close_matches(chapter, known, n=1)
        hint = f"did you mean '{near[0]}'? " if near else ""
        return [spec.doc.problem(("chapter",), f"unknown chapter '{chapter}' ({hint}expected one of "
                                                f"{', '.join(known)}; a new chapter needs a line with its EN and "
                                                "ZH names in templates/chapters.yaml)")]
    if path.parent.parent == SPECS_DIR.resolve() and path.parent.name not in (EXAMPLES, chapter):
        return [spec.doc.problem(("chapter",), f"chapter '{chapter}' differs from the spec's folder "
                                                f"specs/{path.parent.name}/ (expected chapter: {path.parent.name})")]
    return []


def spec_problems(spec: Spec) -> list[Problem]:
    """What rendering this spec would reject, and the rules every spec in the collection keeps."""
    from ..bind import bind
    from ..layout import layout
    from ..layout.theme import load_theme
    from .traceability import frames_untraced, known_numbers, untraced

    out = []
    want = expected_id(Path(spec.path))
    if spec.diagram.id != want:
        out.append(spec.doc.problem(("id",), f"id '{spec.diagram.id}' differs from the file name "
                                             f"'{Path(spec.path).name}' (expected id: {want})"))
    out += chapter_problems(spec)
    try:
        bound = run_stage(spec.file, "bind", bind, spec)
        theme = load_theme()
        scenes = {lang: run_stage(spec.file, "layout", layout, bound.for_lang(lang), theme) for lang in LANGS}
    except SpecError as e:
        return out + e.problems
    if Path(spec.path).parent.name == EXAMPLES:
        return out
    known = known_numbers(spec.doc.data, bound.lang_results, bound.derived)
    out += untraced(scenes, known, spec.file)
    if spec.diagram.sweep is not None:  # every frame prints traced numbers too
        try:
            out += [p for p in run_stage(spec.file, "bind", frames_untraced, spec, theme) if p not in out]
        except SpecError as e:
            return out + e.problems
    return out
