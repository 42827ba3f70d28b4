"""DoLa, Decoding by Contrasting Layers (Chuang et al. 2024), on a tiny random Llama-style LM.

Every layer's residual stream is read out early through the final norm and the LM head (early exit), giving a
next-token distribution q_j per layer. Among the candidate premature layers J, the one whose distribution is
furthest from the final layer's, by Jensen-Shannon divergence, is chosen: M = argmax_{j∈J} JSD(q_N ‖ q_j). The
adaptive plausibility constraint keeps only tokens with q_N(x) ≥ α · max_w q_N(w) (V_head); each kept token scores
F(x) = log q_N(x) − log q_M(x), the others −∞, and decoding takes argmax F. tests/compute/test_dola.py writes the
paper's equations independently in torch on transformers' LlamaForCausalLM loaded with the same weights.
"""

from __future__ import annotations

import numpy as np

from compute import tiny_lm
from compute._common import jsonable, log_softmax


def _jsd(p: np.ndarray, q: np.ndarray) -> float:
    m = (p + q) / 2
    return float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))


def _step(model: tiny_lm.TinyLM, ids: list[int], premature: list[int], alpha: float) -> dict:
    stream, _, _ = tiny_lm.forward(model, np.array(ids))
    logp = np.array([log_softmax(z[-1]) for z in tiny_lm.early_exit_logits(model, stream)])
    final = logp[-1]
    jsd = [_jsd(np.exp(final), np.exp(logp[j])) for j in premature]
    m = premature[int(np.argmax(jsd))]
    head = final >= np.log(alpha) + final.max()
    contrast = final - logp[m]
    score = np.where(head, contrast, -np.inf)
    pick = int(np.argmax(score))
    return {"layer_probs": np.exp(logp), "jsd": jsd, "premature": m, "final_probs": np.exp(final),
            "premature_probs": np.exp(logp[m]), "threshold": alpha * float(np.exp(final).max()), "head": head,
            "contrast": contrast, "kept_contrast": np.where(head, contrast, 0.0), "pick": pick,
            "greedy_pick": int(np.argmax(final))}


def contrast(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
             prompt: list[int], premature_layers: list[int], alpha: float = 0.1, steps: int = 1, seed: int = 0,
             init_std: float = 1.0) -> dict:
    """DoLa decoding for `steps` tokens; the first step in full, later steps as picks.

    Layer 0 is the embedding output, layer `layers` the final one; premature_layers are candidates in
    [0, layers − 1].

    Returns:
        layer_probs: (layers + 1) × vocab, each layer's early-exit next-token distribution at the first step.
        jsd: JSD(q_N ‖ q_j) for each candidate premature layer, in the order given.
        premature: the chosen layer M (largest JSD).
        final_probs: q_N, the final layer's distribution.
        premature_probs: q_M.
        threshold: α · max q_N, the plausibility cut-off.
        head: per token, whether q_N(x) ≥ threshold (V_head).
        contrast: log q_N(x) − log q_M(x) for every token.
        kept_contrast: the contrast on V_head, 0 elsewhere (where DoLa's score is −∞), for drawing.
        pick: argmax of the DoLa score.
        greedy_pick: argmax q_N (plain greedy).
        tokens: the ids DoLa generated over all steps.
        greedy: greedy decoding of the same model for the same number of steps.
        premature_each_step: the layer M chosen at each step.
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if not premature_layers or any(not 0 <= j < layers for j in premature_layers):
        raise ValueError(f"premature_layers must be a non-empty list of layers in [0, {layers - 1}], "
                         f"got {list(premature_layers)}")
    model = tiny_lm.build(vocab, hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    ids = [int(i) for i in tiny_lm.check_ids(model, prompt, "prompt")]
    premature = [int(j) for j in premature_layers]
    first, out, greedy, chosen = None, list(ids), list(ids), []
    for _ in range(steps):
        rec = _step(model, out, premature, alpha)
        first = first or rec
        chosen.append(rec["premature"])
        out.append(rec["pick"])
        greedy.append(int(np.argmax(tiny_lm.forward(model, np.array(greedy))[2][-1])))
    return jsonable({**first, "tokens": out[len(ids):], "greedy": greedy[len(ids):],
                     "premature_each_step": chosen})
