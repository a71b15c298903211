"""Pasted and saved text: every sample as Notepad saves it (UTF-8 with BOM, UTF-16 LE/BE),
indented as in a ticket, inside a copied Gmail "Show original" page and in Outlook's
"Internet headers" box, giving the same hops and authentication results as the raw bytes.
The page shapes follow the public descriptions cited in data/msg/PROVENANCE.md."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import headerlens
from headerlens.parse.paste import (
    decode_text,
    dedent,
    join_header_groups,
    needs_group_join,
    read_gmail_page,
)
from headerlens.policy import Policy

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PATHS = sorted(
    p
    for p in SAMPLES.rglob("*")
    if p.suffix in (".eml", ".txt") and p.is_file() and "keys" not in p.parts
)
IDS = [str(p.relative_to(SAMPLES)) for p in PATHS]


def _dump(items: Any) -> Any:
    return json.loads(json.dumps([i.model_dump(mode="json") for i in items]))


def _auth(report: headerlens.Report) -> dict[str, Any]:
    return {
        "auth_results": _dump(report.auth_results),
        "received_spf": _dump(report.received_spf),
        "dkim": _dump(report.dkim),
        "arc": report.arc.model_dump(mode="json"),
        "dmarc": None if report.dmarc is None else report.dmarc.model_dump(mode="json"),
    }


def _split(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(header block, separator, body) of a sample."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        if sep in data:
            head, body = data.split(sep, 1)
            return head, sep, body
    return data, b"", b""


def _newline(data: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in data else b"\n"


# --- text encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8-bom", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be"],
)
@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_saved_by_notepad_gives_the_same_report(
    sample: Path, encoding: str, bom: bytes, policy_for: Callable[[Path], Policy]
) -> None:
    raw = sample.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("the sample holds bytes that are not UTF-8; no text editor keeps them")
    codec = {"utf-8-bom": "utf-8", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}
    saved = bom + text.encode(codec[encoding])
    policy = policy_for(sample)
    direct = headerlens.analyze(raw, policy=policy)
    pasted = headerlens.analyze(saved, policy=policy)
    assert pasted.message.input_form == "paste"
    assert pasted.message.intake == headerlens.Intake(text_encoding=encoding)  # type: ignore[arg-type]
    # the converted bytes are the original ones, so everything but the intake agrees
    assert pasted.message.source == raw
    skip = frozenset(("input_form", "intake"))
    assert _strip(pasted.to_dict(), skip) == _strip(direct.to_dict(), skip)


def _strip(data: Any, keys: frozenset[str]) -> Any:
    if isinstance(data, dict):
        return {k: _strip(v, keys) for k, v in data.items() if k not in keys}
    if isinstance(data, list):
        return [_strip(v, keys) for v in data]
    return data


def test_utf16_without_bom_is_recognised() -> None:
    text = "Received: from a by b; Tue, 3 Mar 2026 10:00:00 +0000\r\nFrom: a@example.com\r\n"
    assert decode_text(text.encode("utf-16-le")) == (text.encode(), "utf-16-le")
    assert decode_text(text.encode("utf-16-be")) == (text.encode(), "utf-16-be")
    assert decode_text(text.encode()) == (text.encode(), None)


def test_odd_utf16_and_unpaired_surrogates_do_not_raise() -> None:
    data = b"\xff\xfe" + "From: a@example.com\r\n".encode("utf-16-le") + b"\x00\xd8x"
    message = headerlens.parse(data)  # the odd byte is dropped, the lone surrogate replaced
    assert message.get("From") == "a@example.com \ufffd"
    assert message.intake is not None
    assert message.intake.text_encoding == "utf-16-le"


# --- indentation -----------------------------------------------------------------------


@pytest.mark.parametrize("indent", [b"    ", b"\t", b"  > "[:2]], ids=["spaces", "tab", "two"])
@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_indented_paste_gives_the_same_report(
    sample: Path, indent: bytes, policy_for: Callable[[Path], Policy]
) -> None:
    raw = sample.read_bytes()
    lines = raw.splitlines(keepends=True)
    pasted = b"".join(indent + line if line.strip() else line for line in lines)
    policy = policy_for(sample)
    direct = headerlens.analyze(raw, policy=policy)
    report = headerlens.analyze(pasted, policy=policy)
    assert report.message.input_form == "paste"
    assert report.message.intake is not None
    assert report.message.intake.indent_removed == len(indent)
    assert _dump(report.hops) == _dump(direct.hops)
    assert _auth(report) == _auth(direct)


@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_indented_blank_lines_too(sample: Path, policy_for: Callable[[Path], Policy]) -> None:
    # an editor that indents a quote indents its blank lines as well; the bundled
    # header-only-paste.txt starts with one, and such a paste was read as one header field
    raw = sample.read_bytes()
    pasted = b"".join(b"    " + line for line in raw.splitlines(keepends=True))
    policy = policy_for(sample)
    direct = headerlens.analyze(raw, policy=policy)
    report = headerlens.analyze(pasted, policy=policy)
    assert report.message.input_form == "paste"
    assert _dump(report.hops) == _dump(direct.hops)
    assert _auth(report) == _auth(direct)


def test_dedent_keeps_the_extra_indentation_of_folded_lines() -> None:
    data = b"  Received: from a\n  \tby b; Tue, 3 Mar 2026 10:00:00 +0000\n  From: x@example.com\n"
    assert dedent(data) == (
        b"Received: from a\n\tby b; Tue, 3 Mar 2026 10:00:00 +0000\nFrom: x@example.com\n",
        2,
    )
    # text that does not start like a header field once dedented is left alone
    assert dedent(b"  hello world\n  more\n") == (b"  hello world\n  more\n", 0)


# --- Gmail "Show original" ---------------------------------------------------------------


def gmail_page(raw: bytes, message: headerlens.Message) -> bytes:
    """The text a browser copies from Gmail's "Show original" page for ``raw``."""
    nl = "\n"
    date = message.date()
    created = "Tue, Mar 3, 2026 at 10:00 AM"
    if date is not None and date.datetime is not None:
        local = date.datetime.astimezone(dt.timezone(dt.timedelta(hours=1)))
        hour = local.hour % 12 or 12
        ampm = "AM" if local.hour < 12 else "PM"
        created = f"{local:%a, %b} {local.day}, {local.year} at {hour}:{local:%M} {ampm}"
    rows = [
        "Original Message",
        "",
        f"Message ID\t{message.get('Message-ID') or '<none@example.invalid>'}",
        f"Created at:\t{created} (Delivered after 4 seconds)",
        f"From:\t{message.get('From') or ''}",
        f"To:\t{message.get('To') or ''}",
        f"Subject:\t{message.get('Subject') or ''}",
        "SPF:\tPASS with IP 192.0.2.25 Learn more",
        "DKIM:\t'PASS' with domain example.com Learn more",
        "DMARC:\t'PASS' Learn more",
        "",
        "Download Original\tCopy to clipboard\t",
    ]
    return nl.join(rows).encode("utf-8") + b"\n" + raw


