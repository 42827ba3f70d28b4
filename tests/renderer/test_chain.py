"""The `chain` element: nodes on one line, step labels over their arrows, values under their nodes, braces,
node columns shared by the chains of one column, legend entries and located errors."""

from __future__ import annotations

import io
import zipfile

import pytest

from renderer.app.check import check_scene
from renderer.backends.pptx import draw_pptx
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.chain import DOT
from renderer.layout.theme import load_theme
from renderer.scene import Ellipse, Line, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
THEME = load_theme()

TWO = """  column:
    gap: 12
    items:
      - chain:
          id: a
          label: short
          note: first
          nodes:
            - {label: "s_{0}"}
            - {label: "a_{0}", shape: action}
            - {label: "s_{1}", role: thought, value: "V = 5"}
          steps: [{}, {label: "r_{1} = 1", role: warm}]
      - spacer: {dots: true, text: n-step}
      - chain:
          id: b
          label: a much longer heading
          note: second
          nodes:
            - {label: "s_{0}"}
            - {label: "a_{0}", shape: action}
            - {label: "s_{1}"}
            - {label: "a_{1}", shape: action}
            - {id: end, label: T, shape: terminal}
          steps: [{}, {label: "a very long reward label", role: warm}, {elide: true}, {label: "r_{T}", role: warm}]
          braces:
            - {from: 0, to: end, label: n steps}
"""


def scene_of(write_spec, body: str, tail: str = "", lang: str = "en"):
    return layout(bind(load(write_spec(HEAD + "body:\n" + body + tail))).for_lang(lang), THEME)


def marks(scene) -> dict[str, object]:
    """Each node's shape by its anchor name (`<chain>.<index>` or `<chain>.<node id>`)."""
    return {p.meta.id: p for p in walk(scene.items) if p.meta.kind == "chain-mark"}


def centre(p) -> tuple[float, float]:
    x0, y0, x1, y1 = bbox(p)
    return (x0 + x1) / 2, (y0 + y1) / 2


def steps(scene, chain: str) -> dict[int, list[Line]]:
    out: dict[int, list[Line]] = {}
    for p in walk(scene.items):
        if isinstance(p, Line) and p.meta.kind == "edge" and (p.meta.id or "").startswith(f"{chain}.step-"):
            out.setdefault(int(p.meta.id.rsplit("-", 1)[1]), []).append(p)
    return out


def test_chains_of_one_column_share_their_node_columns_and_note_start(write_spec):
    scene = scene_of(write_spec, TWO)
    m = marks(scene)
    for k in (0, 1, 2):  # chain b's wider heading and longer label move chain a's nodes too
        assert centre(m[f"a.{k}"])[0] == pytest.approx(centre(m[f"b.{k}"])[0])
    long = next(t for t in walk(scene.items) if isinstance(t, Text) and t.text.startswith("a very long"))
    gap_a = bbox(m["a.2"])[0] - centre(m["a.1"])[0]
    assert gap_a > long.width, "chain a's step 1 is as long as chain b's long label needs"
    notes = {t.text: t for t in walk(scene.items) if isinstance(t, Text) and t.text in ("first", "second")}
    assert notes["first"].left == pytest.approx(notes["second"].left)
    assert notes["first"].left > bbox(m["b.end"])[2], "the notes start after the longest chain"
    dots = [p for p in walk(scene.items) if p.meta.kind == "ellipsis"]
    assert dots, "the elision row between the chains is drawn"


def test_a_chain_alone_or_with_share_false_keeps_its_own_columns(write_spec):
    scene = scene_of(write_spec, TWO.replace("          id: a\n", "          id: a\n          share: false\n"))
    m = marks(scene)
    assert centre(m["a.2"])[0] - centre(m["a.1"])[0] < centre(m["b.2"])[0] - centre(m["b.1"])[0]


def test_step_labels_stand_over_their_arrow_and_values_under_their_node(write_spec):
    scene = scene_of(write_spec, TWO)
    m = marks(scene)
    arrow = steps(scene, "a")[1][0]
    (x0, y), (x1, _) = arrow.points
    label = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "edge-label"
                 and t.meta.id == "a.step-1")
    lb = bbox(label)
    assert lb[3] < y, "the reward label is above its arrow"
    assert x0 <= lb[0] and lb[2] <= x1, "… and within its length"
    assert x0 == pytest.approx(centre(m["a.1"])[0] + DOT / 2) and x1 == pytest.approx(bbox(m["a.2"])[0])
    value = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "chain-value")
    vb = bbox(value)
    assert vb[1] > bbox(m["a.2"])[3], "the value is under its node"
    assert (vb[0] + vb[2]) / 2 == pytest.approx(centre(m["a.2"])[0], abs=0.5)


