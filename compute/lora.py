"""LoRA: trainable parameters of a low-rank adapter on one linear layer (peft conventions)."""

import math

import numpy as np

from compute._common import arr, jsonable


def param_counts(d_in: int, d_out: int, r: int, alpha: float = 8.0, rslora: bool = False) -> dict:
    """LoRA on a d_in → d_out linear layer: W + B·A with A: r × d_in, B: d_out × r, scaled by alpha/r.

    peft's defaults: lora_alpha = 8, B initialised to 0; rsLoRA scales by alpha/sqrt(r).

    Returns:
        full: parameters of the frozen weight W (d_in·d_out).
        lora: trainable adapter parameters r·(d_in + d_out).
        ratio: lora / full.
        scaling: alpha/r (alpha/sqrt(r) with rslora).
        a_shape: [r, d_in].
        b_shape: [d_out, r].
    """
    if min(d_in, d_out, r) < 1:
        raise ValueError("d_in, d_out and r must be >= 1")
    full, lora = d_in * d_out, r * (d_in + d_out)
    return jsonable({"full": full, "lora": lora, "ratio": lora / full,
                     "scaling": alpha / math.sqrt(r) if rslora else alpha / r,
                     "a_shape": [r, d_in], "b_shape": [d_out, r]})


MAX_DIM = 16


def train_step(x: list[float], y: list[float], r: int, alpha: float, lr: float, seed: int = 0) -> dict:
    """One LoRA layer h = Wx + (alpha/r)·BAx at initialisation and after one SGD step on L = ½‖h − y‖².

    W (d_out × d_in, d_in = len(x), d_out = len(y)) is a seeded stand-in for the frozen pretrained weight,
    N(0, 1/d_in). A (r × d_in) is initialised as peft does (kaiming_uniform_ with a = √5: U(−1/√d_in, 1/√d_in))
    and B (d_out × r) to zeros, so at step 0 BAx = 0 and h = Wx. The gradients are
    ∂L/∂B = s·(h − y)(Ax)ᵀ and ∂L/∂A = s·Bᵀ(h − y)xᵀ (s = alpha/r), so the first step moves only B.

    Returns:
        w: the frozen weight W (d_out × d_in).
        a: A at step 0 (r × d_in).
        b: B at step 0 (d_out × r, all zero).
        bound: 1/√d_in, the range of A's uniform initialisation.
        scaling: s = alpha/r.
        wx: W·x.
        ax: A·x (r numbers).
        bax0: B·A·x at step 0 (zeros).
        h0: h at step 0 (= W·x).
        loss0: the loss at step 0.
        grad_a: ∂L/∂A at step 0 (all zero).
        grad_b: ∂L/∂B at step 0.
        a1: A after the step (= a).
        b1: B after the step.
        bax1: B·A·x after the step.
        delta1: s·B·A·x after the step.
        h1: h after the step.
        loss1: the loss after the step.
    """
    xv, yv = arr(x, "x", ndim=1), arr(y, "y", ndim=1)
    if not (1 <= xv.size <= MAX_DIM and 1 <= yv.size <= MAX_DIM):
        raise ValueError(f"x and y must have 1..{MAX_DIM} entries, got {xv.size} and {yv.size}")
    if not 1 <= r <= min(xv.size, yv.size):
        raise ValueError(f"r must be in [1, min(len(x), len(y))] = [1, {min(xv.size, yv.size)}], got {r}")
    rng = np.random.default_rng(seed)
    d_in, d_out = xv.size, yv.size
    w = rng.normal(0.0, 1.0 / math.sqrt(d_in), (d_out, d_in))
    bound = 1.0 / math.sqrt(d_in)
    a = rng.uniform(-bound, bound, (r, d_in))
    b = np.zeros((d_out, r))
    s = alpha / r

    def forward(a_: np.ndarray, b_: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        ax_ = a_ @ xv
        bax = b_ @ ax_
        h = w @ xv + s * bax
        return ax_, bax, h, float(0.5 * np.sum((h - yv) ** 2))

    ax, bax0, h0, loss0 = forward(a, b)
    g = h0 - yv
    grad_b = s * np.outer(g, ax)
    grad_a = s * np.outer(b.T @ g, xv)
    a1, b1 = a - lr * grad_a, b - lr * grad_b
    _, bax1, h1, loss1 = forward(a1, b1)
    return jsonable({"w": w, "a": a, "b": b, "bound": bound, "scaling": s, "wx": w @ xv, "ax": ax,
                     "bax0": bax0, "h0": h0, "loss0": loss0, "grad_a": grad_a, "grad_b": grad_b,
                     "a1": a1, "b1": b1, "bax1": bax1, "delta1": s * bax1, "h1": h1, "loss1": loss1})
