"""The JSON Schema of the report contract (``Report.model_dump(mode="json")``).

``headerlens schema`` prints it. The schema is pydantic's ``model_json_schema`` in
serialization mode (JSON Schema draft 2020-12), so it describes exactly the JSON that
:meth:`Report.to_json` writes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from headerlens.report import SCHEMA_VERSION, Report

__all__ = ["report_json_schema", "schema_fingerprint"]


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report JSON, with ``$id``-free metadata.

    ``$comment`` names the ``SCHEMA_VERSION`` it describes.
    """
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$comment"] = f"headerlens report JSON, schema_version {SCHEMA_VERSION}"
    return schema


def _structure(node: Any) -> Any:
    """``node`` without prose: string ``description`` values and the ``$comment``."""
    if isinstance(node, dict):
        return {
            k: _structure(v)
            for k, v in node.items()
            if not (k in ("description", "$comment") and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_structure(v) for v in node]
    return node


def schema_fingerprint(schema: dict[str, Any] | None = None) -> str:
    """SHA-256 of the schema's structure (names, types, required, defaults; not the prose).

    Docstring edits change descriptions but not the contract, so they leave it unchanged.
    """
    data = _structure(report_json_schema() if schema is None else schema)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
