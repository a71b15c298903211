"""Conformance with authres's own doctest cases (corpora/authres/parse_cases.json).

Each expected value is an attribute path in authres's object model; it is mapped onto ours:
``results[i]`` -> ``AuthResult.strict_text()``, ``results[i].properties[k].type`` ->
``AuthProperty.ptype``, ``results[i].<ptype>_<name>`` -> the property value (``"None"`` when
absent; authres's ``AttributeError`` for a property its class lacks also means absent here).
The two cases authres rejects must come out non-conformant, with a repair or defect recorded.
The others read without repair; two of them are not conformant under the strict RFC 8601
grammar though authres accepts them (``x-tls=pass version=TLSv1.2`` has properties without a
ptype, ``header.b=Qgi/FoC0`` an unquoted "/"): both are documented disagreement classes
(``test_strict_grammar.DISAGREEMENTS``), and the tolerant reading still gives every value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from headerlens.auth._ar_strict import check_strict
from headerlens.auth.models import AuthResult, AuthResultsHeader
from headerlens.auth.results import parse_authentication_results

from .test_strict_grammar import DISAGREEMENTS

_PATH = re.compile(r"^results\[(\d+)\](?:\.(.+))?$")
_PROP = re.compile(r"^properties\[(\d+)\]\.(type|name|value)$")


def _result_attr(r: AuthResult, attr: str | None) -> str:
    if attr is None:
        return r.strict_text()
    if attr in ("method", "result"):
        return str(getattr(r, attr))
    if attr == "reason":
        return str(r.reason)
    m = _PROP.match(attr)
    if m:
        p = [p for p in r.properties if p.ptype][int(m.group(1))]
        return {"type": p.ptype, "name": p.name, "value": p.value}[m.group(2)]
    ptype, _, name = attr.partition("_")
    return str(r.get(ptype, name))


def _lookup(h: AuthResultsHeader, path: str) -> Any:
    if path == "authserv_id":
        return str(h.authserv_id)
    if path == "[(r.method, r.result) for r in results]":
        return [[r.method, r.result] for r in h.results]
    m = _PATH.match(path)
    assert m, path
    return _result_attr(h.results[int(m.group(1))], m.group(2))


def _expected(path: str, value: Any, expected: dict[str, Any]) -> Any:
    """The expected value in our model.

    ``{"$raises": AttributeError}`` means authres's result class has no typed accessor for
    that property; ours is generic, so it returns the property's value when the case's own
    expected properties list it, else ``None``.
    """
    if not (isinstance(value, dict) and "$raises" in value):
        return value
    m = _PATH.match(path)
    assert m
    ptype, _, name = (m.group(2) or "").partition("_")
    i = m.group(1)
    for k in range(10):
        base = f"results[{i}].properties[{k}]"
        if expected.get(f"{base}.type") == ptype and expected.get(f"{base}.name") == name:
            return expected[f"{base}.value"]
    return "None"


def test_authres_parse_cases(corpora: Path) -> None:
    data = json.loads((corpora / "authres" / "parse_cases.json").read_text())
    total = matched = 0
    rejected = rejected_ok = 0
    refused: list[str] = []
    failures: list[str] = []
    for case in data["cases"]:
        h = parse_authentication_results(case["input"])
        if "expected_error" in case:
            rejected += 1
            if not h.conformant and (h.repairs or h.defects):
                rejected_ok += 1
            else:
                failures.append(f"line {case['source_line']}: accepted a rejected input")
            continue
        assert not h.repairs, case["input"]
        if not h.conformant:
            found = check_strict(case["input"].partition(":")[2])
            assert found is not None
            assert found.rule in DISAGREEMENTS, (case["input"], found)
            refused.append(found.rule)
        for path, want in case["expected"].items():
            total += 1
            got = _lookup(h, path)
            if got == _expected(path, want, case["expected"]):
                matched += 1
            else:
                failures.append(f"line {case['source_line']} {path}: {got!r} != {want!r}")
    print(f"authres parse_cases: {matched}/{total} values, {rejected_ok}/{rejected} rejections")
    print(f"not conformant under the strict grammar (documented classes): {sorted(refused)}")
    assert failures == []
    assert matched == total
    assert sorted(refused) == ["propspec", "token"]


def test_authres_serialized_examples_parse(corpora: Path) -> None:
    """authres's serialized examples are well-formed: we read them with no repair."""
    data = json.loads((corpora / "authres" / "parse_cases.json").read_text())
    examples = data["serialized_examples"]["cases"]
    ok = 0
    for ex in examples:
        h = parse_authentication_results(ex["expected_output"])
        if h.repairs == () and h.conformant and (h.results or h.no_results):
            ok += 1
    print(f"authres serialized examples read without repair: {ok}/{len(examples)}")
    assert ok == len(examples)
