"""The `vizspec` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .layout import LANGS
from .spec.errors import SpecError
from .theme import ROOT

DEFAULT_OUT = Path("build")


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
            out += find_specs(p)
        elif p.suffix in (".yaml", ".yml") or p.exists():
            out.append(p)
        else:
            if by_id is None:
                by_id = {f.stem: f for f in find_specs(SPECS_DIR)}
            if t not in by_id:
                raise SystemExit(f"vizspec: no spec with id '{t}' (expected an id from `vizspec list`, "
                                 "a .yaml file or a folder)")
            out.append(by_id[t])
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    from .spec.loader import load_all

    paths = _spec_paths(args.paths)
    specs, problems = load_all(paths)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(specs)} valid, {len(paths) - len(specs)} invalid", file=sys.stderr)
    return 1 if problems else 0


def cmd_render(args: argparse.Namespace) -> int:
    from .backends import available
    from .build import render_many

    formats = tuple(args.format.split(",")) if args.format else tuple(available())
    unknown = [f for f in formats if f not in available()]
    if unknown:
        print(f"vizspec: unknown format '{unknown[0]}' (expected some of: {', '.join(available())})",
              file=sys.stderr)
        return 2
    langs = LANGS if args.lang == "all" else (args.lang,)
    paths = _spec_paths(args.targets)
    t0 = time.perf_counter()
    n = len(paths)
    done = [0]

    def progress(r):
        done[0] += 1
        mark = {"rendered": "ok", "cached": "cached", "failed": "FAILED"}[r.status]
        print(f"[{done[0]}/{n}] {mark:7} {r.id or r.path} ({r.seconds * 1000:.0f} ms)", file=sys.stderr)

    results = render_many(paths, args.out, formats, langs, use_cache=not args.no_cache,
                          jobs=args.jobs, on_result=progress)
    seen: dict[str, str] = {}
    for r in results:
        if r.id and r.status != "failed":
            if r.id in seen:
                r.status = "failed"
                r.problems = [f"{r.path}:1:1: error: duplicate diagram id '{r.id}' (also used by {seen[r.id]}; "
                              "expected ids unique across specs)"]
            else:
                seen[r.id] = r.path
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        for p in r.problems:
            print(p, file=sys.stderr)
    counts = {s: sum(r.status == s for r in results) for s in ("rendered", "cached", "failed")}
    print(f"{counts['rendered']} rendered, {counts['cached']} cached, {counts['failed']} failed "
          f"in {time.perf_counter() - t0:.2f} s → {args.out}", file=sys.stderr)
    return 1 if failed else 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_spec

    langs = LANGS if args.lang == "all" else (args.lang,)
    bad = 0
    for path in _spec_paths(args.targets):
        try:
            problems = check_spec(path, langs)
        except SpecError as e:
            problems = e.problems
        for p in problems:
            print(p, file=sys.stderr)
        bad += bool(problems)
    print(f"{bad} spec(s) with layout defects or errors", file=sys.stderr)
    return 1 if bad else 0


def cmd_slides(args: argparse.Namespace) -> int:
    from .build import find_specs
    from .slides import build_decks

    langs = LANGS if args.lang == "all" else (args.lang,)
    t0 = time.perf_counter()
    res = build_decks(find_specs(), args.out, langs, chapter=args.chapter, jobs=args.jobs,
                      on_write=lambda p: print(f"wrote {p}", file=sys.stderr))
    for p in res.problems:
        print(p, file=sys.stderr)
    if args.chapter and not res.diagrams:
        print(f"vizspec: no diagrams in chapter '{args.chapter}' (expected a chapter id from `vizspec list`)",
              file=sys.stderr)
        return 1
    print(f"{len(res.written)} decks, {res.diagrams} diagrams, {len(res.problems)} problems "
          f"in {time.perf_counter() - t0:.2f} s → {args.out}", file=sys.stderr)
    return 1 if res.problems else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .spec.schema import schema_text

    target = args.out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from .spec.loader import load_all

    specs, problems = load_all(_spec_paths([]))
    for s in specs:
        d = s.diagram
        title = d.title if isinstance(d.title, str) else getattr(d.title, args.lang)
        print(f"{d.id:40} {d.chapter:24} {title}")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .bind import bind
    from .spec.loader import load

    try:
        bound = bind(load(_spec_paths([args.id])[0]))
    except SpecError as e:
        print(e, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({n: {**p, "result": bound.results[n]} for n, p in bound.provenance.items()},
                         indent=2, ensure_ascii=False))
        return 0
    for name, prov in bound.provenance.items():
        args_text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in prov["args"].items())
        print(f"{name} = {prov['fn']}({args_text})   [source {prov['source']}]")
        for key, value in bound.results[name].items():
            text = json.dumps(value, ensure_ascii=False)
            print(f"    {name}.{key} = {text if len(text) <= 200 else text[:197] + '…'}")
    if not bound.provenance:
        print("(no computed values)")
    return 0


def cmd_functions(args: argparse.Namespace) -> int:
    from compute import registry

    if args.write:
        from compute.docs import functions_markdown

        target = ROOT / "docs" / "functions.md"
        target.parent.mkdir(exist_ok=True)
        target.write_text(functions_markdown(), encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
        return 0
    import inspect

    for name in registry.names():
        sig = inspect.signature(registry.get(name))
        print(f"{name}{sig}".replace(" -> dict", ""))
        print(f"    {registry.doc(name)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vizspec", description="Diagrams as data: validate and render YAML specs.")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check specs; exit 1 if any is invalid")
    p.add_argument("paths", nargs="*", help="spec files, folders or ids (default: all under specs/)")
    p.set_defaults(fn=cmd_validate)

    p = sub.add_parser("render", help="render specs to SVG/PNG/PPTX")
    p.add_argument("targets", nargs="*", default=["all"], help="'all', diagram ids, spec files or folders")
    p.add_argument("--format", help="comma-separated formats (default: every available: svg,png,pptx)")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write caches")
    p.set_defaults(fn=cmd_render)

    p = sub.add_parser("check", help="report layout defects: overflowing text, overlaps, edges crossing boxes, "
                                     "elements outside the frame, colours not in the theme, missing glyphs")
    p.add_argument("targets", nargs="*", default=["all"], help="'all', diagram ids, spec files or folders")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all")
    p.set_defaults(fn=cmd_check)

    p = sub.add_parser("slides", help="write slide decks: one per chapter and all.pptx, native shapes")
    p.add_argument("--chapter", help="only this chapter's deck (default: every chapter and all.pptx)")
    p.add_argument("--lang", choices=[*LANGS, "all"], default="all")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT / "pptx",
                   help="output folder (default: build/pptx; decks go to <out>/<lang>/<chapter>.pptx)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.set_defaults(fn=cmd_slides)

    p = sub.add_parser("schema", help="write schema/diagram.schema.json from the models")
    p.add_argument("--out", type=Path, default=ROOT / "schema" / "diagram.schema.json")
    p.set_defaults(fn=cmd_schema)

    p = sub.add_parser("list", help="list diagrams: id, chapter, title")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.set_defaults(fn=cmd_list)

    p = sub.add_parser("explain", help="every computed value of a diagram, with its function and arguments")
    p.add_argument("id", help="diagram id or spec file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_explain)

    p = sub.add_parser("functions", help="list the compute functions specs may call")
    p.add_argument("--write", action="store_true", help="write docs/functions.md")
    p.set_defaults(fn=cmd_functions)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vizspec` script."""
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
