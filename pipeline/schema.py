"""The data contract: `schemas/document.schema.json`, generated from `pipeline.model.Document`.

The file is committed so people outside the code can read the contract; a test
checks it is in step with the model. Every document the CLI writes is validated
against the committed file.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema_rs

from pipeline.errors import PipelineError
from pipeline.model import Document

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "document.schema.json"


class SchemaError(PipelineError):
    stage = "validate"


def document_schema() -> dict:
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://decree-pipeline/schemas/document.schema.json"
    return schema


@lru_cache(maxsize=1)
def _validator():
    """The committed schema, compiled once (jsonschema-rs: a large document in a millisecond or two,
    where the pure-Python jsonschema took as long as extracting it)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) if SCHEMA_PATH.exists() else document_schema()
    return jsonschema_rs.Draft202012Validator(schema)


def validate_document(payload: dict) -> None:
    validator = _validator()
    if validator.is_valid(payload):
        return
    errors = sorted(validator.iter_errors(payload), key=lambda e: [str(p) for p in e.instance_path])
    first = errors[0]
    where = "/".join(str(p) for p in first.instance_path) or "(root)"
    raise SchemaError(f"output does not match the schema at {where}: {first.message[:200]}")
