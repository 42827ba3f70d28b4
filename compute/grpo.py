"""GRPO's group-relative advantages (DeepSeekMath; TRL GRPOTrainer with scale_rewards="group")."""


import numpy as np

from compute._common import arr, jsonable


def advantages(rewards: list[float], eps: float = 1e-4) -> dict:
    """Group-relative advantages A_i = (r_i − mean) / (std + eps) over one group of answers (std with N−1).

    As in TRL 1.16 (`nanstd` is Bessel-corrected; eps is added to the std, not the variance). A group whose
    rewards are all equal gets advantages 0.

    Returns:
        advantages: one per answer.
        mean: group mean reward.
        std: group standard deviation (unbiased, N−1).
    """
    r = arr(rewards, "rewards", ndim=1)
    if r.size < 2:
        raise ValueError("a group needs at least 2 rewards")
    if np.all(r == r[0]):  # exact zeros instead of float noise from the mean
        return jsonable({"advantages": np.zeros(r.size), "mean": r[0], "std": 0.0})
    mean, std = r.mean(), r.std(ddof=1)
    return jsonable({"advantages": (r - mean) / (std + eps), "mean": mean, "std": std})
