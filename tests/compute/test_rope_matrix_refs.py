"""The RoPE diagram's block-diagonal R_m against transformers' apply_rotary_pos_emb (Llama)."""

import numpy as np
import pytest

from compute import rope

D, M = 8, 2
Q = [0.6, 0.8, 1.0, -0.5, 0.3, 0.9, -0.7, 0.4]
# transformers pairs dimension i with i + d/2 ("rotate_half"); the paper's R_m pairs (2i, 2i+1):
# half-layout dimension i sits at interleaved position 2i, dimension i + d/2 at 2i + 1
HALF_TO_INTERLEAVED = np.array([0, 4, 1, 5, 2, 6, 3, 7])


def test_block_diagonal_matrix_equals_apply_rotary_pos_emb():
    torch = pytest.importorskip("torch")
    from transformers import LlamaConfig
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding, apply_rotary_pos_emb

    emb = LlamaRotaryEmbedding(LlamaConfig(hidden_size=D * 2, num_attention_heads=2, rope_theta=10000.0))
    q_half = torch.tensor(np.array(Q)[np.argsort(HALF_TO_INTERLEAVED)], dtype=torch.float32)[None, None, None]
    cos, sin = emb(q_half, torch.tensor([[M]]))
    ref_half, _ = apply_rotary_pos_emb(q_half, q_half, cos, sin)
    ref = ref_half[0, 0, 0].numpy()[HALF_TO_INTERLEAVED]  # back to the paper's layout
    r = np.array(rope.rotation_matrix(head_dim=D, position=M)["matrix"])
    assert np.allclose(r @ np.array(Q), ref, atol=1e-6)
    assert np.allclose(rope.apply(x=[Q], positions=[M], style="interleaved")["rotated"][0], ref, atol=1e-6)


def test_only_the_diagonal_blocks_are_nonzero_and_each_keeps_the_pair_length():
    r = np.array(rope.rotation_matrix(head_dim=D, position=M)["matrix"])
    mask = np.kron(np.eye(D // 2), np.ones((2, 2))).astype(bool)
    assert np.all(r[~mask] == 0) and np.all(r[mask] != 0)
    out = r @ np.array(Q)
    for i in range(D // 2):
        assert np.hypot(*out[2 * i:2 * i + 2]) == pytest.approx(np.hypot(*Q[2 * i:2 * i + 2]))
