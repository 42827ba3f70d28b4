"""Slide decks: a deck per chapter and all.pptx, title and section slides, collection order, LibreOffice check."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from renderer.app import build, slides
from renderer.app.cli import main
from renderer.app.slides import SLIDE_H, SLIDE_W, build_decks, chapter_title
from renderer.backends.png import draw_png
from renderer.backends.pptx import fit_into
from renderer.backends.pptx_office import distance, missing_tools, rasterise
from renderer.backends.pptx_shapes import EMU_PER_PX

SPEC = """\
id: {id}
chapter: {chapter}
{order}
title: {{en: "{title}", zh: "{title} 图"}}
caption: {{en: "About {title}.", zh: "关于 {title}。"}}
body:
  row:
    items:
      - box: {{id: a, text: {{en: "Model", zh: "模型"}}, role: model}}
      - box: {{id: b, text: {{en: "Data", zh: "数据"}}, role: data}}
edges:
  - {{from: a, to: b, label: x}}
"""


def write(root: Path, chapter: str, id_: str, title: str, order: int | None = None, folder: str | None = None) -> Path:
    p = root / (folder or chapter) / f"{id_}.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(SPEC.format(id=id_, chapter=chapter, title=title,
                             order=f"order: {order}" if order is not None else ""), encoding="utf-8")
    return p


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    write(root, "rl-basics", "zz-first", "Return", order=41)  # file name sorts last, order first
    write(root, "rl-basics", "aa-second", "Value", order=44)
    write(root, "llm-basics", "llm-output", "LLM output", order=5)
    write(root, "examples", "example-chart", "Chart example", folder="_examples")
    return root


def texts(slide) -> list[str]:
    out = []

    def walk(shapes):
        for sh in shapes:
            if sh.shape_type == 6:  # group
                walk(sh.shapes)
            elif sh.has_text_frame and sh.text_frame.text:
                out.append(sh.text_frame.text)

    walk(slide.shapes)
    return out


def test_decks_per_chapter_and_all_in_the_collections_order(specs: Path, tmp_path: Path):
    paths = [p for p in build.find_specs(specs) if "_examples" not in p.parts]
    res = build_decks(paths, tmp_path / "out", ("en",), jobs=1)
    assert res.problems == []
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in res.written)
    assert names == ["en/all.pptx", "en/llm-basics.pptx", "en/rl-basics.pptx"]
    prs = Presentation(str(tmp_path / "out" / "en" / "all.pptx"))
    titles = [texts(s) for s in prs.slides]
    # title, then chapters by their first diagram's order (llm-basics: 5 before rl-basics: 41)
    assert len(prs.slides) == 1 + (1 + 1) + (1 + 2)
    assert titles[0][0] == slides.DECK_TITLE["en"]
    assert titles[1][0] == "1  LLM basics" and "1. LLM output" in titles[1]
    assert "LLM output" in titles[2]
    assert titles[3][0] == "2  Reinforcement learning basics" and titles[3][-3:-1] == ["1. Return", "2. Value"]
    assert "Return" in titles[4] and "Value" in titles[5]  # order 41 before 44 despite file names
    chapter = Presentation(str(tmp_path / "out" / "en" / "rl-basics.pptx"))
    assert len(chapter.slides) == 1 + 1 + 2
    assert texts(chapter.slides[0])[0] == "Reinforcement learning basics"


def test_every_deck_slide_is_16_9_and_diagrams_fit_inside(specs: Path, tmp_path: Path):
    res = build_decks(build.find_specs(specs), tmp_path / "out", ("zh",), chapter="llm-basics", jobs=1)
    assert [p.name for p in res.written] == ["llm-basics.pptx"]
    prs = Presentation(str(res.written[0]))
    assert (prs.slide_width, prs.slide_height) == (round(SLIDE_W * EMU_PER_PX), round(SLIDE_H * EMU_PER_PX))
    diagram = prs.slides[2]
    assert diagram.shapes.title.text == "LLM output 图" and diagram.shapes.title.top < 0  # read, not shown
    for sh in (sh for sh in diagram.shapes if not sh.is_placeholder):
        assert 0 <= sh.left and sh.left + sh.width <= prs.slide_width
        assert 0 <= sh.top and sh.top + sh.height <= prs.slide_height
    assert "关于 LLM output。" in diagram.notes_slide.notes_text_frame.text
    assert "LLM output 图" in texts(diagram)


def test_a_bad_spec_is_reported_and_the_others_still_make_decks(specs: Path, tmp_path: Path):
    bad = specs / "rl-basics" / "broken.yaml"
    bad.write_text("id: broken\nchapter: rl-basics\ntitle: x\nbody: {box: {text: 1, colour: red}}\n", encoding="utf-8")
    res = build_decks(build.find_specs(specs), tmp_path / "out", ("en",), jobs=1)
    assert res.problems and all("broken.yaml" in p for p in res.problems)
    assert res.diagrams == 4
    assert (tmp_path / "out" / "en" / "all.pptx").is_file()


def test_a_chapter_deck_never_overwrites_a_diagram_of_the_same_id(specs: Path, tmp_path: Path):
    write(specs, "dpo", "dpo", "DPO", order=18)
    res = build_decks(build.find_specs(specs), tmp_path / "out", ("en",), chapter="dpo", jobs=1)
    assert [p.name for p in res.written] == ["dpo-deck.pptx"]


def test_decks_are_byte_identical_across_runs(specs: Path, tmp_path: Path):
    a = build_decks(build.find_specs(specs), tmp_path / "a", ("en",), chapter="rl-basics", jobs=1).written[0]
    b = build_decks(build.find_specs(specs), tmp_path / "b", ("en",), chapter="rl-basics", jobs=2).written[0]
    assert a.read_bytes() == b.read_bytes()


def test_chapter_titles_come_from_the_chapter_file_in_each_language():
    assert chapter_title("rl-basics") == "Reinforcement learning basics"
    assert chapter_title("rl-basics", "zh") == "强化学习基础"
    assert chapter_title("llm-basics", "zh") == "LLM 基础"


def test_unknown_chapters_get_a_readable_name_from_their_id():
    assert chapter_title("rl-odds-and-ends") == "RL odds and ends"
    assert chapter_title("llm-tricks") == "LLM tricks"


def test_cli_slides_writes_both_languages_and_leaves_feature_examples_out(specs: Path, tmp_path: Path, monkeypatch,
                                                                          capsys):
    monkeypatch.setattr(build, "SPECS_DIR", specs)
    out = tmp_path / "decks"
    assert main(["slides", "--out", str(out), "--jobs", "1"]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pptx"))
    assert written == ["en/all.pptx", "en/llm-basics.pptx", "en/rl-basics.pptx",
                       "zh/all.pptx", "zh/llm-basics.pptx", "zh/rl-basics.pptx"]
    assert "6 decks, 3 diagrams, 0 problems" in capsys.readouterr().err
    assert main(["slides", "--out", str(out), "--chapter", "examples", "--lang", "en", "--jobs", "1"]) == 0
    assert (out / "en" / "examples.pptx").is_file()
    assert main(["slides", "--out", str(out), "--chapter", "nope", "--jobs", "1"]) == 1


@pytest.mark.skipif(missing_tools() is not None, reason=f"office check skipped: {missing_tools()}")
def test_libreoffice_opens_the_deck_and_the_diagram_slide_looks_like_the_svg(specs: Path, tmp_path: Path):
    res = build_decks(build.find_specs(specs), tmp_path / "out", ("en",), chapter="llm-basics", jobs=1)
    deck = res.written[0]
    pages = rasterise([deck], tmp_path / "lo", dpi=48)[deck]
    assert len(pages) == 3  # title, section, diagram
    items, _ = slides.prepare([specs / "llm-basics" / "llm-output.yaml"], ("en",), jobs=1)
    scene = items[0].scenes["en"]
    fit = fit_into(scene, (slides.MARGIN, slides.MARGIN, SLIDE_W - 2 * slides.MARGIN, SLIDE_H - 2 * slides.MARGIN),
                   slides.MAX_SCALE)
    # our PNG of the diagram at the slide's scale, against the part of the page where the slide puts it
    ours = Image.open(io.BytesIO(draw_png(scene, fit.scale / 2))).convert("RGB")
    box = (round(fit.dx / 2), round(fit.dy / 2), round(fit.dx / 2) + ours.width, round(fit.dy / 2) + ours.height)
    assert abs(pages[2].width - SLIDE_W / 2) <= 2 and abs(pages[2].height - SLIDE_H / 2) <= 2
    d_diagram, d_section = distance(ours, pages[2].crop(box)), distance(ours, pages[1].crop(box))
    assert d_diagram < 4.0 < d_section, (d_diagram, d_section)  # measured 0.9 and 8.7


def test_every_slide_has_a_title_placeholder_and_groups_carry_alt_text(specs: Path, tmp_path: Path):
    res = build_decks(build.find_specs(specs), tmp_path / "out", ("en",), chapter="rl-basics", jobs=1)
    prs = Presentation(str(res.written[0]))
    titles = [s.shapes.title.text if s.shapes.title is not None else None for s in prs.slides]
    assert titles == [chapter_title("rl-basics", "en"), chapter_title("rl-basics", "en"), "Return", "Value"]
    for s in prs.slides:
        assert s.slide_layout.name == "Title Only"
        assert s.shapes.title.top + s.shapes.title.height <= 0  # above the slide: read, never covering a shape
        assert [ph.placeholder_format.type for ph in s.placeholders] == [s.shapes.title.placeholder_format.type]
    groups = {g.name: g._element.nvGrpSpPr.cNvPr.get("descr") for g in prs.slides[2].shapes if g.shape_type == 6}
    assert groups["a"] == "Model" and groups["b"] == "Data"


def test_slides_use_the_masters_and_layouts_of_a_template(specs: Path, tmp_path: Path):
    from pptx.util import Emu

    tpl = Presentation()
    tpl.slide_width, tpl.slide_height = Emu(9144000), Emu(6858000)  # 4:3, 10 × 7.5 in
    old = tpl.slides.add_slide(tpl.slide_layouts[0])
    old.shapes.title.text = "an old slide of the template"
    logo = old.shapes.add_textbox(Emu(0), Emu(0), Emu(914400), Emu(300000))
    logo.text = "UNIVERSITY LOGO"
    tpl.slide_masters[0].shapes._spTree.append(logo._element)  # moved onto the master: on every slide
    tpl.save(str(tmp_path / "deck.pptx"))
    out = tmp_path / "out"
    res = build_decks(build.find_specs(specs), out, ("en",), chapter="rl-basics", jobs=1,
                      template=str(tmp_path / "deck.pptx"))
    prs = Presentation(str(res.written[0]))
    assert (prs.slide_width, prs.slide_height) == (Emu(9144000), Emu(6858000))
    assert len(prs.slides) == 4 and "an old slide of the template" not in [s.shapes.title.text for s in prs.slides]
    master = prs.slides[2].slide_layout.slide_master
    assert any(sh.has_text_frame and sh.text_frame.text == "UNIVERSITY LOGO" for sh in master.shapes)
    diagram = prs.slides[2]
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    assert diagram._element.find("p:cSld/p:bg", ns) is None  # the master's background shows, not a white fill
    for sh in (sh for sh in diagram.shapes if not sh.is_placeholder):  # scaled into the 4:3 slide
        assert 0 <= sh.left and sh.left + sh.width <= prs.slide_width
        assert 0 <= sh.top and sh.top + sh.height <= prs.slide_height


@pytest.mark.parametrize(("content", "words"), [
    (None, "no such file"), (b"not a zip", "not a PowerPoint presentation"),
])
def test_a_bad_template_is_one_clear_error(tmp_path: Path, capsys, content, words):
    tpl = tmp_path / "deck.pptx"
    if content is not None:
        tpl.write_bytes(content)
    assert main(["slides", "--out", str(tmp_path / "out"), "--template", str(tpl)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"vizspec: error: --template {tpl}: {words}") and "Traceback" not in err


def test_cli_slides_embeds_fonts_unless_told_not_to(specs: Path, tmp_path: Path, monkeypatch):
    import zipfile

    monkeypatch.setattr(build, "SPECS_DIR", specs)
    for flag, want in ((None, True), ("--embed-fonts", True), ("--no-embed-fonts", False)):
        out = tmp_path / f"decks-{flag}"
        assert main(["slides", "--out", str(out), "--chapter", "llm-basics", "--lang", "zh", "--jobs", "1",
                     *([flag] if flag else [])]) == 0
        names = zipfile.ZipFile(out / "zh" / "llm-basics.pptx").namelist()
        assert any(n.startswith("ppt/fonts/") and n.endswith(".fntdata") for n in names) == want, flag
