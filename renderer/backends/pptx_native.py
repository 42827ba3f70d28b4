"""Native PowerPoint forms of element groups that carry a semantic payload (`Group.data`).

Tables become PowerPoint tables (merged cells, fills, borders, text as laid out); charts become
PowerPoint charts whose data (categories, series values, point colours) is editable in the office
app. Value labels and tick labels are the chart's own wherever a number format prints exactly our
text, and so are the chart's title and axis titles where they are plain lines the office app sets on
one line (pptx_chart_labels), so editing the data or moving the chart keeps them; other text the
layout placed by measurement (legends, notes, labels no format can print) and what a native chart cannot
express (regions, reference lines, annotations, bit-layout bars) stay the drawn shapes they are in
the SVG, at the same places, in the chart's group.
A group without a usable payload returns False and is drawn as primitives.
"""

from __future__ import annotations

from lxml import etree
from pptx.oxml.ns import qn
from pptx.oxml.shapes.groupshape import CT_GroupShape
from pptx.util import Emu

from ..scene import Group, Path, Rect, Text, bbox
from .pptx_chart_labels import (
    _c,
    add_data_labels,
    add_titles,
    axis_plan,
    label_plan,
    show_axis_labels,
    title_box,
    title_fits,
    title_plan,
)
from .pptx_shapes import NATIVE, PT_PER_PX, SlideWriter, _color, _el, _fit_group, _rgb, _sub

NO_STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # the built-in "No Style, No Grid" table style
BASELINE = {"": None, "_": "-25000", "^": "30000"}  # sub/superscript runs: baseline shift in 1/1000 %


def _group(w: SlideWriter, parent: etree._Element, g: Group) -> etree._Element:
    """An empty PowerPoint group for the element, in paint order (sized by `_fit_group` when filled)."""
    grp = CT_GroupShape.new_grpSp(w.shapes._next_shape_id, g.meta.id or g.meta.kind or "group")
    if parent is w.tree:
        w.tree.insert_element_before(grp, "p:extLst")
    else:
        parent.append(grp)
    return grp


def _origin(g: Group) -> tuple[float, float]:
    """Scene px of the payload's origin (the top-left of the group's bounding box)."""
    x0, y0, _, _ = bbox(g)
    return x0, y0


def _edges(spans: list[float], f, start: float, horizontal: bool) -> list[int]:
    """Track edges in EMU, rounded once each so that tracks add up to the whole without drift."""
    out, pos = [], start
    for v in [0.0, *spans]:
        pos += v
        out.append(f.x(pos) if horizontal else f.y(pos))
    return out


def _font(rPr: etree._Element, family: str, lang: str) -> None:
    rPr.set("lang", lang)
    rPr.set("dirty", "0")
    for tag in ("a:latin", "a:ea", "a:cs"):
        rPr.append(_el(tag, typeface=family))


# ---------------------------------------------------------------- tables

