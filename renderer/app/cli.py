"""The `vizspec` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .. import __version__
from ..project import BUILD_DIR, ROOT, SCHEMA_OUT, SOURCE_ROOT, SPECS_DIR
from ..spec.display import display_path
from ..spec.errors import Problem, SpecError, internal_problem
from ..spec.langs import LANGS
from ..spec.printable import printable, printable_json
from .failures import CliError, error_line, os_error_text, output_folder

DEFAULT_OUT = Path(display_path(BUILD_DIR))  # the project's build/, relative when we run inside the project


def _spec_paths(targets: list[str]) -> list[Path]:
    """Resolve `all`, diagram ids, files and folders to spec files."""
    from .build import SPECS_DIR, find_specs

    if not targets or targets == ["all"]:
        return find_specs()
    out: list[Path] = []
    by_id = None
    for t in targets:
        p = Path(t)
        if p.is_dir():
            found = find_specs(p)
            if not found:
                raise CliError(f"{p}: no spec in this folder (expected .yaml files under it)")
            out += found
        elif p.exists() and not p.is_file():
            out.append(p)  # a FIFO or device: loading refuses it, located, without opening it for reading
        elif p.suffix in (".yaml", ".yml") or p.exists():
            if not p.exists():
                raise CliError(f"{p}: no such file (expected a .yaml spec file, a folder or an id)")
            out.append(p)
        else:
            if by_id is None:
                from .validate import expected_id

                by_id = {f.stem: f for f in find_specs(SPECS_DIR)}
                by_id.update({expected_id(f): f for f in find_specs(SPECS_DIR)})  # example-<name> as well
            if t not in by_id:
                raise CliError(f"no spec with id '{t}' (expected an id from `vizspec list`, a .yaml file or "
                               "a folder)")
            out.append(by_id[t])
    return out


def _say(text: str) -> None:
    """One line to stderr (values in it already made safe by `printable`)."""
    print(text, file=sys.stderr)


def _outputs(args: argparse.Namespace) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Formats (`--format`, default every available backend) and languages (`--lang`) asked for."""
    from ..backends import available

    formats = tuple(args.format.split(",")) if args.format else tuple(available())
    unknown = [f for f in formats if f not in available()]
    if unknown:
        raise CliError(f"unknown format '{unknown[0]}' (expected some of: {', '.join(available())})")
    scale = getattr(args, "scale", None)
    if scale is not None:
        if not 0.25 <= scale <= 8:
            raise CliError(f"--scale {scale:g} is out of range (expected 0.25 to 8)")
        os.environ["VIZSPEC_PNG_SCALE"] = repr(scale)  # read by the PNG backend, in every worker process
    fonts = getattr(args, "svg_fonts", None)
    if fonts is not None:
        os.environ["VIZSPEC_SVG_FONTS"] = fonts  # read by the SVG backend, in every worker process
    return formats, (LANGS if args.lang == "all" else (args.lang,))


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate

    paths = _spec_paths(args.paths)
    ok, problems = validate(paths)
    for p in problems:
        _say(str(p))
    _say(f"{ok} valid, {len(paths) - ok} invalid")
    return 1 if problems else 0


def cmd_render(args: argparse.Namespace) -> int:
    from .build import build
    from .progress import Reporter

    formats, langs = _outputs(args)
    if args.changed is not None:
        from .gitdiff import GitError, changed_specs

        try:
            sel = changed_specs(args.changed)
        except GitError as e:
            raise CliError(f"--changed {args.changed}: {e}") from None
        paths = sel.specs
        if args.targets and args.targets != ["all"]:  # narrow the changed specs to the ones named
            wanted = {p.resolve() for p in _spec_paths(args.targets)}
            paths = [p for p in paths if p.resolve() in wanted]
        for p in paths:
            _say(f"changed: {printable(display_path(p))} ({printable(sel.reasons.get(str(p), 'spec changed'))})")
        if not paths:
            _say(f"no spec changed since {printable(args.changed)}")
            return 0
    else:
        paths = _spec_paths(args.targets)
    output_folder(args.out)
    with Reporter() as rep:
        report = build(paths, args.out, formats, langs, use_cache=not args.no_cache, jobs=args.jobs,
                       on_plan=rep.plan, on_result=rep.result, gallery=not args.no_gallery)
        rep.summary(report)
    if args.report:  # replaces a symlink planted at the path; refuses a symlinked folder inside the project
        from .files import write_atomic

        try:
            write_atomic(args.report, json.dumps(report.to_json(), indent=1, ensure_ascii=False,
                                                 default=str).encode())
        except OSError as e:
            raise CliError(f"--report {os_error_text(e, args.report)}") from None
    return 1 if report.failed else 0


