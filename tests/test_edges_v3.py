"""Issue #14, remaining edge and glyph items: the spectrum arrow (a gradient fill, native in SVG, PNG and PPTX),
the squiggle edge style, the relabel mark across an edge, and the cylinder box with records as edge ends."""

from __future__ import annotations

import io
import math
import re
import zipfile

import pytest
from lxml import etree

from renderer.backends.png_svg import prepare
from renderer.backends.pptx import draw_pptx
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.edge_paths import SQUIGGLE_AMPLITUDE
from renderer.layout.theme import load_theme
from renderer.project import SPECS_DIR
from renderer.scene import Ellipse, Line, Path, Polygon, Rect, Scene, Text, bbox, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
THEME = load_theme()
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def scene_of(path, lang: str = "en") -> Scene:
    return layout(bind(load(path), use_cache=False).for_lang(lang), THEME)


def spec(write_spec, body: str, edges: str = "") -> Scene:
    return scene_of(write_spec(HEAD + "body:\n" + body + ("edges:\n" + edges if edges else "")))


def edge(scene: Scene, i: int) -> Line:
    return next(p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "edge"
                and p.meta.id == f"edge-{i}")


def slide_xml(scene: Scene) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        return etree.fromstring(z.read("ppt/slides/slide1.xml"))


def overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def boxes(scene: Scene):
    return [bbox(p) for p in walk(scene.items) if isinstance(p, Rect | Ellipse) and p.meta.kind == "box"]


# --- 1. spectrum ---------------------------------------------------------------------------------------------

SPECTRUM = """\
  column:
    items:
      - spectrum:
          id: beta
          title: "β"
          from: {label: "small", role: model}
          to: {label: "large", role: negative}
      - row:
          align: stretch
          items:
            - column:
                gap: 30
                items:
                  - box: a
                  - box: b
                  - box: c
                  - box: d
            - spectrum: {id: v, direction: vertical, length: 60, from: {label: TD, role: data},
                         to: {label: MC, role: warm}}
"""


@pytest.fixture()
def spectrum(write_spec) -> Scene:
    return spec(write_spec, SPECTRUM)


def _arrow(scene: Scene, ident: str) -> Polygon:
    return next(p for p in walk(scene.items) if isinstance(p, Polygon) and p.meta.kind == "spectrum"
                and p.meta.id == ident)


def test_the_spectrum_fill_blends_from_the_from_role_to_the_to_role_along_its_direction(spectrum):
    h, v = _arrow(spectrum, "beta"), _arrow(spectrum, "v")
    assert h.style.gradient == (THEME.color("model"), THEME.color("negative")) and h.style.gradient_axis == "x"
    assert v.style.gradient == (THEME.color("data"), THEME.color("warm")) and v.style.gradient_axis == "y"
    x0, y0, x1, y1 = bbox(h)
    cy = (y0 + y1) / 2
    tips = sorted(p for p in h.points if abs(p[1] - cy) < 0.01)  # both heads end on the centre line
    assert tips[0][0] == pytest.approx(x0) and tips[-1][0] == pytest.approx(x1)
    shaft = [p for p in h.points if 0 < abs(p[1] - cy) < (y1 - y0) / 2 - 0.01]
    assert shaft and all(abs(abs(p[1] - cy) - (y1 - y0) / 4) < 0.01 for p in shaft)  # heads twice the shaft


def test_the_spectrum_end_labels_sit_under_their_ends_and_the_title_over_the_middle(spectrum):
    texts = {t.text: bbox(t) for t in walk(spectrum.items) if isinstance(t, Text) and t.meta.id == "beta"}
    x0, y0, x1, y1 = bbox(_arrow(spectrum, "beta"))
    assert texts["small"][0] == pytest.approx(x0, abs=0.5) and texts["small"][1] > y1
    assert texts["large"][2] == pytest.approx(x1, abs=0.5) and texts["large"][1] > y1
    assert texts["β"][3] < y0 and abs((texts["β"][0] + texts["β"][2]) / 2 - (x0 + x1) / 2) < 1


