"""The ``headerlens`` command line: ``main(argv=None) -> int``.

Exit status: 0 on success, 1 when ``--strict`` met a defect, 2 on bad usage or unreadable input
(a missing or unreadable file, a bad key file, a nameserver that is not an IP address, a rules
directory that does not exist): one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from headerlens._version import __version__
from headerlens.analyze import analyze
from headerlens.errors import DefectError, HeaderlensError, InputError
from headerlens.integrations.rows import ROW_FIELDS, RowValue, summary_row
from headerlens.parse import parse
from headerlens.parse.mailbox import Container, iter_sources
from headerlens.policy import Policy
from headerlens.render import render_html, render_json, render_markdown, render_text
from headerlens.render._safe import csv_safe, term_safe
from headerlens.report import Report
from headerlens.resolvers import Resolver, StaticResolver

if TYPE_CHECKING:
    from rich.console import Console

    from headerlens.message import Message

__all__ = ["main"]

RICH_HINT = "tip: pip install 'headerlens[cli]' for coloured tables and progress bars"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (the exit status stays 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {_one_line(message)} (see {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="headerlens",
        description=(
            "Email header forensics: hop chain, DKIM/ARC re-verification, Authentication-"
            "Results and DMARC, vendor spam verdicts, bounces. Offline unless --dns is given."
        ),
        epilog=(
            "other commands: 'headerlens diff A B [options]' compares two messages (every "
            "option above applies to both); 'headerlens schema' prints the JSON Schema of the "
            "--json report. To analyse a file called diff or schema, write ./diff or ./schema."
        ),
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a message file (.eml, Outlook .msg, header paste), '-' for standard input, or for"
        " batch mode a folder, an mbox file or a Maildir",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the JSON report")
    out.add_argument("--markdown", action="store_true", help="print a Markdown report")
    out.add_argument("--html", action="store_true", help="print a self-contained HTML report")
    out.add_argument("--plain", action="store_true", help="plain text even on a terminal")
    out.add_argument("--svg", action="store_true", help="print the hop timeline as SVG")
    _add_layout_options(p)
    p.add_argument("--keys", metavar="FILE", help="DKIM/ARC keys: JSON {name: TXT} or zone text")
    p.add_argument(
        "--dns",
        nargs="?",
        const="system",
        metavar="SERVER[,SERVER]",
        help="opt in to live DNS lookups (default servers: /etc/resolv.conf); a server may"
        " name its port, e.g. 127.0.0.1:5353 or [::1]:5353",
    )
    live = p.add_argument_group(
        "live checks (today's DNS: what the sender or recipient must fix; see docs/checks.md)"
    )
    live.add_argument(
        "--check",
        action="store_true",
        help="check SPF, reverse DNS, DMARC, DKIM keys, MX, MTA-STS, TLS-RPT, DANE and BIMI"
        " now; needs --dns (or --keys to replay saved records; with both, --keys verifies"
        " the signatures and --dns answers the checks)",
    )
    live.add_argument(
        "--blocklist",
        action="append",
        default=[],
        metavar="ZONE",
        help="with --check, ask this DNS block/allow list about the origin IP (repeatable; the"
        " list operator learns the IP)",
    )
    live.add_argument(
        "--fetch-mta-sts",
        action="store_true",
        help="with --check, fetch the recipient domain's MTA-STS policy over HTTPS",
    )
    p.add_argument("--as-of", metavar="ISO", help="judge DKIM/ARC expiry at this aware time")
    p.add_argument(
        "--sa-rules",
        action="append",
        default=[],
        metavar="DIR",
        help="describe SpamAssassin rules from the *.cf files under DIR too (repeatable;"
        " e.g. /usr/share/spamassassin). Off by default: reports then do not depend on what"
        " is installed on this machine",
    )
    p.add_argument(
        "--trusted-authserv-id",
        action="append",
        default=[],
        metavar="ID",
        help="an Authentication-Results authserv-id of your own organisation (repeatable)",
    )
    p.add_argument(
        "--trusted-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a host name or IP of your own MTAs (repeatable)",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on the first defect")
    batch = p.add_argument_group("batch mode (folders, mbox files, Maildirs, several files)")
    batch.add_argument("--batch", action="store_true", help="force batch mode")
    batch.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="batch output format"
    )
    batch.add_argument(
        "--bounces", action="store_true", help="batch: one row per bounced recipient"
    )
    batch.add_argument("-o", "--output", metavar="FILE", help="batch: write rows to FILE")
    batch.add_argument("--no-progress", action="store_true", help="batch: no progress bar")
    p.add_argument("--version", action="version", version=f"headerlens {__version__}")
    return p


_REDACT_RANDOM = "\0random"


def _add_layout_options(p: argparse.ArgumentParser) -> None:
    """--redact, --wide and --width (issue 16)."""
    p.add_argument(
        "--redact",
        nargs="?",
        const=_REDACT_RANDOM,
        metavar="KEYFILE",
        help="replace addresses, names, IPs, host names, Message-IDs and subjects by keyed "
        "pseudonyms and drop raw header text; the same KEYFILE gives the same pseudonyms "
        "in every report (without one, a random key for this run)",
    )
    p.add_argument("--wide", action="store_true", help="never wrap: every table row on one line")
    p.add_argument(
        "--width",
        type=int,
        metavar="COLUMNS",
        help="fit the text, Markdown and terminal reports to COLUMNS (default: the terminal)",
    )


def _system_nameservers() -> list[str]:
    servers: list[str] = []
    try:
        with open("/etc/resolv.conf", encoding="ascii", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    servers.append(parts[1])
    except OSError:
        pass
    return servers


def _key_resolver(args: argparse.Namespace) -> Resolver | None:
    if not args.keys:
        return None
    try:
        raw = Path(args.keys).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read key file {args.keys}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"key file {args.keys} is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        return StaticResolver.from_json(text)
    return StaticResolver.from_zone(text)


def _dns_resolver(args: argparse.Namespace) -> Resolver | None:
    if not args.dns:
        return None
    from headerlens.resolvers import DnsResolver

    servers = _system_nameservers() if args.dns == "system" else args.dns.split(",")
    hosts: list[str] = []
    ports: set[int] = set()
    for spec in (s.strip() for s in servers if s.strip()):
        host, port = _server(spec)
        hosts.append(host)
        if port is not None:
            ports.add(port)
    if not hosts:
        raise _UsageError("--dns: no nameserver given and none in /etc/resolv.conf")
    if len(ports) > 1:
        raise _UsageError("--dns: give every nameserver the same port")
    return DnsResolver(nameservers=hosts, port=ports.pop() if ports else 53)


def _server(spec: str) -> tuple[str, int | None]:
    """``HOST``, ``HOST:PORT`` or ``[IPV6]:PORT`` (a bare IPv6 address has no port)."""
    host, port = spec, ""
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else rest
    elif spec.count(":") == 1:
        host, _, port = spec.partition(":")
    if not port:
        return host, None
    if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise _UsageError(f"--dns: bad port in {spec!r}")
    return host, int(port)


def _resolver(args: argparse.Namespace) -> Resolver | None:
    if args.keys and args.dns and not args.check:
        # (with --check they combine: saved keys verify, live DNS answers the checks)
        raise _UsageError("--keys and --dns are exclusive: pick saved keys or live DNS")
    return _key_resolver(args) or _dns_resolver(args)


def _policy(args: argparse.Namespace) -> Policy:
    as_of = None
    if args.as_of:
        try:
            as_of = dt.datetime.fromisoformat(args.as_of)
        except ValueError as exc:
            raise _UsageError(f"--as-of: not an ISO 8601 time: {args.as_of}") from exc
        if as_of.tzinfo is None:
            raise _UsageError("--as-of needs a UTC offset, e.g. 2026-03-03T10:00:00+00:00")
    if (args.blocklist or args.fetch_mta_sts) and not args.check:
        raise _UsageError("--blocklist and --fetch-mta-sts only apply with --check")
    if args.check and not (args.dns or args.keys):
        raise _UsageError("--check needs --dns (live DNS) or --keys (saved records)")
    return Policy(
        resolver=_resolver(args),
        as_of=as_of,
        trusted_authserv_ids=tuple(args.trusted_authserv_id),
        trusted_hosts=tuple(args.trusted_host),
        strict=args.strict,
        spamassassin_rules=_rules_dirs(args.sa_rules),
        blocklists=tuple(args.blocklist),
    )


def _checks_policy(args: argparse.Namespace, policy: Policy) -> Policy | None:
    """The policy the live checks run with (``None`` without ``--check``): the analysis
    resolver, or live DNS when ``--keys`` answers the analysis and ``--dns`` the checks."""
    if not args.check:
        return None
    from dataclasses import replace

    from headerlens.checks.fetch import HttpsFetcher

    resolver = _dns_resolver(args) if args.keys and args.dns else policy.resolver
    fetcher = HttpsFetcher() if args.fetch_mta_sts else None
    return replace(policy, resolver=resolver, checks=True, mta_sts_fetcher=fetcher)


def _analyze(
    source: bytes | IO[bytes] | Path | Message, args: argparse.Namespace, policy: Policy
) -> Report:
    """``analyze()``, then the live checks when ``--check`` asks for them."""
    report = analyze(source, policy=policy)
    checks = getattr(args, "checks_policy", None)
    if checks is not None:
        from headerlens.checks.run import attach_checks, run_checks

        report = attach_checks(report, run_checks(report, policy=checks))
    return report


def _rules_dirs(dirs: list[str]) -> tuple[str, ...] | None:
    for d in dirs:
        if not Path(d).is_dir():
            raise InputError(f"--sa-rules: {d} is not a directory")
    return tuple(dirs) or None


def _is_batch(args: argparse.Namespace) -> bool:
    if args.batch or args.bounces or len(args.paths) > 1:
        return True
    path = args.paths[0]
    if path == "-":
        return False
    p = Path(path)
    if p.is_dir():
        return True
    try:
        with p.open("rb") as fh:
            if fh.read(5) != b"From ":
                return False
    except OSError:
        return False
    # An mbox: a batch only when it holds more than one message. A single message saved
    # with its mbox From line (SpamAssassin's corpus, mutt, formail) gets its report.
    try:
        messages = iter_sources(p)
        try:
            return next(messages, None) is not None and next(messages, None) is not None
        finally:
            close = getattr(messages, "close", None)
            if close is not None:
                close()
    except HeaderlensError:
        return False


def _have_rich() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def _width(args: argparse.Namespace, out: IO[str], default: int | None) -> int | None:
    """The line length to fit: --wide (none), --width, the terminal, else ``default``."""
    if args.wide:
        return None
    if args.width:
        return max(20, int(args.width))
    if out.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return default


def _print_single(report: Report, args: argparse.Namespace, name: str, out: IO[str]) -> None:
    title = f"headerlens {__version__}: {name}"
    if args.redact:
        title += " (redacted)"
    if args.json:
        out.write(render_json(report) + "\n")
    elif args.markdown:
        out.write(render_markdown(report, title=title, width=_width(args, out, None)))
    elif args.html:
        out.write(render_html(report, title=title))
    elif args.svg:
        from headerlens.render.svg import render_svg

        out.write(render_svg(report, title=f"Hop timeline: {name}"))
    elif not args.plain and out.isatty() and _have_rich():
        from headerlens.render.rich import print_rich

        print_rich(report, title=title, file=out, width=args.width, wide=args.wide)
    else:
        out.write(render_text(report, title=title, width=_width(args, out, 100)))


def _source(path: str) -> tuple[str, IO[bytes] | Path]:
    """The name to show and the source to hand to ``analyze()``, which reads it through the
    one source reader (:mod:`headerlens.parse.source`) like any library call."""
    if path == "-":
        return "<stdin>", sys.stdin.buffer
    return path, Path(path)


def _rows(args: argparse.Namespace, policy: Policy) -> Iterator[dict[str, RowValue]]:
    for path in args.paths:
        if path == "-":
            raise _UsageError("standard input cannot be used in batch mode")
        if not Path(path).exists():
            raise InputError(f"cannot read {path}: no such file or folder")
    for path in args.paths:
        for source_id, data, container in iter_sources(path):
            try:
                report = _redacted(_analyze(_message(data, container, policy), args, policy), args)
            except DefectError as exc:
                row: dict[str, RowValue] = dict.fromkeys(ROW_FIELDS)
                row["id"] = source_id
                row["error"] = str(exc)
                yield row
                continue
            if args.bounces:
                yield from _bounce_rows(source_id, report)
            else:
                yield summary_row(source_id, report)


def _message(data: bytes, container: Container, policy: Policy) -> Message:
    """Parse one message of a batch; a Maildir file says so in ``Message.input_form``."""
    message = parse(data, policy=policy)
    if container == "maildir" and message.input_form == "eml":
        message = message.model_copy(update={"input_form": "maildir"})
    return message


def _bounce_rows(source_id: str, report: Report) -> Iterator[dict[str, RowValue]]:
    if report.bounce is None:
        return
    from headerlens.integrations.bounces import rows_for_report

    origin = report.original.origin_ip if report.original is not None else None
    for row in rows_for_report(source_id, report.bounce, origin_ip=origin):
        yield dict(row)


def _run_batch(args: argparse.Namespace, policy: Policy, out: IO[str], err: IO[str]) -> int:
    if args.bounces:
        from headerlens.integrations.bounces import ROW_FIELDS as BOUNCE_FIELDS

        fields = BOUNCE_FIELDS
    else:
        fields = ROW_FIELDS
    target: IO[str]
    close = False
    if args.output:
        try:
            target = open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc.strerror}") from exc
        close = True
    else:
        target = out
    writer = csv.DictWriter(target, fieldnames=fields) if args.format == "csv" else None
    if writer is not None:
        writer.writeheader()
    progress = not args.no_progress and err.isatty()
    count = 0
    try:
        rows = _rows(args, policy)
        if progress and _have_rich():
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=_console(err),
                transient=True,
            ) as bar:
                task = bar.add_task("analysing", total=None)
                for row in rows:
                    _write_row(target, writer, row)
                    count += 1
                    bar.update(task, advance=1, description=f"analysed {count}")
        else:
            if progress:
                err.write(RICH_HINT + "\n")
            for row in rows:
                _write_row(target, writer, row)
                count += 1
    finally:
        if close:
            target.close()
    if args.output:
        err.write(f"wrote {count} rows to {args.output}\n")
    return 0


def _run_reports(args: argparse.Namespace, policy: Policy, out: IO[str]) -> int:
    """One full report per message of an mbox, folder or file list (an explicit format).

    Text and Markdown reports follow each other; ``--json`` prints one report per line
    (JSON Lines). ``--batch`` gives summary rows instead.
    """
    for path in args.paths:
        if path == "-":
            raise _UsageError("standard input cannot be combined with other paths")
        if not Path(path).exists():
            raise InputError(f"cannot read {path}: no such file or folder")
    first = True
    for path in args.paths:
        for source_id, data, container in iter_sources(path):
            report = _redacted(_analyze(_message(data, container, policy), args, policy), args)
            if args.json:
                out.write(json.dumps(report.model_dump(mode="json"), ensure_ascii=False) + "\n")
                continue
            if not first:
                out.write("\n")
            first = False
            _print_single(report, args, source_id, out)
    return 0


def _console(err: IO[str]) -> Console:
    from rich.console import Console

    return Console(file=err)


def _write_row(
    target: IO[str], writer: csv.DictWriter[str] | None, row: dict[str, RowValue]
) -> None:
    if writer is not None:
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    else:
        target.write(json.dumps(row, ensure_ascii=False) + "\n")


def _one_line(exc: BaseException | str) -> str:
    """An error message on one line, with anything from a file name or a message made safe
    for the terminal."""
    return term_safe(" ".join(str(exc).split()))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    out, err = sys.stdout, sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else None
    if command == "schema":
        return _main_schema(argv[1:], out, err)
    parser = _build_parser()
    try:
        args = parser.parse_args(argv[1:] if command == "diff" else argv)
        _check_paths(parser, args, 2 if command == "diff" else None)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 for --help/--version
        return int(exc.code or 0)
    try:
        _load_redaction_key(args, err)
        policy = _policy(args)
        args.checks_policy = _checks_policy(args, policy)
        if command == "diff":
            return _run_diff(args, policy, out)
        if _is_batch(args):
            if not (args.batch or args.bounces) and (args.plain or args.markdown or args.json):
                return _run_reports(args, policy, out)
            if args.html or args.svg:
                raise _UsageError(
                    f"--{'html' if args.html else 'svg'} shows one message; for several use"
                    " --plain, --markdown or --json (one report each) or batch rows (--format)"
                )
            return _run_batch(args, policy, out, err)
        name, source = _source(args.paths[0])
        report = _redacted(_analyze(source, args, policy), args)
        _print_single(report, args, name, out)
        return 0
    except _UsageError as exc:
        err.write(f"headerlens: {_one_line(exc)}\n")
        return 2
    except DefectError as exc:
        err.write(f"headerlens: strict mode: {_one_line(exc)}\n")
        return 1
    except HeaderlensError as exc:  # InputError, ResolverError, PolicyError
        err.write(f"headerlens: {_one_line(exc)}\n")
        return 2
    except BrokenPipeError:  # e.g. `headerlens big.mbox | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        err.write("headerlens: interrupted\n")
        return 130


# -- issue 16: diff, schema, redaction ---------------------------------------------------------


def _check_paths(
    parser: argparse.ArgumentParser, args: argparse.Namespace, exactly: int | None
) -> None:
    """PATH is required; ``--redact FILE`` right before a lone path is read as the path."""
    if not args.paths and args.redact not in (None, _REDACT_RANDOM):
        args.paths, args.redact = [args.redact], _REDACT_RANDOM
    if exactly is not None and len(args.paths) != exactly:
        parser.error("diff takes exactly two messages: headerlens diff A B [options]")
    if not args.paths:
        parser.error("the following arguments are required: PATH")
    if any(path == "" for path in args.paths):
        parser.error("PATH is empty (use - for standard input)")
    if args.width is not None and args.width < 1:
        parser.error(f"argument --width: {args.width} is not a positive number of columns")


def _load_redaction_key(args: argparse.Namespace, err: IO[str]) -> None:
    """Replace ``args.redact`` (a key file name, or the random marker) by the key bytes."""
    if args.redact is None:
        return
    if args.redact == _REDACT_RANDOM:
        import secrets

        args.redact = secrets.token_bytes(32)
        err.write(
            "headerlens: redacting with a one-off random key; pass --redact KEYFILE for "
            "pseudonyms that stay the same across runs\n"
        )
        return
    try:
        key = Path(args.redact).read_bytes().strip()
    except OSError as exc:
        raise InputError(f"cannot read key file {args.redact}: {exc.strerror}") from exc
    if not key:
        raise _UsageError(f"--redact: the key file {args.redact} is empty")
    args.redact = key


def _redacted(report: Report, args: argparse.Namespace) -> Report:
    return report.redact(args.redact) if args.redact else report


def _run_diff(args: argparse.Namespace, policy: Policy, out: IO[str]) -> int:
    """``headerlens diff A B``: what differs between two messages, in the chosen format."""
    from headerlens.diff import diff

    if args.svg or args.batch or args.bounces:
        raise _UsageError("diff prints text, --markdown, --html or --json")
    reports = []
    for path in args.paths:
        _name, source = _source(path)
        reports.append(_redacted(analyze(source, policy=policy), args))
    result = diff(reports[0], reports[1])
    a_name, b_name = args.paths
    title = f"headerlens {__version__} diff" + (" (redacted)" if args.redact else "")
    if args.json:
        out.write(result.model_dump_json(indent=2) + "\n")
    elif args.markdown:
        from headerlens.render.markdown import render_diff_markdown

        width = _width(args, out, None)
        out.write(
            render_diff_markdown(result, title=title, a_name=a_name, b_name=b_name, width=width)
        )
    elif args.html:
        from headerlens.render.html import render_diff_html

        out.write(render_diff_html(result, title=title, a_name=a_name, b_name=b_name))
    elif not args.plain and out.isatty() and _have_rich():
        from headerlens.render.rich import print_rich_diff

        print_rich_diff(
            result,
            title=title,
            a_name=a_name,
            b_name=b_name,
            file=out,
            width=args.width,
            wide=args.wide,
        )
    else:
        from headerlens.render.text import render_diff_text

        width = _width(args, out, 100)
        out.write(render_diff_text(result, title=title, a_name=a_name, b_name=b_name, width=width))
    return 0


def _main_schema(argv: list[str], out: IO[str], err: IO[str]) -> int:
    """``headerlens schema``: the JSON Schema (draft 2020-12) of the ``--json`` report."""
    parser = _Parser(
        prog="headerlens schema",
        description="Print the JSON Schema (draft 2020-12) of the report that --json prints.",
    )
    try:
        parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from headerlens.render.schema import report_json_schema

    out.write(json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0
