"""PPTX backend: presentations, slides and speaker notes; the shapes come from pptx_shapes (and pptx_native).

Output is deterministic (fixed core properties and zip times). `draw_pptx` writes its one-slide package
without python-pptx (pptx_package, from the base presentations committed beside this file, which
python-pptx made: `write_bases()`); python-pptx is imported for native tables and charts, and for decks.
"""

from __future__ import annotations

import functools
import io
import json
import re
import zipfile
from pathlib import Path

from .. import __version__
from ..scene import Scene
from . import pptx_chevrons  # noqa: F401  (registers the native banners)
from . import pptx_package as pkg
from .pptx_shapes import (
    EMU_PER_PX,
    FIXED_TIME,
    NATIVE,
    NSDECLS,
    SLIDE_MAX_PX,
    SLIDE_MIN_PX,
    ZIP_TIME,
    Fit,
    SlideWriter,
    _rgb,
    esc_text,
)


def _lazy(name: str):
    """A native handler of pptx_native (python-pptx's tables and charts), imported when first needed."""
    def handler(w, parent, g):
        from . import pptx_native

        return getattr(pptx_native, name)(w, parent, g)

    return handler


for _kind, _name in (("table", "native_table"), ("chart", "native_chart"), ("hatched", "native_hatched")):
    NATIVE.setdefault(_kind, _lazy(_name))

MAX_CORE_TITLE = 255  # characters PowerPoint (and python-pptx) allow in a core property; the slide shows all
TITLE_LAYOUT = "Title Only"  # the layout of every slide: a title placeholder and nothing else
BASES = Path(__file__).resolve().parent  # pptx_base_notes.pptx, pptx_base_plain.pptx
TITLE_PT = 24  # the hidden title's size (the layout's 44 pt would wrap long titles)


def new_presentation(width_px: float, height_px: float, title: str = "", lang: str = "en",
                     template: str | None = None):
    """An empty presentation with the given slide size (clamped to PowerPoint's limits).

    With `template` (a .pptx), its masters, layouts, theme and slide size are used and its slides dropped.
    """
    from pptx import Presentation
    from pptx.util import Emu

    if template is not None:
        prs = Presentation(template)
        _drop_slides(prs)
    else:
        prs = Presentation()
        prs.slide_width = Emu(round(min(max(width_px, SLIDE_MIN_PX), SLIDE_MAX_PX) * EMU_PER_PX))
        prs.slide_height = Emu(round(min(max(height_px, SLIDE_MIN_PX), SLIDE_MAX_PX) * EMU_PER_PX))
    cp = prs.core_properties
    cp.title = title if len(title) <= MAX_CORE_TITLE else title[: MAX_CORE_TITLE - 1] + "…"
    cp.author = "vizspec"
    cp.last_modified_by = f"vizspec {__version__}"
    cp.created = cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.language = "zh-CN" if lang == "zh" else "en-US"
    return prs


def _drop_slides(prs) -> None:
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def _titled(layout) -> bool:
    from pptx.enum.shapes import PP_PLACEHOLDER

    return any(ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
               for ph in layout.placeholders)


def scene_layout(prs):
    """The layout of diagram slides: "Title Only", else the titled layout with the fewest placeholders."""
    layouts = list(prs.slide_layouts)
    titled = [lo for lo in layouts if _titled(lo)]
    named = [lo for lo in titled if lo.name == TITLE_LAYOUT]
    if named:
        return named[0]
    return min(titled, key=lambda lo: len(lo.placeholders)) if titled else layouts[-1]


def _title_slide(slide, prs, text: str) -> None:
    """Keep only the title placeholder, holding `text`, just above the slide's top edge: the outline, screen
    readers and PowerPoint's accessibility checker read it, and it covers nothing of the drawing."""
    from pptx.enum.shapes import PP_PLACEHOLDER
    from pptx.util import Emu, Pt

    for ph in list(slide.placeholders):
        if ph.placeholder_format.type not in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            ph._element.getparent().remove(ph._element)
    title = slide.shapes.title
    if title is None:
        return
    title.text = text
    for run in title.text_frame.paragraphs[0].runs:
        run.font.size = Pt(TITLE_PT)
    # as tall as the slide, so even a long title wrapped onto many lines stays inside its box, off the slide
    h = prs.slide_height
    title.left, title.width, title.height, title.top = Emu(0), prs.slide_width, h, Emu(-h - EMU_PER_PX * 4)


