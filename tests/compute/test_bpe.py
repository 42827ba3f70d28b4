import re

import pytest

tokenizers = pytest.importorskip("tokenizers")

from compute import bpe  # noqa: E402  (needs the optional package)

EN = [{"role": "system", "content": "You are a kind cooking assistant."},
      {"role": "user", "content": "How long should I boil an egg?"},
      {"role": "assistant", "content": "About nine minutes for a firm yolk."}]
ZH = [{"role": "system", "content": "你是一位耐心的助手。"},
      {"role": "user", "content": "鸡蛋要煮多久？"},
      {"role": "assistant", "content": "大约九分钟，蛋黄就凝固了。"}]


def _reference(vocab_size: int) -> "tokenizers.Tokenizer":
    """The same recipe written out with the library directly (not through compute.bpe's cache)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    lines = [x for x in bpe.CORPUS.read_text(encoding="utf-8").splitlines() if not x.startswith("#")]
    tok.train_from_iterator(lines, trainers.BpeTrainer(
        vocab_size=vocab_size, show_progress=False, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok


def _bytes(piece: str) -> bytes:
    if re.fullmatch(r"[0-9A-F]{2}( [0-9A-F]{2})*", piece):
        return bytes.fromhex(piece)
    return piece.replace("␣", " ").replace("\\n", "\n").encode()


@pytest.mark.parametrize("messages", [EN, ZH])
def test_ids_are_the_tokenizers_own_and_decode_round_trips(messages):
    out = bpe.encode(messages, vocab_size=600, vocab_from=276, vocab_count=10)
    ref = _reference(600)
    text = "\n".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>" for m in messages)
    assert out["text"] == text
    enc = ref.encode(text)
    assert out["ids"] == enc.ids and [t["token"] for t in out["tokens"]] == enc.tokens
    assert out["roundtrip"] is True and ref.decode(out["ids"], skip_special_tokens=False) == text
    assert out["vocab_size"] == ref.get_vocab_size() == 600
    assert out["n_merges"] == 600 - 3 - 256
    assert [v["token"] for v in out["vocab"]] == [ref.id_to_token(i) for i in range(276, 286)]
    assert [v["in_sample"] == "✓" for v in out["vocab"]] == [i in enc.ids for i in range(276, 286)]
    # the pieces are the tokens' bytes: together they are the text, and a whole-character piece is what the
    # library's own byte-level decoder makes of that one token
    assert b"".join(_bytes(p) for p in out["pieces"] if not p.startswith("<|")) == \
        text.replace("<|im_start|>", "").replace("<|im_end|>", "").encode()
    for t in out["tokens"]:
        if not t["token"].startswith("<|") and not re.fullmatch(r"[0-9A-F]{2}( [0-9A-F]{2})*", t["piece"]):
            assert ref.decoder.decode([t["token"]]) == _bytes(t["piece"]).decode()


def test_segments_cover_each_message_content():
    out = bpe.encode(EN)
    for k, m in enumerate(EN, start=1):
        assert "".join(p for p, s in zip(out["pieces"], out["segments"], strict=True) if s == k).replace("␣", " ") \
            == m["content"]
    assert out["segments"][0] == 0 and out["pieces"][0] == "<|im_start|>"


def test_training_is_deterministic():
    a, b = _reference(600), _reference(600)
    assert a.get_vocab() == b.get_vocab()
    assert bpe.tokenizer(600).get_vocab() == a.get_vocab()


def test_a_partial_character_is_shown_as_bytes():
    # a rare character is split into byte pieces; their hex bytes join back into its UTF-8
    out = bpe.encode([{"role": "user", "content": "饪"}])
    pieces = [p for p, s in zip(out["pieces"], out["segments"], strict=True) if s == 1]
    assert len(pieces) > 1 and b"".join(_bytes(p) for p in pieces) == "饪".encode()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"messages": []}, "messages must hold"),
    ({"messages": [{"role": "user"}]}, "message 0 must be"),
    ({"messages": EN, "vocab_size": 100}, "vocab_size must be"),
    ({"messages": EN, "vocab_from": 595, "vocab_count": 10}, "vocab_from must be"),
])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bpe.encode(**kwargs)
