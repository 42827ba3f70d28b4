"""The committed JSON Schema is generated from the models and current; specs validate against it."""

from __future__ import annotations

import json

import jsonschema

from renderer.app.build import find_specs
from renderer.project import ROOT
from renderer.spec.components import expand
from renderer.spec.schema import schema_text
from renderer.spec.yamlpos import load_yaml

SCHEMA = ROOT / "schema" / "diagram.schema.json"


def test_committed_schema_is_current():
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), "schema is stale: run `vizspec schema`"


def test_schema_documents_fields_for_editors():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    box = schema["$defs"]["Box"]["properties"]
    assert "description" in box["role"] and "description" in box["text"]
    element = schema["$defs"]["Element"]
    assert element["additionalProperties"] is False
    assert element["minProperties"] == element["maxProperties"] == 1


def test_specs_validate_against_the_committed_schema():
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for path in find_specs():
        doc = load_yaml(str(path), path.read_bytes())
        expand(doc)
        errors = list(validator.iter_errors(doc.data))
        assert not errors, f"{path}: {errors[0].message}"


def test_schema_rejects_unknown_keys():
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    spec = {"id": "x", "chapter": "c", "title": "T", "body": {"box": {"text": "A", "colour": "red"}}}
    assert list(validator.iter_errors(spec))


def test_validation_reads_the_committed_schema_file_and_generates_one_only_without_it(tmp_path, monkeypatch):
    from renderer.spec import schema

    doc = load_yaml("t.yaml", b'id: t\nchapter: test\ntitle: "T"\nbody:\n  box: {id: a, text: "A"}\n')
    other = tmp_path / "diagram.schema.json"
    other.write_text(json.dumps({"type": "object", "required": ["zzz"]}), encoding="utf-8")
    monkeypatch.setattr(schema, "SCHEMA_FILE", other)
    schema._validator.cache_clear()
    try:
        assert [p.message for p in schema.schema_problems(doc)] == [
            "missing key 'zzz' (expected keys: zzz)"]  # what the file says, not what the models generate
        monkeypatch.setattr(schema, "SCHEMA_FILE", tmp_path / "absent.json")
        schema._validator.cache_clear()
        assert schema.schema_problems(doc) == []
    finally:
        schema._validator.cache_clear()
