"""The JSON Schema of a spec, generated from the pydantic models, and located schema errors.

Validation reads the committed schema/diagram.schema.json (tests/renderer/test_schema.py checks it is
what the models generate): generating it from the models took 8 % of a one-diagram process.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from compute import registry

from ..project import SCHEMA_FILE
from .errors import Problem
from .yamlpos import Located

if TYPE_CHECKING:
    import jsonschema  # imported where a spec fails its models (loader), not by every valid render

SCHEMA_ID = "https://vizspec.dev/schema/diagram.schema.json"


@cache
def diagram_schema() -> dict:
    """The JSON Schema of a diagram spec, generated from the models."""
    from pydantic.json_schema import GenerateJsonSchema

    from .models import Diagram

    class NoNull(GenerateJsonSchema):
        """Optional fields are simply not written: drop the `null` branch pydantic adds for `X | None`."""

        def nullable_schema(self, schema: Any) -> Any:
            return self.generate_inner(schema["schema"])

        def default_schema(self, schema: Any) -> Any:
            out = super().default_schema(schema)
            if out.get("default", 0) is None:
                out.pop("default")
            return out

    schema = Diagram.model_json_schema(by_alias=True, schema_generator=NoNull)
    return editor_hints({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema})


def editor_hints(schema: dict) -> dict:
    """What an editor completes and shows on hover, added without changing what validates.

    Colour roles (from the theme) and chapters (templates/chapters.yaml) as `examples` (a project may add
    its own, so they are not an enum), compute function names as `examples` of `fn`, and per function an
    `if fn is … then` branch naming its arguments with their types and defaults and describing what it
    returns; these branches constrain nothing (load's own checks report a wrong argument).
    """
    import yaml

    from ..project import CHAPTERS_FILE, THEME_FILE
    from .files import read_spec_file
    from .models_base import ROLE_PATTERN

    theme = yaml.safe_load(read_spec_file(THEME_FILE)) or {}
    roles = sorted(k for k, v in (theme.get("palette") or {}).items() if isinstance(v, str))
    chapters = list(yaml.safe_load(read_spec_file(CHAPTERS_FILE)) or {})

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("pattern") == ROLE_PATTERN:
                node["examples"] = roles
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit(schema)
    schema["properties"]["chapter"]["examples"] = chapters
    call = schema["$defs"]["ComputeCall"]
    call["properties"]["fn"]["examples"] = registry.names()
    call["allOf"] = [_function_branch(name) for name in registry.names()]
    return schema


def _function_branch(name: str) -> dict:
    """`if fn == name then` the argument names of `name` (type, default) and what it returns, for editors."""
    import inspect
    import typing

    from compute.docs import parse_doc, type_name

    fn = registry.get(name)
    hints = typing.get_type_hints(fn)
    first, _rest, keys = parse_doc(name)
    args = {}
    for p in inspect.signature(fn).parameters.values():
        text = type_name(hints[p.name]) if p.name in hints else "any"
        if p.default is not p.empty:
            text += f", default {json.dumps(p.default, ensure_ascii=False)}"
        args[p.name] = {"description": f"{text} (or a {{{{ placeholder }}}})"}
    returns = "; ".join(f"{k}: {d}" for k, d in keys)
    return {"if": {"properties": {"fn": {"const": name}}, "required": ["fn"]},
            "then": {"properties": {"fn": {"description": f"{first} Returns {returns}"},
                                    "args": {"properties": args}}}}


def committed_schema() -> dict:
    """The schema validation uses: the committed file, or the generated one where there is no file."""
    try:
        return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return diagram_schema()


def schema_text() -> str:
    """The schema as written to schema/diagram.schema.json."""
    return json.dumps(diagram_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = committed_schema()
    schema.get("$defs", {}).get("ComputeCall", {}).pop("allOf", None)  # editor hints only (editor_hints)
    return jsonschema.Draft202012Validator(schema)


def _weight(err: jsonschema.ValidationError) -> int:
    """Number of leaf errors under an error (anyOf/oneOf count their best branch)."""
    if err.validator in ("anyOf", "oneOf") and err.context:
        return sum(_weight(e) for e in _best_branch(err))
    return 1


def _best_branch(err: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For anyOf/oneOf, the errors of the branch that fits best: right type, fewest errors."""
    branches: dict[int, list] = {}
    for sub in err.context or []:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    fitting = [b for b in branches.values() if not any(_wrong_type(e) for e in b)]
    if not fitting:
        return []
    return min(fitting, key=lambda b: sum(_weight(e) for e in b))


def _wrong_type(err: jsonschema.ValidationError) -> bool:
    """A type mismatch of the instance itself (not of something inside it)."""
    if err.validator == "type" and not err.relative_path:
        return True
    return err.validator in ("anyOf", "oneOf") and not err.relative_path and not _best_branch(err)


def _leaves(err: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The specific errors behind an error, descending into the best-fitting union branch."""
    if err.validator in ("anyOf", "oneOf") and err.context:
        branch = _best_branch(err)
        if branch:
            return [leaf for e in branch for leaf in _leaves(e)]
    return [err]


def _expected_types(err: jsonschema.ValidationError) -> str:
    kinds = []
    for sub in err.context or []:
        if sub.validator == "type":
            t = sub.validator_value
            kinds += t if isinstance(t, list) else [t]
    return " or ".join(dict.fromkeys(kinds)) or "another form"


def _describe(err: jsonschema.ValidationError) -> tuple[str, bool]:
    """(message, points-at-key) for a leaf schema error."""
    v, val = err.validator, err.validator_value
    inst = err.instance
    if v == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(inst) - set(allowed))
        key = f"'{extra[0]}'" if len(extra[0]) <= 40 else f"'{extra[0][:37]}…' ({len(extra[0])} characters)"
        return f"unknown key {key} (expected one of: {', '.join(allowed)})", True
    if v == "required":
        missing = [k for k in val if k not in inst]
        return f"missing key '{missing[0]}' (expected keys: {', '.join(val)})", False
    if v == "type":
        want = val if isinstance(val, str) else " or ".join(val)
        return f"wrong type: {_tname(inst)} {short_value(inst)} (expected {want})", False
    if v in ("anyOf", "oneOf"):
        return f"wrong type: {_tname(inst)} {short_value(inst)} (expected {_expected_types(err)})", False
    if v == "enum":
        return f"{short_value(inst)} is not allowed (expected one of: {', '.join(map(str, val))})", False
    if v == "const":
        return f"{short_value(inst)} is not allowed (expected {val!r})", False
    if v == "pattern":
        return f"{short_value(inst)} has the wrong form (expected to match {val})", False
    if v in ("minProperties", "maxProperties") and "properties" in err.schema:
        kinds = ", ".join(_in_model_order(err.schema["properties"]))
        return f"an element has exactly one kind key, found {len(inst)} (expected one of: {kinds})", False
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        rel = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[v]
        return f"{inst} is out of range (expected {rel} {val})", False
    if v in ("minItems", "maxItems"):
        return f"list {short_value(inst)} has {len(inst)} items (expected {v} {val})", False
    if v in ("minLength", "maxLength"):
        return f"string {short_value(inst)} is {len(inst)} characters long (expected {v} {val})", False
    return clip_message(err.message), False


MAX_MESSAGE = 300  # characters of a validator's own message (which may quote the whole value)


def _in_model_order(props: dict) -> list[str]:
    """An element's kind names in the models' order (the committed file has its keys sorted)."""
    from .models import Element

    order = {f.alias or name: i for i, (name, f) in enumerate(Element.model_fields.items())}
    return sorted(props, key=lambda k: order.get(k, len(order)))


def _tname(x: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(x), type(x).__name__)


def clip_message(message: str, n: int = MAX_MESSAGE) -> str:
    """A message cut to `n` characters, saying how long it was (a value embedded in it may be huge)."""
    return message if len(message) <= n else f"{message[: n - 40]}… ({len(message)} characters)"


def short_value(x: Any) -> str:
    """A value as written in a message (JSON), cut to 40 characters."""
    s = json.dumps(x, ensure_ascii=False, default=str)
    return s if len(s) <= 40 else s[:37] + "…"


def schema_problems(doc: Located) -> list[Problem]:
    """Every JSON Schema violation of the document, located and explained."""
    out = []
    for err in _validator().iter_errors(doc.data):
        for leaf in _leaves(err):
            msg, at_key = _describe(leaf)
            path = tuple(leaf.absolute_path)
            if at_key:
                extra = sorted(set(leaf.instance) - set(leaf.schema.get("properties", {})))
                path = path + (extra[0],)
            out.append(doc.problem(path, msg, key=at_key))
    return sorted(set(out))
