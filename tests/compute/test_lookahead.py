"""lookahead: the output is plain greedy decoding; the number of model calls is recounted by an independent loop."""

from collections import defaultdict

import numpy as np
import pytest

from compute import lookahead as la


def _table(seed, v=8):
    rng = np.random.default_rng(seed)
    return (rng.dirichlet(np.ones(v), size=v)).tolist()


def _independent_calls(table, prompt, w, n, g, max_new, seed):
    """The algorithm re-typed from the paper's description (Fu et al. 2024, Alg. 1, greedy), counting calls."""
    f = np.asarray(table).argmax(1)
    rng = np.random.default_rng(seed)
    win = [[prompt[i] for i in rng.integers(0, len(prompt), w)] for _ in range(n - 1)]
    pool, seen = defaultdict(list), set()
    made, calls, x = [], 0, prompt[-1]
    while len(made) < max_new:
        calls += 1
        best = []
        for gram in pool[x][::-1][:g]:
            k = 0
            chain = [x] + gram[1:]
            while k + 1 < len(chain) and chain[k + 1] == f[chain[k]]:
                k += 1
            best = max(best, gram[1:k + 1], key=len)
        take = list(best) + [int(f[best[-1] if best else x])]
        fresh = [int(f[x])] + [int(f[t]) for t in win[-1][:-1]]
        rows = win + [fresh]
        for j in range(w - n + 1):
            gram = tuple(rows[k][j + k] for k in range(n))
            if gram not in seen:
                seen.add(gram)
                pool[gram[0]].append(list(gram))
        win = win[1:] + [fresh]
        made += take
        x = made[-1]
    return made[:max_new], calls


@pytest.mark.parametrize(("seed", "w", "n", "g"), [(0, 5, 3, 2), (1, 4, 4, 3), (2, 6, 2, 1), (3, 3, 3, 5)])
def test_output_is_greedy_and_the_call_count_matches_an_independent_loop(seed, w, n, g):
    table = _table(seed)
    out = la.decode(table, [1, 2], window=w, ngram=n, guesses=g, max_new_tokens=24, seed=seed)
    plain = [1, 2]
    for _ in range(24):  # greedy written out: argmax of the last token's row
        plain.append(int(np.argmax(table[plain[-1]])))
    assert out["tokens"] == out["greedy"] == plain[2:]
    made, calls = _independent_calls(table, [1, 2], w, n, g, 24, seed)
    assert made == out["tokens"] and calls == out["n_steps"]
    assert out["speedup"] == pytest.approx(24 / calls)
    assert sum(out["emitted_per_step"]) == 24 and len(out["emitted_per_step"]) == calls


def test_lookahead_saves_calls_and_verification_rejects_bad_ngrams():
    table = _table(0)
    out = la.decode(table, [0, 1, 2, 3, 4], window=5, ngram=3, guesses=2, max_new_tokens=24)
    assert out["n_steps"] < 24 and out["speedup"] > 1
    f = np.asarray(table).argmax(1)
    rejected = 0
    for s in out["steps"]:
        for c in s["candidates"]:
            chain = [s["last"]] + c
            good = next((k for k in range(len(c)) if chain[k + 1] != f[chain[k]]), len(c))
            rejected += good < len(c)
        assert s["emitted"][: len(s["accepted"])] == s["accepted"]
        for a, b in zip([s["last"]] + s["emitted"], s["emitted"], strict=False):
            assert b == f[a]  # every emitted token is the greedy one
    assert rejected > 0  # guesses from the random initial window produce wrong n-grams, which are refused


def test_jacobi_update_and_diagonal_ngrams():
    table = _table(4)
    f = np.asarray(table).argmax(1)
    s = la.decode(table, [3], window=4, ngram=3, max_new_tokens=3)["steps"][0]
    assert s["new_level"] == [f[3]] + [int(f[t]) for t in s["levels"][-1][:-1]]
    grid = s["levels"] + [s["new_level"]]
    assert s["ngrams"] == [[grid[0][j], grid[1][j + 1], grid[2][j + 2]] for j in range(2)]


@pytest.mark.parametrize(("kw", "match"), [({"bigram": [[1.0]]}, "square"), ({"bigram": [[0.5, 0.4], [0.5, 0.5]]},
                                           "distribution"), ({"ngram": 1}, "ngram"), ({"prompt": [5]}, "prompt")])
def test_bad_arguments_are_refused(kw, match):
    args = {"bigram": [[0.2, 0.8], [0.6, 0.4]], "prompt": [0], **kw}
    with pytest.raises(ValueError, match=match):
        la.decode(**args)


def test_the_last_call_emits_no_token_past_the_end():
    table = _table(0)
    for max_new in range(8, 30):
        out = la.decode(table, [0, 1, 2, 3, 4], window=5, ngram=3, guesses=2, max_new_tokens=max_new)
        assert sum(out["emitted_per_step"]) == len(out["tokens"]) == max_new
        assert [t for s in out["steps"] for t in s["emitted"]] == out["tokens"]
