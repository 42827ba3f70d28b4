"""The reward model: a one-output head on the decoder's hidden states, read at the last real token, and its
pairwise (Bradley–Terry) training step.

Conventions follow transformers' `AutoModelForSequenceClassification` with `num_labels=1` (the `score`
linear layer without bias, pooled at the rightmost token that is not `pad_token_id`) and TRL's
`RewardTrainer` (loss −log σ(r_chosen − r_rejected), averaged over the pairs). Shapes are written as
[in, out] for a weight matrix (torch stores Linear weights as [out, in]).
"""

from __future__ import annotations

import numpy as np

from compute._common import arr, jsonable, sigmoid
from compute.reward import bradley_terry_loss


def _matrix(given: list | None, shape: tuple[int, ...], name: str, rng: np.random.Generator,
            scale: float) -> np.ndarray:
    if given is None:
        return rng.normal(0.0, scale, size=shape)
    a = arr(given, name, len(shape))
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {list(shape)}, got {list(a.shape)}")
    return a


def heads(hidden_size: int, vocab_size: int) -> dict:
    """Weight shapes and sizes of the LM head and of the reward head that replaces it, from a model config.

    Returns:
        lm_head_shape: [hidden_size, vocab_size].
        reward_head_shape: [hidden_size, 1].
        lm_head_params: hidden_size · vocab_size (no bias).
        reward_head_params: hidden_size (no bias).
        ratio: lm_head_params / reward_head_params (= vocab_size).
    """
    for name, v in (("hidden_size", hidden_size), ("vocab_size", vocab_size)):
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    return {"lm_head_shape": [hidden_size, vocab_size], "reward_head_shape": [hidden_size, 1],
            "lm_head_params": hidden_size * vocab_size, "reward_head_params": hidden_size, "ratio": vocab_size}


def forward(token_ids: list[int], pad_token_id: int, hidden_size: int, vocab_size: int, seed: int = 0,
            hidden_states: list[list[float]] | None = None, reward_head: list[float] | None = None,
            lm_head: list[list[float]] | None = None) -> dict:
    """LM head vs reward head on the same last hidden states; the reward is the score at the last non-pad token.

    Hidden states and weights not given are drawn from a seeded normal (hidden states with std 1, weights
    with std 1/√hidden_size, so scores and logits are of order 1). The state at position t is drawn from a
    generator seeded by (seed, ids[0..t]), so, as in a causal decoder, equal prefixes give equal states
    and two responses to one prompt share the prompt's states and scores. The pooled index is the rightmost
    position whose id is not `pad_token_id` (transformers' sequence-classification pooling, which handles
    left and right padding alike).

    Returns:
        hidden_shape: [seq, hidden_size].
        lm_head_shape: [hidden_size, vocab_size], the SFT model's output projection.
        reward_head_shape: [hidden_size, 1], the reward head that replaces it.
        logits_shape: [seq, vocab_size].
        scores_shape: [seq, 1].
        lm_head_params: weights in the LM head (no bias).
        reward_head_params: weights in the reward head (no bias).
        hidden_states: seq × hidden_size.
        logits: seq × vocab_size, hidden_states · W_lm.
        scores: one score per position, hidden_states · w_reward.
        is_pad: one flag per position.
        last_index: the pooled position.
        reward: scores[last_index], the sequence's reward.
    """
    shapes = heads(hidden_size, vocab_size)
    ids = [int(t) for t in token_ids]
    if not ids:
        raise ValueError("token_ids must not be empty")
    if not all(0 <= t < vocab_size for t in ids):
        raise ValueError(f"token_ids must lie in 0..{vocab_size - 1}")
    rng = np.random.default_rng(seed)
    w_scale = 1.0 / np.sqrt(hidden_size)
    if hidden_states is None:
        h = np.array([np.random.default_rng([seed, *ids[:t + 1]]).normal(size=hidden_size) for t in range(len(ids))])
    else:
        h = _matrix(hidden_states, (len(ids), hidden_size), "hidden_states", rng, 1.0)
    w_r = _matrix(reward_head, (hidden_size,), "reward_head", rng, w_scale)
    w_lm = _matrix(lm_head, (hidden_size, vocab_size), "lm_head", rng, w_scale)
    is_pad = np.array(ids) == pad_token_id
    last = int(np.argmax(np.arange(len(ids)) * ~is_pad))
    scores = h @ w_r
    return jsonable({
        "hidden_shape": [len(ids), hidden_size], "lm_head_shape": shapes["lm_head_shape"],
        "reward_head_shape": shapes["reward_head_shape"], "logits_shape": [len(ids), vocab_size],
        "scores_shape": [len(ids), 1], "lm_head_params": shapes["lm_head_params"],
        "reward_head_params": shapes["reward_head_params"],
        "hidden_states": h, "logits": h @ w_lm, "scores": scores, "is_pad": is_pad,
        "last_index": last, "reward": scores[last],
    })


