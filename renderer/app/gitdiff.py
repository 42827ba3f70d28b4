"""What a change touches: specs changed since a git ref (`render --changed`), and `vizspec diff`.

A spec counts as changed when its file changed (or is new and untracked), when a component it uses
changed, or when the module of a compute function it calls changed; a change to the theme or to the
renderer's code changes every diagram. `diff` renders each changed diagram as of the ref and as in
the working tree, and lists the computed values and the pixels that differ (diff_report). "Before" uses
compute/ and templates/ as of the ref, and the ref's renderer too when the renderer changed (so a renderer
change shows what it moved); otherwise today's renderer draws both sides, so the pictures differ only by
the change under review. Each side is drawn by snapshot servers of its own source tree (diff_run, diff_snap):
SVGs first, PNGs and pixel comparisons only where the SVG bytes differ, everything cached by source tree and
spec bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .. import trust
from ..project import BUILD_DIR
from ..project import ROOT as PROJECT_ROOT
from ..project import SOURCE_ROOT as ROOT  # the tool's own source: what a render needs
from ..spec.langs import LANGS
from .build import default_jobs, find_specs, spec_deps
from .diff_report import sort_items, summary_md, value_text
from .diff_run import Pair, Side, close, run_pairs, server_env
from .diff_snap import cache_get, cache_put
from .files import SOURCE_DIRS, UnsafeOutput, check_out, write_atomic

TREE_DIRS = ("renderer", "compute", "templates")  # what a render needs besides the spec
OVERLAY_DIRS = ("compute", "templates")  # taken from the repository under review (renderer stays today's)
DIFF_FORMATS = ("svg", "png")
# PNGs for the comparison at 1× (the build's are 2×): a quarter of the pixels to draw, encode, compare and
# overlay, which were most of a diff's time; a change of one px at 1× still shows. Set for both sides through
# VIZSPEC_PNG_SCALE, which the ref's renderer reads too.
DIFF_SCALE = 1.0
MAX_VALUE_ROWS = 300
DIFF_MARK = ".vizspec-diff"  # in every folder diff wrote: only such a folder (or an empty one) is emptied


class GitError(RuntimeError):
    """A git command failed (not a repository, unknown ref, …)."""


def git(args: list[str], cwd: Path) -> str:
    """Run git and return its stdout; raises GitError with git's message."""
    try:
        p = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if p.returncode != 0:
        raise GitError(p.stderr.strip() or f"git {' '.join(args)} failed")
    return p.stdout


def repo_root(cwd: Path | None = None) -> Path:
    """The top folder of the git work tree containing `cwd`."""
    return Path(git(["rev-parse", "--show-toplevel"], Path(cwd or Path.cwd())).strip())


def base_commit(ref: str, root: Path) -> str:
    """The commit to compare with: the merge base of REF and HEAD (REF itself when there is none)."""
    commit = git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).strip()
    try:
        return git(["merge-base", commit, "HEAD"], root).strip() or commit
    except GitError:
        return commit


def changed_files(ref: str = "HEAD", cwd: Path | None = None) -> tuple[Path, str, list[str]]:
    """(repository root, base commit, files changed since it incl. untracked), paths relative to the root."""
    root = repo_root(cwd)
    base = base_commit(ref, root)
    diff = git(["diff", "--name-only", "-z", "--no-renames", base, "--"], root).split("\0")
    untracked = git(["ls-files", "--others", "--exclude-standard", "-z"], root).split("\0")
    return root, base, sorted({f for f in diff + untracked if f})


def _function_modules() -> dict[str, str]:
    """Registered function -> file of its module, relative to the repository ('compute/rl.py')."""
    from compute import registry

    return {name: target.split(":")[0].replace(".", "/") + ".py" for name, target in registry.FUNCTIONS.items()}


@dataclass
class Selection:
    """Specs to look at for a change, and why each was chosen."""

    root: Path
    base: str
    specs: list[Path]
    reasons: dict[str, str] = field(default_factory=dict)  # spec path -> why
    deleted: list[str] = field(default_factory=list)  # spec files (relative) gone from the work tree
    renderer_changed: bool = False  # a renderer/*.py file changed since the base


