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
