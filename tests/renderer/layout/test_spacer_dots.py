"""An elision row: `spacer: {dots: true, text: …}` draws "⋮ text ⋮" (the dots as discs) centred in its column."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.scene import Ellipse, Rect, Text, bbox, walk

BODY = """  column:
    items:
      - box: {{id: top, text: "TD(0) target", role: white}}
      - spacer: {spacer}
      - box: {{id: bottom, text: "Monte Carlo target G_t", role: white}}
"""


def boxes(scene) -> dict[str, Rect]:
    return {p.meta.id: p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.id in ("top", "bottom")}


@pytest.mark.parametrize(("spacer", "lang", "drawn"), [
    ('{dots: true, text: {en: "n-step", zh: "n 步"}}', "en", "n-step"),
    ('{dots: true, text: {en: "n-step", zh: "n 步"}}', "zh", "n 步"),
    ("{dots: true, height: 40}", "en", None),
])
def test_the_elision_mark_is_centred_between_its_neighbours(write_spec, spacer, lang, drawn):
    scene = scene_of(write_spec, BODY.format(spacer=spacer), lang=lang)
    texts = kind(scene, "ellipsis", Text)
    dots = kind(scene, "ellipsis", Ellipse)
    assert [t.text for t in texts] == ([drawn] if drawn else [])
    assert len(dots) == (6 if drawn else 3)  # three dots on each side of the text, or one column alone
    b = boxes(scene)
    top, bottom = b["top"], b["bottom"]
    boxes_of = [bbox(p) for p in (*texts, *dots)]
    x0, y0 = min(q[0] for q in boxes_of), min(q[1] for q in boxes_of)
    x1, y1 = max(q[2] for q in boxes_of), max(q[3] for q in boxes_of)
    assert (x0 + x1) / 2 == pytest.approx(bottom.x + bottom.w / 2, abs=0.5)  # centred in the column
    assert top.y + top.h <= y0 and y1 <= bottom.y  # between the rows it stands for
    xs = sorted({round(d.cx, 2) for d in dots})
    assert len(xs) == (2 if drawn else 1)
    if drawn:  # a column of dots each side of the text, at its height
        tx0, ty0, tx1, ty1 = bbox(texts[0])
        assert xs[0] < tx0 and tx1 < xs[1]
        assert sum(d.cy for d in dots) / 6 == pytest.approx((ty0 + ty1) / 2, abs=3)


def test_a_plain_spacer_draws_nothing(write_spec):
    scene = scene_of(write_spec, BODY.format(spacer="{height: 20}"))
    assert not kind(scene, "ellipsis")