def cmd_new(args: argparse.Namespace) -> int:
    from .starters import StarterError, new_spec

    try:
        path = new_spec(args.id, args.kind, args.chapter, args.specs)
    except StarterError as e:
        _say(error_line(str(e)))
        return 1
    except OSError as e:
        raise CliError(f"cannot write the new spec: {os_error_text(e)}") from None
    shown = display_path(path)
    _say(f"wrote {printable(shown)}")
    _say(f"next: edit it, then `vizspec validate {printable(shown)}` and `vizspec render {printable(args.id)}`")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .gitdiff import GitError, diff

    if args.prime:
        if args.ref is not None:
            raise CliError(f"diff --prime takes no ref (got {args.ref!r}): it keeps the working tree's snapshots "
                           "(expected `vizspec diff --prime`, run on the commit to keep)")
        return _prime()
    ref = args.ref or "HEAD"
    output_folder(args.out)
    try:
        items = diff(ref, args.out)
    except GitError as e:
        raise CliError(f"diff {ref}: {e}") from None
    for it in items:
        _say(f"{it.status:9} {printable(it.id):40} {len(it.values):4} values changed  ({printable(it.reason)})")
        for side in (it.before, it.after):
            for p in side.get("problems") or []:
                _say(f"  {printable(p)}")
    _say(f"{len(items)} diagram(s) compared → {printable(display_path(args.out / 'index.html'))} (summary: "
         f"{printable(display_path(args.out / 'summary.md'))})")
    return 1 if any(it.status == "failed" for it in items) else 0


def _prime() -> int:
    from .diff_prime import prime
    from .gitdiff import GitError

    try:
        done = prime()
    except GitError as e:
        raise CliError(f"diff --prime: {e}") from None
    for problem in done.failed:
        _say(f"  {printable(problem)}")
    _say(f"{done.specs} spec(s): {done.drawn} snapshot(s) drawn, {done.cached} already in the cache, "
         f"{len(done.failed)} failed; {done.removed} old cache entr{'y' if done.removed == 1 else 'ies'} removed")
    return 1 if done.failed else 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import Watcher

    formats, langs = _outputs(args)
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port} is out of range (expected 0 to 65535; 0 picks a free port)")
    if not args.specs.is_dir():
        raise CliError(f"--specs {args.specs}: no such folder (expected the folder of specs to watch)")
    output_folder(args.out)
    w = Watcher(args.specs, args.out, formats, langs, port=args.port, jobs=args.jobs)
    try:
        w.start()
    except OSError as e:
        raise CliError(f"cannot serve on 127.0.0.1:{args.port}: {(e.strerror or str(e)).lower()} "
                       "(expected a free port: try --port 0)") from None
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # stop cleanly: worker pool shut down, port freed
    w.run(stop)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_spec, src_location
    from .check_legend import chapter_findings

    langs = LANGS if args.lang == "all" else (args.lang,)
    bad = 0
    waived: list[tuple[str, str]] = []
    meanings: dict = {}
    for path in _spec_paths(args.targets):
        try:
            problems = check_spec(path, langs, waived, meanings=meanings)
        except SpecError as e:
            problems = e.problems
        except Exception as e:  # a bug outside the stages: this spec fails, the others are checked
            problems = [internal_problem(path, "check", e)]
        for p in problems:
            _say(str(p))
        bad += any(p.severity != "warning" for p in problems)  # warnings are printed, they do not fail
    warnings = chapter_findings(meanings)  # across the diagrams checked: a colour explained two ways in a chapter
    if getattr(args, "chapter_colours", False):
        for src, message in warnings:
            _say(str(Problem(*src_location(src, "?"), message, "warning")))
    listed = "" if getattr(args, "chapter_colours", False) else " (--chapter-colours lists them)"
    _say(f"{bad} spec(s) with layout defects or errors; {len(waived)} finding(s) waived in specs"
         + (f"; {len(warnings)} chapter colour warning(s){listed}" if warnings else ""))
    return 1 if bad else 0