def changed_specs(ref: str = "HEAD", specs_dir: Path | None = None, cwd: Path | None = None) -> Selection:
    """Specs under `specs_dir` touched by the changes since `ref` (see the module docstring)."""
    root, base, files = changed_files(ref, cwd or (specs_dir if specs_dir and Path(specs_dir).is_dir() else None))
    specs_dir = Path(specs_dir or (root / "specs")).resolve()
    all_specs = find_specs(specs_dir)
    changed = {(root / f).resolve() for f in files}
    comps = {Path(f).stem for f in files if f.startswith("templates/components/") and f.endswith(".yaml")}
    modules = {f for f in files if f.startswith("compute/") and f.endswith(".py")}
    helpers = any(Path(f).name.startswith("_") for f in modules)
    renderer = any(f.startswith("renderer/") and f.endswith(".py") for f in files)
    everything = renderer or "templates/theme.yaml" in files
    fn_files = _function_modules() if modules else {}
    components_dir = root / "templates" / "components"
    sel = Selection(root, base, [], renderer_changed=renderer)
    for s in all_specs:
        why = None
        if s.resolve() in changed:
            why = "spec changed"
        elif everything:
            why = "theme or renderer changed"
        elif comps or modules:
            used, fns = spec_deps(s, components_dir if components_dir.is_dir() else None)
            if used & comps:
                why = f"component changed: {', '.join(sorted(used & comps))}"
            elif fns and helpers:
                why = "compute helpers changed"
            elif any(fn_files.get(fn) in modules for fn in fns):
                why = f"compute changed: {', '.join(sorted(fn for fn in fns if fn_files.get(fn) in modules))}"
        if why:
            sel.specs.append(s)
            sel.reasons[str(s)] = why
    rel_specs = specs_dir.relative_to(root.resolve()) if specs_dir.is_relative_to(root.resolve()) else None
    if rel_specs is not None:
        sel.deleted = [f for f in files if f.endswith(".yaml") and Path(f).is_relative_to(rel_specs)
                       and not (root / f).exists()]
    return sel


# ---------------------------------------------------------------------------------------------------------
# Snapshots: one spec rendered in some source tree, plus its computed values


def snapshot(spec: Path, dest: Path, langs: tuple[str, ...] = LANGS,
             formats: tuple[str, ...] = DIFF_FORMATS) -> dict[str, Any]:
    """Render one spec into dest/<lang>.<ext> and record its computed values in dest/values.json."""
    from ..backends import FORMATS, drawer
    from ..bind import bind
    from ..layout import layout
    from ..layout.theme import load_theme
    from ..spec.errors import SpecError, internal_problem
    from ..spec.loader import load
    from .build import diagram_meta

    dest.mkdir(parents=True, exist_ok=True)
    info: dict[str, Any] = {"ok": False, "outputs": {}}
    try:
        bound = bind(load(spec))
        info["meta"] = diagram_meta(bound)
        info["id"] = bound.diagram.id
        for lang in langs:
            scene = layout(bound.for_lang(lang), load_theme())
            for fmt in formats:
                name = f"{lang}.{FORMATS[fmt][2]}"
                write_atomic(dest / name, drawer(fmt)(scene))
                info["outputs"].setdefault(lang, {})[fmt] = name
        values = {n: {**p, "result": bound.results[n]} for n, p in bound.provenance.items()}
        write_atomic(dest / "values.json", json.dumps(values, indent=1, sort_keys=True,
                                                      ensure_ascii=False).encode())
        info["ok"] = True
    except SpecError as e:
        info["problems"] = [str(p) for p in e.problems]
    except Exception as e:  # a bug or an old spec the current code cannot read: show it, go on
        info["problems"] = [str(internal_problem(spec, "diff", e))]
    write_atomic(dest / "snapshot.json", json.dumps(info, indent=1, ensure_ascii=False).encode())
    return info


def snapshot_main(argv: list[str] | None = None) -> int:
    """Entry of the snapshot subprocess: argv[0] is a JSON list of [spec, dest] pairs.

    With VIZSPEC_DIFF_TREE (the hash of the source tree drawing this side), a snapshot of the same spec bytes
    drawn by the same tree is copied from the cache instead of rendered again (a re-run, or the base side of
    every pull request against the same base).
    """
    pairs = json.loads((argv or sys.argv[1:])[0])
    tree = os.environ.get("VIZSPEC_DIFF_TREE")
    for spec, dest in pairs:
        key = _snapshot_key(tree, Path(spec)) if tree else None
        if key and cache_get(key, Path(dest)):
            continue
        snapshot(Path(spec), Path(dest))
        if key:
            cache_put(key, Path(dest))
    return 0


