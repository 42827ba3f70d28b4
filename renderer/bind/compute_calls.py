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

from .. import trust
from ..spec.budget import BudgetExceeded, time_limit
from ..spec.limits import COMPUTE_MEMORY_BYTES, memory_limit

COMPUTE_SECONDS = 20.0
MAX_RESULT_BYTES = 5_000_000


def cache_dir() -> Path:
    """Where compute results are cached: VIZSPEC_CACHE, else the user's cache folder (outside the checkout)."""
    return trust.cache_dir()


def _canonical(result: Any) -> str:
    return json.dumps(result, sort_keys=True, ensure_ascii=False, allow_nan=True)


def _entry_mac(key: str, text: str) -> str | None:
    """The signature an entry carries: over its key and its result, with the user's secret."""
    return trust.sign(f"{key}\0{text}".encode())


def _read_entry(path: Path, key: str) -> Any:
    """The result stored at `path` if this user's signature over (key, result) holds; None otherwise.

    An entry is `{"mac": …, "result": …}`; one planted (a committed cache), copied from another user or
    corrupt fails the check and is recomputed.
    """
    try:
        entry = json.loads(trust.read_file(path, 2 * MAX_RESULT_BYTES, "max_result_bytes"))
        cached = entry["result"]
        if not trust.verify(f"{key}\0{_canonical(cached)}".encode(), entry["mac"]):
            return None
    except (trust.Refused, ValueError, RecursionError, TypeError, KeyError):
        return None
    return None if _non_finite(cached) else cached  # an entry is checked like a fresh result


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
        cached = _read_entry(path, key)
        if cached is not None:
            return cached
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
    text = _canonical(result)
    if len(text) > MAX_RESULT_BYTES:
        raise ComputeError(f"result too large: {len(text)} bytes (limit max_result_bytes = {MAX_RESULT_BYTES})")
    bad = _non_finite(result)
    if bad:
        raise ComputeError(f"result has a NaN or infinite value at {bad} (expected finite numbers)")
    result = json.loads(text)
    mac = _entry_mac(key, text) if use_cache else None
    if mac is not None:  # no secret (an unwritable home): nothing is cached
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(f'{{"mac": "{mac}", "result": {text}}}', encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache folder: the result is still right
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
