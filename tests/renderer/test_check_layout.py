"""Layout-quality checks: each fails on a small scene built to break it and passes on its repaired twin."""

from __future__ import annotations

import subprocess
import sys

from renderer.app import check_layout as cl
from renderer.app.check import check_spec, named_findings
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Line, Meta, Rect, Scene, Style, Text

THEME = load_theme()
HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"


def frame(w: float, h: float) -> Rect:
    return Rect(0, 0, w, h, 0, Style(stroke="#BFBFBF"), Meta("frame", "frame", None, "frame"))


def box(id_: str, x: float, y: float, w: float, h: float, src: str = "s.yaml:3:5") -> Group:
    return Group((Rect(x, y, w, h, 4, Style(fill="#71CCF5"), Meta(id_, "model", src, "box")),),
                 Meta(id_, "model", src, "box"))


def scene(w: float, h: float, *items, anchors=None, links=()) -> Scene:
    return Scene(w, h, [frame(w, h), *items], anchors=anchors or {}, links=tuple(links))


def names(s: Scene) -> list[str]:
    return [name for name, _p in named_findings(s, THEME, "s.yaml")]


def fill(w: float, h: float, step: float = 40) -> list[Group]:
    """Small boxes tiling the frame, so that nothing but the part under test is empty."""
    out = []
    y = 4.0
    while y + 30 <= h:
        x = 4.0
        while x + 30 <= w:
            out.append(box(f"f{len(out)}", x, y, 30, 30))
            x += step
        y += step
    return out


# --- aspect ------------------------------------------------------------------------------------------------

def test_a_strip_and_a_tower_are_reported_a_slide_is_not():
    strip = cl.aspect(scene(900, 200))
    assert [f[0] for f in strip] == ["aspect"]
    assert "frame aspect 4.50 (900×200 px) is a strip (expected width/height between 0.75 and 1.9" in strip[0][2]
    assert "is a tower" in cl.aspect(scene(300, 500))[0][2]
    assert cl.aspect(scene(1600, 900)) == [] and cl.aspect(scene(750, 1000)) == []


def poster(w: float, h: float) -> Scene:
    s = scene(w, h)
    s.metadata["poster"] = True
    return s


def test_a_poster_may_be_as_wide_as_2_6_and_no_wider_and_a_normal_diagram_may_not():
    assert cl.aspect(poster(2600, 1000)) == [] and cl.aspect(poster(2200, 1000)) == []
    assert "is a strip" in cl.aspect(scene(2600, 1000))[0][2]  # the same frame without poster: true
    wide = cl.aspect(poster(2700, 1000))
    assert len(wide) == 1 and "frame aspect 2.70" in wide[0][2] and "between 0.75 and 2.6" in wide[0][2]
    assert "is a tower" in cl.aspect(poster(300, 500))[0][2]  # the lower bound stays


def _boxes_row(n: int) -> str:
    boxes = ", ".join(f"{{box: {{text: B{i}, width: 100, height: 200}}}}" for i in range(n))
    return HEAD + "body:\n  row: [" + boxes + "]\n"


def _aspect_messages(path) -> list[str]:
    return [p.message for p in check_spec(path, ("en",)) if "frame aspect" in p.message]


def test_poster_true_in_a_spec_reaches_the_aspect_check(write_spec):
    assert _aspect_messages(write_spec(_boxes_row(5)))  # about 2.2: a strip for a normal diagram
    assert not _aspect_messages(write_spec("poster: true\n" + _boxes_row(5), name="poster.yaml"))
    wider = _aspect_messages(write_spec("poster: true\n" + _boxes_row(8), name="wider.yaml"))
    assert wider and "between 0.75 and 2.6" in wider[0]


# --- empty space -------------------------------------------------------------------------------------------

def test_a_large_empty_region_is_found_with_its_place_and_size():
    parts = [b for b in fill(800, 600) if not (400 <= b.children[0].x and b.children[0].y < 300)]  # clear a corner
    found = cl.empty_space(scene(800, 600, *parts))
    assert len(found) == 1
    msg = found[0][2]
    assert "at (400," in msg and "of the frame (expected at most 12%" in msg
    w, h = (int(v) for v in msg.split("region of ")[1].split(" px")[0].split("×"))
    assert 390 <= w <= 410 and 310 <= h <= 330  # the cleared corner (up to the next parts), to the grid's cell


def test_a_filled_frame_and_thin_gutters_are_not_dead_space():
    assert cl.empty_space(scene(800, 600, *fill(800, 600))) == []
    # rows of parts with a 48 px gutter between them: a gutter is not dead space however long it is
    rows = [box(f"r{i}", 4, y, 792, 60) for i, y in enumerate(range(4, 560, 108))]
    assert cl.empty_space(scene(800, 600, *rows)) == []


def test_a_line_fills_only_the_cells_it_crosses():
    parts = [b for b in fill(800, 600) if not (300 <= b.children[0].x and b.children[0].y < 400)]
    # an elbow along two sides of the cleared corner: its bounding box is the whole corner, its cells are not
    elbow = Line(((300, 0), (300, 400), (800, 400)), Style(stroke="#000000"), meta=Meta("edge-0", "arrow", None,
                                                                                           "edge"))
    assert cl.empty_space(scene(800, 600, *parts, elbow)), "the corner inside the elbow is still empty"
    boxed = Rect(300, 0, 500, 400, 0, Style(fill="#FFE699"), Meta("x", "data", None, "box"))
    assert cl.empty_space(scene(800, 600, *parts, boxed)) == []


# --- near-alignment ----------------------------------------------------------------------------------------

