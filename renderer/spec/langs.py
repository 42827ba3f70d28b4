"""The languages every diagram is written in (no imports: the build planner reads this without pydantic)."""

LANGS = ("en", "zh")


def pick_lang(value, lang: str):
    """`value` with every {en: …, zh: …} mapping in it replaced by its `lang` value (compute arguments)."""
    if isinstance(value, dict):
        if set(value) == set(LANGS):
            return pick_lang(value[lang], lang)
        return {k: pick_lang(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [pick_lang(v, lang) for v in value]
    return value
