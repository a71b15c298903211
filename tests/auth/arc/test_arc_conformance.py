"""ValiMail ARC test suite (RFC 8617 draft -18): every validation case agrees on cv.

Each scenario supplies its DNS TXT records (``txt-records``); each case a message (LF line
ends in the YAML, sent as CRLF as the upstream harness does) and the expected cv. The three
cases with an empty expectation carry a sealed cv=fail and count as fail (RFC 8617 5.2).
The cases carry t=12345 or no t=, so the as-of time is simply now.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.auth.arc import verify_arc
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver

yaml = pytest.importorskip("yaml")

SUITE = Path("arc_test_suite/tests/arc-draft-validation-tests.yml")


def load_cases(root: Path) -> list[tuple[str, bytes, str, dict[str, str]]]:
    cases = []
    with (root / SUITE).open(encoding="utf-8") as fh:
        for scenario in yaml.safe_load_all(fh):
            records = {name: str(value) for name, value in scenario["txt-records"].items()}
            for name, case in scenario["tests"].items():
                message = case["message"].replace("\n", "\r\n").encode("utf-8")
                expected = (case.get("cv") or "fail").strip().lower()
                cases.append((name, message, expected, records))
    return cases


@pytest.mark.conformance
def test_arc_validation_suite(corpora: Path) -> None:
    cases = load_cases(corpora)
    disagreements = []
    for name, message, expected, records in cases:
        result = verify_arc(message, policy=Policy(resolver=StaticResolver(records)))
        if result.cv != expected:
            disagreements.append((name, expected, result.cv, result.reason))
    agree = len(cases) - len(disagreements)
    print(f"\nARC validation suite: {agree}/{len(cases)} agree with the expected cv")
    assert len(cases) == 171
    assert disagreements == []
