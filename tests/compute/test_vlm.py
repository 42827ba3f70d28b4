"""vlm.shapes against transformers' InternVL: a small InternVLModel (448-px images, 14-px patches, pixel shuffle
0.5) run on a real image tensor, and the projector's parameters at InternVL2-1B's sizes."""

import pytest

from compute import vlm


def _config(transformers, vision_hidden, llm_hidden, image_size=448, patch=14):
    vision = {
        "hidden_size": vision_hidden,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "intermediate_size": 2 * vision_hidden,
        "image_size": [image_size, image_size],
        "patch_size": [patch, patch],
    }
    text = {
        "model_type": "qwen2",
        "hidden_size": llm_hidden,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "intermediate_size": 2 * llm_hidden,
        "vocab_size": 64,
    }
    return transformers.InternVLConfig(vision_config=vision, text_config=text, downsample_ratio=0.5)


@pytest.mark.parametrize(("image_size", "patch"), [(448, 14), (224, 16)])
def test_image_tokens_match_internvl_image_features(image_size, patch):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = transformers.InternVLModel(_config(transformers, 16, 24, image_size, patch)).eval()
    with torch.no_grad():
        feats = model.get_image_features(
            pixel_values=torch.randn(1, 3, image_size, image_size),
            vision_feature_layer=-1,
            vision_feature_select_strategy="default",
        )
        feats = feats.pooler_output if hasattr(feats, "pooler_output") else feats
    ours = vlm.shapes(image_size, patch, 16, 24, text_tokens=5)
    assert list(feats.shape[-2:]) == ours["image_tokens_shape"]
    assert ours["n_patches"] == (image_size // patch) ** 2 and ours["seq_len"] == ours["n_image_tokens"] + 5


def test_projector_widths_and_parameters_match_internvl2_1b():
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from transformers.models.internvl.modeling_internvl import InternVLMultiModalProjector

    proj = InternVLMultiModalProjector(_config(transformers, 1024, 896))
    ours = vlm.shapes(448, 14, 1024, 896, text_tokens=5)
    assert ours["projector"] == [proj.linear_1.in_features, proj.linear_1.out_features, proj.linear_2.out_features]
    assert ours["projector_params"] == sum(p.numel() for p in proj.parameters())
    assert ours["n_image_tokens"] == 256 and ours["merged_shape"] == [256, 4096]  # InternVL2's 256 tokens per tile


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="multiple of patch_size"):
        vlm.shapes(450, 14, 8, 8, 1)
    with pytest.raises(ValueError, match="downsample_ratio"):
        vlm.shapes(448, 14, 8, 8, 1, downsample_ratio=0.3)
