"""Edge kinds and ports (issue #13): rounded corners, curved edges, loops kept inside their container,
spine ports, group frames (box and bracket), natively in SVG, PNG and PPTX."""

from __future__ import annotations

import io
import math
import re
import zipfile

import pytest
from lxml import etree

from renderer.app import check_layout as cl
from renderer.backends.png_svg import expand_markers
from renderer.backends.pptx import draw_pptx
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.edge_paths import corner_radii, rounded
from renderer.layout.theme import load_theme
from renderer.project import SPECS_DIR
from renderer.scene import Line, Meta, Rect, Scene, Style, bbox, walk
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
RADIUS = float(load_theme().stroke["edge_corner_radius"])
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


def scene_of(path, lang: str = "en") -> Scene:
    return layout(bind(load(path), use_cache=False).for_lang(lang), load_theme())


def spec(write_spec, body: str, edges: str):
    return write_spec(HEAD + "body:\n" + body + "edges:\n" + edges)


def edge(scene: Scene, i: int) -> Line:
    return next(p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "edge"
                and p.meta.id == f"edge-{i}")


def xyxy(a) -> tuple[float, float, float, float]:
    return (a[0], a[1], a[0] + a[2], a[1] + a[3])


@pytest.fixture(scope="module")
def example() -> dict[str, Scene]:
    bound = bind(load(SPECS_DIR / "_examples" / "edges.yaml"), use_cache=False)
    return {lang: layout(bound.for_lang(lang), load_theme()) for lang in ("en", "zh")}


# --- 1. rounded corners ----------------------------------------------------------------------------------

def _drawn_radii(line: Line) -> list[float]:
    """The radius of every rounded corner: from the arc's start to the polyline corner it replaces."""
    out, prev = [], None
    corners = iter(line.points[1:-1])
    for c in line.cmds:
        if c[0] == "C":
            out.append(math.dist(prev, next(corners)))
        elif c[0] == "L" and prev is not None and any(math.dist(c[1:], v) < 0.01 for v in line.points[1:-1]):
            next(corners)  # a corner drawn square
        prev = c[-2:]
    return out


def test_every_bend_of_an_orthogonal_edge_is_a_rounded_corner_with_the_theme_radius(example):
    for s in example.values():
        for i in (0, 1):  # prompt → policy, prompt → reference: elbows
            line = edge(s, i)
            assert len(line.points) == 4
            assert [c[0] for c in line.cmds].count("C") == 2  # one curve per bend
            assert _drawn_radii(line) == pytest.approx(corner_radii(list(line.points), RADIUS))
            assert line.cmds[0][1:] == pytest.approx(line.points[0]) and line.cmds[-1][1:] == pytest.approx(
                line.points[-1])  # same ends: the checks' points are where it is drawn


def test_the_radius_is_clamped_to_half_the_shorter_segment_and_straight_lines_stay_lines():
    jog = [(0.0, 0.0), (0.0, 20.0), (6.0, 20.0), (6.0, 60.0)]  # a 6 px jog
    assert corner_radii(jog, 8.0) == [3.0, 3.0]
    cmds = rounded(jog, 8.0)
    curves = [c for c in cmds if c[0] == "C"]
    assert curves[0][-2:] == pytest.approx((3.0, 20.0))  # ends half-way along the 6 px segment
    assert rounded([(0, 0), (0, 50)], 8.0) == ()
    assert rounded([(0, 0), (0, 20), (0, 50)], 8.0) == ()  # collinear: nothing to round


def test_a_straight_edge_has_no_drawn_path(write_spec):
    body = "  column:\n    items:\n      - box: {id: a, text: A}\n      - box: {id: b, text: B}\n"
    s = scene_of(spec(write_spec, body, "  - {from: a, to: b}\n"))
    assert edge(s, 0).cmds == ()
    assert "C" not in re.search(r'<path d="([^"]*)"[^>]*marker-end', draw_svg(s).decode()).group(1)


# --- 2. curved edges -------------------------------------------------------------------------------------

