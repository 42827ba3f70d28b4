"""Per-spec budgets in `render all` and `watch`: one spec over its time or memory, or whose worker dies, fails
alone with a located error; the pool is replaced and the other specs of the same build still render.

The budgets are made small (and the misbehaving stage is faked) by monkeypatching in this process: the
build's pool forks, so its workers see the same patches. A faked stage gives up after GUARD seconds, so
these tests end in bounded time even without the budgets.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

import renderer.layout
from renderer.app import build as build_mod
from renderer.app.build import build, find_specs
from renderer.spec import budget

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "build"
SVG = ("svg",)
OTHERS = {"fx-softmax", "fx-returns", "fx-component"}
real_layout = renderer.layout.layout


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the four fixture specs, with the environment key pinned."""
    monkeypatch.setattr(build_mod, "environment_key", lambda: "pinned-env")
    dst = tmp_path / "specs"
    shutil.copytree(FIXTURES, dst)
    return dst


def misbehave_on(monkeypatch: pytest.MonkeyPatch, diagram_id: str, action) -> None:
    """Make layout run `action()` for one diagram (in this process and in forked workers)."""
    def fake(bound, theme):
        if bound.diagram.id == diagram_id:
            action()
        return real_layout(bound, theme)

    monkeypatch.setattr(renderer.layout, "layout", fake)


def by_id(report) -> dict[str, object]:
    return {Path(r.path).stem: r for r in report.results}


GUARD = 60.0  # a misbehaving stage gives up after this long, so a missing budget fails the test, never hangs it


