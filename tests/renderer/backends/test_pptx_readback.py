"""The PPTX written as XML text (pptx_shapes, pptx_package) read back with python-pptx: every primitive of real
diagrams is the native shape the scene asks for — kind, name, place, size, paint, text, arrow ends, group extents —
native charts hold the payload's data, tables its cell text, banners their lines; the package is a sound zip.

Expectations come from the scene (positions in EMU from its px, names from its element ids and roles), walked here
independently of the writer.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.dml import MSO_FILL
from pptx.enum.shapes import MSO_SHAPE_TYPE

from renderer.backends.pptx import draw_pptx
from renderer.backends.pptx_native import chart_plan
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Ellipse, Group, Line, Polygon, Rect, Scene, Text, bbox
from renderer.scene import Path as PathPrim
from renderer.spec.loader import load

ROOT = Path(__file__).resolve().parents[3]
E = 9525  # EMU per px
# plain shapes and groups (ppo-kl, mcts-run), native charts and tables (llm-overview), a chart with hatched bars
# (top-p-sampling: hatched groups occur only in charts, where they become pattern-filled points), chevron banners
# (function-calling)
SPECS = ["rlhf/ppo-kl", "reasoning/mcts-run", "llm-basics/llm-overview", "decoding/top-p-sampling",
         "decoding/function-calling"]
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module", params=[(s, lang) for s in SPECS for lang in ("en", "zh")],
                ids=lambda v: f"{v[0].split('/')[1]}-{v[1]}")
def deck(request):
    spec, lang = request.param
    scene = layout(bind(load(ROOT / f"specs/{spec}.yaml")).for_lang(lang), load_theme())
    assert max(scene.width, scene.height) <= 5376  # drawn 1:1, so the expectations below need no scale
    data = draw_pptx(scene)
    return scene, data, Presentation(io.BytesIO(data))


def name_of(p) -> str:
    m = p.meta
    first = m.id or m.kind or type(p).__name__.lower()
    return " ".join([first] + ([m.kind] if m.kind and m.kind != first else []) + ([f"[{m.role}]"] if m.role else []))


def emu(v: float) -> int:
    return round(v * E)


def native_kind(g: Group) -> str | None:
    """Which native form the writer should give the group (None: its primitives)."""
    d, k = g.data or {}, g.meta.kind
    if k == "chart" and d and chart_plan(d) is not None:
        return "chart"
    if k == "table" and d.get("kind") == "table" and d.get("cells"):
        return "table"
    if (k == "hatched" and len(g.children) == 2 and isinstance(g.children[0], Rect)
            and isinstance(g.children[1], PathPrim)):
        return "hatched"
    if k in ("lanes-stage", "lanes-header") and d.get("shape") in ("chevron", "pentagon"):
        return "banner"
    return None


def flat(items):
    """The scene items as the slide has them: a one-child group is its child, an empty group nothing, and a
    shape-less primitive (empty text, a one-point line, an empty path) no shape."""
    for p in items:
        if isinstance(p, Group) and native_kind(p) is None and len(p.children) <= 1:
            yield from flat(p.children)
        elif isinstance(p, Text) and not p.text or isinstance(p, Line) and len(p.points) < 2:
            continue
        elif isinstance(p, PathPrim) and not any(len(c) > 1 for c in p.cmds) or isinstance(p, Polygon) and not p.points:
            continue
        else:
            yield p


def extent(sh) -> tuple[int, int, int, int]:
    return sh.left, sh.top, sh.left + sh.width, sh.top + sh.height


def check(items, shapes, found: dict) -> tuple[int, int, int, int] | None:
    """Compare scene items with the shapes python-pptx reads at one level; returns the level's extent."""
    shapes = [sh for sh in shapes if not sh.is_placeholder]
    items = list(flat(items))
    assert len(shapes) == len(items), [name_of(p) for p in items]
    boxes = []
    for p, sh in zip(items, shapes, strict=True):
        found[type(p).__name__] = found.get(type(p).__name__, 0) + 1
        if isinstance(p, Group):
            kind = native_kind(p)
            found[kind or "group"] = found.get(kind or "group", 0) + 1
            if kind in ("hatched", "banner"):
                check_native(p, sh, kind, found)
            else:
                assert sh.shape_type == MSO_SHAPE_TYPE.GROUP and sh.name == (p.meta.id or p.meta.kind or "group")
                if kind is None:
                    inner = check(p.children, sh.shapes, found)
                    assert extent(sh) == (inner or (0, 0, 0, 0))  # the group is sized to its children
                else:
                    check_native(p, sh, kind, found)
            boxes.append(extent(sh))
            continue
        assert sh.name == name_of(p)
        if isinstance(p, Rect):
            assert extent(sh) == (emu(p.x), emu(p.y), emu(p.x) + max(emu(p.w), 1), emu(p.y) + max(emu(p.h), 1))
            prst = sh._element.spPr.find(f"{A}prstGeom").get("prst")
            assert prst == ("roundRect" if p.rx > 0 else "rect")
            _paint(sh, p.style)
        elif isinstance(p, Ellipse):
            assert (sh.left, sh.top) == (emu(p.cx - p.rx), emu(p.cy - p.ry))
            assert sh._element.spPr.find(f"{A}prstGeom").get("prst") == "ellipse"
            _paint(sh, p.style)
        elif isinstance(p, Line) and len(p.points) == 2 and not p.cmds:
            assert sh.shape_type == MSO_SHAPE_TYPE.LINE
            (xa, ya), (xb, yb) = p.points
            assert (sh.begin_x, sh.begin_y, sh.end_x, sh.end_y) == (emu(xa), emu(ya), emu(xb), emu(yb))
            _line_ends(sh, p)
        elif isinstance(p, Line | PathPrim | Polygon):
            assert sh.shape_type == MSO_SHAPE_TYPE.FREEFORM
            cmds = p.cmds if not isinstance(p, Polygon) else [("M", *p.points[0])]
            x0, y0, x1, y1 = bbox(p) if not isinstance(p, Line) or not p.cmds else bbox(PathPrim(tuple(cmds)))
            assert (sh.left, sh.top) == (emu(x0), emu(y0))
            assert abs(sh.left + sh.width - emu(x1)) <= 1 and abs(sh.top + sh.height - emu(y1)) <= 1
            if isinstance(p, Line):
                assert sh.fill.type == MSO_FILL.BACKGROUND  # an open line: no fill
                _line_ends(sh, p)
            else:
                _paint(sh, p.style)
        elif isinstance(p, Text):
            assert sh.text_frame.text == p.text
            runs = [r for para in sh.text_frame.paragraphs for r in para.runs]
            assert [r.text for r in runs] == [piece for piece, _ in p.pieces]
            for r, (_, fam) in zip(runs, p.pieces, strict=True):
                assert r.font.size.pt == pytest.approx(p.size * 0.75, abs=0.01)
                assert str(r.font.color.rgb) == p.fill.lstrip("#").upper()[:6]
                assert r.font.name == (fam[0] if fam else "Noto Sans CJK SC")
                assert r.font.bold == (p.weight >= 600)
            w = sh.width / E
            x = {"start": sh.left / E, "middle": sh.left / E + w / 2, "end": sh.left / E + w}[p.anchor]
            assert x == pytest.approx(p.x, abs=0.01)
            assert sh.top / E + p.size == pytest.approx(p.y, abs=0.01)  # baseline one em below the top
        else:
            raise AssertionError(type(p))
        boxes.append(extent(sh))
    if not boxes:
        return None
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _paint(sh, style) -> None:
    if style.hatch:
        assert sh.fill.type == MSO_FILL.PATTERNED and str(sh.fill.fore_color.rgb) == style.hatch.lstrip("#").upper()
    elif style.fill:
        assert sh.fill.type == MSO_FILL.SOLID and str(sh.fill.fore_color.rgb) == style.fill.lstrip("#").upper()
    else:
        assert sh.fill.type == MSO_FILL.BACKGROUND
    if style.stroke:
        assert str(sh.line.color.rgb) == style.stroke.lstrip("#").upper()
        assert sh.line.width == round(style.stroke_width * E)
    else:
        assert sh.line.fill.type == MSO_FILL.BACKGROUND


