"""Edge labels that make room: a moved label's leader back to its edge, labels turned along slanted edges."""

from __future__ import annotations

import io
import math
import re
import zipfile

from lxml import etree

from renderer.backends.png_svg import prepare
from renderer.backends.pptx import draw_pptx
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.project import SPECS_DIR
from renderer.scene import Line, Polygon, Rect, Scene, Text, bbox, walk
from renderer.spec.loader import load

THEME = load_theme()
EXAMPLE = SPECS_DIR / "_examples" / "edge-labels.yaml"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


def scene_of(path, lang: str = "en") -> Scene:
    return layout(bind(load(path), use_cache=False).for_lang(lang), THEME)


def prims(scene: Scene, kind: str, ident: str | None = None) -> list:
    return [p for p in walk(scene.items) if p.meta.kind == kind and (ident is None or p.meta.id == ident)]


def edge(scene: Scene, i: int) -> Line:
    return next(p for p in prims(scene, "edge", f"edge-{i}") if isinstance(p, Line))


def overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def test_a_label_with_no_room_beside_its_edge_moves_off_with_a_leader_to_the_edge_midpoint():
    for lang in ("en", "zh"):
        sc = scene_of(EXAMPLE, lang)
        line = edge(sc, 0)
        (x0, y0), (x1, y1) = line.points[0], line.points[-1]
        mid = ((x0 + x1) / 2, (y0 + y1) / 2)
        leaders = prims(sc, "edge-leader", "edge-0")
        assert len(leaders) == 1, lang
        start, end = leaders[0].points
        assert math.dist(start, mid) < 0.5  # from the edge's midpoint ...
        chip = next(p for p in prims(sc, "edge-label-bg", "edge-0") if isinstance(p, Rect))
        assert chip.x - 0.5 <= end[0] <= chip.x + chip.w + 0.5 and abs(end[1] - (chip.y + chip.h)) < 0.5  # ... up to it
        assert leaders[0].style.stroke_width < line.style.stroke_width  # thin
        assert chip.y + chip.h < y0 - 20  # well clear of the edge
        # and clear of both boxes it had no room between
        for name in ("s0", "s1"):
            x, y, w, h = sc.anchors[name]
            assert overlap(bbox(chip), (x, y, x + w, y + h)) == 0, (lang, name)


def test_a_label_with_room_beside_its_edge_has_no_leader(write_spec):
    p = write_spec("""
        id: t
        chapter: test
        title: {en: T, zh: T}
        body:
          row:
            gap: 160
            items:
              - box: {id: a, text: A}
              - box: {id: b, text: B}
        edges:
          - {from: a, to: b, label: "reward r"}
        """)
    sc = scene_of(p)
    assert prims(sc, "edge-leader") == []
    chip = prims(sc, "edge-label-bg", "edge-0")[0]
    y = edge(sc, 0).points[0][1]
    assert chip.y <= y <= chip.y + chip.h  # on the line, as before


def _turned(sc: Scene, i: int) -> list[Text]:
    return [t for t in prims(sc, "edge-label", f"edge-{i}") if isinstance(t, Text)]


def test_label_rotate_turns_the_label_to_the_edge_angle_read_left_to_right():
    for lang in ("en", "zh"):
        sc = scene_of(EXAMPLE, lang)
        for i in (1, 2):
            (x0, y0), (x1, y1) = edge(sc, i).points
            ang = math.degrees(math.atan2(y1 - y0, x1 - x0))
            ang = ang - 180 if ang > 90 else ang + 180 if ang <= -90 else ang
            texts = _turned(sc, i)
            assert texts and all(abs(t.rotate - ang) < 0.01 for t in texts), (lang, i)
            assert -90 < texts[0].rotate <= 90
            assert len({t.pivot for t in texts}) == 1  # one pivot: the label turns as one
            # the pivot lies beside the middle of the edge, half the chip's height plus a gap off the line
            px, py = texts[0].pivot
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            d = abs((x1 - x0) * (y0 - py) - (x0 - px) * (y1 - y0)) / math.dist((x0, y0), (x1, y1))
            assert 6 < d < 20 and math.dist((px, py), (mx, my)) < 40, (lang, i, d)
            chip = next(p for p in prims(sc, "edge-label-bg", f"edge-{i}"))
            assert isinstance(chip, Polygon) and len(chip.points) == 4
        assert _turned(sc, 1)[0].rotate < 0 < _turned(sc, 2)[0].rotate  # down-left and down-right edges