def test_stacked_boxes_that_nearly_share_a_centre_are_reported():
    found = cl.near_alignment(scene(600, 400, box("top", 100, 20, 200, 50),
                                    box("below", 106, 100, 200, 50, src="s.yaml:9:7")))
    assert [f[1] for f in found] == ["s.yaml:9:7"]
    assert "'top' and 'below' are stacked but their left edges differ by 6.0 px" in found[0][2]


def test_aligned_or_clearly_offset_parts_are_not_reported():
    aligned = scene(600, 400, box("a", 100, 20, 200, 50), box("b", 140, 100, 120, 50))  # centres equal
    offset = scene(600, 400, box("a", 100, 20, 200, 50), box("b", 160, 100, 200, 50))  # 60 px: meant
    far = scene(600, 400, box("a", 100, 20, 200, 50), box("b", 106, 300, 200, 50))  # not neighbours
    assert cl.near_alignment(aligned) == cl.near_alignment(offset) == cl.near_alignment(far) == []


def test_side_by_side_panels_whose_tops_drift_are_reported():
    found = cl.near_alignment(scene(600, 400, box("left", 20, 40, 200, 150), box("right", 260, 49, 200, 150)))
    assert len(found) == 1 and "are side by side but their tops differ by 9.0 px" in found[0][2]


def test_a_part_between_two_others_breaks_the_pair():
    s = scene(600, 400, box("a", 100, 20, 200, 40), box("mid", 105, 70, 200, 40), box("b", 108, 120, 200, 40))
    pairs = {tuple(f[2].split("'")[1:4:2]) for f in cl.near_alignment(s)}
    assert ("a", "b") not in pairs and ("a", "mid") in pairs


# --- edge ends and arrowheads ------------------------------------------------------------------------------

def edge(points, i: int = 0, src: str = "s.yaml:12:5") -> Line:
    return Line(tuple(points), Style(stroke="#595959"), arrow_end=True, meta=Meta(f"edge-{i}", "arrow", src, "edge"))


def test_an_edge_ending_in_a_gap_or_on_a_container_is_reported_at_the_edge():
    anchors = {"panel": (0, 100, 400, 200), "panel.b": (50, 150, 100, 40), "a": (50, 10, 100, 40)}
    gap = cl.edge_ends(scene(500, 400, edge([(100, 50), (100, 120)]), anchors=anchors, links=[("a", "panel.b")]))
    assert [f[1] for f in gap] == ["s.yaml:12:5"]
    assert "edge to end lies 30 px from 'panel.b', the element it names, and touches nothing" in gap[0][2]
    container = cl.edge_ends(scene(500, 400, edge([(100, 50), (100, 100)]), anchors=anchors,
                                   links=[("a", "panel.b")]))
    assert "touches container 'panel'" in container[0][2]
    good = cl.edge_ends(scene(500, 400, edge([(100, 50), (100, 150)]), anchors=anchors, links=[("a", "panel.b")]))
    assert good == []


def test_an_edge_ending_on_text_is_reported():
    note = Text(100, 200, "a note under the arrow", 14, "#000000", width=150, meta=Meta(None, "text", None, "note"))
    anchors = {"a": (50, 10, 100, 40), "n": (90, 180, 160, 30)}
    found = cl.edge_ends(scene(500, 400, note, edge([(100, 50), (120, 192)]), anchors=anchors, links=[("a", "n")]))
    assert any("lies on the text 'a note under the arrow'" in f[2] for f in found)


def test_an_arrowhead_touching_text_is_reported_and_a_clear_one_is_not():
    label = Text(100, 120, "Title", 14, "#000000", width=40, meta=Meta(None, "text", None, "panel-title"))
    close = cl.arrow_clearance(scene(500, 400, label, edge([(120, 20), (120, 104)])))
    assert len(close) == 1 and "from the text 'Title' (expected at least 4 px)" in close[0][2]
    assert cl.arrow_clearance(scene(500, 400, label, edge([(120, 20), (120, 90)]))) == []


# --- waivers and the CLI -----------------------------------------------------------------------------------

STRIP = HEAD + "body:\n  row: [{box: A}, {box: B}, {box: C}, {box: D}, {box: E}, {box: F}, {box: G}, {box: H}]\n"


def test_a_spec_can_waive_a_check_with_a_reason_and_waivers_are_counted(write_spec):
    plain = write_spec(STRIP)
    assert any("frame aspect" in p.message for p in check_spec(plain, ("en",)))
    waived: list[tuple[str, str]] = []
    path = write_spec(STRIP + "waive:\n  aspect: a demonstration of a strip-shaped row\n", name="waived.yaml")
    assert not any("frame aspect" in p.message for p in check_spec(path, ("en",), waived))
    assert ("aspect", "a demonstration of a strip-shaped row") in waived


def test_a_waiver_needs_a_known_check_and_a_reason(write_spec):
    from renderer.spec.errors import SpecError
    from renderer.spec.loader import load

    for bad, expected in (("waive: {aspect: ok}\n", "(expected minLength 12)"),
                          ("waive: {aspects: because it is a demonstration}\n", "aspects")):
        try:
            load(write_spec(STRIP + bad, name="bad.yaml"))
        except SpecError as e:
            assert expected in str(e.problems[0])
        else:
            raise AssertionError(f"{bad!r} was accepted")


def test_cli_check_reports_quality_findings_and_counts_waivers(write_spec):
    path = write_spec(STRIP + "waive:\n  aspect: a demonstration of a strip-shaped row\n")
    res = subprocess.run([sys.executable, "-m", "renderer.app.cli", "check", str(path), "--lang", "en"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "frame aspect" not in res.stderr
    assert "finding(s) waived in specs" in res.stderr.splitlines()[-1]
    assert int(res.stderr.splitlines()[-1].split("; ")[1].split()[0]) >= 1
