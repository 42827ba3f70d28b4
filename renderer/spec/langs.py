"""The languages every diagram is written in (no imports: the build planner reads this without pydantic)."""

LANGS = ("en", "zh")