def _line_ends(sh, p: Line) -> None:
    ln = sh._element.spPr.find(f"{A}ln")
    assert (ln.find(f"{A}headEnd") is not None, ln.find(f"{A}tailEnd") is not None) == (p.arrow_start, p.arrow_end)
    assert str(sh.line.color.rgb) == (p.style.stroke or "#000000").lstrip("#").upper()
    assert (ln.find(f"{A}custDash") is not None) == bool(p.style.dash)


def _all(shapes):
    for sh in shapes:
        yield sh
        if sh.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _all(sh.shapes)


def check_native(g: Group, sh, kind: str, found: dict) -> None:
    d = g.data
    if kind == "hatched":  # one rectangle with a pattern fill: hatch lines on the rectangle's fill
        rect, lines = g.children
        assert sh.name == name_of(rect) and extent(sh)[:2] == (emu(rect.x), emu(rect.y))
        assert sh.fill.type == MSO_FILL.PATTERNED
        assert str(sh.fill.fore_color.rgb) == (lines.style.stroke or "#000000").lstrip("#").upper()
        return
    if kind == "banner":  # a chevron or pentagon autoshape holding the banner's text
        poly = g.children[0]
        assert sh.name == name_of(poly) and sh.auto_shape_type is not None
        assert sh._element.spPr.find(f"{A}prstGeom").get("prst") == {"chevron": "chevron",
                                                                      "pentagon": "homePlate"}[d["shape"]]
        x0, y0, _, _ = bbox(poly)
        assert (sh.left, sh.top) == (emu(x0), emu(y0))
        words = [t.text for t in g.children[1:]]
        assert sh.text_frame.text.replace("\n", "") == "".join(sorted(words, key=lambda w: (
            [t for t in g.children[1:] if t.text == w][0].y, [t for t in g.children[1:] if t.text == w][0].left)))
        return
    inner = list(_all(sh.shapes))
    if kind == "chart":
        charts = [s.chart for s in inner if getattr(s, "has_chart", False) and s.has_chart]
        assert len(charts) == 1
        plot = charts[0].plots[0]
        series = [s for s in d["series"] if s.get("axis") != "right"]
        if d.get("categories") is not None:
            assert list(plot.categories) == list(d["categories"])
            for ser, s in zip(plot.series, series, strict=True):
                n = len(d["categories"])
                assert list(ser.values) == pytest.approx(list(s["values"]) + [None] * (n - len(s["values"])))
        assert [str(ser.format.fill.fore_color.rgb) if d["kind"] != "line" else str(ser.format.line.color.rgb)
                for ser in plot.series] == [s["color"].lstrip("#").upper() for s in series]
        for ser, s in zip(plot.series, series, strict=True):  # removed bars: hatched points (a pattern fill)
            for k, hatch in enumerate(s.get("point_hatch") or []):
                if hatch:
                    found["hatched point"] = found.get("hatched point", 0) + 1
                    assert ser.points[k].format.fill.type == MSO_FILL.PATTERNED
                    assert str(ser.points[k].format.fill.fore_color.rgb) == hatch.lstrip("#").upper()
    else:
        tables = [s.table for s in inner if getattr(s, "has_table", False) and s.has_table]
        assert len(tables) == 1
        t = tables[0]
        assert (len(t.rows), len(t.columns)) == (len(d["row_heights"]), len(d["col_widths"]))
        for c in d["cells"]:
            want = "\n".join("".join(run[0] for run in line) for line in c["lines"])
            assert t.cell(c["row"], c["col"]).text == want