@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_gmail_show_original_page_gives_the_same_report(
    sample: Path, policy_for: Callable[[Path], Policy]
) -> None:
    raw = sample.read_bytes()
    policy = policy_for(sample)
    direct = headerlens.analyze(raw, policy=policy)
    page = gmail_page(raw, direct.message)
    report = headerlens.analyze(page, policy=policy)
    assert report.message.input_form == "paste-gmail"
    # blank lines between the buttons and the message belong to the page
    assert report.message.source == raw.lstrip(b"\r\n")
    assert _dump(report.hops) == _dump(direct.hops)
    assert _auth(report) == _auth(direct)
    intake = report.message.intake
    assert intake is not None
    summary = intake.client_summary
    assert summary is not None
    assert (summary.spf, summary.spf_ip, summary.dkim, summary.dkim_domain, summary.dmarc) == (
        "pass",
        "192.0.2.25",
        "pass",
        "example.com",
        "pass",
    )
    assert summary.delivered_after == dt.timedelta(seconds=4)
    assert [c.label for c in summary.lines] == [
        "Message ID",
        "Created at",
        "From",
        "To",
        "Subject",
        "SPF",
        "DKIM",
        "DMARC",
    ]
    # the rest of the findings are the message's own
    own = [f for f in report.findings if not f.code.startswith("intake.client_")]
    assert own == list(direct.findings)