def test_a_curved_edge_leaves_and_enters_square_to_its_sides_and_its_head_follows_the_end_tangent(example):
    for s in example.values():
        line = edge(s, 2)  # sample → reward, route: curved
        assert [c[0] for c in line.cmds] == ["M", "C"]
        p0, ctrl = line.cmds[0][1:], line.cmds[1][1:]
        c1, c2, p1 = ctrl[0:2], ctrl[2:4], ctrl[4:6]
        a, b = xyxy(s.anchors["c_a"]), xyxy(s.anchors["c_b"])
        assert p0[1] == pytest.approx(a[3]) and p1[1] == pytest.approx(b[1])  # bottom of a, top of b
        assert c1[0] == pytest.approx(p0[0]) and c1[1] > p0[1]  # leaves straight down
        assert c2[0] == pytest.approx(p1[0]) and c2[1] < p1[1]  # enters straight down
        # the checks measure samples of the curve, ending on its end points, the last one along the tangent
        assert len(line.points) > 10
        assert line.points[0] == pytest.approx(p0) and line.points[-1] == pytest.approx(p1)
        (x0, y0), (x1, y1) = line.points[-2], line.points[-1]
        assert abs(x1 - x0) < 0.2 * abs(y1 - y0)  # within about 11° of the tangent
        # PNG: the arrowhead drawn as a path is turned to the end tangent (pointing down: cos 0, sin 1)
        svg = expand_markers(draw_svg(s).decode())
        d = next(m.group(1) for m in re.finditer(r'<path d="(M[^"]*C[^"]*)"[^>]*/>', svg)
                 if m.group(1).startswith(f"M{_n(p0[0])},{_n(p0[1])}"))
        head = re.search(re.escape(d) + r'"[^>]*/><path d="M0,1 L10,5 L0,9 z"[^>]*transform="matrix\(([-\d.]+) '
                         r'([-\d.]+) ', svg)
        assert (float(head.group(1)), float(head.group(2))) == pytest.approx((0.0, 1.0), abs=1e-3)


