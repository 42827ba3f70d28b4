"""Number formats and quantisation: float layouts and ranges, absmax and affine integer quantisation."""

import math
from typing import Literal

import numpy as np

from compute._common import arr, jsonable

# name, exponent bits, mantissa bits (1 sign bit each)
FLOAT_LAYOUTS = [("FP64", 11, 52), ("FP32", 8, 23), ("TF32", 8, 10), ("BF16", 8, 7), ("FP16", 5, 10)]
FP8_LAYOUTS = [("FP8 E5M2", 5, 2), ("FP8 E4M3", 4, 3)]
INT_LAYOUTS = [("INT64", True, 64), ("INT32", True, 32), ("INT8", True, 8), ("INT4", True, 4),
               ("UINT8", False, 8)]


def _float_row(name: str, e: int, m: int) -> dict:
    bias = 2 ** (e - 1) - 1
    if name == "FP8 E4M3":  # "fn" variant: no infinities, only S.1111.111 is NaN, so max = 1.75·2^8
        mx = (2 - 2 ** -(m - 1)) * 2.0 ** (2 ** e - 1 - bias)
    else:  # IEEE 754: the all-ones exponent is reserved for inf/NaN
        mx = (2 - 2.0 ** -m) * 2.0 ** bias
    return {"name": name, "kind": "float", "bits": 1 + e + m, "sign": 1, "exponent": e, "mantissa": m,
            "min": -mx, "max": mx, "min_normal": 2.0 ** (1 - bias), "min_subnormal": 2.0 ** (1 - bias - m),
            "eps": 2.0 ** -m}


def _int_row(name: str, signed: bool, bits: int) -> dict:
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    return {"name": name, "kind": "int", "bits": bits, "sign": int(signed), "exponent": 0,
            "mantissa": bits - int(signed), "min": lo, "max": hi, "min_normal": 1, "min_subnormal": 1,
            "eps": 1}


def float_formats(include_fp8: bool = False) -> dict:
    """Bit layouts and ranges of FP64/FP32/TF32/BF16/FP16 (+FP8), INT64/32/8/4, UINT8, from the layout.

    Float rows: max = (2 − 2^−m)·2^bias, min_normal = 2^(1−bias), eps = 2^−m with bias = 2^(e−1) − 1
    (equal to torch.finfo where torch has the type; TF32 has none). Integer rows use the same keys:
    mantissa = value bits, eps = min_normal = 1.

    Returns:
        formats: rows {name, kind, bits, sign, exponent, mantissa, min, max, min_normal, min_subnormal, eps}.
    """
    floats = FLOAT_LAYOUTS + (FP8_LAYOUTS if include_fp8 else [])
    return jsonable({"formats": [_float_row(*f) for f in floats] + [_int_row(*i) for i in INT_LAYOUTS]})


ALL_INT_LAYOUTS = [("INT64", True, 64), ("UINT64", False, 64), ("INT32", True, 32), ("UINT32", False, 32),
                   ("INT16", True, 16), ("UINT16", False, 16), ("INT8", True, 8), ("UINT8", False, 8),
                   ("INT4", True, 4), ("UINT4", False, 4), ("INT2", True, 2)]


def int_formats() -> dict:
    """Integer formats from INT64 down to INT2 (signed two's complement and unsigned), then INT1 (binary).

    Signed n bits: [−2^(n−1), 2^(n−1) − 1] with 1 sign bit and n − 1 value bits; unsigned: [0, 2^n − 1].
    INT1 is the binary format of binarised weights: its one bit is a sign, values −1 and +1 (no 0).

    Returns:
        formats: rows {name, kind, bits, sign, value_bits, min, max, eps}; eps (the step) is 1, and 2 for INT1.
    """
    rows = [{"name": n, "kind": "int", "bits": b, "sign": int(sg), "value_bits": b - int(sg),
             "min": r["min"], "max": r["max"], "eps": 1} for n, sg, b in ALL_INT_LAYOUTS for r in [_int_row(n, sg, b)]]
    rows.append({"name": "INT1", "kind": "binary", "bits": 1, "sign": 1, "value_bits": 0, "min": -1, "max": 1,
                 "eps": 2})
    return jsonable({"formats": rows})


def absmax_int8(values: list[float], bits: int = 8) -> dict:
    """Symmetric absmax quantisation: scale = qmax/max|x|, q = round(x·scale), back q/scale (LLM.int8).

    qmax = 2^(bits−1) − 1 (127 for int8, 7 for int4); rounding is half-to-even (numpy, torch).

    Returns:
        quantised: the integer codes.
        scale: qmax / max|x| (1.0 when all values are 0).
        dequantised: quantised / scale.
        max_error: largest |x − dequantised|.
        qmax: the largest code.
    """
    x = arr(values, "values", ndim=1)
    if not 2 <= bits <= 16:
        raise ValueError(f"bits must be in [2, 16], got {bits}")
    qmax = 2 ** (bits - 1) - 1
    absmax = float(np.abs(x).max()) if x.size else 0.0
    scale = qmax / absmax if absmax > 0 else 1.0
    q = np.clip(np.round(x * scale), -qmax, qmax)
    deq = q / scale
    return jsonable({"quantised": q.astype(int), "scale": scale, "dequantised": deq,
                     "max_error": float(np.abs(x - deq).max()) if x.size else 0.0, "qmax": qmax})