def native_table(w: SlideWriter, parent: etree._Element, g: Group) -> bool:
    """The table group as a PowerPoint table; bit-layout bars, title and legend drawn over it as shapes."""
    d = g.data
    if not d or d.get("kind") != "table" or not d.get("cells"):
        return False
    f = w.fit
    ox, oy = _origin(g)
    gx, gy = ox + d["origin"][0], oy + d["origin"][1]
    cols, rows = d["col_widths"], d["row_heights"]
    xs, ys = _edges(cols, f, gx, True), _edges(rows, f, gy, False)
    grp = _group(w, parent, g)
    frame = w.shapes.add_table(len(rows), len(cols), Emu(xs[0]), Emu(ys[0]), Emu(xs[-1] - xs[0]),
                               Emu(ys[-1] - ys[0]))
    frame.name = f"{g.meta.id or 'table'} table"
    table = frame.table
    tblPr = table._tbl.tblPr
    for k in ("firstRow", "bandRow"):
        tblPr.attrib.pop(k, None)
    tblPr.find(qn("a:tableStyleId")).text = NO_STYLE
    # sizes set on the XML: python-pptx's row.height/col.width re-add every row/column per call (quadratic);
    # the frame already has their sum, the size given to add_table
    for i, col in enumerate(table._tbl.tblGrid.gridCol_lst):
        col.w = Emu(xs[i + 1] - xs[i])
    for i, tr in enumerate(table._tbl.tr_lst):
        tr.h = Emu(ys[i + 1] - ys[i])

    size = d["font_size"] * f.scale
    sz = str(round(size * PT_PER_PX * 100))
    line = str(round(d["line_height"] * f.scale * PT_PER_PX * 100))
    pad = f.len(d["pad"])
    family = (d.get("family") or ["Noto Sans CJK SC"])[0]
    lang = "zh-CN" if w.lang == "zh" else "en-US"
    border = f.len(d["border_width"])
    owner: dict[tuple[int, int], dict] = {}
    for c in d["cells"]:
        for r in range(c["row"], c["row"] + c["rowspan"]):
            for k in range(c["col"], c["col"] + c["colspan"]):
                owner[r, k] = c
    for c in d["cells"]:
        if c["rowspan"] > 1 or c["colspan"] > 1:
            table.cell(c["row"], c["col"]).merge(table.cell(c["row"] + c["rowspan"] - 1, c["col"] + c["colspan"] - 1))
    for r, tr in enumerate(table._tbl.tr_lst):  # rows and their cells listed once: table.cell() lists them per call
        for k, tc in enumerate(tr.tc_lst):
            c = owner.get((r, k))
            _cell_body(tc, c if c is not None and (c["row"], c["col"]) == (r, k) else None, sz, line, family, lang)
            tcPr = tc.get_or_add_tcPr()
            for child in list(tcPr):
                tcPr.remove(child)
            # the text keeps its inset on the aligned side only: the other side is slack, so an office
            # app that sets a line a little wider than we measured (LibreOffice spaces CJK next to Latin
            # text) does not wrap it and grow the row
            align = c["align"] if c is not None else "center"
            for a, v in (("marL", pad if align == "start" else 0), ("marR", pad if align == "end" else 0),
                         ("marT", 0), ("marB", 0)):
                tcPr.set(a, str(v))
            tcPr.set("anchor", "ctr")
            for side in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
                ln = _sub(tcPr, side, w=border, cap="flat", cmpd="sng", algn="ctr")
                _color(ln, d["border"])
                _sub(ln, "a:prstDash", val="solid")
            if c is not None:
                _color(tcPr, c["fill"])
            else:
                _sub(tcPr, "a:noFill")
    w.place(frame, grp)

    # what the table cannot hold: bit-layout bars (over their cells), title, legend
    for child in g.children:
        if isinstance(child, Group) and child.meta.kind in ("table-cell", "table-header"):
            kids = child.children
            if kids and isinstance(kids[0], Rect):  # the cell's background: the native cell has it
                kids = kids[1:]
            for p in kids:
                if p.meta.kind != "table-text":  # the cell text is in the native cell
                    w.draw(grp, p)
        else:
            w.draw(grp, child)
    _fit_group(grp)
    return True


def _cell_body(tc: etree._Element, c: dict | None, sz: str, line: str, family: str, lang: str) -> None:
    """Replace a cell's text body with its laid-out lines (one paragraph each), or an empty paragraph."""
    body = tc.find(qn("a:txBody"))
    for p in body.findall(qn("a:p")):
        body.remove(p)
    lines = c["lines"] if c is not None else []
    algn = {"start": "l", "center": "ctr", "end": "r"}[c["align"]] if c is not None else "ctr"
    for runs in lines or [[]]:
        p = _sub(body, "a:p")
        pPr = _sub(p, "a:pPr", algn=algn)
        _sub(_sub(pPr, "a:lnSpc"), "a:spcPts", val=line)
        _sub(_sub(pPr, "a:spcBef"), "a:spcPts", val=0)
        _sub(_sub(pPr, "a:spcAft"), "a:spcPts", val=0)
        for text, script, *face in runs:  # (text, script[, family]): the face layout chose for the run
            if not text:
                continue
            r = _sub(p, "a:r")
            rPr = _sub(r, "a:rPr", sz=sz, b="1" if c["bold"] else "0")
            if BASELINE[script]:
                rPr.set("baseline", BASELINE[script])
            _color(rPr, c["color"])
            _font(rPr, face[0] if face else family, lang)
            _sub(r, "a:t").text = text
        _sub(p, "a:endParaRPr", sz=sz, dirty="0")


