"""Acting with a Q-network and the max-operator's bias (DQN, Mnih et al. 2015; Double DQN, van Hasselt et al. 2016).

`q_network` is a tiny two-layer Q-network, Linear → ReLU → Linear (torch.nn.Linear conventions: y = W·x + b,
W of shape out × in), with seeded weights; it returns the Q-values of one state, the greedy action and the
ε-greedy action probabilities. `overestimation` draws two independent noisy estimates of known action values
many times and compares DQN's single estimator max_a Q̂_A(a) with the double estimator Q̂_B(argmax_a Q̂_A(a)).
"""

import numpy as np

from compute._common import arr, jsonable

MAX_TRIALS = 200_000
MAX_UNITS = 64


def _layer(rng: np.random.Generator, n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray]:
    bound = 1.0 / np.sqrt(n_in)  # torch.nn.Linear's default init range U(−1/√in, 1/√in)
    return rng.uniform(-bound, bound, size=(n_out, n_in)), rng.uniform(-bound, bound, size=n_out)


def _check_units(name: str, n: int) -> int:
    if not 1 <= n <= MAX_UNITS:
        raise ValueError(f"{name} must be in [1, {MAX_UNITS}], got {n}")
    return int(n)


def q_network(state: list[float], n_actions: int, hidden: int = 4, seed: int = 0, epsilon: float = 0.1) -> dict:
    """Q(s, ·) of a seeded Linear → ReLU → Linear network, its greedy action and ε-greedy probabilities.

    Returns:
        q_values: one Q(s, a) per action.
        greedy: argmax_a Q(s, a) (first on ties).
        greedy_onehot: 1 for the greedy action, 0 elsewhere (the greedy policy).
        epsilon_probs: ε/|A| + (1 − ε)·[a = greedy] per action (the ε-greedy policy).
        explore_each: ε/|A|, the probability of any action through exploration.
        gap: Q of the greedy action minus the second-largest Q.
        hidden: the ReLU activations h = max(W1·x + b1, 0).
        w1: first layer's weights (hidden × len(state)).
        b1: first layer's bias.
        w2: second layer's weights (n_actions × hidden).
        b2: second layer's bias.
    """
    x = arr(state, "state", ndim=1)
    _check_units("len(state)", x.size)
    n_a, n_h = _check_units("n_actions", n_actions), _check_units("hidden", hidden)
    if not 0 <= epsilon <= 1:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon}")
    rng = np.random.default_rng(seed)
    w1, b1 = _layer(rng, n_h, x.size)
    w2, b2 = _layer(rng, n_a, n_h)
    h = np.maximum(w1 @ x + b1, 0.0)
    q = w2 @ h + b2
    greedy = int(np.argmax(q))
    onehot = (np.arange(n_a) == greedy).astype(float)
    ordered = np.sort(q)[::-1]
    gap = float(ordered[0] - ordered[1]) if n_a > 1 else 0.0
    return jsonable({"q_values": q, "greedy": greedy, "greedy_onehot": onehot,
                     "epsilon_probs": epsilon / n_a + (1.0 - epsilon) * onehot, "explore_each": epsilon / n_a,
                     "gap": gap, "hidden": h, "w1": w1, "b1": b1, "w2": w2, "b2": b2})


def _histogram(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    counts, _ = np.histogram(values, bins=edges)
    return counts / values.size


def overestimation(q_values: list[float], noise_std: float = 1.0, trials: int = 10_000, seed: int = 0,
                   bins: int = 16) -> dict:
    """DQN's max vs Double DQN's estimate of max_a Q(a) from two noisy estimates Q̂ = Q + N(0, σ²).

    Each trial draws independent estimates Q̂_on (online network) and Q̂_tg (target network). DQN's target
    uses max_a Q̂_tg(a): one estimate both selects and evaluates, so its mean exceeds max_a Q(a). Double DQN
    selects a* = argmax_a Q̂_on(a) and evaluates Q̂_tg(a*), whose noise is independent of the choice: its
    mean is Σ_a P(a* = a)·Q(a) ≤ max_a Q(a).

    Returns:
        true_max: max_a Q(a).
        best: argmax_a Q(a).
        single_mean: DQN's estimate max_a Q̂_tg(a), averaged over the trials.
        double_mean: Double DQN's estimate Q̂_tg(argmax_a Q̂_on(a)), averaged over the trials.
        single_bias: single_mean − true_max.
        double_bias: double_mean − true_max.
        single_pick_rate: how often each action is argmax_a Q̂_tg(a).
        double_pick_rate: how often each action is argmax_a Q̂_on(a).
        edges: histogram bin edges (bins + 1), shared by both histograms.
        centers: the bins' centres.
        single_hist: fraction of trials per bin, DQN's estimate.
        double_hist: fraction of trials per bin, Double DQN's estimate.
        sample_online: the first trial's online estimate Q̂_on.
        sample_target: the first trial's target estimate Q̂_tg.
        sample_single_pick: argmax of sample_target (DQN's choice).
        sample_double_pick: argmax of sample_online (Double DQN's choice).
        sample_single: max of sample_target.
        sample_double: sample_target at sample_double_pick.
    """
    q = arr(q_values, "q_values", ndim=1)
    _check_units("len(q_values)", q.size)
    if not 1 <= trials <= MAX_TRIALS:
        raise ValueError(f"trials must be in [1, {MAX_TRIALS}], got {trials}")
    if noise_std < 0:
        raise ValueError(f"noise_std must be >= 0, got {noise_std}")
    if not 2 <= bins <= MAX_UNITS:
        raise ValueError(f"bins must be in [2, {MAX_UNITS}], got {bins}")
    rng = np.random.default_rng(seed)
    q_on = q + rng.normal(0.0, noise_std, size=(trials, q.size))
    q_tg = q + rng.normal(0.0, noise_std, size=(trials, q.size))
    pick_on, pick_tg = q_on.argmax(1), q_tg.argmax(1)
    single, double = q_tg.max(1), q_tg[np.arange(trials), pick_on]
    lo, hi = float(min(single.min(), double.min())), float(max(single.max(), double.max()))
    edges = np.linspace(lo, hi, bins + 1) if hi > lo else np.linspace(lo - 0.5, lo + 0.5, bins + 1)
    true_max = float(q.max())
    return jsonable({
        "true_max": true_max, "best": int(np.argmax(q)),
        "single_mean": float(single.mean()), "double_mean": float(double.mean()),
        "single_bias": float(single.mean()) - true_max, "double_bias": float(double.mean()) - true_max,
        "single_pick_rate": np.bincount(pick_tg, minlength=q.size) / trials,
        "double_pick_rate": np.bincount(pick_on, minlength=q.size) / trials,
        "edges": edges, "centers": (edges[:-1] + edges[1:]) / 2,
        "single_hist": _histogram(single, edges), "double_hist": _histogram(double, edges),
        "sample_online": q_on[0], "sample_target": q_tg[0], "sample_single_pick": int(pick_tg[0]),
        "sample_double_pick": int(pick_on[0]), "sample_single": float(single[0]), "sample_double": float(double[0])})
