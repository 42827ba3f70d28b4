"""Bind a spec: run its compute calls (through the registry, cached on disk) and fill placeholders."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import threading
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from compute import registry

from .expr import ExprError, render_template
from .spec.errors import Problem, SpecError
from .spec.limits import COMPUTE_MEMORY_BYTES, check_call_args, check_limits, memory_limit
from .spec.loader import Spec, _pydantic_problem
from .spec.models import Diagram

LANGS = ("en", "zh")

COMPUTE_SECONDS = 20.0
MAX_RESULT_BYTES = 5_000_000


@dataclass
class BoundSpec:
    """A spec whose numbers are values: compute results, their provenance, the filled-in diagram."""

    spec: Spec
    diagram: Diagram  # filled for the first language (metadata, ids, edges are the same in all)
    results: dict[str, Any]
    provenance: dict[str, dict]
    diagrams: dict[str, Diagram] = field(default_factory=dict)  # language -> filled diagram
    derived: list[Any] = field(default_factory=list)  # values placeholders computed from inputs/results

    def for_lang(self, lang: str) -> Diagram:
        """The diagram with placeholders filled for one language."""
        return self.diagrams.get(lang, self.diagram)


def cache_dir() -> Path:
    """Where compute results are cached (VIZSPEC_CACHE, else .cache/vizspec under the working dir)."""
    return Path(os.environ.get("VIZSPEC_CACHE", ".cache/vizspec"))


def bind(spec: Spec, use_cache: bool = True) -> BoundSpec:
    """Run compute calls in order, then fill every placeholder outside `compute:`."""
    results: dict[str, Any] = {}
    provenance: dict[str, dict] = {}
    problems: list[Problem] = []
    raw = spec.doc.data
    variables = raw.get("vars") or {}
    for name, call in spec.diagram.compute.items():
        base = ("compute", name)
        try:
            args = _fill(raw["compute"][name].get("args", {}), {**results, "vars": variables},
                         base + ("args",), spec, [])
            too_big = check_call_args(args)  # before pydantic or the function touch a huge value
            if too_big:
                raise SpecError([spec.doc.problem(base + ("args", too_big[0]), too_big[1])])
            args = _coerce(call.fn, args)
            src = registry.source_hash(call.fn)
            results[name] = call_cached(call.fn, args, src, use_cache)
            provenance[name] = {"fn": call.fn, "args": args, "source": src}
        except SpecError as e:
            problems += e.problems
            break
        except ComputeError as e:
            problems.append(spec.doc.problem(base + ("fn",), f"{call.fn}: {e}"))
            break
    if problems:
        raise SpecError(problems)
    diagrams = {}
    derived: list[Any] = []
    for lang in LANGS:
        names = {**results, "vars": {k: _pick(v, lang) for k, v in variables.items()}}
        data = {k: (v if k in ("compute", "vars") else _fill(v, names, (k,), spec, derived, lang))
                for k, v in raw.items()}
        too_big = check_limits(spec.doc, data)  # placeholders may have filled in large results
        if too_big:
            raise SpecError(too_big)
        try:
            diagrams[lang] = Diagram.model_validate(data)
        except pydantic.ValidationError as e:
            raise SpecError([_pydantic_problem(spec.doc, err) for err in e.errors()]) from None
    return BoundSpec(spec, diagrams[LANGS[0]], results, provenance, diagrams, derived)


def _pick(value: Any, lang: str) -> Any:
    """A {en: …, zh: …} value in one language; anything else as it is."""
    if isinstance(value, dict) and set(value) == set(LANGS):
        return value[lang]
    return value


def _fill(value: Any, names: dict, path: tuple, spec: Spec, produced: list, lang: str | None = None) -> Any:
    """Fill placeholders in strings, recursively; errors are located at the string's path.

    Inside a {en: …, zh: …} mapping only the branch of `lang` is filled (the other is never shown).
    """
    if isinstance(value, str):
        if "{{" not in value:
            return value
        try:
            return render_template(value, names, produced=produced)
        except ExprError as e:
            raise SpecError([spec.doc.problem(path, f"placeholder: {e}")]) from None
        except RecursionError:
            raise SpecError([spec.doc.problem(path, "placeholder nested too deeply")]) from None
    if isinstance(value, list):
        return [_fill(v, names, path + (i,), spec, produced, lang) for i, v in enumerate(value)]
    if isinstance(value, dict):
        if lang and set(value) == set(LANGS):
            return {k: (_fill(v, names, path + (k,), spec, produced, lang) if k == lang else v)
                    for k, v in value.items()}
        return {k: _fill(v, names, path + (k,), spec, produced, lang) for k, v in value.items()}
    return value


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


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after `seconds` (only where signals work: the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    armed = [True]

    def _raise(_sig, _frame):
        if armed[0]:
            raise ComputeError(f"took longer than {seconds:g} s (limit compute_seconds = {seconds:g})")

    old = signal.signal(signal.SIGALRM, _raise)
    # the alarm repeats until cancelled: one raised inside a __del__ or gc callback is swallowed by Python
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    finally:
        while True:  # a late alarm may land in this cleanup: retry until the timer is off
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
                break
            except ComputeError:
                continue


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
    except ComputeError:
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
