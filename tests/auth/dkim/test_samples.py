"""The signed samples in samples/dkim verify as their names say, with samples/keys.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.auth.dkim import verify_dkim
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("good-rsa.eml", [("pass", "pass", None)]),
        ("good-ed25519.eml", [("pass", "pass", None)]),
        ("body-modified.eml", [("fail", "body_hash_mismatch", "appended")]),
        ("header-modified.eml", [("fail", "signature_mismatch", "headers_changed")]),
        ("expired.eml", [("fail", "expired", None)]),
        ("revoked-key.eml", [("fail", "key_revoked", None)]),
        (
            "two-signatures-one-broken.eml",
            [("pass", "pass", None), ("fail", "signature_mismatch", "headers_changed")],
        ),
    ],
)
def test_sample(name: str, expected: list[tuple[str, str, str | None]]) -> None:
    policy = Policy(resolver=StaticResolver.from_json(SAMPLES / "keys.json"))
    got = []
    for r in verify_dkim(SAMPLES / "dkim" / name, policy=policy):
        d = r.diagnosis
        change = None if d is None else (d.body_change or d.header_change)
        got.append((r.result, r.reason, change))
    assert got == expected


def test_keys_json_also_loads_as_zone_text() -> None:
    import json

    records = json.loads((SAMPLES / "keys.json").read_text())
    zone = "\n".join(f'{name}. IN TXT "{txt}"' for name, txt in records.items())
    r = StaticResolver.from_zone(zone)
    for name, txt in records.items():
        assert r.resolve(name).records == (txt,)
