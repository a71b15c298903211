"""One path for every defect: ``defects.record`` is the only place a ``Defect`` is made.

So the catalogue check (an unknown code is a programming error) and ``strict`` (the first
defect raises) see every defect, as CPython's ``policy.handle_defect`` does for ``email``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from headerlens.defects import Defect, DefectLog, record
from headerlens.errors import DefectError
from headerlens.parse.addresses import parse_address_list

PACKAGE = Path(__file__).resolve().parent.parent / "headerlens"


def _constructions(path: Path) -> list[int]:
    """Lines of ``path`` that call ``Defect(...)``, by name or as an attribute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Defect")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Defect")
        )
    ]


def test_defect_is_constructed_only_in_defects_py() -> None:
    found = {
        str(p.relative_to(PACKAGE.parent)): lines
        for p in sorted(PACKAGE.rglob("*.py"))
        if (lines := _constructions(p))
    }
    assert found == {"headerlens/defects.py": found.get("headerlens/defects.py", [])}
    assert len(found["headerlens/defects.py"]) == 1  # inside record()


def test_record_checks_the_catalogue_and_raises_under_strict() -> None:
    assert record("address.unparseable", "x", 2) == Defect(
        code="address.unparseable", message="x", header_index=2
    )
    with pytest.raises(KeyError):
        record("address.no_such_code", "x")
    with pytest.raises(DefectError) as info:
        record("address.unparseable", "x", strict=True)
    assert info.value.defect.code == "address.unparseable"
    log = DefectLog(strict=True)
    with pytest.raises(DefectError):
        log.add("address.unparseable", "x")


def test_address_defects_raise_under_strict() -> None:
    value = "Bob <bob@example.org"
    assert [d.code for a in parse_address_list(value) for d in a.defects] == ["address.unparseable"]
    with pytest.raises(DefectError):
        parse_address_list(value, strict=True)
