"""The RLHF-concept diagrams (rows 75, 76, 89, 90, 91): their worked examples show the point they teach."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.app.build import find_specs
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Group, Line, Rect, Text, walk
from renderer.spec.loader import load


def spec_path(stem: str) -> Path:
    return next(p for p in find_specs() if p.stem == stem)


def texts(stem: str, lang: str) -> str:
    scene = layout(bind(load(spec_path(stem))).for_lang(lang), load_theme())
    return " ".join(t.text for t in walk(scene.items) if isinstance(t, Text))


def test_lm_as_mdp_draws_a_token_that_is_not_the_most_probable_and_appends_it():
    b = bind(load(spec_path("lm-as-mdp")))
    pi = b.results["pi"]
    drawn = pi["samples"][0]
    assert pi["probs"][drawn] < max(pi["probs"]), "the drawn action is not the greedy one"
    for lang in ("en", "zh"):
        v = b.spec.doc.data["vars"]
        token = v["cands"][lang][drawn]
        shown = texts("lm-as-mdp", lang)
        # the drawn token is a_2, then part of s_3, s_4 and the episode: it is printed 4 times
        assert shown.count(token) >= 4


def test_lm_as_mdp_reward_is_paid_only_at_the_end():
    b = bind(load(spec_path("lm-as-mdp")))
    rewards = b.spec.doc.data["vars"]["rewards"]
    assert all(r == 0 for r in rewards[:-1]) and rewards[-1] != 0
    assert b.results["ret"]["returns"][0] == pytest.approx(rewards[-1])


def test_rlhf_two_stages_rewards_add_up_to_score_minus_kl():
    b = bind(load(spec_path("rlhf-two-stages")))
    kl, v = b.results["kl"], b.spec.doc.data["vars"]
    assert sum(kl["rewards"]) == pytest.approx(v["score"] - v["beta"] * sum(kl["kl"]))
    assert b.results["bt"]["prob_chosen"][0] > 0.5  # the chosen response already scores higher


def test_rlaif_soft_label_pushes_less_than_the_hard_label():
    b = bind(load(spec_path("rlaif-vs-rlhf")))
    p_ai = b.results["judge"]["probs"][0]
    assert 0.5 < p_ai < 1.0, "the AI labeller prefers response 1 but is not certain"
    assert abs(b.results["l_ai"]["grad_a"][0]) < abs(b.results["l_h"]["grad_a"][0])


def test_constitutional_ai_arrows_leave_the_three_principles_drawn_at_random():
    b = bind(load(spec_path("constitutional-ai")))
    s = b.results["draw"]["samples"]
    assert len(set(s)) == 3, "three different principles make the random draw visible"
    principles = b.spec.doc.data["vars"]["principles"]["en"]
    bound = b.for_lang("en")
    scene = layout(bound, load_theme())
    assert all(p in " ".join(t.text for t in walk(scene.items) if isinstance(t, Text)) for p in principles)
    # each use's arrow starts on the cell of the principle drawn for it (critique round 1, round 2, feedback)
    cells = {
        part: next(r for r in g.children if isinstance(r, Rect))
        for g in walk(scene.items)
        if isinstance(g, Group) and g.meta.id == "const"
        for part in g.meta.parts
    }
    edges = {(e.from_, e.to): f"edge-{i}" for i, e in enumerate(bound.diagram.edges)}
    lines = {ln.meta.id: ln for ln in walk(scene.items) if isinstance(ln, Line) and ln.meta.kind == "edge"}
    for k, target in zip(s, ["crit", "crit", "q"], strict=True):
        assert (f"const.c{k}", target) in edges, f"an arrow from principle {k}'s cell to {target}"
        x, y = lines[edges[(f"const.c{k}", target)]].points[0]
        cell = cells[f"c{k}"]
        assert cell.x <= x <= cell.x + cell.w, f"the arrow to {target} leaves principle {k}"
        assert min(abs(y - cell.y), abs(y - cell.y - cell.h)) <= 6


def test_rule_based_reward_reverses_the_helpful_only_ranking():
    b = bind(load(spec_path("rule-based-rewards")))
    rm = b.spec.doc.data["vars"]["rm"]
    ra, rb = b.results["ra"], b.results["rb"]
    assert rm[1] > rm[0], "the helpful-only reward model prefers the compliant response B"
    assert ra["total"] > rb["total"], "with the RBR term the refusal A wins"
    for lang in ("en", "zh"):
        shown = texts("rule-based-rewards", lang)
        assert f"{ra['total']:.2f}" in shown and f"{rb['total']:.2f}".replace("-", "\u2212") in shown
