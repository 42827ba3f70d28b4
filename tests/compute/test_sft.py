import math

import numpy as np
import pytest

from compute import sft


def test_packing_next_fit_catalogue_positions():
    out = sft.packing(lengths=[3, 2, 4], max_len=10, position_base=1)
    assert out["rows"] == [[0, 1, 2]]
    assert out["position_ids"][0] == [1, 2, 3, 1, 2, 1, 2, 3, 4, -1]
    assert out["sample_ids"][0] == [0, 0, 0, 1, 1, 2, 2, 2, 2, -1]
    assert out["utilisation"] == pytest.approx(0.9)


def test_packing_strategies():
    nf = sft.packing(lengths=[6, 5, 4, 3], max_len=8)
    assert nf["rows"] == [[0], [1], [2, 3]]
    ffd = sft.packing(lengths=[2, 6, 5, 3], max_len=8, strategy="first_fit_decreasing")
    assert ffd["rows"] == [[1, 0], [2, 3]]


def test_attention_mask_is_block_diagonal_causal():
    m = np.array(sft.packing(lengths=[2, 3], max_len=6)["attention_mask"][0])
    expected = np.zeros((6, 6), dtype=bool)
    expected[:2, :2] = np.tril(np.ones((2, 2), dtype=bool))
    expected[2:5, 2:5] = np.tril(np.ones((3, 3), dtype=bool))
    assert (m == expected).all()


def test_packing_matches_data_collator_with_flattening():
    pytest.importorskip("torch")
    from transformers import DataCollatorWithFlattening

    seqs = [[5, 6, 7], [8, 9], [10, 11, 12, 13]]
    batch = DataCollatorWithFlattening(return_tensors="np")([{"input_ids": s} for s in seqs])
    out = sft.packing(lengths=[len(s) for s in seqs], max_len=9)
    assert out["position_ids"][0] == batch["position_ids"][0].tolist()  # [0,1,2,0,1,0,1,2,3]
    assert out["loss_mask"][0] == (batch["labels"][0] != -100).tolist()


def test_shifted_ce_from_target_probabilities():
    # 3 prompt tokens then 3 response tokens: positions 2, 3, 4 predict the response
    probs = [0.001, 0.002, 0.327, 0.5, 0.99]
    out = sft.shifted_ce(input_ids=[11, 12, 13, 21, 22, 23], prompt_len=3, target_probs=probs)
    assert out["labels"] == [-100, -100, 21, 22, 23, -100]
    assert out["counted"] == [False, False, True, True, True, False]
    assert out["loss"] == pytest.approx(-(math.log(0.327) + math.log(0.5) + math.log(0.99)) / 3)


def test_shifted_ce_matches_for_causal_lm_loss():
    torch = pytest.importorskip("torch")
    from transformers.loss.loss_utils import ForCausalLMLoss

    rng = np.random.default_rng(0)
    n, vocab, prompt_len = 9, 11, 4
    logits = rng.normal(size=(n, vocab))
    ids = rng.integers(0, vocab, n).tolist()
    labels = torch.tensor([[-100] * prompt_len + ids[prompt_len:]])
    ref = ForCausalLMLoss(torch.tensor(logits[None], dtype=torch.float32), labels, vocab_size=vocab)
    out = sft.shifted_ce(input_ids=ids, prompt_len=prompt_len, logits=logits.tolist())
    assert out["loss"] == pytest.approx(ref.item(), abs=1e-5)
    assert out["labels"][:-1] == labels[0, 1:].tolist()  # the shift: logits[t] predicts labels[t+1]


def test_shifted_ce_vocab_probs_are_the_per_position_softmax_by_vocabulary_row():
    logits = [[0.0, 1.0, 2.0], [3.0, 0.0, -1.0], [0.5, 0.5, 0.5]]
    out = sft.shifted_ce(input_ids=[2, 0, 1], prompt_len=1, logits=logits)
    vp = np.array(out["vocab_probs"])
    assert vp.shape == (3, 3)  # V rows × n positions
    for t, row in enumerate(logits):
        e = [math.exp(v) for v in row]
        assert vp[:, t] == pytest.approx([v / sum(e) for v in e])
    # the probability of each label is its vocabulary row in the position's column
    assert out["target_probs"][:2] == pytest.approx([vp[0, 0], vp[1, 1]])
    assert sft.shifted_ce(input_ids=[2, 0, 1], prompt_len=1, target_probs=[0.5, 0.5])["vocab_probs"] == []
