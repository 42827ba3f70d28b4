"""generation.greedy_steps against transformers: the same weights loaded into LlamaForCausalLM, greedy
`generate`, and the softmax of its logits at every step; the head fit against torch autograd."""

import numpy as np
import pytest

from compute import bpe, generation
from tests.compute.test_speculative import hf_llama

ARGS = {
    "prompt": "How long should I boil an egg?",
    "reply": " About nine minutes.",
    "others": [" About six minutes.", " Nine minutes."],
}
ZH = {"prompt": "鸡蛋要煮多久？", "reply": "大约九分钟就好。", "others": ["大约十分钟。"]}


@pytest.mark.parametrize("args", [ARGS, ZH])
def test_steps_match_transformers_greedy_generate_and_its_probabilities(args):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    ours = generation.greedy_steps(**args)
    model, p_ids, r_ids = generation.fitted(**args)
    hf = hf_llama(torch, transformers, model, 64)
    x = torch.tensor([p_ids])
    with torch.no_grad():
        out = hf.generate(
            x, attention_mask=torch.ones_like(x), do_sample=False, max_new_tokens=len(r_ids), min_new_tokens=len(r_ids)
        )
    generated = out[0, len(p_ids) :].tolist()
    assert [t["id"] for t in ours["reply"]] == generated == r_ids and ours["matches"]
    tok = bpe.tokenizer(600)
    assert [t["id"] for t in ours["prompt"]] == tok.encode(args["prompt"]).ids
    assert ours["reply_text"] == args["reply"].strip()
    ids = list(p_ids)
    for step, nxt in zip(ours["steps"], generated, strict=True):
        assert [c["id"] for c in step["context"]] == ids  # the whole sequence so far is the input
        with torch.no_grad():
            probs = torch.softmax(hf(torch.tensor([ids])).logits[0, -1], -1).numpy()
        top = np.argsort(-probs)[:2]
        assert [c["id"] for c in step["candidates"]] == top.tolist() and step["chosen"]["id"] == nxt
        np.testing.assert_allclose(step["cand_probs"], probs[top], atol=1e-6)
        assert step["rest"] == pytest.approx(1 - probs[top].sum(), abs=1e-6)
        ids.append(nxt)


def test_future_slots_pad_every_step_to_the_final_length():
    ours = generation.greedy_steps(**ARGS)
    lengths = {len(s["slots"]) for s in ours["steps"]}
    assert lengths == {len(ours["prompt"]) + ours["n_steps"] - 1}
    first = ours["steps"][0]
    assert [s["future"] for s in first["slots"]].count(True) == ours["n_steps"] - 1
    assert not any(c["generated"] for c in first["context"])
    assert ours["steps"][-1]["context"][-1]["new"]


def test_fit_head_is_gradient_descent_on_cross_entropy():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    h, w0, y = rng.normal(size=(5, 4)), rng.normal(size=(7, 4)), np.array([1, 3, 3, 0, 6])
    w = torch.tensor(w0, requires_grad=True)
    for _ in range(3):
        loss = torch.nn.functional.cross_entropy(torch.tensor(h) @ w.T, torch.tensor(y))
        (g,) = torch.autograd.grad(loss, w)
        w = (w - 0.2 * g).detach().requires_grad_(True)
    np.testing.assert_allclose(generation.fit_head(h, y, w0, 3, 0.2), w.detach().numpy(), atol=1e-12)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="top"):
        generation.greedy_steps(**ARGS, top=0)
    with pytest.raises(ValueError, match="reply"):
        generation.greedy_steps(ARGS["prompt"], "")
