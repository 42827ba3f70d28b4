"""dola against the paper's equations (Chuang et al. 2024, eqs. 1–4) written in torch on transformers'
LlamaForCausalLM loaded with the same weights (transformers 5 moved DoLa decoding out of its core).

Early exit reads layer j as softmax(lm_head(norm(h_j))); h_j is `hidden_states[j]` (j < N) and the final layer's
distribution is the model's own logits.
"""

import numpy as np
import pytest

from compute import dola, tiny_lm
from tests.compute.test_speculative import hf_llama

CFG = {"vocab": 8, "hidden_size": 16, "layers": 4, "heads": 2, "kv_heads": 1, "intermediate_size": 32}


def _paper(torch, hf, ids, premature, alpha):
    with torch.no_grad():
        out = hf(torch.tensor([ids]), output_hidden_states=True)
        q_n = torch.log_softmax(out.logits[0, -1], -1)
        q = {j: torch.log_softmax(hf.lm_head(hf.model.norm(out.hidden_states[j][0, -1])), -1) for j in premature}
    def jsd(a, b):  # noqa: E306
        m = 0.5 * (a.exp() + b.exp())
        return float(0.5 * (a.exp() * (a - m.log())).sum() + 0.5 * (b.exp() * (b - m.log())).sum())
    d = [jsd(q_n, q[j]) for j in premature]
    m = premature[int(np.argmax(d))]
    head = q_n.exp() >= alpha * q_n.exp().max()
    f = torch.where(head, q_n - q[m], torch.tensor(-float("inf"), dtype=q_n.dtype))
    return d, m, head.numpy(), (q_n - q[m]).numpy(), int(f.argmax())


@pytest.mark.parametrize(("seed", "std", "premature"), [(1, 0.5, [0, 1, 2, 3]), (16, 1.0, [0, 1, 2, 3]),
                                                       (5, 0.5, [1, 3])])
def test_dola_matches_the_papers_equations_on_transformers_llama(seed, std, premature):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    hf = hf_llama(torch, transformers, tiny_lm.build(**CFG, seed=seed, init_std=std), CFG["intermediate_size"])
    ours = dola.contrast(**CFG, prompt=[0, 1, 2], premature_layers=premature, alpha=0.1, steps=4, seed=seed,
                         init_std=std)
    d, m, head, contrast, pick = _paper(torch, hf, [0, 1, 2], premature, 0.1)
    np.testing.assert_allclose(ours["jsd"], d, atol=1e-6)
    assert ours["premature"] == m and ours["pick"] == pick
    assert ours["head"] == head.tolist()
    np.testing.assert_allclose(ours["contrast"], contrast, atol=1e-5)
    ids = [0, 1, 2]
    for tok, layer in zip(ours["tokens"], ours["premature_each_step"], strict=True):  # several steps
        _, m, _, _, pick = _paper(torch, hf, ids, premature, 0.1)
        assert (tok, layer) == (pick, m)
        ids.append(pick)
    with torch.no_grad():
        x = torch.tensor([[0, 1, 2]])  # id 0 is the pad id of the config: pass the mask explicitly
        greedy = hf.generate(x, attention_mask=torch.ones_like(x), do_sample=False, max_new_tokens=4,
                             min_new_tokens=4)
    assert ours["greedy"] == greedy[0, 3:].tolist()


def test_layer_rows_are_distributions_and_the_last_is_the_model_output():
    out = dola.contrast(**CFG, prompt=[0, 1, 2], premature_layers=[0, 1, 2, 3], seed=1, init_std=0.5)
    probs = np.array(out["layer_probs"])
    assert probs.shape == (5, 8)
    np.testing.assert_allclose(probs.sum(1), 1)
    np.testing.assert_allclose(probs[-1], out["final_probs"])
    np.testing.assert_allclose(probs[out["premature"]], out["premature_probs"])
    kept = np.array(out["head"])
    assert np.all(np.array(out["final_probs"])[kept] >= out["threshold"]) and kept.sum() < 8
    assert out["pick"] != out["greedy_pick"]  # the worked example: contrast changes the choice
    assert kept[out["pick"]]


@pytest.mark.parametrize(("kw", "match"), [({"alpha": 0}, "alpha"), ({"premature_layers": [4]}, "premature"),
                                           ({"premature_layers": []}, "premature"), ({"steps": 0}, "steps")])
def test_bad_arguments_are_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        dola.contrast(**{**CFG, "prompt": [0], "premature_layers": [0, 1], **kw})