def cmd_slides(args: argparse.Namespace) -> int:
    from .slides import EMBED_FONTS, build_decks, collection_specs

    langs = LANGS if args.lang == "all" else (args.lang,)
    t0 = time.perf_counter()
    output_folder(args.out)
    template = _template_deck(args.template) if args.template else None
    res = build_decks(collection_specs(args.chapter), args.out, langs, chapter=args.chapter, jobs=args.jobs,
                      on_write=lambda p: _say(f"wrote {printable(display_path(Path(p)))}"), template=template,
                      sweeps=args.sweeps,
                      embed_fonts=EMBED_FONTS if args.embed_fonts is None else args.embed_fonts)
    for p in res.problems:
        _say(printable(p))
    if res.written:
        _refresh_gallery(Path(args.out))
    if args.chapter and not res.diagrams:
        _say(error_line(f"no diagrams in chapter '{args.chapter}' (expected a chapter id from `vizspec list`)"))
        return 1
    _say(f"{len(res.written)} decks, {res.diagrams} diagrams, {len(res.problems)} problems "
         f"in {time.perf_counter() - t0:.2f} s → {printable(display_path(Path(args.out)))}")
    return 1 if res.problems else 0


def _template_deck(path: Path) -> str:
    """A readable .pptx whose layouts the decks use; a clear error otherwise."""
    from pptx import Presentation

    if not path.is_file():
        raise CliError(f"--template {printable(path)}: no such file (expected a .pptx with your masters)")
    try:
        Presentation(str(path))
    except Exception as e:  # python-pptx raises zip, XML and key errors for what is not a presentation
        raise CliError(f"--template {printable(path)}: not a PowerPoint presentation ({type(e).__name__}; "
                       "expected a .pptx; save a .potx template as .pptx first)") from None
    return str(path)


def _refresh_gallery(decks: Path) -> None:
    """Decks written into `<site>/pptx` of a rendered site: its gallery links them now, not after a later render."""
    from .build import load_stamps, stamps_path
    from .gallery import write_gallery

    site = decks.parent
    if decks.name == "pptx" and stamps_path(site).is_file():
        write_gallery(site, load_stamps(site))
        _say(f"updated {printable(site / 'index.html')}")


def cmd_schema(args: argparse.Namespace) -> int:
    from ..spec.schema import schema_text
    from .files import write_atomic

    target = args.out
    try:
        write_atomic(target, schema_text().encode())  # a committed symlink at the path is replaced, not followed
    except OSError as e:
        raise CliError(f"--out {os_error_text(e, target)}") from None
    _say(f"wrote {printable(target)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ..spec.loader import load_all

    specs, problems = load_all(_spec_paths([]))
    for s in specs:
        d = s.diagram
        title = d.title if isinstance(d.title, str) else getattr(d.title, args.lang)
        print(f"{printable(d.id):40} {printable(d.chapter):24} {printable(title)}")
    for p in problems:
        _say(str(p))
    return 1 if problems else 0


def cmd_explain(args: argparse.Namespace) -> int:
    from ..bind import bind
    from ..spec.errors import run_stage
    from ..spec.loader import load

    path = _spec_paths([args.id])[0]
    bound = run_stage(path, "bind", bind, run_stage(path, "load", load, path))
    if args.json:
        print(printable_json(json.dumps(bound.computed, indent=2, ensure_ascii=False)))
        return 0
    for name in bound.provenance:  # a call whose arguments differ by language is shown once per language
        calls = {lang: (prov[name], bound.lang_results[lang][name]) for lang, prov in bound.lang_provenance.items()}
        differ = len({json.dumps(p["args"], sort_keys=True, default=str) for p, _ in calls.values()}) > 1
        for lang, (prov, result) in list(calls.items())[: None if differ else 1]:
            tag = f" [{lang}]" if differ else ""
            args_text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in prov["args"].items())
            print(printable(f"{name}{tag} = {prov['fn']}({args_text})   [source {prov['source']}]"))
            for key, value in result.items():
                text = json.dumps(value, ensure_ascii=False)
                print(printable(f"    {name}.{key} = {text if len(text) <= 200 else text[:197] + '…'}"))
    if not bound.provenance:
        print("(no computed values)")
    return 0


def cmd_functions(args: argparse.Namespace) -> int:
    from compute import registry

    if args.write:
        from compute.docs import functions_markdown

        from .files import write_atomic

        target = SOURCE_ROOT / "docs" / "functions.md"
        try:
            write_atomic(target, functions_markdown().encode())  # replaces a planted symlink, never follows it
        except OSError as e:
            raise CliError(f"cannot write {os_error_text(e, target)}") from None
        _say(f"wrote {printable(target)}")
        return 0
    import inspect

    if args.names:
        return _function_details(args.names)
    for name in registry.names():
        try:
            fn = registry.get(name)
        except registry.MissingPackage as e:
            print(f"{name}  (not available: needs '{e.package}'; pip install 'vizspec[{e.package}]')")
            continue
        print(f"{name}{inspect.signature(fn)}".replace(" -> dict", ""))
        print(f"    {registry.doc(name)}")
    return 0


