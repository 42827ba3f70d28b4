import numpy as np
import pytest

from compute import prune

W = [[0.4, -0.1, 0.05], [-0.3, 0.2, -0.6]]


def test_hand_worked_half():
    out = prune.magnitude(weights=W, amount=0.5)  # |w| sorted: 0.05, 0.1, 0.2 | 0.3, 0.4, 0.6
    assert out["mask"] == [[True, False, False], [True, False, True]]
    assert out["pruned"] == [[0.4, 0.0, 0.0], [-0.3, 0.0, -0.6]]
    assert out["threshold"] == 0.2 and out["smallest_kept"] == 0.3
    assert out["pruned_count"] == 3 and out["sparsity"] == 0.5 and out["kept_per_row"] == [1, 2]
    assert out["sorted_kept"] == [False, False, False, True, True, True]


@pytest.mark.parametrize("amount", [0.0, 0.3, 0.5, 0.75, 1.0])
def test_matches_torch_l1_unstructured(amount):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune as tprune

    torch.manual_seed(0)
    lin = torch.nn.Linear(6, 4).double()
    w = lin.weight.detach().clone()
    tprune.l1_unstructured(lin, name="weight", amount=amount)
    out = prune.magnitude(weights=w.tolist(), amount=amount)
    assert np.array_equal(np.array(out["mask"]), lin.weight_mask.bool().numpy())
    assert np.allclose(out["pruned"], lin.weight.detach().numpy())
    assert out["pruned_count"] == int((lin.weight_mask == 0).sum())


def test_init_linear_has_torch_default_bound_and_is_seeded():
    out = prune.init_linear(in_features=6, out_features=4, seed=3)
    w = np.array(out["weight"])
    assert w.shape == (4, 6) and out["bound"] == pytest.approx(6 ** -0.5)
    assert np.all(np.abs(w) <= out["bound"])
    assert prune.init_linear(in_features=6, out_features=4, seed=3)["weight"] == out["weight"]


def test_torch_default_linear_init_has_the_same_bound():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    w = torch.nn.Linear(6, 400).weight.detach().abs()
    assert float(w.max()) <= prune.init_linear(in_features=6, out_features=1)["bound"] + 1e-7
    assert float(w.max()) > 0.95 * 6 ** -0.5  # it is a uniform on the whole ±bound, not a narrower one


def test_rejects_bad_amount():
    with pytest.raises(ValueError, match="amount"):
        prune.magnitude(weights=W, amount=1.5)
