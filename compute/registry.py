"""The allow-list of compute functions a spec may call, by public name; modules import lazily."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
from collections.abc import Callable
from functools import cache
from pathlib import Path

# public name -> "module:function". Only these are reachable from a spec.
FUNCTIONS: dict[str, str] = {
    "llm.output_layer": "compute.llm:output_layer",
    "rl.discounted_returns": "compute.rl:discounted_returns",
    "sampling.multinomial": "compute.sampling:multinomial",
    "sampling.softmax": "compute.sampling:softmax",
    "sampling.temperature_curves": "compute.sampling:temperature_curves",
    "sampling.top_k": "compute.sampling:top_k",
    "sampling.top_p": "compute.sampling:top_p",
}


def names() -> list[str]:
    """All registered names, sorted."""
    return sorted(FUNCTIONS)


@cache
def get(name: str) -> Callable[..., dict]:
    """The function registered as `name` (KeyError when it is not in the allow-list)."""
    module, attr = FUNCTIONS[name].split(":")
    return getattr(importlib.import_module(module), attr)


@cache
def source_hash(name: str) -> str:
    """Hash of the source of the module defining `name` and of compute/'s shared helpers."""
    module = FUNCTIONS[name].split(":")[0]
    spec = importlib.util.find_spec(module)
    h = hashlib.sha256()
    files = [Path(spec.origin)] + sorted(Path(__file__).parent.glob("_*.py"))
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def doc(name: str) -> str:
    """First line of the function's docstring."""
    return (inspect.getdoc(get(name)) or "").splitlines()[0] if inspect.getdoc(get(name)) else ""