def test_without_label_rotate_a_slanted_edge_label_stays_upright(write_spec):
    p = write_spec(EXAMPLE.read_text(encoding="utf-8").replace("label_rotate: true, ", ""))
    sc = scene_of(p)
    assert all(t.rotate == 0 and t.pivot is None for t in _turned(sc, 1) + _turned(sc, 2))


def test_turned_labels_are_rotated_in_svg_png_and_pptx():
    sc = scene_of(EXAMPLE)
    t = _turned(sc, 2)[0]
    svg = draw_svg(sc).decode()
    assert len(re.findall(r'<g transform="rotate\(', svg)) == len(_turned(sc, 1)) + len(_turned(sc, 2))
    assert f'rotate({round(t.rotate, 2):g}'[:10] in svg
    assert prepare(svg).count('<g transform="rotate(') == svg.count('<g transform="rotate(')  # PNG keeps the turn
    with zipfile.ZipFile(io.BytesIO(draw_pptx(sc))) as z:
        slide = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    rots = [int(x.get("rot")) for x in slide.iterfind(".//p:sp/p:spPr/a:xfrm", NS) if x.get("rot")]
    assert len(rots) == len(_turned(sc, 1)) + len(_turned(sc, 2))
    assert any(abs(r / 60000 - t.rotate % 360) < 0.01 for r in rots)


# --- arrowhead clearance ---------------------------------------------------------------------------------------

CLEARANCE = SPECS_DIR / "_examples" / "edge-arrow-clearance.yaml"


def _dist(pt, b) -> float:
    return math.hypot(max(b[0] - pt[0], 0.0, pt[0] - b[2]), max(b[1] - pt[1], 0.0, pt[1] - b[3]))


def test_an_arrow_into_a_tensor_under_a_wide_title_stops_short_of_it():
    from renderer.layout.edges import PULL_BACK, TEXT_CLEAR
    for lang in ("en", "zh"):
        sc = scene_of(CLEARANCE, lang)
        tip = edge(sc, 0).points[-1]
        x, y, w, h = sc.anchors["hid"]
        assert 0.5 < y - tip[1] <= PULL_BACK + 0.01  # a little short of the tensor's outline
        title = next(t for t in walk(sc.items) if isinstance(t, Text) and t.meta.kind != "edge-label"
                     and t.text in ("Hidden states", "隐藏状态"))
        assert _dist(tip, bbox(title)) >= TEXT_CLEAR - 0.01, lang
        ex, ey, ew, eh = sc.anchors["emb"]
        assert abs(tip[0] - (ex + ew / 2)) < 0.5  # on the route it had: the title spans far past any slide


def test_an_arrow_next_to_a_corner_badge_stops_beside_it():
    from renderer.layout.edges import MAX_SLIDE, TEXT_CLEAR
    for lang in ("en", "zh"):
        sc = scene_of(CLEARANCE, lang)
        badge = next(p for p in walk(sc.items) if p.meta.kind == "badge" and p.meta.id == "pol"
                     and type(p).__name__ == "Ellipse")
        tip = edge(sc, 3).points[-1]
        assert _dist(tip, bbox(badge)) >= TEXT_CLEAR - 0.01
        rx, ry, rw, rh = sc.anchors["r"]
        assert 0 < (rx + rw / 2) - tip[0] <= MAX_SLIDE  # slid left, a little, from under r's centre
        for i in (1, 2):  # the other arrows were clear already: still centred under their boxes
            x, y, w, h = sc.anchors[("s", "a")[i - 1]]
            assert abs(edge(sc, i).points[-1][0] - (x + w / 2)) < 0.5


