"""The sweeps of the decoding diagrams: each frame's picture shows that frame's parameter (read from the scenes).

Expected values are worked out here independently (numpy softmax, hand-traced beam search), not taken from
the compute results.
"""

from __future__ import annotations

import numpy as np
import pytest

from renderer.app import sweeps
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Rect, walk
from renderer.spec.loader import load

LOGITS = np.array([1.2, 1.05, 0.9, 0.8, 0.7, 0.4, 0.0, -0.3])  # the decoding chapter's running example


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def frames(path: str, lang: str = "en"):
    spec = load(ROOT / path)
    return spec.diagram.sweep.frame_values(), sweeps.frame_scenes(sweeps.bind_frames(spec), lang, load_theme())


def bars(scene, chart: str) -> list[Rect]:
    return sorted((p for p in walk(scene.items) if p.meta.kind == "chart-bar" and isinstance(p, Rect)
                   and p.meta.id == chart), key=lambda b: b.x)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_top_k_frames_keep_k_bars_and_a_pool_of_k(lang):
    values, scenes = frames("specs/decoding/top-k-sampling.yaml", lang)
    assert values == [1, 2, 3, 5, 8]
    heights = []
    for k, sc in zip(values, scenes, strict=True):
        full = bars(sc, "full")
        assert [b.meta.role != "removed" for b in full] == [i < k for i in range(8)]
        assert len(bars(sc, "pool")) == k
        heights.append([round(b.h, 6) for b in full])
    assert all(h == heights[0] for h in heights)  # the distribution's axis does not move between frames


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_top_p_frames_keep_the_smallest_top_set_reaching_p(lang):
    values, scenes = frames("specs/decoding/top-p-sampling.yaml", lang)
    peaked = softmax(np.array([-0.511, -1.609, -2.526, -2.813, -3.219, -3.912]))
    kept = []
    for p, sc in zip(values, scenes, strict=True):
        n = int(np.searchsorted(np.cumsum(softmax(LOGITS)), p)) + 1
        n_peak = int(np.searchsorted(np.cumsum(peaked), p - 1e-12)) + 1
        assert sum(b.meta.role != "removed" for b in bars(sc, "full")) == n
        assert sum(b.meta.role != "removed" for b in bars(sc, "peak")) == n_peak
        assert len(bars(sc, "pool")) == n
        kept.append(n)
    assert kept == [3, 4, 5, 6, 7]  # every frame keeps one token more


def test_multinomial_frames_draw_different_tokens_on_one_scale():
    values, scenes = frames("specs/decoding/multinomial-sampling.yaml")
    drawn, heights = [], set()
    for _seed, sc in zip(values, scenes, strict=True):
        full = bars(sc, "full")
        assert sum(b.meta.role == "emphasis" for b in full) == 1
        drawn.append(next(i for i, b in enumerate(full) if b.meta.role == "emphasis"))
        heights.add(tuple(round(b.h, 6) for b in full))
    assert drawn == [0, 1, 3, 6, 7]  # the seeds were chosen for first draws of rank 1, 2, 4, 7 and 8
    assert len(heights) == 1  # the same probabilities, drawn at the same height in every frame


def test_temperature_frames_draw_softmax_z_over_t_against_fixed_lines():
    values, scenes = frames("specs/llm-extended/temperature.yaml")
    z = np.array([3.1, 2.6, 2.3, 1.7, 1.3, 0.8, 0.5, 0.2])
    lines = set()
    tallest = []
    for t, sc in zip(values, scenes, strict=True):
        hs = np.array([b.h for b in bars(sc, "dist")])
        unit = hs[0] / softmax(z / t)[0]  # px per unit probability: the same in every frame (axis 0..1)
        assert hs == pytest.approx(softmax(z / t) * unit, abs=0.05)
        tallest.append(unit)
        lines.add(tuple((round(x, 3), round(y, 3)) for p in walk(sc.items) if p.meta.kind == "chart-marker"
                        for x, y in [(p.cx, p.cy)]))
    assert max(tallest) - min(tallest) < 1e-6
    assert len(lines) == 1 and len(next(iter(lines))) == 24  # the three fixed temperatures' points do not move


def node_roles(sc) -> list[tuple[str, str, bool]]:
    return [(p.meta.id.removeprefix("t."), p.meta.role, p.style.dash is not None) for p in walk(sc.items)
            if p.meta.kind == "node" and isinstance(p, Rect)]


def test_beam_search_frames_keep_width_beams_and_cut_the_rest():
    values, scenes = frames("specs/decoding/beam-search.yaml")
    assert values == [1, 2, 3, 4]
    # traced by hand on the diagram's tree (p after the prompt .206 .177 .153; cumulative per node)
    gold = {"root", "a", "r", "w"}, {"root", "b", "x", "e"}, {"root", "b", "x", "e"}, {"root", "b", "x", "e"}
    cut = [{"b", "c", "h", "e"}, {"c", "h", "g", "e"}, {"g", "n", "e"}, {"n"}]  # evaluated, then dropped
    never = [{"x", "e", "y", "g", "n"}, {"n"}, set(), set()]  # below a cut: dashed
    for i, sc in enumerate(scenes):
        nodes = node_roles(sc)
        order = ["root", "a", "r", "e", "w", "h", "b", "x", "e", "y", "g", "c", "n"]
        assert [n for n, _, _ in nodes] == order
        on_gold = {n for k, (n, role, _) in enumerate(nodes) if role == "kept-bg"}
        assert on_gold == gold[i]
        grey = [(n, dashed) for n, role, dashed in nodes if role == "light"]
        assert {n for n, d in grey if not d} == cut[i], values[i]
        assert {n for n, d in grey if d} == never[i], values[i]