def test_colours_come_from_roles(write_spec):
    scene = scene_of(write_spec, TWO)
    m = marks(scene)
    assert isinstance(m["a.0"], Ellipse) and m["a.0"].style.fill == THEME.color("white")
    assert m["a.0"].style.stroke == THEME.color("text"), "a state is an open circle"
    assert m["a.2"].style.fill == THEME.color("thought")
    assert isinstance(m["a.1"], Ellipse) and m["a.1"].rx == pytest.approx(DOT / 2)
    assert m["a.1"].style.fill == THEME.color("text"), "an action is a small filled dot"
    assert isinstance(m["b.end"], Rect) and m["b.end"].style.fill == THEME.color("muted"), "a terminal square"
    arrows = steps(scene, "a")
    assert arrows[0][0].style.stroke == THEME.color("arrow") and arrows[1][0].style.stroke == THEME.color("warm")
    elided = steps(scene, "b")[2]
    assert len(elided) == 2 and not elided[0].arrow_end and elided[1].arrow_end, "⋯ inside the eliding arrow"


def test_the_brace_spans_its_nodes_under_the_values(write_spec):
    scene = scene_of(write_spec, TWO)
    m = marks(scene)
    brace = next(p for p in walk(scene.items) if p.meta.kind == "chain-brace")
    bx = bbox(brace)
    assert bx[0] == pytest.approx(bbox(m["b.0"])[0]) and bx[2] == pytest.approx(bbox(m["b.end"])[2])
    assert bx[1] > bbox(m["b.end"])[3]
    label = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "chain-brace-label")
    assert bbox(label)[1] > bx[3] - 1


def test_vertical_chain_reads_top_to_bottom_with_labels_beside(write_spec):
    body = """  chain:
    id: v
    direction: vertical
    nodes: [{label: s}, {label: a, shape: action}, {label: "s′", value: "V = 4"}]
    steps: [{label: π}, {label: r, role: warm}]
"""
    scene = scene_of(write_spec, body)
    m = marks(scene)
    xs = {round(centre(m[f"v.{k}"])[0], 3) for k in range(3)}
    assert len(xs) == 1
    assert centre(m["v.0"])[1] < centre(m["v.1"])[1] < centre(m["v.2"])[1]
    arrow = steps(scene, "v")[1][0]
    label = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta.id == "v.step-1")
    assert bbox(label)[0] > arrow.points[0][0], "a vertical step's label is right of its arrow"
    assert arrow.points[0][1] <= centre(label)[1] <= arrow.points[1][1]


def test_nodes_are_edge_ends_by_index_and_id(write_spec):
    tail = "edges:\n  - {from: a.2, to: b.end, label: here}\n"
    scene = scene_of(write_spec, TWO, tail)
    assert {"a.0", "a.2", "b.4", "b.end"} <= set(scene.anchors)
    assert scene.anchors["b.4"] == scene.anchors["b.end"]
    edge = next(p for p in walk(scene.items) if isinstance(p, Line) and p.meta.id == "edge-0")
    x, y, w, h = scene.anchors["a.2"]
    x0, y0 = edge.points[0]
    assert x - 3 <= x0 <= x + w + 3 and y - 3 <= y0 <= y + h + 3, "the edge leaves node a.2"
    x, y, w, h = scene.anchors["b.end"]
    x1, y1 = edge.points[-1]
    assert x - 3 <= x1 <= x + w + 3 and y - 3 <= y1 <= y + h + 3, "… and ends at node b.end"


def test_legend_auto_names_the_transition_roles(write_spec):
    tail = """legend:
  auto: true
  labels: {thought: {en: bootstrap, zh: 自举}}
  lines: {warm: {en: real reward, zh: 真实奖励}}
"""
    scene = scene_of(write_spec, TWO, tail)
    samples = [p for p in walk(scene.items) if p.meta.kind == "legend" and isinstance(p, Line)]
    assert [s.style.stroke for s in samples] == [THEME.color("warm")]
    texts = [t.text for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind in ("legend", "legend-text")]
    assert "real reward" in " ".join(texts)
    with pytest.raises(SpecError, match=r"draws a solid 'warm' edge but the legend has no text for it"):
        scene_of(write_spec, TWO, tail.replace("  lines: {warm: {en: real reward, zh: 真实奖励}}\n", ""))


