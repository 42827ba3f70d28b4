"""Token IDs ↔ tokens from a byte-level BPE trained (with `tokenizers`) on the corpus the project ships.

No model hub: the tokenizer is trained here, deterministically, on compute/data/bpe-corpus.txt (a few hundred
lines of cooking chat in English and Chinese), with the ChatML special tokens, like Qwen's tokenizer in kind.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from compute._common import jsonable

CORPUS = Path(__file__).parent / "data" / "bpe-corpus.txt"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MAX_VOCAB = 4096
MAX_SLICE = 40
MAX_MESSAGES = 8
N_BYTES = 256


@cache
def tokenizer(vocab_size: int) -> Tokenizer:
    """The byte-level BPE tokenizer trained on CORPUS with `vocab_size` entries (specials, 256 bytes, merges)."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    tok.train_from_iterator(lines, trainer)
    return tok


def chatml(messages: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """The ChatML text of `messages` ({role, content}) and the character span of each message's content."""
    text, spans = "", []
    for m in messages:
        text += f"<|im_start|>{m['role']}\n"
        spans.append((len(text), len(text) + len(m["content"])))
        text += f"{m['content']}<|im_end|>\n"
    return text.removesuffix("\n"), spans


def _piece(raw: str, specials: set[str]) -> str:
    """A vocabulary entry as readable text: its bytes decoded as UTF-8 (␣ for a space, \\n for a newline), or
    the bytes in hex when they are part of a character."""
    if raw in specials:
        return raw
    data = bytes(_BYTES[c] for c in raw)
    try:
        return data.decode("utf-8").replace(" ", "␣").replace("\n", "\\n")
    except UnicodeDecodeError:
        return " ".join(f"{b:02X}" for b in data)


def _gpt2_bytes() -> dict[str, int]:
    """GPT-2's byte ↔ printable-character table (the one `tokenizers`' ByteLevel uses): character -> byte."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, n = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + n)
            n += 1
    return {c: b for b, c in chars.items()}


_BYTES = _gpt2_bytes()


def encode(messages: list[dict], vocab_size: int = 600, vocab_from: int = 0, vocab_count: int = 12) -> dict:
    """Encode a ChatML conversation with the project's byte-level BPE; also a slice of its vocabulary.

    Each message is {role, content}; the text is "<|im_start|>role\\ncontent<|im_end|>" per message, joined
    by newlines. A token's segment is 1 + the index of the message whose content it falls in, or 0 for the
    template (special tokens, role names, newlines).

    Returns:
        text: the ChatML text that was encoded.
        tokens: one record per token: pos (1-based), id, token (the vocabulary entry, Ġ = a leading space),
            piece (its text: ␣ for a space, \\n for a newline, hex bytes for part of a character), segment.
        ids: the token IDs.
        pieces: the pieces.
        segments: the segments.
        n_tokens: the number of tokens.
        decoded: the decoded IDs.
        roundtrip: decoded equals text.
        vocab_size: entries in the vocabulary.
        n_special: special tokens (IDs 0 … n_special − 1).
        n_merges: merged entries (IDs from n_special + n_bytes).
        n_bytes: single-byte entries (IDs from n_special: the byte-level base alphabet).
        vocab: the slice of the vocabulary from vocab_from: records of id, token, piece and in_sample ("✓" when
            the ID occurs in the text, else "").
    """
    if not 1 <= len(messages) <= MAX_MESSAGES:
        raise ValueError(f"messages must hold 1..{MAX_MESSAGES} messages, got {len(messages)}")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or set(m) != {"role", "content"}:
            raise ValueError(f"message {i} must be {{role, content}}, got {m!r}")
    if not len(SPECIALS) + N_BYTES < vocab_size <= MAX_VOCAB:
        raise ValueError(f"vocab_size must be in ({len(SPECIALS) + N_BYTES}, {MAX_VOCAB}], got {vocab_size}")
    if not 1 <= vocab_count <= MAX_SLICE:
        raise ValueError(f"vocab_count must be in [1, {MAX_SLICE}], got {vocab_count}")
    tok = tokenizer(vocab_size)
    size = tok.get_vocab_size()
    if not 0 <= vocab_from <= size - vocab_count:
        raise ValueError(f"vocab_from must be in [0, {size - vocab_count}], got {vocab_from}")
    text, spans = chatml(messages)
    enc = tok.encode(text)
    specials = set(SPECIALS)
    segments = [next((k + 1 for k, (a, b) in enumerate(spans) if a <= start < b), 0) for start, _ in enc.offsets]
    records = [{"pos": i + 1, "id": t_id, "token": raw, "piece": _piece(raw, specials), "segment": seg}
               for i, (t_id, raw, seg) in enumerate(zip(enc.ids, enc.tokens, segments, strict=True))]
    decoded = tok.decode(enc.ids, skip_special_tokens=False)
    used = set(enc.ids)
    vocab = [{"id": i, "token": tok.id_to_token(i), "piece": _piece(tok.id_to_token(i), specials),
              "in_sample": "✓" if i in used else ""} for i in range(vocab_from, vocab_from + vocab_count)]
    return jsonable({"text": text, "tokens": records, "ids": enc.ids, "pieces": [r["piece"] for r in records],
                     "segments": segments, "n_tokens": len(records), "decoded": decoded,
                     "roundtrip": decoded == text, "vocab_size": size, "n_special": len(SPECIALS),
                     "n_merges": size - len(SPECIALS) - N_BYTES, "n_bytes": N_BYTES, "vocab": vocab})
