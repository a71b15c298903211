"""One message at a time: analyse it (with the live checks when asked), print its report in
the chosen format; ``headerlens diff A B`` and ``headerlens schema``."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from headerlens._version import __version__
from headerlens.analyze import analyze
from headerlens.cli._parser import Parser, UsageError
from headerlens.parse import parse
from headerlens.parse.mailbox import Container
from headerlens.policy import Policy
from headerlens.render import render_html, render_json, render_markdown, render_text
from headerlens.report import Report

if TYPE_CHECKING:
    from headerlens.message import Message

__all__ = [
    "analyze_args",
    "analyze_with",
    "have_rich",
    "main_schema",
    "parse_item",
    "print_single",
    "redacted",
    "run_diff",
    "source_of",
    "width_for",
]


def analyze_args(
    source: bytes | IO[bytes] | Path | Message, args: argparse.Namespace, policy: Policy
) -> Report:
    """``analyze()``, then the live checks when ``--check`` asks for them."""
    return analyze_with(source, policy, getattr(args, "checks_policy", None))


def analyze_with(
    source: bytes | IO[bytes] | Path | Message, policy: Policy, checks: Policy | None
) -> Report:
    report = analyze(source, policy=policy)
    if checks is not None:
        from headerlens.checks.run import attach_checks, run_checks

        report = attach_checks(report, run_checks(report, policy=checks))
    return report


def source_of(path: str) -> tuple[str, IO[bytes] | Path]:
    """The name to show and the source to hand to ``analyze()``, which reads it through the
    one source reader (:mod:`headerlens.parse.source`) like any library call."""
    if path == "-":
        return "<stdin>", sys.stdin.buffer
    return path, Path(path)


def parse_item(data: bytes, container: Container, policy: Policy) -> Message:
    """Parse one message of a batch; a Maildir file says so in ``Message.input_form``."""
    message = parse(data, policy=policy)
    if container == "maildir" and message.input_form == "eml":
        message = message.model_copy(update={"input_form": "maildir"})
    return message


def redacted(report: Report, args: argparse.Namespace) -> Report:
    return report.redact(args.redact) if args.redact else report


def have_rich() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def width_for(args: argparse.Namespace, out: IO[str], default: int | None) -> int | None:
    """The line length to fit: --wide (none), --width, the terminal, else ``default``."""
    if args.wide:
        return None
    if args.width:
        return max(20, int(args.width))
    if out.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return default


def print_single(report: Report, args: argparse.Namespace, name: str, out: IO[str]) -> None:
    title = f"headerlens {__version__}: {name}"
    if args.redact:
        title += " (redacted)"
    if args.json:
        out.write(render_json(report) + "\n")
    elif args.markdown:
        out.write(render_markdown(report, title=title, width=width_for(args, out, None)))
    elif args.html:
        out.write(render_html(report, title=title))
    elif args.svg:
        from headerlens.render.svg import render_svg

        out.write(render_svg(report, title=f"Hop timeline: {name}"))
    elif not args.plain and out.isatty() and have_rich():
        from headerlens.render.rich import print_rich

        print_rich(report, title=title, file=out, width=args.width, wide=args.wide)
    else:
        out.write(render_text(report, title=title, width=width_for(args, out, 100)))


def run_diff(args: argparse.Namespace, policy: Policy, out: IO[str]) -> int:
    """``headerlens diff A B``: what differs between two messages, in the chosen format."""
    from headerlens.diff import diff

    if args.svg or args.batch or args.bounces:
        raise UsageError("diff prints text, --markdown, --html or --json")
    reports = []
    for path in args.paths:
        _name, source = source_of(path)
        reports.append(redacted(analyze(source, policy=policy), args))
    result = diff(reports[0], reports[1])
    a_name, b_name = args.paths
    title = f"headerlens {__version__} diff" + (" (redacted)" if args.redact else "")
    if args.json:
        out.write(result.model_dump_json(indent=2) + "\n")
    elif args.markdown:
        from headerlens.render.markdown import render_diff_markdown

        width = width_for(args, out, None)
        out.write(
            render_diff_markdown(result, title=title, a_name=a_name, b_name=b_name, width=width)
        )
    elif args.html:
        from headerlens.render.html import render_diff_html

        out.write(render_diff_html(result, title=title, a_name=a_name, b_name=b_name))
    elif not args.plain and out.isatty() and have_rich():
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

        width = width_for(args, out, 100)
        out.write(render_diff_text(result, title=title, a_name=a_name, b_name=b_name, width=width))
    return 0


def main_schema(argv: list[str], out: IO[str], err: IO[str]) -> int:
    """``headerlens schema``: the JSON Schema (draft 2020-12) of the ``--json`` report."""
    parser = Parser(
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
