"""Rendering many specs: output paths, the content-hash render cache, atomic writes, a process pool."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import __version__
from .backends import FORMATS, drawer
from .bind import bind, cache_dir
from .layout import LANGS, layout
from .layout.text import font_file
from .spec.errors import Problem, SpecError
from .spec.loader import Spec, load
from .theme import ROOT, load_theme

SPECS_DIR = ROOT / "specs"


def find_specs(root: Path = SPECS_DIR) -> list[Path]:
    """Every spec file under specs/, in chapter/file order."""
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def output_path(out: Path, fmt: str, lang: str, diagram_id: str) -> Path:
    """Where one rendering goes: build/<fmt>/<lang>/<id>.<ext>."""
    return out / fmt / lang / f"{diagram_id}.{FORMATS[fmt][2]}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@cache
def _tree_hash(folder: str) -> str:
    h = hashlib.sha256()
    for p in sorted(Path(folder).rglob("*.py")):
        h.update(p.relative_to(folder).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@cache
def environment_key() -> str:
    """What every rendering depends on besides its spec: renderer code, theme, fonts, tool version."""
    theme = load_theme()
    fonts = [font_file(theme, w) for w in (400, 700)]
    font_sig = [(str(f), f.stat().st_size, int(f.stat().st_mtime)) for f in fonts]
    return hashlib.sha256(json.dumps([__version__, _tree_hash(str(ROOT / "renderer")), theme.digest,
                                      font_sig]).encode()).hexdigest()[:16]


def spec_key(spec: Spec, formats: tuple[str, ...], langs: tuple[str, ...]) -> str:
    """Content hash of everything one diagram's outputs depend on."""
    from compute import registry

    fns = sorted({c.fn for c in spec.diagram.compute.values()})
    parts = [environment_key(), spec.path.read_bytes().decode("utf-8", "replace"),
             [(f, registry.source_hash(f)) for f in fns], list(formats), list(langs)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


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


def render_spec(path: Path, out: Path, formats: tuple[str, ...], langs: tuple[str, ...],
                use_cache: bool = True) -> Result:
    """Load, bind, lay out and draw one spec in every language and format; never raises for bad input."""
    t0 = time.perf_counter()
    res = Result(str(path))
    try:
        t = time.perf_counter()
        spec = load(path)
        res.stages["load"] = time.perf_counter() - t
        res.id = spec.diagram.id
        key = spec_key(spec, formats, langs)
        stamp = cache_dir() / "render" / f"{spec.diagram.id}.json"
        targets = [output_path(out, f, lang, spec.diagram.id) for lang in langs for f in formats]
        if use_cache and stamp.is_file() and all(p.is_file() for p in targets):
            try:
                if json.loads(stamp.read_text()).get(key) == str(out.resolve()):
                    res.status, res.outputs = "cached", [str(p) for p in targets]
                    res.seconds = time.perf_counter() - t0
                    return res
            except (OSError, ValueError):
                pass
        t = time.perf_counter()
        bound = bind(spec, use_cache=use_cache)
        res.stages["bind"] = time.perf_counter() - t
        for lang in langs:
            t = time.perf_counter()
            scene = layout(bound, load_theme(), lang)
            res.stages["layout"] = res.stages.get("layout", 0) + time.perf_counter() - t
            for fmt in formats:
                t = time.perf_counter()
                data = drawer(fmt)(scene)
                target = output_path(out, fmt, lang, spec.diagram.id)
                write_atomic(target, data)
                res.outputs.append(str(target))
                res.stages[fmt] = res.stages.get(fmt, 0) + time.perf_counter() - t
        if use_cache:
            write_atomic(stamp, json.dumps({key: str(out.resolve())}).encode())
    except SpecError as e:
        res.status, res.problems = "failed", [str(p) for p in e.problems]
    except Exception as e:  # a bug, not bad input: still never stop the other diagrams
        res.status = "failed"
        res.problems = [str(Problem(str(path), 1, 1, f"internal error while rendering: "
                                                      f"{type(e).__name__}: {e}"))]
    res.seconds = time.perf_counter() - t0
    return res


def render_many(paths: list[Path], out: Path, formats: tuple[str, ...], langs: tuple[str, ...] = LANGS,
                use_cache: bool = True, jobs: int | None = None, on_result=None) -> list[Result]:
    """Render specs in a process pool (serially for one job); results come back in input order."""
    jobs = jobs or os.cpu_count() or 1
    results: dict[str, Result] = {}
    if jobs <= 1 or len(paths) <= 1:
        for p in paths:
            r = render_spec(p, out, formats, langs, use_cache)
            results[str(p)] = r
            if on_result:
                on_result(r)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
            futures = {pool.submit(render_spec, p, out, formats, langs, use_cache): p for p in paths}
            from concurrent.futures import as_completed

            for fut in as_completed(futures):
                r = fut.result()
                results[str(futures[fut])] = r
                if on_result:
                    on_result(r)
    return [results[str(p)] for p in paths]
