"""Text on chart-like canvases (brace texts, tick and category labels, tensor braces) typesets $…$ as math."""

from __future__ import annotations

from _helpers import scene_of

from renderer.scene import Text, walk


def texts(scene) -> list[str]:
    return [p.text for p in walk(scene.items) if isinstance(p, Text)]


def kinds(scene) -> set[str]:
    return {p.meta.kind for p in walk(scene.items)}


def test_a_chart_brace_text_and_a_category_label_set_their_math(write_spec):
    body = ("  chart:\n    kind: bar\n    x: {categories: [a, '$\\\\gamma^{2}$', c]}\n"
            "    series: [{values: [0.5, 0.3, 0.2]}]\n"
            "    braces: [{from: 0, to: 1, text: 'Σ = $\\\\sum_{i} p_{i}$'}]\n")
    scene = scene_of(write_spec, body)
    assert not [t for t in texts(scene) if "$" in t], "no dollar sign is drawn as text"
    assert "Σ =" in " ".join(texts(scene)), "the plain part stays text"
    assert any("math" in (k or "") for k in kinds(scene)), kinds(scene)


def test_a_tensor_brace_sets_its_math(write_spec):
    body = ("  tensor:\n    shape: [2, 3]\n    braces: [{side: bottom, text: '$d_{k}$ columns'}]\n")
    scene = scene_of(write_spec, body)
    assert not [t for t in texts(scene) if "$" in t]