def test_every_primitive_reads_back_as_the_native_shape_the_scene_asks_for(deck):
    scene, _, prs = deck
    found: dict[str, int] = {}
    check(scene.items, prs.slides[0].shapes, found)
    assert found.get("Text", 0) > 5


def test_the_samples_cover_every_kind_of_shape():
    """The specs above exercise each writer path (so a path left out of the new writer shows up here)."""
    found: dict[str, int] = {}
    for spec in SPECS:
        scene = layout(bind(load(ROOT / f"specs/{spec}.yaml")).for_lang("en"), load_theme())
        check(scene.items, Presentation(io.BytesIO(draw_pptx(scene))).slides[0].shapes, found)
    for kind in ("Rect", "Ellipse", "Line", "Path", "Polygon", "Text", "group", "chart", "table", "hatched point",
                 "banner"):
        assert found.get(kind, 0) > 0, (kind, found)


def test_slide_title_notes_and_core_properties_come_from_the_scene(deck):
    scene, _, prs = deck
    assert (prs.slide_width, prs.slide_height) == (emu(scene.width), emu(scene.height))
    slide = prs.slides[0]
    assert slide.shapes.title.text == scene.title
    assert slide.shapes.title.top + slide.shapes.title.height < 0  # above the slide
    assert prs.core_properties.title == scene.title
    assert prs.core_properties.language == ("zh-CN" if scene.lang == "zh" else "en-US")
    notes = slide.notes_slide.notes_text_frame.text
    assert notes.startswith(scene.title) and scene.desc in notes
    for name in (scene.metadata or {}).get("computed") or {}:
        assert f"\n{name} = " in notes
    assert str(slide.background.fill.fore_color.rgb) == (scene.background or "#FFFFFF").lstrip("#").upper()[:6]


