"""The snapshot servers of `vizspec diff`: worker processes that draw one side of the comparison.

Each side (the ref's sources, the working tree's) runs `serve` in a few processes of its own source tree, fed
jobs one JSON line at a time on stdin and answering each on stdout, so the parent hands the next job to whichever
process is free. A job is one of:

- `snap`: a spec's SVG in each language and its computed values;
- `png`: the PNGs of a snapshot, drawn only where the other side's SVG differs (the same SVG bytes draw the same
  pixels, so an unchanged diagram needs no PNG);
- `compare`: the changed pixels of a pair of PNGs (after side only: today's code counts every pair).

Snapshots, their PNGs and comparisons are cached under the cache folder by the hash of the drawing source tree and
the spec's bytes (the base side of every pull request against the same base is drawn once).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from .. import trust
from ..spec.langs import LANGS
from .files import UnsafeOutput, write_atomic

PROTOCOL = "serve-1"  # in a ref's renderer/app/diff_snap.py: that renderer can serve this diff's jobs


def serve() -> int:
    """Answer jobs from stdin until it closes: one JSON line in, one JSON line out (`{"n": …, …}`)."""
    reply = sys.stdout
    sys.stdout = sys.stderr  # whatever else prints must not be read as an answer
    from .build import warm_up

    warm_up()  # while the parent still prepares the jobs
    tree = os.environ.get("VIZSPEC_DIFF_TREE", "")
    for line in sys.stdin:
        job = json.loads(line)
        try:
            answer = OPS[job["op"]](job, tree)
        except Exception as e:  # a bug: reported on the job's diagram, the server goes on
            answer = {"error": f"{type(e).__name__}: {e}"}
        reply.write(json.dumps({"n": job["n"], **answer}) + "\n")
        reply.flush()
    return 0


def snap(job: dict[str, Any], tree: str) -> dict[str, Any]:
    """A spec's snapshot into job["dest"], from the cache when the same tree drew the same spec bytes."""
    spec, dest = Path(job["spec"]), Path(job["dest"])
    key = snapshot_key(tree, spec) if tree else None
    if key and cache_get(key, dest):
        return {"key": key}
    snapshot_svg(spec, dest, {lang: Path(p) for lang, p in (job.get("built") or {}).items()})
    if key:
        cache_put(key, dest)
    return {"key": key}


def snapshot_svg(spec: Path, dest: Path, built: dict[str, Path] | None = None) -> dict[str, Any]:
    """Render one spec into dest/<lang>.svg and record its computed values in values.json.

    `built`: the SVGs of this spec the working tree's build already drew (its stamps say they are current),
    copied instead of laid out and drawn again."""
    from ..backends.svg import draw_svg
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
        for lang in LANGS:
            done = _read_built((built or {}).get(lang))
            if done is None:
                done = draw_svg(layout(bound.for_lang(lang), load_theme()))
            write_atomic(dest / f"{lang}.svg", done)
            info["outputs"].setdefault(lang, {})["svg"] = f"{lang}.svg"
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