def test_legend_marker_samples_explain_chain_node_shapes(write_spec):
    tail = """legend:
  - {mark: circle, role: white, outline: text, text: state}
  - {mark: circle, role: text, text: action}
  - {mark: square, role: muted, text: terminal}
  - {role: thought, text: bootstrap}
  - {line: warm, text: reward}
"""
    scene = scene_of(write_spec, TWO, tail)
    state = next(p for p in walk(scene.items) if p.meta.kind == "legend-shape" and p.style.fill == THEME.color("white"))
    assert state.style.stroke == THEME.color("text"), "the state sample is an open circle"
    found = [str(p) for p in check_scene(scene, THEME, "s.yaml")]
    assert not [f for f in found if "legend" in f or "marker" in f], found


def _shape_xml(slide: str, name: str) -> str:
    """The XML of the PPTX shape (or connector) named `name`."""
    at = slide.index(f'name="{name}"')
    start = max(slide.rfind("<p:sp>", 0, at), slide.rfind("<p:cxnSp>", 0, at))
    end = min(i for i in (slide.find("</p:sp>", at), slide.find("</p:cxnSp>", at)) if i >= 0)
    return slide[start:end] if start >= 0 else ""


def test_pptx_draws_chain_nodes_and_steps_as_native_shapes(write_spec):
    scene = scene_of(write_spec, TWO)
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        slide = z.read("ppt/slides/slide1.xml").decode()
    assert 'prst="ellipse"' in _shape_xml(slide, "a.0 chain-mark [white]"), "a state: a native ellipse"
    assert 'prst="ellipse"' in _shape_xml(slide, "a.1 chain-mark [text]"), "an action's dot"
    assert 'prst="rect"' in _shape_xml(slide, "b.end chain-mark [muted]") or \
        'prst="roundRect"' in _shape_xml(slide, "b.end chain-mark [muted]"), "a terminal: a native square"
    arrow = _shape_xml(slide, "a.step-1 edge [warm]")
    assert "tailEnd" in arrow and THEME.color("warm").lstrip("#").upper() in arrow.upper(), "a coloured connector"


@pytest.mark.parametrize("change, where, said", [
    ("          steps: [{}, {label: \"r_{1} = 1\", role: warm}]",
     "          steps: [{}, {label: r, role: warm}, {}]", "a chain of 3 nodes has 2 steps between them"),
    ("            - {from: 0, to: end, label: n steps}", "            - {from: 0, to: nope, label: n steps}",
     "unknown node 'nope' (expected a node index 0 … 4 or a node id: end)"),
    ("            - {from: 0, to: end, label: n steps}", "            - {from: 7, to: end, label: n steps}",
     "node index 7 is outside the chain (expected 0 … 4)"),
])
def test_bad_input_is_a_located_error(write_spec, change, where, said):
    assert change in TWO
    with pytest.raises(SpecError) as err:
        scene_of(write_spec, TWO.replace(change, where))
    msg = str(err.value)
    assert said in msg and "s.yaml:" in msg
    line = int(msg.split("s.yaml:")[1].split(":")[0])
    spec = (HEAD + "body:\n" + TWO.replace(change, where)).splitlines()
    assert where.strip()[:8] in spec[line - 1], (msg, spec[line - 1])


def test_an_unknown_shape_names_the_choices(write_spec):
    with pytest.raises(SpecError) as err:
        scene_of(write_spec, TWO.replace("shape: terminal", "shape: hexagon"))
    msg = str(err.value)
    assert "hexagon" in msg and "terminal" in msg and "action" in msg and "s.yaml:" in msg


def test_vertical_chains_of_one_row_share_their_node_rows(write_spec):
    body = """  row:
    gap: 30
    items:
      - chain:
          id: p
          direction: vertical
          label: one
          nodes: [{label: s}, {label: a, shape: action}, {label: "s′"}]
      - chain:
          id: q
          direction: vertical
          label: {en: "two\\nlines", zh: "两\\n行"}
          nodes: [{label: s}, {label: a, shape: action}, {label: "s′"}, {label: b, shape: action}, {label: "s″"}]
          steps: [{}, {label: "r", role: warm}, {}, {label: "a tall\\nlabel\\nhere", role: warm}]
"""
    m = marks(scene_of(write_spec, body))
    for k in range(3):
        assert centre(m[f"p.{k}"])[1] == pytest.approx(centre(m[f"q.{k}"])[1])
