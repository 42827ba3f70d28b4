"""Bind a spec: run its compute calls, then fill placeholders — one bound diagram per language."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import pydantic

from compute import registry

from ..spec.bound import BoundDiagram
from ..spec.budget import time_limit
from ..spec.errors import Problem, SpecError
from ..spec.langs import LANGS, pick_lang
from ..spec.limits import check_call_args, check_limits
from ..spec.loader import CONTAINERS, Spec, pydantic_problems
from ..spec.models import MAX_REPEAT, Diagram
from ..spec.palette import categorical_roles
from .code_sources import code_sources
from .compute_calls import ComputeError, _coerce, call_cached
from .placeholders import ExprError, render_template
from .produced import FillBudget, ProducedError

MAX_COMPUTE_CALLS = 50  # compute calls in one spec (the most in specs/ is 8)
COMPUTE_TOTAL_SECONDS = 60.0  # all compute calls of one spec together (each has compute_seconds = 20)


@dataclass
class BoundSpec:
    """A spec whose numbers are values: compute results, their provenance, one filled diagram per language."""

    spec: Spec
    results: dict[str, Any]  # in the first language (a call's results differ by language only when its args do)
    provenance: dict[str, dict]
    langs: dict[str, BoundDiagram]  # language -> what layout draws
    derived: list[Any] = field(default_factory=list)  # values placeholders computed from inputs/results
    lang_results: dict[str, dict[str, Any]] = field(default_factory=dict)  # language -> its results
    lang_provenance: dict[str, dict[str, dict]] = field(default_factory=dict)  # language -> its provenance

    @property
    def diagram(self) -> Diagram:
        """The diagram filled for the first language (id, chapter, ids and edges are the same in all)."""
        return self.langs[LANGS[0]].diagram

    def for_lang(self, lang: str) -> BoundDiagram:
        """What layout draws in one language."""
        return self.langs[lang]

    @property
    def computed(self) -> dict[str, dict[str, Any]]:
        """Every compute result with its provenance: name -> {fn, args, source, result} (as layout gets it)."""
        return self.langs[LANGS[0]].computed


def bind(spec: Spec, use_cache: bool = True, frame: int | None = None) -> BoundSpec:
    """Run compute calls in order (per language: an argument may be {en: …, zh: …}), then fill every
    placeholder outside `compute:`.

    With a `sweep:`, the swept input takes the value of `frame` (default: the sweep's initial frame).
    """
    lang_results: dict[str, dict[str, Any]] = {lang: {} for lang in LANGS}
    lang_provenance: dict[str, dict[str, dict]] = {lang: {} for lang in LANGS}
    problems: list[Problem] = []
    raw, variables = swept_inputs(spec, frame)
    calls = list(spec.diagram.compute.items())
    if len(calls) > MAX_COMPUTE_CALLS:
        raise SpecError([spec.doc.problem(("compute",), f"{len(calls)} compute calls (limit max_compute_calls = "
                                                        f"{MAX_COMPUTE_CALLS})")])
    done: dict[str, Any] = {}  # (fn, args) called in this spec -> result: a call alike in every language runs once
    try:
        with time_limit(COMPUTE_TOTAL_SECONDS, _over_total):
            for lang in LANGS:
                found = _run_calls(calls, spec, raw, variables, lang_results[lang], lang_provenance[lang],
                                   use_cache, lang, done)
                if found and lang != LANGS[0]:  # only this language's arguments fail
                    found = [dataclasses.replace(p, message=f"[{lang}] {p.message}") for p in found]
                problems += found
                if problems:
                    break
    except ComputeError as e:  # the total ran out between two calls
        problems.append(spec.doc.problem(("compute",), str(e)))
    if problems:
        raise SpecError(problems)
    results, provenance = lang_results[LANGS[0]], lang_provenance[LANGS[0]]
    diagrams = {}
    derived: list[Any] = []
    computed: dict[str, dict[str, dict[str, Any]]] = {}
    for lang in LANGS:
        names = {**lang_results[lang], "vars": {k: _pick(v, lang) for k, v in variables.items()}}
        computed[lang] = {name: {**prov, "result": lang_results[lang][name]}
                          for name, prov in lang_provenance[lang].items()}
        budget = FillBudget()
        data = {k: (v if k in ("compute", "vars") else _fill(v, names, (k,), spec, derived, lang, budget))
                for k, v in raw.items()}
        too_big = check_limits(spec.doc, data)  # placeholders may have filled in large results
        if too_big:
            raise SpecError(too_big)
        try:
            diagrams[lang] = Diagram.model_validate(data)
        except pydantic.ValidationError as e:
            raise SpecError(pydantic_problems(spec.doc, e)) from None
    sources = code_sources(raw)
    langs = {lang: BoundDiagram(d, lang, spec.doc, computed[lang], sources) for lang, d in diagrams.items()}
    return BoundSpec(spec, results, provenance, langs, derived, lang_results, lang_provenance)


def _run_calls(calls: list, spec: Spec, raw: dict, variables: dict, results: dict, provenance: dict,
               use_cache: bool, lang: str, done: dict[str, Any]) -> list[Problem]:
    """Run the compute calls in order for one language, filling `results` and `provenance`; the problem of the
    first failure. An argument (or what a placeholder in it gives) that is {en: …, zh: …} is `lang`'s value."""
    for name, call in calls:
        base = ("compute", name)
        try:
            args = _fill(raw["compute"][name].get("args", {}), {**results, "vars": variables},
                         base + ("args",), spec, [], lang)  # in an {en, zh} argument only lang's is filled
            args = pick_lang(args, lang)
            too_big = check_call_args(args)  # before pydantic or the function touch a huge value
            if too_big:
                raise SpecError([spec.doc.problem(base + ("args", too_big[0]), too_big[1])])
            args = _coerce(call.fn, args)
            src = registry.source_hash(call.fn)
            key = json.dumps([call.fn, args, src], sort_keys=True, default=str, ensure_ascii=False)
            if key not in done:
                done[key] = call_cached(call.fn, args, src, use_cache)
            results[name] = done[key]
            provenance[name] = {"fn": call.fn, "args": args, "source": src}
        except SpecError as e:
            return e.problems
        except ComputeError as e:
            return [spec.doc.problem(base + ("fn",), f"{call.fn}: {e}")]
    return []


def swept_inputs(spec: Spec, frame: int | None) -> tuple[dict, dict]:
    """(raw spec data, vars) with a sweep's input set to one frame's value; as written without a sweep."""
    raw = spec.doc.data
    variables = raw.get("vars") or {}
    sw = spec.diagram.sweep
    if sw is None:
        return raw, variables
    values = sw.frame_values()
    written = variables.get(sw.var) if sw.var else _written_arg(raw, sw.arg)
    value = values[sw.initial_index(written) if frame is None else frame]
    if sw.var:
        return raw, {**variables, sw.var: value}
    name, arg = sw.arg.split(".")
    calls = dict(raw["compute"])
    calls[name] = {**calls[name], "args": {**(calls[name].get("args") or {}), arg: value}}
    return {**raw, "compute": calls}, variables


def _written_arg(raw: dict, target: str) -> Any:
    name, arg = target.split(".")
    return ((raw.get("compute") or {}).get(name) or {}).get("args", {}).get(arg)


def _over_total() -> ComputeError:
    return ComputeError(f"compute calls took longer than {COMPUTE_TOTAL_SECONDS:g} s together "
                        f"(limit compute_total_seconds = {COMPUTE_TOTAL_SECONDS:g})")


def _pick(value: Any, lang: str) -> Any:
    """A {en: …, zh: …} value in one language; anything else as it is."""
    if isinstance(value, dict) and set(value) == set(LANGS):
        return value[lang]
    return value


def _fill(value: Any, names: dict, path: tuple, spec: Spec, produced: list, lang: str | None = None,
          budget: FillBudget | None = None) -> Any:
    """Fill placeholders in strings, recursively; errors are located at the string's path.

    Inside a {en: …, zh: …} mapping only the branch of `lang` is filled (the other is never shown).
    With a `budget`, every filled-in value is counted and its text checked as it is produced.
    """
    if isinstance(value, str):
        if "{{" not in value:
            return value
        try:
            filled = render_template(value, names, produced=produced)
            if budget is not None:
                budget.add(filled)
            return filled
        except (ExprError, ProducedError) as e:
            prefix = "placeholder: " if isinstance(e, ExprError) else ""
            raise SpecError([spec.doc.problem(path, f"{prefix}{e}")]) from None
        except RecursionError:
            raise SpecError([spec.doc.problem(path, "placeholder nested too deeply")]) from None
    if isinstance(value, list):
        return [_fill(v, names, path + (i,), spec, produced, lang, budget) for i, v in enumerate(value)]
    if isinstance(value, dict):
        if path and path[-1] in CONTAINERS and "repeat" in value and "item" in value:
            return _repeat(value, names, path, spec, produced, lang, budget)
        if lang and set(value) == set(LANGS):
            return {k: (_fill(v, names, path + (k,), spec, produced, lang, budget) if k == lang else v)
                    for k, v in value.items()}
        return {k: _fill(v, names, path + (k,), spec, produced, lang, budget) for k, v in value.items()}
    return value




def _repeat(value: dict, names: dict, path: tuple, spec: Spec, produced: list, lang: str | None,
            budget: FillBudget | None) -> dict:
    """A container's `item` filled once per value of its `repeat` list, after its `items`; ({{ item }} is the value,
    {{ index }} its position, and an id in the item gets -<index>). Spec locations of a copy are its template's."""
    seq = _fill(value["repeat"], names, path + ("repeat",), spec, produced, lang, budget)
    if not isinstance(seq, list):
        raise SpecError([spec.doc.problem(path + ("repeat",), f"repeat needs a list (got {type(seq).__name__}: "
                                                              "expected a list, or a placeholder that gives one)")])
    if len(seq) > MAX_REPEAT:
        raise SpecError([spec.doc.problem(path + ("repeat",), f"repeat over {len(seq)} values (limit max_repeat = "
                                                              f"{MAX_REPEAT})")])
    out = {k: _fill(v, names, path + (k,), spec, produced, lang, budget) for k, v in value.items()
           if k not in ("repeat", "item", "color_by")}
    out["items"] = list(out.get("items") or [])
    colors = copy_roles(seq, value.get("color_by"))
    for i, v in enumerate(seq):
        spec.doc.sub.setdefault(path + ("items", len(out["items"])), (spec.doc, path + ("item",)))
        extra = {"color": colors[i]} if colors else {}
        item = _fill(_indexed_ids(value["item"], i), {**names, "item": v, "index": i, **extra}, path + ("item",),
                     spec, produced, lang, budget)
        out["items"].append(item)
    return out


def copy_roles(seq: list, color_by: str | None) -> list[str]:
    """The role of each copy under `color_by` (none without it): the theme's categorical cycle by position,
    or by distinct value in order of first appearance."""
    if color_by not in ("index", "value"):
        return []
    cycle = categorical_roles()
    if color_by == "index":
        return [cycle[i % len(cycle)] for i in range(len(seq))]
    seen: dict[str, int] = {}
    keys = [repr(v) for v in seq]
    for k in keys:
        seen.setdefault(k, len(seen))
    return [cycle[seen[k] % len(cycle)] for k in keys]


def _indexed_ids(element: Any, i: int) -> Any:
    """The template element with `-<i>` appended to its id and to the ids of the elements inside it."""
    if not isinstance(element, dict) or len(element) != 1:
        return element
    (kind, content), = element.items()
    if isinstance(content, list) and kind in CONTAINERS:
        return {kind: [_indexed_ids(v, i) for v in content]}
    if not isinstance(content, dict):
        return element
    content = dict(content)
    if isinstance(content.get("id"), str):
        content["id"] = f"{content['id']}-{i}"
    if kind in (*CONTAINERS, "box") and isinstance(content.get("items"), list):
        content["items"] = [_indexed_ids(v, i) for v in content["items"]]
    if kind == "bridge" and "item" in content:
        content["item"] = _indexed_ids(content["item"], i)
    if kind in CONTAINERS and "item" in content:
        content["item"] = _indexed_ids(content["item"], i)
    return {kind: content}