def _snapshot_key(tree: str, spec: Path) -> str | None:
    try:
        raw = trust.read_file(spec, 1 << 20)
    except (trust.Refused, OSError):
        return None
    return hashlib.sha256(json.dumps([tree, list(LANGS), list(DIFF_FORMATS)]).encode() + raw).hexdigest()[:32]


def source_tree_key(tree: Path) -> str:
    """What a snapshot drawn by `tree` depends on besides its spec: its sources and this machine's fonts.

    Not build.environment_key, which hashes today's renderer: the base side's snapshots were then never found
    again once the renderer under review changed, however often the same base was drawn."""
    import yaml

    from .build import font_signature

    try:
        theme = yaml.safe_load((tree / "templates" / "theme.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, ValueError, yaml.YAMLError):
        theme = {}
    h = hashlib.sha256(json.dumps(font_signature(theme if isinstance(theme, dict) else {})).encode())
    for d in TREE_DIRS:
        for p in sorted((tree / d).rglob("*")):
            if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts:
                h.update(p.relative_to(tree).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _copy_tree(dst: Path, sources: list[tuple[Path, str]]) -> None:
    ignore = shutil.ignore_patterns("*.pyc.*")  # bytecode stays (valid while its source's mtime is the same)
    for base, name in sources:
        if (base / name).is_dir():  # links stay links (then refused when read), never copied as their target
            shutil.copytree(base / name, dst / name, ignore=ignore, dirs_exist_ok=True, symlinks=True)


def _overlay_from_git(dst: Path, root: Path, commit: str, dirs: tuple[str, ...] = OVERLAY_DIRS) -> None:
    """Put the files of `dirs` as of `commit` over the copied tree (merged, not replaced)."""
    top = set(git(["ls-tree", "--name-only", commit], root).split())
    dirs = [d for d in dirs if d in top]
    if not dirs:
        return
    archive = subprocess.run(["git", "archive", "--format=tar", commit, *dirs], cwd=root, capture_output=True,
                             check=False)
    if archive.returncode != 0:
        raise GitError(archive.stderr.decode(errors="replace").strip())
    subprocess.run(["tar", "-x", "-C", str(dst)], input=archive.stdout, check=True)


def _base_renderer_usable(root: Path, commit: str) -> bool:
    """The ref's renderer can draw the "before" side: it has this snapshot entry point."""
    p = subprocess.run(["git", "show", f"{commit}:renderer/app/gitdiff.py"], cwd=root, capture_output=True,
                       check=False)
    return p.returncode == 0 and b"def snapshot_main" in p.stdout


def _base_renderer_serves(root: Path, commit: str) -> bool:
    """The ref's renderer has the snapshot servers of diff_snap (otherwise it draws its side with snapshot_main)."""
    from .diff_snap import PROTOCOL

    p = subprocess.run(["git", "show", f"{commit}:renderer/app/diff_snap.py"], cwd=root, capture_output=True,
                       check=False)
    return p.returncode == 0 and f'PROTOCOL = "{PROTOCOL}"'.encode() in p.stdout


def _run_side(tree: Path, pairs: list[tuple[str, str]], jobs: int) -> list[subprocess.Popen]:
    """Snapshot `pairs` in up to `jobs` processes (round-robin, so heavy specs spread out)."""
    if not pairs:
        return []
    key = f"{source_tree_key(tree)}@{DIFF_SCALE}"
    chunks = [pairs[i::jobs] for i in range(max(1, min(jobs, len(pairs))))]
    return [_run_snapshots(tree, c, key) for c in chunks if c]


def _run_snapshots(tree: Path, pairs: list[tuple[str, str]], tree_key: str = "") -> subprocess.Popen:
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from renderer.app.gitdiff import snapshot_main; "
            "sys.exit(snapshot_main(sys.argv[2:]))")
    env = {**os.environ, "VIZSPEC_CACHE": str(_cache_dir().resolve()), "VIZSPEC_DIFF_TREE": tree_key,
           "VIZSPEC_PNG_SCALE": str(DIFF_SCALE)}
    return subprocess.Popen([sys.executable, "-c", code, str(tree), json.dumps(pairs)], cwd=tree, env=env)


def _cache_dir() -> Path:
    return trust.cache_dir()


# ---------------------------------------------------------------------------------------------------------
# Comparing computed values


def flatten(value: Any, prefix: str) -> dict[str, Any]:
    """Leaves of a JSON value by path ('dist.probs[2]')."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out or {prefix: {}}
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out or {prefix: []}
    return {prefix: value}


def value_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Computed values (and call arguments) that differ: [{path, before, after}], sorted by path."""

    def leaves(vals: dict[str, Any] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, v in (vals or {}).items():
            out[f"{name} = {v.get('fn')}(…)"] = v.get("fn")
            out.update(flatten(v.get("args", {}), f"{name}(args)"))
            out.update(flatten(v.get("result", {}), name))
        return out

    b, a = leaves(before), leaves(after)
    missing = object()
    rows = []
    for path in sorted(set(b) | set(a)):
        vb, va = b.get(path, missing), a.get(path, missing)
        if vb != va:
            rows.append({"path": path, "before": None if vb is missing else vb,
                         "after": None if va is missing else va,
                         "change": "added" if vb is missing else "removed" if va is missing else "changed"})
    return rows


# ---------------------------------------------------------------------------------------------------------
# vizspec diff


@dataclass
class DiffItem:
    """One changed diagram: where its before/after images are and what values changed."""

    id: str
    spec: str
    reason: str
    status: str  # changed | unchanged | added | deleted | failed
    before: dict[str, Any]
    after: dict[str, Any]
    values: list[dict[str, Any]]
    same_images: bool = False
    pixels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> changed/total/bbox (diff_report)


def diff(ref: str = "HEAD", out: Path = Path("build/diff"), specs_dir: Path | None = None,
         cwd: Path | None = None, workers: int | None = None) -> list[DiffItem]:
    """Write before/after images, pixel overlays and changed values of every changed diagram into `out`
    (with index.html and summary.md); changed diagrams first."""
    sel = changed_specs(ref, specs_dir, cwd)
    root = sel.root
    out = Path(out)
    _clear_out(out, [root / d for d in SOURCE_DIRS])
    items: list[DiffItem] = []
    n = workers or default_jobs()
    sides: dict[str, Side] = {}
    with tempfile.TemporaryDirectory(prefix="vizspec-diff-") as tmp, _servers(sides):
        tmp = Path(tmp)
        before_tree, after_tree = tmp / "before", working_tree(root, tmp / "after")
        poller = selectors.DefaultSelector()
        sides["after"] = _side(after_tree, n, poller)
        # today's servers (one per snapshot not in the cache) import the renderer while the before tree is made
        sides["after"].warm(_misses(sides["after"], sel.specs))
        _copy_tree(before_tree, [(ROOT, d) for d in TREE_DIRS])
        old_renderer = sel.renderer_changed and _base_renderer_usable(root, sel.base)
        _overlay_from_git(before_tree, root, sel.base, OVERLAY_DIRS + (("renderer",) if old_renderer else ()))
        legacy_side = old_renderer and not _base_renderer_serves(root, sel.base)  # a ref older than the servers
        sides["before"] = _side(before_tree, n, poller)
        jobs: list[tuple[str, Path | None, Path | None, str]] = []  # (file, before spec, after spec, why)
        for s in sel.specs:
            why = sel.reasons.get(str(s), "spec changed")
            s = trust.absolute(s)  # not resolved: a link out of the repository is refused when read
            rel = s.relative_to(trust.absolute(root.resolve())).as_posix()
            old = _git_show(root, sel.base, rel)
            bspec = None
            if old is not None:
                bspec = before_tree / "specs" / rel
                bspec.parent.mkdir(parents=True, exist_ok=True)
                bspec.write_bytes(old)
            jobs.append((rel, bspec, s, why))
        for rel in sel.deleted:
            old = _git_show(root, sel.base, rel)
            if old is not None:
                bspec = before_tree / "specs" / rel
                bspec.parent.mkdir(parents=True, exist_ok=True)
                bspec.write_bytes(old)
                jobs.append((rel, bspec, None, "spec deleted"))
        snaps = tmp / "snaps"
        built = (_built_svgs([a for _rel, _b, a, _why in jobs if a])  # the working tree's own build, if current
                 if builds_here(after_tree, root) else {})
        pairs = [Pair(snaps / str(i), b, a, built.get(str(a), {})) for i, (_rel, b, a, _why) in enumerate(jobs)]
        if not legacy_side:
            sides["before"].warm(_misses(sides["before"], [b for _rel, b, _a, _why in jobs if b]))
        legacy = None
        if legacy_side:
            legacy = _run_side(before_tree, [(str(p.before), str(p.snap / "before")) for p in pairs if p.before], n)
        run_pairs(pairs, sides, legacy)
        used: set[str] = set()
        for (rel, _b, _a, why), pair in zip(jobs, pairs, strict=True):
            items.append(_collect(pair, rel, why, out, used))
    items = sort_items(items)
    _write_index(out, items, ref, sel.base)
    write_atomic(out / "summary.md", summary_md(items, ref, sel.base, "`index.html` in this folder").encode(),
                 inside=out)
    return items


def working_tree(root: Path, dst: Path) -> Path:
    """The source tree that draws the working tree's side: the tool's own when `root` is its repository, else
    today's renderer with the repository's compute/ and templates/, copied to `dst`."""
    if root.resolve() == ROOT.resolve():
        return ROOT
    _copy_tree(dst, [(ROOT, d) for d in TREE_DIRS] + [(root, d) for d in OVERLAY_DIRS])
    return dst


def builds_here(tree: Path, root: Path) -> bool:
    """Whether the project's build/ was drawn by `tree` for the specs of `root` (so _built_svgs applies)."""
    return tree == ROOT and PROJECT_ROOT.resolve() == root.resolve()


def _built_svgs(specs: list[Path], out: Path = BUILD_DIR) -> dict[str, dict[str, str]]:
    """Spec -> lang -> its SVG in the working tree's build, for the specs whose SVGs the build's stamps say are
    current (drawn from these bytes by today's renderer, theme, components and compute): the after side's."""
    from .build import load_stamps, output_path, plan

    stamps = load_stamps(out)
    if not stamps or not specs:
        return {}
    _stale, done = plan(specs, out, ("svg",), LANGS, stamps)
    return {str(specs[i]): {lang: str(output_path(out, "svg", lang, r.id)) for lang in LANGS}
            for i, r in done.items() if r.status == "cached" and r.id}


def _misses(side: Side, specs: list[Path]) -> int:
    """How many of the specs' snapshots by this side are not in the cache."""
    from .diff_snap import cache_has, snapshot_key

    tree = side.env.get("VIZSPEC_DIFF_TREE", "")
    return sum(not cache_has(snapshot_key(tree, s)) for s in specs)


def _side(tree: Path, jobs: int, sel: selectors.BaseSelector) -> Side:
    """The snapshot servers of one source tree (started when first needed, or by Side.warm)."""
    key = f"{source_tree_key(tree)}@{DIFF_SCALE}"
    return Side(tree, server_env(key, _cache_dir().resolve(), DIFF_SCALE), jobs, sel)


@contextmanager
def _servers(sides: dict[str, Side]) -> Iterator[None]:
    """Whatever happens, the servers started end with the diff."""
    try:
        yield
    finally:
        close(sides)


def _clear_out(out: Path, sources: list[Path]) -> None:
    """Empty `out` for a new diff: refused when it is (or holds) sources, or holds files no diff wrote."""
    check_out(out, sources)
    if os.path.lexists(out):
        if not out.is_dir():
            raise UnsafeOutput(f"--out {out} is not a folder (expected a folder for the diff)")
        ours = (out / DIFF_MARK).is_file() or (out / "diff.json").is_file()  # diff.json: a diff before the mark
        if any(out.iterdir()) and not ours:
            raise UnsafeOutput(f"--out {out} holds files that vizspec diff did not write; it empties its folder "
                               "before each diff (expected a new or empty folder, or an earlier diff's)")
        shutil.rmtree(out)  # does not follow symlinks inside out
    out.mkdir(parents=True)
    write_atomic(out / DIFF_MARK, b"written by vizspec diff: emptied by the next diff\n", inside=out)


def _git_show(root: Path, commit: str, rel: str) -> bytes | None:
    p = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=root, capture_output=True, check=False)
    return p.stdout if p.returncode == 0 else None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _collect(pair: Pair, rel: str, reason: str, out: Path, used: set[str]) -> DiffItem:
    """Move one diagram's snapshots into out/<id>/ with the comparison diff_run made of them."""
    snap, had_before, has_after = pair.snap, pair.before is not None, pair.after is not None
    binfo = _read_json(snap / "before" / "snapshot.json") if had_before else None
    ainfo = _read_json(snap / "after" / "snapshot.json") if has_after else None
    did = (ainfo or {}).get("id") or (binfo or {}).get("id") or Path(rel).stem
    if not isinstance(did, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", did):
        did = "spec"  # a file name that is no diagram id names no folder
    name = did
    n = 2
    while name in used:
        name, n = f"{did}-{n}", n + 1
    used.add(name)
    dest = out / name
    dest.mkdir(parents=True)
    sides: dict[str, dict[str, Any]] = {}
    for side, info in (("before", binfo), ("after", ainfo)):
        files: dict[str, dict[str, str]] = {}
        if info:
            for lang, fmts in (info.get("outputs") or {}).items():
                for fmt, fname in fmts.items():
                    target = f"{side}.{fname}"
                    shutil.copyfile(snap / side / fname, dest / target)
                    files.setdefault(lang, {})[fmt] = f"{name}/{target}"
        died = [e.split(": ", 1)[1] for e in pair.errors if e.startswith(f"{side}: ")]
        sides[side] = {"exists": info is not None, "ok": bool(info and info.get("ok")) and not died,
                       "problems": (info or {}).get("problems", []) + [f"{rel}: {e}" for e in died],
                       "files": files, "title": ((info or {}).get("meta") or {}).get("title")}
    values = value_changes(_read_json(snap / "before" / "values.json"), _read_json(snap / "after" / "values.json"))
    pixels = {}
    for lang in LANGS:
        if pair.same_svg.get(lang):  # the same SVG bytes: the same pixels, no PNG drawn
            from ..backends.png import svg_size

            w, h = svg_size((snap / "after" / f"{lang}.svg").read_text(encoding="utf-8"), DIFF_SCALE)
            pixels[lang] = {"changed": 0, "total": w * h, "bbox": None, "size_changed": False}
        elif lang in pair.pixels:
            pixels[lang] = pair.pixels[lang]
            if pixels[lang]["changed"] and (snap / f"overlay.{lang}.png").is_file():
                shutil.copyfile(snap / f"overlay.{lang}.png", dest / f"overlay.{lang}.png")
                sides["after"]["files"][lang]["overlay"] = f"{name}/overlay.{lang}.png"
    same = (sides["before"]["ok"] and sides["after"]["ok"] and len(pixels) == len(LANGS)
            and not any(p["changed"] for p in pixels.values()))
    if not had_before:
        status = "added" if sides["after"]["ok"] else "failed"  # a new spec that does not load fails the diff
    elif not has_after:
        status = "deleted"
    elif not (sides["before"]["ok"] and sides["after"]["ok"]):
        status = "failed"
    else:
        status = "unchanged" if same and not values else "changed"
    item = DiffItem(did, rel, reason, status, sides["before"], sides["after"], values, same, pixels)
    write_atomic(dest / "changes.json", json.dumps(item.__dict__, indent=1, ensure_ascii=False,
                                                   default=str).encode())
    return item


def _fmt(v: Any) -> str:
    return value_text(v, 120)


def _image_rows(it: DiffItem) -> str:
    rows = ['<table class="images"><tr><th></th><th>before</th><th>after</th><th>changed pixels</th></tr>']
    for lang in LANGS:
        cells = []
        for side in ("before", "after"):
            files = getattr(it, side)["files"].get(lang, {})
            src = files.get("svg") or files.get("png")
            links = " ".join(f'<a href="{escape(p)}">{fmt.upper()}</a>' for fmt, p in files.items()
                             if fmt != "overlay")
            cells.append(f'<td><img src="{escape(src)}" alt="{side} ({lang})" loading="lazy"><br>{links}</td>'
                         if src else "<td>—</td>")
        overlay = it.after["files"].get(lang, {}).get("overlay")
        px = it.pixels.get(lang)
        note = (f"{px['changed']:,} of {px['total']:,} pixels" + (" (size changed)" if px["size_changed"] else "")
                if px else "")
        cells.append(f'<td><img src="{escape(overlay)}" alt="changed pixels ({lang})" loading="lazy"><br>{note}'
                     "</td>" if overlay else f"<td>{note or '—'}</td>")
        rows.append(f"<tr><th>{lang}</th>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _write_index(out: Path, items: list[DiffItem], ref: str, base: str) -> None:
    parts = []
    moved = [it for it in items if it.status != "unchanged"]
    same = [it for it in items if it.status == "unchanged"]
    for it in moved:
        title = (it.after.get("title") or it.before.get("title") or {}).get(LANGS[0]) or it.id
        px = sum(p["changed"] for p in it.pixels.values())
        parts.append(f'<section class="item {it.status}" id="{escape(it.id)}"><h2>{escape(title)} '
                     f'<code>{escape(it.id)}</code> <span class="status">{escape(it.status)}</span></h2>'
                     f'<p class="why">{escape(it.spec)} — {escape(it.reason)} — {px:,} changed pixels, '
                     f'{len(it.values)} changed values{" — images identical" if it.same_images else ""}</p>')
        for side in ("before", "after"):
            info = getattr(it, side)
            if info["problems"]:
                parts.append(f'<pre class="error">{side}: ' + escape("\n".join(info["problems"])) + "</pre>")
        parts.append(_image_rows(it))
        if it.values:
            rows = "".join(f'<tr class="{r["change"]}"><td><code>{escape(r["path"])}</code></td>'
                           f'<td>{escape(_fmt(r["before"]))}</td><td>{escape(_fmt(r["after"]))}</td></tr>'
                           for r in it.values[:MAX_VALUE_ROWS])
            more = (f"<p>… and {len(it.values) - MAX_VALUE_ROWS} more (see {escape(it.id)}/changes.json)</p>"
                    if len(it.values) > MAX_VALUE_ROWS else "")
            parts.append(f'<h3>Computed values that changed ({len(it.values)})</h3><table class="values">'
                         f"<tr><th>value</th><th>before</th><th>after</th></tr>{rows}</table>{more}")
        else:
            parts.append('<p class="novalues">No computed value changed.</p>')
        parts.append("</section>")
    if same:
        links = " ".join(f'<li id="{escape(it.id)}"><code>{escape(it.id)}</code> — {escape(it.reason)}</li>'
                         for it in same)
        parts.append(f'<details class="unchanged"><summary>{len(same)} unchanged diagram(s): same pixels, same '
                     f"values</summary><ul>{links}</ul></details>")
    body = "\n".join(parts) or "<p>No diagram changed.</p>"
    toc = " ".join(f'<a href="#{escape(it.id)}">{escape(it.id)}</a> ({escape(it.status)})' for it in moved)
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>vizspec diff against {escape(ref)}</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: "Noto Sans CJK SC", system-ui, sans-serif; margin: 20px; }}
h1 {{ font-size: 20px; color: #4472C4; }} h2 {{ font-size: 16px; }} .status {{ font-size: 12px;
background: #DEEBF7; border-radius: 4px; padding: 1px 6px; }} .failed .status {{ background: #F0ADB7; }}
.added .status {{ background: #70C08E; }} .why {{ color: #595959; font-size: 13px; }}
table.images img {{ max-width: 420px; max-height: 420px; border: 1px solid #D9D9D9; }}
table {{ border-collapse: collapse; }} table.images td {{ vertical-align: top; font-size: 12px; }}
table.values td, table.values th {{ border: 1px solid #D9D9D9; padding: 2px 6px; font-size: 13px; }}
pre.error {{ background: #FFF2CC; border-left: 3px solid #EB6252; padding: 6px; white-space: pre-wrap; }}
section.item {{ border-top: 1px solid #BFBFBF; padding-top: 8px; margin-top: 16px; }}
.summary {{ font-size: 14px; }} details.unchanged {{ margin-top: 20px; color: #595959; }}
</style></head><body>
<h1>vizspec diff: working tree against {escape(ref)} ({escape(base[:12])}) — {len(items)} diagram(s)</h1>
<p class="summary">{len(moved)} changed, {len(same)} unchanged; changed pixels are red over a faded "after".
{toc}</p>
{body}
</body></html>
"""
    write_atomic(out / "index.html", html.encode())
    summary = [{"id": it.id, "spec": it.spec, "status": it.status, "reason": it.reason,
                "values_changed": len(it.values), "pixels": it.pixels} for it in items]
    write_atomic(out / "diff.json", json.dumps({"ref": ref, "base": base, "diagrams": summary}, indent=1,
                                               ensure_ascii=False).encode())