def slide_px(prs) -> tuple[float, float]:
    """The slide size in px."""
    return prs.slide_width / EMU_PER_PX, prs.slide_height / EMU_PER_PX


def fit_into(scene: Scene, box: tuple[float, float, float, float], max_scale: float = 1.0) -> Fit:
    """Scale (at most max_scale) and centre the scene in box (x, y, w, h) px."""
    x, y, w, h = box
    s = min(w / scene.width, h / scene.height, max_scale)
    return Fit(s, x + (w - scene.width * s) / 2, y + (h - scene.height * s) / 2)


def notes_text(scene: Scene) -> str:
    """Speaker notes: title, caption, and every computed value with its function, arguments and source."""
    md = scene.metadata or {}
    lines = [scene.title, "", scene.desc] if scene.desc and scene.desc != scene.title else [scene.title]
    computed = md.get("computed") or {}
    if computed:
        head = "计算得到的数值（vizspec compute/）：" if scene.lang == "zh" else "Computed values (vizspec compute/):"
        lines += ["", head]
        for name, prov in computed.items():
            args = ", ".join(f"{k}={_js(v)}" for k, v in (prov.get("args") or {}).items())
            src = f"  [{_source_file(str(prov.get('fn')))}, code hash {prov['source']}]" if prov.get("source") else ""
            lines.append(f"{name} = {prov.get('fn')}({args}){src}")
            result = prov.get("result")
            if isinstance(result, dict):
                for k, v in result.items():
                    lines.append(f"    {name}.{k} = {_js(v)}")
            else:
                lines.append(f"    {name} = {_js(result)}")
    ident = " · ".join(str(md[k]) for k in ("id", "chapter", "tool") if md.get(k))
    if ident:
        lines += ["", ident]
    return "\n".join(lines)


def _source_file(fn: str) -> str:
    """Where a registry function lives: `llm.output_layer` → `compute/llm.py`."""
    return f"compute/{fn.rsplit('.', 1)[0].replace('.', '/')}.py" if "." in fn else "compute/"


def _js(v) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 600 else text[:597] + "…"


def add_scene_slide(prs, scene: Scene, fit: Fit | None = None, notes: bool = True, background: bool = True):
    """Append a slide showing the scene (at `fit`, by default 1:1 at the top-left), titled with its title.

    `background=False` keeps the master's background (a template's design) instead of the scene's colour.
    """
    slide = prs.slides.add_slide(scene_layout(prs))
    _title_slide(slide, prs, scene.title or str((scene.metadata or {}).get("id") or ""))
    if background:
        bg = slide.background.fill
        bg.solid()
        bg.fore_color.rgb = _rgb(scene.background or "#FFFFFF")
    tree = slide.shapes._spTree
    shapes = SlideWriter(fit or Fit(), scene.lang, slide.part, slide.shapes._next_shape_id).scene_xml(scene)
    if shapes:
        from pptx.oxml import parse_xml

        ext = tree.find(f"{{{tree.nsmap['p']}}}extLst")
        for el in list(parse_xml(f"<p:grpSp {NSDECLS}>{shapes}</p:grpSp>")):
            tree.append(el) if ext is None else ext.addprevious(el)
    if notes and (scene.desc or scene.metadata):
        slide.notes_slide.notes_text_frame.text = notes_text(scene)
    return slide


def save(prs) -> bytes:
    """The presentation as bytes, with fixed zip timestamps so equal input gives equal bytes."""
    raw = io.BytesIO()
    prs.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))
    return out.getvalue()


MARK = "\ue000"  # stands for the text of the base presentation's title and notes


def build_base(notes: bool) -> bytes:
    """The one-slide presentation python-pptx makes: an empty "Title Only" slide (with an empty notes slide, and
    so a notes master), its core properties set as new_presentation sets them; MARK for the title and notes."""
    prs = new_presentation(SLIDE_MIN_PX, SLIDE_MIN_PX, MARK, "en")
    slide = prs.slides.add_slide(scene_layout(prs))
    if notes:
        slide.notes_slide.notes_text_frame.text = MARK
    return save(prs)


def base_path(notes: bool) -> Path:
    return BASES / f"pptx_base_{'notes' if notes else 'plain'}.pptx"


def write_bases() -> None:
    """Write the committed base presentations again (after a python-pptx upgrade changed what it makes)."""
    for notes in (True, False):
        base_path(notes).write_bytes(build_base(notes))


@functools.cache
def _base(notes: bool) -> pkg.Base:
    """The base presentation, read once per process (python-pptx is not imported for it)."""
    return pkg.Base.from_pptx(base_path(notes).read_bytes())


