"""Computed values as short text (what the gallery shows and searches, and a sweep's slider lists per frame), and
texts picked per language for them."""

from __future__ import annotations

import json
from typing import Any


def in_lang(value: Any, lang: str) -> str | None:
    """A text in one language: a plain string as it is, an {en, zh} text's branch."""
    if value is None or isinstance(value, str):
        return value
    return getattr(value, lang, None)


VALUE_CHARS = 400  # a computed value is shown (and searched) up to this many characters


def computed_values(computed: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """Every computed value as short text for the gallery: name, function, arguments and result."""
    return [{"name": name, "fn": str(prov.get("fn")),
             "args": ", ".join(f"{k}={_short(v)}" for k, v in (prov.get("args") or {}).items()),
             "result": _short(prov.get("result"))} for name, prov in sorted(computed.items())]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…"