def test_the_package_is_a_sound_zip_with_every_part_typed(deck):
    _, data, _ = deck
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert names[0] == "[Content_Types].xml" and len(set(names)) == len(names)
        types = z.read("[Content_Types].xml").decode()
        for n in names:
            ext = n.rsplit(".", 1)[-1]
            assert f'PartName="/{n}"' in types or f'Extension="{ext}"' in types, n
        for info in z.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.compress_type == zipfile.ZIP_DEFLATED


def test_control_characters_and_markup_in_text_are_escaped_as_python_pptx_escapes_them():
    scene = Scene(200, 100, [Text(10, 40, 'a < b & "c" \x07', 12, meta=_meta("t<1>")),
                             Rect(5, 5, 20, 20, 0, meta=_meta('r"&'))], 'Title & <co>\nline 2', "desc", "en")
    prs = Presentation(io.BytesIO(draw_pptx(scene)))
    shapes = {sh.name: sh for sh in prs.slides[0].shapes}
    assert shapes["t<1>"].text_frame.text == 'a < b & "c" _x0007_'  # python-pptx's escape for BEL
    assert 'r"&' in shapes
    title = prs.slides[0].shapes.title.text_frame
    assert [p.text for p in title.paragraphs] == ["Title & <co>", "line 2"]
    assert title.paragraphs[0].runs[0].font.size.pt == 24


def _meta(id_: str):
    from renderer.scene import Meta

    return Meta(id_)


def test_the_committed_base_presentations_are_what_python_pptx_makes_now():
    """draw_pptx copies pptx_base_*.pptx (made by python-pptx) instead of importing python-pptx; after a
    python-pptx upgrade this fails until `python -c "from renderer.backends.pptx import write_bases; write_bases()"`
    writes them again."""
    import re

    from renderer.backends.pptx import base_path, build_base

    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out = {n: z.read(n) for n in z.namelist()}
        out["docProps/core.xml"] = re.sub(rb"<cp:lastModifiedBy>[^<]*<", b"<", out["docProps/core.xml"])
        return out  # (the version in lastModifiedBy is set per diagram)

    for notes in (True, False):
        assert members(base_path(notes).read_bytes()) == members(build_base(notes)), notes


def test_a_diagram_without_native_tables_or_charts_does_not_import_python_pptx():
    import subprocess
    import sys

    code = ("import sys, io, zipfile\n"
            "from renderer.backends.pptx import draw_pptx\n"
            "from renderer.scene import Scene, Rect, Text, Style\n"
            "data = draw_pptx(Scene(80, 60, [Rect(1, 1, 20, 20, 3, Style(fill='#FFE699')), Text(5, 30, 'x', 12)],"
            " 'T', 'd', 'en'))\n"
            "assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None\n"
            "print('pptx' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
