"""PPO's clipped surrogate objective, its full loss (CleanRL form), sampled-token log-probs and per-token KL
penalties (RLHF).

References: CleanRL `ppo.py` (vwxyzjn/cleanrl @ fe8d8a03, l.251-285) for the losses; Schulman,
"Approximating KL Divergence" (2020) and TRL's PPO/GRPO trainers for the per-token KL estimators.
"""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable


def clip_objective(ratio: list[float], advantage: float, eps: float = 0.2) -> dict:
    """PPO-Clip surrogate per ratio r: min(r·A, clip(r, 1−ε, 1+ε)·A); clipping bites only when it lowers it.

    Returns:
        objective: min(r·A, clip(r, 1−ε, 1+ε)·A) for each ratio.
        unclipped: r·A.
        clipped_term: clip(r, 1−ε, 1+ε)·A.
        clipped: True where the clipped term is strictly smaller, i.e. the min picks it (zero gradient).
        gradient: d objective / d r (A where the unclipped term is active, 0 where clipping bites).
        bounds: [1−ε, 1+ε].
    """
    r = arr(ratio, "ratio", ndim=1)
    if np.any(r < 0):
        raise ValueError("ratios must be >= 0 (they are exp of log-prob differences)")
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps}")
    a = float(advantage)
    un, cl = r * a, np.clip(r, 1 - eps, 1 + eps) * a
    clipped = cl < un
    return jsonable({"objective": np.minimum(un, cl), "unclipped": un, "clipped_term": cl, "clipped": clipped,
                     "gradient": np.where(clipped, 0.0, a), "bounds": [1 - eps, 1 + eps]})


def losses(new_logprobs: list[float], old_logprobs: list[float], advantages: list[float],
           new_values: list[float], old_values: list[float], returns: list[float], clip_eps: float = 0.2,
           clip_value: bool = True, normalize_advantages: bool = True, vf_coef: float = 0.5,
           entropy: float = 0.0, ent_coef: float = 0.01) -> dict:
    """PPO minibatch loss as in CleanRL: clipped policy and value losses, entropy bonus, KL stats.

    Advantages are normalised per minibatch with the unbiased std (torch.std) + 1e-8 when asked.

    Returns:
        ratio: exp(new_logprob − old_logprob) per sample.
        pg_loss: mean of max(−A·r, −A·clip(r, 1−ε, 1+ε)).
        v_loss: 0.5 · mean of max((V−R)², (V_clipped−R)²) (or of (V−R)² without value clipping).
        loss: pg_loss − ent_coef·entropy + vf_coef·v_loss.
        approx_kl: mean((r − 1) − log r), Schulman's k3 estimator.
        old_approx_kl: mean(−log r), the k1 estimator.
        clipfrac: fraction of samples with |r − 1| > ε.
        advantages: the (normalised) advantages used.
    """
    new, old = arr(new_logprobs, "new_logprobs", 1), arr(old_logprobs, "old_logprobs", 1)
    adv, v, v_old, ret = (arr(x, n, 1) for x, n in ((advantages, "advantages"), (new_values, "new_values"),
                                                      (old_values, "old_values"), (returns, "returns")))
    if len({x.size for x in (new, old, adv, v, v_old, ret)}) != 1:
        raise ValueError("all per-sample lists must have the same length")
    logratio = new - old
    ratio = np.exp(logratio)
    if normalize_advantages:
        if adv.size < 2:
            raise ValueError("normalising advantages needs at least 2 samples")
        adv = (adv - adv.mean()) / (adv.std(ddof=1) + 1e-8)
    pg = np.maximum(-adv * ratio, -adv * np.clip(ratio, 1 - clip_eps, 1 + clip_eps)).mean()
    if clip_value:
        v_clipped = v_old + np.clip(v - v_old, -clip_eps, clip_eps)
        vl = 0.5 * np.maximum((v - ret) ** 2, (v_clipped - ret) ** 2).mean()
    else:
        vl = 0.5 * ((v - ret) ** 2).mean()
    return jsonable({
        "ratio": ratio, "pg_loss": pg, "v_loss": vl, "loss": pg - ent_coef * entropy + vf_coef * vl,
        "approx_kl": ((ratio - 1) - logratio).mean(), "old_approx_kl": (-logratio).mean(),
        "clipfrac": float((np.abs(ratio - 1) > clip_eps).mean()), "advantages": adv,
    })


def token_logprobs(logits: list[list[float]], tokens: list[int]) -> dict:
    """Log-probabilities of the sampled tokens: log-softmax over the vocabulary, then gather at each token id.

    `logits` is positions × vocabulary (one row per response position, as a causal LM returns them);
    `tokens[t]` is the id sampled at position t. This is TRL's `selective_log_softmax` /
    `torch.gather(logits.log_softmax(-1), -1, ids[..., None])`.

    Returns:
        logprobs: log-softmax of each row (positions × vocabulary).
        by_vocab: the same matrix transposed (vocabulary × positions), for drawing the vocabulary down.
        gathered: logprobs[t][tokens[t]] for each position t.
        probs: exp(gathered), the probability each sampled token had.
    """
    z = arr(logits, "logits", 2)
    t = arr(tokens, "tokens", 1)
    if t.size != z.shape[0]:
        raise ValueError(f"tokens must have one id per logits row ({z.shape[0]}), got {t.size}")
    if np.any(t != np.round(t)) or np.any(t < 0) or np.any(t >= z.shape[1]):
        raise ValueError(f"tokens must be integer ids in [0, {z.shape[1]}), got {list(tokens)}")
    ids = t.astype(int)
    m = z.max(axis=1, keepdims=True)
    lp = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    g = lp[np.arange(ids.size), ids]
    return jsonable({"logprobs": lp, "by_vocab": lp.T, "gathered": g, "probs": np.exp(g)})


def kl_penalty(logprobs: list[float], ref_logprobs: list[float],
               estimator: Literal["k1", "k2", "k3"] = "k1", kl_coef: float = 0.05,
               score: float | None = None) -> dict:
    """Per-token KL(π‖π_ref) estimates for tokens sampled from π, and the RLHF per-token rewards they give.

    With log r = ref_logprob − logprob: k1 = −log r = logprob − ref_logprob, k2 = ½(log r)²,
    k3 = (r − 1) − log r (unbiased and always >= 0; TRL's GRPO). TRL's PPO rewards are −kl_coef·kl per
    token with the reward model's score added at the last token.

    Returns:
        kl: the estimate per token.
        kl_sum: sum over the tokens (the sequence-level KL estimate).
        rewards: −kl_coef·kl per token, plus `score` on the last token when given.
    """
    lp, ref = arr(logprobs, "logprobs", 1), arr(ref_logprobs, "ref_logprobs", 1)
    if lp.shape != ref.shape:
        raise ValueError(f"logprobs and ref_logprobs must have the same length, got {lp.size} and {ref.size}")
    logr = ref - lp
    if estimator == "k1":
        kl = -logr
    elif estimator == "k2":
        kl = 0.5 * logr ** 2
    elif estimator == "k3":
        kl = np.expm1(logr) - logr
    else:
        raise ValueError(f"estimator must be k1, k2 or k3, got {estimator!r}")
    rewards = -kl_coef * kl
    if score is not None and rewards.size:
        rewards[-1] += score
    return jsonable({"kl": kl, "kl_sum": float(kl.sum()), "rewards": rewards})
