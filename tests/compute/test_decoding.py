import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import decoding

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)

# the original Greedy / Beam Search diagrams (prompt "你")
TREE = {
    "在": {"p": 0.4, "next": {"哪里": {"p": 0.25, "next": {"？": {"p": 0.3}, "呢": {"p": 0.2}}},
                              "干": {"p": 0.2, "next": {"嘛": {"p": 0.9}}}}},
    "好": {"p": 0.3, "next": {"棒": {"p": 0.4, "next": {"<END>": {"p": 0.4}, "啊": {"p": 0.1}}},
                              "<END>": {"p": 0.5}}},
    "有": {"p": 0.1, "next": {"事": {"p": 0.5}}},
}


def test_greedy_takes_the_argmax_each_step():
    out = decoding.greedy(tree=TREE, prompt="你")
    assert out["path"] == ["在", "哪里", "？"]
    assert out["text"] == "你在哪里？"
    assert out["probs"] == pytest.approx([0.4, 0.25, 0.3])
    assert out["cumulative"] == pytest.approx([0.4, 0.1, 0.03])
    step1 = out["steps"][0]["candidates"]
    assert [c["token"] for c in step1] == ["在", "好", "有"]
    assert [c["chosen"] for c in step1] == [True, False, False]


def test_greedy_ties_go_to_the_first_candidate():
    out = decoding.greedy(tree={"a": {"p": 0.5}, "b": {"p": 0.5}})
    assert out["path"] == ["a"]


def test_beam_search_hand_worked():
    out = decoding.beam_search(tree=TREE, beams=2, steps=3, length_penalty=0.0, prompt="你")
    s1, s2 = out["steps"][0], out["steps"][1]
    assert [k["tokens"] for k in s1["kept"]] == [["在"], ["好"]]
    # step 2 candidates: 在哪里 .1, 在干 .08, 好棒 .12, 好<END> .15
    cum = {"".join(c["tokens"]): c["cumulative"] for c in s2["candidates"]}
    assert cum == pytest.approx({"在哪里": 0.1, "在干": 0.08, "好棒": 0.12, "好<END>": 0.15})
    # 好<END> ranks first -> finished; running beams: 好棒 (.12), 在哪里 (.1)
    assert [k["tokens"] for k in s2["kept"]] == [["好", "棒"], ["在", "哪里"]]
    # step 3: 好棒<END> .048, 好棒啊 .012, 在哪里？ .03, 在哪里呢 .02
    seqs = {"".join(h["tokens"]): h["cumulative"] for h in out["sequences"]}
    assert seqs["好<END>"] == pytest.approx(0.15)
    assert out["best"] == ["好", "<END>"]
    assert out["best_text"] == "你好<END>"


def test_beam_search_lists_what_it_scored_dropped_and_finished_per_step():
    out = decoding.beam_search(tree=TREE, beams=2, steps=3, length_penalty=0.0, eos="<END>")
    # by hand: step 1 keeps 在 .4, 好 .3 (drops 有 .1); step 2 finishes 好<END> .15, keeps 好棒 .12, 在哪里 .1,
    # drops 在干 .08; step 3 finishes 好棒<END> .048, keeps 在哪里？ .03, 在哪里呢 .02, drops 好棒啊 .012
    assert out["pruned"] == [["有"], ["在", "干"], ["好", "棒", "啊"]]
    assert [s["finished"] for s in out["steps"]] == [[], [["好", "<END>"]], [["好", "棒", "<END>"]]]
    assert out["evaluated"] == pytest.approx({
        "在": 0.4, "好": 0.3, "有": 0.1, "在 哪里": 0.1, "在 干": 0.08, "好 棒": 0.12, "好 <END>": 0.15,
        "好 棒 <END>": 0.048, "好 棒 啊": 0.012, "在 哪里 ？": 0.03, "在 哪里 呢": 0.02})
    # never scored: the continuations of the dropped prefixes (在干嘛, 有事)
    assert "在 干 嘛" not in out["evaluated"] and "有 事" not in out["evaluated"]


def test_one_beam_drops_every_sibling_of_the_greedy_path():
    out = decoding.beam_search(tree=TREE, beams=1, steps=3, length_penalty=0.0, eos="<END>")
    assert out["best"] == decoding.greedy(tree=TREE, steps=3)["path"] == ["在", "哪里", "？"]
    assert out["pruned"] == [["好"], ["有"], ["在", "干"], ["在", "哪里", "呢"]]
    assert sorted(out["evaluated"]) == sorted(["在", "好", "有", "在 哪里", "在 干", "在 哪里 ？", "在 哪里 呢"])