NATIVE["table"] = native_table


# ---------------------------------------------------------------- charts

DATA_PRIMS = {"bar": {"chart-bar"}, "line": {"chart-line", "chart-marker"}, "area": {"chart-area"}}
MARGIN = 8.0  # px of chart space around the plot area, so markers and lines at its edges are not clipped
MARKERS = {"circle": "CIRCLE", "square": "SQUARE", "diamond": "DIAMOND", "none": "NONE"}
FIXED_W3CDTF = "2025-01-01T00:00:00Z"


def _even(xs: list[float]) -> bool:
    if len(xs) < 2:
        return False
    step = xs[1] - xs[0]
    return step > 0 and all(abs((b - a) - step) <= 1e-9 * max(1.0, abs(step)) for a, b in zip(xs, xs[1:], strict=False))


def chart_plan(d: dict) -> tuple[str, object, tuple[float, float]] | None:
    """(chart type name, chart data, x range of the native plot area in plot px), or None: not expressible."""
    from .pptx_chart_data import FlatCategoryChartData as CategoryChartData
    from .pptx_chart_data import XyChartData

    kind, series = d.get("kind"), d.get("series") or []
    y0, y1 = d["y_domain"]
    if kind not in DATA_PRIMS or not series or y1 <= y0 or d.get("y_breaks"):  # no broken axes in native charts
        return None
    if any(s.get("axis") == "right" for s in series):  # bars and lines on a second value axis: a combo chart
        if kind != "bar" or d["horizontal"] or d.get("categories") is None or not _right_ok(d):
            return None
    W = d["plot"][2]
    names = [s["name"] or f"series {i + 1}" for i, s in enumerate(series)]
    if d.get("categories") is not None:
        cd = CategoryChartData()
        cd.categories = d["categories"]
        for n, s in zip(names, series, strict=True):  # an elided tail's slot has no value
            cd.add_series(n, s["values"] + [None] * (len(d["categories"]) - len(s["values"])))
        if kind == "bar":
            return ("BAR_CLUSTERED" if d["horizontal"] else "COLUMN_CLUSTERED"), cd, (0.0, W)
        if kind == "line":
            return "LINE_MARKERS", cd, (0.0, W)
        return ("AREA_STACKED" if d["stacked"] else "AREA"), cd, (0.0, W)
    x0, x1 = d["x_domain"]
    if x1 <= x0:
        return None
    if kind == "line":
        xy = XyChartData()
        for n, s in zip(names, series, strict=True):
            ser = xy.add_series(n)
            for x, y in zip(s["x"], s["values"], strict=True):
                ser.add_data_point(x, y)
        return "XY_SCATTER_LINES", xy, (0.0, W)
    # numeric areas: a category area chart whose first and last points sit on the plot area's edges
    xs = series[0]["x"]
    if kind != "area" or not _even(xs) or any(s["x"] != xs for s in series):
        return None
    cd = CategoryChartData()
    cd.categories = [float(x) for x in xs]
    for n, s in zip(names, series, strict=True):
        cd.add_series(n, s["values"])
    span = ((xs[0] - x0) / (x1 - x0) * W, (xs[-1] - x0) / (x1 - x0) * W)
    return ("AREA_STACKED" if d["stacked"] else "AREA"), cd, span


def _right_ok(d: dict) -> bool:
    w0, w1 = d.get("y2_domain") or (0.0, 0.0)
    return w1 > w0


