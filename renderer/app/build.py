"""Rendering many specs: output paths, the content-hash render cache, atomic writes, a process pool.

`build()` is `render all`: the parent process hashes every spec with what it depends on (components,
compute sources, theme, fonts, renderer code) and compares with the stamps of the last build in
`<out>/.vizspec-build.json`; only stale diagrams go to worker processes. Nothing heavy (pydantic,
layout, backends, compute modules, torch) is imported here, so an unchanged tree is checked fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..backends import FORMATS
from ..project import COMPONENTS_DIR, SOURCE_ROOT, SPECS_DIR, THEME_FILE
from ..spec.display import display_path
from ..spec.langs import LANGS
from ..trust import Refused, read_file, read_regular, sign, verify, walk
from .files import UnsafeOutput, check_out, write_atomic
from .sweeps import animated_rel, sweep_part
from .values import computed_values, in_lang
from .workers import process_pool

RENDERER_DIR = SOURCE_ROOT / "renderer"
STAMPS_FILE = ".vizspec-build.json"
STAMPS_VERSION = 2  # 2: signed, with the hash of every output written
MAX_SPEC_BYTES = 1_000_000  # renderer.spec.yamlpos.MAX_BYTES: bigger files fail in load, unscanned here
MAX_CODE_BYTES = 10_000_000  # a renderer source file, for the environment hash
MAX_OUTPUT_BYTES = 1 << 30  # an output file checked against its stamp
WORKER_FAILED = "worker process"  # in the message of a spec whose worker died (its pool is then broken)
SAVE_EVERY = 3.0  # seconds between stamp saves during a long build
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def find_specs(root: Path = SPECS_DIR) -> list[Path]:
    """Every spec file under specs/, in chapter/file order (symlinked folders followed only inside it).

    Links out of the project and non-regular files are listed too: reading them is a located error.
    """
    return walk(root, ".yaml")


def output_path(out: Path, fmt: str, lang: str, diagram_id: str) -> Path:
    """Where one rendering goes: build/<fmt>/<lang>/<id>.<ext>."""
    return Path(out) / fmt / lang / f"{diagram_id}.{FORMATS[fmt][2]}"


def output_rel(fmt: str, lang: str, diagram_id: str) -> str:
    """The output path relative to the output folder, as stored in stamps and linked from the gallery."""
    return f"{fmt}/{lang}/{diagram_id}.{FORMATS[fmt][2]}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# What a diagram depends on


def tree_hash(folder: Path, pattern: str = "*.py") -> str:
    """Hash of every matching file's name and bytes under a folder."""
    h = hashlib.sha256()
    for p in sorted(Path(folder).rglob(pattern)):
        if "__pycache__" in p.parts:
            continue
        h.update(p.relative_to(folder).as_posix().encode())
        try:
            h.update(read_file(p, MAX_CODE_BYTES))
        except Refused as e:  # a FIFO or a link out: hashed as such, never read
            h.update(str(e).encode())
    return h.hexdigest()[:16]


def font_signature(theme: dict) -> list:
    """Name, size and mtime of the theme's font files (first hit of each, as layout finds them)."""
    files = (theme.get("fonts") or {}).get("files") or {}
    sig = []
    for weight in sorted(k for k, v in files.items() if k != "dirs" and isinstance(v, str)):  # regular, bold, …
        name = files.get(weight)
        for d in files.get("dirs") or []:
            p = Path(d) / str(name)
            if p.is_file():
                st = p.stat()
                sig.append([str(p), st.st_size, int(st.st_mtime)])
                break
        else:
            sig.append([str(name), None, None])
    return sig


def environment_key() -> str:
    """What every rendering depends on besides its spec: renderer code, theme, fonts, tool version."""
    try:
        raw = read_file(THEME_FILE, MAX_SPEC_BYTES)
    except Refused as e:  # every diagram then fails in load_theme, located at the theme
        raw = str(e).encode()
    try:
        theme = yaml.load(raw, Loader=_Loader) or {}
    except yaml.YAMLError:
        theme = {}
    parts = [__version__, tree_hash(RENDERER_DIR), _sha(raw)[:16], font_signature(theme)]
    return _sha(json.dumps(parts).encode())[:16]


