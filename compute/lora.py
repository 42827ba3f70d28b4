"""LoRA: trainable parameters of a low-rank adapter on one linear layer (peft conventions)."""

import math

from compute._common import jsonable


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
