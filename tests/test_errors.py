"""The error contract (issue #12): only ``TypeError`` for a wrong argument type and the
documented :class:`HeaderlensError` subclasses escape a public function; the command line
exits 2 with one line for every bad argument or file.

Every public entry point is fed wrong types, missing and unreadable paths and bad resolver or
policy settings, and the exception class (and its message) is checked.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import headerlens
from headerlens import (
    DefectError,
    DnsResolver,
    HeaderlensError,
    InputError,
    Limits,
    Policy,
    ResolverError,
    StaticResolver,
)
from headerlens.cli import main
from headerlens.errors import PolicyError
from headerlens.resolvers import RecordingResolver

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "gmail-to-microsoft365.eml"
MESSAGE = b"From: a@example.org\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nbody\r\n"

# The entry points that take "a message" (one source reader for all of them).
SOURCE_ENTRIES: dict[str, Callable[..., Any]] = {
    "parse": headerlens.parse,
    "analyze": headerlens.analyze,
    "parse_bounce": headerlens.parse_bounce,
    "verify_dkim": headerlens.verify_dkim,
    "verify_arc": headerlens.verify_arc,
}
# The entry points that take one field value.
TEXT_ENTRIES: dict[str, Callable[..., Any]] = {
    "parse_received": headerlens.parse_received,
    "parse_date": headerlens.parse_date,
    "parse_authentication_results": headerlens.parse_authentication_results,
    "parse_received_spf": headerlens.parse_received_spf,
}
WRONG_SOURCES: list[Any] = [
    42,
    None,
    3.5,
    ["From: a@example.org"],
    {"From": "a"},
    object(),
    io.StringIO("From: a@example.org\n"),  # a text file: read() gives str, not bytes
]


def _closed() -> io.BytesIO:
    f = io.BytesIO(MESSAGE)
    f.close()
    return f


class _FailingFile:
    def read(self) -> bytes:
        raise OSError(5, "Input/output error")


@pytest.mark.parametrize("name", sorted(SOURCE_ENTRIES))
@pytest.mark.parametrize("value", WRONG_SOURCES, ids=lambda v: type(v).__name__)
def test_wrong_source_type_is_type_error(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\(source\)"):
        SOURCE_ENTRIES[name](value)


@pytest.mark.parametrize("name", sorted(SOURCE_ENTRIES))
@pytest.mark.parametrize("policy", ["strict", 1, {"strict": True}, Limits()], ids=repr)
def test_wrong_policy_type_is_type_error(name: str, policy: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\(policy=\) takes a Policy or None"):
        SOURCE_ENTRIES[name](MESSAGE, policy=policy)


def _unreadable_paths(tmp_path: Path) -> list[tuple[Any, str]]:
    (tmp_path / "file.eml").write_bytes(MESSAGE)
    return [
        (tmp_path / "missing.eml", "No such file or directory"),
        (tmp_path, "it is a folder, not a message file"),
        (tmp_path / "file.eml" / "below-a-file.eml", "Not a directory"),
        (Path("nul\0byte.eml"), "embedded null byte"),
        (_closed(), "cannot read from BytesIO"),
        (_FailingFile(), "Input/output error"),
    ]


@pytest.mark.parametrize("name", sorted(SOURCE_ENTRIES))
def test_unreadable_source_is_input_error(name: str, tmp_path: Path) -> None:
    for source, why in _unreadable_paths(tmp_path):
        with pytest.raises(InputError, match=why):
            SOURCE_ENTRIES[name](source)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
@pytest.mark.parametrize("name", sorted(SOURCE_ENTRIES))
def test_unreadable_file_is_input_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / "secret.eml"
    path.write_bytes(MESSAGE)
    path.chmod(0)
    with pytest.raises(InputError, match="Permission denied"):
        SOURCE_ENTRIES[name](path)


@pytest.mark.parametrize("name", sorted(SOURCE_ENTRIES))
def test_a_str_is_message_text_never_a_path(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a file of that name exists must not change anything: nothing is opened."""
    (tmp_path / "msg.eml").write_bytes(MESSAGE)
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    with_file = SOURCE_ENTRIES[name]("msg.eml")
    monkeypatch.chdir(tmp_path / "empty")
    without_file = SOURCE_ENTRIES[name]("msg.eml")
    assert with_file == without_file
    if name == "parse":
        assert with_file.defects[0].code == "input.looks_like_path"
        assert with_file.source == b"msg.eml"


def test_looks_like_path_is_judged_from_the_text() -> None:
    from headerlens.parse.source import looks_like_path

    for text in ["msg.eml", "/var/mail/x", "./a", "C:\\Mail\\x.msg", "~/inbox.mbox", " x.EML \n"]:
        assert looks_like_path(text), text
    for text in ["Subject: report.txt", "From: a@example.org", "hello world.txt", "", "a\nb"]:
        assert not looks_like_path(text), text


