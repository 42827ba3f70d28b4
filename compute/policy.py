"""Small softmax policies in one state: TRPO's trust-region step, deterministic vs stochastic outputs.

TRPO follows Schulman et al. 2015 (Appendix C) and the usual implementations (OpenAI baselines, CleanRL-style):
maximise the importance-sampled surrogate L(θ) = mean_i[π_θ(a_i)/π_old(a_i)·Â_i] over a batch drawn from
π_old, subject to KL(π_old ‖ π_θ) ≤ δ. The step direction is the natural gradient F⁻¹g (F the Fisher matrix,
the Hessian of the KL at θ_old), scaled so the quadratic model ½ΔθᵀFΔθ equals δ, then halved until the exact
KL is within δ and the surrogate improves.
"""

import math

import numpy as np

from compute._common import arr, jsonable, log_softmax, softmax

MAX_BATCH = 10_000


def _kl(p: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """KL(p ‖ softmax(logits)) for each row of logits."""
    return np.sum(p * (np.log(p) - log_softmax(logits)), axis=-1)


def _batch(probs: np.ndarray, rewards: np.ndarray, batch: int, noise: float, seed: int):
    """Actions drawn from π_old, noisy rewards, advantages against the batch mean (numpy PCG64)."""
    rng = np.random.default_rng(seed)
    actions = rng.choice(probs.size, size=batch, p=probs)
    observed = rewards[actions] + rng.normal(0.0, noise, size=batch)
    return actions, observed, observed - observed.mean()


def trpo_step(logits: list[float], rewards: list[float], max_kl: float = 0.02, batch: int = 8,
              reward_noise: float = 0.5, seed: int = 0, scales: list[float] | None = None,
              backtrack: float = 0.5, max_backtracks: int = 10) -> dict:
    """One TRPO update of a softmax policy over actions (one state) from a sampled batch.

    The true objective J(θ) = Σ_a π_θ(a)·r(a) uses the true mean rewards, which the agent does not know; the
    surrogate uses only the batch (actions from π_old, rewards with Gaussian noise, Â = R − mean R).

    Returns:
        old_probs: π_old per action.
        new_probs: the accepted π_new per action.
        actions: the batch's action indices (drawn from π_old).
        observed_rewards: the batch's noisy rewards R_i.
        advantages: Â_i = R_i − mean R.
        gradient: g = ∇_θ L at θ_old.
        direction: the natural gradient d = F⁺g (minimum norm).
        fisher: F = diag(π_old) − π_old π_oldᵀ, the Hessian of the KL at θ_old.
        full_scale: β = sqrt(2δ / dᵀFd), the step whose quadratic KL model equals δ.
        tried: the line search, {scale, kl, surrogate, true_gain, accepted} from scale 1 (the full step) down.
        accepted_scale: the accepted fraction of the full step (0 if none).
        accepted_kl: the exact KL at the accepted step.
        accepted_surrogate: the surrogate L at the accepted step.
        accepted_true_gain: J(θ_new) − J(θ_old).
        boundary_scale: the largest fraction s of the full step with exact KL ≤ δ (the trust region's edge).
        old_objective: J(θ_old).
        new_objective: J(θ_new).
        curve: along scales s (fractions of the full step): scale, surrogate L, true_gain J − J_old, kl,
            kl_quadratic (s²δ), linear (s·gᵀΔθ, the model TRPO maximises), inside (kl ≤ δ).
    """
    z, r = arr(logits, "logits", ndim=1), arr(rewards, "rewards", ndim=1)
    if z.shape != r.shape or z.size < 2:
        raise ValueError("logits and rewards must have the same length, at least 2")
    if not 0 < max_kl <= 10 or not 1 <= batch <= MAX_BATCH or reward_noise < 0:
        raise ValueError("max_kl must be in (0, 10], batch in [1, 10 000], reward_noise >= 0")
    if not 0 < backtrack < 1 or not 0 <= max_backtracks <= 50:
        raise ValueError("backtrack must be in (0, 1), max_backtracks in [0, 50]")
    p = softmax(z)
    actions, observed, adv = _batch(p, r, batch, reward_noise, seed)
    onehot = np.eye(z.size)[actions]
    # ∂/∂θ_k of π_θ(a)/π_old(a) at θ_old is 1[a = k] − π_old(k)
    g = ((onehot - p) * adv[:, None]).mean(0)
    fisher = np.diag(p) - np.outer(p, p)
    d = np.linalg.pinv(fisher) @ g
    curvature = float(d @ fisher @ d)
    if curvature <= 1e-15:
        raise ValueError("the surrogate's gradient is zero: no step direction")
    beta = math.sqrt(2 * max_kl / curvature)
    step, j_old = beta * d, float(p @ r)

    def at(s: float) -> dict:
        zs = z + s * step
        ratio = np.exp(log_softmax(zs)[actions] - np.log(p[actions]))
        kl = float(_kl(p, zs[None])[0])
        return {"scale": s, "kl": kl, "surrogate": float((ratio * adv).mean()),
                "true_gain": float(softmax(zs) @ r) - j_old, "kl_quadratic": s * s * max_kl,
                "linear": s * float(g @ step), "inside": kl <= max_kl}

    tried, accepted = [], 0.0
    for k in range(max_backtracks + 1):
        row = at(backtrack ** k)
        row["accepted"] = row["kl"] <= max_kl and row["surrogate"] > 0
        tried.append({key: row[key] for key in ("scale", "kl", "surrogate", "true_gain", "accepted")})
        if row["accepted"]:
            accepted = row["scale"]
            break
    grid = [float(s) for s in (scales if scales is not None else np.linspace(0, 2, 9))]
    new = at(accepted)
    lo, hi = 0.0, 1.0
    while at(hi)["kl"] <= max_kl and hi < 1e3:  # KL(π_old ‖ π_s) is convex in s and 0 at s = 0
        lo, hi = hi, 2 * hi
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if at(mid)["kl"] <= max_kl else (lo, mid)
    boundary = lo
    return jsonable({
        "old_probs": p, "new_probs": softmax(z + accepted * step), "actions": actions,
        "observed_rewards": observed, "advantages": adv, "gradient": g, "direction": d, "fisher": fisher,
        "full_scale": beta, "tried": tried, "accepted_scale": accepted, "accepted_kl": new["kl"],
        "accepted_surrogate": new["surrogate"], "accepted_true_gain": new["true_gain"],
        "boundary_scale": boundary, "old_objective": j_old, "new_objective": j_old + new["true_gain"],
        "curve": {key: [at(s)[key] for s in grid] for key in
                  ("scale", "surrogate", "true_gain", "kl", "kl_quadratic", "linear", "inside")},
    })


def outputs(scores: list[float], mean: float = 0.0, std: float = 1.0, x: list[float] | None = None,
            draws: int = 0, seed: int = 0) -> dict:
    """What a deterministic and a stochastic policy output for the same action scores in one state.

    Discrete: the deterministic policy puts all mass on argmax (first on ties), the stochastic one is
    softmax(scores). Continuous: a deterministic actor outputs the action `mean`, a Gaussian policy the
    density N(x; mean, std²).

    Returns:
        deterministic: one-hot over actions at the argmax.
        stochastic: softmax probabilities.
        best: the argmax index.
        pdf: the Gaussian density at each x.
        x: the grid.
        samples: `draws` seeded actions from the stochastic policy (numpy PCG64).
        counts: how often each action was drawn (a deterministic policy would repeat `best` every time).
    """
    s = arr(scores, "scores", ndim=1)
    if s.size < 2 or std <= 0 or not 0 <= draws <= 100_000:
        raise ValueError("need at least 2 scores, std > 0 and draws in [0, 100 000]")
    grid = arr(x if x is not None else np.linspace(mean - 3 * std, mean + 3 * std, 13), "x", ndim=1)
    probs, best = softmax(s), int(np.argmax(s))
    samples = np.random.default_rng(seed).choice(s.size, size=draws, p=probs) if draws else np.zeros(0, int)
    pdf = np.exp(-0.5 * ((grid - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    return jsonable({"deterministic": np.eye(s.size)[best], "stochastic": probs, "best": best,
                     "pdf": pdf, "x": grid, "samples": samples,
                     "counts": np.bincount(samples, minlength=s.size)})
