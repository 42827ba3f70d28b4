"""Benchmark vizspec against Graphviz `dot` on the same 12-node, 14-edge flowchart (issue 16).

Each workload runs as whole processes, vizspec and `dot` alternately, several times; the table shows the
medians and the median of the pair-by-pair ratios (so a noisy moment slows both sides of a pair), in wall
time (the targets) and in CPU time (steadier on a shared machine):

- W1: one flowchart → SVG, one process (`vizspec render flow.yaml --format svg --lang en`; `dot -Tsvg`)
- W2: 120 label variants → SVG in one call (`vizspec render <folder>`; `dot -Tsvg -O *.dot`)
- W3: one flowchart → PNG at 2× (`vizspec render --format png`; `dot -Tpng -Gdpi=192`)

plus the per-diagram cost of the PNG and PPTX backends inside one process (median of repeated calls on
the laid-out scene, after one warm-up call; the first call, which loads fonts, is shown too).

    .venv/bin/python benchmarks/peers.py            # 7 runs of each workload
    .venv/bin/python benchmarks/peers.py --runs 11
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (workload, today in issue 16, target): ratios are vizspec ÷ dot, times are ms in-process
TARGETS = {"W1": ("31× dot", 8.0), "W2": ("7.3× dot", 2.0), "W3": ("6.7× dot", 2.0),
           "png": ("84-115 ms", 20.0), "pptx": ("32-45 ms", 8.0)}
STEPS = ["Start", "Load data", "Tokenize", "Embed", "Attention", "MLP", "Norm", "Logits", "Loss", "Backward",
         "Update", "Done"]
EDGES = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (4, 6),
         (10, 3), (8, 11)]


def labels(variant: int) -> list[str]:
    """The node labels of one variant (variant 0 is the plain flowchart)."""
    return [f"{s} {variant}" if i == 0 else s for i, s in enumerate(STEPS)]


def spec_yaml(variant: int = 0) -> str:
    """The flowchart as a vizspec spec: a `graph` element, top to bottom, one labelled back edge."""
    nodes = "\n".join(f'      - {{id: n{i}, text: "{t}"}}' for i, t in enumerate(labels(variant)))
    edges = "\n".join(f"      - {{from: n{a}, to: n{b}{', label: next' if (a, b) == (10, 3) else ''}}}"
                      for a, b in EDGES)
    return (f"id: peer-flow-{variant}\nchapter: bench\n"
            f'title: {{en: "Peer flowchart {variant}", zh: "对照流程图 {variant}"}}\n'
            f'caption: {{en: "Twelve steps.", zh: "十二步。"}}\n'
            f"body:\n  graph:\n    id: g\n    direction: TB\n    nodes:\n{nodes}\n    edges:\n{edges}\n")


def dot_source(variant: int = 0) -> str:
    """The same flowchart as DOT, styled like a plain flowchart (rounded filled boxes)."""
    nodes = "\n".join(f'  n{i} [label="{t}"];' for i, t in enumerate(labels(variant)))
    edges = "\n".join(f"  n{a} -> n{b}{' [label=next]' if (a, b) == (10, 3) else ''};" for a, b in EDGES)
    return (f'digraph peer{variant} {{\n  node [shape=box, style="rounded,filled", fillcolor="#74CCF4", '
            f'fontname="Noto Sans CJK SC"];\n  edge [fontname="Noto Sans CJK SC"];\n{nodes}\n{edges}\n}}\n')


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and the children it waited for) of one command."""
    t0, c0 = time.perf_counter(), _cpu()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return wall, cpu


