"""Running both sides of `vizspec diff` at once: snapshot servers (diff_snap) fed one job at a time.

Every pair (a spec before and after) goes snap → png → compare: both sides' SVGs first; PNGs only for the
languages whose SVG bytes differ; then the pixel comparison, on the after side (today's code). Each side keeps up
to `jobs` server processes busy, handing the next job to whichever is free, so a side whose snapshots all come
from the cache leaves the cores to the other. A ref whose renderer has no server (`legacy`) draws its side the
old way (gitdiff.snapshot_main: SVG and PNG of every spec), in parallel with the rest.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..spec.langs import LANGS

Answer = dict[str, Any]
SERVER = ("import sys; sys.path.insert(0, sys.argv[1]); from renderer.app.diff_snap import serve; "
          "sys.exit(serve())")
DIED = "the snapshot process died (crashed in native code, or was killed)"


@dataclass
class Pair:
    """One diagram's comparison: its snapshot folder (before/, after/) and what came out of it."""

    snap: Path
    before: Path | None  # the spec as of the ref (None: added)
    after: Path | None  # the spec in the working tree (None: deleted)
    built: dict[str, str] = field(default_factory=dict)  # lang -> the after SVG the working tree's build drew
    same_svg: dict[str, bool] = field(default_factory=dict)  # lang -> both SVGs drawn and byte-identical
    pixels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> pixel_diff as a dict
    keys: dict[str, str] = field(default_factory=dict)  # side -> its snapshot's cache key
    errors: list[str] = field(default_factory=list)
    waiting: int = 0


class Side:
    """Up to `jobs` servers of one source tree, and the jobs waiting for one of them."""

    def __init__(self, tree: Path, env: dict[str, str], jobs: int, sel: selectors.BaseSelector) -> None:
        self.tree, self.env, self.jobs, self.sel = tree, env, max(1, jobs), sel
        self.queue: deque[tuple[Answer, Callable[[Answer], None]]] = deque()
        self.idle: list[subprocess.Popen] = []
        self.busy: dict[subprocess.Popen, tuple[Answer, Callable[[Answer], None]]] = {}
        self.started = 0
        self.n = 0

    def submit(self, job: Answer, done: Callable[[Answer], None], first: bool = False) -> None:
        """Queue a job; `done(answer)` is called with its answer (`first`: ahead of the others)."""
        self.n += 1
        item = ({**job, "n": self.n}, done)
        self.queue.appendleft(item) if first else self.queue.append(item)

    def dispatch(self) -> None:
        """Hand waiting jobs to idle servers, starting servers while there are fewer than `jobs`."""
        while self.queue:
            if not self.idle and len(self.busy) < self.jobs and self.started < 3 * self.jobs:
                self._start()
            if not self.idle:
                break
            proc, item = self.idle.pop(), self.queue.popleft()
            self.busy[proc] = item
            try:
                proc.stdin.write(json.dumps(item[0]) + "\n")
                proc.stdin.flush()
            except OSError:  # it died while idle: its answer will be the end of its output
                pass
        if self.queue and not self.busy and not self.idle:  # no server can be started any more
            while self.queue:
                self.queue.popleft()[1]({"error": DIED})

    def _start(self) -> None:
        self.started += 1
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(self.tree)], cwd=self.tree, env=self.env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.sel.register(proc.stdout, selectors.EVENT_READ, (self, proc))
        self.idle.append(proc)

    def answer(self, proc: subprocess.Popen) -> None:
        """Read one answer of `proc` and pass it on (a server that ended fails the job it had)."""
        line = proc.stdout.readline()
        _job, done = self.busy.pop(proc, (None, None))
        if line:
            self.idle.append(proc)
            answer = json.loads(line)
        else:
            self.sel.unregister(proc.stdout)
            if proc in self.idle:  # it ended between jobs
                self.idle.remove(proc)
            _end(proc)
            answer = {"error": DIED}
        if done is not None:
            done(answer)

    def warm(self, count: int) -> None:
        """Start up to `count` servers now (each imports the renderer while the parent prepares the jobs)."""
        while len(self.idle) + len(self.busy) < min(count, self.jobs):
            self._start()


def run_pairs(pairs: list[Pair], sides: dict[str, Side], legacy: list[subprocess.Popen] | None = None) -> None:
    """Snapshot, rasterise where needed and compare every pair with the servers of `sides` (before, after, on one
    selector); `legacy`: the before side's old-style processes already drawing every before/ snapshot (SVG and
    PNG), in which case no before job is sent. The servers are closed at the end."""
    sel = sides["after"].sel
    legacy = list(legacy or [])
    drawn = "before" if legacy else None
    on_legacy: list[Pair] = []

    def snapped(pair: Pair) -> None:
        pair.waiting -= 1
        if pair.waiting == 0:
            _rasterise(pair, sides, drawn)

    for pair in pairs:
        present = [side for side in ("before", "after") if getattr(pair, side) is not None]
        pair.waiting = len(present)  # all counted first: a snapshot from the cache is done at once
        for side in present:
            spec = getattr(pair, side)
            if side == "before" and legacy:
                on_legacy.append(pair)
            elif cached(pair, side, sides[side]):
                snapped(pair)
            else:
                sides[side].submit({"op": "snap", "spec": str(spec), "dest": str(pair.snap / side),
                                    **({"built": pair.built} if side == "after" and pair.built else {})},
                                   _on(pair, side, snapped))
    try:
        while True:
            for s in sides.values():
                s.dispatch()
            if legacy and all(p.poll() is not None for p in legacy):
                legacy = []
                for pair in on_legacy:
                    snapped(pair)
                continue
            busy = any(s.busy for s in sides.values())
            if not busy and not legacy:
                if any(s.queue for s in sides.values()):
                    continue  # a failed job queued the next step on a side already dispatched
                break
            for key, _ in sel.select(timeout=0.2 if legacy else None):
                side, proc = key.data
                side.answer(proc)
    finally:
        close(sides)
        for p in legacy:
            p.wait()


