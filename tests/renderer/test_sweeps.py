"""Sweeps: one input stepped through values, a frame per value (issue #22).

Frames are bound and laid out per value with stable positions, drawn as frame SVGs and one animated SVG, checked
and traced, cached per frame set, shown behind a slider in the gallery and as one slide per frame in decks.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest

from renderer.app import build as build_mod
from renderer.app import sweeps
from renderer.app.build import build
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.frames import layout_frames, with_strip
from renderer.layout.theme import load_theme
from renderer.scene import Text, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load, load_text
from tests.renderer import test_gallery
from tests.renderer.test_gallery import open_page

browser = test_gallery.browser  # the gallery's headless-Chromium fixture
SVGNS = "{http://www.w3.org/2000/svg}"

SOFTMAX = """\
id: fx-sweep
chapter: basics
order: 5
title: {en: "T = {{ vars.T | fmt('g') }}", zh: "温度 T = {{ vars.T | fmt('g') }}"}
vars:
  T: 1
  logits: [2.0, 1.0, 0.1]
sweep:
  var: T
  values: [0.5, 1, 2]
  label: {en: "temperature T", zh: "温度 T"}
compute:
  p: {fn: sampling.softmax, args: {logits: "{{ vars.logits }}", temperature: "{{ vars.T }}"}}
body:
  row:
    items:
      - box: {id: p0, text: "p0 = {{ p.probs[0] | fmt('.3f') }}"}
      - box: {id: p1, text: "p1 = {{ p.probs[1] | fmt('.3f') }}"}
"""

GROWING = """\
id: fx-growing
chapter: basics
title: Growing
vars:
  word: a
sweep:
  var: word
  values: ["a", "a much longer word than the first"]
  label: word
body:
  row:
    items:
      - box: {id: grows, text: "{{ vars.word }}"}
      - box: {id: fixed, text: "fixed"}
