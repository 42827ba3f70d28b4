import pytest


@pytest.fixture(scope="session")
def tiny_llama():
    """A randomly initialised 2-layer Llama built from a LlamaConfig in code (no hub, no weights)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    cfg = transformers.LlamaConfig(vocab_size=32, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                   num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                   pad_token_id=0, bos_token_id=None, eos_token_id=None)
    return transformers.LlamaForCausalLM(cfg).eval()
