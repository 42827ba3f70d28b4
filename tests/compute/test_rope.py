import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import rope

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def test_frequencies_match_the_original_spreadsheet():
    th = rope.frequencies(head_dim=128)["theta"]
    assert th[0] == 1.0 and th[1] == pytest.approx(0.86596, abs=1e-5)
    assert th[8] == pytest.approx(0.316228, abs=1e-6)
    assert th[45] == pytest.approx(1.5399e-3, rel=1e-4) and th[63] == pytest.approx(1.1548e-4, rel=1e-4)
    assert rope.frequencies(head_dim=128, base=1000)["theta"][63] == pytest.approx(1.114e-3, rel=1e-3)
    # sheet "seq=6": d = 6 -> 1, 0.046416, 0.0021544
    assert rope.frequencies(head_dim=6)["theta"] == pytest.approx([1.0, 0.046416, 0.0021544], rel=1e-4)
    assert rope.frequencies(head_dim=6)["pair_index"] == [0, 0, 1, 1, 2, 2]


def test_angles_are_position_times_theta():
    out = rope.angles(head_dim=6, positions=[0, 1, 5])
    assert out["angles"][0] == [0.0, 0.0, 0.0]
    assert out["angles"][2] == pytest.approx([5.0, 5 * 0.0464159, 5 * 0.00215443], rel=1e-5)


def test_rotation_matrix_is_orthogonal_and_matches_interleaved_apply():
    rng = np.random.default_rng(0)
    x = rng.normal(size=8)
    r = np.array(rope.rotation_matrix(head_dim=8, position=3)["matrix"])
    assert np.allclose(r @ r.T, np.eye(8))
    out = rope.apply(x=[x.tolist()], positions=[3], style="interleaved")["rotated"][0]
    assert np.allclose(r @ x, out)


@PROPS
@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 50))
def test_dot_product_depends_only_on_relative_position(m, n, shift):
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=16), rng.normal(size=16)

    def dot(a, b):
        out = rope.apply(x=[q.tolist(), k.tolist()], positions=[a, b])["rotated"]
        return float(np.dot(out[0], out[1]))

    assert dot(m, n) == pytest.approx(dot(m + shift, n + shift), abs=1e-8)


def test_half_and_interleaved_layouts_agree_up_to_a_permutation():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 8))
    perm = np.array([0, 4, 1, 5, 2, 6, 3, 7])  # interleaved dim 2i <- half dim i, 2i+1 <- i + d/2
    half = np.array(rope.apply(x=x.tolist())["rotated"])
    inter = np.array(rope.apply(x=x[:, perm].tolist(), style="interleaved")["rotated"])
    assert np.allclose(half[:, perm], inter)


def test_matches_transformers_llama_rotary_embedding():
    torch = pytest.importorskip("torch")
    from transformers import LlamaConfig
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding, apply_rotary_pos_emb

    cfg = LlamaConfig(hidden_size=64, num_attention_heads=4, max_position_embeddings=32)
    emb = LlamaRotaryEmbedding(cfg)
    torch.manual_seed(0)
    q, k = torch.randn(1, 1, 10, 16), torch.randn(1, 1, 10, 16)
    pos = torch.tensor([[0, 1, 2, 3, 5, 8, 13, 21, 30, 31]])
    cos, sin = emb(q, pos)
    q2, k2 = apply_rotary_pos_emb(q, k, cos, sin)
    ours = rope.apply(x=q[0, 0].double().tolist(), positions=pos[0].tolist())
    assert np.allclose(ours["rotated"], q2[0, 0].numpy(), atol=1e-5)
    assert np.allclose(ours["cos"], cos[0].numpy(), atol=1e-6)
    assert np.allclose(rope.apply(x=k[0, 0].double().tolist(), positions=pos[0].tolist())["rotated"],
                       k2[0, 0].numpy(), atol=1e-5)
    assert np.allclose(rope.frequencies(head_dim=16)["theta"], emb.inv_freq.numpy(), rtol=1e-6)


def test_angles_wrap_and_turns_follow_the_angle():
    out = rope.angles(head_dim=8, positions=[0, 7, 4095])
    ang, wrapped, turns = (np.array(out[k]) for k in ("angles", "wrapped", "turns"))
    assert np.all((wrapped >= 0) & (wrapped < 2 * np.pi))
    assert np.allclose(np.cos(wrapped), np.cos(ang)) and np.allclose(np.sin(wrapped), np.sin(ang))
    assert turns[2, 0] == pytest.approx(4095 / (2 * np.pi))  # θ_0 = 1 rad per position
    assert np.allclose(wrapped, ang - 2 * np.pi * np.floor(turns))


def test_pair_rotation_is_the_rope_rotation_of_a_unit_vector():
    # independent reference: rope.apply (interleaved) on e_{2i}, i.e. (1, 0) in pair i, is (cos, sin) there
    pairs, positions = [0, 3], [0, 1, 2, 10]
    out = rope.pair_rotation(head_dim=8, pairs=pairs, positions=positions)
    for k, i in enumerate(pairs):
        e = np.zeros(8)
        e[2 * i] = 1.0
        rot = np.array(rope.apply(x=[e.tolist()] * len(positions), positions=positions, style="interleaved")["rotated"])
        assert np.allclose(out["x"][k], rot[:, 2 * i]) and np.allclose(out["y"][k], rot[:, 2 * i + 1])
        assert out["theta"][k] == pytest.approx(10000 ** (-2 * i / 8))
    cx, cy = np.array(out["circle_x"]), np.array(out["circle_y"])
    assert np.allclose(cx ** 2 + cy ** 2, 1) and (cx[0], cy[0]) == pytest.approx((cx[-1], cy[-1]))
    with pytest.raises(ValueError, match="pairs"):
        rope.pair_rotation(head_dim=8, pairs=[4], positions=[0])
