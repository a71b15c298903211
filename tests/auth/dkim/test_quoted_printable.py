"""DKIM tags whose grammar is dkim-quoted-printable: i= and z= (RFC 6376 sections 2.11, 3.5).

Each message is signed during the test (our tag-exact signer, tests/auth/signer.py, and
dkimpy where it can write the tag) with this session's keys, then verified: a signature is
only proof if the value the signer wrote, encoded, is read back as the signer meant it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import dkim
import pytest

from headerlens.auth._sigbytes import decode_dkim_qp
from headerlens.auth.dkim import verify_dkim
from headerlens.policy import Policy


def verify(raw: bytes, policy: Policy) -> list[tuple[str, str, str | None]]:
    return [(r.result, r.reason, r.identity) for r in verify_dkim(raw, policy=policy)]


@pytest.mark.parametrize(
    ("written", "identity"),
    [
        pytest.param("alice=40example.com", "alice@example.com", id="at-sign-encoded"),
        pytest.param("alice@example=2Ecom", "alice@example.com", id="dot-encoded"),
        pytest.param("=40news.example.com", "@news.example.com", id="no-local-part-encoded"),
        pytest.param("alice@news.\r\n example.com", "alice@news.example.com", id="folded"),
        pytest.param("a=3Db@example.com", "a=b@example.com", id="equals-sign-encoded"),
        pytest.param("alice@example.com", "alice@example.com", id="plain"),
    ],
)
def test_identity_is_decoded_then_checked_against_d(kit: Any, written: str, identity: str) -> None:
    raw = kit.signed(kit.message, kit.keys.rsa, identity=written)
    assert verify(raw, kit.keys.policy()) == [("pass", "pass", identity)]


def test_identity_example_from_the_issue(kit: Any) -> None:
    """``i=jlong=40messiah.edu`` is jlong@messiah.edu, ``i=jlong@messiah=2Eedu`` is under
    messiah.edu (both were permerror before)."""
    key = dataclasses.replace(kit.keys.rsa, domain="messiah.edu")
    message = kit.message.replace(b"alice@example.com", b"jlong@messiah.edu")
    policy = kit.keys.policy(rsa1__messiah_edu=key.txt)
    for written in ("jlong=40messiah.edu", "jlong@messiah=2Eedu"):
        raw = kit.signed(message, key, identity=written)
        assert verify(raw, policy) == [("pass", "pass", "jlong@messiah.edu")], written


def test_encoded_identity_outside_d_is_still_a_mismatch(kit: Any) -> None:
    raw = kit.signed(kit.message, kit.keys.rsa, identity="alice=40example.org")
    assert verify(raw, kit.keys.policy()) == [("permerror", "domain_mismatch", "alice@example.org")]


def test_encoded_subdomain_identity_meets_key_t_s(kit: Any) -> None:
    """The decoded i= is what the key's t=s (no subdomains) is judged against."""
    raw = kit.signed(kit.message, kit.keys.rsa, identity="=40news=2Eexample.com")
    policy = kit.keys.policy(rsa1__example_com=kit.keys.rsa.txt + "; t=s")
    assert verify(raw, policy) == [("permerror", "inappropriate_key", "@news.example.com")]


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("alice=4@example.com", id="one-hex-digit"),
        pytest.param("alice=ZZ@example.com", id="not-hex"),
        pytest.param("alice@example.com=", id="equals-at-the-end"),
    ],
)
def test_malformed_quoted_printable_identity_is_a_syntax_error(kit: Any, written: str) -> None:
    raw = kit.signed(kit.message, kit.keys.rsa, identity=written)
    (r,) = verify_dkim(raw, policy=kit.keys.policy())
    assert (r.result, r.reason, r.identity) == ("permerror", "syntax_error", written)
    assert r.explanation == f"i={written} is not dkim-quoted-printable."
    assert [d.code for d in r.defects] == ["dkim.malformed_signature"]


def test_dkimpy_signed_identity_still_passes(kit: Any) -> None:
    raw = dkim.sign(
        kit.message,
        b"rsa1",
        b"example.com",
        kit.keys.rsa.private,
        identity=b"alice@example.com",
    )
    policy = kit.keys.policy(as_of=dt.datetime.now(dt.UTC))  # dkimpy stamps t= with now
    (r,) = verify_dkim(raw + kit.message, policy=policy)
    assert (r.result, r.identity) == ("pass", "alice@example.com")


Z_SIGNED = (
    "From:Alice=20<alice@example.com>|To:bob@example.net|Subject:Quarterly=20numbers"
    "|Date:Tue,=2003=20Mar=202026=2009:59:58=20+0000"
)


def test_z_copies_are_read_and_do_not_change_a_pass(kit: Any) -> None:
    raw = kit.signed(kit.message, kit.keys.rsa, extra=(("z", Z_SIGNED),))
    (r,) = verify_dkim(raw, policy=kit.keys.policy())
    assert (r.result, r.reason) == ("pass", "pass")
    assert dict(r.tags)["z"] == Z_SIGNED


def test_z_copy_names_the_changed_field(kit: Any) -> None:
    """The signer's copy of Subject differs from the Subject received (after it was edited
    in transit; no single tested repair explains it): the diagnosis says which field."""
    raw = kit.signed(kit.message, kit.keys.rsa, extra=(("z", Z_SIGNED),))
    raw = raw.replace(b"Subject: Quarterly numbers", b"Subject: Quarterly figures", 1)
    (r,) = verify_dkim(raw, policy=kit.keys.policy())
    assert (r.result, r.reason) == ("fail", "signature_mismatch")
    d = r.diagnosis
    assert d is not None
    assert (d.header_change, d.header_name) == ("headers_changed", "Subject")
    assert d.summary.endswith(
        "The signer's copy of the signed fields (z=) differs from Subject as received."
    )


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("From", id="no-colon"),
        pytest.param("From:alice=4", id="bad-escape"),
        pytest.param(":x", id="no-name"),
    ],
)
def test_malformed_z_is_a_syntax_error(kit: Any, written: str) -> None:
    raw = kit.signed(kit.message, kit.keys.rsa, extra=(("z", written),))
    (r,) = verify_dkim(raw, policy=kit.keys.policy())
    assert (r.result, r.reason) == ("permerror", "syntax_error")
    assert r.explanation == "z= is not a list of dkim-quoted-printable fields."


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        (b"jlong=40messiah.edu", b"jlong@messiah.edu"),
        (b"a =20b", b"a b"),  # white space is folding; a space is written =20
        (b"x=3By", b"x;y"),
        (b"=e9t=C3=A9", b"\xe9t\xc3\xa9"),  # lower-case hex read (RFC 2045 6.7)
        (b"caf\xc3\xa9@example.com", b"caf\xc3\xa9@example.com"),  # 8-bit kept (RFC 8616)
        (b"", b""),
    ],
)
def test_decode_dkim_qp(encoded: bytes, decoded: bytes) -> None:
    assert decode_dkim_qp(encoded) == decoded


@pytest.mark.parametrize("encoded", [b"a=", b"a=4", b"a=G0", b"a;b", b"a\x00b", b"a\x7fb"])
def test_decode_dkim_qp_refuses(encoded: bytes) -> None:
    assert decode_dkim_qp(encoded) is None