def affine(values: list[float], bits: int = 8) -> dict:
    """Asymmetric (zero-point) quantisation to codes 0..2^bits−1 over [min, max] widened to include 0.

    scale = (max − min)/(2^bits − 1), zero_point = clamp(round(−min/scale)), q = clamp(round(x/scale) + zp);
    the same as torch's MinMaxObserver(quint8, per_tensor_affine) + quantize_per_tensor.

    Returns:
        quantised: the integer codes.
        scale: step between codes.
        zero_point: the code that represents 0.0 exactly.
        dequantised: (q − zero_point)·scale.
        max_error: largest |x − dequantised|.
    """
    x = arr(values, "values", ndim=1)
    if not 2 <= bits <= 16:
        raise ValueError(f"bits must be in [2, 16], got {bits}")
    qmax = 2 ** bits - 1
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = max((hi - lo) / qmax, float(np.finfo(np.float32).eps))
    zp = int(np.clip(np.round(-lo / scale), 0, qmax))
    q = np.clip(np.round(x / scale) + zp, 0, qmax)
    deq = (q - zp) * scale
    return jsonable({"quantised": q.astype(int), "scale": scale, "zero_point": zp, "dequantised": deq,
                     "max_error": float(np.abs(x - deq).max())})


def _round_to_float(x: np.ndarray, e_bits: int, m_bits: int) -> np.ndarray:
    """Round float64 values straight to an IEEE-style format with e_bits/m_bits (nearest, ties to even).

    One rounding from float64 (no trip through float32): the step at each value is 2^(max(E, emin) − m), so
    subnormals keep their fixed step; magnitudes above the largest finite value become ±inf.
    """
    bias = 2 ** (e_bits - 1) - 1
    _, exp2 = np.frexp(x)  # |x| = f·2^exp2 with f in [0.5, 1): the leading bit is 2^(exp2 − 1)
    step = np.ldexp(1.0, np.maximum(exp2 - 1, 1 - bias) - m_bits)
    r = np.round(x / step) * step  # x / step is exact (a power-of-two scale); np.round ties to even
    biggest = (2 - 2.0 ** -m_bits) * 2.0 ** bias
    return np.where(np.abs(r) > biggest, np.copysign(np.inf, x), r)


def cast(values: list[float], dtype: Literal["fp32", "fp16", "bf16"] = "bf16") -> dict:
    """Round float64 values to a lower-precision float format (nearest, ties to even) and show the error.

    Each value is rounded once, straight from float64 (numpy's float64 → float16/float32 casts, and our own
    rounding for bf16). torch's `.to(torch.bfloat16)` and `.to(torch.float16)` from float64 go through
    float32 first, so they round twice and can differ just above a halfway point (1 + 2⁻⁸ + 2⁻⁴⁰: torch
    gives bf16 1.0, the nearest bf16 is 1.0078125).

    Returns:
        rounded: the nearest representable values in `dtype`.
        error: rounded − value.
        relative_error: |error| / |value| (0 where the value is 0).
    """
    x = arr(values, "values", ndim=1)
    if dtype == "fp32":
        r = x.astype(np.float32).astype(np.float64)
    elif dtype == "fp16":
        with np.errstate(over="ignore"):
            r = x.astype(np.float16).astype(np.float64)
    elif dtype == "bf16":
        r = _round_to_float(x, 8, 7)
    else:
        raise ValueError(f"dtype must be fp32, fp16 or bf16, got {dtype!r}")
    if not np.all(np.isfinite(r)):
        raise ValueError(f"a value overflows {dtype}")
    err = r - x
    rel = np.divide(np.abs(err), np.abs(x), out=np.zeros_like(x), where=x != 0)
    return jsonable({"rounded": r, "error": err, "relative_error": rel})


def encode(value: float, dtype: Literal["fp32", "fp16", "bf16"] = "bf16") -> dict:
    """The bit fields of the `dtype` number nearest to `value` (rounded once, as in `cast`).

    Returns:
        bits: all bits, sign first (0/1).
        sign: the sign field, [0] or [1].
        exponent_bits: the exponent field (0/1, most significant first).
        mantissa_bits: the mantissa field (0/1, most significant first).
        biased_exponent: the exponent field as an integer.
        bias: 2^(e−1) − 1.
        exponent: biased_exponent − bias (1 − bias for subnormals).
        significand: 1 + mantissa / 2^m (0 + … for subnormals).
        rounded: (−1)^sign · significand · 2^exponent, the stored value.
    """
    e_bits, m_bits = {"fp32": (8, 23), "fp16": (5, 10), "bf16": (8, 7)}.get(dtype, (0, 0))
    if not e_bits:
        raise ValueError(f"dtype must be fp32, fp16 or bf16, got {dtype!r}")
    r = cast([value], dtype)["rounded"][0]
    bias = 2 ** (e_bits - 1) - 1
    sign = 1 if math.copysign(1.0, r if r else value) < 0 else 0  # −0.0 keeps its sign bit
    mag = abs(r)
    if mag == 0:
        field, frac = 0, 0
    else:
        _, exp2 = math.frexp(mag)
        field = max(exp2 - 1 + bias, 0)
        frac = round(mag / 2.0 ** (max(exp2 - 1, 1 - bias) - m_bits)) - (2 ** m_bits if field else 0)
    exponent = (field if field else 1) - bias
    significand = (1 if field else 0) + frac / 2 ** m_bits
    ebits = [int(c) for c in format(field, f"0{e_bits}b")]
    mbits = [int(c) for c in format(frac, f"0{m_bits}b")]
    return jsonable({"bits": [sign, *ebits, *mbits], "sign": [sign], "exponent_bits": ebits,
                     "mantissa_bits": mbits, "biased_exponent": field, "bias": bias, "exponent": exponent,
                     "significand": significand, "rounded": r})
