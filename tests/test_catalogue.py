"""The defect and finding catalogue: well-formed codes, docs in sync, every code tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from headerlens._catalogue import AREAS, DEFECT_CODES, FINDING_CODES
from headerlens.defects import Defect, DefectLog, catalogue_markdown
from headerlens.errors import DefectError
from headerlens.findings import make_finding

REPO = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*\.[a-z0-9]+(?:[_.][a-z0-9]+)*$")


def test_codes_are_area_dot_problem() -> None:
    bad = [c for c in (*DEFECT_CODES, *FINDING_CODES) if not CODE.match(c)]
    assert bad == []


def test_no_code_is_both_defect_and_finding() -> None:
    assert sorted(set(DEFECT_CODES) & set(FINDING_CODES)) == []


def test_areas_do_not_share_codes() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for area in AREAS:
        for code in (*area.DEFECTS, *area.FINDINGS):
            if code in seen:
                clashes.append(code)
            seen[code] = area.__name__
    assert clashes == []


def test_descriptions_are_sentences() -> None:
    bad = [c for c, t in {**DEFECT_CODES, **FINDING_CODES}.items() if len(t.strip()) < 10]
    assert bad == []


def test_docs_defects_md_is_generated_from_the_catalogue() -> None:
    doc = (REPO / "docs" / "defects.md").read_text(encoding="utf-8")
    assert doc == catalogue_markdown(), "run: python -m headerlens._catalogue > docs/defects.md"


def test_every_code_appears_in_a_test() -> None:
    """A cheap guard that each code has a test producing it (the area tests assert them)."""
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (REPO / "tests").rglob("*.py")
        if p.name != "test_catalogue.py"
    )
    untested = sorted(c for c in (*DEFECT_CODES, *FINDING_CODES) if c not in text)
    assert untested == []


def test_defect_log_records_and_strict_raises() -> None:
    code = next(iter(DEFECT_CODES))
    log = DefectLog()
    d = log.add(code, "example", header_index=3)
    assert log.defects == (Defect(code=code, message="example", header_index=3),)
    assert d == log.defects[0]
    strict = DefectLog(strict=True)
    with pytest.raises(DefectError) as info:
        strict.add(code, "example")
    assert info.value.defect.code == code
    assert strict.defects == ()


def test_unknown_codes_are_programming_errors() -> None:
    with pytest.raises(KeyError):
        DefectLog().add("nope.not_a_code", "x")
    with pytest.raises(KeyError):
        make_finding("nope.not_a_code", "info", "x")