"""


def _softmax(z, t):
    e = np.exp(np.asarray(z) / t - np.max(np.asarray(z) / t))
    return e / e.sum()


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "basics"
    folder.mkdir(parents=True)
    p = folder / "fx-sweep.yaml"
    p.write_text(SOFTMAX, encoding="utf-8")
    return p


def test_each_frame_binds_the_swept_value_into_compute(spec_file):
    spec = load(spec_file)
    frames = sweeps.bind_frames(spec)
    assert len(frames) == 3
    for frame, t in zip(frames, (0.5, 1, 2), strict=True):
        assert np.allclose(frame.results["p"]["probs"], _softmax([2.0, 1.0, 0.1], t))
    base = bind(spec)  # the ordinary outputs: the initial frame (the value written in vars)
    assert base.results["p"] == frames[1].results["p"]


def test_a_compute_argument_can_be_swept_and_initial_chooses_the_ordinary_frame(tmp_path):
    text = SOFTMAX.replace("  var: T\n", "  arg: p.temperature\n").replace(
        "  values: [0.5, 1, 2]\n", "  values: [0.5, 1, 2]\n  initial: 2\n")
    spec = load_text(text, "fx.yaml")
    assert sweeps.start_index(spec) == 2
    assert np.allclose(bind(spec).results["p"]["probs"], _softmax([2.0, 1.0, 0.1], 2))
    assert np.allclose(sweeps.bind_frames(spec)[0].results["p"]["probs"], _softmax([2.0, 1.0, 0.1], 0.5))


def test_a_range_gives_evenly_spaced_values():
    spec = load_text(SOFTMAX.replace("  values: [0.5, 1, 2]\n", "  range: {start: 0.1, stop: 0.5, step: 0.1}\n"),
                     "fx.yaml")
    assert spec.diagram.sweep.frame_values() == [0.1, 0.2, 0.3, 0.4, 0.5]
    ints = load_text(SOFTMAX.replace("  values: [0.5, 1, 2]\n", "  range: {start: 1, stop: 4, step: 1}\n"),
                     "fx.yaml")
    assert ints.diagram.sweep.frame_values() == [1, 2, 3, 4]


@pytest.mark.parametrize("edit, where, words", [
    (("  var: T\n", "  var: temp\n"), (9, 8), "sweep var 'temp' is not in vars"),
    (("  var: T\n", "  arg: q.temperature\n"), (9, 8), "no compute call 'q'"),
    (("  var: T\n", "  arg: p.temp\n"), (9, 8), "sampling.softmax has no argument 'temp'"),
    (("  values: [0.5, 1, 2]\n", "  values: [0.5, 1, 2]\n  initial: 3\n"), (11, 12), "initial 3 is not one of"),
    (("  values: [0.5, 1, 2]\n", "  values: [0.5, 1, 2]\n  range: {start: 1, stop: 2, step: 1}\n"), (9, 3),
     "exactly one of `values"),
    (("  values: [0.5, 1, 2]\n", "  range: {start: 0, stop: 100, step: 1}\n"), (9, 3), "more than 24 values"),
])
def test_bad_sweeps_are_located_errors(edit, where, words):
    with pytest.raises(SpecError) as e:
        load_text(SOFTMAX.replace(*edit), "fx.yaml")
    p = e.value.problems[0]
    assert words in p.message and (p.line, p.col) == where, str(p)


def test_frames_keep_every_element_in_place_while_their_text_changes():
    spec = load_text(GROWING, "fx.yaml")
    theme = load_theme()
    frames = sweeps.bind_frames(spec)
    plain = [layout(f.for_lang("en"), theme) for f in frames]
    assert plain[0].anchors["fixed"] != plain[1].anchors["fixed"]  # laid out alone, the second box moves
    stable = layout_frames([f.for_lang("en") for f in frames], theme)
    assert stable[0].anchors["fixed"] == stable[1].anchors["fixed"]
    assert stable[0].anchors["grows"][2:] == stable[1].anchors["grows"][2:]  # same size in both frames
    assert (stable[0].width, stable[0].height) == (stable[1].width, stable[1].height)
    texts = [[t.text for t in walk(s.items) if isinstance(t, Text)] for s in stable]
    assert "a" in texts[0] and "a much longer word than the first" in " ".join(texts[1])


def test_the_strip_names_the_input_and_marks_the_frames_value():
    spec = load_text(SOFTMAX, "fx.yaml")
    theme = load_theme()
    scene = sweeps.frame_scenes(sweeps.bind_frames(spec), "zh", theme)[2]
    strip = with_strip(scene, theme, "温度 T", ["0.5", "1", "2"], 2)
    chips = [p for p in walk(strip.items) if (p.meta.id or "").startswith("sweep-value") and not isinstance(p, Text)]
    on = [p for p in chips if p.meta.role == "accent"]
    assert len(chips) == 3
    assert len(on) == 1 and on[0].meta.id == "sweep-value-2"
    assert strip.height > scene.height and strip.anchors["p0"][1] > scene.anchors["p0"][1]


def test_animated_svg_is_xml_with_one_group_per_frame_and_stills_under_reduced_motion(spec_file):
    spec = load(spec_file)
    outs = dict(sweeps.frame_outputs(spec, sweeps.bind_frames(spec), ("en",), load_theme()))
    assert sorted(outs) == ["svg/en/fx-sweep.sweep-0.svg", "svg/en/fx-sweep.sweep-1.svg",
                            "svg/en/fx-sweep.sweep-2.svg", "svg/en/fx-sweep.sweep.svg"]
    root = ElementTree.fromstring(outs["svg/en/fx-sweep.sweep.svg"])
    groups = [g for g in root.iter(f"{SVGNS}g") if g.get("class") == "vz-frame"]
    assert [g.get("id") for g in groups] == ["frame-0", "frame-1", "frame-2"]
    assert [g.get("visibility") for g in groups] == ["hidden", None, "hidden"]  # the initial frame (T = 1) shows
    css = "".join(s.text or "" for s in root.iter(f"{SVGNS}style"))
    assert "@keyframes vz-cycle" in css and "prefers-reduced-motion: reduce" in css
    assert re.search(r"@media \(prefers-reduced-motion: reduce\) \{[^}]*\} #frame-1 \{visibility: visible\}", css)
    assert css.count("@font-face") >= 1 and "animation-delay" in css
    # each frame shows its own computed value: p0 at T = 0.5, 1, 2
    for g, t in zip(groups, (0.5, 1, 2), strict=True):
        shown = "".join(g.itertext())
        assert f"p0 = {_softmax([2.0, 1.0, 0.1], t)[0]:.3f}" in shown


def test_frame_delays_show_each_frame_in_its_own_slot():
    from renderer.backends.svg import sweep_css

    css = sweep_css(4, 2.0, start=1)
    delays = {int(i): float(d) for i, d in re.findall(r"#frame-(\d) \{animation-delay: -([\d.]+)s\}", css)}
    # frame i is visible while (t + delay) mod 8 < 2, i.e. in slot (i - start) mod 4 of the cycle
    for i in range(4):
        slot = (i - 1) % 4
        d = delays.get(i, 0.0)
        visible = [t for t in np.arange(0, 8, 0.5) if (t + d) % 8 < 2]
        assert visible and min(visible) == slot * 2.0 and max(visible) < (slot + 1) * 2.0


def test_build_writes_frames_and_a_changed_sweep_rerenders_only_its_frames(spec_file, tmp_path, monkeypatch):
    monkeypatch.setattr(build_mod, "environment_key", lambda: "pinned-env")
    out = tmp_path / "out"
    build([spec_file], out, ("svg",), jobs=1)
    frames = sorted(p.name for p in (out / "svg" / "en").iterdir())
    assert frames == ["fx-sweep.svg", "fx-sweep.sweep-0.svg", "fx-sweep.sweep-1.svg", "fx-sweep.sweep-2.svg",
                      "fx-sweep.sweep.svg"]
    assert build([spec_file], out, ("svg",), jobs=1).results[0].status == "cached"
    calls = []
    real = build_mod.render_spec
    monkeypatch.setattr(build_mod, "render_spec",
                        lambda p, o, f, lg, c=True, **kw: calls.append((f, lg, kw)) or real(p, o, f, lg, c, **kw))
    base = (out / "svg" / "en" / "fx-sweep.svg").stat().st_mtime_ns
    spec_file.write_text(SOFTMAX.replace("values: [0.5, 1, 2]", "values: [1, 4]"), encoding="utf-8")
    report = build([spec_file], out, ("svg",), jobs=1)
    assert report.results[0].status == "rendered"
    assert calls == [((), (), {"sweep_langs": ("en", "zh")})]  # the ordinary outputs were not stale
    assert (out / "svg" / "en" / "fx-sweep.svg").stat().st_mtime_ns == base
    names = sorted(p.name for p in (out / "svg" / "zh").iterdir())
    assert names == ["fx-sweep.svg", "fx-sweep.sweep-0.svg", "fx-sweep.sweep-1.svg", "fx-sweep.sweep.svg"]
    root = ElementTree.fromstring((out / "svg" / "zh" / "fx-sweep.sweep.svg").read_bytes())
    assert len([g for g in root.iter(f"{SVGNS}g") if g.get("class") == "vz-frame"]) == 2
    (out / "svg" / "en" / "fx-sweep.sweep-1.svg").unlink()  # a deleted frame is rendered again
    calls.clear()
    build([spec_file], out, ("svg",), jobs=1)
    assert calls == [((), (), {"sweep_langs": ("en",)})] and (out / "svg" / "en" / "fx-sweep.sweep-1.svg").is_file()
    spec_file.write_text(SOFTMAX.replace("sweep:\n  var: T\n  values: [0.5, 1, 2]\n"
                                         "  label: {en: \"temperature T\", zh: \"温度 T\"}\n", ""), encoding="utf-8")
    build([spec_file], out, ("svg",), jobs=1)  # the sweep removed: its frames go
    assert sorted(p.name for p in (out / "svg" / "en").iterdir()) == ["fx-sweep.svg"]


def test_check_and_validate_look_at_every_frame(tmp_path, monkeypatch):
    from renderer.app import check as check_mod
    from renderer.app.validate import spec_problems

    folder = tmp_path / "specs" / "basics"
    folder.mkdir(parents=True)
    path = folder / "fx-trace.yaml"
    # the frame at T = 2 draws a box with a number typed by hand; the ordinary output (T = 1) has no such box
    path.write_text(SOFTMAX.replace("id: fx-sweep", "id: fx-trace").replace(
        "      - box: {id: p1, text: \"p1 = {{ p.probs[1] | fmt('.3f') }}\"}\n",
        "      - row: {repeat: \"{{ [1] if vars.T > 1 else [] }}\", item: {box: {text: \"x = 7.25\"}}}\n"),
        encoding="utf-8")
    problems = spec_problems(load(path))
    assert [p for p in problems if "7.25" in p.message], problems
    seen = []
    real = check_mod.named_findings
    monkeypatch.setattr(check_mod, "named_findings", lambda scene, *a: seen.append(scene.title) or real(scene, *a))
    check_mod.check_spec(path)
    assert len(seen) == 2 + 2 * 3  # both languages, then every frame in both


def test_decks_with_sweeps_have_one_slide_per_frame(spec_file, tmp_path):
    from pptx import Presentation

    from renderer.app.slides import build_decks

    res = build_decks([spec_file], tmp_path / "decks", ("en",), jobs=1, sweeps=True)
    assert res.problems == []
    titles = [s.shapes.title.text_frame.text for s in Presentation(tmp_path / "decks" / "en" / "basics.pptx").slides
              if s.shapes.title is not None]
    assert [t for t in titles if t.startswith("T = ")] == ["T = 0.5", "T = 1", "T = 2"]
    plain = build_decks([spec_file], tmp_path / "plain", ("en",), jobs=1)
    assert plain.problems == []
    titles = [s.shapes.title.text_frame.text for s in Presentation(tmp_path / "plain" / "en" / "basics.pptx").slides
              if s.shapes.title is not None]
    assert [t for t in titles if t.startswith("T = ")] == ["T = 1"]


def test_notebook_slider_holds_every_frame(spec_file):
    import vizspec

    view = vizspec.load(spec_file).sweep("zh")
    html = view._repr_html_()
    assert html.count("<img ") == 3 and 'type="range"' in html and 'max="2"' in html and 'value="1"' in html
    assert view.values == ["0.5", "1", "2"]
    with pytest.raises(ValueError, match="has no sweep"):
        vizspec.load(textwrap.dedent(GROWING).replace("sweep:\n  var: word\n  values: [\"a\", \"a much longer word "
                                                      "than the first\"]\n  label: word\n", "")).frames()


def test_gallery_slider_swaps_the_frame_and_its_values_in_chromium(spec_file, tmp_path, browser):
    """Move the slider: both languages' pictures and the listed computed values become that frame's."""
    out = tmp_path / "site"
    build([spec_file], out, ("svg",), jobs=1)
    page, errors = open_page(browser, (out / "diagrams" / "fx-sweep.html").as_uri())
    try:
        def state():
            return page.evaluate("""() => ({
                imgs: [...document.querySelectorAll('img.frame')].map(i => i.getAttribute('src')),
                value: [...document.querySelectorAll('.frame-value.on')].filter(s => s.offsetParent !== null)
                    .map(s => s.textContent),
                table: [...document.querySelectorAll('.frame-values')].filter(d => !d.hidden)
                    .map(d => d.innerText).join('\\n'),
                loaded: [...document.querySelectorAll('img.frame')].every(i => i.complete && i.naturalWidth > 0)})""")
        s = state()
        assert s["imgs"] == ["../svg/en/fx-sweep.sweep-1.svg", "../svg/zh/fx-sweep.sweep-1.svg"] and s["value"] == ["1"]
        page.focus("#sweep-slider")
        page.keyboard.press("ArrowRight")  # T = 2
        page.wait_for_function("() => [...document.querySelectorAll('img.frame')].every(i => i.complete)")
        s = state()
        assert s["imgs"] == ["../svg/en/fx-sweep.sweep-2.svg", "../svg/zh/fx-sweep.sweep-2.svg"] and s["value"] == ["2"]
        assert s["loaded"]
        p = _softmax([2.0, 1.0, 0.1], 2)
        assert f"{p[0]:.4f}"[:5] in s["table"] and "sampling.softmax" in s["table"]
        page.keyboard.press("Home")  # T = 0.5
        assert state()["imgs"][0] == "../svg/en/fx-sweep.sweep-0.svg"
        page.click("#sweep-play")  # plays: the frame advances by itself
        page.wait_for_function("() => document.body.getAttribute('data-frame') === '1'", timeout=5000)
        page.click("#sweep-play")
        assert page.get_attribute("#sweep-play", "aria-pressed") == "false"
        page.screenshot(path=str(tmp_path / "sweep-detail.png"), full_page=True)
        assert errors == []
    finally:
        page.close()


SWEPT = sorted(p for p in build_mod.find_specs() if "_examples" not in p.parts
               and "\nsweep:" in p.read_text(encoding="utf-8"))


def test_the_collection_sweeps_the_inputs_the_issue_names():
    inputs = {p.stem: load(p).diagram.sweep for p in SWEPT}
    assert {"temperature", "top-k-sampling", "top-p-sampling", "multinomial-sampling", "dpo-beta",
            "dpo-implicit-reward", "dynamic-epsilon", "return-backwards", "gae", "ppo-clip", "rope-frequencies",
            "alibi", "beam-search", "lora", "speculative-decoding"} <= set(inputs)
    assert all(len(s.frame_values()) >= 4 for s in inputs.values())


@pytest.mark.parametrize("path", SWEPT, ids=[p.stem for p in SWEPT])
def test_every_collection_sweep_is_one_valid_animated_svg_with_a_frame_per_value(path):
    spec = load(path)
    frames = sweeps.bind_frames(spec)
    outs = dict(sweeps.frame_outputs(spec, frames, ("zh",), load_theme()))
    n = len(spec.diagram.sweep.frame_values())
    root = ElementTree.fromstring(outs[sweeps.animated_rel("zh", spec.diagram.id)])
    groups = [g for g in root.iter(f"{SVGNS}g") if g.get("class") == "vz-frame"]
    assert len(groups) == n and sum(g.get("visibility") is None for g in groups) == 1
    assert len([r for r in outs if ".sweep-" in r]) == n
    sizes = {(d.get("width"), d.get("height")) for d in (ElementTree.fromstring(data) for rel, data in outs.items()
                                                          if ".sweep-" in rel)}
    assert len(sizes) == 1  # every frame on one canvas, so the slider swaps pictures of one size