# --- trees ---------------------------------------------------------------------------------------------------

TREE = SPECS_DIR / "_examples" / "tree-label-rotate.yaml"


def test_a_tree_with_label_rotate_turns_its_slanted_edge_labels_and_keeps_vertical_ones_upright():
    for lang in ("en", "zh"):
        sc = scene_of(TREE, lang)
        lines = {p.meta.id: p for p in walk(sc.items) if isinstance(p, Line) and p.meta.kind == "edge"}
        labels = [t for t in walk(sc.items) if isinstance(t, Text) and t.meta.kind == "edge-label"]
        turned = [t for t in labels if t.meta.id.startswith("turned.")]
        upright = [t for t in labels if t.meta.id.startswith("upright.")]
        assert upright and all(t.rotate == 0 for t in upright)  # the default tree: upright
        assert len(turned) == len(upright)
        for t in turned:
            (x0, y0), (x1, y1) = lines[t.meta.id].points[0], lines[t.meta.id].points[-1]
            if abs(x1 - x0) < 0.5:  # the vertical edge into s‴
                assert t.rotate == 0, lang
                continue
            ang = math.degrees(math.atan2(y1 - y0, x1 - x0))
            ang = ang - 180 if ang > 90 else ang + 180 if ang <= -90 else ang
            assert abs(t.rotate - ang) < 0.01, (lang, t.text)
            px, py = t.pivot  # beside the line, not on it
            d = abs((x1 - x0) * (y0 - py) - (x0 - px) * (y1 - y0)) / math.dist((x0, y0), (x1, y1))
            assert d > 6, (lang, t.text, d)
        assert sum(t.rotate != 0 for t in turned) >= 4


def test_a_turned_text_box_in_pptx_turns_about_the_same_pivot_as_in_svg():
    """Turned about the box's own centre (PowerPoint's rule), the box's centre must sit where the upright box's
    centre lands when turned about the label's pivot: the text's baseline anchor then lands where SVG draws it."""
    from renderer.backends.pptx_shapes import BASELINE_EM, EMU_PER_PX, LINE_EM
    from renderer.scene import rotated
    sc = scene_of(EXAMPLE)
    t = _turned(sc, 1)[0]
    with zipfile.ZipFile(io.BytesIO(draw_pptx(sc))) as z:
        slide = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    boxes = [x for x in slide.iterfind(".//p:sp/p:spPr/a:xfrm", NS) if x.get("rot")]
    assert boxes
    # the slide may scale and offset the scene: compare relative geometry of the label's runs instead
    centres = []
    for x in boxes:
        off, ext = x.find("a:off", NS), x.find("a:ext", NS)
        centres.append(((int(off.get("x")) + int(ext.get("cx")) / 2) / EMU_PER_PX,
                        (int(off.get("y")) + int(ext.get("cy")) / 2) / EMU_PER_PX))
    # expected centre of every turned text, in scene px (before the slide's fit)
    expect = []
    for p in _turned(sc, 1) + _turned(sc, 2):
        w = p.width + 2 * p.size
        left = {"start": p.x, "middle": p.x - w / 2, "end": p.x - w}[p.anchor]
        top = p.y - BASELINE_EM * p.size
        expect.append(rotated((left + w / 2, top + LINE_EM * p.size / 2), p.pivot, p.rotate))
    assert len(expect) == len(centres)
    # one scale and one offset map every expected centre onto its box's centre
    (ex0, ey0), (ex1, _) = expect[0], expect[-1]
    (cx0, cy0), (cx1, _) = centres[0], centres[-1]
    s = (cx1 - cx0) / (ex1 - ex0)
    for (ex, ey), (cx, cy) in zip(expect, centres, strict=True):
        assert abs(cx - (cx0 + (ex - ex0) * s)) < 0.6 and abs(cy - (cy0 + (ey - ey0) * s)) < 0.6
    assert t.rotate < 0
