"""Body hashes computed by chunks (issue #18 item 5): the same results whatever the chunking.

The body canonicalizer takes the body in pieces of any size; the DKIM and ARC steps accept a
re-readable body source (``body=``) so that a reader streaming a big message never holds it
whole. Checked against the whole-body results, and against dkimpy's canonicalization where
the two readings agree (every body that ends in CRLF).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

from dkim.canonicalization import Relaxed, Simple
from hypothesis import given, settings
from hypothesis import strategies as st

from headerlens.auth._sigbody import BodyCanonicalizer, canonical_body, line_prefix_digests
from headerlens.auth.arc import analyze_arc
from headerlens.auth.dkim import analyze_dkim
from headerlens.hops.models import TrustBoundary
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PIECES = [b"a", b"b c", b" ", b"\t", b"  \t ", b"\r\n", b"\n", b"\r", b"\r\n\r\n", b" \r\n"]
BODIES = st.lists(st.sampled_from(PIECES), max_size=30).map(b"".join)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=400, deadline=None)
@given(body=BODIES, cuts=st.lists(st.integers(0, 10_000), max_size=8), relaxed=st.booleans())
def test_any_chunking_gives_the_whole_body_result(
    body: bytes, cuts: list[int], relaxed: bool
) -> None:
    c = BodyCanonicalizer(relaxed)
    out = b"".join(c.feed(piece) for piece in split(body, cuts)) + c.close()
    assert out == canonical_body(body, relaxed)


@settings(max_examples=400, deadline=None)
@given(body=BODIES, relaxed=st.booleans())
def test_agrees_with_dkimpy_on_bodies_ending_in_crlf(body: bytes, relaxed: bool) -> None:
    body += b"\r\n"
    crlf = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    theirs = (Relaxed if relaxed else Simple).canonicalize_body(crlf)
    assert canonical_body(body, relaxed) == bytes(theirs)


def test_relaxed_ignores_white_space_ending_an_unterminated_body() -> None:
    # dkimpy keeps one space here ("x \r\n"); RFC 6376 3.4.4 and OpenDKIM ignore it.
    assert canonical_body(b"x  \t", True) == b"x\r\n"
    assert canonical_body(b"   ", True) == b""
    assert canonical_body(b"x  \t", False) == b"x  \t\r\n"


@settings(max_examples=200, deadline=None)
@given(body=BODIES, cuts=st.lists(st.integers(0, 10_000), max_size=8), limit=st.integers(1, 6))
def test_prefix_digests_do_not_depend_on_chunking(body: bytes, cuts: list[int], limit: int) -> None:
    whole = line_prefix_digests([body], True, "sha256", limit)
    pieces = line_prefix_digests(split(body, cuts), True, "sha256", limit)
    assert list(whole) == list(pieces)
    assert (whole.lines, whole.octets) == (pieces.lines, pieces.octets)


def test_streamed_body_gives_the_same_dkim_and_arc_results() -> None:
    """A body given as a re-readable source of small chunks gives the results the message
    source gives, and is read once per pass (no pass keeps the body)."""
    keys = StaticResolver.from_json(SAMPLES / "keys.json")
    arc_keys = StaticResolver.from_json(SAMPLES / "arc" / "keys.json")
    as_of = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    for path, resolver in [
        (SAMPLES / "dkim" / "body-modified.eml", keys),
        (SAMPLES / "dkim" / "good-rsa.eml", keys),
        (SAMPLES / "arc" / "forwarded-list-valid-chain.eml", arc_keys),
        (SAMPLES / "arc" / "forwarded-list-broken-chain.eml", arc_keys),
    ]:
        message = parse(path.read_bytes())
        policy = Policy(resolver=resolver, as_of=as_of)
        body = message.body
        passes = 0

        def chunks(body: bytes = body) -> Iterator[bytes]:
            nonlocal passes
            passes += 1
            for i in range(0, len(body), 7):
                yield body[i : i + 7]

        plain = analyze_dkim(message, policy, resolver=resolver, receipt_time=None)
        streamed = analyze_dkim(message, policy, resolver=resolver, receipt_time=None, body=chunks)
        assert streamed == plain, path.name
        trust = TrustBoundary(header_index=1)
        kw = {"resolver": resolver, "receipt_time": None, "dkim": plain.results, "trust": trust}
        assert analyze_arc(message, policy, body=chunks, **kw) == analyze_arc(
            message, policy, **kw
        ), path.name
        assert passes > 0
