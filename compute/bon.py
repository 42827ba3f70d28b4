"""Best-of-N in numbers: the expected best reward as N grows, its KL cost, and rejection-sampling fine-tuning."""

from __future__ import annotations

import math

import numpy as np

from compute._common import jsonable, log_softmax, softmax

_GRID = np.linspace(-12.0, 12.0, 48001)  # standard-normal support for the quadrature (tails < 1e-30)
_PHI = np.exp(-0.5 * _GRID**2) / math.sqrt(2 * math.pi)
_CDF = 0.5 * (1.0 + np.vectorize(math.erf)(_GRID / math.sqrt(2.0)))


def _trapezoid(y: np.ndarray) -> float:
    """Trapezoid rule on the fixed grid."""
    h = _GRID[1] - _GRID[0]
    return float(h * (y.sum() - 0.5 * (y[0] + y[-1])))


def expected_best(ns: list[int], mean: float = 0.0, std: float = 1.0) -> dict:
    """Expected best-of-N reward when one response's reward is Normal(mean, std²): E[max of N draws].

    The best of N i.i.d. draws has density N·f(r)·F(r)^(N−1); its mean is integrated numerically on a
    fine grid (error below 1e-9). The KL divergence of the best-of-N policy from the base policy is the
    analytic log N − (N−1)/N (Stiennon et al. 2020, appendix; Beirami et al. 2024 show it is an upper bound
    when rewards can tie).

    Returns:
        n: the N values.
        expected: E[max] = mean + std·e_N for each N.
        z: e_N, the expected maximum of N standard normals (in units of std).
        gain: expected − mean, what choosing among N adds over one sample.
        kl: KL(best-of-N ‖ base) in nats for each N.
    """
    if not ns or any(int(n) != n or not 1 <= n <= 100000 for n in ns):
        raise ValueError("ns must be a non-empty list of whole numbers from 1 to 100000")
    if not std > 0 or not math.isfinite(std) or not math.isfinite(mean):
        raise ValueError("std must be a positive finite number and mean finite")
    z = [_trapezoid(_GRID * n * _PHI * _CDF ** (n - 1)) for n in map(int, ns)]
    z = [0.0 if abs(e) < 1e-12 else e for e in z]  # N = 1: the mean itself, not a rounding residue
    return jsonable({"n": [int(n) for n in ns], "expected": [mean + std * e for e in z], "z": z,
                     "gain": [std * e for e in z], "kl": [math.log(n) - (n - 1) / n for n in ns]})


def rejection_sampling(logits: list[float], rewards: list[float], prompts: int = 6, k: int = 4, rounds: int = 3,
                       lr: float = 1.0, steps: int = 10, seed: int = 0) -> dict:
    """Rejection-sampling fine-tuning of a categorical policy over answer styles, round after round.

    Each round samples `k` answers for each of `prompts` prompts from π = softmax(θ) (numpy PCG64, seeded once),
    scores them with the fixed reward of their style, keeps the best answer of each prompt (first on ties),
    and fine-tunes on the kept answers: `steps` steps of gradient descent with rate `lr` on their mean
    cross-entropy −mean log π(kept), whose gradient in θ is π − (kept counts)/prompts.

    Returns:
        probs: π before each round and after the last (rounds + 1 rows).
        expected: E_π[r] for each row of probs.
        samples: the sampled style indices, [round][prompt][answer].
        scores: their rewards, [round][prompt][answer].
        kept_mask: true at the best answer of each prompt, [round][prompt][answer].
        best: the column of that answer, [round][prompt].
        kept: the kept style of each prompt, [round][prompt].
        kept_counts: how many prompts kept each style, [round][style].
        mean_score: mean reward of all sampled answers, per round.
        mean_kept: mean reward of the kept answers, per round.
        loss_before: the fine-tuning loss on the kept answers before each round's steps.
        loss_after: the same loss after them.
    """
    theta, r = np.asarray(logits, dtype=np.float64), np.asarray(rewards, dtype=np.float64)
    if theta.ndim != 1 or theta.shape != r.shape or theta.size < 2 or not np.all(np.isfinite(theta)) \
            or not np.all(np.isfinite(r)):
        raise ValueError("logits and rewards must be finite lists of the same length (at least 2 styles)")
    if not (1 <= prompts <= 64 and 1 <= k <= 64 and 1 <= rounds <= 20 and 0 <= steps <= 10000 and lr > 0):
        raise ValueError("expected 1 ≤ prompts, k ≤ 64, 1 ≤ rounds ≤ 20, 0 ≤ steps ≤ 10000 and lr > 0")
    rng = np.random.default_rng(seed)
    out: dict[str, list] = {key: [] for key in ("probs", "expected", "samples", "scores", "kept_mask", "best", "kept",
                                                "kept_counts", "mean_score", "mean_kept", "loss_before",
                                                "loss_after")}

    def record(p: np.ndarray) -> None:
        out["probs"].append(p)
        out["expected"].append(float(p @ r))

    for _ in range(rounds):
        p = softmax(theta)
        record(p)
        samples = rng.choice(theta.size, size=(prompts, k), p=p)
        scores = r[samples]
        best = np.argmax(scores, axis=1)
        kept = samples[np.arange(prompts), best]
        target = np.bincount(kept, minlength=theta.size) / prompts
        out["loss_before"].append(float(-(target * log_softmax(theta)).sum()))
        for _ in range(steps):
            theta = theta - lr * (softmax(theta) - target)
        out["loss_after"].append(float(-(target * log_softmax(theta)).sum()))
        out["samples"].append(samples)
        out["scores"].append(scores)
        out["kept_mask"].append(np.arange(k)[None, :] == best[:, None])
        out["best"].append(best)
        out["kept"].append(kept)
        out["kept_counts"].append(np.bincount(kept, minlength=theta.size))
        out["mean_score"].append(float(scores.mean()))
        out["mean_kept"].append(float(r[kept].mean()))
    record(softmax(theta))
    return jsonable(out)