BODY = b"See you at noon.\n"
# bh= of BODY under relaxed canonicalization (RFC 6376 section 3.4.4): the key is not looked
# up offline, so the signature is neither a pass nor a fail here.
BH = base64.b64encode(hashlib.sha256(BODY.replace(b"\n", b"\r\n")).digest())
GOOGLE = (
    b"Delivered-To: bob@example.org\n"
    b"Received: by 2002:a05:6a10:1234:b0:5e1:aaaa:bbbb with SMTP id x1csp1;\n"
    b"        Tue, 3 Mar 2026 02:00:06 -0800 (PST)\n"
    b"Authentication-Results: mx.google.com;\n"
    b"       dkim=pass header.i=@example.com header.s=s2026 header.b=abcd;\n"
    b"       spf=pass (google.com: domain of alice@example.com designates 192.0.2.25 as"
    b" permitted sender) smtp.mailfrom=alice@example.com;\n"
    b"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com\n"
    b"Received: from mail.example.com (mail.example.com. [192.0.2.25])\n"
    b"        by mx.google.com with ESMTPS id y2si1.2026.03.03.02.00.05\n"
    b"        for <bob@example.org>; Tue, 03 Mar 2026 02:00:05 -0800 (PST)\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s2026;"
    b" h=from:subject:date; bh=" + BH + b"; b=QkJCQg==\n"
    b"From: Alice <alice@example.com>\n"
    b"To: bob@example.org\n"
    b"Subject: Lunch\n"
    b"Date: Tue, 3 Mar 2026 10:00:01 +0000\n"
    b"Message-ID: <lunch-1@example.com>\n"
    b"\n" + BODY
)

SUMMARY = (
    "Original Message\n"
    "Message ID\t<lunch-1@example.com>\n"
    "Created at:\tTue, Mar 3, 2026 at 11:00 AM (Delivered after 4 seconds)\n"
    "From:\tAlice <alice@example.com>\n"
    "To:\tbob@example.org\n"
    "Subject:\tLunch\n"
    "SPF:\tPASS with IP 192.0.2.25 Learn more\n"
    "DKIM:\t'PASS' with domain example.com Learn more\n"
    "DMARC:\t'PASS' Learn more\n"
    "Download Original\tCopy to clipboard\n"
)


def test_gmail_claims_that_agree() -> None:
    report = headerlens.analyze(SUMMARY.encode() + GOOGLE)
    found = [(f.code, f.summary) for f in report.findings if f.code.startswith("intake.")]
    assert found == [
        (
            "intake.client_claims_agree",
            "Gmail's summary agrees with the message (Message ID, Subject, From, Created at,"
            " Delivered after, SPF, DMARC, DKIM).",
        )
    ]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("Subject:\tLunch", "Subject:\tInvoice"),
            [
                "Gmail's summary says Subject 'Invoice' but the Subject field is 'Lunch': the"
                " pasted summary and the message disagree."
            ],
        ),
        (
            ("Message ID\t<lunch-1@example.com>", "Message ID\t<other@example.com>"),
            [
                "Gmail's summary says Message ID '<other@example.com>' but the Message-ID field is"
                " '<lunch-1@example.com>': the pasted summary and the message disagree."
            ],
        ),
        (
            ("SPF:\tPASS", "SPF:\tFAIL"),
            [
                "Gmail's summary says SPF 'fail' but Authentication-Results says pass: the pasted"
                " summary and the message disagree."
            ],
        ),
        (
            ("at 11:00 AM", "at 11:07 AM"),
            [
                "Gmail's summary says Created at 'Tue, Mar 3, 2026 at 11:07 AM', which no time zone"
                " makes the Date field 'Tue, 3 Mar 2026 10:00:01 +0000': the pasted summary and the"
                " message disagree."
            ],
        ),
        (
            ("with domain example.com", "with domain example.net"),
            [
                "Gmail's summary says DKIM pass with domain example.net, but the message has no"
                " DKIM-Signature by example.net: the pasted summary and the message disagree.",
                "Gmail's summary says DKIM 'pass' for example.net but Authentication-Results"
                " says pass (example.com): the pasted summary and the message disagree.",
            ],
        ),
        (
            ("From:\tAlice <alice@example.com>", "From:\tAlice <alice@example.net>"),
            [
                "Gmail's summary says From 'Alice <alice@example.net>' but the From field is"
                " 'Alice <alice@example.com>': the pasted summary and the message disagree."
            ],
        ),
    ],
    ids=["subject", "message-id", "spf", "created-at", "dkim-domain", "from"],
)
def test_gmail_claims_that_differ(edit: tuple[str, str], expected: list[str]) -> None:
    page = SUMMARY.replace(*edit).encode() + GOOGLE
    report = headerlens.analyze(page)
    found = [f for f in report.findings if f.code == "intake.client_claim_differs"]
    assert [f.summary for f in found] == expected
    assert all(f.severity == "warning" for f in found)