def _function_details(names: list[str]) -> int:
    """`vizspec functions NAME …`: signature, description, returned keys and example arguments of each."""
    from compute import registry
    from compute.docs import parse_doc, signature
    from compute.examples import EXAMPLES

    for name in names:
        if name not in registry.FUNCTIONS:
            near = [n for n in registry.names() if n.split(".")[0] == name.split(".")[0]] or registry.names()[:6]
            raise CliError(f"unknown compute function '{printable(name)}' (expected one of: {', '.join(near)})")
    for i, name in enumerate(names):
        first, rest, keys = parse_doc(name)
        if i:
            print()
        print(signature(name))
        print(f"    {first}")
        if rest:
            print(f"    {rest}")
        print("  returns:")
        for key, text in keys:
            print(f"    {key}: {text}")
        if name in EXAMPLES:
            print(f"  example args: {json.dumps(EXAMPLES[name], ensure_ascii=False)}")
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    """`vizspec completion bash`: a bash completion script for commands, options, ids and functions."""
    from .completion import bash_script

    print(bash_script(build_parser()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vizspec", description="Diagrams as data: validate and render YAML specs.")
    ap.add_argument("--version", action="version", version=f"vizspec {__version__}")
    ap.add_argument("--root", metavar="DIR", help="the project folder (default: the nearest folder at or above "
                    "the working directory holding specs/ or vizspec.toml, else the working directory); "
                    "outputs go under its build/")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check specs as render would (compute, placeholders, roles, data, "
                                        "layout), ids against file names and hand-typed numbers; write "
                                        "nothing; exit 1 if any is invalid")
    p.add_argument("paths", nargs="*", help="spec files, folders or ids (default: all under specs/)")
    p.set_defaults(fn=cmd_validate)

    p = sub.add_parser("render", help="render specs to SVG/PNG/PPTX")
    p.add_argument("targets", nargs="*", default=["all"], help="'all', diagram ids, spec files or folders")
    p.add_argument("--format", help="comma-separated formats (default: every available: svg,png,pptx)")
    p.add_argument("--scale", type=float, default=None, help="PNG raster scale, 0.25–8 (default 2)")
    p.add_argument("--svg-fonts", choices=["embed", "system"], default=None,
                   help="SVG text: embed the faces used as font subsets, so the SVG looks the same without Noto "
                        "installed (default), or name the system fonts only (smaller files)")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all", help="language(s) (default: all)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument("--no-cache", action="store_true", help="re-render everything, without the compute cache")
    p.add_argument("--changed", nargs="?", const="HEAD", default=None, metavar="REF",
                   help="only specs changed since a git ref (default HEAD: uncommitted and untracked), incl. "
                        "specs whose components or compute functions changed")
    p.add_argument("--report", type=Path, help="write a JSON report (per-spec status, time, stages)")
    p.add_argument("--no-gallery", action="store_true", help="do not write index.html/gallery.json")
    p.set_defaults(fn=cmd_render)

    p = sub.add_parser("new", help="write a starter spec: specs/<chapter>/<id>.yaml")
    p.add_argument("id", help="kebab-case diagram id (the file name)")
    p.add_argument("--kind", choices=["flow", "chart", "tree", "tensor", "table", "timeline"], default="flow",
                   help="which starter to copy (default: flow)")
    p.add_argument("--chapter", default="misc", help="chapter folder under specs/ (default: misc)")
    p.add_argument("--specs", type=Path, default=SPECS_DIR, help=argparse.SUPPRESS)
    p.set_defaults(fn=cmd_new)

    p = sub.add_parser("diff", help="before/after images and changed values of specs changed since a git ref")
    p.add_argument("ref", nargs="?", default=None, help="git ref to compare with (default: HEAD)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT / "diff", help="output folder (default: build/diff)")
    p.add_argument("--prime", action="store_true",
                   help="compare nothing: keep this work tree's snapshot of every spec in the cache (SVGs from "
                        "build/ where current), so later diffs against this commit find their base side drawn; "
                        "then trim the diff cache to VIZSPEC_DIFF_CACHE_MB (default 1024)")
    p.set_defaults(fn=cmd_diff)

    p = sub.add_parser("watch", help="serve the gallery on 127.0.0.1, re-render on save, reload the page")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build)")
    p.add_argument("--format", default="svg,png", help="comma-separated formats (default: svg,png)")
    p.add_argument("--scale", type=float, default=None, help="PNG raster scale, 0.25–8 (default 2)")
    p.add_argument("--svg-fonts", choices=["embed", "system"], default=None,
                   help="SVG text: embedded font subsets (default) or system fonts only")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all", help="language(s) (default: all)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument("--specs", type=Path, default=SPECS_DIR, help="folder of specs to watch (default: specs/)")
    p.set_defaults(fn=cmd_watch)

    p = sub.add_parser("check", help="report layout defects: overflowing text, overlaps, edges crossing boxes, "
                                     "elements outside the frame, colours not in the theme, missing glyphs")
    p.add_argument("targets", nargs="*", default=["all"], help="'all', diagram ids, spec files or folders")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all", help="language(s) (default: all)")
    p.add_argument("--chapter-colours", action="store_true",
                   help="list each colour role whose legend wording differs between diagrams of one chapter "
                        "(by default only their count is printed)")
    p.set_defaults(fn=cmd_check)

    p = sub.add_parser("slides", help="write slide decks: one per chapter and all.pptx, native shapes")
    p.add_argument("--chapter", help="only this chapter's deck (default: every chapter and all.pptx)")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all", help="language(s) (default: all)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT / "pptx",
                   help="output folder (default: build/pptx; decks go to <out>/<lang>/<chapter>.pptx)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument("--template", type=Path, default=None,
                   help="a .pptx whose masters, layouts and slide size the decks use (its slides are dropped)")
    p.add_argument("--sweeps", action="store_true",
                   help="a diagram with a sweep: one slide per frame (its value marked in a strip), not one slide")
    p.add_argument("--embed-fonts", action=argparse.BooleanOptionalAction, default=None,
                   help="embed the Noto faces the text uses, subset to its characters, so the decks look the same "
                        "where Noto is not installed (default: on)")
    p.set_defaults(fn=cmd_slides)

    p = sub.add_parser("schema", help="write schema/diagram.schema.json from the models")
    p.add_argument("--out", type=Path, default=SCHEMA_OUT,
                   help="where to write the schema (default: schema/diagram.schema.json)")
    p.set_defaults(fn=cmd_schema)

    p = sub.add_parser("list", help="list diagrams: id, chapter, title")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of the titles (default: en)")
    p.set_defaults(fn=cmd_list)

    p = sub.add_parser("explain", help="every computed value of a diagram, with its function and arguments")
    p.add_argument("id", help="diagram id or spec file")
    p.add_argument("--json", action="store_true", help="print the values as JSON")
    p.set_defaults(fn=cmd_explain)

    p = sub.add_parser("functions", help="list the compute functions specs may call")
    p.add_argument("--write", action="store_true", help="write docs/functions.md")
    p.add_argument("names", nargs="*", metavar="NAME", help="show these functions in full: arguments, "
                   "description, returned keys, example arguments")
    p.set_defaults(fn=cmd_functions)

    p = sub.add_parser("completion", help="print a shell completion script: "
                                          "eval \"$(vizspec completion bash)\"")
    p.add_argument("shell", choices=["bash"], help="the shell (bash)")
    p.set_defaults(fn=cmd_completion)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vizspec` script."""
    from .files import UnsafeOutput

    args = build_parser().parse_args(argv)
    if args.root is not None and os.path.abspath(args.root) != str(ROOT):  # renderer.app.entry handles --root
        _say(error_line(f"--root {printable(args.root)} came too late: this process already uses {printable(ROOT)} "
                        "(expected `vizspec --root DIR …`, or VIZSPEC_ROOT set before it starts)"))
        return 2
    try:
        return args.fn(args)
    except UnsafeOutput as e:  # an output path refused by the trust boundary: nothing was written there
        print(f"vizspec: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os._exit(0)
    except SpecError as e:  # a spec at fault, outside a per-spec loop (explain, …): its located lines
        for p in e.problems:
            _say(str(p))
        return 1
    except CliError as e:
        _say(error_line(str(e)))
        return 2
    except OSError as e:
        _say(error_line(os_error_text(e)))
        return 2
    except Exception as e:  # a bug: one line, not a traceback (VIZSPEC_DEBUG=1 shows it)
        if os.environ.get("VIZSPEC_DEBUG"):
            import traceback

            traceback.print_exc()
        _say(error_line(internal_problem("-", args.cmd, e).message))
        return 70


if __name__ == "__main__":
    sys.exit(main())
