"""Stage 2, bind: run a spec's compute calls and fill its placeholders, one bound diagram per language."""

from __future__ import annotations

from .binder import BoundSpec, bind
from .compute_calls import ComputeError, cache_dir, call_cached

__all__ = ["BoundSpec", "ComputeError", "bind", "cache_dir", "call_cached"]
