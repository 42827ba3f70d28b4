"""Shared fixtures: write small specs to a temporary folder; isolate the compute cache per test."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _user_cache_dir(tmp_path_factory):
    """The user cache folder (where the signing secret of caches and stamps lives): one per test session,
    never the real ~/.cache."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own compute/render cache, so no test sees another's results."""
    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def write_spec(tmp_path: Path):
    """write_spec(text, name='s.yaml') -> Path of a dedented spec file in tmp_path."""

    def _write(text: str, name: str = "s.yaml") -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return _write
