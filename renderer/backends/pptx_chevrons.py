"""Native PowerPoint forms of the `lanes` banners: stage and row-header groups become chevron or
pentagon ("home plate") autoshapes with their text inside, so a slide's banners stay editable shapes
(resize, retype, restyle) rather than freeforms beside separate text boxes.

The group's payload (`Group.data`) names the shape and its point depth; the polygon and the text runs
are the group's children, as laid out. Lines keep their laid-out pitch; left or right inset moves the
centred text to where the layout centred it (over the stage's columns, not the shape's middle).
"""

from __future__ import annotations

import re

from ..scene import Group, Polygon, Text, bbox
from .pptx_shapes import (
    NATIVE_XML,
    PT_PER_PX,
    SlideWriter,
    _prst,
    _xfrm,
    esc_attr,
    esc_text,
    shape_name,
    sp_xml,
    srgb_xml,
)

SHAPES = {"chevron": "chevron", "pentagon": "homePlate"}  # preset geometries
_CJK = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]")
LINE_HEIGHT = 1.3  # the layout's line pitch (theme spacing.line_height), in font sizes


def native_banner(w: SlideWriter, g: Group) -> tuple[str, tuple[int, int, int, int]] | None:
    """A lanes banner as a chevron/pentagon autoshape holding its text lines (its XML and extent); None if it is
    not one."""
    d = g.data or {}
    poly = g.children[0] if g.children else None
    texts = [t for t in g.children[1:] if isinstance(t, Text)]
    if d.get("shape") not in SHAPES or not isinstance(poly, Polygon) or len(texts) != len(g.children) - 1:
        return None
    f = w.fit
    x0, y0, x1, y1 = bbox(poly)
    adj = float(d.get("depth", 0.0)) / max(min(x1 - x0, y1 - y0), 1e-6)
    x, y, cx, cy = f.x(x0), f.y(y0), max(f.x(x1) - f.x(x0), 1), max(f.y(y1) - f.y(y0), 1)
    left = min(t.left for t in texts) if texts else x0
    right = max(t.left + t.width for t in texts) if texts else x1
    shift = (left + right) / 2 - (x0 + x1) / 2  # the text's centre right of the shape's centre
    body = (f'<p:txBody><a:bodyPr rtlCol="0" anchor="ctr" wrap="none" lIns="{f.len(max(2 * shift, 0))}" '
            f'rIns="{f.len(max(-2 * shift, 0))}" tIns="0" bIns="0"><a:noAutofit/></a:bodyPr><a:lstStyle/>'
            f"{_lines(texts, f.scale, w.lang)}</p:txBody>")
    geom = _xfrm(x, y, cx, cy) + _prst(SHAPES[d["shape"]], adj)
    return sp_xml(w.next_id(), shape_name(poly), geom + w.paint_xml(poly.style), body), (x, y, x + cx, y + cy)


def _lines(texts: list[Text], scale: float, lang: str) -> str:
    """One centred paragraph per laid-out line (runs of one baseline), at the layout's line pitch."""
    base = max((t.size for t in texts), default=12.0)
    lines: list[list[Text]] = []
    for t in sorted(texts, key=lambda t: t.y):  # sub/superscript runs sit a little off their line's baseline
        if lines and t.y - lines[-1][0].y < 0.6 * base:
            lines[-1].append(t)
        else:
            lines.append([t])
    out = []
    for line in lines:
        main = max(line, key=lambda t: t.size)
        pitch = round(base * LINE_HEIGHT * scale * PT_PER_PX * 100)
        out.append(f'<a:p><a:pPr algn="ctr"><a:lnSpc><a:spcPts val="{pitch}"/>'
                   '</a:lnSpc><a:spcBef><a:spcPts val="0"/></a:spcBef><a:spcAft><a:spcPts val="0"/></a:spcAft></a:pPr>')
        for t in sorted(line, key=lambda t: t.left):
            lang_ = "zh-CN" if lang == "zh" or _CJK.search(t.text) else "en-US"
            shift = ""
            if t.size < main.size:
                shift = f' baseline="{"-25000" if t.y > main.y else "30000"}"'
            face = esc_attr(t.family[0] if t.family else "Noto Sans CJK SC")
            bold = "1" if t.weight >= 600 else "0"
            out.append(f'<a:r><a:rPr sz="{round(t.size * scale * PT_PER_PX * 100)}" b="{bold}" '
                       f'lang="{lang_}" dirty="0"{shift}><a:solidFill>{srgb_xml(t.fill)}</a:solidFill>'
                       f'<a:latin typeface="{face}"/><a:ea typeface="{face}"/><a:cs typeface="{face}"/></a:rPr>'
                       f"<a:t>{esc_text(t.text)}</a:t></a:r>")
        out.append(f'<a:endParaRPr sz="{round(base * scale * PT_PER_PX * 100)}" dirty="0"/></a:p>')
    return "".join(out) or "<a:p/>"  # a text body holds at least one paragraph


NATIVE_XML["lanes-stage"] = native_banner
NATIVE_XML["lanes-header"] = native_banner