def test_beam_search_length_penalty_prefers_longer_hypotheses():
    tree = {"a": {"p": 0.5}, "b": {"p": 0.45, "next": {"c": {"p": 0.95}}}}
    short = decoding.beam_search(tree=tree, beams=2, steps=2, length_penalty=0.0)
    long = decoding.beam_search(tree=tree, beams=2, steps=2, length_penalty=1.0)
    assert short["best"] == ["a"]  # .5 > .4275
    assert long["best"] == ["b", "c"]  # log(.4275)/2 > log(.5)/1


def test_probabilities_above_one_are_refused():
    with pytest.raises(ValueError, match="sum to"):
        decoding.greedy(tree={"a": {"p": 0.7}, "b": {"p": 0.6}})


def _full_tree(probs_by_depth, vocab):
    """Complete tree of the given depth; probs_by_depth[d] is a function prefix -> probs over vocab."""
    def build(prefix):
        if len(prefix) == len(probs_by_depth):
            return {}
        ps = probs_by_depth[len(prefix)](prefix)
        out = {}
        for t, p in zip(vocab, ps, strict=True):
            nxt = build(prefix + (t,))
            out[t] = {"p": p, "next": nxt} if nxt else {"p": p}
        return out
    return build(())


@PROPS
@given(st.integers(0, 10_000), st.integers(2, 3), st.integers(1, 3))
def test_wide_beam_finds_the_exhaustive_optimum_and_one_beam_is_greedy(seed, vocab_n, depth):
    rng = np.random.default_rng(seed)
    vocab = [chr(ord("a") + i) for i in range(vocab_n)]
    table = {}

    def probs(prefix):
        if prefix not in table:
            table[prefix] = rng.dirichlet(np.ones(vocab_n)) * 0.999
        return table[prefix]

    tree = _full_tree([probs] * depth, vocab)
    best, best_p = None, -1.0
    for seq in itertools.product(vocab, repeat=depth):
        p, level = 1.0, tree
        for t in seq:
            p *= level[t]["p"]
            level = level[t].get("next", {})
        if p > best_p:
            best, best_p = list(seq), p
    wide = decoding.beam_search(tree=tree, beams=vocab_n ** depth, steps=depth, length_penalty=0.0, eos="")
    assert wide["best"] == best
    assert math.exp(wide["best_score"]) == pytest.approx(best_p)
    one = decoding.beam_search(tree=tree, beams=1, steps=depth, eos="")
    assert one["best"] == decoding.greedy(tree=tree, steps=depth, eos="")["path"]


# --- cross-check: Hugging Face generate() on a tiny random Llama ---

PROMPT = [1, 5, 9, 3]


def _model_children(model):
    import torch

    def children(prefix):
        ids = torch.tensor([PROMPT + [int(t) for t in prefix]])
        with torch.no_grad():
            logits = model(ids).logits[0, -1].float()
        lp = torch.log_softmax(logits, -1)
        return [(str(i), float(lp[i])) for i in range(lp.numel())]
    return children


def test_greedy_matches_hf_generate(tiny_llama):
    import torch
    ids = torch.tensor([PROMPT])
    hf = tiny_llama.generate(ids, max_new_tokens=6, do_sample=False, eos_token_id=None, pad_token_id=0)
    ours = decoding._greedy(_model_children(tiny_llama), steps=6, eos=None)
    assert [int(t) for t in ours["path"]] == hf[0, len(PROMPT):].tolist()


@pytest.mark.parametrize("lp", [0.0, 1.0, 2.0])
def test_beam_search_matches_hf_generate(tiny_llama, lp):
    import torch
    ids = torch.tensor([PROMPT])
    hf = tiny_llama.generate(ids, max_new_tokens=4, num_beams=3, num_return_sequences=3, do_sample=False,
                             early_stopping=True, eos_token_id=None, pad_token_id=0, length_penalty=lp,
                             output_scores=True, return_dict_in_generate=True)
    ours = decoding._beam(_model_children(tiny_llama), beams=3, steps=4, length_penalty=lp, eos=None)
    hf_seqs = [s[len(PROMPT):].tolist() for s in hf.sequences]
    assert [[int(t) for t in h["tokens"]] for h in ours["sequences"][:3]] == hf_seqs
    assert np.allclose([h["score"] for h in ours["sequences"][:3]], hf.sequences_scores.numpy(), atol=1e-4)