def _read_built(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return trust.read_file(path, 1 << 28)
    except (trust.Refused, OSError):  # gone or replaced since it was planned: drawn here instead
        return None


def png(job: dict[str, Any], tree: str) -> dict[str, Any]:
    """The PNGs of job["langs"] for the snapshot in job["dest"] (at VIZSPEC_PNG_SCALE), cached with it: each
    rasterised from the snapshot's SVG without its embedded fonts, which is what the PNG backend draws (no
    second layout, also for an SVG the build drew)."""
    from ..backends import png_scale
    from ..backends.png import svg_to_png
    from ..backends.svg import without_fonts

    dest = Path(job["dest"])
    info = json.loads((dest / "snapshot.json").read_text(encoding="utf-8"))
    key = job.get("key")
    cached = _cache_entry(key) if key else None
    keep = cached is not None and (cached / "snapshot.json").is_file()
    for lang in job["langs"]:
        name = f"{lang}.png"
        if not (dest / name).is_file():
            write_atomic(dest / name, svg_to_png(without_fonts((dest / f"{lang}.svg").read_bytes()), png_scale()))
        info["outputs"].setdefault(lang, {})["png"] = name
        if keep:
            _quiet(shutil.copyfile, dest / name, cached / name)
    text = json.dumps(info, indent=1, ensure_ascii=False).encode()
    write_atomic(dest / "snapshot.json", text)
    if keep:
        _quiet(write_atomic, cached / "snapshot.json", text)
    return {}


def compare(job: dict[str, Any], tree: str) -> dict[str, Any]:
    """Changed pixels of before/<lang>.png against after/<lang>.png; overlays into job["dest"] (cached)."""
    from .diff_report import pixel_diff

    before, after, dest = Path(job["before"]), Path(job["after"]), Path(job["dest"])
    pixels = {}
    for lang in job["langs"]:
        b, a, overlay = before / f"{lang}.png", after / f"{lang}.png", dest / f"overlay.{lang}.png"
        hit = compared(b, a, overlay)
        if hit is None:
            hit = pixel_diff(b, a, overlay).as_dict()
            _store_compare(_compare_entry(b, a), hit, overlay)
        pixels[lang] = hit
    return {"pixels": pixels}


def compared(before: Path, after: Path, overlay: Path) -> dict[str, Any] | None:
    """The cached comparison of two PNGs (its overlay copied to `overlay`), or None."""
    hit = _compare_entry(before, after)
    try:
        pixels = json.loads((hit / "pixels.json").read_text(encoding="utf-8"))
        if pixels["changed"]:
            shutil.copyfile(hit / "overlay.png", overlay)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    _used(hit)
    return pixels


OPS = {"snap": snap, "png": png, "compare": compare}


# ---------------------------------------------------------------------------------------------------------
# The cache


def snapshot_key(tree: str, spec: Path) -> str | None:
    """Cache key of a spec's snapshot drawn by the tree with key `tree` (None when the spec cannot be read)."""
    try:
        raw = trust.read_file(spec, 1 << 20)
    except (trust.Refused, OSError):
        return None
    return hashlib.sha256(json.dumps([PROTOCOL, tree, list(LANGS)]).encode() + raw).hexdigest()[:32]


def _cache_dir() -> Path:
    return trust.cache_dir() / "diff"


def _cache_entry(key: str) -> Path:
    return _cache_dir() / key[:2] / key


def cache_has(key: str | None) -> bool:
    """Whether the snapshot `key` is in the cache."""
    return bool(key) and (_cache_entry(key) / "snapshot.json").is_file()


def cache_get(key: str, dest: Path) -> bool:
    """Copy the cached snapshot `key` into dest; whether there was one."""
    src = _cache_entry(key)
    if not (src / "snapshot.json").is_file():
        return False
    shutil.copytree(src, dest, dirs_exist_ok=True)
    _used(src)
    return True


def _used(entry: Path) -> None:
    """Mark a cache entry as just used (trimming removes the least recently used first)."""
    try:
        os.utime(entry)
    except OSError:
        pass


def cache_put(key: str, dest: Path) -> None:
    """Keep the snapshot in dest under `key` (all at once: a reader sees the whole folder or none)."""
    target = _cache_entry(key)
    if target.exists():
        return
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".part-", dir=target.parent))
        shutil.copytree(dest, tmp, dirs_exist_ok=True)
        os.replace(tmp, target)
    except OSError:  # a read-only or full cache, or another process was first: it only costs speed
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _compare_entry(before: Path, after: Path) -> Path:
    key = _compare_key(before, after)
    return trust.cache_dir() / "diff-compare" / key[:2] / key


def _compare_key(before: Path, after: Path) -> str:
    from . import diff_report

    h = hashlib.sha256(json.dumps([PROTOCOL, diff_report.TOLERANCE, diff_report.FADE,
                                   diff_report.CHANGED_RGB]).encode())
    for p in (before, after):
        data = p.read_bytes()
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:32]


def _store_compare(hit: Path, pixels: dict[str, Any], overlay: Path) -> None:
    if pixels["changed"] and overlay.is_file():
        _quiet(write_atomic, hit / "overlay.png", overlay.read_bytes())
    _quiet(write_atomic, hit / "pixels.json", json.dumps(pixels).encode())


def _quiet(fn: Any, *args: Any) -> None:
    """A cache write that may fail (read-only, full, raced): it only costs speed."""
    try:
        fn(*args)
    except (OSError, UnsafeOutput):
        pass