@pytest.mark.parametrize("name", sorted(TEXT_ENTRIES))
@pytest.mark.parametrize("value", [42, None, b"from a by b", ["x"], Path("x")], ids=repr)
def test_text_entries_take_str_only(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\((value|text)\) takes str, not "):
        TEXT_ENTRIES[name](value)


@pytest.mark.parametrize(
    "func", [headerlens.parse_authentication_results, headerlens.parse_received_spf]
)
def test_header_index_must_be_an_int(func: Callable[..., Any]) -> None:
    with pytest.raises(TypeError, match=r"\(header_index=\) takes int or None, not str"):
        func("example.org; spf=pass", header_index="3")


def test_iter_messages_errors(tmp_path: Path) -> None:
    for value in (42, None, b"/tmp", ["x"]):
        with pytest.raises(TypeError):
            headerlens.iter_messages(value)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no such file or folder"):
        headerlens.iter_messages(tmp_path / "missing")
    with pytest.raises(InputError):
        headerlens.iter_messages("nul\0byte")


# --------------------------------------------------------------------------- resolvers


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: StaticResolver(42), TypeError, r"StaticResolver\(records\) takes a mapping"),
        (lambda: StaticResolver(["a"]), TypeError, r"StaticResolver\(records\) takes a mapping"),
        (lambda: StaticResolver(failures="x"), TypeError, r"StaticResolver\(failures\)"),
        (lambda: StaticResolver(failures={"a.example": "boom"}), ResolverError, "must be one of"),
        (lambda: StaticResolver.from_json(42), TypeError, "str or os.PathLike"),
        (lambda: StaticResolver.from_json("/nonexistent/k.json"), ResolverError, "cannot read"),
        (lambda: StaticResolver.from_json("{bad"), ResolverError, "not a JSON key file"),
        (lambda: StaticResolver.from_json("[1]"), ResolverError, "must hold an object"),
        (lambda: StaticResolver.from_json('{"a": 1}'), ResolverError, "must be a string"),
        (lambda: StaticResolver({42: "v=spf1 -all"}), TypeError, "StaticResolver name takes str"),  # type: ignore[dict-item]
        (lambda: StaticResolver(failures={"a.example": 1}), TypeError, r"\(failures\) value"),  # type: ignore[dict-item]
        (
            lambda: StaticResolver(failures={("a.example",): "timeout"}),
            TypeError,
            r"\(failures\) key",
        ),  # type: ignore[dict-item]
        (lambda: RecordingResolver(42), TypeError, r"RecordingResolver\(inner\) takes a resolver"),  # type: ignore[arg-type]
        (lambda: StaticResolver.from_zone(42), TypeError, r"from_zone\(text\) takes str"),
        (lambda: StaticResolver.from_zone("a.example. IN"), ResolverError, "no record type"),
        (lambda: StaticResolver.from_zone("a ("), ResolverError, "inside parentheses"),
        (lambda: DnsResolver(["not-an-ip"]), ResolverError, "'not-an-ip' is not an IP address"),
        (lambda: DnsResolver("192.0.2.1:53"), ResolverError, "is not an IP address"),
        (lambda: DnsResolver([]), ResolverError, "no nameserver given"),
        (lambda: DnsResolver(42), TypeError, r"DnsResolver\(nameservers\)"),  # type: ignore[arg-type]
        (lambda: DnsResolver([53]), TypeError, r"DnsResolver\(nameservers\) item takes str"),  # type: ignore[list-item]
        (lambda: DnsResolver(["192.0.2.1"], port="53"), TypeError, "takes int"),  # type: ignore[arg-type]
        (lambda: DnsResolver(["192.0.2.1"], port=70000), ResolverError, "between 1 and 65535"),
        (lambda: DnsResolver(["192.0.2.1"], timeout=0), ResolverError, "positive number"),
        (lambda: DnsResolver(["192.0.2.1"], lifetime=-1.0), ResolverError, "positive number"),
        (lambda: DnsResolver(["192.0.2.1"], timeout="2"), TypeError, "number of seconds"),  # type: ignore[arg-type]
    ],
)
def test_resolver_configuration_errors(
    make: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        make()
    if error is ResolverError:
        assert isinstance(info.value, ValueError)  # callers of earlier versions caught that
        assert "\n" not in str(info.value)


def test_key_file_errors(tmp_path: Path) -> None:
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(ResolverError, match="is not UTF-8 text"):
        StaticResolver.from_json(tmp_path / "bin.json")
    with pytest.raises(ResolverError, match="cannot read key file"):
        StaticResolver.from_json(tmp_path)
    good = StaticResolver.from_json(REPO / "samples" / "keys.json")
    assert good.names


def test_good_resolvers_still_build() -> None:
    live = DnsResolver([" 192.0.2.53 ", "2001:db8::1"], port=5353, timeout=1, lifetime=2.5)
    assert live.nameservers == ("192.0.2.53", "2001:db8::1")


# --------------------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"as_of": dt.datetime(2026, 3, 3)}, PolicyError, "timezone-aware"),
        ({"as_of": "2026-03-03T10:00:00+00:00"}, TypeError, r"Policy\(as_of\) takes datetime"),
        ({"as_of": dt.date(2026, 3, 3)}, TypeError, r"Policy\(as_of\) takes datetime"),
        ({"resolver": "8.8.8.8"}, TypeError, r"Policy\(resolver\)"),
        ({"strict": "yes"}, TypeError, r"Policy\(strict\) takes bool"),
        ({"trust_gateways": 1}, TypeError, r"Policy\(trust_gateways\) takes bool"),
        ({"limits": {"max_received": 5}}, TypeError, r"Policy\(limits\) takes Limits"),
        ({"trusted_hosts": [1]}, TypeError, r"Policy\(trusted_hosts\) item takes str"),
        ({"trusted_authserv_ids": 5}, TypeError, r"Policy\(trusted_authserv_ids\)"),
        ({"spamassassin_rules": 5}, TypeError, r"Policy\(spamassassin_rules\)"),
        ({"spamassassin_rules": ("/a", 5)}, TypeError, r"spamassassin_rules\) item"),
        ({"spamassassin_rules": ""}, PolicyError, "not a directory name"),
    ],
)
def test_policy_errors(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Policy(**kwargs)


def test_limits_errors() -> None:
    with pytest.raises(PolicyError, match="must not be negative"):
        Limits(max_received=-1)
    with pytest.raises(TypeError, match=r"Limits\(max_received\) takes int"):
        Limits(max_received=2.5)  # type: ignore[arg-type]


def test_policy_normalises_what_it_accepts(tmp_path: Path) -> None:
    p = Policy(trusted_hosts="mx.example.com", spamassassin_rules=tmp_path)
    assert p.trusted_hosts == ("mx.example.com",)
    assert p.spamassassin_rules == (str(tmp_path),)
    assert p.spamassassin_rule_dirs == (str(tmp_path),)
    assert Policy().spamassassin_rule_dirs == ()
    assert Policy(spamassassin_rules=[tmp_path, str(tmp_path)]).spamassassin_rules == (
        str(tmp_path),
        str(tmp_path),
    )


def test_a_missing_rules_directory_is_input_error(tmp_path: Path) -> None:
    policy = Policy(spamassassin_rules=tmp_path / "nope")
    with pytest.raises(InputError, match="no such directory"):
        headerlens.analyze(MESSAGE, policy=policy)


# --------------------------------------------------------------------------- strict, defects


NESTED = (
    b"From: a@example.org\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
    b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
    b"--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    b"--B\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    b"JVBER!!!i0xLjQK\r\n"
    b"--B\r\nContent-Type: message/rfc822\r\n\r\n"
    b"From: b@example.org\r\nContent-Type: multipart/alternative\r\n\r\nx\r\n"
    b"--B--\r\n"
)


def test_report_defects_include_the_mime_tree() -> None:
    report = headerlens.analyze(NESTED)
    assert [(d.code, d.header_index, d.message) for d in report.defects] == [
        ("mime.base64_characters", None, "MIME part 2: 3 bytes outside the alphabet"),
        (
            "message.missing_date",
            None,
            "the message in MIME part 3: no Date field (RFC 5322 section 3.6.1 requires one)",
        ),
        (
            "mime.missing_boundary",
            None,
            "the message in MIME part 3: multipart/alternative without a boundary parameter",
        ),
    ]
    # The tree keeps each defect where it was found.
    mime = report.message.mime
    assert mime is not None
    assert [d.code for d in mime.children[1].defects] == ["mime.base64_characters"]


@pytest.mark.parametrize("name", ["parse", "analyze"])
def test_strict_raises_from_the_call_itself(name: str) -> None:
    with pytest.raises(DefectError) as info:
        SOURCE_ENTRIES[name](NESTED, policy=Policy(strict=True))
    assert info.value.defect.code == "mime.base64_characters"


def test_strict_raises_for_a_defect_inside_an_embedded_message() -> None:
    only_inner = NESTED.replace(b"JVBER!!!i0xLjQK", b"JVBERi0xLjQK").replace(
        b"From: b@example.org\r\n", b"From: b@example.org\r\nDate: Tue, 3 Mar 2026 10:00:00 Z\r\n"
    )
    assert [d.code for d in headerlens.analyze(only_inner).defects] == ["mime.missing_boundary"]
    with pytest.raises(DefectError, match=r"mime\.missing_boundary"):
        headerlens.analyze(only_inner, policy=Policy(strict=True))
    with pytest.raises(DefectError, match=r"mime\.missing_boundary"):
        headerlens.analyze(headerlens.parse(only_inner), policy=Policy(strict=True))


def test_views_do_not_hand_out_internal_state() -> None:
    msg = headerlens.parse(MESSAGE)
    view = msg.fields_by_name()
    with pytest.raises(TypeError):
        view["from"] = ()  # type: ignore[index]
    with pytest.raises(AttributeError):
        view.clear()  # type: ignore[attr-defined]
    assert msg.get("From") == "a@example.org"
    from headerlens.spam.sarules import our_rules

    with pytest.raises(TypeError):
        our_rules()["BAYES_99"] = "changed"  # type: ignore[index]


def test_every_error_class_is_exported_and_documented() -> None:
    assert issubclass(InputError, HeaderlensError)
    assert issubclass(ResolverError, HeaderlensError)
    assert issubclass(PolicyError, HeaderlensError)
    assert issubclass(DefectError, HeaderlensError)
    for cls in (InputError, ResolverError, PolicyError, DefectError):
        assert cls.__doc__


# --------------------------------------------------------------------------- command line


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{bad", encoding="utf-8")
    bad_zone = tmp_path / "bad.zone"
    bad_zone.write_text("a.example. IN\n", encoding="utf-8")
    binary = tmp_path / "keys.bin"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    return {"bad_json": bad_json, "bad_zone": bad_zone, "binary": binary}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}"], "cannot read '{missing}': No such file or directory"),
        (["--keys", "{bad_json}", "{sample}"], "not a JSON key file"),
        (["--keys", "{bad_zone}", "{sample}"], "zone line 1: no record type"),
        (["--keys", "{binary}", "{sample}"], "is not UTF-8 text"),
        (["--keys", "{missing}", "{sample}"], "cannot read key file"),
        (["--dns", "not-an-ip", "{sample}"], "nameserver 'not-an-ip' is not an IP address"),
        (["--dns", "192.0.2.1,bad", "{sample}"], "nameserver 'bad' is not an IP address"),
        (["--sa-rules", "{missing}", "{sample}"], "--sa-rules: {missing} is not a directory"),
        (["--as-of", "yesterday", "{sample}"], "--as-of: not an ISO 8601 time"),
        (["--as-of", "2026-03-03T10:00:00", "{sample}"], "--as-of needs a UTC offset"),
        (["--keys", "{bad_json}", "--dns", "192.0.2.1", "{sample}"], "are exclusive"),
        (["--no-such-option", "{sample}"], "unrecognized arguments: --no-such-option"),
        (["--format", "xml", "{sample}"], "invalid choice"),
        ([], "the following arguments are required"),
        (["--batch", "{missing}"], "no such file or folder"),
        (["--batch", "-o", "{missing}/out.csv", "{sample}"], "cannot write"),
        (["--html", "{sample}", "{sample}"], "--html shows one message"),
        ([""], "PATH is empty"),
        (["--width", "0", "{sample}"], "--width: 0 is not a positive number of columns"),
        (["--width", "-5", "{sample}"], "--width: -5 is not a positive number of columns"),
    ],
)
def test_cli_exits_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = {"sample": str(SAMPLE), "missing": str(tmp_path / "missing")}
    names.update({k: str(v) for k, v in _bad_files(tmp_path).items()})
    argv = [a.format(**names) for a in args]
    code, out, err = _cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("headerlens: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert message.format(**names) in err
    assert "Traceback" not in err


def test_cli_reads_rules_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spam = REPO / "samples" / "spam" / "spamassassin-over-threshold.eml"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "local.cf").write_text("describe BAYES_99 described by this machine\n", "utf-8")
    import json

    code, out, _err = _cli(capsys, "--json", str(spam))
    assert code == 0
    plain = json.loads(out)
    assert plain["spamassassin_rules"] == {"directories": [], "files": 0, "sha256": None}
    code, out, _err = _cli(capsys, "--json", "--sa-rules", str(rules), str(spam))
    assert code == 0
    local = json.loads(out)
    assert local["spamassassin_rules"]["directories"] == [str(rules)]
    assert local["spamassassin_rules"]["files"] == 1
    described = {r["name"]: r["description"] for v in local["spam"] for r in v["rules"]}
    assert described["BAYES_99"] == "described by this machine"


def test_cli_schema_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "schema", "extra")
    assert (code, out) == (2, "")
    assert err == (
        "headerlens schema: unrecognized arguments: extra (see headerlens schema --help)\n"
    )