def scan_deps(data: Any) -> tuple[set[str], set[str]]:
    """Component names (`component:` values) and compute functions (`fn:`, `source:`) named in raw spec data.

    Each mapping/list is visited once, however many YAML aliases point at it (no alias bomb blows up here).
    """
    comps: set[str] = set()
    fns: set[str] = set()
    stack = [data]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str):
                    if k == "component":
                        comps.add(v)
                    elif k in ("fn", "source"):
                        fns.add(v)
                else:
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return comps, fns


class DepHasher:
    """Digests of components (with the components they use, recursively) and compute sources, memoised."""

    def __init__(self, components_dir: Path | None = None) -> None:
        self.components_dir = Path(components_dir or COMPONENTS_DIR)
        self._comp: dict[str, tuple[str, set[str]]] = {}
        self._fn: dict[str, str] = {}

    def component(self, name: str) -> tuple[str, set[str]]:
        """(digest, components it uses) of one component file."""
        if name not in self._comp:
            if not _NAME.fullmatch(name):
                self._comp[name] = ("invalid", set())
            else:
                try:
                    raw = read_file(self.components_dir / f"{name}.yaml", MAX_SPEC_BYTES)
                except Refused:  # missing, a link out, not a regular file, too big: load says which
                    self._comp[name] = ("missing", set())
                else:
                    used = scan_deps(_parse(raw))[0]
                    self._comp[name] = (_sha(raw)[:16], used)
        return self._comp[name]

    def components(self, names: Iterable[str]) -> dict[str, str]:
        """Digest of every component reachable from `names`."""
        out: dict[str, str] = {}
        todo = list(names)
        while todo:
            n = todo.pop()
            if n in out:
                continue
            digest, used = self.component(n)
            out[n] = digest
            todo += sorted(used - set(out))
        return dict(sorted(out.items()))

    def function(self, name: str) -> str:
        """Source hash of a registered compute function ('unknown' for names outside the registry)."""
        if name not in self._fn:
            from compute import registry

            self._fn[name] = registry.source_hash(name) if name in registry.FUNCTIONS else "unknown"
        return self._fn[name]

    def functions(self, names: Iterable[str]) -> dict[str, str]:
        """Source hash of each function."""
        return {n: self.function(n) for n in sorted(names)}


def target_key(env: str, spec_sha: str, comps: dict[str, str], fns: dict[str, str], fmt: str, lang: str) -> str:
    """Content hash of everything one output file depends on."""
    parts = [env, spec_sha, sorted(comps.items()), sorted(fns.items()), fmt, lang]
    if fmt == "png":
        from ..backends import png_scale

        parts.append(png_scale())
    if fmt == "svg":
        from ..backends import svg_fonts_embedded

        parts.append(svg_fonts_embedded())
    return _sha(json.dumps(parts).encode())[:32]


def spec_deps(path: Path, components_dir: Path | None = None) -> tuple[set[str], set[str]]:
    """(components incl. nested ones, compute functions) a spec file uses; empty when it is not YAML."""
    try:
        data = _parse(read_file(path, MAX_SPEC_BYTES))
    except Refused:
        return set(), set()
    comps, fns = scan_deps(data)
    return set(DepHasher(components_dir).components(comps)), fns


# ---------------------------------------------------------------------------------------------------------
# Rendering one spec (in a worker process)


@dataclass
class Result:
    """What happened to one spec."""

    path: str
    id: str | None = None
    status: str = "rendered"  # rendered | cached | failed
    outputs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # chapter, order, title/caption per language, tags
    sha: str | None = None  # hash of the spec bytes that were rendered
    written: dict[str, tuple[str, int]] = field(default_factory=dict)  # output (relative to out) -> (sha256, size)


def diagram_meta(bound: Any) -> dict[str, Any]:
    """What the gallery shows of a diagram: chapter, order, tags, title and caption in each language."""
    d = bound.diagram
    return {"id": d.id, "chapter": d.chapter, "order": d.order, "tags": list(d.tags),
            "title": {lang: in_lang(bound.for_lang(lang).diagram.title, lang) for lang in LANGS},
            "caption": {lang: in_lang(bound.for_lang(lang).diagram.caption, lang) for lang in LANGS},
            "computed": sorted(bound.provenance), "values": computed_values(bound.computed)}


