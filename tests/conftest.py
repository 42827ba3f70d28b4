"""Shared fixtures: write small specs to a temporary folder; isolate the compute cache per test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own compute/render cache (and signing secret), so no test sees another's results."""
    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture
def write_spec(tmp_path: Path):
    """write_spec(text, name='s.yaml') -> Path of a dedented spec file in tmp_path."""

    def _write(text: str, name: str = "s.yaml") -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return _write
