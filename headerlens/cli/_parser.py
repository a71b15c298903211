"""The ``headerlens`` argument parser: options, usage errors on one line, path checks."""

from __future__ import annotations

import argparse
from typing import NoReturn

from headerlens._version import __version__
from headerlens.render._safe import term_safe

__all__ = ["REDACT_RANDOM", "Parser", "UsageError", "build_parser", "check_paths", "one_line"]


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (the exit status stays 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {one_line(message)} (see {self.prog} --help)\n")


def one_line(exc: BaseException | str) -> str:
    """An error message on one line, with anything from a file name or a message made safe
    for the terminal."""
    return term_safe(" ".join(str(exc).split()))


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
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
    batch.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="batch: analyse on N worker processes (default: every core); rows keep the"
        " input order whatever N is, and 1 analyses in this process",
    )
    p.add_argument("--version", action="version", version=f"headerlens {__version__}")
    return p


REDACT_RANDOM = "\0random"


def _add_layout_options(p: argparse.ArgumentParser) -> None:
    """--redact, --wide and --width (issue 16)."""
    p.add_argument(
        "--redact",
        nargs="?",
        const=REDACT_RANDOM,
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


def check_paths(
    parser: argparse.ArgumentParser, args: argparse.Namespace, exactly: int | None
) -> None:
    """PATH is required; ``--redact FILE`` right before a lone path is read as the path."""
    if not args.paths and args.redact not in (None, REDACT_RANDOM):
        args.paths, args.redact = [args.redact], REDACT_RANDOM
    if exactly is not None and len(args.paths) != exactly:
        parser.error("diff takes exactly two messages: headerlens diff A B [options]")
    if not args.paths:
        parser.error("the following arguments are required: PATH")
    if any(path == "" for path in args.paths):
        parser.error("PATH is empty (use - for standard input)")
    if args.width is not None and args.width < 1:
        parser.error(f"argument --width: {args.width} is not a positive number of columns")
