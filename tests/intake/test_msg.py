"""Outlook .msg files written by real Outlook installations (tests/intake/data/msg, see its
PROVENANCE.md): read from a path, bytes or a file object, checked against the streams read
directly with olefile."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import olefile
import pytest

import headerlens
from headerlens.parse.intake import convert
from headerlens.parse.outlook import CFB_SIGNATURE, convert_msg
from headerlens.policy import Limits, Policy

DATA = Path(__file__).resolve().parent / "data" / "msg"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _stream(path: Path, name: str) -> bytes:
    with olefile.OleFileIO(str(path)) as ole, ole.openstream(name) as fh:
        data: bytes = fh.read()
    return data


def _transport_fields(path: Path) -> list[str]:
    """The field names of the stored transport headers, read straight from the stream."""
    text = _stream(path, "__substg1.0_007D001F").decode("utf-16-le").rstrip("\x00")
    block = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    return re.findall(r"(?m)^([A-Za-z0-9-]+):", block)


def _attachment_hashes(path: Path) -> list[str]:
    out = []
    with olefile.OleFileIO(str(path)) as ole:
        for entry in sorted(
            {e[0] for e in ole.listdir() if e[0].startswith("__attach_version1.0_#")}
        ):
            name = f"{entry}/__substg1.0_37010102"
            if ole.exists(name):
                with ole.openstream(name) as fh:
                    out.append(hashlib.sha256(fh.read()).hexdigest())
    return out


def _with_body(data: bytes, body: bytes) -> bytes:
    """``data`` with its body replaced (the samples use CRLF or LF)."""
    sep = b"\r\n\r\n" if b"\r\n\r\n" in data else b"\n\n"
    return data.split(sep, 1)[0] + sep + body


def _leaves(part: headerlens.MimePart) -> list[headerlens.MimePart]:
    if not part.children:
        return [part]
    return [leaf for child in part.children for leaf in _leaves(child)]


NEWSLETTER = DATA / "mail-parser-outlook-1.msg"
OUTER = DATA / "msg-parser-outer.msg"
BOUNCE = DATA / "msg-parser-other.msg"


@pytest.mark.parametrize("form", ["path", "bytes", "file"])
def test_msg_from_path_bytes_or_file_object(form: str) -> None:
    source: object
    if form == "path":
        source = NEWSLETTER
    elif form == "bytes":
        source = NEWSLETTER.read_bytes()
    else:
        source = io.BytesIO(NEWSLETTER.read_bytes())
    message = headerlens.parse(source)  # type: ignore[arg-type]
    assert message.input_form == "msg"
    assert [h.name for h in message.headers] == _transport_fields(NEWSLETTER)


def test_newsletter_headers_hops_and_attachments() -> None:
    report = headerlens.analyze(NEWSLETTER)
    message = report.message
    # the header block is the stored one, field for field
    assert [h.name for h in message.headers] == _transport_fields(NEWSLETTER)
    assert message.get("Message-ID") == "<20170918100018.6AE0948009C@www.w-vwa.de>"
    assert len(report.hops) == _transport_fields(NEWSLETTER).count("Received") == 10
    assert report.hops[0].received.by_host == "www.w-vwa.de"
    assert report.hops[-1].received.by_host == "EX-01.auenland.lkt"
    # what the item says about itself
    assert message.intake is not None
    item = message.intake.outlook
    assert item == headerlens.OutlookItem(
        message_class="IPM.Note",
        transport_headers=True,
        subject="Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz",
        sender="<NueblingV@w-vwa.de>",
        submitted=dt.datetime(2017, 9, 18, 10, 0, 18, tzinfo=dt.UTC),
        delivered=dt.datetime(2017, 9, 18, 10, 0, 28, tzinfo=dt.UTC),
        attachments=5,
        embedded_messages=0,
        body_forms=("text", "html", "rtf"),
        codepage=1252,
    )
    assert message.intake.body_original is False
    # the rebuilt body follows the header's multipart/mixed; attachments keep their bytes
    assert message.mime is not None
    assert message.mime.content_type == "multipart/mixed"
    files = [p for p in _leaves(message.mime) if p.disposition in ("attachment", "inline")]
    assert sorted(p.sha256 for p in files) == sorted(_attachment_hashes(NEWSLETTER))
    assert [p.filename for p in files][:2] == ["newsletter.png", "spacer.gif"]
    assert [d.code for d in report.defects] == []
    assert "intake.body_not_original" in [f.code for f in report.findings]


def test_unsent_item_with_an_embedded_item() -> None:
    report = headerlens.analyze(OUTER)
    codes = [d.code for d in report.defects]
    # both the outer item and the embedded one lack transport headers
    assert codes.count("msg.no_transport_headers") == 2
    assert report.message.get("Subject") == "outer subject"
    assert report.message.get("To") == "outer@foo.bar"
    assert report.hops == ()
    assert len(report.attached) == 1
    # both items get header fields and a boundary of their own: the inner item's parts stay
    # inside it
    assert report.message.mime is not None
    assert [p.content_type for p in report.message.mime.children] == [
        "text/plain",
        "message/rfc822",
    ]
    inner = report.attached[0]
    assert inner.message.input_form == "msg"
    assert inner.message.get("Subject") == "test"
    assert inner.message.mime is not None
    assert [(p.content_type, p.decoded_size) for p in inner.message.mime.children] == [
        ("text/plain", 6)
    ]
    assert report.reported_by is not None
    assert report.reported_by.note == "Outer body"


def test_bounce_item_keeps_its_returned_message_as_the_original() -> None:
    report = headerlens.analyze(BOUNCE)
    assert report.message.intake is not None
    assert report.message.intake.outlook is not None
    assert report.message.intake.outlook.codepage == 936
    assert report.message.get("Subject") == "投递状态通知 (Failure Notice)"
    assert report.bounce is not None
    assert report.original is not None
    assert report.attached == ()  # the returned message is Report.original, not attached
    assert [d.code for d in report.defects] == []


def test_msg_attached_to_a_report_mail_is_analysed() -> None:
    b64 = __import__("base64").encodebytes(NEWSLETTER.read_bytes())
    data = (
        b"From: Anna <anna@example.org>\nSubject: suspicious\nDate: Tue, 3 Mar 2026 10:00:00"
        b' +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n'
        b"--b1\nContent-Type: text/plain\n\nPlease check.\n\n"
        b'--b1\nContent-Type: application/vnd.ms-outlook; name="newsletter.msg"\n'
        b"Content-Transfer-Encoding: base64\n"
        b'Content-Disposition: attachment; filename="newsletter.msg"\n\n' + b64 + b"\n--b1--\n"
    )
    report = headerlens.analyze(data)
    assert len(report.attached) == 1
    direct = headerlens.analyze(NEWSLETTER)
    attached = report.attached[0]
    assert attached.message.input_form == "msg"
    assert attached.message.headers == direct.message.headers
    assert attached.hops == direct.hops
    assert report.reported_by is not None
    assert report.reported_by.note == "Please check."


def test_dkim_on_a_rebuilt_body_is_not_verifiable_never_fail() -> None:
    # The real .msg files here carry no DKIM signature, so the signed sample is parsed as if
    # it had come out of a .msg (its header block as stored, the body a rendition).
    sample = SAMPLES / "dkim" / "good-rsa.eml"
    keys = (SAMPLES / "keys.json").read_text(encoding="utf-8")
    policy = Policy(resolver=headerlens.StaticResolver.from_json(keys))
    message = headerlens.parse(sample)
    as_msg = message.model_copy(
        update={"input_form": "msg", "intake": headerlens.Intake(body_original=False)}
    )
    plain = headerlens.verify_dkim(message, policy=policy)
    assert [r.result for r in plain] == ["pass"]
    results = headerlens.verify_dkim(as_msg, policy=policy)
    assert [(r.result, r.reason, r.body_hash_ok, r.header_signature_ok) for r in results] == [
        ("neutral", "body_not_original", None, True)
    ]
    # even a body that really differs is no "fail": it is not the signed body
    changed = headerlens.parse(_with_body(sample.read_bytes(), b"Edited.\r\n"))
    changed = changed.model_copy(
        update={"input_form": "msg", "intake": headerlens.Intake(body_original=False)}
    )
    assert [r.reason for r in headerlens.verify_dkim(changed, policy=policy)] == [
        "body_not_original"
    ]
    # offline, the key is not looked up: still the body reason, the key named in the text
    offline = headerlens.verify_dkim(as_msg)
    assert [(r.result, r.reason) for r in offline] == [("neutral", "body_not_original")]
    assert "not looked up" in offline[0].explanation


def test_header_signature_failure_on_a_msg_is_still_reported() -> None:
    sample = SAMPLES / "dkim" / "header-modified.eml"
    keys = (SAMPLES / "keys.json").read_text(encoding="utf-8")
    policy = Policy(resolver=headerlens.StaticResolver.from_json(keys))
    message = headerlens.parse(sample).model_copy(
        update={"input_form": "msg", "intake": headerlens.Intake(body_original=False)}
    )
    results = headerlens.verify_dkim(message, policy=policy)
    assert [(r.result, r.reason, r.body_hash_ok) for r in results] == [
        ("fail", "signature_mismatch", None)
    ]


def test_arc_on_a_rebuilt_body_checks_no_body_hash() -> None:
    sample = SAMPLES / "arc" / "forwarded-list-valid-chain.eml"
    keys = (SAMPLES / "arc" / "keys.json").read_text(encoding="utf-8")
    policy = Policy(resolver=headerlens.StaticResolver.from_json(keys))
    message = headerlens.parse(_with_body(sample.read_bytes(), b"A rendition.\r\n"))
    as_msg = message.model_copy(
        update={"input_form": "msg", "intake": headerlens.Intake(body_original=False)}
    )
    assert headerlens.verify_arc(message, policy=policy).cv == "fail"
    result = headerlens.verify_arc(as_msg, policy=policy)
    assert (result.cv, result.body_checked) == ("pass", False)
    assert "rendition" in result.reason


def test_header_only_paste_dkim_is_not_available_not_fail() -> None:
    sample = SAMPLES / "dkim" / "good-rsa.eml"
    keys = (SAMPLES / "keys.json").read_text(encoding="utf-8")
    policy = Policy(resolver=headerlens.StaticResolver.from_json(keys))
    header = _with_body(sample.read_bytes(), b"").rstrip(b"\r\n") + b"\r\n"
    results = headerlens.verify_dkim(header, policy=policy)
    assert [(r.result, r.reason, r.body_hash_ok, r.header_signature_ok) for r in results] == [
        ("neutral", "body_not_available", None, True)
    ]


@pytest.mark.parametrize(
    "data",
    [
        CFB_SIGNATURE,
        CFB_SIGNATURE + b"\x00" * 100,
        CFB_SIGNATURE + b"\xff" * 5000,
        NEWSLETTER.read_bytes()[:4096],
        NEWSLETTER.read_bytes()[: len(NEWSLETTER.read_bytes()) // 2],
    ],
    ids=["signature-only", "short", "junk", "first-4k", "half"],
)
def test_broken_msg_gives_a_defect_never_an_exception(data: bytes) -> None:
    report = headerlens.analyze(data)
    codes = [d.code for d in report.defects]
    assert "msg.unreadable" in codes or report.message.input_form == "msg"
    with pytest.raises(headerlens.DefectError):
        headerlens.analyze(CFB_SIGNATURE + b"\x00" * 100, policy=Policy(strict=True))


def test_short_cfb_bytes_are_never_taken_for_a_file_name(tmp_path: Path) -> None:
    # olefile reads bytes shorter than 1536 as a *path*; the converter must hand it a file
    # object, so no file is opened.
    conv = convert_msg(CFB_SIGNATURE + b"x", Limits())
    assert conv.data == b""
    assert [c for c, _t in conv.notes] == ["msg.unreadable"]


def test_embedded_item_depth_is_capped() -> None:
    conv = convert(OUTER.read_bytes(), Limits(max_attached_depth=0))
    assert "limits.attached_depth" in [c for c, _t in conv.notes]
    report = headerlens.analyze(OUTER, policy=Policy(limits=Limits(max_attached_depth=0)))
    assert report.attached == ()


def test_attachments_beyond_the_part_cap_are_not_read() -> None:
    conv = convert(NEWSLETTER.read_bytes(), Limits(max_mime_parts=2))
    assert [c for c, _t in conv.notes] == ["limits.mime_parts"]


def _corrupt_stream_start(data: bytes, name: str) -> bytes:
    """``data`` with the directory entry of stream ``name`` pointing at no sector, as a
    damaged file would ([MS-CFB] 2.6.1: starting sector location at offset 116)."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        sid = ole._find(name)
        size = ole.sectorsize
        chain = [ole.first_dir_sector]
        while len(chain) * size < (sid + 1) * 128:
            chain.append(ole.fat[chain[-1]])
        sector = chain[sid * 128 // size]
        offset = (sector + 1) * size + (sid * 128) % size + 116
    out = bytearray(data)
    out[offset : offset + 4] = (0xFFFFFFF0).to_bytes(4, "little")
    return bytes(out)


def test_an_unreadable_attachment_is_a_defect() -> None:
    damaged = _corrupt_stream_start(
        NEWSLETTER.read_bytes(), "__attach_version1.0_#00000000/__substg1.0_37010102"
    )
    report = headerlens.analyze(damaged)
    assert [(d.code, d.message) for d in report.defects] == [
        (
            "msg.attachment_unreadable",
            "attachment newsletter.png is damaged: only 0 bytes could be read",
        )
    ]
    assert len(report.hops) == 10  # the rest of the item is read as before


def test_attachments_without_a_multipart_header_are_a_defect() -> None:
    from headerlens.parse.outlook import _Attachment, _Converter

    conv = _Converter(Limits())
    body = conv._body(
        "text/plain",
        {"charset": "utf-8"},
        "quoted-printable",
        "Grüße\n",
        None,
        [_Attachment("file", "application/pdf", "a.pdf", "", b"%PDF")],
    )
    assert body == b"Gr=C3=BC=C3=9Fe\r\n"
    assert [c for c, _t in conv.notes] == ["msg.attachments_not_rebuilt"]


def test_every_entry_point_reads_a_msg() -> None:
    bounce = headerlens.parse_bounce(BOUNCE)
    assert bounce is not None
    assert bounce.kind == "heuristic"
    assert headerlens.verify_dkim(NEWSLETTER) == ()
    assert headerlens.verify_arc(NEWSLETTER).cv == "none"
