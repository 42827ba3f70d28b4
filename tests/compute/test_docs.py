from compute import docs


def test_committed_function_reference_is_fresh():
    expected = docs.functions_markdown()
    current = docs.DOCS_PATH.read_text(encoding="utf-8") if docs.DOCS_PATH.exists() else ""
    assert current == expected, (
        "docs/functions.md is stale: run `vizspec functions --write` (or `python -m compute.docs --write`)")


def test_reference_lists_every_function_with_signature_and_return_keys():
    md = docs.functions_markdown()
    assert "rl.discounted_returns(rewards: list[float], gamma: float = 1.0)" in md
    assert 'dtype: Literal["fp32", "fp16", "bf16", "fp8", "int8", "int4"] = "fp16"' in md
    assert "- `probs`: softmax(logits / temperature), one per logit, sums to 1." in md
    assert "### `TokenNode`" in md and "- `next`: dict[str, TokenNode] (optional)" in md


def test_type_names_are_readable():
    assert docs.type_name(list[list[float]]) == "list[list[float]]"
    assert docs.type_name(int | None) == "int | None"
    assert docs.type_name(dict[str, float]) == "dict[str, float]"
