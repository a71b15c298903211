"""``AuthResultsHeader.conformant``: our linear reading of the strict grammar equals authres.

``conformant`` means "parses under the strict RFC 8601 grammar" and was decided by calling
authres 1.2.0 (quadratic in the length of the value, about a millisecond per field). The
port in ``headerlens.auth._ar_strict`` must give authres' answer on every Authentication-
Results and ARC-Authentication-Results field of the samples and corpora, and on generated
values built from the grammar's pieces and their usual mistakes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from headerlens.auth._ar_strict import MAX_NESTING, strictly_conformant
from headerlens.parse import parse

authres = pytest.importorskip("authres")
AuthResError = pytest.importorskip("authres.core").AuthResError

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
CORPUS_SETS = (
    "spamassassin-public-corpus",
    "phishing-pot-dev/email",
    "sisimai-dev/maildir",
    "spamassassin/messages",
    "cpython-test_email/data",
    "dkimpy/data",
)
_NOT_MESSAGES = {".md", ".json", ".yml", ".yaml", ".key", ".private", ".pub", ".dns"}


def authres_accepts(value: str) -> bool:
    try:
        authres.all_features().parse_value(value)
    except (AuthResError, RecursionError, ValueError, TypeError, AttributeError, IndexError):
        return False
    return True


def ar_values(paths: list[Path]) -> Iterator[tuple[str, str]]:
    """(where, value) for every A-R and AAR field; an AAR also without its ``i=N;``."""
    for path in paths:
        message = parse(path.read_bytes())
        for h in message.headers:
            if h.lname not in ("authentication-results", "arc-authentication-results"):
                continue
            text = h.raw.partition(":")[2]
            yield f"{path.name}:{h.index}", text
            if h.lname.startswith("arc"):
                yield f"{path.name}:{h.index} after i=", text.partition(";")[2]


def agreement(values: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    return [
        (where, value[:120], ours)
        for where, value in values
        if (ours := strictly_conformant(value)) != authres_accepts(value)
    ]


def test_samples_agree_with_authres() -> None:
    paths = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".eml", ".txt"))
    values = list(ar_values(paths))
    assert len(values) >= 30
    assert agreement(values) == []


@pytest.mark.conformance
def test_corpora_agree_with_authres(corpora: Path) -> None:
    paths: list[Path] = []
    for folder in CORPUS_SETS:
        base = corpora / folder
        if base.is_dir():
            paths += sorted(
                p
                for p in base.rglob("*")
                if p.is_file()
                and not p.name.startswith(("LICENSE", "PROVENANCE", "."))
                and p.suffix not in _NOT_MESSAGES
                and "key" not in p.name
            )
    values = list(ar_values(paths))
    bad = agreement(values)
    print(f"\nstrict A-R grammar vs authres: {len(values) - len(bad)}/{len(values)} agree")
    assert len(values) > 2000
    assert bad == []


PIECES = [
    "mx.example.com", " ", "  ", "\t", "\r\n ", "\n\t", ";", "; ", "spf", "=", "pass",
    "dkim", "none", "NONE", "reason", "REASON", "reaſon", "smtp", ".", "mailfrom", "header",
    "d", "policy", "body", "foo", "x", "@", "example.org", '"', '"q"', "(", ")", "(c)",
    "(a (b) c)", "\\", "\\)", "1", "2", "/", "/1", "a@b", "<>", "::1", "é", "١", "K",
    'reason="x"', 'header.b="ab/="', 'smtp.mailfrom="a"@b.c', ",", "[", "]", "==",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_generated_values_agree_with_authres(seed: int) -> None:
    rnd = random.Random(seed)
    values = []
    for _ in range(5_000):
        v = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 14)))
        if rnd.random() < 0.5:
            v = "mx.example.com" + rnd.choice([";", " 1;", " (c);", "; "]) + v
        values.append(("generated", v))
    assert agreement(values) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mx.example.org; spf=pass smtp.mailfrom=example.com", True),
        ("mx.example.org 1; dkim=pass (2048-bit key) header.d=example.com header.b=AbC1", True),
        ("mx.example.org; none", True),
        ('mx.example.org; dkim=pass reason="good" header.i=@example.com', True),
        ("mx.example.org; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com", True),
        ("spf=pass (sender IP is 203.0.113.7) smtp.mailfrom=example.com", False),
        ("mx.example.org; iprev=pass policy.iprev=2001:db8::25", False),
        ("mx.example.org; spf=pass smtp.mailfrom=<>", False),
        ("mx.example.org 2; spf=pass", False),
        ("mx.example.org;", False),
    ],
)
def test_known_shapes(value: str, expected: bool) -> None:
    assert strictly_conformant(value) is expected
    assert authres_accepts(value) is expected


def test_deep_comment_nesting_is_refused_without_recursion() -> None:
    within = "mx.example.org; spf=pass " + "(" * MAX_NESTING + ")" * MAX_NESTING
    assert strictly_conformant(within)
    beyond = "mx.example.org; spf=pass " + "(" * 5_000 + ")" * 5_000
    assert not strictly_conformant(beyond)
