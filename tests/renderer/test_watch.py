"""`vizspec watch`: serves the gallery, re-renders on save, reports a broken save instead of crashing."""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from renderer.app import build as build_mod
from renderer.app.watch import LIVE_JS_PATH, STATUS_PATH, Watcher

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "build"
CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 90.0  # a rebuild spawns fresh worker processes; generous for a busy 2-core machine


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


def status(w: Watcher) -> dict:
    return json.loads(get(w.url.rstrip("/") + STATUS_PATH))


def wait_for(pred, what: str, timeout: float = TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def watching(tmp_path, monkeypatch):
    """A watcher on a private copy of two fixture specs, serving on a free port, stopped afterwards."""
    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path / "cache"))
    # other engineers' edits to renderer/ during the run must not look like a change of every diagram
    monkeypatch.setattr(build_mod, "environment_key", lambda: "pinned-env")
    specs = tmp_path / "specs"
    (specs / "basics").mkdir(parents=True)
    for name in ("fx-softmax.yaml", "fx-returns.yaml"):
        shutil.copyfile(FIXTURES / "basics" / name, specs / "basics" / name)
    log: list[str] = []
    with running(Watcher(specs, tmp_path / "out", ("svg",), port=0, jobs=1, watch_paths=[specs],
                         log=log.append)) as w:
        yield w, specs


@contextlib.contextmanager
def running(w: Watcher):
    """Start the watcher in a thread, wait for its first build, stop it (and check it stopped) afterwards."""
    stop = threading.Event()
    w.start()
    thread = threading.Thread(target=w.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_for(lambda: status(w)["builds"] >= 1, "the first build")
        yield w
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive(), "the watcher did not stop"


def test_watch_serves_gallery_with_live_reload_and_rerenders_on_save(watching):
    w, specs = watching
    first = status(w)
    assert first["errors"] == [] and first["version"] >= 1 and not first["building"]
    page = get(w.url).decode()
    assert f'<script src="{LIVE_JS_PATH}"></script>' in page and "Softmax of three logits" in page
    assert b"location.reload" in get(w.url.rstrip("/") + LIVE_JS_PATH)
    svg = w.out / "svg" / "en" / "fx-softmax.svg"
    assert b"Softmax of three logits" in get(w.url + "svg/en/fx-softmax.svg")

    spec = specs / "basics" / "fx-softmax.yaml"
    spec.write_text(spec.read_text().replace("Softmax of three logits", "Softmax after a save"))
    wait_for(lambda: b"Softmax after a save" in svg.read_bytes(), "the edited title in the SVG")
    s = wait_for(lambda: (st := status(w))["version"] > first["version"] and not st["building"] and st,
                 "a new version")
    assert s["rendered"] == ["fx-softmax"]  # only the saved spec re-rendered
    assert "Softmax after a save" in get(w.url).decode()


def test_broken_save_is_reported_on_the_status_endpoint_and_fixing_it_clears_it(watching):
    w, specs = watching
    spec = specs / "basics" / "fx-returns.yaml"
    good = spec.read_text()
    v0 = status(w)["version"]
    spec.write_text(good.replace("role: kept-bg}", "role: kept-bg, colour: red}"))
    s = wait_for(lambda: (st := status(w))["errors"] and st, "the error of the broken save")
    (err,) = s["errors"]
    assert err["id"] == "fx-returns" or err["path"].endswith("fx-returns.yaml")
    assert any("fx-returns.yaml:" in p and "colour" in p for p in err["problems"])
    assert s["version"] > v0
    page = get(w.url).decode()  # the server still answers, and the page shows the error card
    assert "colour" in page and 'class="card failed"' in page
    spec.write_text(good)
    wait_for(lambda: status(w)["errors"] == [], "the error to clear after the fix")


def test_live_page_reloads_on_save_and_shows_a_broken_save_in_chromium(watching):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (scripts/setup.sh --test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    w, specs = watching
    spec = specs / "basics" / "fx-softmax.yaml"
    good = spec.read_text()
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            page = b.new_page()
            page.goto(w.url)
            page.wait_for_function("document.getElementById('vizspec-live') !== null", timeout=TIMEOUT * 1000)
            spec.write_text(good.replace("Softmax of three logits", "Reloaded title"))
            page.wait_for_function("document.body.innerText.includes('Reloaded title')", timeout=TIMEOUT * 1000)
            spec.write_text(good.replace("tags: [", "tags: [[", 1))
            page.wait_for_function(
                "(() => { const b = document.getElementById('vizspec-live');"
                " return b && b.style.display === 'block' && b.textContent.includes('fx-softmax.yaml'); })()",
                timeout=TIMEOUT * 1000)
            assert "failed to render" in page.inner_text("#vizspec-live")
        finally:
            b.close()


def test_saving_a_compute_module_rerenders_its_callers_in_new_worker_processes(tmp_path, monkeypatch):
    from compute import registry

    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(build_mod, "environment_key", lambda: "pinned-env")
    compute_dir = tmp_path / "compute"  # stands in for compute/: its rl.py "defines" rl.discounted_returns
    compute_dir.mkdir()
    (compute_dir / "rl.py").write_text("# v1\n")
    real = registry.source_hash
    monkeypatch.setattr(registry, "source_hash", lambda name: (compute_dir / "rl.py").read_text()
                        if name == "rl.discounted_returns" else real(name))
    specs = tmp_path / "specs"
    shutil.copytree(FIXTURES / "basics", specs / "basics")
    with running(Watcher(specs, tmp_path / "out", ("svg",), port=0, jobs=1, watch_paths=[specs, compute_dir],
                         log=lambda _m: None)) as w:
        pool = w._pool
        v = status(w)["version"]
        (compute_dir / "rl.py").write_text("# v2\n")
        s = wait_for(lambda: (st := status(w))["version"] > v and st, "the rebuild after the compute save")
        assert s["rendered"] == ["fx-returns"] and s["errors"] == []
        assert w._pool is not pool  # new workers: they import the edited module afresh