def _n(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# --- 3. loops stay inside their container ----------------------------------------------------------------

def test_rlhf_vs_dpo_update_loops_stay_inside_their_panels_with_a_margin_on_the_same_side():
    bound = bind(load(SPECS_DIR / "dpo" / "rlhf-vs-dpo.yaml"), use_cache=False)
    sides = {}
    for lang in ("en", "zh"):
        s = layout(bound.for_lang(lang), load_theme())
        panels = {p.meta.id: bbox(p) for p in walk(s.items) if isinstance(p, Rect) and p.meta.kind == "panel"}
        for i, panel in ((7, "rlhf"), (13, "dpo")):  # the two dashed update loops
            line = edge(s, i)
            x0, y0, x1, y1 = panels[panel]
            for x, y in line.points:
                assert min(x - x0, x1 - x, y - y0, y1 - y) >= 30, (lang, panel, (x, y))
            sides[lang, panel] = "left" if min(x for x, _ in line.points) < line.points[0][0] - 1 else "other"
        assert cl.edge_leaves_container(s) == []
    assert sides["en", "rlhf"] == sides["zh", "rlhf"] == "left"
    assert sides["en", "dpo"] == sides["zh", "dpo"] == "left"


def test_a_self_loop_in_a_tight_panel_grows_the_panel_instead_of_leaving_it(write_spec):
    body = ("  panel:\n    items:\n      - box: {id: a, text: {en: repeat step, zh: 重复步骤}}\n"
            "      - box: {id: b, text: {en: next, zh: 下一步}}\n")
    for lang in ("en", "zh"):
        s = scene_of(spec(write_spec, body, "  - {from: a, to: a, from_side: right}\n"), lang)
        panel = next(bbox(p) for p in walk(s.items) if isinstance(p, Rect) and p.meta.kind == "panel")
        assert max(x for x, _ in edge(s, 0).points) <= panel[2] - 8


def _panel_scene(points) -> Scene:
    panel = Rect(20, 20, 200, 150, 8, Style(fill="#DEEBF7"), Meta("p", "panel", "s.yaml:4:5", "panel"))
    ln = Line(tuple(points), Style(stroke="#000000"), False, True, Meta("edge-0", "arrow", "s.yaml:12:5", "edge"))
    frame = Rect(0, 0, 300, 200, 0, Style(stroke="#BFBFBF"), Meta("frame", "frame", None, "frame"))
    return Scene(300, 200, [frame, panel, ln], anchors={"p": (20, 20, 200, 150), "a": (60, 40, 80, 30),
                                                        "b": (60, 110, 80, 30)}, links=(("a", "b"),))


def test_edge_leaves_container_reports_a_loop_outside_its_panel_and_passes_one_inside():
    outside = cl.edge_leaves_container(_panel_scene([(60, 125), (10, 125), (10, 55), (60, 55)]))
    assert [(f[0], f[1]) for f in outside] == [("edge-leaves-container", "s.yaml:12:5")]
    assert "runs 10 px outside" in outside[0][2]
    assert cl.edge_leaves_container(_panel_scene([(60, 125), (35, 125), (35, 55), (60, 55)])) == []


# --- 4. spine ports --------------------------------------------------------------------------------------

def test_a_row_spine_port_lies_on_the_centre_line_of_its_children(write_spec):
    body = ("  row:\n    gap: 40\n    items:\n      - box: {id: s, text: input}\n"
            "      - row:\n          id: chain\n          align: start\n          items:\n"
            "            - box: {text: tall, height: 90}\n            - box: {id: k1, text: step}\n"
            "            - box: {id: k2, text: step}\n")
    s = scene_of(spec(write_spec, body, "  - {from: s, to: chain.spine}\n"))
    end = edge(s, 0).points[-1]
    kids = [xyxy(s.anchors[f"chain.{i}"]) for i in range(3)]
    centres = sorted((k[1] + k[3]) / 2 for k in kids)
    assert end[1] == pytest.approx(centres[1])  # the median: the two steps' centre line, not the row's middle
    assert end[0] == pytest.approx(xyxy(s.anchors["chain"])[0])
    assert abs(end[1] - (xyxy(s.anchors["chain"])[1] + xyxy(s.anchors["chain"])[3]) / 2) > 10


def test_a_column_spine_port_sits_at_its_childrens_centre(write_spec):
    body = ("  column:\n    gap: 40\n    items:\n      - box: {id: top, text: source, width: 300}\n"
            "      - column:\n          id: col\n          align: start\n          items:\n"
            "            - box: {text: a wide first step, width: 200}\n            - box: {text: b, width: 60}\n"
            "            - box: {text: c, width: 60}\n")
    s = scene_of(spec(write_spec, body, "  - {from: top, to: col.spine}\n"))
    end = edge(s, 0).points[-1]
    centres = sorted((xyxy(s.anchors[f"col.{i}"])[0] + xyxy(s.anchors[f"col.{i}"])[2]) / 2 for i in range(3))
    assert end == pytest.approx((centres[1], xyxy(s.anchors["col"])[1]))


def test_the_decoder_chain_of_llm_structure_is_centred_in_its_panel():
    s = scene_of(SPECS_DIR / "llm-basics" / "llm-structure.yaml")
    panel = xyxy(s.anchors["layer"])
    for step in ("l-in", "norm1", "attn", "add1", "norm2", "mlp", "add2", "l-out"):
        box = xyxy(s.anchors[step])
        assert (box[0] + box[2]) / 2 == pytest.approx((panel[0] + panel[2]) / 2, abs=0.5), step


# --- 5. group frames -------------------------------------------------------------------------------------

def test_a_bracket_collects_its_stack_into_one_arrow_from_its_middle(example):
    for s in example.values():
        g = xyxy(s.anchors["group"])
        bracket = next(p for p in walk(s.items) if isinstance(p, Line) and p.meta.kind == "group-bracket")
        assert max(x for x, _ in bracket.points) == pytest.approx(g[2])  # on the side the edge leaves (right)
        assert bracket.points[1][1] == pytest.approx(g[1]) and bracket.points[2][1] == pytest.approx(g[3])
        start = edge(s, 8).points[0]
        assert start == pytest.approx((g[2], (g[1] + g[3]) / 2))  # the bracket's tip: the side's middle
        members = [xyxy(s.anchors[f"group.{i}"]) for i in range(3)]
        assert all(g[0] < m[0] and m[2] < g[2] for m in members)


def test_a_box_frame_outlines_its_stack_and_the_edge_leaves_its_side_middle(example):
    for s in example.values():
        outline = next(bbox(p) for p in walk(s.items) if isinstance(p, Rect) and p.meta.kind == "group-frame")
        assert xyxy(s.anchors["answers"]) == pytest.approx(outline)
        assert edge(s, 7).points[0] == pytest.approx((outline[2], (outline[1] + outline[3]) / 2))
        members = [xyxy(s.anchors[f"answers.{i}"]) for i in range(3)]
        assert all(cl.contains(outline, m) and m[0] - outline[0] >= 7.9 for m in members)


# --- PPTX: native freeforms with curve segments ----------------------------------------------------------

def _shapes(scene: Scene) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    assert root.findall(".//p:pic", NS) == []
    return {el.find(".//p:cNvPr", NS).get("name"): el for el in root.iter(f"{{{NS['p']}}}sp")}


def test_pptx_edges_are_freeforms_with_curve_segments_and_native_line_ends(example):
    shapes = _shapes(example["en"])
    for name, curves in (("edge-0 edge [arrow]", 2), ("edge-2 edge [arrow]", 1)):
        sp = shapes[name]
        path = sp.find("p:spPr/a:custGeom/a:pathLst/a:path", NS)
        assert path is not None and path.get("fill") == "none"
        assert len(path.findall("a:cubicBezTo", NS)) == curves
        assert sp.find("p:spPr/a:ln/a:tailEnd", NS).get("type") == "triangle"
    bracket = next(el for n, el in shapes.items() if "group-bracket" in n)
    assert bracket.find("p:spPr/a:custGeom", NS) is not None
    assert len(bracket.findall(".//a:lnTo", NS)) == 3


def test_a_loop_inside_a_box_frame_grows_the_frame_instead_of_leaving_it(write_spec):
    body = ("  column:\n    id: g\n    frame: box\n    gap: 20\n    items:\n      - box: {id: a, text: policy}\n"
            "      - box: {id: b, text: loss}\n")
    s = scene_of(spec(write_spec, body, "  - {from: b, to: a, from_side: left, to_side: left}\n"))
    outline = next(bbox(p) for p in walk(s.items) if isinstance(p, Rect) and p.meta.kind == "group-frame")
    assert min(x for x, _ in edge(s, 0).points) >= outline[0] + 8
    assert cl.edge_leaves_container(s) == []
