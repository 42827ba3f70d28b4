"""Chapter names: templates/chapters.yaml in each language, else a readable form of the chapter id."""

from __future__ import annotations

from functools import cache

import yaml

from ..project import CHAPTERS_FILE
from ..spec.yamlpos import MAX_BYTES
from ..trust import Refused, read_file

ACRONYMS = {"llm", "llms", "sft", "dpo", "ppo", "grpo", "rl", "rlhf", "rope", "mcts", "kv", "lora", "rag",
            "moe", "vlm", "mllm", "cot", "tot", "got", "gae", "td", "mc", "dqn", "ai"}


def chapter_title(chapter: str, lang: str = "en") -> str:
    """The chapter's name from templates/chapters.yaml, else from its id (`rl-basics` → `RL basics`)."""
    names = _chapter_names().get(chapter)
    if isinstance(names, dict) and isinstance(names.get(lang), str):
        return names[lang]
    words = chapter.split("-")
    out = [w.upper() if w in ACRONYMS else w for w in words]
    if out and out[0] == words[0] and out[0] not in ACRONYMS:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def known_chapters() -> list[str]:
    """The chapter ids templates/chapters.yaml names, in its order (empty without the file)."""
    return [k for k, v in _chapter_names().items() if isinstance(v, dict)]


@cache
def _chapter_names() -> dict:
    if not CHAPTERS_FILE.is_file():
        return {}
    try:
        raw = read_file(CHAPTERS_FILE, MAX_BYTES)
    except Refused:  # a link out of the project, a FIFO, too big: chapter ids are shown instead
        return {}
    return yaml.safe_load(raw.decode("utf-8")) or {}
