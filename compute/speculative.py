"""Speculative decoding (Leviathan et al. 2023; Chen et al. 2023) with a draft that is the target's first layers.

Each pass the draft proposes γ tokens one by one (x_i ~ q_i); the target scores the prompt plus all γ proposals
in ONE forward pass, giving p_1 … p_{γ+1}. Proposal i is accepted with probability min(1, p_i(x_i) / q_i(x_i));
at the first rejection the token is resampled from norm(max(0, p_i − q_i)) and the rest are discarded; if all γ
are accepted the target's p_{γ+1} gives one bonus token. The output is distributed exactly as sampling from the
target (tests/compute/test_speculative.py checks that over a small vocabulary). Temperature 0 makes p and q
one-hot (greedy): a proposal survives iff it is the target's argmax, so the output equals target greedy decoding
(checked against transformers' `generate(assistant_model=…)`). The draft is `tiny_lm.truncated(target, k)`,
a self-speculative draft (the target cut after k layers, sharing its embedding, final norm and LM head).
"""

from __future__ import annotations

import numpy as np

from compute import tiny_lm
from compute._common import jsonable, softmax


def accept_prob(p: np.ndarray, q: np.ndarray, x: int) -> float:
    """min(1, p(x) / q(x)): the chance a proposal x drawn from q is kept."""
    return 1.0 if q[x] <= p[x] else float(p[x] / q[x])


def residual(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """norm(max(0, p − q)): where a rejected proposal is resampled from (p itself when p = q)."""
    r = np.maximum(p - q, 0.0)
    return r / r.sum() if r.sum() > 0 else p


def _dist(logits: np.ndarray, temperature: float) -> np.ndarray:
    if temperature == 0:
        return np.eye(len(logits))[int(np.argmax(logits))]
    return softmax(logits / temperature)


def _draw(dist: np.ndarray, rng: np.random.Generator) -> int:
    return int(rng.choice(len(dist), p=dist))


def _one_pass(target: tiny_lm.TinyLM, draft: tiny_lm.TinyLM, ids: list[int], gamma: int, temperature: float,
              rng: np.random.Generator) -> dict:
    q_rows, props = [], []
    for _ in range(gamma):  # the draft: γ cheap autoregressive steps
        q = _dist(tiny_lm.forward(draft, np.array(ids + props))[2][-1], temperature)
        q_rows.append(q)
        props.append(_draw(q, rng))
    logits = tiny_lm.forward(target, np.array(ids + props))[2]  # the target: one pass over all γ proposals
    p_rows = [_dist(z, temperature) for z in logits[len(ids) - 1:]]
    ratio = [accept_prob(p_rows[i], q_rows[i], props[i]) for i in range(gamma)]
    u, states, out = [], [], []
    for i in range(gamma):
        u.append(float(rng.random()))
        if u[i] < ratio[i]:
            states.append("accepted")
            out.append(props[i])
            continue
        states += ["rejected"] + ["discarded"] * (gamma - i - 1)
        break
    n = len(out)
    fix = residual(p_rows[n], q_rows[n]) if n < gamma else p_rows[gamma]
    out.append(_draw(fix, rng))
    beta = [float(np.minimum(p_rows[i], q_rows[i]).sum()) for i in range(gamma)]
    return {"proposals": props, "q": q_rows, "p": p_rows, "q_of": [q_rows[i][x] for i, x in enumerate(props)],
            "p_of": [p_rows[i][x] for i, x in enumerate(props)],
            "qp_of": [[q_rows[i][x], p_rows[i][x]] for i, x in enumerate(props)], "ratio": ratio,
            "u": u + [None] * (gamma - len(u)),
            "states": states, "accepted": n, "fix_position": n, "fix_dist": fix, "fix_token": out[-1],
            "fix_kind": "resample" if n < gamma else "bonus", "tokens": out, "beta": beta}


def generate(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
             draft_layers: int, prompt: list[int], gamma: int = 4, max_new_tokens: int = 12,
             temperature: float = 1.0, seed: int = 0, init_std: float = 1.0) -> dict:
    """Speculative decoding with a tiny random target and its first `draft_layers` layers as the draft.

    Returns:
        passes: per target pass: proposals (γ draft tokens), q / p (the draft's and target's distributions at each
            position; p has γ + 1 rows), q_of / p_of / qp_of (q_i(x_i), p_i(x_i), the pair), ratio (min(1, p/q)),
            u (the uniform draws, None after a rejection), states (accepted / rejected / discarded), accepted (how
            many), fix_position, fix_dist and fix_token (norm(max(0, p − q)) at the first rejection, or p_{γ+1}
            for the bonus token), fix_kind (resample | bonus), tokens (emitted), beta (Σ_v min(p_i, q_i)).
        tokens: all generated ids (max_new_tokens of them).
        target_passes: how many target passes that took.
        alpha: mean acceptance rate (mean beta over all proposals).
        expected_tokens: (1 − α^{γ+1}) / (1 − α), expected tokens per target pass (Leviathan et al., eq. 1).
        tokens_per_pass: the observed tokens per target pass.
        emitted: tokens each pass emitted (accepted + 1; the last pass may overshoot max_new_tokens).
        target_greedy: plain greedy decoding with the target alone (same length), for comparison.
    """
    if gamma < 1 or max_new_tokens < 1:
        raise ValueError(f"gamma and max_new_tokens must be >= 1, got {gamma} and {max_new_tokens}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    target = tiny_lm.build(vocab, hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    draft = tiny_lm.truncated(target, draft_layers)
    ids = list(tiny_lm.check_ids(target, prompt, "prompt"))
    rng = np.random.default_rng(seed)
    passes, out = [], []
    while len(out) < max_new_tokens:
        step = _one_pass(target, draft, ids + out, gamma, temperature, rng)
        passes.append(step)
        out += step["tokens"]
    out = out[:max_new_tokens]
    greedy = list(ids)
    for _ in range(max_new_tokens):
        greedy.append(int(np.argmax(tiny_lm.forward(target, np.array(greedy))[2][-1])))
    betas = [b for s in passes for b in s["beta"]]
    alpha = float(np.mean(betas))
    expected = gamma + 1.0 if alpha >= 1 else (1 - alpha ** (gamma + 1)) / (1 - alpha)
    return jsonable({"passes": passes, "tokens": out, "target_passes": len(passes), "alpha": alpha,
                     "expected_tokens": expected, "tokens_per_pass": len(out) / len(passes),
                     "emitted": [len(s["tokens"]) for s in passes],
                     "target_greedy": greedy[len(ids):]})
