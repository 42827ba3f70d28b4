"""Native PowerPoint forms of the `lanes` banners: stage and row-header groups become chevron or
pentagon ("home plate") autoshapes with their text inside, so a slide's banners stay editable shapes
(resize, retype, restyle) rather than freeforms beside separate text boxes.

The group's payload (`Group.data`) names the shape and its point depth; the polygon and the text runs
are the group's children, as laid out. Lines keep their laid-out pitch; left or right inset moves the
centred text to where the layout centred it (over the stage's columns, not the shape's middle).
"""

from __future__ import annotations

import re

from lxml import etree
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Emu

from ..scene import Group, Polygon, Text, bbox
from .pptx_shapes import NATIVE, PT_PER_PX, SlideWriter, _color, _el, _sub, qn

SHAPES = {"chevron": MSO_SHAPE.CHEVRON, "pentagon": MSO_SHAPE.PENTAGON}
_CJK = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]")
LINE_HEIGHT = 1.3  # the layout's line pitch (theme spacing.line_height), in font sizes


def native_banner(w: SlideWriter, parent: etree._Element, g: Group) -> bool:
    """A lanes banner as a chevron/pentagon autoshape holding its text lines; False if it is not one."""
    d = g.data or {}
    poly = g.children[0] if g.children else None
    texts = [t for t in g.children[1:] if isinstance(t, Text)]
    if d.get("shape") not in SHAPES or not isinstance(poly, Polygon) or len(texts) != len(g.children) - 1:
        return False
    f = w.fit
    x0, y0, x1, y1 = bbox(poly)
    sh = w.shapes.add_shape(SHAPES[d["shape"]], Emu(f.x(x0)), Emu(f.y(y0)), Emu(max(f.x(x1) - f.x(x0), 1)),
                            Emu(max(f.y(y1) - f.y(y0), 1)))
    sh.adjustments[0] = float(d.get("depth", 0.0)) / max(min(x1 - x0, y1 - y0), 1e-6)
    w._paint(sh, poly.style)
    w._name(sh, poly)
    tf = sh.text_frame
    tf.word_wrap = False
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    left = min(t.left for t in texts) if texts else x0
    right = max(t.left + t.width for t in texts) if texts else x1
    shift = (left + right) / 2 - (x0 + x1) / 2  # the text's centre right of the shape's centre
    tf.margin_left, tf.margin_right = Emu(f.len(max(2 * shift, 0))), Emu(f.len(max(-2 * shift, 0)))
    tf.margin_top = tf.margin_bottom = Emu(0)
    _lines(tf, texts, f.scale, w.lang)
    w.place(sh, parent)
    return True


def _lines(tf, texts: list[Text], scale: float, lang: str) -> None:
    """One centred paragraph per laid-out line (runs of one baseline), at the layout's line pitch."""
    body = tf._txBody
    for p in body.findall(qn("a:p")):
        body.remove(p)
    base = max((t.size for t in texts), default=12.0)
    lines: list[list[Text]] = []
    for t in sorted(texts, key=lambda t: t.y):  # sub/superscript runs sit a little off their line's baseline
        if lines and t.y - lines[-1][0].y < 0.6 * base:
            lines[-1].append(t)
        else:
            lines.append([t])
    for line in lines:
        main = max(line, key=lambda t: t.size)
        p = _sub(body, "a:p")
        pPr = _sub(p, "a:pPr", algn="ctr")
        _sub(_sub(pPr, "a:lnSpc"), "a:spcPts", val=round(base * LINE_HEIGHT * scale * PT_PER_PX * 100))
        _sub(_sub(pPr, "a:spcBef"), "a:spcPts", val=0)
        _sub(_sub(pPr, "a:spcAft"), "a:spcPts", val=0)
        for t in sorted(line, key=lambda t: t.left):
            r = _sub(p, "a:r")
            rPr = _sub(r, "a:rPr", sz=round(t.size * scale * PT_PER_PX * 100), b="1" if t.weight >= 600 else "0",
                       lang="zh-CN" if lang == "zh" or _CJK.search(t.text) else "en-US", dirty="0")
            if t.size < main.size:
                rPr.set("baseline", "-25000" if t.y > main.y else "30000")
            _color(rPr, t.fill)
            family = t.family[0] if t.family else "Noto Sans CJK SC"
            for tag in ("a:latin", "a:ea", "a:cs"):
                rPr.append(_el(tag, typeface=family))
            _sub(r, "a:t").text = t.text
        _sub(p, "a:endParaRPr", sz=round(base * scale * PT_PER_PX * 100), dirty="0")
    if not lines:  # a text body holds at least one paragraph
        _sub(body, "a:p")


NATIVE["lanes-stage"] = native_banner
NATIVE["lanes-header"] = native_banner
