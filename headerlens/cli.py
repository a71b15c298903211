"""The ``headerlens`` command line: ``main(argv=None) -> int``.

Exit status: 0 on success, 1 when ``--strict`` met a defect, 2 on bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from headerlens._version import __version__
from headerlens.analyze import analyze
from headerlens.errors import DefectError, HeaderlensError, InputError
from headerlens.integrations.rows import ROW_FIELDS, RowValue, summary_row
from headerlens.parse import iter_messages
from headerlens.policy import Policy
from headerlens.render import render_html, render_json, render_markdown, render_text
from headerlens.render._safe import term_safe
from headerlens.resolvers import Resolver, StaticResolver

if TYPE_CHECKING:
    from rich.console import Console

    from headerlens.report import Report

__all__ = ["main"]

RICH_HINT = "tip: pip install 'headerlens[cli]' for coloured tables and progress bars"


class _UsageError(Exception):
    pass


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="headerlens",
        description=(
            "Email header forensics: hop chain, DKIM/ARC re-verification, Authentication-"
            "Results and DMARC, vendor spam verdicts, bounces. Offline unless --dns is given."
        ),
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a message file (.eml, header paste), '-' for standard input, or for batch mode "
        "a folder, an mbox file or a Maildir",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the JSON report")
    out.add_argument("--markdown", action="store_true", help="print a Markdown report")
    out.add_argument("--html", action="store_true", help="print a self-contained HTML report")
    out.add_argument("--plain", action="store_true", help="plain text even on a terminal")
    p.add_argument("--keys", metavar="FILE", help="DKIM/ARC keys: JSON {name: TXT} or zone text")
    p.add_argument(
        "--dns",
        nargs="?",
        const="system",
        metavar="SERVER[,SERVER]",
        help="opt in to live DNS lookups (default servers: /etc/resolv.conf)",
    )
    p.add_argument("--as-of", metavar="ISO", help="judge DKIM/ARC expiry at this aware time")
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


def _resolver(args: argparse.Namespace) -> Resolver | None:
    if args.keys and args.dns:
        raise _UsageError("--keys and --dns are exclusive: pick saved keys or live DNS")
    if args.keys:
        try:
            text = Path(args.keys).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read key file {args.keys}: {exc.strerror}") from exc
        if text.lstrip().startswith("{"):
            return StaticResolver.from_json(text)
        return StaticResolver.from_zone(text)
    if args.dns:
        from headerlens.resolvers import DnsResolver

        servers = _system_nameservers() if args.dns == "system" else args.dns.split(",")
        if not servers:
            raise _UsageError("--dns: no nameserver given and none in /etc/resolv.conf")
        return DnsResolver(nameservers=[s.strip() for s in servers if s.strip()])
    return None


def _policy(args: argparse.Namespace) -> Policy:
    as_of = None
    if args.as_of:
        try:
            as_of = dt.datetime.fromisoformat(args.as_of)
        except ValueError as exc:
            raise _UsageError(f"--as-of: not an ISO 8601 time: {args.as_of}") from exc
        if as_of.tzinfo is None:
            raise _UsageError("--as-of needs a UTC offset, e.g. 2026-03-03T10:00:00+00:00")
    return Policy(
        resolver=_resolver(args),
        as_of=as_of,
        trusted_authserv_ids=tuple(args.trusted_authserv_id),
        trusted_hosts=tuple(args.trusted_host),
        strict=args.strict,
    )


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
            return fh.read(5) == b"From "
    except OSError:
        return False


def _have_rich() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def _print_single(report: Report, args: argparse.Namespace, name: str, out: IO[str]) -> None:
    title = f"headerlens {__version__}: {name}"
    if args.json:
        out.write(render_json(report) + "\n")
    elif args.markdown:
        out.write(render_markdown(report, title=title))
    elif args.html:
        out.write(render_html(report, title=title))
    elif not args.plain and out.isatty() and _have_rich():
        from headerlens.render.rich import print_rich

        print_rich(report, title=title, file=out)
    else:
        out.write(render_text(report, title=title))


def _read_source(path: str) -> tuple[str, bytes | Path]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    p = Path(path)
    if not p.is_file():
        raise InputError(f"cannot read {path}: no such file")
    return path, p


def _rows(args: argparse.Namespace, policy: Policy) -> Iterator[dict[str, RowValue]]:
    for path in args.paths:
        if path == "-":
            raise _UsageError("standard input cannot be used in batch mode")
        if not Path(path).exists():
            raise InputError(f"cannot read {path}: no such file or folder")
    for path in args.paths:
        for source_id, data in iter_messages(path):
            try:
                report = analyze(data, policy=policy)
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
        for source_id, data in iter_messages(path):
            report = analyze(data, policy=policy)
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
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    else:
        target.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    out, err = sys.stdout, sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 for --help/--version
        return int(exc.code or 0)
    try:
        policy = _policy(args)
        if _is_batch(args):
            if not (args.batch or args.bounces) and (args.plain or args.markdown or args.json):
                return _run_reports(args, policy, out)
            if args.html:
                raise _UsageError(
                    "--html shows one message; for several use --plain, --markdown or --json"
                    " (one report each) or batch rows (--format)"
                )
            return _run_batch(args, policy, out, err)
        name, source = _read_source(args.paths[0])
        report = analyze(source, policy=policy)
        _print_single(report, args, name, out)
        return 0
    except _UsageError as exc:
        err.write(f"headerlens: {exc}\n")
        return 2
    except DefectError as exc:
        err.write(f"headerlens: strict mode: {term_safe(str(exc))}\n")
        return 1
    except (InputError, HeaderlensError) as exc:
        err.write(f"headerlens: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `headerlens big.mbox | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        err.write("headerlens: interrupted\n")
        return 130
