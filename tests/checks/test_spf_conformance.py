"""The openspf SPF test suites (RFC 7208 and RFC 4408) run through check_spf.

Each scenario's zone goes into a StaticResolver with the suite's own conventions: records of
type SPF are served as TXT unless the name has TXT entries of its own (``TXT: NONE`` counts);
a bare ``TIMEOUT`` makes every type without a record time out; a name that is not listed
answers NXDOMAIN. A test passes when the result is one of the accepted results and, when an
explanation is expected, it equals ours (``DEFAULT`` meaning: none from ``exp=``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from headerlens import Policy, StaticResolver, check_spf
from headerlens.resolvers import FailureKey

yaml = pytest.importorskip("yaml")

pytestmark = pytest.mark.conformance

_TYPES = ("TXT", "A", "AAAA", "MX", "PTR", "CNAME")


def _rdata(rdtype: str, value: Any) -> str | tuple[str, ...]:
    if rdtype == "MX":
        pref, host = value
        return f"{pref} {host or '.'}"
    if rdtype in ("SPF", "TXT") and isinstance(value, list):
        return tuple(str(v) for v in value)
    return str(value)


def scenario_resolver(zonedata: dict[str, list[Any]]) -> StaticResolver:
    records: dict[str, dict[str, list[str | tuple[str, ...]]]] = {}
    failures: dict[FailureKey, str] = {}
    for name, entries in (zonedata or {}).items():
        typed: dict[str, list[str | tuple[str, ...]]] = {}
        own_txt = False
        timeout = False
        for entry in entries:
            if entry == "TIMEOUT":
                timeout = True
                continue
            ((rdtype, value),) = entry.items()
            if rdtype == "TXT":
                own_txt = True
                if value == "NONE":
                    continue
            typed.setdefault(rdtype, []).append(_rdata(rdtype, value))
        if not own_txt and "SPF" in typed:
            typed["TXT"] = list(typed["SPF"])
        records[name] = dict(typed)
        if timeout:
            if not any(typed.get(t) for t in _TYPES):
                failures[name] = "timeout"
            else:
                for t in _TYPES:
                    if not typed.get(t):
                        failures[(name, t)] = "timeout"
    return StaticResolver(records, failures=failures)  # type: ignore[arg-type]


def run_suite(path: Path) -> tuple[int, list[str]]:
    total = 0
    misses: list[str] = []
    for scenario in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if not scenario:
            continue
        resolver = scenario_resolver(scenario.get("zonedata") or {})
        policy = Policy(resolver=resolver)
        for name, test in scenario["tests"].items():
            total += 1
            expected = test["result"]
            accepted = expected if isinstance(expected, list) else [expected]
            got = check_spf(
                str(test["host"]), str(test["mailfrom"]), str(test["helo"]), policy=policy
            )
            ok = got.result in accepted
            if ok and "explanation" in test:
                want = None if test["explanation"] == "DEFAULT" else test["explanation"]
                ok = got.explanation == want
            if not ok:
                misses.append(
                    f"{name}: expected {accepted} {test.get('explanation', '')!r}, got"
                    f" {got.result} ({got.reason}: {got.detail}) {got.explanation!r}"
                )
    return total, misses


@pytest.mark.parametrize(
    ("suite", "threshold"),
    [
        pytest.param("rfc7208-tests.yml", 1.0, id="rfc7208"),
        pytest.param("rfc4408-tests.yml", 0.98, id="rfc4408"),
    ],
)
def test_openspf_suite(corpora: Path, suite: str, threshold: float) -> None:
    total, misses = run_suite(corpora / "spf" / suite)
    passed = total - len(misses)
    print(f"\n{suite}: {passed}/{total} passed ({passed / total:.1%})")
    for miss in misses:
        print("  MISS", miss)
    assert passed / total >= threshold, "\n".join(misses)