def test_a_vertical_spectrum_in_a_stretched_row_spans_the_rows_beside_it(spectrum):
    _, y0, _, y1 = bbox(_arrow(spectrum, "v"))
    col = [bbox(p) for p in walk(spectrum.items) if isinstance(p, Rect) and p.meta.kind == "box"]
    top, bottom = min(b[1] for b in col), max(b[3] for b in col)
    assert y1 - y0 > 60 + 50  # longer than its own `length`: stretched ...
    labels = {t.text: bbox(t) for t in walk(spectrum.items) if isinstance(t, Text) and t.meta.id == "v"}
    assert labels["TD"][1] == pytest.approx(top, abs=6) and labels["MC"][3] == pytest.approx(bottom, abs=6)


def test_the_gradient_is_native_in_svg_png_and_pptx(spectrum):
    svg = draw_svg(spectrum, fonts=False).decode()
    grads = re.findall(r'<linearGradient id="([^"]+)" x1="0" x2="(\d)" y1="0" y2="(\d)">(.*?)</linearGradient>', svg)
    assert [(x2, y2) for _, x2, y2, _ in grads] == [("1", "0"), ("0", "1")]
    assert re.findall(r'stop-color="([^"]+)"', grads[0][3]) == [THEME.color("model"), THEME.color("negative")]
    assert f'fill="url(#{grads[0][0]})"' in svg
    assert "<linearGradient" in prepare(svg)  # the PNG rasteriser gets the same gradient
    fills = slide_xml(spectrum).findall(".//a:gradFill", NS)
    assert len(fills) == 2
    stops = [(gs.get("pos"), gs.find("a:srgbClr", NS).get("val")) for gs in fills[0].findall(".//a:gs", NS)]
    hexes = [THEME.color(r).lstrip("#").upper() for r in ("model", "negative")]
    assert stops == [("0", hexes[0]), ("100000", hexes[1])]
    assert [f.find("a:lin", NS).get("ang") for f in fills] == ["0", "5400000"]
    assert all(f.getparent().find("a:custGeom", NS) is not None for f in fills)  # on a freeform


def test_spectrum_tips_are_edge_ends(write_spec):
    s = spec(write_spec, SPECTRUM, "  - {from: beta.to, to: v.from}\n")
    tip, end = s.anchors["beta.to"], s.anchors["v.from"]
    x0, y0, x1, y1 = bbox(_arrow(s, "beta"))
    assert tip[0] + tip[2] == pytest.approx(x1) and tip[2] < (x1 - x0) / 4  # the right tip, not the whole arrow
    start, stop = edge(s, 0).points[0], edge(s, 0).points[-1]
    assert tip[0] - 0.5 <= start[0] <= tip[0] + tip[2] + 0.5 and end[0] - 0.5 <= stop[0] <= end[0] + end[2] + 0.5


# --- 2. squiggle ---------------------------------------------------------------------------------------------

ROW = """\
  row:
    gap: 200
    items:
      - box: {id: a, text: leaf}
      - box: {id: b, text: end}
"""


def _offsets(line: Line) -> list[float]:
    """Signed distance of every drawn point from the (straight, horizontal) route."""
    y = line.points[0][1]
    return [c[2] - y for c in line.cmds if c[0] in ("M", "L")]


def test_a_squiggle_waves_across_the_route_and_ends_straight_into_the_arrowhead(write_spec):
    s = spec(write_spec, ROW, "  - {from: a, to: b, style: squiggle}\n")
    line, plain = edge(s, 0), edge(spec(write_spec, ROW, "  - {from: a, to: b}\n"), 0)
    assert plain.cmds == ()  # without the option: the plain straight line
    off = _offsets(line)
    assert max(off) == pytest.approx(SQUIGGLE_AMPLITUDE, abs=0.2)
    assert min(off) == pytest.approx(-SQUIGGLE_AMPLITUDE, abs=0.2)
    sign_changes = sum(1 for p, q in zip(off, off[1:], strict=False) if p * q < 0)
    assert sign_changes >= 10  # many waves over 200 px
    assert line.cmds[0][1:] == pytest.approx(line.points[0]) and line.cmds[-1][1:] == pytest.approx(line.points[-1])
    assert off[-1] == pytest.approx(0, abs=1e-6) and off[-2] == pytest.approx(0, abs=1e-6)  # the straight lead
    assert line.cmds[-1][1] - line.cmds[-2][1] >= 10
    assert line.points == plain.points  # the checks measure the route


