"""`vizspec diff --prime`: keep this work tree's snapshot of every spec in the cache for later diffs.

A diff draws its base side with the ref's sources; the snapshots are cached by the hash of those sources and
the spec's bytes (diff_snap). Primed on the base branch right after `render all`, a later diff against that
commit (a pull request on it) finds its whole base side ready: the SVGs come from build/ where its stamps say
they are current, so priming costs a load and bind per spec. The diff cache is then trimmed to its size limit,
least recently used snapshots first, since every commit's sources key a new set.
"""

from __future__ import annotations

import os
import selectors
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .build import default_jobs, find_specs
from .diff_snap import cache_has, snapshot_key

DIFF_CACHE_MB = 1024  # default limit of the diff cache (env VIZSPEC_DIFF_CACHE_MB)


@dataclass
class Primed:
    """What priming did: specs seen, snapshots drawn, already in the cache, failed; cache entries removed."""

    specs: int
    drawn: int
    cached: int
    failed: list[str]
    removed: int


def prime(specs_dir: Path | None = None, workers: int | None = None) -> Primed:
    """Snapshot every spec under `specs_dir` (default: the repository's specs/) with the working tree's sources
    into the diff cache, as the base side of a later diff against this commit would draw it."""
    from .gitdiff import _built_svgs, _servers, _side, builds_here, repo_root, working_tree

    root = repo_root(specs_dir if specs_dir and Path(specs_dir).is_dir() else None)
    specs = find_specs(Path(specs_dir or root / "specs").resolve())
    failed: list[str] = []
    drawn = 0
    sides: dict = {}
    with tempfile.TemporaryDirectory(prefix="vizspec-prime-") as tmp, _servers(sides):
        tmp = Path(tmp)
        tree = working_tree(root, tmp / "tree")  # as a diff draws the working tree's side
        poller = selectors.DefaultSelector()
        side = sides["after"] = _side(tree, workers or default_jobs(), poller)
        key = side.env.get("VIZSPEC_DIFF_TREE", "")
        todo = [s for s in specs if not cache_has(snapshot_key(key, s))]
        built = _built_svgs(todo) if builds_here(tree, root) else {}
        side.warm(len(todo))

        def done(spec: Path):
            def answer(a: dict) -> None:
                nonlocal drawn
                drawn += 1
                if a.get("error"):
                    failed.append(f"{spec}: {a['error']}")
            return answer

        for i, s in enumerate(todo):
            side.submit({"op": "snap", "spec": str(s), "dest": str(tmp / "snaps" / str(i)),
                         **({"built": built[str(s)]} if str(s) in built else {})}, done(s))
        while side.queue or side.busy:
            side.dispatch()
            for k, _ in poller.select():
                k.data[0].answer(k.data[1])
    return Primed(len(specs), drawn, len(specs) - len(todo), failed, trim_cache())


def trim_cache(limit_mb: float | None = None) -> int:
    """Remove the least recently used diff snapshots and comparisons until the diff cache is within
    `limit_mb` (default env VIZSPEC_DIFF_CACHE_MB, else DIFF_CACHE_MB); how many entries were removed."""
    from .. import trust

    if limit_mb is None:
        try:
            limit_mb = float(os.environ.get("VIZSPEC_DIFF_CACHE_MB", DIFF_CACHE_MB))
        except ValueError:
            limit_mb = DIFF_CACHE_MB
    entries = []
    for kind in ("diff", "diff-compare"):
        top = trust.cache_dir() / kind
        for entry in top.glob("??/*") if top.is_dir() else ():
            if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith("."):
                stats = [entry.stat(), *(p.stat() for p in entry.rglob("*") if p.is_file())]
                entries.append((max(st.st_mtime for st in stats), sum(st.st_size for st in stats[1:]), entry))
    total, removed = sum(size for _u, size, _e in entries), 0
    for _used, size, entry in sorted(entries, key=lambda e: e[0]):
        if total <= limit_mb * 1e6:
            break
        shutil.rmtree(entry, ignore_errors=True)
        total -= size
        removed += 1
    return removed
