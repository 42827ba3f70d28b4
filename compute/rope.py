"""Rotary position embedding (RoPE): frequencies θ_i = base^(−2i/d), angles m·θ_i, and the rotation itself.

`apply` matches transformers' Llama (`LlamaRotaryEmbedding` + `apply_rotary_pos_emb`): dimension i is
paired with i + d/2 ("half", NeoX layout). The paper's layout pairs (2i, 2i+1) ("interleaved", GPT-J /
RoFormer); both give the same result up to a permutation of the dimensions.
"""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable


def _theta(head_dim: int, base: float) -> np.ndarray:
    if head_dim < 2 or head_dim % 2:
        raise ValueError(f"head_dim must be an even number >= 2, got {head_dim}")
    if not base > 1:
        raise ValueError(f"base must be > 1, got {base}")
    return base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)


def frequencies(head_dim: int, base: float = 10000.0) -> dict:
    """RoPE rotation frequencies θ_i = base^(−2i/d), i = 0..d/2−1 (fast-rotating first, slow last).

    Returns:
        theta: d/2 frequencies (radians per position).
        pair_index: for each of the d dimensions, the index i of its frequency (0, 0, 1, 1, … interleaved).
        wavelength: 2π/θ_i, positions per full turn.
    """
    th = _theta(head_dim, base)
    pair = np.repeat(np.arange(th.size), 2)
    return jsonable({"theta": th, "pair_index": pair, "wavelength": 2 * np.pi / th})


def angles(head_dim: int, positions: list[int], base: float = 10000.0) -> dict:
    """Rotation angles m·θ_i for each position m and frequency i (the RoPE heat-map table).

    Returns:
        positions: the positions, as given.
        theta: the d/2 frequencies.
        angles: len(positions) × d/2 table of m·θ_i (radians).
        wrapped: the same angles reduced to [0, 2π): where on the circle each pair points.
        turns: m·θ_i / 2π, the number of full turns pair i has made by position m.
    """
    th = _theta(head_dim, base)
    m = np.asarray(positions, dtype=np.float64)
    ang = np.outer(m, th)
    return jsonable({"positions": list(positions), "theta": th, "angles": ang,
                     "wrapped": np.mod(ang, 2 * np.pi), "turns": ang / (2 * np.pi)})


CIRCLE_POINTS = 73  # the unit circle drawn as a 72-gon (5° steps)


def pair_rotation(head_dim: int, pairs: list[int], positions: list[int], base: float = 10000.0) -> dict:
    """Where RoPE turns the unit vector (1, 0) of chosen pairs i at positions m: (cos m·θ_i, sin m·θ_i).

    Returns:
        theta: θ_i of each chosen pair.
        angle: per pair, m·θ_i at each position (radians).
        x: per pair, cos m·θ_i (the rotated vector's first coordinate).
        y: per pair, sin m·θ_i (its second coordinate).
        circle_x: x of the unit circle the vectors move on (CIRCLE_POINTS points).
        circle_y: y of the unit circle.
    """
    th = _theta(head_dim, base)
    idx = np.asarray(pairs, dtype=int)
    if idx.size == 0 or idx.min() < 0 or idx.max() >= th.size:
        raise ValueError(f"pairs must be indices in [0, {th.size - 1}], got {list(pairs)}")
    ang = np.outer(th[idx], np.asarray(positions, dtype=np.float64))
    t = np.linspace(0, 2 * np.pi, CIRCLE_POINTS)
    return jsonable({"theta": th[idx], "angle": ang, "x": np.cos(ang), "y": np.sin(ang),
                     "circle_x": np.cos(t), "circle_y": np.sin(t)})


def apply(x: list[list[float]], positions: list[int] | None = None, base: float = 10000.0,
          style: Literal["half", "interleaved"] = "half") -> dict:
    """Rotate query/key vectors (rows = positions) by their RoPE angles; "half" matches transformers' Llama.

    Returns:
        rotated: the rotated vectors, same shape as x.
        cos: cos of the per-dimension angles (rows × d, in the chosen layout).
        sin: sin of the per-dimension angles.
    """
    v = arr(x, "x", ndim=2)
    n, d = v.shape
    th = _theta(d, base)
    m = np.arange(n, dtype=np.float64) if positions is None else np.asarray(positions, dtype=np.float64)
    if m.size != n:
        raise ValueError(f"positions must have one entry per row of x ({n}), got {m.size}")
    ang = np.outer(m, th)
    if style == "half":
        emb = np.concatenate([ang, ang], axis=1)
        rot = np.concatenate([-v[:, d // 2:], v[:, :d // 2]], axis=1)  # rotate_half
    elif style == "interleaved":
        emb = np.repeat(ang, 2, axis=1)
        rot = np.empty_like(v)
        rot[:, 0::2], rot[:, 1::2] = -v[:, 1::2], v[:, 0::2]
    else:
        raise ValueError(f"style must be 'half' or 'interleaved', got {style!r}")
    cos, sin = np.cos(emb), np.sin(emb)
    return jsonable({"rotated": v * cos + rot * sin, "cos": cos, "sin": sin})


def rotation_matrix(head_dim: int, position: int, base: float = 10000.0) -> dict:
    """The block-diagonal d×d RoPE matrix R_m of the paper: 2×2 rotations by m·θ_i on pairs (2i, 2i+1).

    Returns:
        matrix: d × d rotation matrix (cos, −sin / sin, cos blocks on the diagonal, zeros elsewhere).
        angles: m·θ_i for each block.
    """
    th = _theta(head_dim, base)
    ang = position * th
    r = np.zeros((head_dim, head_dim))
    for i, a in enumerate(ang):
        c, s = np.cos(a), np.sin(a)
        r[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, -s], [s, c]]
    return jsonable({"matrix": r, "angles": ang})
