"""The gallery written by `render all`: content and manifest, and the page in real headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from renderer.app import build as build_mod
from renderer.app.build import build, find_specs
from renderer.app.gallery import gallery_items, render_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "build"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The fixture specs rendered (SVG + PNG, both languages) with the gallery, plus one broken spec."""
    root = tmp_path_factory.mktemp("gallery")
    specs = root / "specs"
    shutil.copytree(FIXTURES, specs)
    (specs / "extras" / "fx-broken.yaml").write_text(
        "id: fx-broken\nchapter: extras\ntitle: Broken\nbody: {box: {text: x, role: no-such-role}}\n")
    out = root / "out"
    mp = pytest.MonkeyPatch()
    mp.setenv("VIZSPEC_CACHE", str(root / "cache"))
    try:
        report = build(find_specs(specs), out, ("svg", "png"), jobs=2)
    finally:
        mp.undo()
    assert [r.status for r in report.results].count("rendered") == 4
    return out


def test_manifest_lists_every_diagram_by_chapter_with_both_languages(site):
    data = json.loads((site / "gallery.json").read_text(encoding="utf-8"))
    chapters = [(c["id"], [d["id"] for d in c["diagrams"]]) for c in data["chapters"]]
    assert chapters == [("basics", ["fx-softmax", "fx-returns"]),
                        ("extras", ["fx-component", "fx-plain", "fx-broken"])]
    soft = data["chapters"][0]["diagrams"][0]
    assert soft["title"] == {"en": "Softmax of three logits", "zh": "三个 Logits 的 Softmax"}
    assert soft["tags"] == ["softmax", "probabilities"]
    assert soft["outputs"] == {lang: {"svg": f"svg/{lang}/fx-softmax.svg", "png": f"png/{lang}/fx-softmax.png"}
                               for lang in ("en", "zh")}
    broken = data["chapters"][1]["diagrams"][-1]
    assert broken["outputs"] == {} and "no-such-role" in broken["problems"][0]


def test_page_links_every_output_and_shows_errors(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    for did in ("fx-softmax", "fx-returns", "fx-component", "fx-plain"):
        for lang in ("en", "zh"):
            for fmt in ("svg", "png"):
                assert f'href="{fmt}/{lang}/{did}.{fmt}"' in html
    assert "三个 Logits 的 Softmax" in html and "no-such-role" in html
    assert 'id="search"' in html


def test_pptx_outputs_are_linked_when_present(tmp_path):
    (tmp_path / "pptx" / "en").mkdir(parents=True)
    (tmp_path / "pptx" / "en" / "d.pptx").write_bytes(b"x")
    (tmp_path / "svg" / "en").mkdir(parents=True)
    (tmp_path / "svg" / "en" / "d.svg").write_bytes(b"<svg/>")
    entries = {str(tmp_path / "d.yaml"): {"id": "d", "meta": {"chapter": "c", "title": {"en": "D", "zh": "D"}},
                                          "targets": {"pptx/en/d.pptx": {}, "svg/en/d.svg": {}}}}
    items = gallery_items(entries, tmp_path)
    assert items[0]["outputs"] == {"en": {"svg": "svg/en/d.svg", "pptx": "pptx/en/d.pptx"}}
    assert 'href="pptx/en/d.pptx">PPTX</a>' in render_html({"tool": "t", "count": 1,
                                                             "chapters": [{"id": "c", "diagrams": items}]})


def test_slide_decks_are_linked_per_chapter_and_for_all(tmp_path):
    from renderer.app.gallery import manifest

    (tmp_path / "svg" / "en").mkdir(parents=True)
    (tmp_path / "svg" / "en" / "d.svg").write_bytes(b"<svg/>")
    (tmp_path / "pptx" / "zh").mkdir(parents=True)
    for name in ("c.pptx", "all.pptx"):
        (tmp_path / "pptx" / "zh" / name).write_bytes(b"x")
    entries = {str(tmp_path / "d.yaml"): {"id": "d", "meta": {"chapter": "c"}, "targets": {"svg/en/d.svg": {}}}}
    data = manifest(gallery_items(entries, tmp_path), tmp_path)
    assert data["chapters"][0]["decks"] == {"zh": "pptx/zh/c.pptx"} and data["decks"] == {"zh": "pptx/zh/all.pptx"}
    html = render_html(data)
    assert 'href="pptx/zh/c.pptx"' in html and 'href="pptx/zh/all.pptx"' in html


def test_gallery_bytes_do_not_depend_on_entry_order(site):
    from renderer.app.build import load_stamps
    from renderer.app.gallery import manifest

    entries = load_stamps(site)
    flipped = dict(reversed(list(entries.items())))
    page = render_html(manifest(gallery_items(entries, site), site))
    assert page == render_html(manifest(gallery_items(flipped, site), site))
    assert page == (site / "index.html").read_text(encoding="utf-8")


def test_warm_build_keeps_the_gallery(site, monkeypatch, tmp_path):
    before = (site / "index.html").read_bytes()
    specs = find_specs(Path(next(iter(build_mod.load_stamps(site)))).parents[1])
    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path))
    build(specs, site, ("svg", "png"), jobs=1)
    assert (site / "index.html").read_bytes() == before


