"""Lookahead decoding (Fu et al. 2024, "Break the Sequential Dependency of LLM Inference Using Lookahead Decoding")
on a deterministic bigram model: a table whose row x gives p(next | x), decoded greedily.

Each step is one (parallel) model call with two branches:
- the lookahead branch keeps a 2-D window of N − 1 levels × W guess tokens (the last N − 1 Jacobi iterations);
  one Jacobi update computes a new level, new[0] = f(x) for the last accepted token x and new[j] = f(last[j − 1]),
  where f is the model's greedy next token. The diagonals (level_1[j], level_2[j + 1], …, new[j + N − 1]) are
  n-grams the model produced; they go into the n-gram pool keyed by their first token, and the oldest level is
  dropped.
- the verification branch takes up to G pool n-grams that start with x and checks their tokens against the model's
  own greedy predictions in the same call; the longest verified prefix is accepted, plus the model's next token
  after it (so every step emits at least the one token plain greedy decoding would).
The output is therefore exactly greedy decoding; the speed-up is greedy steps / lookahead steps.
"""

from __future__ import annotations

import numpy as np

from compute._common import arr, jsonable


def _table(bigram) -> np.ndarray:
    t = arr(bigram, "bigram", ndim=2)
    if t.shape[0] != t.shape[1] or t.shape[0] < 2:
        raise ValueError(f"bigram must be a square table (vocab × vocab), got shape {list(t.shape)}")
    if np.any(t < 0) or np.any(np.abs(t.sum(1) - 1) > 1e-6):
        raise ValueError("each row of bigram must be a probability distribution (≥ 0, sums to 1)")
    return t


def greedy(bigram: list[list[float]], prompt: list[int], max_new_tokens: int) -> list[int]:
    """Plain greedy decoding of the bigram model: one token per model call."""
    nxt = _table(bigram).argmax(1)
    out = [int(prompt[-1])]
    for _ in range(max_new_tokens):
        out.append(int(nxt[out[-1]]))
    return out[1:]


def decode(bigram: list[list[float]], prompt: list[int], window: int = 5, ngram: int = 3, guesses: int = 2,
           max_new_tokens: int = 16, seed: int = 0) -> dict:
    """Lookahead decoding of a bigram model, step by step, next to plain greedy decoding.

    Returns:
        steps: per model call: start (where its tokens begin in the output), last (the last accepted token),
            levels (the N − 1 window levels before the update, oldest first), new_level (the Jacobi update),
            ngrams (the diagonals added to the pool), candidates (the pool n-grams starting with `last` that were
            verified, without `last`), verified (how many leading tokens of each candidate matched the model's
            greedy predictions), accepted (the verified tokens taken from the best candidate), emitted (accepted
            plus the model's next token, cut to the tokens still wanted), pool_size (n-grams in the pool after it).
        tokens: the ids lookahead decoding generated (max_new_tokens of them).
        greedy: plain greedy decoding of the same model (the same ids).
        n_steps: model calls lookahead needed.
        greedy_steps: model calls greedy needs (one per token).
        speedup: greedy_steps / n_steps.
        emitted_per_step: tokens each call emitted.
    """
    t = _table(bigram)
    v = t.shape[0]
    if window < 1 or ngram < 2 or guesses < 1 or max_new_tokens < 1:
        raise ValueError("window, guesses and max_new_tokens must be >= 1 and ngram >= 2, got "
                         f"{window}, {guesses}, {max_new_tokens} and {ngram}")
    ids = [int(i) for i in prompt]
    if not ids or any(not 0 <= i < v for i in ids):
        raise ValueError(f"prompt must be a non-empty list of ids in [0, {v}), got {list(prompt)}")
    nxt = [int(i) for i in t.argmax(1)]
    rng = np.random.default_rng(seed)
    levels = [[int(ids[i]) for i in rng.integers(0, len(ids), window)] for _ in range(ngram - 1)]  # guesses
    pool: dict[int, list[list[int]]] = {}
    out: list[int] = []
    steps = []
    while len(out) < max_new_tokens:
        last = out[-1] if out else ids[-1]
        # verification branch: pool n-grams that start with `last`, most recent first
        cands = [g[1:] for g in reversed(pool.get(last, []))][:guesses]
        best: list[int] = []
        verified = []
        for c in cands:
            ok, prev = [], last
            for tok in c:
                if tok != nxt[prev]:
                    break
                ok.append(tok)
                prev = tok
            verified.append(len(ok))
            if len(ok) > len(best):
                best = ok
        emitted = (best + [nxt[best[-1] if best else last]])[:max_new_tokens - len(out)]  # none past the end
        best = best[:len(emitted)]
        # lookahead branch: one Jacobi update of the window, n-grams along its diagonals
        top = levels[-1]
        new = [nxt[last]] + [nxt[top[j - 1]] for j in range(1, window)]
        grid = levels + [new]
        grams = [[grid[k][j + k] for k in range(ngram)] for j in range(window - ngram + 1)]
        for g in grams:
            bucket = pool.setdefault(g[0], [])
            if g not in bucket:
                bucket.append(g)
        steps.append({"start": len(out), "last": last, "levels": [list(r) for r in levels], "new_level": new,
                      "ngrams": grams,
                      "candidates": cands, "verified": verified, "accepted": best, "emitted": emitted,
                      "pool_size": sum(len(b) for b in pool.values())})
        levels = levels[1:] + [new]
        out += emitted
    plain = greedy(bigram, ids, max_new_tokens)
    return jsonable({"steps": steps, "tokens": out, "greedy": plain, "n_steps": len(steps),
                     "greedy_steps": max_new_tokens, "speedup": max_new_tokens / len(steps),
                     "emitted_per_step": [len(s["emitted"]) for s in steps]})
