"""``main()``: dispatch to one report, a batch, ``diff`` or ``schema``, and the exit status
contract (see :mod:`headerlens.cli`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from headerlens.cli._batch import is_batch, run_batch, run_reports
from headerlens.cli._options import checks_policy_from_args, load_redaction_key, policy_from_args
from headerlens.cli._parser import UsageError, build_parser, check_paths, one_line
from headerlens.cli._single import (
    analyze_args,
    main_schema,
    print_single,
    redacted,
    run_diff,
    source_of,
)
from headerlens.errors import DefectError, HeaderlensError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    out, err = sys.stdout, sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else None
    if command == "schema":
        return main_schema(argv[1:], out, err)
    parser = build_parser()
    try:
        args = parser.parse_args(argv[1:] if command == "diff" else argv)
        check_paths(parser, args, 2 if command == "diff" else None)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 for --help/--version
        return int(exc.code or 0)
    try:
        load_redaction_key(args, err)
        policy = policy_from_args(args)
        args.checks_policy = checks_policy_from_args(args, policy)
        if command == "diff":
            return run_diff(args, policy, out)
        if is_batch(args):
            if not (args.batch or args.bounces) and (args.plain or args.markdown or args.json):
                return run_reports(args, policy, out)
            if args.html or args.svg:
                raise UsageError(
                    f"--{'html' if args.html else 'svg'} shows one message; for several use"
                    " --plain, --markdown or --json (one report each) or batch rows (--format)"
                )
            return run_batch(args, policy, out, err)
        name, source = source_of(args.paths[0])
        report = redacted(analyze_args(source, args, policy), args)
        print_single(report, args, name, out)
        return 0
    except UsageError as exc:
        err.write(f"headerlens: {one_line(exc)}\n")
        return 2
    except DefectError as exc:
        err.write(f"headerlens: strict mode: {one_line(exc)}\n")
        return 1
    except HeaderlensError as exc:  # InputError, ResolverError, PolicyError
        err.write(f"headerlens: {one_line(exc)}\n")
        return 2
    except BrokenPipeError:  # e.g. `headerlens big.mbox | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        err.write("headerlens: interrupted\n")
        return 130
