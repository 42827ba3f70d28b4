"""`node_min_width`: every node at least that wide, so a tree keeps one shape in both languages."""

from __future__ import annotations

import pytest
from _helpers import scene_of

from renderer.spec.errors import SpecError


def body(extra: str) -> str:
    return ("  tree:\n    id: t\n    direction: right\n" + extra +
            "    root: {id: R, label: {en: Yours, zh: 你}, children: [{id: A, label: {en: happen, zh: 是}}, "
            "{id: B, label: {en: go, zh: 会}, children: [{id: C, label: {en: there, zh: 那}}]}]}\n")


def widths(scene) -> dict[str, float]:
    return {k: round(v[2], 2) for k, v in scene.anchors.items()}


def test_nodes_are_at_least_the_minimum_and_both_languages_have_one_shape(write_spec):
    en, zh = (widths(scene_of(write_spec, body("    node_min_width: 90\n"), lang)) for lang in ("en", "zh"))
    assert en == zh
    assert all(en[f"t.{n}"] == 90 for n in "RABC")


def test_without_it_the_languages_differ_and_a_wider_label_still_widens_its_node(write_spec):
    en, zh = (widths(scene_of(write_spec, body(""), lang)) for lang in ("en", "zh"))
    assert en["t"] > zh["t"]
    wide = widths(scene_of(write_spec, body("    node_min_width: 20\n")))
    assert wide["t.A"] > 20  # a minimum, not a fixed width


def test_it_must_be_positive(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: 0 is out of range \(expected > 0\)"):
        scene_of(write_spec, body("    node_min_width: 0\n"))