def close(sides: dict[str, Side]) -> None:
    """End every server: all told at once (their inputs closed), then waited for."""
    procs = [p for s in sides.values() for p in s.idle + list(s.busy)]
    for s in sides.values():
        for p in s.idle + list(s.busy):
            s.sel.unregister(p.stdout)
        s.idle, s.busy = [], {}
    for p in procs:
        _end(p, wait=False)
    for p in procs:
        _end(p)


def _end(proc: subprocess.Popen, wait: bool = True) -> None:
    """Close the server's input (it ends when its input does); with `wait`, wait for it (kill after 30 s)."""
    try:
        proc.stdin.close()
    except OSError:  # it died with input unread
        pass
    if not wait:
        return
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cached(pair: Pair, side: str, server: Side) -> bool:
    """Take the pair's snapshot on `side` from the cache here, without a server; whether it was there."""
    from .diff_snap import cache_get, snapshot_key

    key = snapshot_key(server.env.get("VIZSPEC_DIFF_TREE", ""), getattr(pair, side))
    if key and cache_get(key, pair.snap / side):
        pair.keys[side] = key
        return True
    return False


def _on(pair: Pair, side: str, then: Callable[[Pair], None]) -> Callable[[Answer], None]:
    def done(answer: Answer) -> None:
        if answer.get("error"):
            pair.errors.append(f"{side}: {answer['error']}")
        if answer.get("key"):
            pair.keys[side] = answer["key"]
        then(pair)
    return done


def _info(pair: Pair, side: str) -> dict[str, Any] | None:
    try:
        return json.loads((pair.snap / side / "snapshot.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _rasterise(pair: Pair, sides: dict[str, Side], drawn: str | None) -> None:
    """Both snapshots are there: PNGs for each language whose SVGs differ, then compare (`drawn`: a side whose
    PNGs are all there already)."""
    infos = {side: _info(pair, side) for side in ("before", "after")}
    svgs: dict[str, dict[str, bytes | None]] = {}
    for side, info in infos.items():
        outs = (info or {}).get("outputs") or {}
        svgs[side] = {lang: _read(pair.snap / side / outs[lang]["svg"]) if "svg" in outs.get(lang, {}) else None
                      for lang in LANGS}
    ok = all(info and info.get("ok") for info in infos.values())
    need: dict[str, list[str]] = {"before": [], "after": []}
    for lang in LANGS:
        b, a = svgs["before"][lang], svgs["after"][lang]
        pair.same_svg[lang] = bool(ok and b is not None and b == a)
        if pair.same_svg[lang]:
            continue
        for side in need:
            if svgs[side][lang] is not None and side != drawn and not (pair.snap / side / f"{lang}.png").is_file():
                need[side].append(lang)  # (a snapshot from the cache may have its PNGs)
    pair.waiting = 0

    def rastered(pair: Pair) -> None:
        pair.waiting -= 1
        if pair.waiting == 0:
            _compare(pair, sides)

    for side, langs in need.items():
        if langs:
            pair.waiting += 1
            sides[side].submit({"op": "png", "dest": str(pair.snap / side), "langs": langs,
                                "key": pair.keys.get(side)},
                               _on(pair, side, rastered), first=True)
    if pair.waiting == 0:
        _compare(pair, sides)


def _compare(pair: Pair, sides: dict[str, Side]) -> None:
    from .diff_snap import compared

    langs = []
    for lang in LANGS:
        b, a = (pair.snap / side / f"{lang}.png" for side in ("before", "after"))
        if pair.same_svg.get(lang) or not (b.is_file() and a.is_file()):
            continue
        hit = compared(b, a, pair.snap / f"overlay.{lang}.png")
        if hit is None:
            langs.append(lang)
        else:
            pair.pixels[lang] = hit
    if not langs:
        return

    def done(answer: Answer) -> None:
        if answer.get("error"):
            pair.errors.append(f"compare: {answer['error']}")
        pair.pixels.update(answer.get("pixels") or {})

    sides["after"].submit({"op": "compare", "before": str(pair.snap / "before"), "after": str(pair.snap / "after"),
                           "dest": str(pair.snap), "langs": langs}, done, first=True)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def server_env(tree_key: str, cache: Path, scale: float) -> dict[str, str]:
    """The environment of a side's servers: its tree's cache key, the cache, the comparison's PNG scale."""
    return {**os.environ, "VIZSPEC_CACHE": str(cache), "VIZSPEC_DIFF_TREE": tree_key, "VIZSPEC_PNG_SCALE": str(scale)}