def pairs(work: Path, runs: int) -> dict[str, dict]:
    """Run W1-W3 for vizspec and dot alternately; per workload the two medians and the median ratio."""
    one, many = work / "one", work / "many"
    one.mkdir()
    many.mkdir()
    (one / "flow.yaml").write_text(spec_yaml(0), encoding="utf-8")
    (one / "flow.dot").write_text(dot_source(0), encoding="utf-8")
    for v in range(120):
        (many / f"flow-{v}.yaml").write_text(spec_yaml(v), encoding="utf-8")
        (many / f"flow-{v}.dot").write_text(dot_source(v), encoding="utf-8")
    env = {**os.environ, "VIZSPEC_CACHE": str(work / "cache")}
    viz = [sys.executable, "-m", "renderer.app.cli", "render", "--lang", "en", "--no-gallery"]
    counter = iter(range(10**6))

    def out() -> str:  # a fresh output folder every run: nothing is up to date
        return str(work / f"out-{next(counter)}")

    workloads = {
        "W1": (lambda: viz + [str(one / "flow.yaml"), "--format", "svg", "--out", out()],
               lambda: ["dot", "-Tsvg", str(one / "flow.dot"), "-o", out() + ".svg"]),
        "W2": (lambda: viz + [str(many), "--format", "svg", "--out", out()],
               lambda: ["dot", "-Tsvg", "-O", *sorted(str(p) for p in many.glob("*.dot"))]),
        "W3": (lambda: viz + [str(one / "flow.yaml"), "--format", "png", "--scale", "2", "--out", out()],
               lambda: ["dot", "-Tpng", "-Gdpi=192", str(one / "flow.dot"), "-o", out() + ".png"]),
    }
    results = {}
    for name, (vcmd, dcmd) in workloads.items():
        _timed(vcmd(), env), _timed(dcmd(), env)  # one unmeasured pair: OS file cache warm for both
        v, d = [], []
        for _ in range(runs):
            v.append(_timed(vcmd(), env))
            d.append(_timed(dcmd(), env))
        med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
        results[name] = {"vizspec": med(v, 0), "dot": med(d, 0), "vizspec_cpu": med(v, 1), "dot_cpu": med(d, 1),
                         "ratio": statistics.median(a[0] / b[0] for a, b in zip(v, d, strict=True)),
                         "cpu_ratio": statistics.median(a[1] / max(b[1], 1e-3) for a, b in zip(v, d, strict=True))}
    return results


def in_process(runs: int) -> dict[str, dict]:
    """Milliseconds per call of each backend on the laid-out flowchart (first call, median of the rest)."""
    from renderer.backends import drawer
    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.spec.loader import load

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "flow.yaml"
        path.write_text(spec_yaml(0), encoding="utf-8")
        scene = layout(bind(load(path), use_cache=False).for_lang("en"), load_theme())
    out = {}
    for fmt in ("svg", "png", "pptx"):
        draw = drawer(fmt)
        t0 = time.perf_counter()
        draw(scene)
        first = time.perf_counter() - t0
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            draw(scene)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[fmt] = {"first_ms": 1000 * first, "ms": 1000 * statistics.median(times),
                    "cpu_ms": 1000 * statistics.median(cpu)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="measured runs of each workload (default 7)")
    args = ap.parse_args(argv)
    if shutil.which("dot") is None:
        raise SystemExit("peers: Graphviz `dot` is not installed")
    work = Path(tempfile.mkdtemp(prefix="vizspec-peers-"))
    try:
        procs = pairs(work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    inproc = in_process(max(args.runs, 10))

    writing = "off (PYTHONDONTWRITEBYTECODE=1)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    compiled = any((ROOT / "renderer").glob("__pycache__/*.pyc"))
    print(f"vizspec vs Graphviz dot — {args.runs} alternating runs per workload, medians; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; renderer bytecode "
          f"{'compiled' if compiled else 'not compiled'}, bytecode writing {writing}")
    rows = [
        ("W1 one flowchart → SVG, one process", "W1"),
        ("W2 120 flowcharts → SVG, one call", "W2"),
        ("W3 one flowchart → PNG 2×, one process", "W3"),
    ]
    table = []
    for label, key in rows:
        r, (today, target) = procs[key], TARGETS[key]
        measured = (f"{r['ratio']:.1f}× dot ({r['vizspec']:.3f} s vs {r['dot']:.3f} s; CPU {r['cpu_ratio']:.1f}×: "
                    f"{r['vizspec_cpu']:.3f} s vs {r['dot_cpu']:.3f} s)")
        table.append((label, today, f"≤ {target:g}× dot", measured, r["ratio"] <= target))
    for label, key in (("PNG 2× in-process", "png"), ("PPTX per diagram in-process", "pptx")):
        r, (today, target) = inproc[key], TARGETS[key]
        measured = f"{r['ms']:.1f} ms (CPU {r['cpu_ms']:.1f} ms; first call {r['first_ms']:.0f} ms)"
        table.append((label, today, f"≤ {target:g} ms", measured, r["ms"] <= target))
    print("\n| workload | today (issue 16) | target | measured | met |\n|---|---|---|---|---|")
    for label, today, target, measured, ok in table:
        print(f"| {label} | {today} | {target} | {measured} | {'yes' if ok else 'NO'} |")
    print(f"\n(SVG in-process: {inproc['svg']['ms']:.1f} ms per diagram. In-process times are the median of "
          f"{max(args.runs, 10)} calls after a first one, which imports the backend and loads fonts.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
