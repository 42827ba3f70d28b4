"""The collection's layout policy: no spec waives the slide-shape or dead-space checks (`make test` runs
`vizspec check all`, which fails on any finding that is not waived)."""

from __future__ import annotations

import yaml

from renderer.app.build import find_specs


def test_no_spec_waives_aspect_or_empty_space():
    offenders = []
    for path in find_specs():
        waive = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("waive") or {}
        offenders += [f"{path}: {name}" for name in waive if name in ("aspect", "empty-space")]
    assert not offenders


def test_every_waiver_gives_a_reason():
    for path in find_specs():
        for name, reason in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("waive") or {}).items():
            assert isinstance(reason, str) and len(reason) >= 12, (path, name)
