"""Autoregressive generation step by step: a tiny Llama-style LM, greedy decoding, every step a full forward pass.

The tokens and IDs are the project's byte-level BPE (`bpe.tokenizer`, trained on compute/data/bpe-corpus.txt).
The model is `tiny_lm` with seeded random decoder layers; only its LM head is fitted (softmax regression by
gradient descent on the last hidden states) so that greedy decoding continues the prompt with the given reply,
as a trained model would. Each step then runs the whole sequence so far through all layers, reads the last
position's logits, takes the softmax and the argmax, and appends that token. tests/compute/test_generation.py
loads the same weights into transformers' LlamaForCausalLM and checks `generate(do_sample=False)` and the
per-step probabilities.
"""

from __future__ import annotations

import numpy as np

from compute import bpe, tiny_lm
from compute._common import jsonable, softmax

MAX_TEXT = 200
MAX_STEPS = 12
MAX_TOP = 8


def fit_head(hidden: np.ndarray, targets: np.ndarray, start: np.ndarray, steps: int, lr: float) -> np.ndarray:
    """LM head (vocab × hidden) after `steps` of full-batch gradient descent on the mean cross-entropy of
    softmax(hidden · Wᵀ) against `targets`, starting from `start`."""
    w = start.copy()
    onehot = np.eye(w.shape[0])[targets]
    for _ in range(steps):
        probs = softmax(hidden @ w.T)
        w -= lr * (probs - onehot).T @ hidden / len(targets)
    return w


def _token(tok, i: int) -> dict:
    """A token record: its id and its readable piece (␣ for a leading space)."""
    return {"id": i, "piece": bpe._piece(tok.id_to_token(i), set(bpe.SPECIALS))}


def _check(prompt: str, reply: str, top: int, fit_steps: int) -> None:
    for name, text in (("prompt", prompt), ("reply", reply)):
        if not 1 <= len(text) <= MAX_TEXT:
            raise ValueError(f"{name} must hold 1..{MAX_TEXT} characters, got {len(text)}")
    if not 1 <= top <= MAX_TOP:
        raise ValueError(f"top must be in [1, {MAX_TOP}], got {top}")
    if not 0 <= fit_steps <= 5000:
        raise ValueError(f"fit_steps must be in [0, 5000], got {fit_steps}")


