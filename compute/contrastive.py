"""Contrastive search (Su et al. 2022, "A Contrastive Framework for Neural Text Generation") on a tiny random LM.

At each step the model's top-k next tokens are the candidates. Each candidate v is appended and run through the
model once more to get its last-layer hidden state h_v; its degeneration penalty is the largest cosine similarity
between h_v and the hidden states of all tokens already in the context. The pick maximises

    (1 − α) · p(v | x_<t)  −  α · max_j cos(h_v, h_j),

so a likely token that would make the model's representation repeat the context is passed over (α = 0 is greedy
search). tests/compute/test_contrastive.py recomputes this equation in torch from transformers' LlamaForCausalLM
loaded with the same weights (transformers 5 moved contrastive search out of its core into hub code).
"""

from __future__ import annotations

import numpy as np

from compute import tiny_lm
from compute._common import jsonable, softmax


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of the vector a with each row of b."""
    return b @ a / (np.linalg.norm(b, axis=1) * np.linalg.norm(a))


def _step(model: tiny_lm.TinyLM, ids: list[int], k: int, alpha: float) -> dict:
    _, hidden, logits = tiny_lm.forward(model, np.array(ids))
    probs = softmax(logits[-1])
    cands = [int(c) for c in np.argsort(-probs, kind="stable")[:k]]
    sims = np.array([_cos(tiny_lm.forward(model, np.array(ids + [v]))[1][-1], hidden) for v in cands])
    penalty = sims.max(axis=1)
    p = probs[cands]
    score = (1 - alpha) * p - alpha * penalty
    best = int(np.argmax(score))
    return {"candidates": cands, "probs": p, "weighted_probs": (1 - alpha) * p, "sims": sims,
            "closest": sims.argmax(axis=1), "penalty": penalty, "weighted_penalty": -alpha * penalty,
            "score": score, "pick_index": best, "pick": cands[best], "greedy_pick": cands[0]}


def search(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
           prompt: list[int], k: int = 4, alpha: float = 0.6, steps: int = 6, seed: int = 0,
           init_std: float = 1.0) -> dict:
    """Contrastive search with a tiny random Llama-style LM, next to greedy decoding of the same model.

    Returns:
        steps: per step: candidates (the top-k ids, most probable first), probs (their p(v)), weighted_probs
            ((1 − α)·p), sims (k × context cosine similarities), closest (the context position of each max),
            penalty (max cos), weighted_penalty (−α·penalty), score, pick_index, pick, greedy_pick (candidate 0).
        tokens: the ids contrastive search generated.
        greedy: the ids greedy decoding (α = 0) generated from the same prompt.
        greedy_repeats: how many greedy tokens repeat the token just before them.
        tokens_repeats: the same count for contrastive search.
        differs_at: the first step where the pick is not the most probable candidate (−1 if none).
    """
    if not 1 <= k <= vocab:
        raise ValueError(f"k must be in [1, {vocab}], got {k}")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    model = tiny_lm.build(vocab, hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    ids = [int(i) for i in tiny_lm.check_ids(model, prompt, "prompt")]
    out, greedy, records = list(ids), list(ids), []
    for _ in range(steps):
        rec = _step(model, out, k, alpha)
        records.append(rec)
        out.append(rec["pick"])
        greedy.append(int(np.argmax(tiny_lm.forward(model, np.array(greedy))[2][-1])))
    new, plain = out[len(ids):], greedy[len(ids):]
    seq, gseq = out[len(ids) - 1:], greedy[len(ids) - 1:]
    diff = next((i for i, r in enumerate(records) if r["pick_index"] != 0), -1)
    return jsonable({"steps": records, "tokens": new, "greedy": plain,
                     "greedy_repeats": sum(a == b for a, b in zip(gseq, gseq[1:], strict=False)),
                     "tokens_repeats": sum(a == b for a, b in zip(seq, seq[1:], strict=False)),
                     "differs_at": diff})