# ---------------------------------------------------------------------------------------------------------
# Real browser


@contextlib.contextmanager
def serve(folder: Path):
    """Serve a folder on 127.0.0.1 (a free port) for the duration of the block."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright (no downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (scripts/setup.sh --test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.goto(url, wait_until="load")
    return page, errors


def load_all_images(page) -> list[dict]:
    """Scroll every visible image into view (they load lazily), wait for them, report their sizes."""
    page.evaluate("""async () => {
        const imgs = [...document.images].filter(i => i.offsetParent !== null);
        for (const i of imgs) { i.loading = "eager"; i.scrollIntoView(); }
        await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
    }""")
    return page.evaluate("""() => [...document.images].filter(i => i.offsetParent !== null)
        .map(i => ({src: i.getAttribute('src'), w: i.naturalWidth, ok: i.complete}))""")


def visible_cards(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.card')]
        .filter(c => c.offsetParent !== null).map(c => c.id.slice(2))""")


@pytest.mark.parametrize("how", ["http", "file"])
def test_gallery_in_chromium_loads_cleanly_shows_every_image_and_filters(site, browser, how):
    with serve(site) as base:
        url = base if how == "http" else (site / "index.html").as_uri()
        page, errors = open_page(browser, url)
        try:
            for lang in ("en", "zh"):
                page.click(f'button.lang[data-lang="{lang}"]')
                images = load_all_images(page)
                assert sorted(i["src"] for i in images) == sorted(
                    f"svg/{lang}/{d}.svg" for d in ("fx-softmax", "fx-returns", "fx-component", "fx-plain"))
                assert all(i["ok"] and i["w"] > 0 for i in images), images
            all_cards = ["fx-softmax", "fx-returns", "fx-component", "fx-plain", "fx-broken"]
            assert visible_cards(page) == all_cards
            page.fill("#search", "softmax")  # a title word and a tag
            assert visible_cards(page) == ["fx-softmax"]
            assert page.is_hidden("#ch-extras") and page.is_visible("#ch-basics")
            page.fill("#search", "rlhf")  # a tag only
            assert visible_cards(page) == ["fx-component"]
            page.fill("#search", "折扣")  # a Chinese title
            assert visible_cards(page) == ["fx-returns"]
            page.fill("#search", "no such diagram")
            assert visible_cards(page) == [] and "0 of 5" in page.inner_text("#count")
            page.fill("#search", "")
            assert visible_cards(page) == all_cards
            page.click('button.tag[data-tag="ppo"]')
            assert page.input_value("#search") == "ppo" and visible_cards(page) == ["fx-component"]
            assert errors == []
        finally:
            page.close()