def _second_axis(chart, d: dict) -> None:
    """Move the right-axis series out of the bar chart into a line chart on a second (right) value axis."""
    plot_area = chart._chartSpace.find(f"{_c('chart')}/{_c('plotArea')}")
    bar = plot_area.find(_c("barChart"))
    sers = bar.findall(_c("ser"))
    line = etree.Element(_c("lineChart"))
    _csub(line, "grouping", val="standard")
    _csub(line, "varyColors", val="0")
    for ser, s in zip(sers, d["series"], strict=True):
        if s.get("axis") == "right":
            line.append(ser)  # (moved out of the bar chart)
    _csub(line, "marker", val="1")
    cat_id, val_id = "50050", "50051"
    _csub(line, "axId", val=cat_id)
    _csub(line, "axId", val=val_id)
    bar.addnext(line)
    last_ax = plot_area.findall(_c("valAx"))[-1]
    cat = etree.Element(_c("catAx"))
    for tag, val in (("axId", cat_id), ("scaling", None), ("delete", "1"), ("axPos", "b"), ("majorTickMark", "none"),
                     ("minorTickMark", "none"), ("tickLblPos", "none"), ("crossAx", val_id), ("crosses", "autoZero"),
                     ("auto", "1"), ("lblAlgn", "ctr"), ("lblOffset", "100"), ("noMultiLvlLbl", "0")):
        e = _csub(cat, tag) if val is None else _csub(cat, tag, val=val)
        if tag == "scaling":
            _csub(e, "orientation", val="minMax")
    val = etree.Element(_c("valAx"))
    w0, w1 = d["y2_domain"]
    _csub(val, "axId", val=val_id)
    sc = _csub(val, "scaling")
    _csub(sc, "orientation", val="minMax")
    _csub(sc, "max", val=repr(float(w1)))
    _csub(sc, "min", val=repr(float(w0)))
    for tag, v in (("delete", "0"), ("axPos", "r"), ("majorTickMark", "none"), ("minorTickMark", "none"),
                   ("tickLblPos", "none")):
        _csub(val, tag, val=v)
    sp = _csub(val, "spPr")
    _sub(_sub(sp, "a:ln"), "a:noFill")
    for tag, v in (("crossAx", cat_id), ("crosses", "max"), ("crossBetween", "between")):
        _csub(val, tag, val=v)
    last_ax.addnext(cat)
    cat.addnext(val)


def native_chart(w: SlideWriter, parent: etree._Element, g: Group) -> bool:
    """A bar/line/area chart group as a PowerPoint chart holding the data; text and notes stay shapes."""
    from pptx.enum.chart import XL_CHART_TYPE

    d = g.data
    if not d:
        return False
    plan = chart_plan(d)
    if plan is None:
        return False
    type_name, chart_data, (ix0, ix1) = plan
    f = w.fit
    ox, oy = _origin(g)
    px, py, _, ph = d["plot"]
    values = [c for c in g.children if isinstance(c, Text) and c.meta.kind == "chart-value"]
    labels = label_plan(d["series"], values) if d["kind"] in ("bar", "line") else None
    ticks = [c for c in g.children if isinstance(c, Text) and c.meta.kind == "chart-tick"]
    vaxis, caxis, native_ticks = axis_plan(d, ticks, (ox + px, oy + py, ox + px + d["plot"][2], oy + py + ph))
    right = any(s.get("axis") == "right" for s in d["series"])
    plot = (ox + px, oy + py, ox + px + d["plot"][2], oy + py + ph)
    titles = {k: v for k, v in title_plan(d, g.children, plot).items() if k != "right" or right}
    drawn = [bbox(c) for c in g.children if id(c) in native_ticks or (labels and id(c) in {id(t) for t in values})]
    # the chart's frame: the plot area with a margin, and the labels and titles it draws itself; a title wider
    # than the office app lets a title be in that frame (it would wrap it) stays the text it is
    while True:
        x0, y0 = ox + px + ix0 - MARGIN, oy + py - MARGIN
        x1, y1 = ox + px + ix1 + MARGIN, oy + py + ph + MARGIN
        for bx0, by0, bx1, by1 in drawn + [title_box(ts) for ts in titles.values()]:
            x0, y0, x1, y1 = min(x0, bx0 - 2), min(y0, by0 - 2), max(x1, bx1 + 2), max(y1, by1 + 2)
        fitting = {k: ts for k, ts in titles.items() if title_fits(k, ts, x1 - x0)}
        if fitting == titles:
            break
        titles = fitting
    native_text = {id(t) for t in values if labels} | native_ticks | {id(t) for ts in titles.values() for t in ts}
    fw, fh = x1 - x0, y1 - y0
    inner = ((ox + px + ix0 - x0) / fw, (oy + py - y0) / fh, (ix1 - ix0) / fw, ph / fh)
    grp = _group(w, parent, g)
    frame = None
    skip = DATA_PRIMS[d["kind"]]
    for child in g.children:
        if id(child) in native_text:
            continue  # drawn by the chart itself: data labels, tick labels
        curve = child.meta.kind == "chart-curve"  # a step/smooth line: drawn as a shape, over its series' data
        if curve or _is_data(child, skip, d["kind"]):
            if frame is None:  # the chart takes the paint position of the data it replaces
                frame = w.shapes.add_chart(getattr(XL_CHART_TYPE, type_name), Emu(f.x(x0)), Emu(f.y(y0)),
                                           Emu(f.len(fw)), Emu(f.len(fh)), chart_data)
                frame.name = f"{g.meta.id or 'chart'} chart"
                if any(s.get("axis") == "right" for s in d["series"]):
                    _second_axis(frame.chart, d)
                # category slots: points at slot centres ("between"); numeric areas: on the edges ("midCat")
                cross = "midCat" if d.get("categories") is None else "between"
                _style_chart(frame.chart, d, f, inner, cross)
                if labels:
                    add_data_labels(frame.chart, labels, d["kind"], f.scale)
                if vaxis:
                    # categories top-down (reversed) put the low end of the category axis at the top
                    show_axis_labels(frame.chart.value_axis, vaxis[1], f.scale, vaxis[0],
                                     "high" if d["horizontal"] else "low")
                if caxis:
                    show_axis_labels(frame.chart.category_axis, caxis, f.scale)
                if titles:
                    add_titles(frame.chart, titles, _axes_at(frame.chart), f.scale,
                               "zh-CN" if w.lang == "zh" else "en-US", (x0, y0, fw, fh))
                _fix_workbook(frame.chart)
                w.place(frame, grp)
            if not curve:
                continue
        w.draw(grp, child)
    _fit_group(grp)
    return True