def _fit_data(model: tiny_lm.TinyLM, p_ids: list[int], replies: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Last hidden states at the positions that predict each reply token, and those tokens, over all replies."""
    hs, ys = [], []
    for r in replies:
        seq = np.array(p_ids + r)
        _, last, _ = tiny_lm.forward(model, seq)
        hs.append(last[len(p_ids) - 1 : -1])
        ys.append(seq[len(p_ids) :])
    return np.concatenate(hs), np.concatenate(ys)


def fitted(
    prompt: str,
    reply: str,
    others: list[str] | None = None,
    weight: int = 3,
    vocab_size: int = 600,
    hidden_size: int = 32,
    layers: int = 4,
    heads: int = 4,
    kv_heads: int = 2,
    intermediate_size: int = 64,
    seed: int = 0,
    init_std: float = 0.5,
    fit_steps: int = 60,
    lr: float = 0.1,
    top: int = 2,
) -> tuple[tiny_lm.TinyLM, list[int], list[int]]:
    """The model of `greedy_steps` (random layers, fitted head), the prompt's IDs and the reply's IDs."""
    others = others or []
    _check(prompt, reply, top, fit_steps)
    if len(others) > MAX_TOP or not 1 <= weight <= 10:
        raise ValueError(f"others must hold at most {MAX_TOP} texts and weight be in [1, 10]")
    for text in others:
        _check(prompt, text, top, fit_steps)
    tok = bpe.tokenizer(vocab_size)
    p_ids, r_ids = tok.encode(prompt).ids, tok.encode(reply).ids
    if not p_ids or not 1 <= len(r_ids) <= MAX_STEPS:
        raise ValueError(f"the reply must be 1..{MAX_STEPS} tokens, got {len(r_ids)}")
    model = tiny_lm.build(tok.get_vocab_size(), hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    hidden, targets = _fit_data(model, p_ids, [r_ids] * weight + [tok.encode(t).ids for t in others])
    head = fit_head(hidden, targets, model.weights["lm_head.weight"], fit_steps, lr)
    model = tiny_lm.TinyLM({**model.weights, "lm_head.weight": head}, model.vocab, hidden_size, layers, heads, kv_heads)
    return model, p_ids, r_ids


def _step(model: tiny_lm.TinyLM, tok, ids: list[int], n_prompt: int, to_come: int, top: int) -> dict:
    """One generation step: the whole sequence through every layer, the last position's softmax, its argmax."""
    _, _, logits = tiny_lm.forward(model, np.array(ids))
    probs = softmax(logits[-1])
    order = np.argsort(-probs, kind="stable")[:top]
    cands = [{**_token(tok, int(i)), "p": float(probs[i])} for i in order]
    context = [
        {**_token(tok, i), "generated": j >= n_prompt, "new": j == len(ids) - 1 and j >= n_prompt, "future": False}
        for j, i in enumerate(ids)
    ]
    future = [{"id": "", "piece": "", "generated": False, "new": False, "future": True}] * to_come
    return {
        "step": len(ids) - n_prompt + 1,
        "context": context,
        "slots": context + future,
        "seq_len": len(ids),
        "candidates": cands,
        "cand_pieces": [c["piece"] for c in cands],
        "cand_probs": [c["p"] for c in cands],
        "cand_chosen": [i == 0 for i in range(len(cands))],
        "chosen": cands[0],
        "rest": 1.0 - sum(c["p"] for c in cands),
    }


def greedy_steps(
    prompt: str,
    reply: str,
    others: list[str] | None = None,
    weight: int = 3,
    vocab_size: int = 600,
    hidden_size: int = 32,
    layers: int = 4,
    heads: int = 4,
    kv_heads: int = 2,
    intermediate_size: int = 64,
    seed: int = 0,
    init_std: float = 0.5,
    fit_steps: int = 60,
    lr: float = 0.1,
    top: int = 2,
) -> dict:
    """Greedy generation of `reply` after `prompt`, one full forward pass per new token.

    The texts are tokenized separately (a reply's first token may start with a space). The head is fitted on
    prompt + reply (counted `weight` times) and prompt + each of `others` (other plausible replies, once each),
    so the model's distribution favours the reply and gives the others some probability; generation runs for
    the reply's length in tokens.

    Returns:
        prompt: the prompt's tokens, records of id and piece.
        reply: the reply's tokens as generated.
        reply_text: the generated tokens decoded to text (outer spaces stripped).
        steps: one record per step: step (from 1), context (the tokens fed in: id, piece, generated = not part of
            the prompt, new = generated by the step before), slots (the context, then one empty record,
            future = true, per position still to come: every step's slots are as long as the last context),
            seq_len, candidates (the `top` most probable next tokens: id, piece, p), cand_pieces, cand_probs,
            cand_chosen (true for the argmax), chosen (its id, piece, p), rest (1 − Σ p of the candidates: the
            mass of the other vocabulary entries).
        matches: the greedy output equals the reply's tokens.
        n_steps: the number of steps (the reply's tokens).
        layers: decoder layers run at every step.
        vocab_size: entries in the vocabulary.
        hidden_size: the model's hidden size.
        passes_layers: layers run in all (steps × layers).
    """
    tok = bpe.tokenizer(vocab_size)
    model, p_ids, r_ids = fitted(
        prompt,
        reply,
        others,
        weight,
        vocab_size,
        hidden_size,
        layers,
        heads,
        kv_heads,
        intermediate_size,
        seed,
        init_std,
        fit_steps,
        lr,
        top,
    )
    n_p = len(p_ids)
    ids, steps = list(p_ids), []
    for k in range(len(r_ids)):
        steps.append(_step(model, tok, ids, n_p, len(r_ids) - 1 - k, top))
        ids.append(steps[-1]["chosen"]["id"])
    generated = ids[n_p:]
    return jsonable(
        {
            "prompt": [_token(tok, i) for i in p_ids],
            "reply": [_token(tok, i) for i in generated],
            "reply_text": tok.decode(generated).strip(),
            "steps": steps,
            "matches": generated == r_ids,
            "n_steps": len(steps),
            "layers": layers,
            "vocab_size": tok.get_vocab_size(),
            "hidden_size": hidden_size,
            "passes_layers": len(steps) * layers,
        }
    )
