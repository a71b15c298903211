"""The JSON Schema of the report contract: valid for every sample, versioned."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import headerlens
from headerlens.render.schema import report_json_schema, schema_fingerprint
from headerlens.report import SCHEMA_VERSION

from .conftest import SAMPLE_IDS, SAMPLE_PATHS

jsonschema = pytest.importorskip("jsonschema")

FINGERPRINTS = Path(__file__).resolve().parents[1] / "data" / "schema-fingerprints.txt"
REFRESH = "python tests/tools/schema_fingerprint.py --update"


@pytest.fixture(scope="module")
def validator() -> object:
    schema = report_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=SAMPLE_IDS)
def test_every_sample_json_is_valid(
    path: Path, validator: object, sample_report: Callable[[Path], headerlens.Report]
) -> None:
    data = json.loads(sample_report(path).to_json())
    errors = sorted(validator.iter_errors(data), key=str)  # type: ignore[attr-defined]
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_the_schema_rejects_what_the_contract_forbids(validator: object) -> None:
    data = json.loads(headerlens.analyze(b"Subject: x\r\n\r\n").to_json())
    data["unexpected"] = 1
    assert not validator.is_valid(data)  # type: ignore[attr-defined]
    data.pop("unexpected")
    data["hops"] = "not a list"
    assert not validator.is_valid(data)  # type: ignore[attr-defined]


def _recorded() -> dict[str, str]:
    out = {}
    for line in FINGERPRINTS.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            out[parts[0]] = parts[1]
    return out


def test_a_schema_change_needs_a_new_schema_version() -> None:
    recorded = _recorded()
    assert SCHEMA_VERSION in recorded, (
        f"no schema fingerprint recorded for SCHEMA_VERSION {SCHEMA_VERSION}: run {REFRESH}"
    )
    assert schema_fingerprint() == recorded[SCHEMA_VERSION], (
        f"the report JSON Schema changed but SCHEMA_VERSION is still {SCHEMA_VERSION}. "
        f"Bump SCHEMA_VERSION in headerlens/report.py (the coordinator does it once per "
        f"integration), then run: {REFRESH}"
    )


def test_the_fingerprint_ignores_prose_but_not_structure() -> None:
    schema = report_json_schema()
    base = schema_fingerprint(schema)
    prose = json.loads(json.dumps(schema))
    prose["$defs"]["Hop"]["description"] = "reworded"
    assert schema_fingerprint(prose) == base
    structural = json.loads(json.dumps(schema))
    structural["$defs"]["Hop"]["properties"]["extra_field"] = {"type": "string"}
    assert schema_fingerprint(structural) != base


def test_the_refresh_tool_reports_the_current_fingerprint() -> None:
    tool = Path(__file__).resolve().parents[1] / "tools" / "schema_fingerprint.py"
    out = subprocess.run(
        [sys.executable, str(tool)], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[0] == f"SCHEMA_VERSION {SCHEMA_VERSION}: current {schema_fingerprint()}"