def test_gmail_page_readers() -> None:
    assert read_gmail_page(GOOGLE) is None
    assert read_gmail_page(b"Message ID: x\nReceived: y\n") is None  # one row is no table
    got = read_gmail_page(SUMMARY.encode() + GOOGLE)
    assert got is not None
    rest, summary, dropped = got
    assert rest == GOOGLE
    assert dropped == len(SUMMARY.splitlines())
    assert summary.created_at == "Tue, Mar 3, 2026 at 11:00 AM"


# --- Outlook "Internet headers" box ------------------------------------------------------


def outlook_box(raw: bytes, *, version_line: bool) -> bytes:
    """Outlook's "Internet headers" box for ``raw``: the header fields only, the trace fields
    above the first From or Date field a group of their own (a blank line after them), as
    Exchange 2003/2007 stored them; optionally under the "Microsoft Mail Internet Headers
    Version 2.0" line."""
    head, _sep, _body = _split(raw)
    nl = _newline(raw)
    fields = [f for f in re.split(rb"(?m)^(?=[^ \t\r\n])", head + nl) if f]
    cut = next(
        (i for i, f in enumerate(fields) if f.lower().startswith((b"from:", b"date:"))),
        len(fields),
    )
    top, rest = fields[:cut], fields[cut:]
    box = b"".join(top) + nl + b"".join(rest) if top and rest else b"".join(fields)
    if version_line:
        box = b"Microsoft Mail Internet Headers Version 2.0" + nl + box
    return box


def _header_only_equivalent(raw: bytes) -> bytes:
    head, _sep, _body = _split(raw)
    return head + _newline(raw)


@pytest.mark.parametrize("version_line", [True, False], ids=["exchange-2003", "grouped"])
@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_outlook_internet_headers_box_gives_the_same_hops_and_results(
    sample: Path, version_line: bool, policy_for: Callable[[Path], Policy]
) -> None:
    raw = sample.read_bytes()
    policy = policy_for(sample)
    direct = headerlens.analyze(raw, policy=policy)
    box = outlook_box(raw, version_line=version_line)
    if not version_line and not needs_group_join(box):
        pytest.skip("no Received group above From/Date: the box reads as a plain header block")
    report = headerlens.analyze(box, policy=policy)
    assert report.message.input_form == "paste-outlook"
    assert [h.raw.rstrip("\r\n") for h in report.message.headers] == [
        h.raw.rstrip("\r\n") for h in direct.message.headers
    ]
    assert _dump(report.hops) == _dump(direct.hops)
    assert _dump(report.auth_results) == _dump(direct.auth_results)
    assert _dump(report.received_spf) == _dump(direct.received_spf)
    # without a body the same header block gives the same DKIM and ARC readings
    same = headerlens.analyze(_header_only_equivalent(raw), policy=policy)
    assert _auth(report) == _auth(same)
    # and no signature "fails" for want of the body
    for ours, theirs in zip(report.dkim, direct.dkim, strict=True):
        assert ours.header_signature_ok == theirs.header_signature_ok
        if theirs.result == "pass":
            assert ours.result in ("pass", "neutral")


def test_group_join_reader() -> None:
    box = (
        b"Received: from a by b; Tue, 3 Mar 2026 10:00:00 +0000\r\n"
        b"\r\n"
        b"X-MailingID: 1::2\r\n"
        b"\r\n"
        b"Content-Type: text/html;\r\n\tcharset=utf-8\r\n"
        b"From: a@example.com\r\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
        b"\r\n"
        b"--boundary\r\n"
        b"Content-Type: text/plain\r\n"
    )
    assert needs_group_join(box)
    block, dropped = join_header_groups(box)
    assert block == (
        b"Received: from a by b; Tue, 3 Mar 2026 10:00:00 +0000\r\n"
        b"X-MailingID: 1::2\r\n"
        b"Content-Type: text/html;\r\n\tcharset=utf-8\r\n"
        b"From: a@example.com\r\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
    )
    assert dropped == 5
    report = headerlens.analyze(box)
    assert report.message.input_form == "paste-outlook"
    assert report.message.header_only
    # a real message has From and Date above its blank line: never joined
    assert not needs_group_join(b"From: a@example.com\nDate: x\n\nName: Bob\nDate: today\n")
