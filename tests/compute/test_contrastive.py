"""contrastive against the paper's equation recomputed in torch from transformers' LlamaForCausalLM (same weights).

Su et al. 2022, eq. 5: x_t = argmax_{v ∈ top-k} (1 − α)·p(v | x_<t) − α·max_j s(h_v, h_{x_j}), s = cosine similarity
of last-layer hidden states. transformers 5 moved contrastive search into hub code, so the test writes the loop.
"""

import numpy as np
import pytest

from compute import contrastive as c
from compute import tiny_lm
from tests.compute.test_speculative import hf_llama

CFG = {"vocab": 8, "hidden_size": 8, "layers": 2, "heads": 2, "kv_heads": 1, "intermediate_size": 16}


def _hf(seed, std):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    return torch, hf_llama(torch, transformers, tiny_lm.build(**CFG, seed=seed, init_std=std), CFG["intermediate_size"])


def test_tiny_lm_hidden_states_match_transformers():
    torch, hf = _hf(6, 0.5)
    model = tiny_lm.build(**CFG, seed=6, init_std=0.5)
    ids = [0, 1, 2, 5]
    stream, last, logits = tiny_lm.forward(model, np.array(ids))
    with torch.no_grad():
        out = hf(torch.tensor([ids]), output_hidden_states=True)
    assert len(out.hidden_states) == len(stream) == CFG["layers"] + 1
    for i in range(CFG["layers"]):  # transformers: the input of each layer, then the final norm's output
        np.testing.assert_allclose(stream[i], out.hidden_states[i][0].numpy(), atol=1e-5)
    np.testing.assert_allclose(last, out.hidden_states[-1][0].numpy(), atol=1e-5)
    np.testing.assert_allclose(logits, out.logits[0].numpy(), atol=1e-5)


def _paper_loop(torch, hf, prompt, k, alpha, steps):
    ids, picks, scores = list(prompt), [], []
    for _ in range(steps):
        with torch.no_grad():
            out = hf(torch.tensor([ids]), output_hidden_states=True)
            ctx = out.hidden_states[-1][0]
            probs = torch.softmax(out.logits[0, -1], -1)
            top = torch.topk(probs, k)
            row = []
            for p, v in zip(top.values, top.indices, strict=True):
                h = hf(torch.tensor([ids + [int(v)]]), output_hidden_states=True).hidden_states[-1][0, -1]
                sim = torch.nn.functional.cosine_similarity(h[None], ctx, dim=-1).max()
                row.append(float((1 - alpha) * p - alpha * sim))
        best = int(np.argmax(row))
        picks.append(int(top.indices[best]))
        scores.append(row)
        ids.append(picks[-1])
    return picks, scores


@pytest.mark.parametrize(("seed", "alpha"), [(6, 0.6), (3, 0.4), (11, 0.8)])
def test_picks_and_scores_follow_the_papers_equation(seed, alpha):
    torch, hf = _hf(seed, 0.5)
    ours = c.search(**CFG, prompt=[0, 1, 2], k=4, alpha=alpha, steps=5, seed=seed, init_std=0.5)
    picks, scores = _paper_loop(torch, hf, [0, 1, 2], 4, alpha, 5)
    assert ours["tokens"] == picks
    for step, row in zip(ours["steps"], scores, strict=True):
        np.testing.assert_allclose(step["score"], row, atol=1e-5)
        np.testing.assert_allclose(step["score"], np.add(step["weighted_probs"], step["weighted_penalty"]))


def test_alpha_zero_is_greedy_and_the_penalty_breaks_the_greedy_loop():
    greedy = c.search(**CFG, prompt=[0, 1, 2], k=4, alpha=0.0, steps=5, seed=6, init_std=0.5)
    assert greedy["tokens"] == greedy["greedy"] and greedy["differs_at"] == -1
    out = c.search(**CFG, prompt=[0, 1, 2], k=4, alpha=0.6, steps=5, seed=6, init_std=0.5)
    assert out["greedy_repeats"] >= 3 and out["tokens_repeats"] == 0
    first = out["steps"][0]
    assert first["pick_index"] != 0  # the most probable candidate lost to the penalty
    assert first["penalty"][0] == max(first["sims"][0]) == first["sims"][0][first["closest"][0]]


@pytest.mark.parametrize(("kw", "match"), [({"k": 0}, "k must"), ({"alpha": 1.5}, "alpha"), ({"steps": 0}, "steps"),
                                           ({"prompt": [8]}, "prompt")])
def test_bad_arguments_are_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        c.search(**{**CFG, "prompt": [0, 1], **kw})
