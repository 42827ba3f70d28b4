"""Benchmark `vizspec diff REF`: a renderer change (every diagram) and a spec-only change, each cold, with the
base side cached, and rerun.

Runs the real command line (`python -m renderer.app.cli diff HEAD~1`) in a private git repository holding a copy
of this work tree (tracked and untracked files), with its own cache folder:

- cold: an empty cache (no snapshot, no compute result);
- base cached: the same base commit, a different change (what every push to a pull request against the same base
  does): the base side's snapshots are in the cache, the changed side's are not;
- rerun: the same diff again;
- base cached, after built: a third change, drawn by `render --changed` first as CI does (not timed); the diff
  takes the after side's SVGs from build/;
- primed base, after built (renderer change): a pull request in CI: the base commit drawn by `render all` and
  kept by `diff --prime` (as main's job does), the change drawn by `render --changed`, a cache holding only
  that (none of the timing runs before it).

    .venv/bin/python benchmarks/diff.py                 # both scenarios
    .venv/bin/python benchmarks/diff.py --only spec     # the spec-only change
    .venv/bin/python benchmarks/diff.py --rev main      # the code of another commit, to compare
    .venv/bin/python benchmarks/diff.py --only renderer --specs 51   # a renderer change touching 51 diagrams
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTANT = ("renderer/layout/base.py", r"(?m)^PART_PAD = [\d.]+", "PART_PAD = {}")  # moves every diagram's edges
SPEC_EDITS = 2  # specs whose English title gets a suffix; one more gets a comment (changed file, same picture)
TITLE = re.compile(r'(?m)^(title: \{en: "[^"]*)"')


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def copy_work_tree(dst: Path, rev: str | None = None, keep: int | None = None) -> None:
    """Tracked and untracked (not ignored) files of this work tree (or the files of commit `rev`) into a new
    repository, one commit (`keep`: only the first `keep` specs by path, the collection's before the examples)."""
    dst.mkdir(parents=True, exist_ok=True)
    if rev:
        tar = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(dst)], input=tar.stdout, check=True)
    else:
        files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
        for f in filter(None, files):
            src = ROOT / f
            if src.is_file() and not src.is_symlink():
                (dst / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst / f)
    if keep is not None:  # the collection's diagrams first, then the examples
        specs = sorted((dst / "specs").rglob("*.yaml"), key=lambda p: ("_examples" in p.parts, p))
        for p in specs[keep:]:
            p.unlink()
    git(dst, "init", "-q")
    git(dst, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "add", "-A")
    commit(dst, "base")


def commit(repo: Path, message: str, amend: bool = False) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "--no-verify",
        *(["--amend"] if amend else []), "-m", message)


def set_constant(repo: Path, value: float) -> None:
    rel, pattern, repl = CONSTANT
    p = repo / rel
    text, n = re.subn(pattern, repl.format(value), p.read_text(encoding="utf-8"), count=1)
    if not n:
        raise SystemExit(f"{rel}: {pattern} not found; update benchmarks/diff.py")
    p.write_text(text, encoding="utf-8")


def edit_specs(repo: Path, suffix: str) -> list[str]:
    """Suffix the English title of SPEC_EDITS specs and add a comment to one more; the files edited."""
    done = []
    for p in sorted((repo / "specs").rglob("*.yaml")):
        if "_examples" in p.parts:
            continue
        text = p.read_text(encoding="utf-8")
        if len(done) < SPEC_EDITS:
            text, n = TITLE.subn(lambda m: f'{m.group(1)} {suffix}"', text, count=1)
            if not n:
                continue
        else:
            text += f"\n# benchmark {suffix}: the file changed, the picture did not\n"
        p.write_text(text, encoding="utf-8")
        done.append(p.relative_to(repo).as_posix())
        if len(done) > SPEC_EDITS:
            return done
    return done


def run_diff(repo: Path, cache: Path, out: Path) -> dict:
    """One `vizspec diff HEAD~1`: wall seconds, diagrams, changed ones, and the summary's text."""
    env = {**os.environ, "CI": "true", "VIZSPEC_CACHE": str(cache)}
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "renderer.app.cli", "diff", "HEAD~1", "--out", str(out)], cwd=repo,
                       env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the diff and its (waited-for) worker processes
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    if p.returncode not in (0, 1):
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(f"diff failed: exit {p.returncode}")
    data = json.loads((out / "diff.json").read_text(encoding="utf-8"))["diagrams"]
    return {"wall": wall, "cpu": cpu, "diagrams": len(data), "changed": sum(d["status"] != "unchanged" for d in data),
            "verdicts": {d["id"]: d["status"] for d in data}, "summary": (out / "summary.md").read_text()}