def paragraphs_xml(text: str, rpr: str = "") -> str:
    """Text as python-pptx's `text_frame.text = text` writes it: a paragraph per line, a line break per vertical
    tab, no empty runs; `rpr` (run properties) on the first paragraph's runs."""
    out = []
    for i, line in enumerate(text.split("\n")):
        runs = []
        for k, piece in enumerate(line.split("\v")):
            if k:
                runs.append("<a:br/>")
            if piece:
                runs.append(f"<a:r>{rpr if i == 0 else ''}<a:t>{esc_text(piece)}</a:t></a:r>")
        out.append(f"<a:p>{''.join(runs)}</a:p>" if runs else "<a:p/>")
    return "".join(out)


def slide_xml(scene: Scene, cx: int, cy: int, shapes: str, background: bool = True) -> bytes:
    """The slide as add_scene_slide makes it: background, the hidden title (`_title_slide`), the shapes."""
    title = scene.title or str((scene.metadata or {}).get("id") or "")
    bg = ""
    if background:
        bg = (f'<p:bg><p:bgPr><a:solidFill><a:srgbClr val="{_hex6(scene.background or "#FFFFFF")}"/>'
              "</a:solidFill><a:effectLst/></p:bgPr></p:bg>")
    rpr = f'<a:rPr sz="{TITLE_PT * 100}"/>'
    title_sp = ('<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
                '<p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm>'
                f'<a:off x="0" y="{-cy - EMU_PER_PX * 4}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm></p:spPr>'
                f'<p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs_xml(title, rpr)}'
                "</p:txBody></p:sp>")
    return pkg.XML_HEAD + (f'<p:sld {NSDECLS}><p:cSld>{bg}<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/>'
                           "<p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>" + title_sp + shapes
                           + "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>").encode()


def _hex6(hex_: str) -> str:
    """A colour as python-pptx's RGBColor.from_string(...) writes it (six hex digits, upper case)."""
    val = hex_.lstrip("#").upper()[:6]
    if not re.fullmatch(r"[0-9A-F]{6}", val):
        raise ValueError(f"not a colour: {hex_!r}")
    return val


def _core_title(title: str) -> str:
    return title if len(title) <= MAX_CORE_TITLE else title[: MAX_CORE_TITLE - 1] + "…"


def draw_pptx(scene: Scene) -> bytes:
    """The scene as a one-slide presentation, the slide sized to the diagram (as new_presentation and
    add_scene_slide make it, written directly: pptx_package)."""
    scale = min(1.0, SLIDE_MAX_PX / scene.width, SLIDE_MAX_PX / scene.height)
    cx = round(min(max(scene.width * scale, SLIDE_MIN_PX), SLIDE_MAX_PX) * EMU_PER_PX)
    cy = round(min(max(scene.height * scale, SLIDE_MIN_PX), SLIDE_MAX_PX) * EMU_PER_PX)
    notes = bool(scene.desc or scene.metadata)
    base = _base(notes)
    charts = pkg.ChartParts()
    shapes = SlideWriter(Fit(scale), scene.lang, charts).scene_xml(scene)
    mark = MARK.encode()
    core = base.raw["docProps/core.xml"].replace(mark, esc_text(_core_title(scene.title)).encode())
    core = re.sub(rb"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>",
                  f"<cp:lastModifiedBy>vizspec {esc_text(__version__)}</cp:lastModifiedBy>".encode(), core, count=1)
    if scene.lang == "zh":
        core = core.replace(b"<dc:language>en-US</dc:language>", b"<dc:language>zh-CN</dc:language>")
    parts = {
        "[Content_Types].xml": pkg.content_types(base.raw["[Content_Types].xml"], *charts.content_types()),
        "docProps/core.xml": core,
        "ppt/presentation.xml": re.sub(rb'<p:sldSz cx="\d+" cy="\d+"', f'<p:sldSz cx="{cx}" cy="{cy}"'.encode(),
                                       base.raw["ppt/presentation.xml"], count=1),
        pkg.SLIDE: slide_xml(scene, cx, cy, shapes),
        pkg.SLIDE_RELS: pkg.slide_rels(base.layout_target(), charts, notes),
    }
    if notes:
        parts[pkg.NOTES] = base.raw[pkg.NOTES].replace(f"<a:p><a:r><a:t>{MARK}</a:t></a:r></a:p>".encode(),
                                                       paragraphs_xml(notes_text(scene)).encode())
    return pkg.package(base, parts, charts)
