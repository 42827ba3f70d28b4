import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import quant

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def _rows(**kw):
    return {r["name"]: r for r in quant.float_formats(**kw)["formats"]}


def test_layouts_match_the_original_table():
    rows = _rows()
    layout = {n: (r["sign"], r["exponent"], r["mantissa"]) for n, r in rows.items() if r["kind"] == "float"}
    assert layout == {"FP64": (1, 11, 52), "FP32": (1, 8, 23), "TF32": (1, 8, 10), "BF16": (1, 8, 7),
                      "FP16": (1, 5, 10)}
    assert (rows["INT8"]["min"], rows["INT8"]["max"]) == (-128, 127)
    assert (rows["INT4"]["min"], rows["INT4"]["max"]) == (-8, 7)
    assert (rows["UINT8"]["min"], rows["UINT8"]["max"], rows["UINT8"]["sign"]) == (0, 255, 0)
    assert rows["INT64"]["max"] == 2 ** 63 - 1
    assert rows["FP16"]["max"] == 65504.0


def test_float_ranges_match_torch_finfo():
    torch = pytest.importorskip("torch")
    rows = _rows(include_fp8=True)
    pairs = {"FP64": torch.float64, "FP32": torch.float32, "BF16": torch.bfloat16, "FP16": torch.float16,
             "FP8 E4M3": torch.float8_e4m3fn, "FP8 E5M2": torch.float8_e5m2}
    for name, dt in pairs.items():
        fi = torch.finfo(dt)
        r = rows[name]
        assert (r["bits"], r["max"], r["eps"], r["min_normal"], r["min"]) == \
            (fi.bits, fi.max, fi.eps, fi.tiny, fi.min), name
        assert r["min_subnormal"] == fi.smallest_normal * fi.eps, name
    ints = {"INT64": torch.int64, "INT32": torch.int32, "INT8": torch.int8, "UINT8": torch.uint8}
    for name, dt in ints.items():
        ii = torch.iinfo(dt)
        assert (rows[name]["min"], rows[name]["max"], rows[name]["bits"]) == (ii.min, ii.max, ii.bits)


def test_absmax_int8_hand_worked():
    out = quant.absmax_int8(values=[1.2, -0.5, -4.3, 1.2, -3.1, 0.8, 2.4, 5.4])
    assert out["scale"] == pytest.approx(127 / 5.4)
    assert out["quantised"] == [28, -12, -101, 28, -73, 19, 56, 127]
    assert out["max_error"] <= 0.5 / out["scale"] + 1e-12
    assert quant.absmax_int8(values=[0.0, 0.0])["quantised"] == [0, 0]


@PROPS
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=20), st.integers(2, 8))
def test_absmax_error_is_at_most_half_a_step(values, bits):
    out = quant.absmax_int8(values=values, bits=bits)
    assert max(map(abs, out["quantised"])) <= 2 ** (bits - 1) - 1
    assert out["max_error"] <= 0.5 / out["scale"] * (1 + 1e-9)


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_affine_matches_torch_ao_observer():
    torch = pytest.importorskip("torch")
    from torch.ao.quantization.observer import MinMaxObserver

    rng = np.random.default_rng(0)
    for lo, hi in ((-1.0, 3.0), (0.5, 2.0), (-4.0, -1.0)):
        x = rng.uniform(lo, hi, 50).astype(np.float32)
        obs = MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine)
        t = torch.from_numpy(x)
        obs(t)
        scale, zp = obs.calculate_qparams()
        q = torch.quantize_per_tensor(t, float(scale), int(zp), torch.quint8).int_repr().tolist()
        ours = quant.affine(values=x.astype(np.float64).tolist())
        assert ours["zero_point"] == int(zp)
        assert ours["scale"] == pytest.approx(float(scale), rel=1e-6)
        assert ours["quantised"] == q


def _nearest_exact(x: float, e_bits: int, m_bits: int) -> float:
    """The nearest value of a 1/e_bits/m_bits float format, in exact rational arithmetic (ties to even)."""
    bias = 2 ** (e_bits - 1) - 1
    q, lead = Fraction(x), 1 - bias  # lead: exponent of the leading bit, at least the subnormal floor
    while abs(q) >= Fraction(2) ** (lead + 1):
        lead += 1
    step = Fraction(2) ** (lead - m_bits)
    r = round(q / step) * step  # round() on a Fraction rounds half to even
    biggest = (2 - Fraction(1, 2 ** m_bits)) * Fraction(2) ** bias
    return math.copysign(math.inf, x) if abs(r) > biggest else float(r)


CAST_CASES = [1.0, 0.1, 3.14159265, 1 / 3, 1000.7, -2.5e-3, 65504.0, 1 + 2 ** -8, 1 + 3 * 2 ** -9,
              1 + 2 ** -8 + 2 ** -40, -(1 + 2 ** -8 + 2 ** -40), 1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -24 + 2 ** -50,
              3 * 2 ** -9 + 2 ** -45, 1e-40, 2 ** -133, 2 ** -134 + 2 ** -160, 6.1e-5, 3e-8, 0.0, 123456.789]


