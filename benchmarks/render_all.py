"""Benchmark `vizspec render all`: cold, warm (nothing changed) and one-spec-changed builds, stages, memory.

Runs the real command line (`python -m renderer.app.cli render …`) on a private copy of the code and the
specs, with an empty compute cache and output folder, as CI would (CI=true: plain progress lines). `--count N`
replicates the specs under new ids until there are N diagrams, to measure at the size of the full
collection while it is still being written.

    .venv/bin/python benchmarks/render_all.py                 # the specs as they are
    .venv/bin/python benchmarks/render_all.py --count 120     # 120 diagrams (copies of the specs)
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# issue 16, on a 2-core machine: cold 10 s for the full ~125 specs (4 s for 51), warm 0.1 s, one changed 0.3 s
TARGETS = {"cold": 10.0, "warm": 0.1, "one": 0.3, "peak_mb": 400.0}  # seconds / MB
FULL = 125  # specs in the full collection; the cold target scales with the number of specs
_PAGE = os.sysconf("SC_PAGE_SIZE")


def copy_specs(src: Path, dst: Path, count: int) -> int:
    """Copy every spec; with `count`, add copies under new ids until there are `count` diagrams."""
    specs = sorted(src.rglob("*.yaml"))
    n = 0
    for p in specs:
        target = dst / p.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
        n += 1
    k = 1
    while count and n < count:
        for p in specs:
            if n >= count:
                break
            text = p.read_text(encoding="utf-8")
            suffix = f"-copy{k}"
            text, subs = re.subn(r"(?m)^id:\s*([a-z0-9-]+)\s*$", lambda m, s=suffix: f"id: {m.group(1)}{s}", text,
                                 count=1)
            if not subs:
                continue
            target = dst / p.relative_to(src).parent / f"{p.stem}-copy{k}.yaml"
            target.write_text(text, encoding="utf-8")
            n += 1
        k += 1
    return n


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (sum of RSS; shared pages count in each)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo += children.get(p, [])
    return total


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a command; (wall seconds, peak RSS of its process tree in bytes, the completed process)."""
    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    return wall, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--specs", type=Path, default=ROOT / "specs", help="spec folder (default: specs/)")
    ap.add_argument("--count", type=int, default=0, help="replicate specs up to this many diagrams")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    ap.add_argument("--format", default=None, help="formats (default: every available backend)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the work folder and print its path")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="do not compile the copied code first (scripts/setup.sh compiles a checkout)")
    args = ap.parse_args(argv)

    from renderer.backends import available

    formats = args.format or ",".join(available())
    work = Path(tempfile.mkdtemp(prefix="vizspec-bench-"))
    try:
        # a frozen copy of the code: edits to the work tree while this runs must not count as changes
        tree = work / "tree"
        for d in ("renderer", "compute", "templates"):
            shutil.copytree(ROOT / d, tree / d, ignore=shutil.ignore_patterns("__pycache__"))
        if not args.no_bytecode:  # as scripts/setup.sh leaves a checkout
            subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "renderer", "compute"], cwd=tree,
                           check=True, stdout=subprocess.DEVNULL)
        specs = tree / "specs"
        n = copy_specs(args.specs, specs, args.count)
        out = work / "build"
        env = {**os.environ, "CI": "true", "VIZSPEC_CACHE": str(work / "cache")}
        base = [sys.executable, "-m", "renderer.app.cli", "render", str(specs), "--out", str(out), "--format", formats]
        if args.jobs:
            base += ["--jobs", str(args.jobs)]

        def build(name: str) -> dict:
            report = work / f"{name}.json"
            wall, peak, proc = run(base + ["--report", str(report)], env, tree)
            if proc.returncode not in (0, 1):
                sys.stderr.write(proc.stderr)
                raise SystemExit(f"render failed ({name}): exit {proc.returncode}")
            data = json.loads(report.read_text())
            data.update(wall=wall, peak=peak)
            return data

        cold = build("cold")
        warm = build("warm")
        timed = sorted((r["seconds"], r["path"]) for r in cold["results"] if r["status"] == "rendered")
        victim = Path(timed[len(timed) // 2][1]) if timed else sorted(specs.rglob("*.yaml"))[0]  # a typical one
        with open(victim, "a", encoding="utf-8") as f:
            f.write("\n# benchmark: one changed spec\n")
        one = build("one")
        children_maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"vizspec render all — {n} specs ({cold['rendered']} rendered, {cold['failed']} failed), "
              f"formats {formats}, 2 languages, {cores} cores, jobs {args.jobs or cores}; "
              f"bytecode {'not compiled' if args.no_bytecode else 'compiled (as scripts/setup.sh does)'}, "
              f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
        slow = sorted(cold["results"], key=lambda r: -r["seconds"])[:3]
        rows = [
            ("cold render all", f"{cold['wall']:.2f} s", f"≤ {TARGETS['cold'] * n / FULL:.1f} s"
             f" ({n}/{FULL} of {TARGETS['cold']:.0f} s)", cold["wall"] <= TARGETS["cold"] * n / FULL),
            ("warm (no change)", f"{warm['wall']:.2f} s", f"≤ {TARGETS['warm']:.1f} s",
             warm["wall"] <= TARGETS["warm"]),
            ("  of which planning", f"{warm['plan_seconds']:.3f} s", "", None),
            (f"one spec changed ({victim.stem})", f"{one['wall']:.2f} s ({one['rendered']} rendered)",
             f"≤ {TARGETS['one']:.1f} s",
             one["wall"] <= TARGETS["one"]),
            ("peak memory, process tree", f"{cold['peak'] / 2**20:.0f} MB", f"≤ {TARGETS['peak_mb']:.0f} MB",
             cold["peak"] / 2**20 <= TARGETS["peak_mb"]),
            ("peak memory, largest process", f"{children_maxrss / 2**20:.0f} MB", "", None),
        ]
        w = max(len(r[0]) for r in rows)
        print(f"\n{'metric':{w}}  {'value':>24}  {'target':28}  ok")
        for name, value, target, ok in rows:
            print(f"{name:{w}}  {value:>24}  {target:28}  {'' if ok is None else 'yes' if ok else 'NO'}")
        total = sum(cold["stages"].values()) or 1.0
        print(f"\ncold build, time per stage (summed over worker processes, {total:.2f} s of CPU work):")
        for stage, sec in sorted(cold["stages"].items(), key=lambda kv: -kv[1]):
            per = 1000 * sec / max(1, cold["rendered"])
            print(f"  {stage:8} {sec:8.2f} s  {100 * sec / total:5.1f} %   {per:7.1f} ms per diagram")
        print("slowest diagrams (cold): " + ", ".join(
            f"{r['id'] or Path(r['path']).stem} {r['seconds']:.1f} s ("
            + ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1])[:2]) + ")"
            for r in slow))
        print(f"load average during the run: {os.getloadavg()[0]:.1f} (figures assume an otherwise idle machine)")
        if args.json:
            figures = {"specs": n, "formats": formats, "cores": cores, "cold_s": cold["wall"],
                       "warm_s": warm["wall"], "warm_plan_s": warm["plan_seconds"], "one_changed_s": one["wall"],
                       "one_changed_rendered": one["rendered"], "one_changed_spec": victim.stem,
                       "peak_tree_mb": cold["peak"] / 2**20,
                       "peak_process_mb": children_maxrss / 2**20, "stages_s": cold["stages"]}
            args.json.write_text(json.dumps(figures, indent=1))
        return 0
    finally:
        if args.keep:
            print(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