def spin_forever() -> None:
    end = time.monotonic() + GUARD
    while time.monotonic() < end:
        time.sleep(0.01)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def ignore_alarms_and_spin() -> None:
    """What native code stuck in a loop looks like: the alarm never gets through."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    end = time.monotonic() + GUARD
    while time.monotonic() < end:
        pass
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})


def hog_memory() -> None:
    bytearray(8 * 1024**3)


def assert_only_plain_failed(report, message: str) -> None:
    results = by_id(report)
    assert {k for k, r in results.items() if r.status == "rendered"} == OTHERS
    plain = results["fx-plain"]
    assert plain.status == "failed" and len(plain.problems) == 1
    assert plain.problems[0].startswith(f"{plain.path}:1:1: error: ")
    assert message in plain.problems[0]
    assert "Traceback" not in plain.problems[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spec_over_its_wall_time_fails_located_and_the_others_render(specs, tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(budget, "SPEC_SECONDS", 3.0)
    misbehave_on(monkeypatch, "fx-plain", spin_forever)
    report = build(find_specs(specs), tmp_path / "out", SVG, jobs=jobs, gallery=False)
    assert_only_plain_failed(report, "rendering took longer than 3 s (limit spec_seconds = 3) (stopped in layout)")


def test_a_spec_over_its_memory_fails_located_and_the_others_render(specs, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "SPEC_MEMORY_BYTES", 500 * 1024**2)
    misbehave_on(monkeypatch, "fx-plain", hog_memory)
    report = build(find_specs(specs), tmp_path / "out", SVG, jobs=2, gallery=False)
    assert_only_plain_failed(report, f"rendering needs more memory than allowed (limit spec_memory_bytes = "
                                     f"{500 * 1024**2}) (stopped in layout)")


def test_a_worker_that_dies_fails_only_its_spec_and_the_pool_is_replaced(specs, tmp_path, monkeypatch):
    misbehave_on(monkeypatch, "fx-plain", die)
    report = build(find_specs(specs), tmp_path / "out", SVG, jobs=2, gallery=False)
    assert_only_plain_failed(report, "the worker process rendering this spec died")
    for did in OTHERS:
        assert (tmp_path / "out" / "svg" / "en" / f"{did}.svg").is_file()


def test_native_code_that_ignores_the_alarm_is_killed_by_the_cpu_backstop(specs, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "SPEC_SECONDS", 1.0)
    misbehave_on(monkeypatch, "fx-plain", ignore_alarms_and_spin)
    report = build(find_specs(specs), tmp_path / "out", SVG, jobs=2, gallery=False)
    assert_only_plain_failed(report, "the worker process rendering this spec died")


def test_watch_keeps_building_later_saves_after_a_worker_died(specs, tmp_path, monkeypatch):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from renderer.app import watch as watch_mod

    def fork_pool(jobs=None, warm=True):  # the watcher's pool spawns; forked workers see the patches
        return ProcessPoolExecutor(max_workers=jobs or 2, mp_context=multiprocessing.get_context("fork"))

    monkeypatch.setattr(watch_mod, "new_pool", fork_pool)
    monkeypatch.setattr(build_mod, "new_pool", fork_pool)
    misbehave_on(monkeypatch, "fx-plain", die)
    w = watch_mod.Watcher(specs, tmp_path / "out", SVG, port=0, jobs=2, watch_paths=[specs], log=lambda _m: None)
    try:
        w.rebuild()
        assert {e["id"] for e in w.state.errors} == {"fx-plain"}
        assert set(w.state.rendered) == OTHERS
        spec = next(p for p in find_specs(specs) if p.stem == "fx-softmax")
        spec.write_text(spec.read_text().replace("Softmax of three logits", "Softmax after a save"))
        w.rebuild({str(spec)})
        assert "fx-softmax" in w.state.rendered
        assert "Softmax after a save" in (tmp_path / "out" / "svg" / "en" / "fx-softmax.svg").read_text()
    finally:
        w._close_pool()


def test_render_all_with_an_over_sized_scene_renders_the_others_and_exits_1(specs, tmp_path):
    """A real spec (400 boxes of 2000 × 2000 px, every field in range) among normal ones, PNG included."""
    import subprocess
    import sys

    hostile = Path(__file__).resolve().parents[1] / "hostile" / "canvas-400-huge-boxes.yaml"
    shutil.copyfile(hostile, specs / "basics" / "huge.yaml")
    out = tmp_path / "out"
    env = {**os.environ, "VIZSPEC_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "renderer.app.cli", "render", str(specs), "--out", str(out),
                          "--format", "svg,png", "--jobs", "2", "--no-gallery"],
                         capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "huge.yaml:5:3: error: the diagram is 40,376 × 40,419 px (limit max_canvas_side = 20000 px)" \
        in run.stderr
    for did in (*OTHERS, "fx-plain"):
        assert (out / "png" / "en" / f"{did}.png").is_file()


def test_compute_calls_share_one_time_budget_per_spec(tmp_path, monkeypatch):
    """Each call is under compute_seconds, but together they are over compute_total_seconds: located."""
    from renderer.bind import bind, binder
    from renderer.spec.errors import SpecError
    from renderer.spec.loader import load

    def slow_call(fn, args, source, use_cache=True):
        time.sleep(0.4)
        return {"probs": [0.5, 0.5]}

    monkeypatch.setattr(binder, "COMPUTE_TOTAL_SECONDS", 1.0)
    monkeypatch.setattr(binder, "call_cached", slow_call)
    # distinct arguments: calls alike in every way run once per spec
    calls = "".join(f"  c{i}: {{fn: sampling.softmax, args: {{logits: [1.0, {i}.5]}}}}\n" for i in range(20))
    path = tmp_path / "s.yaml"
    path.write_text("id: s\nchapter: test\ntitle: S\ncompute:\n" + calls + "body: {box: a}\n", encoding="utf-8")
    with pytest.raises(SpecError) as e:
        bind(load(path), use_cache=False)
    msg = str(e.value.problems[0])
    assert msg.startswith(f"{path}:")
    assert ": error: sampling.softmax: compute calls took longer than 1 s together (limit " \
           "compute_total_seconds = 1)" in msg
    line = int(msg.split(":")[1])
    assert 7 <= line <= 10  # the third or a later call, not the first
