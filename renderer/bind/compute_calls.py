"""Compute calls: through the registry, memoised on disk, bounded in time, memory and result size."""

from __future__ import annotations

import hashlib
import json
import math
import os
import typing
from pathlib import Path
from typing import Any

import pydantic

from compute import registry

from ..spec.budget import BudgetExceeded, time_limit
from ..spec.limits import COMPUTE_MEMORY_BYTES, memory_limit

COMPUTE_SECONDS = 20.0
MAX_RESULT_BYTES = 5_000_000


def cache_dir() -> Path:
    """Where compute results are cached (VIZSPEC_CACHE, else .cache/vizspec under the working dir)."""
    return Path(os.environ.get("VIZSPEC_CACHE", ".cache/vizspec"))


class ComputeError(Exception):
    """A compute call that failed, timed out or returned something unprintable."""


def _coerce(fn: str, args: dict[str, Any]) -> dict[str, Any]:
    """Validate arguments against the function's annotations (after placeholders are filled)."""
    hints = typing.get_type_hints(registry.get(fn))
    out = {}
    for k, v in args.items():
        if k in hints:
            try:
                v = pydantic.TypeAdapter(hints[k]).validate_python(v)
            except pydantic.ValidationError as e:
                raise ComputeError(f"argument '{k}': {e.errors()[0]['msg']}") from None
        out[k] = v
    return out


def _time_limit(seconds: float):
    """Interrupt the block after `seconds` with a ComputeError (only where signals work: the main thread)."""
    return time_limit(seconds, lambda: ComputeError(f"took longer than {seconds:g} s "
                                                    f"(limit compute_seconds = {seconds:g})"))


def call_cached(fn: str, args: dict[str, Any], source: str, use_cache: bool = True) -> Any:
    """Call a registered function, memoised on disk by (function, arguments, source hash)."""
    key_text = json.dumps([fn, args, source], sort_keys=True, default=str, ensure_ascii=False)
    key = hashlib.sha256(key_text.encode()).hexdigest()
    path = cache_dir() / "compute" / key[:2] / f"{key}.json"
    if use_cache and path.is_file():
        try:
            if path.stat().st_size <= MAX_RESULT_BYTES:
                cached = json.loads(path.read_text())
                if not _non_finite(cached):  # an entry is checked like a fresh result
                    return cached
        except (OSError, ValueError, RecursionError):
            pass  # a corrupt entry is recomputed
    try:
        with memory_limit(COMPUTE_MEMORY_BYTES), _time_limit(COMPUTE_SECONDS):  # timer off before memory back
            result = registry.get(fn)(**args)
    except (ComputeError, BudgetExceeded):
        raise
    except MemoryError:
        raise ComputeError(f"needs more memory than allowed (limit compute_memory_bytes = "
                           f"{COMPUTE_MEMORY_BYTES})") from None
    except Exception as e:  # the function rejected its input: report, do not crash the build
        raise ComputeError(str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}") from None
    text = json.dumps(result, sort_keys=True, ensure_ascii=False, allow_nan=True)
    if len(text) > MAX_RESULT_BYTES:
        raise ComputeError(f"result too large: {len(text)} bytes (limit max_result_bytes = {MAX_RESULT_BYTES})")
    bad = _non_finite(result)
    if bad:
        raise ComputeError(f"result has a NaN or infinite value at {bad} (expected finite numbers)")
    result = json.loads(text)
    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    return result


def _non_finite(v: Any, where: str = "result") -> str | None:
    if isinstance(v, float) and not math.isfinite(v):
        return where
    if isinstance(v, list):
        for i, x in enumerate(v):
            if (w := _non_finite(x, f"{where}[{i}]")):
                return w
    if isinstance(v, dict):
        for k, x in v.items():
            if (w := _non_finite(x, f"{where}.{k}")):
                return w
    return None