def test_the_squiggle_is_an_open_freeform_with_an_arrow_end_in_pptx(write_spec):
    s = spec(write_spec, ROW, "  - {from: a, to: b, style: squiggle}\n")
    shapes = [sp for sp in slide_xml(s).iter("{*}sp") if sp.find(".//a:tailEnd", NS) is not None]
    assert len(shapes) == 1
    path = shapes[0].find(".//a:custGeom/a:pathLst/a:path", NS)
    assert path.get("fill") == "none" and len(path.findall("a:lnTo", NS)) > 50


# --- 3. relabel ----------------------------------------------------------------------------------------------

def _relabel_parts(s: Scene, i: int):
    bar = next(p for p in walk(s.items) if isinstance(p, Line) and p.meta.kind == "edge-mark"
               and p.meta.id == f"edge-{i}")
    names = {t.text: bbox(t) for t in walk(s.items) if isinstance(t, Text) and t.meta.kind == "edge-label"
             and t.meta.id == f"edge-{i}"}
    return bar, names


def test_relabel_draws_a_bar_across_the_edge_with_the_old_name_before_it_and_the_new_after(write_spec):
    s = spec(write_spec, ROW, '  - {from: a, to: b, relabel: {from: "next", to: "now", at: 0.25}}\n')
    line = edge(s, 0)
    (x0, y), (x1, _) = line.points
    bar, names = _relabel_parts(s, 0)
    (bx, by0), (bx1, by1) = bar.points
    assert bx == pytest.approx(bx1) and bx == pytest.approx(x0 + 0.25 * (x1 - x0))  # square across, at 25 %
    assert min(by0, by1) < y < max(by0, by1)
    assert names["next"][2] < bx < names["now"][0]  # old name before the bar, new one after it
    assert names["next"][2] > bx - 30 and names["now"][0] < bx + 30  # next to it


def test_relabel_names_keep_off_boxes(write_spec):
    body = """\
  column:
    gap: 24
    items:
      - box: {id: a, text: agent, width: 200}
      - box: {id: b, text: environment, width: 200}
"""
    s = spec(write_spec, body, '  - {from: b, to: a, from_side: left, to_side: left,\n'
                               '     relabel: {from: "s_{t+1}", to: "s_{t}"}}\n')
    _, names = _relabel_parts(s, 0)
    assert len(names) >= 2
    for name in names.values():
        assert all(overlap(name, b) == 0 for b in boxes(s))


def test_a_relabel_at_outside_the_edge_is_a_located_error(write_spec):
    p = write_spec(HEAD + "body:\n" + ROW + 'edges:\n  - {from: a, to: b, relabel: {from: x, to: y, at: 1.5}}\n')
    with pytest.raises(SpecError) as err:
        load(p)
    assert re.search(r"s\.yaml:\d+:\d+: error: 1\.5 is out of range \(expected < 1\)", str(err.value))


# --- 4. cylinder ---------------------------------------------------------------------------------------------

CYL = """\
  row:
    gap: 80
    items:
      - box: {id: buf, shape: cylinder, text: buffer, role: data,
              rows: ["(s0, a0, r1)", "(s1, a1, r2)", "(s2, a2, r3)"]}
      - column:
          gap: 20
          items:
            - box: {id: g0, text: "G0"}
            - box: {id: g1, text: "G1"}
"""


def test_a_cylinder_is_a_body_with_a_rim_and_its_records_stack_inside(write_spec):
    s = spec(write_spec, CYL)
    group = next(p for p in walk(s.items) if p.meta.kind == "box" and p.meta.id == "buf" and hasattr(p, "children"))
    body, rim = group.children[:2]
    assert isinstance(body, Path) and isinstance(rim, Ellipse) and body.style.fill == THEME.color("data")
    x0, y0, x1, y1 = bbox(body)
    assert rim.cy - rim.ry == pytest.approx(y0) and 2 * rim.rx == pytest.approx(x1 - x0)
    records = [bbox(p) for p in group.children if isinstance(p, Rect) and p.meta.kind == "cylinder-record"]
    assert len(records) == 3 and all(rim.cy + rim.ry < r[1] and r[3] < y1 - rim.ry for r in records)
    assert all(a[3] < b[1] for a, b in zip(records, records[1:], strict=False))  # stacked, apart
    texts = [t for t in group.children if isinstance(t, Text)]
    assert [t.text for t in texts][:1] == ["buffer"] and texts[0].y < records[0][1]


