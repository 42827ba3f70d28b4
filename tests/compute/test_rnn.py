import numpy as np
import pytest

from compute import rnn

X = [[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]]
WX = [[0.5, -0.3], [0.8, 0.2], [-0.4, 0.6]]
WH = [[0.1, 0.4, -0.2], [-0.3, 0.2, 0.5], [0.6, -0.1, 0.3]]
B = [0.0, -0.1, 0.2]


def test_matches_torch_nn_rnn():
    torch = pytest.importorskip("torch")
    cell = torch.nn.RNN(input_size=2, hidden_size=3, nonlinearity="tanh", batch_first=True)
    with torch.no_grad():
        cell.weight_ih_l0.copy_(torch.tensor(WX))
        cell.weight_hh_l0.copy_(torch.tensor(WH))
        cell.bias_ih_l0.copy_(torch.tensor(B))
        cell.bias_hh_l0.zero_()
        out, h_n = cell(torch.tensor([X]), torch.zeros(1, 1, 3))
    got = rnn.unroll(X, WX, WH, B)
    np.testing.assert_allclose(got["hidden"], out[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(got["last"], h_n[0, 0].numpy(), atol=1e-6)


def test_the_state_carries_over_and_h0_matters():
    a = rnn.unroll(X, WX, WH, B)
    np.testing.assert_allclose(a["pre_activation"], np.add(a["input_term"], a["recurrent_term"]))
    np.testing.assert_allclose(np.tanh(a["pre_activation"]), a["hidden"])
    # step 2 sees h_1 through W_h: recomputing it by hand from h_1
    h1 = np.array(a["hidden"][0])
    np.testing.assert_allclose(a["hidden"][1], np.tanh(np.array(WX) @ X[1] + np.array(WH) @ h1 + B))
    b = rnn.unroll(X, WX, WH, B, h0=[1.0, 1.0, 1.0])
    assert not np.allclose(a["hidden"][0], b["hidden"][0])


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="shapes"):
        rnn.unroll(X, WX, [[1.0, 0.0], [0.0, 1.0]], B)
    with pytest.raises(ValueError, match="h0"):
        rnn.unroll(X, WX, WH, B, h0=[0.0])


@pytest.mark.parametrize("repeat", [1, 4])
def test_gradient_reach_matches_torch_autograd_jacobians(repeat):
    torch = pytest.importorskip("torch")
    xs = torch.tensor(X * repeat, dtype=torch.float64)
    wx, wh, b = (torch.tensor(v, dtype=torch.float64) for v in (WX, WH, B))

    def last_from(t: int, h_t):
        """h_T as a function of h_t (steps after t replayed with torch ops)."""
        h = h_t
        for x in xs[t + 1:]:
            h = torch.tanh(wx @ x + wh @ h + b)
        return h

    hidden = torch.tensor(rnn.unroll(X * repeat, WX, WH, B)["hidden"], dtype=torch.float64)
    ref = [float(torch.linalg.matrix_norm(torch.autograd.functional.jacobian(lambda h, t=t: last_from(t, h),
                                                                                 hidden[t]), ord=2))
           for t in range(len(xs))]
    got = rnn.unroll(X * repeat, WX, WH, B)
    assert got["gradient_reach"] == pytest.approx(ref, rel=1e-9)
    assert got["steps"] == list(range(1, len(xs) + 1))
    assert all(a < b for a, b in zip(got["gradient_reach"], got["gradient_reach"][1:], strict=False)), \
        "with these small weights the gradient fades the further back it goes"
