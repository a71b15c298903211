"""Property tests: no ARC input, however malformed, raises (RFC 8617 inputs are hostile)."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headerlens.auth._sigbody import canonical_body
from headerlens.auth._sigbytes import TagListError, parse_tag_list, strip_b_value
from headerlens.auth.arc import analyze_arc, verify_arc
from headerlens.hops.models import TrustBoundary
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver

AS_OF = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)
NAMES = ["ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "arc-seal"]
TAGS = ["i", "a", "b", "bh", "cv", "d", "s", "t", "h", "c", "l", "x", "I", "1x", ""]
VALUES = st.one_of(
    st.sampled_from(
        [
            "1",
            "2",
            "50",
            "51",
            "0",
            "-1",
            "rsa-sha256",
            "pass",
            "none",
            "fail",
            "relaxed/relaxed",
            "simple",
            "from:to",
            "AAAA",
            "====",
            "example.org",
            "",
            " ",
            "12345",
            "99999999999999999999",
        ]
    ),
    st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\r\n;"), max_size=12),
)
TAG = st.tuples(st.sampled_from(TAGS), st.sampled_from(["=", " = ", "", "=="]), VALUES).map(
    lambda t: f"{t[0]}{t[1]}{t[2]}"
)
FIELD_VALUE = st.lists(TAG, max_size=8).map("; ".join) | st.text(max_size=60).map(
    lambda s: s.replace("\r", " ").replace("\n", " ")
)
FIELD = st.tuples(st.sampled_from(NAMES), st.sampled_from([": ", ":", ":\r\n "]), FIELD_VALUE)
RESOLVER = StaticResolver(
    {
        "s._domainkey.example.org": (
            "v=DKIM1; k=rsa; p="
            "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6"
            "Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/"
            "e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G"
            "+2kryOTIKT+l/K4w3QIDAQAB"
        ),
        "x._domainkey.example.org": ["garbage", "v=DKIM1; p="],
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.lists(FIELD, max_size=8), body=st.binary(max_size=80))
def test_fuzzed_arc_headers_never_raise(fields, body):
    head = "".join(f"{n}{sep}{v}\r\n" for n, sep, v in fields).encode("utf-8", "surrogateescape")
    raw = head + b"From: a@example.org\r\n\r\n" + body
    policy = Policy(resolver=RESOLVER, as_of=AS_OF)
    result = verify_arc(raw, policy=policy)
    assert result.cv in ("none", "pass", "fail")
    assert (result.cv == "none") == (result.instances == () and result.reason_code == "no_arc")
    analysis = analyze_arc(
        parse(raw, policy=policy),
        policy,
        resolver=RESOLVER,
        receipt_time=None,
        dkim=(),
        trust=TrustBoundary(header_index=0),
    )
    assert analysis.result == result


@given(st.binary(max_size=200))
def test_tag_list_and_canonicalization_never_crash(data):
    with contextlib.suppress(TagListError):
        parse_tag_list(data)
    assert strip_b_value(data).count(b";") == data.count(b";")
    assert canonical_body(data, True).endswith(b"\r\n") or canonical_body(data, True) == b""