def test_edges_leave_a_cylinder_record_at_the_side_level_with_it(write_spec):
    s = spec(write_spec, CYL, "  - {from: buf.r2, to: g1}\n  - {from: buf.r0, to: g0}\n")
    buf = s.anchors["buf"]
    for i, r in ((0, 2), (1, 0)):
        rec = s.anchors[f"buf.r{r}"]
        start = edge(s, i).points[0]
        assert start[0] == pytest.approx(buf[0] + buf[2])  # on the cylinder's right side
        assert rec[1] <= start[1] <= rec[1] + rec[3]  # level with its record
    assert s.anchors["buf.r0"][1] < s.anchors["buf.r1"][1] < s.anchors["buf.r2"][1]


def test_rows_on_a_box_that_is_not_a_cylinder_is_a_located_error(write_spec):
    p = write_spec(HEAD + "body:\n  box: {text: x, rows: [a]}\n")
    with pytest.raises(SpecError) as err:
        scene_of(p)
    assert re.search(r"s\.yaml:5:\d+: error: `rows` are the records of a cylinder", str(err.value))


def test_an_unknown_record_is_a_located_error(write_spec):
    p = write_spec(HEAD + "body:\n" + CYL + "edges:\n  - {from: buf.r7, to: g0}\n")
    with pytest.raises(SpecError) as err:
        scene_of(p)
    assert re.search(r"s\.yaml:\d+:\d+: error: edge from unknown node 'buf.r7' \(expected one of: .*buf.r0",
                     str(err.value))


# --- the examples --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["spectrum", "edge-marks", "cylinder"])
def test_examples_are_clean(name):
    from renderer.app.check import check_spec

    assert check_spec(SPECS_DIR / "_examples" / f"{name}.yaml") == []


def test_no_new_option_no_new_bytes(write_spec):
    """The new options leave an edge and a box that do not use them as before: a plain edge draws no path, no
    gradient definitions appear."""
    s = spec(write_spec, ROW, "  - {from: a, to: b}\n")
    svg = draw_svg(s, fonts=False).decode()
    assert "linearGradient" not in svg and edge(s, 0).cmds == () and not math.isnan(s.width)


def test_a_tree_node_edge_line_squiggle_is_a_wavy_arrow_with_its_label_beside_it(write_spec):
    body = """\
  tree:
    id: t
    root:
      id: leaf
      label: leaf
      children:
        - {id: end, label: end, edge: rollout, edge_line: squiggle}
        - {id: other, label: other, edge: plain}
"""
    s = spec(write_spec, body)
    lines = [p for p in walk(s.items) if isinstance(p, Line) and p.meta.kind == "edge" and p.meta.id.startswith("t.")]
    wavy = [ln for ln in lines if ln.cmds]
    assert len(wavy) == 1 and len(lines) == 2
    line = wavy[0]
    assert line.arrow_end and not next(ln for ln in lines if not ln.cmds).arrow_end
    (x0, y0), (x1, y1) = line.points
    ux, uy = (x1 - x0) / math.dist((x0, y0), (x1, y1)), (y1 - y0) / math.dist((x0, y0), (x1, y1))
    off = [(c[1] - x0) * -uy + (c[2] - y0) * ux for c in line.cmds]  # distance across the straight edge
    assert max(off) == pytest.approx(SQUIGGLE_AMPLITUDE, abs=0.3) and min(off) == pytest.approx(-SQUIGGLE_AMPLITUDE,
                                                                                                 abs=0.3)
    label = next(bbox(t) for t in walk(s.items) if isinstance(t, Text) and t.text == "rollout")
    assert not any(label[0] <= c[1] <= label[2] and label[1] <= c[2] <= label[3] for c in line.cmds)  # beside it
