import numpy as np
import pytest

from compute import reward_model

HIDDEN, VOCAB, PAD = 16, 40, 0


@pytest.fixture(scope="module")
def tiny_config():
    """A tiny Llama config built in code: the reward model and the SFT model are both built from it."""
    transformers = pytest.importorskip("transformers")
    return transformers.LlamaConfig(vocab_size=VOCAB, hidden_size=HIDDEN, intermediate_size=32, num_hidden_layers=2,
                                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                    pad_token_id=PAD, bos_token_id=None, eos_token_id=None, num_labels=1)


@pytest.fixture(scope="module")
def tiny_rm(tiny_config):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    return transformers.AutoModelForSequenceClassification.from_config(tiny_config).eval()


def test_head_shapes_are_those_of_real_modules(tiny_config, tiny_rm):
    transformers = pytest.importorskip("transformers")
    lm = transformers.AutoModelForCausalLM.from_config(tiny_config)
    out = reward_model.forward(token_ids=[3, 4, 5], pad_token_id=PAD, hidden_size=HIDDEN, vocab_size=VOCAB)
    # torch stores Linear weights as [out, in]; ours are [in, out]
    assert out["lm_head_shape"] == list(lm.lm_head.weight.shape)[::-1]
    assert out["reward_head_shape"] == list(tiny_rm.score.weight.shape)[::-1]
    assert lm.lm_head.bias is None and tiny_rm.score.bias is None
    assert out["lm_head_params"] == lm.lm_head.weight.numel()
    assert out["reward_head_params"] == tiny_rm.score.weight.numel()
    assert out["scores_shape"] == [3, tiny_config.num_labels]
    assert reward_model.heads(hidden_size=HIDDEN, vocab_size=VOCAB) == {
        k: out[k] for k in ("lm_head_shape", "reward_head_shape", "lm_head_params", "reward_head_params")} | {
        "ratio": VOCAB}


@pytest.mark.parametrize("ids", [[7, 12, 9, 31, 2, 0, 0], [0, 0, 7, 12, 9, 31, 2], [7, 12, 0, 9, 31, 2, 5]])
def test_reward_is_the_sequence_classification_output(tiny_rm, ids):
    """Scores and pooling match AutoModelForSequenceClassification(num_labels=1) on the same hidden states."""
    torch = pytest.importorskip("torch")
    x = torch.tensor([ids])
    with torch.no_grad():
        hidden = tiny_rm.model(input_ids=x).last_hidden_state[0]
        per_token = tiny_rm.score(hidden)[:, 0]
        pooled = tiny_rm(input_ids=x).logits[0, 0]
    out = reward_model.forward(token_ids=ids, pad_token_id=PAD, hidden_size=HIDDEN, vocab_size=VOCAB,
                               hidden_states=hidden.double().tolist(),
                               reward_head=tiny_rm.score.weight[0].double().tolist())
    assert out["scores"] == pytest.approx(per_token.tolist(), abs=1e-5)
    assert out["reward"] == pytest.approx(pooled.item(), abs=1e-5)
    assert out["last_index"] == max(i for i, t in enumerate(ids) if t != PAD)


def test_logits_are_the_lm_head_of_the_same_hidden_states(tiny_config):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(1)
    lm = transformers.AutoModelForCausalLM.from_config(tiny_config).eval()
    ids = [4, 8, 15, 16, 23]
    with torch.no_grad():
        hidden = lm.model(input_ids=torch.tensor([ids])).last_hidden_state[0]
        logits = lm(input_ids=torch.tensor([ids])).logits[0]
    out = reward_model.forward(token_ids=ids, pad_token_id=PAD, hidden_size=HIDDEN, vocab_size=VOCAB,
                               hidden_states=hidden.double().tolist(),
                               lm_head=lm.lm_head.weight.T.double().tolist())
    assert np.allclose(out["logits"], logits.numpy(), atol=1e-5)


