"""Value labels of a native chart as the chart's own data labels, so "Edit Data" updates them.

A chart series' value labels become PowerPoint data labels when a number format can print exactly
what we draw: the series' format spec maps to an Excel number format (fixed decimals, percent,
integers, grouping, a leading "+"; our minus sign "−" as a literal) and, value by value, the text
that format gives (Excel rounds half away from zero) equals the label in the scene. Otherwise the
labels stay the text shapes they are.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from ..scene import Text
from .pptx_shapes import PT_PER_PX, _rgb, _sub

MINUS = "\u2212"
SPEC = re.compile(r"^(?P<sign>\+?)(?P<group>,?)(?:\.(?P<prec>\d{1,2}))?(?P<type>[fd%])$")
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def _c(tag: str) -> str:
    return f"{{{C_NS}}}{tag}"


def _parse(spec: str | None) -> tuple[re.Match, int] | None:
    """The parts of a format spec we can print with Excel, and its number of decimals (Python's defaults)."""
    m = SPEC.match(spec or "")
    if m is None or (m["type"] == "d" and m["prec"]):
        return None
    return m, int(m["prec"]) if m["prec"] is not None else (0 if m["type"] == "d" else 6)


def excel_format(spec: str | None) -> str | None:
    """The Excel number format that prints numbers as the Python format `spec` does, or None."""
    parsed = _parse(spec)
    if parsed is None:
        return None
    m, prec = parsed
    body = ("#,##0" if m["group"] else "0") + ("." + "0" * prec if prec else "") + ("%" if m["type"] == "%" else "")
    pos = f'"+"{body}' if m["sign"] else body
    return f'{pos};"{MINUS}"{body};{pos}'


def excel_text(v: float, spec: str) -> str | None:
    """What Excel shows for `v` in excel_format(spec): rounded half away from zero, sign by the value."""
    parsed = _parse(spec)
    if parsed is None:
        return None
    m, prec = parsed
    try:
        x = Decimal(repr(float(v))) * (100 if m["type"] == "%" else 1)
        q = abs(x).quantize(Decimal(1).scaleb(-prec), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, OverflowError):
        return None
    body = f"{q:,.{prec}f}" if m["group"] else f"{q:.{prec}f}"
    body += "%" if m["type"] == "%" else ""
    if v < 0:
        return MINUS + body
    return ("+" if m["sign"] else "") + body


def label_plan(series: list[dict], texts: list[Text]) -> dict[int, tuple[str, Text]] | None:
    """Series index → (Excel format, a label of it) when every drawn value label can be a data label.

    `texts` are the chart's value labels in drawing order (series by series, point by point).
    """
    labelled = [(i, s) for i, s in enumerate(series) if s.get("labels")]
    if not labelled or any(s.get("axis") == "right" for s in series):
        return None
    plan: dict[int, tuple[str, Text]] = {}
    k = 0
    for i, s in labelled:
        code = excel_format(s["labels"])
        values = list(s["values"])
        drawn = texts[k:k + len(values)]
        k += len(values)
        if code is None or len(drawn) != len(values) or any(
                v is None or excel_text(v, s["labels"]) != t.text for v, t in zip(values, drawn, strict=True)):
            return None
        plan[i] = (code, drawn[0])
    return plan if k == len(texts) else None


def add_data_labels(chart, plan: dict[int, tuple[str, Text]], kind: str, scale: float) -> None:
    """Data labels on the planned series: their number format, our label font and colour, outside the bar end
    (above a line's point)."""
    pos = "outEnd" if kind == "bar" else "t"
    for i, ser in enumerate(chart.plots[0].series):
        if i not in plan:
            continue
        code, t = plan[i]
        el = ser._element
        old = el.find(_c("dLbls"))
        if old is not None:
            el.remove(old)
        dl = etree.Element(_c("dLbls"))
        nf = etree.SubElement(dl, _c("numFmt"))
        nf.set("formatCode", code)
        nf.set("sourceLinked", "0")
        sp = etree.SubElement(dl, _c("spPr"))
        _sub(sp, "a:noFill")
        _sub(_sub(sp, "a:ln"), "a:noFill")
        dl.append(_tx_pr(t, scale))
        for tag, val in (("dLblPos", pos), ("showLegendKey", "0"), ("showVal", "1"), ("showCatName", "0"),
                         ("showSerName", "0"), ("showPercent", "0"), ("showBubbleSize", "0")):
            etree.SubElement(dl, _c(tag)).set("val", val)
        # schema order: dLbls after dPt*, before trendline/errBars/cat/val (bar, line) or xVal/yVal (scatter)
        anchor = next((el.find(_c(tag)) for tag in ("trendline", "errBars", "cat", "val", "xVal", "yVal", "smooth")
                       if el.find(_c(tag)) is not None), None)
        if anchor is not None:
            anchor.addprevious(dl)
        else:
            el.append(dl)


TICK_SPECS = ("d", ".1f", ".2f", ".3f", ".0%", ".1%", ",d")


def tick_format(values: list[float], texts: list[Text]) -> str | None:
    """The Excel format that prints each tick value as the tick text we draw, or None."""
    if len(values) != len(texts):
        return None
    for spec in TICK_SPECS:
        if all(excel_text(v, spec) == t.text for v, t in zip(values, texts, strict=True)):
            return excel_format(spec)
    return None


def _even_from(ticks: list[float], lo: float, hi: float) -> bool:
    """Ticks PowerPoint draws by itself: from the axis minimum in equal steps up to the maximum."""
    if len(ticks) < 2:
        return False
    step = ticks[1] - ticks[0]
    tol = 1e-9 * max(1.0, abs(step))
    return (step > 0 and abs(ticks[0] - lo) <= tol and ticks[-1] <= hi + tol and ticks[-1] + step > hi + tol
            and all(abs((b - a) - step) <= tol for a, b in zip(ticks, ticks[1:], strict=False)))


NEAR = 14.0  # px: tick labels this close to the plot are where an axis of its own would put them


def _beside(t: Text, plot: tuple[float, float, float, float], horizontal: bool) -> bool:
    """A category label at the plot's edge (not pushed away, e.g. past the labels of negative bars)."""
    x0, _, _, y1 = plot
    if horizontal:
        return t.anchor == "end" and 0 <= x0 - t.x <= NEAR
    return t.anchor == "middle" and 0 <= (t.y - t.size * 0.88) - y1 <= NEAR


def axis_plan(d: dict, ticks: list[Text], plot: tuple[float, float, float, float]
              ) -> tuple[tuple[str, Text] | None, Text | None, set[int]]:
    """(value-axis format and a tick label, a category label, ids of the tick texts the chart then draws).

    `ticks` are the chart's tick texts in drawing order: the value axis's first, then the categories';
    `plot` is the plot area in scene px.
    Only for category charts with one value axis; a part that cannot be native stays shapes.
    """
    cats = d.get("categories")
    if cats is None or d.get("y2_domain") is not None or d["kind"] not in ("bar", "line"):
        return None, None, set()
    y0, y1 = d["y_domain"]
    yt = d.get("y_ticks") or []
    vt, ct = ticks[:len(yt)], ticks[len(yt):]
    value = None
    code = tick_format(yt, vt) if _even_from(yt, y0, y1) else None
    if code is not None:
        value = (code, vt[0])
    cat = None
    if len(ct) == len(cats) and all(isinstance(c, str) and c and "\n" not in c and c == t.text
                                    and _beside(t, plot, d["horizontal"]) for c, t in zip(cats, ct, strict=True)):
        cat = ct[0]
    drawn = {id(t) for t in (vt if value else [])} | {id(t) for t in (ct if cat else [])}
    return value, cat, drawn


def _tx_pr(t: Text, scale: float) -> etree._Element:
    """A c:txPr in our label's size, weight, colour and face."""
    tx = etree.Element(_c("txPr"))
    _sub(tx, "a:bodyPr", rot="0", vert="horz", wrap="none", lIns="0", tIns="0", rIns="0", bIns="0")
    _sub(tx, "a:lstStyle")
    p = _sub(tx, "a:p")
    ppr = _sub(p, "a:pPr")
    rpr = _sub(ppr, "a:defRPr", sz=str(round(t.size * scale * PT_PER_PX * 100)), b="1" if t.weight >= 600 else "0")
    _sub(_sub(rpr, "a:solidFill"), "a:srgbClr", val=str(_rgb(t.fill)))
    face = t.pieces[0][1][0] if t.pieces and t.pieces[0][1] else t.family[0]
    _sub(rpr, "a:latin", typeface=face)
    _sub(rpr, "a:ea", typeface=face)
    _sub(p, "a:endParaRPr", lang="en-US")
    return tx


def show_axis_labels(ax, t: Text, scale: float, code: str | None = None, at: str = "low") -> None:
    """Let a (hidden) chart axis draw its own tick labels in our label style (and number format), at the low
    (or high) end of the other axis: category labels beside the plot even where bars go negative."""
    from pptx.enum.chart import XL_TICK_LABEL_POSITION

    ax.tick_label_position = XL_TICK_LABEL_POSITION.HIGH if at == "high" else XL_TICK_LABEL_POSITION.LOW
    el = ax._element
    if code is not None:
        nf = el.find(_c("numFmt"))
        if nf is None:
            nf = etree.Element(_c("numFmt"))
            el.find(_c("majorTickMark")).addprevious(nf)
        nf.set("formatCode", code)
        nf.set("sourceLinked", "0")
    old = el.find(_c("txPr"))
    if old is not None:
        el.remove(old)
    # schema order: … numFmt, majorTickMark, minorTickMark, tickLblPos, spPr, txPr, crossAx …
    el.find(_c("crossAx")).addprevious(_tx_pr(t, scale))


# ---------------------------------------------------------------- chart and axis titles

TITLE_KINDS = ("chart-title", "chart-axis-title")


def title_plan(d: dict, children, plot: tuple[float, float, float, float]) -> dict[str, list[Text]]:
    """Titles the native chart can draw itself: "chart" (its title), "bottom", "left", "right" (axis titles)
    → the title's lines (Text) in order.

    A title is one block of lines (one spec source); it is native when every line is one Text in the same
    size, weight and colour (no sub/superscripts, no typeset math); otherwise it stays the shapes it is.
    Axis titles go to a category chart's or an XY chart's axes; under the plot is the horizontal axis's,
    right-aligned the second value axis's, the other one the vertical axis's.
    """
    blocks: dict[tuple[str | None, str | None], list] = {}
    for c in children:
        if c.meta.kind in TITLE_KINDS:
            blocks.setdefault((c.meta.kind, c.meta.src), []).append(c)
    out: dict[str, list[Text]] = {}
    for (kind, _src), items in blocks.items():
        if not all(isinstance(t, Text) and t.text for t in items):
            continue
        t0 = items[0]
        ys = [t.y for t in items]
        if (len(set(ys)) != len(ys) or ys != sorted(ys) or len({t.anchor for t in items}) != 1
                or any((t.size, t.weight, t.fill, t.italic) != (t0.size, t0.weight, t0.fill, t0.italic)
                       for t in items)):
            continue
        if kind == "chart-title":
            key = "chart"
        elif t0.y - t0.size * 0.88 >= plot[3]:
            key = "bottom"
        elif t0.anchor == "end":
            key = "right"
        else:
            key = "left"
        if key in out:  # two blocks in one place: not ours to guess
            return {}
        out[key] = items
    return out


def _rich(parent: etree._Element, lines: list[Text], scale: float, lang: str) -> None:
    """A c:rich body: one paragraph per line, one run per face, in our size, weight, colour and alignment."""
    rich = etree.SubElement(etree.SubElement(parent, _c("tx")), _c("rich"))
    _sub(rich, "a:bodyPr", rot="0", vert="horz", wrap="none", lIns="0", tIns="0", rIns="0", bIns="0",
         anchor="t", anchorCtr="0")
    _sub(rich, "a:lstStyle")
    t0 = lines[0]
    sz = str(round(t0.size * scale * PT_PER_PX * 100))
    algn = {"start": "l", "middle": "ctr", "end": "r"}[t0.anchor]
    lead = (lines[1].y - lines[0].y) if len(lines) > 1 else None
    for t in lines:
        p = _sub(rich, "a:p")
        ppr = _sub(p, "a:pPr", algn=algn)
        if lead is not None:
            _sub(_sub(ppr, "a:lnSpc"), "a:spcPts", val=str(round(lead * scale * PT_PER_PX * 100)))
        drpr = _sub(ppr, "a:defRPr", sz=sz, b="1" if t.weight >= 600 else "0")
        _sub(_sub(drpr, "a:solidFill"), "a:srgbClr", val=str(_rgb(t.fill)))
        for piece, family in t.pieces:
            r = _sub(p, "a:r")
            rpr = _sub(r, "a:rPr", lang=lang, sz=sz, b="1" if t.weight >= 600 else "0",
                       i="1" if t.italic else "0", dirty="0")
            _sub(_sub(rpr, "a:solidFill"), "a:srgbClr", val=str(_rgb(t.fill)))
            face = family[0] if family else "Noto Sans CJK SC"
            for tag in ("a:latin", "a:ea", "a:cs"):
                _sub(rpr, tag, typeface=face)
            _sub(r, "a:t").text = piece


def _title_el(lines: list[Text], scale: float, lang: str, at: tuple[float, float]) -> etree._Element:
    """A c:title holding `lines`, its top-left at `at` (fractions of the chart space)."""
    title = etree.Element(_c("title"))
    _rich(title, lines, scale, lang)
    ml = etree.SubElement(etree.SubElement(title, _c("layout")), _c("manualLayout"))
    for tag, val in (("xMode", "edge"), ("yMode", "edge"), ("x", f"{at[0]:.6f}"), ("y", f"{at[1]:.6f}")):
        etree.SubElement(ml, _c(tag)).set("val", val)
    etree.SubElement(title, _c("overlay")).set("val", "0")
    sp = etree.SubElement(title, _c("spPr"))
    _sub(sp, "a:noFill")
    _sub(_sub(sp, "a:ln"), "a:noFill")
    return title


# Where LibreOffice 7.4 draws a chart title's text relative to the title's position (manualLayout x, y): the
# first baseline 1.4 em below, the text 0.15 em right of it (its own padding; the c:rich insets are ignored).
# Measured PPTX → PDF → 96 dpi raster, "HHHH" at 10, 20 and 40 px in Noto Sans and Noto Sans CJK SC (within 1.5 px).
TITLE_BASELINE_EM = 1.4
TITLE_PAD_EM = 0.15


def title_box(lines: list[Text]) -> tuple[float, float, float, float]:
    """The scene px box a native title takes (its position, as office apps pad it, to the end of its text)."""
    t0 = lines[0]
    return (min(t.left for t in lines) - TITLE_PAD_EM * t0.size, t0.y - TITLE_BASELINE_EM * t0.size,
            max(t.left + t.width for t in lines) + TITLE_PAD_EM * t0.size, lines[-1].y + 0.4 * t0.size)


# The widest title LibreOffice 7.4 sets on one line, as a share of the chart frame's width: 80 % for the chart's
# title and a horizontal axis's, 20 % for a vertical axis's (even unrotated); measured as above with growing
# titles in frames 600 and 1200 px wide. Kept a little under, since its text runs a little wider than ours.
TITLE_MAX = {"chart": 0.76, "bottom": 0.76, "left": 0.18, "right": 0.18}


def title_fits(key: str, lines: list[Text], frame_w: float) -> bool:
    """Whether the office app sets each line of the title on one line in a chart frame `frame_w` px wide."""
    x0, _, x1, _ = title_box(lines)
    return x1 - x0 <= TITLE_MAX[key] * frame_w


def title_origin(lines: list[Text], frame: tuple[float, float, float, float]) -> tuple[float, float]:
    """Top-left of the title block as fractions of the chart frame (x0, y0, width, height in scene px)."""
    x0, y0, fw, fh = frame
    left, top, _, _ = title_box(lines)
    return (left - x0) / fw, (top - y0) / fh


def add_titles(chart, plan: dict[str, list[Text]], axes: dict[str, etree._Element], scale: float, lang: str,
               frame: tuple[float, float, float, float]) -> None:
    """The planned titles as the chart's title and its axes' titles (`axes`: place → c:catAx/c:valAx)."""
    cs = chart._chartSpace
    ch = cs.find(_c("chart"))
    for key, lines in plan.items():
        el = _title_el(lines, scale, lang, title_origin(lines, frame))
        if key == "chart":
            old = ch.find(_c("title"))
            if old is not None:
                ch.remove(old)
            ch.insert(0, el)
            atd = ch.find(_c("autoTitleDeleted"))
            if atd is None:
                atd = etree.Element(_c("autoTitleDeleted"))
                el.addnext(atd)
            atd.set("val", "0")
            continue
        ax = axes[key]
        old = ax.find(_c("title"))
        if old is not None:
            ax.remove(old)
        # schema order: … axPos, majorGridlines, minorGridlines, title, numFmt, majorTickMark …
        anchor = next(e for tag in ("numFmt", "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr",
                                    "crossAx") if (e := ax.find(_c(tag))) is not None)
        anchor.addprevious(el)
