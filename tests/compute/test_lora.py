import numpy as np
import pytest

from compute import lora


def test_lora_counts_for_the_1024_example():
    out = lora.param_counts(d_in=1024, d_out=1024, r=2, alpha=4)
    assert out["full"] == 1_048_576 and out["lora"] == 4096
    assert out["ratio"] == pytest.approx(4096 / 1_048_576)
    assert out["scaling"] == 2.0 and out["a_shape"] == [2, 1024] and out["b_shape"] == [1024, 2]
    assert lora.param_counts(d_in=10, d_out=10, r=4, alpha=8, rslora=True)["scaling"] == 4.0


def test_lora_counts_match_peft_on_a_tiny_llama(tiny_llama):
    import copy

    peft = pytest.importorskip("peft")
    model = peft.get_peft_model(copy.deepcopy(tiny_llama),
                                peft.LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    trainable, _ = model.get_nb_trainable_parameters()
    expected = 0
    for layer in tiny_llama.model.layers:
        for proj in (layer.self_attn.q_proj, layer.self_attn.v_proj):
            out = lora.param_counts(d_in=proj.in_features, d_out=proj.out_features, r=4, alpha=8)
            expected += out["lora"]
    assert trainable == expected == 896
    q = model.base_model.model.model.layers[0].self_attn.q_proj
    assert q.scaling["default"] == lora.param_counts(d_in=32, d_out=32, r=4, alpha=8)["scaling"]
    rs = peft.get_peft_model(copy.deepcopy(tiny_llama), peft.LoraConfig(r=4, lora_alpha=8, use_rslora=True,
                                                                        target_modules=["q_proj"]))
    assert rs.base_model.model.model.layers[0].self_attn.q_proj.scaling["default"] == \
        lora.param_counts(d_in=32, d_out=32, r=4, alpha=8, rslora=True)["scaling"]


X = [1.0, 0.5, -1.0, 2.0, 0.0, -0.5]
Y = [1.0, -1.0, 0.5, 0.0, 2.0, -0.5]


def _peft_linear(d_in: int, d_out: int, r: int, alpha: float):
    torch = pytest.importorskip("torch")
    peft = pytest.importorskip("peft")

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = torch.nn.Linear(d_in, d_out, bias=False)

        def forward(self, x):
            return self.lin(x)

    torch.manual_seed(0)
    return peft.get_peft_model(Net(), peft.LoraConfig(r=r, lora_alpha=alpha, target_modules=["lin"]))


def test_lora_init_matches_peft_conventions():
    out = lora.train_step(x=X, y=Y, r=2, alpha=4, lr=0.2, seed=3)
    model = _peft_linear(6, 6, r=2, alpha=4)
    lin = model.base_model.model.lin
    a_peft, b_peft = lin.lora_A["default"].weight, lin.lora_B["default"].weight
    assert list(a_peft.shape) == [2, 6] == list(np.shape(out["a"]))
    assert list(b_peft.shape) == [6, 2] == list(np.shape(out["b"]))
    assert not b_peft.detach().numpy().any() and not np.any(out["b"])
    # peft's kaiming_uniform_(a=√5) draws A from U(−1/√d_in, 1/√d_in): the same bound as ours
    assert np.abs(a_peft.detach().numpy()).max() <= out["bound"] == pytest.approx(1 / np.sqrt(6))
    assert np.abs(out["a"]).max() <= out["bound"] and np.abs(out["a"]).max() > out["bound"] / 2
    assert lin.scaling["default"] == out["scaling"] == 2.0
    assert out["h0"] == pytest.approx(out["wx"]) and out["bax0"] == [0.0] * 6


def test_lora_train_step_matches_peft_forward_and_autograd():
    import torch

    out = lora.train_step(x=X, y=Y, r=2, alpha=4, lr=0.2, seed=3)
    model = _peft_linear(6, 6, r=2, alpha=4)
    lin = model.base_model.model.lin
    with torch.no_grad():
        lin.base_layer.weight.copy_(torch.tensor(out["w"]))
        lin.lora_A["default"].weight.copy_(torch.tensor(out["a"]))
        lin.lora_B["default"].weight.zero_()
    x, y = torch.tensor([X], dtype=torch.float32), torch.tensor([Y], dtype=torch.float32)
    h = model(x)
    assert h[0].tolist() == pytest.approx(out["h0"], abs=1e-5)
    loss = 0.5 * ((h - y) ** 2).sum()
    assert loss.item() == pytest.approx(out["loss0"], rel=1e-5)
    loss.backward()
    assert lin.base_layer.weight.grad is None  # W is frozen
    np.testing.assert_allclose(lin.lora_A["default"].weight.grad.detach().numpy(), out["grad_a"], atol=1e-6)
    np.testing.assert_allclose(lin.lora_B["default"].weight.grad.detach().numpy(), out["grad_b"], atol=1e-5)
    torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.2).step()
    np.testing.assert_allclose(lin.lora_B["default"].weight.detach().numpy(), out["b1"], atol=1e-5)
    np.testing.assert_allclose(lin.lora_A["default"].weight.detach().numpy(), out["a1"], atol=1e-6)
    h1 = model(x)
    assert h1[0].tolist() == pytest.approx(out["h1"], abs=1e-5)
    assert 0.5 * ((h1 - y) ** 2).sum().item() == pytest.approx(out["loss1"], rel=1e-5) and out["loss1"] < out["loss0"]
    assert (out["h1"] - np.array(out["wx"])).tolist() == pytest.approx(out["delta1"])


def test_lora_train_step_rejects_bad_rank():
    with pytest.raises(ValueError, match="r must be"):
        lora.train_step(x=X, y=Y, r=7, alpha=4, lr=0.1)
