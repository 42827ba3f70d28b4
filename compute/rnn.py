"""A vanilla (Elman) RNN unrolled over time: one shared cell applied to every input in turn."""

import numpy as np

from compute._common import arr, jsonable


def unroll(inputs: list[list[float]], w_x: list[list[float]], w_h: list[list[float]], b: list[float],
           h0: list[float] | None = None) -> dict:
    """h_t = tanh(W_x x_t + W_h h_{t−1} + b) for t = 1 … T, the same weights at every step (torch.nn.RNN).

    `inputs` is T × D (one row per time step), `w_x` H × D, `w_h` H × H, `b` and `h0` length H (h0 = 0 by
    default). torch.nn.RNN's two biases b_ih + b_hh are the one `b` here.

    Returns:
        hidden: h_1 … h_T, T × H.
        pre_activation: W_x x_t + W_h h_{t−1} + b before the tanh, T × H.
        input_term: W_x x_t, T × H.
        recurrent_term: W_h h_{t−1} + b, T × H.
        h0: the initial state.
        last: h_T.
        steps: 1 … T.
        gradient_reach: per step t, the spectral norm ‖∂h_T/∂h_t‖₂ of the Jacobian
            J_T · … · J_{t+1}, J_k = diag(1 − h_k²)·W_h (1 at t = T): how strongly a gradient at h_T reaches h_t.
    """
    x, wx, wh = arr(inputs, "inputs", ndim=2), arr(w_x, "w_x", ndim=2), arr(w_h, "w_h", ndim=2)
    bias = arr(b, "b", ndim=1)
    hidden_size = wh.shape[0]
    if wx.shape != (hidden_size, x.shape[1]) or wh.shape != (hidden_size, hidden_size) or bias.shape != (hidden_size,):
        raise ValueError(f"shapes do not fit: inputs {x.shape}, w_x {wx.shape}, w_h {wh.shape}, b {bias.shape} "
                         "(expected w_x H×D, w_h H×H, b H)")
    h = np.zeros(hidden_size) if h0 is None else arr(h0, "h0", ndim=1)
    if h.shape != (hidden_size,):
        raise ValueError(f"h0 has {h.shape[0]} values (expected {hidden_size})")
    start, hs, pre, xin, rec = h.copy(), [], [], [], []
    for xt in x:
        a, r = wx @ xt, wh @ h + bias
        h = np.tanh(a + r)
        xin.append(a)
        rec.append(r)
        pre.append(a + r)
        hs.append(h)
    return jsonable({"hidden": np.array(hs), "pre_activation": np.array(pre), "input_term": np.array(xin),
                     "recurrent_term": np.array(rec), "h0": start, "last": hs[-1],
                     "steps": list(range(1, len(hs) + 1)), "gradient_reach": _reach(hs, wh)})


def _reach(hs: list[np.ndarray], wh: np.ndarray) -> list[float]:
    """‖∂h_T/∂h_t‖₂ for t = 1 … T: the product of the step Jacobians diag(1 − h_k²)·W_h for k = T … t + 1."""
    jac, out = np.eye(wh.shape[0]), [1.0]
    for k in range(len(hs) - 1, 0, -1):
        jac = jac @ (np.diag(1 - hs[k] ** 2) @ wh)
        out.append(float(np.linalg.norm(jac, 2)))
    return out[::-1]