def loss_curve(margins: list[float]) -> dict:
    """The pairwise loss −log σ(z) and its slope over margins z = r_chosen − r_rejected.

    Returns:
        margins: the z values, as given.
        loss: −log σ(z).
        grad: dLoss/dz = −σ(−z) (gradient descent raises z by lr·σ(−z)).
        update: σ(−z) = |grad|, the size of the step on z (near 1 when the pair is ranked wrongly).
        prob: σ(z), the modelled P(chosen ≻ rejected).
    """
    z = arr(margins, "margins", 1)
    w = sigmoid(-z)
    return jsonable({"margins": z, "loss": np.logaddexp(0.0, -z), "grad": -w, "update": w, "prob": sigmoid(z)})


def pairwise_step(chosen_features: list[list[float]], rejected_features: list[list[float]], weights: list[float],
                  lr: float, bias: float = 0.0) -> dict:
    """One gradient step of a linear reward head r = φ·w + b on a batch of (chosen, rejected) pairs.

    φ is the last-token hidden state of each response (one row per pair). The loss is the Bradley–Terry
    mean −log σ(r_c − r_r); its gradient is mean_i −σ(−Δ_i)(φ_c,i − φ_r,i) for w and 0 for b (b cancels).

    Returns:
        chosen_scores: r of each chosen response before the step.
        rejected_scores: r of each rejected response before the step.
        margins: Δ = r_chosen − r_rejected per pair.
        losses: −log σ(Δ) per pair.
        loss: their mean.
        accuracy: fraction of pairs with Δ > 0.
        coef: σ(−Δ) per pair, each pair's weight in the gradient.
        grad: dLoss/dw.
        new_weights: w − lr·grad.
        new_chosen_scores: chosen scores after the step.
        new_rejected_scores: rejected scores after the step.
        new_margins: margins after the step.
        new_losses: per-pair losses after the step.
        new_loss: mean loss after the step.
    """
    fc, fr = arr(chosen_features, "chosen_features", 2), arr(rejected_features, "rejected_features", 2)
    w = arr(weights, "weights", 1)
    if fc.shape != fr.shape or fc.shape[1] != w.size or fc.shape[0] == 0:
        raise ValueError(f"chosen_features and rejected_features must both be pairs × {w.size} (the weights' "
                         f"length), got {list(fc.shape)} and {list(fr.shape)}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    rc, rr = fc @ w + bias, fr @ w + bias
    before = bradley_terry_loss(chosen_scores=rc.tolist(), rejected_scores=rr.tolist())
    coef = sigmoid(-(rc - rr))
    grad = -(coef[:, None] * (fc - fr)).mean(axis=0)
    w2 = w - lr * grad
    nc, nr = fc @ w2 + bias, fr @ w2 + bias
    after = bradley_terry_loss(chosen_scores=nc.tolist(), rejected_scores=nr.tolist())
    return jsonable({
        "chosen_scores": rc, "rejected_scores": rr, "margins": rc - rr, "losses": before["losses"],
        "loss": before["loss"], "accuracy": before["accuracy"], "coef": coef, "grad": grad, "new_weights": w2,
        "new_chosen_scores": nc, "new_rejected_scores": nr, "new_margins": nc - nr, "new_losses": after["losses"],
        "new_loss": after["loss"],
    })
