"""speculative against transformers' assisted generation (tiny models from a config, no hub) and an exact check
that the acceptance rule reproduces the target distribution."""

import itertools

import numpy as np
import pytest

from compute import speculative as s
from compute import tiny_lm

CFG = {"vocab": 8, "hidden_size": 8, "layers": 3, "heads": 2, "kv_heads": 1, "intermediate_size": 16}


def hf_llama(torch, transformers, model: tiny_lm.TinyLM, intermediate_size: int):
    cfg = transformers.LlamaConfig(vocab_size=model.vocab, hidden_size=model.hidden_size,
                                   intermediate_size=intermediate_size, num_hidden_layers=model.layers,
                                   num_attention_heads=model.heads, num_key_value_heads=model.kv_heads,
                                   rms_norm_eps=model.eps, tie_word_embeddings=False, attn_implementation="eager",
                                   pad_token_id=0, bos_token_id=None, eos_token_id=None)
    hf = transformers.LlamaForCausalLM(cfg).double().eval()
    hf.load_state_dict({k: torch.tensor(v) for k, v in model.weights.items()}, strict=True)
    return hf


@pytest.mark.parametrize("seed", [0, 4])
def test_greedy_speculative_equals_target_greedy_and_transformers_assisted_generation(seed):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    target = tiny_lm.build(**CFG, seed=seed)
    hf_target = hf_llama(torch, transformers, target, CFG["intermediate_size"])
    hf_draft = hf_llama(torch, transformers, tiny_lm.truncated(target, 2), CFG["intermediate_size"])
    prompt = [1, 2]
    ours = s.generate(**CFG, draft_layers=2, prompt=prompt, gamma=4, max_new_tokens=10, temperature=0, seed=seed)
    x = torch.tensor([prompt])
    with torch.no_grad():
        plain = hf_target.generate(x, do_sample=False, max_new_tokens=10, min_new_tokens=10)
        assisted = hf_target.generate(x, do_sample=False, max_new_tokens=10, min_new_tokens=10,
                                      assistant_model=hf_draft)
    assert plain[0, 2:].tolist() == assisted[0, 2:].tolist()  # transformers: assisted greedy = greedy
    assert ours["tokens"] == plain[0, 2:].tolist() == ours["target_greedy"]
    assert ours["target_passes"] < 10  # some proposals were accepted: fewer target passes than tokens
    for step in ours["passes"]:  # greedy: a proposal survives iff it is the target's argmax
        for i, st in enumerate(step["states"]):
            assert (st == "accepted") == (int(np.argmax(step["p"][i])) == step["proposals"][i]) or st == "discarded"


def _output_distribution(p, q):
    """Exact distribution of the token speculative sampling emits at one position: propose x ~ q, keep it with
    s.accept_prob, else draw from s.residual."""
    out = np.zeros_like(p)
    for x in range(len(p)):
        a = s.accept_prob(p, q, x)
        out[x] += q[x] * a
        out += q[x] * (1 - a) * s.residual(p, q)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_the_acceptance_rule_preserves_the_target_distribution(seed):
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(5) * 0.7), rng.dirichlet(np.ones(5) * 0.7)
    if seed % 4 == 0:
        q[rng.integers(5)] = 0  # the draft may give a token zero mass
        q /= q.sum()
    np.testing.assert_allclose(_output_distribution(p, q), p, atol=1e-12)
    # Σ min(p, q) is the acceptance rate β
    assert sum(q[x] * s.accept_prob(p, q, x) for x in range(5)) == pytest.approx(np.minimum(p, q).sum())


def test_a_wrong_residual_would_not_preserve_the_target():
    p, q = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.3, 0.5])
    out = np.zeros(3)
    for x in range(3):  # resampling from p instead of norm(max(0, p − q)) is biased
        a = s.accept_prob(p, q, x)
        out[x] += q[x] * a
        out += q[x] * (1 - a) * p
    assert not np.allclose(out, p)
    np.testing.assert_allclose(s.residual(p, q), [1.0, 0.0, 0.0])


def test_sampled_run_follows_the_rule_and_the_expected_length_formula():
    out = s.generate(**CFG, draft_layers=2, prompt=[1, 2], gamma=4, max_new_tokens=12, seed=4)
    for step in out["passes"]:
        n = step["accepted"]
        assert step["states"][:n] == ["accepted"] * n
        assert step["tokens"][:n] == step["proposals"][:n] and len(step["tokens"]) == n + 1
        for i in range(n):
            assert step["u"][i] < step["ratio"][i]
            assert step["ratio"][i] == pytest.approx(min(1, step["p_of"][i] / step["q_of"][i]))
        if n < 4:
            assert step["u"][n] >= step["ratio"][n] and step["fix_kind"] == "resample"
            assert set(step["states"][n + 1:]) <= {"discarded"}
            expect = np.maximum(np.array(step["p"][n]) - step["q"][n], 0)
            np.testing.assert_allclose(step["fix_dist"], expect / expect.sum())
            assert step["fix_dist"][step["proposals"][n]] == 0  # the rejected token cannot come back
    a = out["alpha"]
    assert out["expected_tokens"] == pytest.approx(sum(a ** k for k in range(5)))
    assert len(out["tokens"]) == 12


def test_distributions_come_from_the_target_and_its_truncated_draft():
    out = s.generate(**CFG, draft_layers=2, prompt=[1, 2], gamma=3, max_new_tokens=3, seed=1)
    step = out["passes"][0]
    target = tiny_lm.build(**CFG, seed=1)
    draft = tiny_lm.truncated(target, 2)
    ids = [1, 2] + step["proposals"]
    lt, ld = tiny_lm.forward(target, np.array(ids))[2], tiny_lm.forward(draft, np.array(ids))[2]
    for i in range(3):
        np.testing.assert_allclose(step["p"][i], np.exp(lt[1 + i]) / np.exp(lt[1 + i]).sum())
        np.testing.assert_allclose(step["q"][i], np.exp(ld[1 + i]) / np.exp(ld[1 + i]).sum())


@pytest.mark.parametrize(("kw", "match"), [({"gamma": 0}, "gamma"), ({"temperature": -1}, "temperature"),
                                           ({"prompt": [9]}, "prompt"), ({"draft_layers": 4}, "layers")])
def test_bad_arguments_are_refused(kw, match):
    args = {**CFG, "draft_layers": 2, "prompt": [1], **kw}
    with pytest.raises(ValueError, match=match):
        s.generate(**args)


def test_every_pair_of_one_hot_distributions_is_handled():
    eye = np.eye(3)
    for i, j in itertools.product(range(3), repeat=2):
        np.testing.assert_allclose(_output_distribution(eye[i], eye[j]), eye[i])