def scenario(work: Path, name: str, rev: str | None = None, keep: int | None = None) -> list[tuple[str, dict]]:
    """Cold, base cached and rerun timings of one kind of change, in a fresh repository and cache."""
    repo, cache, out = work / name / "repo", work / name / "cache", work / name / "out"
    copy_work_tree(repo, rev, keep)
    if name == "renderer":
        set_constant(repo, 5.0)
    else:
        edit_specs(repo, "(v2)")
    commit(repo, f"bench: {name} change")
    rows = [("cold", run_diff(repo, cache, out))]
    if name == "renderer":
        set_constant(repo, 6.0)
    else:
        git(repo, "checkout", "-q", "HEAD~1", "--", "specs")
        edit_specs(repo, "(v3)")
    commit(repo, f"bench: another {name} change", amend=True)
    rows.append(("base cached", run_diff(repo, cache, out)))
    rows.append(("rerun", run_diff(repo, cache, out)))
    if name == "renderer":  # as CI runs it: `render --changed` drew build/ first (not timed), then the diff
        set_constant(repo, 7.0)
    else:
        git(repo, "checkout", "-q", "HEAD~1", "--", "specs")
        edit_specs(repo, "(v4)")
    commit(repo, f"bench: a third {name} change", amend=True)
    subprocess.run([sys.executable, "-m", "renderer.app.cli", "render", "--changed", "HEAD~1", "--format", "svg"],
                   cwd=repo, env={**os.environ, "CI": "true", "VIZSPEC_CACHE": str(cache)}, check=True,
                   capture_output=True)
    rows.append(("base cached, after built", run_diff(repo, cache, out)))
    if name == "renderer":  # a PR in CI: main's job drew build/ and primed, the PR's drew its change (not timed)
        primed = work / name / "cache-primed"  # nothing else in it: what main's job left
        env = {**os.environ, "CI": "true", "VIZSPEC_CACHE": str(primed)}
        cli = [sys.executable, "-m", "renderer.app.cli"]
        git(repo, "checkout", "-q", "HEAD~1", "--", ".")  # the base commit's files
        for args in (["render", "all", "--format", "svg"], ["diff", "--prime"]):
            subprocess.run(cli + args, cwd=repo, env=env, check=True, capture_output=True)
        git(repo, "checkout", "-q", "HEAD", "--", ".")
        subprocess.run(cli + ["render", "--changed", "HEAD~1", "--format", "svg"], cwd=repo, env=env, check=True,
                       capture_output=True)
        rows.append(("primed base, after built", run_diff(repo, primed, out)))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("renderer", "spec"), help="run one scenario")
    ap.add_argument("--rev", help="time the code of this commit instead of the work tree (e.g. before a change)")
    ap.add_argument("--specs", type=int, help="keep only the first N specs (by path, examples last): a "
                    "renderer change then touches N diagrams")
    ap.add_argument("--json", type=Path, help="also write the figures (and each run's verdicts) as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the work folder and print its path")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vizspec-diff-bench-"))
    load0 = os.getloadavg()[0]
    try:
        results = {name: scenario(work, name, args.rev, args.specs) for name in ("renderer", "spec")
                   if args.only in (None, name)}
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"vizspec diff HEAD~1 — code of {args.rev or 'the work tree'}, {cores} cores; load average "
              f"{load0:.1f} before, {os.getloadavg()[0]:.1f} after (figures assume an otherwise idle machine)\n")
        print(f"{'change':10}  {'run':24}  {'seconds':>8}  {'CPU s':>8}  {'diagrams':>8}  {'changed':>7}")
        for name, rows in results.items():
            for run, r in rows:
                print(f"{name:10}  {run:24}  {r['wall']:8.1f}  {r['cpu']:8.1f}  {r['diagrams']:8}  {r['changed']:7}")
        print("\nseconds: wall clock; CPU s: user + system time of the diff and its worker processes (what a busy "
              "machine does not inflate)")
        if args.json:
            args.json.write_text(json.dumps({n: [{"run": run, **r} for run, r in rows] for n, rows in results.items()},
                                            indent=1, ensure_ascii=False))
        return 0
    finally:
        if args.keep:
            print(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