def test_seeded_values_are_reproducible_and_scaled():
    a = reward_model.forward(token_ids=[1, 2, 3, 0], pad_token_id=0, hidden_size=64, vocab_size=8, seed=3)
    b = reward_model.forward(token_ids=[1, 2, 3, 0], pad_token_id=0, hidden_size=64, vocab_size=8, seed=3)
    assert a == b
    assert a["is_pad"] == [False, False, False, True] and a["last_index"] == 2
    assert a["reward"] == a["scores"][2]
    assert 0.1 < np.std(a["logits"]) < 10


def test_seeded_states_depend_on_the_prefix_only_like_a_causal_decoder():
    a = reward_model.forward(token_ids=[4, 5, 6, 7, 2], pad_token_id=0, hidden_size=8, vocab_size=10, seed=1)
    b = reward_model.forward(token_ids=[4, 5, 6, 9, 2, 0], pad_token_id=0, hidden_size=8, vocab_size=10, seed=1)
    assert a["hidden_states"][:3] == b["hidden_states"][:3] and a["scores"][:3] == b["scores"][:3]
    assert a["scores"][3] != b["scores"][3] and a["scores"][4] != b["scores"][4]
    assert b["last_index"] == 4


def test_forward_rejects_wrong_shapes_and_ids():
    with pytest.raises(ValueError, match="hidden_states must have shape"):
        reward_model.forward(token_ids=[1, 2], pad_token_id=0, hidden_size=3, vocab_size=5,
                             hidden_states=[[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="token_ids must lie"):
        reward_model.forward(token_ids=[1, 9], pad_token_id=0, hidden_size=3, vocab_size=5)


def test_loss_curve_matches_autograd():
    torch = pytest.importorskip("torch")
    z = torch.linspace(-8, 8, 33, dtype=torch.float64, requires_grad=True)
    loss = -torch.nn.functional.logsigmoid(z)
    loss.sum().backward()
    out = reward_model.loss_curve(margins=z.detach().tolist())
    assert out["loss"] == pytest.approx(loss.detach().tolist(), abs=1e-12)
    assert out["grad"] == pytest.approx(z.grad.tolist(), abs=1e-12)
    assert out["update"] == pytest.approx((-z.grad).tolist(), abs=1e-12)
    assert out["prob"] == pytest.approx(torch.sigmoid(z).tolist(), abs=1e-12)


def test_pairwise_step_matches_trl_loss_under_autograd_and_sgd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    fc, fr, w0 = rng.normal(size=(5, 6)), rng.normal(size=(5, 6)), rng.normal(size=6) * 0.3
    lr = 0.7
    w = torch.tensor(w0, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    # trl/trainer/reward_trainer.py: loss = -logsigmoid(r_chosen - r_rejected).mean()
    rc, rr = torch.tensor(fc) @ w, torch.tensor(fr) @ w
    loss = -torch.nn.functional.logsigmoid(rc - rr).mean()
    opt.zero_grad()
    loss.backward()
    grad = w.grad.clone()
    opt.step()
    with torch.no_grad():
        new_loss = -torch.nn.functional.logsigmoid(torch.tensor(fc) @ w - torch.tensor(fr) @ w).mean()
    out = reward_model.pairwise_step(chosen_features=fc.tolist(), rejected_features=fr.tolist(),
                                     weights=w0.tolist(), lr=lr, bias=0.25)
    assert out["loss"] == pytest.approx(loss.item(), abs=1e-12)
    assert out["grad"] == pytest.approx(grad.tolist(), abs=1e-12)
    assert out["new_weights"] == pytest.approx(w.detach().tolist(), abs=1e-12)
    assert out["new_loss"] == pytest.approx(new_loss.item(), abs=1e-12)
    assert out["new_loss"] < out["loss"]
    assert out["chosen_scores"] == pytest.approx((fc @ w0 + 0.25).tolist())


def test_pairwise_step_rejects_mismatched_batches():
    with pytest.raises(ValueError, match="pairs × 2"):
        reward_model.pairwise_step(chosen_features=[[1.0, 2.0]], rejected_features=[[1.0, 2.0], [0.0, 0.0]],
                                   weights=[0.1, 0.2], lr=0.1)