def _axes_at(chart) -> dict[str, etree._Element]:
    """The chart's shown axes by place: "bottom", "left", "right" → its first c:catAx/c:valAx there."""
    plot_area = chart._chartSpace.find(f"{_c('chart')}/{_c('plotArea')}")
    out: dict[str, etree._Element] = {}
    for ax in plot_area:
        pos, dele = ax.find(_c("axPos")), ax.find(_c("delete"))
        if pos is None or (dele is not None and dele.get("val") in ("1", "true")):
            continue
        out.setdefault({"b": "bottom", "l": "left", "r": "right", "t": "top"}[pos.get("val")], ax)
    return out


def _is_data(p, skip: set[str], kind: str) -> bool:
    """A primitive the native chart replaces: a bar (hatched ones too), a line, a marker, an area."""
    if isinstance(p, Group) and p.meta.kind == "hatched" and p.children:
        p = p.children[0]
    return p.meta.kind in skip and not (kind == "area" and not isinstance(p, Path))


def _pattern(parent: etree._Element, fg: str, bg: str) -> None:
    """A 45° hatch pattern fill (lines in `fg` on `bg`)."""
    patt = _sub(parent, "a:pattFill", prst="wdUpDiag")
    _sub(_sub(patt, "a:fgClr"), "a:srgbClr", val=fg.lstrip("#").upper())
    _sub(_sub(patt, "a:bgClr"), "a:srgbClr", val=bg.lstrip("#").upper())


def native_hatched(w: SlideWriter, parent: etree._Element, g: Group) -> bool:
    """A hatched rectangle (its fill Rect and hatch lines) as one rectangle with a pattern fill."""
    if len(g.children) != 2 or not isinstance(g.children[0], Rect) or not isinstance(g.children[1], Path):
        return False
    rect, lines = g.children
    w.draw(parent, rect)
    sp = parent[-1] if parent is not w.tree else w.tree.findall(qn("p:sp"))[-1]
    spPr = sp.find(qn("p:spPr"))
    fill = spPr.find(qn("a:solidFill"))
    if fill is None:
        return True
    fill.addprevious(_el("a:pattFill"))
    patt = fill.getprevious()
    spPr.remove(fill)
    patt.set("prst", "wdUpDiag")
    _sub(_sub(patt, "a:fgClr"), "a:srgbClr", val=(lines.style.stroke or "#000000").lstrip("#").upper())
    _sub(_sub(patt, "a:bgClr"), "a:srgbClr", val=(rect.style.fill or "#FFFFFF").lstrip("#").upper())
    return True


