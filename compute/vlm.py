"""Shapes of a vision-language model (InternVL style): ViT patches, pixel-shuffle merge, MLP projector, LLM.

An image of image_size² pixels is cut into (image_size / patch_size)² patches; the vision encoder turns each into
a vision_hidden vector; pixel shuffle folds every (1/downsample_ratio)² neighbouring patches into one vector of
that many times the width (fewer, wider tokens); the projector (LayerNorm, Linear, GELU, Linear, as
transformers' InternVLMultiModalProjector) maps each to the LLM's hidden size, and those image tokens stand in
the LLM's input sequence beside the text tokens. tests/compute/test_vlm.py checks the counts and the projector
size against transformers' InternVLModel.
"""

from __future__ import annotations

from compute._common import jsonable


def _fold(downsample_ratio: float) -> int:
    """Patches merged per side by pixel shuffle: 1 / downsample_ratio, a whole number."""
    f = round(1 / downsample_ratio) if downsample_ratio > 0 else 0
    if f < 1 or abs(f * downsample_ratio - 1) > 1e-9:
        raise ValueError(f"downsample_ratio must be 1/k for a whole k >= 1, got {downsample_ratio}")
    return f


def shapes(
    image_size: int,
    patch_size: int,
    vision_hidden: int,
    llm_hidden: int,
    text_tokens: int,
    downsample_ratio: float = 0.5,
    channels: int = 3,
) -> dict:
    """Token counts and tensor shapes from an image and a prompt to the LLM's input sequence.

    Returns:
        grid: patches per side (image_size / patch_size).
        patch_pixels: numbers in one patch (patch_size² × channels).
        n_patches: patches per image (grid²).
        patches_shape: the vision encoder's output, n_patches × vision_hidden.
        fold: patches merged per side by pixel shuffle (1 / downsample_ratio).
        merged_grid: image tokens per side after the merge (grid / fold).
        n_image_tokens: image tokens per image (merged_grid²).
        merged_shape: after pixel shuffle, n_image_tokens × (vision_hidden · fold²).
        projector: the projector's widths, [vision_hidden · fold², llm_hidden, llm_hidden].
        projector_params: its parameters (LayerNorm weight and bias, two Linear layers with biases).
        image_tokens_shape: the projector's output, n_image_tokens × llm_hidden.
        seq_len: image tokens plus text tokens.
        sequence_shape: the LLM's input, seq_len × llm_hidden.
    """
    for name, v in (
        ("image_size", image_size),
        ("patch_size", patch_size),
        ("vision_hidden", vision_hidden),
        ("llm_hidden", llm_hidden),
        ("text_tokens", text_tokens),
        ("channels", channels),
    ):
        if not 1 <= v <= 1_000_000:
            raise ValueError(f"{name} must be in [1, 1000000], got {v}")
    if image_size % patch_size:
        raise ValueError(f"image_size must be a multiple of patch_size, got {image_size} and {patch_size}")
    grid, fold = image_size // patch_size, _fold(downsample_ratio)
    if grid % fold:
        raise ValueError(f"the patch grid ({grid} per side) must be a multiple of 1 / downsample_ratio ({fold})")
    merged, wide = grid // fold, vision_hidden * fold * fold
    n_img = merged * merged
    params = 2 * wide + wide * llm_hidden + llm_hidden + llm_hidden * llm_hidden + llm_hidden
    return jsonable(
        {
            "grid": grid,
            "patch_pixels": patch_size * patch_size * channels,
            "n_patches": grid * grid,
            "patches_shape": [grid * grid, vision_hidden],
            "fold": fold,
            "merged_grid": merged,
            "n_image_tokens": n_img,
            "merged_shape": [n_img, wide],
            "projector": [wide, llm_hidden, llm_hidden],
            "projector_params": params,
            "image_tokens_shape": [n_img, llm_hidden],
            "seq_len": n_img + text_tokens,
            "sequence_shape": [n_img + text_tokens, llm_hidden],
        }
    )
