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


CAPTION = ("caption:\n  en: \"Each return bootstraps from the next one: G_{t} = r_{t+1} + γ·G_{t+1}.\"\n"
           "  zh: \"每个回报由下一个回报递推：G_{t} = r_{t+1} + γ·G_{t+1}。\"\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The fixture specs rendered (SVG + PNG, both languages) with the gallery, plus one broken spec."""
    root = tmp_path_factory.mktemp("gallery")
    specs = root / "specs"
    shutil.copytree(FIXTURES, specs)
    returns = specs / "basics" / "fx-returns.yaml"  # a caption with script markup, in both languages
    returns.write_text(returns.read_text(encoding="utf-8").replace("tags:", CAPTION + "tags:", 1), encoding="utf-8")
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


# ---------------------------------------------------------------------------------------------------------
# Search text, captions, detail pages, decks


def test_captions_show_scripts_as_html_not_markup(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "G<sub>t</sub> = r<sub>t+1</sub> + γ·G<sub>t+1</sub>" in html
    assert "_{" not in html.split("<script>")[0]


def test_captions_show_tex_style_one_character_scripts_and_leave_names_alone():
    from renderer.app.gallery_detail import markup_html

    assert markup_html("r = π_θ(a|s), δ_t + γλ·A_{t+1}, E_q[f], x^2") == (
        "r = π<sub>θ</sub>(a|s), δ<sub>t</sub> + γλ·A<sub>t+1</sub>, E<sub>q</sub>[f], x<sup>2</sup>")
    assert markup_html("max_width, v_next, ε_min, _x, a_<b, 2^(−8h/n)") == (
        "max_width, v_next, ε_min, _x, a_&lt;b, 2^(−8h/n)")


def test_search_covers_captions_and_computed_values_in_both_languages(site):
    from renderer.app.gallery import search_text

    data = json.loads((site / "gallery.json").read_text(encoding="utf-8"))
    returns = data["chapters"][0]["diagrams"][1]
    text = search_text(returns)
    assert "bootstraps" in text and "递推" in text and "g_t+1" not in text  # markup removed: "gt+1"
    assert "rl.discounted_returns" in text
    value = next(v for v in returns["values"] if v["name"] == "g")
    # rewards 1, 0, 2 with γ = 0.5, backwards: G2 = 2, G1 = 0 + 0.5·2 = 1, G0 = 1 + 0.5·1 = 1.5
    assert json.loads(value["result"])["returns"][:3] == [1.5, 1.0, 2.0]  # then the terminal 0
    assert value["args"] == "rewards=[1.0, 0.0, 2.0], gamma=0.5"  # as the function received them


def test_every_diagram_has_a_detail_page_with_values_source_downloads_and_credit(site):
    page = (site / "diagrams" / "fx-returns.html").read_text(encoding="utf-8")
    for lang in ("en", "zh"):
        assert f'src="../svg/{lang}/fx-returns.svg"' in page
        for fmt in ("svg", "png"):
            assert f'href="../{fmt}/{lang}/fx-returns.{fmt}" download' in page
    assert "<code>rl.discounted_returns(rewards=[1.0, 0.0, 2.0], gamma=0.5)</code>" in page
    assert "Spec <code>" in page and "fx-returns.yaml</code>" in page
    source = __import__("re").sub(r"<[^>]+>", "", page.split('class="src"')[1])
    assert "gamma: 0.5" in source and "rl.discounted_returns" in source
    assert "Changye Yu" in page and "余昌叶" in page
    assert "r<sub>t+1</sub>" in page
    broken = (site / "diagrams" / "fx-broken.html").read_text(encoding="utf-8")
    assert "no-such-role" in broken and "<img" not in broken
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="diagrams/fx-returns.html?lang=zh"' in index
    data = json.loads((site / "gallery.json").read_text(encoding="utf-8"))
    assert all("path" not in d for c in data["chapters"] for d in c["diagrams"])  # no absolute paths published


def test_detail_pages_of_removed_diagrams_are_removed(tmp_path):
    from renderer.app.gallery import write_gallery

    (tmp_path / "svg" / "en").mkdir(parents=True)
    (tmp_path / "svg" / "en" / "d.svg").write_bytes(b"<svg/>")
    entries = {str(tmp_path / "d.yaml"): {"id": "d", "meta": {"chapter": "c"}, "targets": {"svg/en/d.svg": {}}}}
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "diagrams" / "gone.html").write_text("old")
    write_gallery(tmp_path, entries)
    assert sorted(p.name for p in (tmp_path / "diagrams").iterdir()) == ["d.html"]


def test_detail_pages_are_kept_when_made_from_the_same_inputs(tmp_path):
    """A rebuild leaves a detail page whose inputs are unchanged alone; its spec's source or its item remade it."""
    from renderer.app.gallery import write_gallery

    (tmp_path / "svg" / "en").mkdir(parents=True)
    for did in ("a", "b"):
        (tmp_path / "svg" / "en" / f"{did}.svg").write_bytes(b"<svg/>")
        (tmp_path / f"{did}.yaml").write_text(f"id: {did}\nchapter: c\ntitle: T\n", encoding="utf-8")
    entries = {str(tmp_path / f"{did}.yaml"): {"id": did, "meta": {"chapter": "c", "title": {"en": did}},
                                                 "targets": {f"svg/en/{did}.svg": {}}} for did in ("a", "b")}
    write_gallery(tmp_path, entries)
    pages = {did: tmp_path / "diagrams" / f"{did}.html" for did in ("a", "b")}
    first = {did: p.stat().st_ino for did, p in pages.items()}  # write_atomic replaces a file: a new inode
    write_gallery(tmp_path, entries)
    assert {did: p.stat().st_ino for did, p in pages.items()} == first

    (tmp_path / "a.yaml").write_text("id: a\nchapter: c\ntitle: T  # edited: sentinel-line\n", encoding="utf-8")
    write_gallery(tmp_path, entries)
    assert pages["b"].stat().st_ino == first["b"]
    assert "sentinel-line" in pages["a"].read_text(encoding="utf-8")  # the shown source follows the file

    entries[str(tmp_path / "b.yaml")]["meta"]["title"] = {"en": "Renamed"}
    write_gallery(tmp_path, entries)
    assert "Renamed" in pages["b"].read_text(encoding="utf-8")

    pages["a"].write_text("stale page without a key", encoding="utf-8")  # a page of an older version
    write_gallery(tmp_path, entries)
    assert "sentinel-line" in pages["a"].read_text(encoding="utf-8")


def test_slides_link_their_decks_in_the_gallery_at_once(site, tmp_path, monkeypatch):
    from renderer.app.cli import main

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    specs = [Path(p) for p in build_mod.load_stamps(copy)]
    monkeypatch.setattr("renderer.app.slides.collection_specs", lambda chapter=None: specs)
    assert "pptx/en/basics.pptx" not in (copy / "index.html").read_text(encoding="utf-8")
    main(["slides", "--out", str(copy / "pptx"), "--lang", "en"])
    html = (copy / "index.html").read_text(encoding="utf-8")
    assert 'href="pptx/en/basics.pptx"' in html and 'href="pptx/en/all.pptx"' in html


def test_detail_page_and_header_offset_in_chromium(site, browser):
    page, errors = open_page(browser, (site / "diagrams" / "fx-returns.html").as_uri())
    try:
        images = load_all_images(page)
        assert sorted(i["src"] for i in images) == ["../svg/en/fx-returns.svg", "../svg/zh/fx-returns.svg"]
        assert all(i["ok"] and i["w"] > 0 for i in images), images
        page.click('button.lang[data-lang="zh"]')
        assert page.is_hidden('figure[lang="en"]') and page.is_visible('figure[lang="zh"]')
        assert page.is_visible("table.values") and "rl.discounted_returns" in page.inner_text("table.values")
        assert errors == []
    finally:
        page.close()
    page, errors = open_page(browser, (site / "index.html").as_uri() + "#ch-extras")
    try:
        page.set_viewport_size({"width": 700, "height": 500})  # the header wraps onto two lines
        page.evaluate("document.getElementById('ch-extras').scrollIntoView()")
        header = page.evaluate("document.querySelector('header').getBoundingClientRect().bottom")
        heading = page.evaluate("document.querySelector('#ch-extras h2').getBoundingClientRect().top")
        assert heading >= header, (heading, header)
        page.fill("#search", "bootstraps")  # a caption word
        assert visible_cards(page) == ["fx-returns"]
        page.fill("#search", "discounted_returns")  # a compute function
        assert visible_cards(page) == ["fx-returns"]
        page.click('h3.l-en a[href^="diagrams/fx-returns.html"]')
        page.wait_for_load_state("load")
        assert page.url.split("/")[-1] == "fx-returns.html?lang=en" and page.is_hidden('figure[lang="zh"]')
        assert errors == []
    finally:
        page.close()