NATIVE["hatched"] = native_hatched


def _csub(parent: etree._Element, tag: str, **attrs) -> etree._Element:
    e = etree.SubElement(parent, _c(tag))
    for k, v in attrs.items():
        e.set(k, str(v))
    return e


def _no_paint(sp_parent: etree._Element, before: tuple[str, ...] = ()) -> None:
    """A c:spPr with no fill and no outline, inserted before the first of `before` (else appended)."""
    old = sp_parent.find(_c("spPr"))
    if old is not None:
        sp_parent.remove(old)
    sp = etree.Element(_c("spPr"))
    _sub(sp, "a:noFill")
    _sub(_sub(sp, "a:ln"), "a:noFill")
    for tag in before:
        nxt = sp_parent.find(_c(tag))
        if nxt is not None:
            nxt.addprevious(sp)
            return
    sp_parent.append(sp)


def _style_chart(chart, d: dict, f, inner: tuple[float, float, float, float], cross: str) -> None:
    """Plot area where ours is, our axis ranges, series colours and line styles; no text, no chrome."""
    from pptx.enum.chart import XL_MARKER_STYLE, XL_TICK_LABEL_POSITION, XL_TICK_MARK
    from pptx.util import Pt

    cs = chart._chartSpace
    date = cs.find(_c("date1904"))
    rc = etree.Element(_c("roundedCorners"))
    rc.set("val", "0")
    (date.addnext(rc) if date is not None else cs.insert(0, rc))
    chart.has_legend = False
    chart.has_title = False
    _no_paint(cs, ("txPr", "externalData"))
    plot_area = cs.find(f"{_c('chart')}/{_c('plotArea')}")
    layout = plot_area.find(_c("layout"))
    if layout is None:
        layout = etree.Element(_c("layout"))
        plot_area.insert(0, layout)
    for ch in list(layout):
        layout.remove(ch)
    ml = _csub(layout, "manualLayout")
    _csub(ml, "layoutTarget", val="inner")
    _csub(ml, "xMode", val="edge")
    _csub(ml, "yMode", val="edge")
    for k, v in zip(("x", "y", "w", "h"), inner, strict=True):
        _csub(ml, k, val=f"{v:.6f}")
    _no_paint(plot_area, ("extLst",))

    size = d["font_size"] * f.scale
    chart.font.size = Pt(size * PT_PER_PX)
    chart.font.name = (d.get("family") or ["Noto Sans CJK SC"])[0]
    defrpr = cs.find(f".//{_c('txPr')}//{qn('a:defRPr')}")
    if defrpr is not None and defrpr.find(qn("a:ea")) is None:
        defrpr.append(_el("a:ea", typeface=chart.font.name))

    # axes: our ranges, nothing drawn (our grid, axis lines and labels are shapes around the chart)
    cat_ax, val_ax = chart.category_axis, chart.value_axis
    if d.get("y2_domain") is not None:  # python-pptx's value_axis is the second one when there are two
        from pptx.chart.axis import ValueAxis

        val_ax = ValueAxis(cs.valAx_lst[0])
    y0, y1 = d["y_domain"]
    val_ax.minimum_scale, val_ax.maximum_scale = y0, y1
    ticks = d.get("y_ticks") or []
    if len(ticks) >= 2 and _even(ticks):
        val_ax.major_unit = ticks[1] - ticks[0]
    if d.get("categories") is None and d["kind"] == "line":
        x0, x1 = d["x_domain"]
        cat_ax.minimum_scale, cat_ax.maximum_scale = x0, x1
    if d["kind"] == "bar" and d["horizontal"]:
        cat_ax.reverse_order = True  # first category at the top, as drawn
    for ax in (cat_ax, val_ax):
        ax.has_major_gridlines = False
        ax.has_minor_gridlines = False
        ax.major_tick_mark = XL_TICK_MARK.NONE
        ax.minor_tick_mark = XL_TICK_MARK.NONE
        ax.tick_label_position = XL_TICK_LABEL_POSITION.NONE
        ax.format.line.fill.background()
    for cb in cs.iter(_c("crossBetween")):
        cb.set("val", cross)

    plot = chart.plots[0]
    left = [s for s in d["series"] if s.get("axis") != "right"]
    right = [s for s in d["series"] if s.get("axis") == "right"]
    ns = len(left)
    if d["kind"] == "bar":
        plot.gap_width = min(500, round((1 / d["bar_fill"] - 1) * ns * 100))
        plot.overlap = 0
    plot.vary_by_categories = False
    plots = [(plot, left, d["kind"])]
    if right:  # the line chart on the right-hand axis
        chart.plots[1].vary_by_categories = False
        plots.append((chart.plots[1], right, "line"))
    for ser, s, kind in [(ser, s, k) for p, ss, k in plots for ser, s in zip(p.series, ss, strict=True)]:
        fmt = ser.format
        if kind in ("bar", "area"):
            fmt.fill.solid()
            fmt.fill.fore_color.rgb = _rgb(s["color"])
            if s["opacity"] < 1:
                clr = ser._element.find(f"{_c('spPr')}/{qn('a:solidFill')}/{qn('a:srgbClr')}")
                _sub(clr, "a:alpha", val=round(s["opacity"] * 100000))
            fmt.line.fill.background()
            if kind == "bar":
                ser.invert_if_negative = False
                hatch = s.get("point_hatch") or []
                for k, col in enumerate(s.get("point_colors") or []):
                    pf = ser.points[k].format
                    if k < len(hatch) and hatch[k]:  # removed: hatched grey, outlined
                        sppr = ser._element.get_or_add_dPt_for_point(k).get_or_add_spPr()
                        for child in list(sppr):
                            sppr.remove(child)
                        _pattern(sppr, hatch[k], s["hatch_bg"])
                        pf.line.color.rgb = _rgb(hatch[k])
                        pf.line.width = Emu(f.len(1.0))
                        continue
                    pf.fill.solid()
                    pf.fill.fore_color.rgb = _rgb(col)
                    pf.line.fill.background()
            continue
        ser.smooth = False
        fmt.line.color.rgb = _rgb(s["color"])
        fmt.line.width = Emu(f.len(s["width"]))
        if s.get("dash"):
            ln = ser._element.find(f"{_c('spPr')}/{qn('a:ln')}")
            cust = _sub(ln, "a:custDash")
            sw = max(s["width"], 1e-6)
            _sub(cust, "a:ds", d=round(s["dash"][0] / sw * 100000), sp=round(s["dash"][1] / sw * 100000))
        if s.get("curve") or s.get("line") is False:  # a step/smooth curve is its own freeform; a scatter has
            fmt.line.fill.background()  # no line: either way the series keeps the data and draws its markers
        ser.marker.style = getattr(XL_MARKER_STYLE, MARKERS.get(s["marker"], "NONE"))
        if s["marker"] != "none":
            ser.marker.size = max(2, min(72, round(2 * s["marker_r"] * f.scale * PT_PER_PX)))
            ser.marker.format.fill.solid()
            ser.marker.format.fill.fore_color.rgb = _rgb(s["color"])
            ser.marker.format.line.color.rgb = _rgb(s["marker_stroke"])
            ser.marker.format.line.width = Emu(f.len(1.0))


def _fix_workbook(chart) -> None:
    """The embedded workbook with fixed dates (XlsxWriter stamps the current time), for equal bytes."""
    import io
    import re
    import zipfile

    wb = chart._workbook
    src = zipfile.ZipFile(io.BytesIO(wb.xlsx_part.blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", FIXED_W3CDTF.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    wb.update_from_xlsx_blob(out.getvalue())


NATIVE["chart"] = native_chart