def render_spec(path: Path, out: Path, formats: tuple[str, ...], langs: tuple[str, ...] = LANGS,
                use_cache: bool = True, worker: bool = False, sweep_langs: tuple[str, ...] | None = None) -> Result:
    """Load, bind, lay out and draw one spec in every language and format; never raises for bad input.

    Always renders (the build decides what is stale); `use_cache` is the compute-result cache of bind.
    Every output is drawn before the first is written, so a spec failing in any stage (or backend) leaves
    no new file of it behind; when writing itself fails, the files this call wrote are removed again.
    Every stage together runs within the per-spec budget of wall time and memory (renderer.spec.budget);
    in a pool `worker`, the CPU time of the process is capped too.
    A spec with a `sweep:` also draws its frames (app/sweeps.py) in `sweep_langs` (default: `langs` when SVG
    is among the formats).
    """
    from ..backends import drawer
    from ..bind import bind
    from ..layout import layout
    from ..layout.theme import load_theme
    from ..spec.budget import BudgetExceeded, memory_message, spec_budget
    from ..spec.errors import Problem, SpecError, internal_problem, run_stage
    from ..spec.loader import load

    t0 = time.perf_counter()
    res = Result(str(path))
    current = ["load"]

    def stage(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        current[0], t = name, time.perf_counter()
        try:
            return run_stage(path, name, fn, *args, **kwargs)
        finally:
            res.stages[name] = res.stages.get(name, 0) + time.perf_counter() - t

    try:
        try:
            res.sha = _sha(read_file(path, MAX_SPEC_BYTES))
        except Refused:
            pass  # load reports why
        with spec_budget(worker=worker):
            spec = stage("load", load, path)
            res.id = spec.diagram.id
            bound = stage("bind", bind, spec, use_cache=use_cache)
            res.meta = run_stage(path, "bind", diagram_meta, bound)
            drawn: list[tuple[str, Path, bytes]] = []
            for lang in langs if formats else ():
                scene = stage("layout", lambda lang=lang: layout(bound.for_lang(lang), load_theme()))
                svg = None
                for fmt in formats:
                    data = stage(fmt, drawer(fmt), scene, **({"svg": svg} if fmt == "png" and svg else {}))
                    svg = data if fmt == "svg" else svg  # the PNG rasterises it (no second SVG of the scene)
                    drawn.append((fmt, output_path(out, fmt, lang, spec.diagram.id), data))
                    res.written[output_rel(fmt, lang, spec.diagram.id)] = (_sha(data), len(data))
            if sweep_langs is None:
                sweep_langs = langs if "svg" in formats else ()
            if spec.diagram.sweep is not None and sweep_langs:
                from . import sweeps

                frames = stage("bind", sweeps.bind_frames, spec, use_cache)
                res.meta["sweep"] = run_stage(path, "bind", sweeps.sweep_meta, spec, frames)
                for rel, data in sweeps.frame_outputs(spec, frames, sweep_langs, load_theme(), stage):
                    drawn.append(("svg", Path(out) / rel, data))
                    res.written[rel] = (_sha(data), len(data))
            current[0] = "write"
            res.outputs = [str(target) for target in _write_all(spec.doc.locate(("id",)), drawn, res.stages, out)]
    except SpecError as e:
        res.status, res.problems = "failed", [str(p) for p in e.problems]
    except UnsafeOutput as e:
        res.status, res.problems = "failed", [str(Problem(str(path), 1, 1, f"cannot write the output: {e}"))]
    except BudgetExceeded as e:
        res.status = "failed"
        res.problems = [str(Problem(str(path), 1, 1, f"rendering {e} (stopped in {current[0]})"))]
    except MemoryError:
        res.status = "failed"
        res.problems = [str(Problem(str(path), 1, 1, f"rendering {memory_message()} (stopped in {current[0]})"))]
    except Exception as e:  # a bug outside the stages: still never stop the other diagrams
        res.status, res.problems = "failed", [str(internal_problem(path, "render", e))]
    res.seconds = time.perf_counter() - t0
    return res


def _write_all(id_at: tuple[str, int, int], drawn: list[tuple[str, Path, bytes]],
               stages: dict[str, float], out: Path) -> list[Path]:
    """Write every drawn output (timed with its format); on failure remove those written, SpecError.

    A name too long is the id's fault (located there); other write errors are located at the file's 1:1.
    """
    import errno

    from ..spec.errors import Problem, SpecError
    from .failures import os_error_text

    written: list[Path] = []
    for fmt, target, data in drawn:
        t = time.perf_counter()
        try:
            write_atomic(target, data, inside=out)
        except (OSError, UnsafeOutput) as e:
            for done in written:
                done.unlink(missing_ok=True)
            if isinstance(e, UnsafeOutput):
                raise
            at = id_at if e.errno == errno.ENAMETOOLONG else (id_at[0], 1, 1)
            raise SpecError([Problem(*at, f"cannot write {os_error_text(e, target)}")]) from None
        written.append(target)
        stages[fmt] = stages.get(fmt, 0) + time.perf_counter() - t
    return written


def render_in_worker(path: Path, out: Path, formats: tuple[str, ...], langs: tuple[str, ...],
                     use_cache: bool, sweep_langs: tuple[str, ...] | None = None) -> Result:
    """`render_spec` as a pool worker runs it (with the CPU-time backstop of a worker process)."""
    return render_spec(path, out, formats, langs, use_cache, worker=True, sweep_langs=sweep_langs)


# ---------------------------------------------------------------------------------------------------------
# Stamps: what the last build wrote into an output folder, and from which inputs


def stamps_path(out: Path) -> Path:
    """The stamp file of an output folder."""
    return Path(out) / STAMPS_FILE


def _stamp_bytes(specs: Any) -> bytes:
    """What the stamp signature covers: every entry."""
    return json.dumps(specs, sort_keys=True, ensure_ascii=False).encode()


def load_stamps(out: Path) -> dict[str, dict]:
    """Spec path -> stamp entry of the last build into `out`.

    Empty when missing, unreadable, or not signed by this user (a committed or copied stamp file is
    untrusted: nothing is taken as cached and nothing it lists is deleted).
    """
    try:
        data = json.loads(read_file(stamps_path(out), 50 * MAX_SPEC_BYTES, "max_stamps_bytes"))
    except (Refused, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != STAMPS_VERSION:
        return {}
    specs = data.get("specs")
    if not isinstance(specs, dict) or not all(isinstance(v, dict) for v in specs.values()):
        return {}
    return specs if verify(_stamp_bytes(specs), data.get("mac")) else {}


def save_stamps(out: Path, entries: dict[str, dict]) -> None:
    """Write the stamp file, signed (sorted, so it does not depend on the order diagrams finished in)."""
    specs = dict(sorted(entries.items()))
    data = {"version": STAMPS_VERSION, "specs": specs, "mac": sign(_stamp_bytes(specs))}
    # one line: json's C encoder (indenting runs the pure-Python one: 17.6 against 6.5 ms for 188 specs)
    write_atomic(stamps_path(out), json.dumps(data, sort_keys=True, ensure_ascii=False).encode(), inside=out)


def _spec_key(path: Path) -> str:
    return str(Path(path).resolve())


# ---------------------------------------------------------------------------------------------------------
# Building many specs


@dataclass
class Job:
    """One stale diagram: which outputs to redo and the keys to stamp them with."""

    index: int
    path: Path
    sha: str
    id: str | None
    components: list[str]
    fns: list[str]
    keys: dict[str, str]  # output (relative to out) -> key
    formats: tuple[str, ...]
    langs: tuple[str, ...]
    sweep_langs: tuple[str, ...] = ()  # languages whose sweep frames are stale
    base: str | None = None  # hash of the spec without its sweep (what the ordinary outputs depend on)


@dataclass
class Report:
    """A finished build: one result per spec in input order, and the wall time."""

    results: list[Result]
    seconds: float
    out: Path
    planned_seconds: float = 0.0

    def count(self, status: str) -> int:
        """How many results have a status."""
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[Result]:
        """The results that failed."""
        return [r for r in self.results if r.status == "failed"]

    def to_json(self) -> dict:
        """A JSON-able summary (for --report and the benchmark)."""
        stages: dict[str, float] = {}
        for r in self.results:
            for k, v in r.stages.items():
                stages[k] = stages.get(k, 0.0) + v
        return {"seconds": self.seconds, "plan_seconds": self.planned_seconds,
                "rendered": self.count("rendered"), "cached": self.count("cached"),
                "failed": self.count("failed"), "stages": stages,
                "results": [asdict(r) for r in self.results]}


def plan(paths: list[Path], out: Path, formats: tuple[str, ...], langs: tuple[str, ...],
         stamps: dict[str, dict], use_cache: bool = True,
         hasher: DepHasher | None = None) -> tuple[list[Job], dict[int, Result]]:
    """Split specs into stale jobs and finished results (cached, or failed before rendering)."""
    hasher = hasher or DepHasher()
    env = environment_key()
    jobs: list[Job] = []
    done: dict[int, Result] = {}
    ids: dict[str, str] = {}
    folders: dict[str, bool] = {}
    for i, path in enumerate(paths):
        path = Path(path)
        try:
            raw = read_file(path, MAX_SPEC_BYTES)
        except Refused as e:  # outside the project, a FIFO or device, too big: located, never read
            done[i] = Result(str(path), status="failed", problems=[f"{display_path(path)}:1:1: error: {e}"])
            continue
        sha = _sha(raw)
        st = stamps.get(_spec_key(path))
        if st and st.get("sha") == sha and "components" in st:
            comps, fns, did = set(st["components"]), set(st["fns"]), st.get("id")
            base, swept = st.get("base") or sha, bool(st.get("swept"))
        else:
            data = _parse(raw)
            comps, fns = scan_deps(data)
            base, swept = base_hash(data, sha)
            did = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
            if did is not None and not _NAME.fullmatch(did):
                did = None  # an invalid id fails in load, with its location
        if did is not None:
            if did in ids:
                done[i] = Result(str(path), did, "failed", problems=[
                    f"{path}:1:1: error: duplicate diagram id '{did}' (also used by {ids[did]}; "
                    "expected ids unique across specs)"])
                continue
            ids[did] = str(path)
        comp_digests = hasher.components(comps)
        fn_digests = hasher.functions(fns)
        keys = {}
        stale: list[tuple[str, str]] = []
        for lang in langs:
            for fmt in formats:
                if did is None:
                    stale.append((lang, fmt))
                    continue
                rel = output_rel(fmt, lang, did)
                keys[rel] = target_key(env, base, comp_digests, fn_digests, fmt, lang)
                old = (st or {}).get("targets", {}).get(rel) or {}
                if not (use_cache and old.get("key") == keys[rel] and _is_ours(out, rel, old, folders)):
                    stale.append((lang, fmt))
        sweep_stale: list[str] = []
        if swept and did is not None and "svg" in formats:  # a sweep's frames: one key for all of a language's
            targets = (st or {}).get("targets", {})
            for lang in langs:
                rel = animated_rel(lang, did)
                keys[rel] = target_key(env, sha, comp_digests, fn_digests, "sweep", lang)
                mine = [r for r in targets if sweep_part(r, lang, did) is not None]
                if not (use_cache and rel in mine and all(
                        targets[r].get("key") == keys[rel] and _is_ours(out, r, targets[r], folders) for r in mine)):
                    sweep_stale.append(lang)
        if not stale and not sweep_stale:
            done[i] = Result(str(path), did, "cached", [str(out / rel) for rel in keys],
                             meta=st.get("meta") or {}, sha=sha)
            continue
        jobs.append(Job(i, path, sha, did, sorted(comps), sorted(fns), keys,
                        tuple(f for f in formats if any(s[1] == f for s in stale)),
                        tuple(lang for lang in langs if any(s[0] == lang for s in stale)),
                        tuple(sweep_stale), base if swept else None))
    return jobs, done


def base_hash(data: Any, sha: str) -> tuple[str, bool]:
    """(hash the ordinary outputs depend on, whether the spec sweeps): without a sweep the spec's hash; with one,
    the spec without the sweep's values (only its input and initial value decide the ordinary outputs), so a
    changed sweep re-renders only its frames."""
    if not isinstance(data, dict) or not isinstance(data.get("sweep"), dict):
        return sha, False
    sw = data["sweep"]
    initial, values = sw.get("initial"), sw.get("values")
    if initial is None and isinstance(values, list) and values:  # the loader's rule: the written value, else the first
        name, _, arg = str(sw.get("arg") or "").partition(".")
        vars_ = data.get("vars") if isinstance(data.get("vars"), dict) else {}
        calls = data.get("compute") if isinstance(data.get("compute"), dict) else {}
        call = calls.get(name) if isinstance(calls.get(name), dict) else {}
        args = call.get("args") if isinstance(call.get("args"), dict) else {}
        written = vars_.get(sw.get("var")) if sw.get("var") else args.get(arg)
        initial = written if any(v == written and type(v) is not bool for v in values) else values[0]
    decides = [sw.get("var"), sw.get("arg"), initial] if initial is not None else sw
    try:
        text = json.dumps([{k: v for k, v in data.items() if k != "sweep"}, decides], sort_keys=True, default=str)
    except (ValueError, RecursionError):  # a self-referencing alias: the whole spec decides
        return sha, True
    return _sha(text.encode()), True


def _parse(raw: bytes) -> Any:
    """Raw YAML data for dependency scanning; None when it is too big or not YAML (load reports why)."""
    if len(raw) > MAX_SPEC_BYTES:
        return None
    try:
        return yaml.load(raw, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


def _is_ours(out: Path, rel: str, target: Any, folders: dict[str, bool] | None = None) -> bool:
    """Whether out/rel is still the output this tool wrote and stamped (see `_prune` for the rules).

    `folders` remembers, within one plan, which folders below `out` were checked (a real folder, no symlink).
    """
    if not isinstance(target, dict) or not _output_form(rel):
        return False
    st = _leaf_stat(out, rel, {} if folders is None else folders)
    if st is None or st.st_size != target.get("size"):
        return False
    if target.get("stat") is not None and _stat_key(st) == target.get("stat"):
        return True  # the very file written then (same inode and mtime): a checkout or copy would differ
    try:
        data = read_regular(Path(out, rel), MAX_OUTPUT_BYTES, "max_output_bytes")  # its folders are checked
    except Refused:
        return False
    return _sha(data) == target.get("sha")


def _fingerprint(path: Path) -> list[int] | None:
    """Inode, mtime (ns) and size of a file: unchanged only while nobody rewrote or replaced it."""
    try:
        return _stat_key(path.lstat())
    except OSError:
        return None


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def _output_form(rel: Any) -> bool:
    """Whether `rel` has the exact form of an output path: <fmt>/<lang>/<id>.<ext>, or a sweep's SVG."""
    parts = rel.split("/") if isinstance(rel, str) else []
    if len(parts) != 3 or parts[0] not in FORMATS or parts[1] not in LANGS:
        return False
    name, dot, ext = parts[2].rpartition(".")
    stem, sweep, _suffix = name.partition(".")
    if sweep and sweep_part(rel, parts[1], stem) is None:
        return False
    return bool(dot) and ext == FORMATS[parts[0]][2] and bool(_NAME.fullmatch(stem))


def _leaf_stat(out: Path, rel: str, folders: dict[str, bool]) -> os.stat_result | None:
    """lstat of out/rel when it is a regular file and every folder on the way below `out` is a real folder (not a
    symlink); `folders` caches the folders' answers."""
    base = os.fspath(out)
    parts = rel.split("/")
    for i in range(1, len(parts)):
        folder = "/".join(parts[:i])
        ok = folders.get(folder)
        if ok is None:
            try:
                ok = stat.S_ISDIR(os.lstat(os.path.join(base, folder)).st_mode)  # lstat: a symlink is no folder
            except OSError:
                ok = False
            folders[folder] = ok
        if not ok:
            return None
    try:
        st = os.lstat(os.path.join(base, rel))
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _record(entries: dict[str, dict], job: Job, res: Result, out: Path) -> None:
    """Update the stamp entry of a rendered (or failed) job."""
    key = _spec_key(job.path)
    old = entries.get(key) or {}
    if res.status == "failed":
        entries[key] = {"sha": job.sha, "components": job.components, "fns": job.fns, "id": job.id,
                        "meta": old.get("meta") or {}, "targets": {}, "problems": res.problems}
        return
    if res.sha != job.sha or res.id != job.id:  # the file changed while it rendered: stamp nothing
        entries.pop(key, None)
        return
    targets = dict(old.get("targets") or {}) if old.get("id") == job.id else {}
    for rel, k in job.keys.items():
        fmt, lang = rel.split("/")[:2]
        if fmt in job.formats and lang in job.langs and rel in res.written:
            sha, size = res.written[rel]
            targets[rel] = {"key": k, "sha": sha, "size": size, "stat": _fingerprint(Path(out) / rel)}
    for lang in {*job.langs, *job.sweep_langs}:  # frames of this language: the new set replaces the old one
        redone = job.id is not None and (job.base is None or lang in job.sweep_langs)
        for rel in [r for r in targets if redone and sweep_part(r, lang, job.id) is not None]:
            if rel not in res.written:
                _delete_output(out, rel, targets[rel])
            del targets[rel]
        for rel in [r for r in res.written if job.id is not None and sweep_part(r, lang, job.id) is not None]:
            sha, size = res.written[rel]
            targets[rel] = {"key": job.keys[animated_rel(lang, job.id)], "sha": sha, "size": size,
                            "stat": _fingerprint(Path(out) / rel)}
    meta = dict(res.meta)
    if "sweep" not in meta and job.base is not None and "sweep" in (old.get("meta") or {}):
        meta["sweep"] = old["meta"]["sweep"]  # the frames were not stale: what the gallery knows of them stays
    entries[key] = {"sha": job.sha, "components": job.components, "fns": job.fns, "id": job.id,
                    "meta": meta, "targets": dict(sorted(targets.items())),
                    **({"base": job.base, "swept": True} if job.base is not None else {})}


def _prune(entries: dict[str, dict], out: Path) -> None:
    """Forget specs whose file is gone, and delete the outputs that only they claimed.

    Only files this tool wrote are deleted: `<fmt>/<lang>/<id>.<ext>` inside `out`, reached through no
    symlink, regular, and with the content hash stamped when it was written.
    """
    gone = [k for k in entries if not Path(k).is_file()]
    if not gone:
        return
    live = {rel for k, e in entries.items() if k not in gone for rel in (e.get("targets") or {})}
    for k in gone:
        for rel, target in (entries[k].get("targets") or {}).items():
            if rel not in live:
                _delete_output(out, rel, target)
        del entries[k]


def _delete_output(out: Path, rel: str, target: Any) -> bool:
    """Delete out/rel if it is an output this tool wrote (see `_prune`); whether it was deleted."""
    if not _is_ours(out, rel, target):
        return False
    (Path(out) / rel).unlink(missing_ok=True)
    return True


def default_jobs() -> int:
    """Worker processes: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def build(paths: list[Path], out: Path, formats: tuple[str, ...], langs: tuple[str, ...] = LANGS, *,
          use_cache: bool = True, jobs: int | None = None, on_result: Callable[[Result], None] | None = None,
          on_plan: Callable[[int, int], None] | None = None, gallery: bool = True, fresh: bool = False,
          components_dir: Path | None = None, executor: Executor | None = None) -> Report:
    """Render what is stale among `paths` into `out`, stamp it, and rewrite the gallery.

    `jobs` worker processes (default: one per core); one stale diagram renders in this process unless
    `fresh` (then always in a new `spawn` process: today's compute code, not an old import). With `executor`
    (the watcher's long-lived pool), every stale diagram renders there.
    `on_plan(total, stale)` is called once the stale set is known, `on_result` once per spec.
    """
    t0 = time.perf_counter()
    out = Path(out)
    check_out(out)  # not the sources, not through a symlink: refused before anything is written or deleted
    entries = load_stamps(out)
    todo, done = plan(paths, out, formats, langs, entries, use_cache, DepHasher(components_dir))
    planned = time.perf_counter() - t0
    if on_plan:
        on_plan(len(paths), len(todo))
    if on_result:
        for i in sorted(done):
            on_result(done[i])
    saved = time.monotonic()
    try:
        for job, res in _run(todo, out, use_cache, jobs or default_jobs(), fresh, executor):
            done[job.index] = res
            _record(entries, job, res, out)
            if on_result:
                on_result(res)
            if time.monotonic() - saved > SAVE_EVERY:  # a killed build keeps what it finished
                save_stamps(out, entries)
                saved = time.monotonic()
    finally:
        changed = bool(todo) or _prune_needed(entries) or not stamps_path(out).is_file()
        if changed:
            _prune(entries, out)
            out.mkdir(parents=True, exist_ok=True)
            save_stamps(out, entries)
    if gallery and (changed or not (out / "index.html").is_file()):
        from .gallery import write_gallery

        write_gallery(out, entries)
    return Report([done[i] for i in range(len(paths))], time.perf_counter() - t0, out, planned)


def _prune_needed(entries: dict[str, dict]) -> bool:
    return any(not Path(k).is_file() for k in entries)


def _run(todo: list[Job], out: Path, use_cache: bool, jobs: int, fresh: bool, executor: Executor | None = None):
    """Yield (job, result) as they finish: in this process, or in a pool of `jobs` processes."""
    if not todo:
        return
    if executor is not None:  # the watcher's spawn pool: replacements are spawned too
        yield from _collect(executor, todo, out, use_cache, lambda: new_pool(1, warm=False))
        return
    if not fresh and (jobs <= 1 or len(todo) == 1):
        for job in todo:
            yield job, render_spec(job.path, out, job.formats, job.langs, use_cache, sweep_langs=job.sweep_langs)
        return
    with process_pool(max(1, min(jobs, len(todo))), "spawn" if fresh else None) as pool:
        yield from _collect(pool, todo, out, use_cache, lambda: process_pool(1, "spawn" if fresh else None))


def _collect(pool: Executor, todo: list[Job], out: Path, use_cache: bool,
             replace: Callable[[], Executor] | None = None):
    """Yield (job, result) as the pool finishes them; a worker that dies fails only its own spec.

    A dead worker breaks a ProcessPoolExecutor: every unfinished job then runs again, one at a time, in
    fresh one-worker pools (`replace`), so the job running when a worker dies there is known to be the cause.
    """
    pending = list(todo)
    isolate, owned = False, None
    while pending:
        futures = {pool.submit(render_in_worker, job.path, out, job.formats, job.langs, use_cache, job.sweep_langs): job
                   for job in pending}
        broken = False
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                res = fut.result()
            except BrokenProcessPool:
                broken = True
                continue
            except Exception as e:  # the result could not come back (unpicklable, …): report it on its spec
                res = Result(str(job.path), job.id, "failed",
                             problems=[f"{job.path}:1:1: error: worker process failed: {type(e).__name__}: {e}"])
            pending.remove(job)
            yield job, res
        if not broken:
            break
        if isolate:  # one worker, in order: the first unfinished job is the one it died on
            job = pending.pop(0)
            yield job, Result(str(job.path), job.id, "failed", problems=[_died(job)])
        if owned is not None:
            owned.shutdown(wait=False, cancel_futures=True)
        isolate = True
        pool = owned = (replace or _one_worker_pool)()
    if owned is not None:
        owned.shutdown(wait=False, cancel_futures=True)


def _died(job: Job) -> str:
    from ..spec.budget import SPEC_MEMORY_BYTES, SPEC_SECONDS

    return (f"{job.path}:1:1: error: the worker process rendering this spec died (killed for going over "
            f"the limits spec_memory_bytes = {SPEC_MEMORY_BYTES} or spec_seconds = {SPEC_SECONDS:g} of CPU "
            "time, or crashed in native code); the other specs were rendered")


def _one_worker_pool() -> Executor:
    return process_pool(1)


def new_pool(jobs: int | None = None, warm: bool = True) -> ProcessPoolExecutor:
    """A pool of fresh `spawn` worker processes, each importing the renderer ahead of the first render."""
    n = jobs or default_jobs()
    pool = process_pool(n, "spawn")
    if warm:
        for _ in range(n):
            pool.submit(warm_up)
    return pool


def warm_up() -> None:
    """Import what rendering needs (in a worker, before it is asked to render)."""
    import importlib

    for mod in ("renderer.spec.loader", "renderer.bind", "renderer.layout", "renderer.backends.svg"):
        importlib.import_module(mod)


def render_many(paths: list[Path], out: Path, formats: tuple[str, ...], langs: tuple[str, ...] = LANGS,
                use_cache: bool = True, jobs: int | None = None, on_result=None) -> list[Result]:
    """Render specs incrementally in a process pool; results come back in input order."""
    return build(paths, out, formats, langs, use_cache=use_cache, jobs=jobs, on_result=on_result).results
