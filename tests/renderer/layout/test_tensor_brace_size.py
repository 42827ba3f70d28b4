"""`brace_size`: the size of a tensor's brace labels (a theme size name or px), clear of the grid."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.theme import load_theme
from renderer.scene import Text, bbox
from renderer.spec.errors import SpecError


def body(extra: str = "") -> str:
    return ("  tensor:\n    id: x\n    shape: [1, 8]\n    shape_label: false\n" + extra +
            "    braces:\n      - {side: top, from: 0, to: 0, text: '1'}\n"
            "      - {side: top, from: 1, to: 7, text: {en: '7 bits', zh: '7 位'}}\n")


def labels(scene) -> list[Text]:
    return kind(scene, "tensor-brace-text", Text)


@pytest.mark.parametrize(("extra", "size"), [("", "small"), ("    brace_size: body\n", "body"),
                                             ("    brace_size: 21\n", 21.0)])
def test_brace_labels_take_the_given_size_and_stay_above_the_grid(write_spec, extra, size):
    want = float(load_theme().sizes[size]) if isinstance(size, str) else size
    for lang in ("en", "zh"):
        scene = scene_of(write_spec, body(extra), lang)
        texts = labels(scene)
        assert len(texts) == 2 and {t.size for t in texts} == {want}
        grid_top = min(bbox(p)[1] for p in kind(scene, "tensor-cell"))
        assert all(bbox(t)[3] <= grid_top for t in texts)


def test_an_unknown_size_name_is_a_located_error(write_spec):
    msg = r's\.yaml:\d+:\d+: error: "huge" is not allowed \(expected one of: small, note, body, heading\)'
    with pytest.raises(SpecError, match=msg):
        scene_of(write_spec, body("    brace_size: huge\n"))