def test_cast_rounds_once_to_the_nearest_value():
    rng = np.random.default_rng(1)
    vals = CAST_CASES + (rng.standard_normal(300) * 10.0 ** rng.integers(-6, 6, 300)).tolist()
    for name, e, m in (("bf16", 8, 7), ("fp16", 5, 10), ("fp32", 8, 23)):
        ok = [v for v in vals if math.isfinite(_nearest_exact(v, e, m))]
        assert quant.cast(values=ok, dtype=name)["rounded"] == [_nearest_exact(v, e, m) for v in ok], name
    # the case: just above the halfway point 1 + 2^-8 (a trip through float32 would give 1.0)
    assert quant.cast(values=[1 + 2 ** -8 + 2 ** -40], dtype="bf16")["rounded"] == [1.0078125]
    with pytest.raises(ValueError, match="overflows"):
        quant.cast(values=[1e6], dtype="fp16")
    with pytest.raises(ValueError, match="overflows"):
        quant.cast(values=[3.4e38 * 1.01], dtype="bf16")


def test_cast_matches_torch_where_torch_rounds_once():
    torch = pytest.importorskip("torch")
    vals = [1.0, 0.1, 3.14159265, 1 / 3, 1000.7, -2.5e-3, 65504.0, 1 + 2 ** -8, 1 + 3 * 2 ** -9]
    for name, dt in (("bf16", torch.bfloat16), ("fp16", torch.float16), ("fp32", torch.float32)):
        # float32 inputs: torch's float32 → bf16 rounds once, so both give the nearest value
        f32 = np.array(vals, dtype=np.float32).astype(np.float64).tolist()
        ref = torch.tensor(f32, dtype=torch.float32).to(dt).double().tolist()
        assert quant.cast(values=f32, dtype=name)["rounded"] == ref, name
    # from float64 torch goes through float32 for bf16 and fp16 (two roundings), as the docstring says
    for name, dt, x, e, m in (("bf16", torch.bfloat16, 1 + 2 ** -8 + 2 ** -40, 8, 7),
                              ("fp16", torch.float16, 1 + 2 ** -11 + 2 ** -40, 5, 10)):
        via_torch = torch.tensor([x], dtype=torch.float64).to(dt).item()
        via_f32 = torch.tensor([x], dtype=torch.float64).to(torch.float32).to(dt).item()
        assert via_torch == via_f32 == 1.0, name
        assert quant.cast(values=[x], dtype=name)["rounded"] == [_nearest_exact(x, e, m)] == [1 + 2.0 ** -m]


def test_int_formats_ranges_match_numpy_iinfo_in_descending_order():
    rows = quant.int_formats()["formats"]
    names = [r["name"] for r in rows]
    assert names == ["INT64", "UINT64", "INT32", "UINT32", "INT16", "UINT16", "INT8", "UINT8", "INT4", "UINT4",
                     "INT2", "INT1"]
    for r in rows:
        if r["name"] in ("INT4", "UINT4", "INT2", "INT1"):
            continue
        info = np.iinfo(r["name"].lower())
        assert (r["min"], r["max"], r["bits"]) == (int(info.min), int(info.max), info.bits)
        assert r["sign"] + r["value_bits"] == r["bits"]
    small = {r["name"]: (r["min"], r["max"]) for r in rows}
    assert small["INT4"] == (-8, 7) and small["UINT4"] == (0, 15) and small["INT2"] == (-2, 1)
    assert small["INT1"] == (-1, 1)


@pytest.mark.parametrize("value", [2.54, -1.27, 0.013, 1.0, 65504.0, 3e-6, 6e-8, 0.0, -0.0, 1 + 2 ** -8 + 2 ** -40])
def test_encode_gives_the_bits_numpy_stores(value):
    # fp16 and fp32: numpy's own bit patterns (both round once from float64)
    for name, dt, ut in (("fp16", np.float16, np.uint16), ("fp32", np.float32, np.uint32)):
        ref = np.array([value], dtype=dt).view(ut)[0]
        out = quant.encode(value=value, dtype=name)
        assert int("".join(map(str, out["bits"])), 2) == int(ref), name
        assert out["rounded"] == float(np.array([value], dtype=dt)[0])
        assert (-1) ** out["sign"][0] * out["significand"] * 2.0 ** out["exponent"] == out["rounded"]
    # bf16: the top 16 bits of the float32 that holds the exactly rounded bf16 value
    out = quant.encode(value=value, dtype="bf16")
    r = math.copysign(_nearest_exact(value, 8, 7), value)
    assert int("".join(map(str, out["bits"])), 2) == int(np.array([r], dtype=np.float32).view(np.uint32)[0]) >> 16
    assert len(out["exponent_bits"]) == 8 and len(out["mantissa_bits"]) == 7 and out["bias"] == 127
