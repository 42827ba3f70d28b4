"""The PPTX writer's work grows with the size of what it draws, not with its square; long titles fit its limits."""

from __future__ import annotations

import io
from pathlib import Path

import pptx.table
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from renderer.backends.pptx import MAX_CORE_TITLE, draw_pptx
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.spec.loader import load


def scene_of(tmp_path: Path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return layout(bind(load(path), use_cache=False).for_lang("en"), load_theme())


def test_a_native_table_never_goes_through_python_pptxs_per_cell_accessors(tmp_path, monkeypatch):
    """table.cell(), rows[i] and row.height list every row again per call: a 500 × 50 table took 3 minutes."""
    def refuse(*_a, **_k):
        raise AssertionError("a per-call re-listing accessor of python-pptx was used")

    rows = "".join("    - [" + ", ".join(f"c{r}{k}" for k in range(6)) + "]\n" for r in range(30))
    scene = scene_of(tmp_path, "id: s\nchapter: test\ntitle: S\nbody:\n  table:\n   rows:\n" + rows)
    monkeypatch.setattr(pptx.table.Table, "cell", refuse)
    monkeypatch.setattr(pptx.table._RowCollection, "__getitem__", refuse)
    monkeypatch.setattr(pptx.table.Table, "notify_height_changed", refuse)
    monkeypatch.setattr(pptx.table.Table, "notify_width_changed", refuse)
    prs = Presentation(io.BytesIO(draw_pptx(scene)))
    tables = list(prs.slides[0].shapes._spTree.iter(qn("a:tbl")))
    assert len(tables) == 1 and len(tables[0].tr_lst) == 30
    assert {t.text for t in tables[0].tr_lst[29].tc_lst[5].iter(qn("a:t"))} == {"c295"}


@pytest.mark.parametrize("n", [255, 256, 600])
def test_a_title_over_powerpoints_255_characters_is_cut_in_the_core_properties(tmp_path, n):
    title = "T" * n
    scene = scene_of(tmp_path, f"id: s\nchapter: test\ntitle: {title}\nbody: {{box: a}}\n")
    core = Presentation(io.BytesIO(draw_pptx(scene))).core_properties.title
    assert len(core) == min(n, MAX_CORE_TITLE)
    assert core == title if n <= MAX_CORE_TITLE else core == "T" * (MAX_CORE_TITLE - 1) + "…"
