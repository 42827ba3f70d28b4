"""Supervised fine-tuning: sequence packing and the shifted cross-entropy loss with the prompt masked."""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable, log_softmax

IGNORE_INDEX = -100


Strategy = Literal["next_fit", "first_fit_decreasing"]


def packing(lengths: list[int], max_len: int, strategy: Strategy = "next_fit",
            position_base: int = 0) -> dict:
    """Pack samples into rows of max_len tokens; positions restart per sample; block-diagonal causal mask.

    next_fit keeps the given order and opens a new row when a sample does not fit; first_fit_decreasing
    places the longest samples first into the first row with room. As in transformers'
    DataCollatorWithFlattening, the first token of each sample is not a training target (no prediction
    across documents). Padding ("bubble") positions have sample id −1 and position −1.

    Returns:
        rows: per row, the sample indices it holds, in order.
        sample_ids: per row, the sample index at each of the max_len positions (−1 = padding).
        position_ids: per row, the position of each token within its sample (from position_base).
        loss_mask: per row, True where the token is a training target (not a sample's first token or padding).
        attention_mask: per row, max_len × max_len booleans: query i sees key j iff same sample and j <= i.
        utilisation: real tokens / (rows × max_len).
    """
    if max_len < 1 or max_len > 256:
        raise ValueError(f"max_len must be in [1, 256] (it is drawn), got {max_len}")
    if any(n < 1 or n > max_len for n in lengths):
        raise ValueError(f"every length must be in [1, max_len={max_len}]")
    rows: list[list[int]] = []
    used: list[int] = []
    order = list(range(len(lengths)))
    if strategy == "first_fit_decreasing":
        order.sort(key=lambda i: -lengths[i])
    for i in order:
        n = lengths[i]
        if strategy == "next_fit":
            target = len(rows) - 1 if rows and used[-1] + n <= max_len else None
        elif strategy == "first_fit_decreasing":
            target = next((r for r, u in enumerate(used) if u + n <= max_len), None)
        else:
            raise ValueError(f"strategy must be next_fit or first_fit_decreasing, got {strategy!r}")
        if target is None:
            rows.append([])
            used.append(0)
            target = len(rows) - 1
        rows[target].append(i)
        used[target] += n
    sample_ids, positions, loss_mask, masks = [], [], [], []
    for row in rows:
        sid = np.full(max_len, -1)
        pos = np.full(max_len, -1)
        at = 0
        for i in row:
            sid[at:at + lengths[i]] = i
            pos[at:at + lengths[i]] = np.arange(lengths[i]) + position_base
            at += lengths[i]
        same = (sid[:, None] == sid[None, :]) & (sid[:, None] >= 0)
        masks.append(same & np.tril(np.ones((max_len, max_len), dtype=bool)))
        sample_ids.append(sid)
        positions.append(pos)
        loss_mask.append((sid >= 0) & (pos != position_base))
    util = sum(lengths) / (len(rows) * max_len) if rows else 0.0
    return jsonable({"rows": rows, "sample_ids": sample_ids, "position_ids": positions,
                     "loss_mask": loss_mask, "attention_mask": masks, "utilisation": util})


def shifted_ce(input_ids: list[int], prompt_len: int, logits: list[list[float]] | None = None,
               target_probs: list[float] | None = None) -> dict:
    """SFT loss: position t predicts token t+1 (labels shifted left); prompt targets are masked with −100.

    Give either full `logits` (one row per input token, over the vocabulary) or `target_probs`, the
    probability each position t = 0..n−2 assigns to the next token. The loss is
    the mean of −log p over the counted positions, as transformers' ForCausalLMLoss (reduction "mean").

    Returns:
        labels: per position t, the target input_ids[t+1], or −100 where not counted (prompt, last position).
        target_probs: per position, the probability of the next token (0.0 at the last position).
        losses: per position, −log p of its label (0.0 where not counted).
        counted: per position, True when its label is counted.
        loss: mean of the counted losses.
        vocab_probs: with `logits`, the softmax over the vocabulary at every position, as V rows × n
            columns (row k: the probability of vocabulary entry k at each position; one column per
            position, as the diagram draws it); empty with `target_probs`.
    """
    ids = [int(i) for i in input_ids]
    n = len(ids)
    if n < 2 or not 0 <= prompt_len < n:
        raise ValueError(f"need >= 2 tokens and 0 <= prompt_len < {n}, got prompt_len={prompt_len}")
    counted = np.array([t < n - 1 and t + 1 >= prompt_len for t in range(n)])
    labels = [ids[t + 1] if counted[t] else IGNORE_INDEX for t in range(n)]
    if (logits is None) == (target_probs is None):
        raise ValueError("give exactly one of logits or target_probs")
    if logits is not None:
        z = arr(logits, "logits", ndim=2)
        if z.shape[0] != n:
            raise ValueError(f"logits must have one row per input token ({n}), got {z.shape[0]}")
        if max(ids) >= z.shape[1] or min(ids) < 0:
            raise ValueError(f"input_ids must be in [0, vocab={z.shape[1]})")
        lp = log_softmax(z)
        vocab_probs = np.exp(lp).T
        logp = np.array([lp[t, ids[t + 1]] for t in range(n - 1)] + [0.0])
        probs = np.exp(logp)
        probs[-1] = 0.0
    else:
        p = arr(target_probs, "target_probs", ndim=1)
        if p.size != n - 1 or np.any(p <= 0) or np.any(p > 1):
            raise ValueError(f"target_probs must have n−1 = {n - 1} values in (0, 1]")
        probs = np.append(p, 0.0)
        logp = np.append(np.log(p), 0.0)
        vocab_probs = np.zeros((0, n))
    losses = np.where(counted, -logp, 0.0)
    if not counted.any():
        raise ValueError("no position is counted (the whole sequence is prompt)")
    return jsonable({"labels": labels, "target_probs": probs, "losses": losses, "counted": counted,
                     "loss": float(losses[counted].mean()), "vocab_probs": vocab_probs})
