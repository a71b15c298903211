"""Batch mode: folders, mbox files, Maildirs and file lists as JSON Lines or CSV rows,
analysed on ``--jobs`` worker processes (:mod:`headerlens.batch`) in input order, with the
progress bar; and one full report per message when a report format is asked for."""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from headerlens.batch import ordered_map
from headerlens.cli._parser import UsageError
from headerlens.cli._single import (
    analyze_args,
    analyze_with,
    have_rich,
    parse_item,
    print_single,
    redacted,
)
from headerlens.errors import DefectError, HeaderlensError, InputError
from headerlens.integrations.rows import ROW_FIELDS, RowValue, summary_row
from headerlens.parse.mailbox import Container, iter_sources
from headerlens.policy import Policy
from headerlens.render._safe import csv_safe
from headerlens.report import Report

if TYPE_CHECKING:
    from rich.console import Console


__all__ = ["RICH_HINT", "is_batch", "run_batch", "run_reports"]


RICH_HINT = "tip: pip install 'headerlens[cli]' for coloured tables and progress bars"


def is_batch(args: argparse.Namespace) -> bool:
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


def _batch_items(args: argparse.Namespace) -> Iterator[tuple[str, bytes, Container]]:
    """``(id, message bytes, container)`` for every message under the batch paths, read
    lazily."""
    for path in args.paths:
        if path == "-":
            raise UsageError("standard input cannot be used in batch mode")
        if not Path(path).exists():
            raise InputError(f"cannot read {path}: no such file or folder")
    for path in args.paths:
        yield from iter_sources(path)


@dataclass(frozen=True, slots=True)
class _BatchJob:
    """What every batch worker needs (picklable: it travels to the worker processes)."""

    policy: Policy
    checks: Policy | None
    redact: bytes | None
    bounces: bool
    fields: tuple[str, ...]
    csv: bool


def _batch_rows(
    job: _BatchJob, source_id: str, data: bytes, container: Container
) -> list[dict[str, RowValue]]:
    """The rows of one message: its summary row, or one row per bounced recipient."""
    try:
        message = parse_item(data, container, job.policy)
        report = analyze_with(message, job.policy, job.checks)
        if job.redact:
            report = report.redact(job.redact)
    except DefectError as exc:
        row: dict[str, RowValue] = dict.fromkeys(ROW_FIELDS)
        row["id"] = source_id
        row["error"] = str(exc)
        return [row]
    if job.bounces:
        return list(_bounce_rows(source_id, report))
    return [summary_row(source_id, report)]


def _batch_text(job: _BatchJob, item: tuple[str, bytes, Container]) -> tuple[int, str]:
    """One message's rows as output text (JSON Lines or CSV lines) and their number.

    Runs in the worker processes, so the parent only reads input and writes text."""
    rows = _batch_rows(job, *item)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=job.fields) if job.csv else None
    for row in rows:
        _write_row(buf, writer, row)
    return len(rows), buf.getvalue()


def _item_size(item: tuple[str, bytes, Container]) -> int:
    return len(item[1])


def _bounce_rows(source_id: str, report: Report) -> Iterator[dict[str, RowValue]]:
    if report.bounce is None:
        return
    from headerlens.integrations.bounces import rows_for_report

    origin = report.original.origin_ip if report.original is not None else None
    for row in rows_for_report(source_id, report.bounce, origin_ip=origin):
        yield dict(row)


def run_batch(args: argparse.Namespace, policy: Policy, out: IO[str], err: IO[str]) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs needs a positive number of processes, not {args.jobs}")
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
    job = _BatchJob(
        policy=policy,
        checks=getattr(args, "checks_policy", None),
        redact=args.redact or None,
        bounces=args.bounces,
        fields=tuple(fields),
        csv=writer is not None,
    )
    count = 0
    try:
        texts: Iterator[tuple[int, str]] = ordered_map(
            partial(_batch_text, job), _batch_items(args), jobs=args.jobs, weight=_item_size
        )
        if progress and have_rich():
            # The first result starts the workers before the progress bar starts its thread,
            # so that they can be forked from this process (headerlens.batch).
            first = next(texts, None)
            texts = itertools.chain(() if first is None else (first,), texts)
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=_console(err),
                transient=True,
            ) as bar:
                task = bar.add_task("analysing", total=None)
                for done, (n, text) in enumerate(texts, 1):
                    target.write(text)
                    count += n
                    bar.update(task, advance=1, description=f"analysed {done}")
        else:
            if progress:
                err.write(RICH_HINT + "\n")
            for n, text in texts:
                target.write(text)
                count += n
    finally:
        if close:
            target.close()
    if args.output:
        err.write(f"wrote {count} rows to {args.output}\n")
    return 0


def run_reports(args: argparse.Namespace, policy: Policy, out: IO[str]) -> int:
    """One full report per message of an mbox, folder or file list (an explicit format).

    Text and Markdown reports follow each other; ``--json`` prints one report per line
    (JSON Lines). ``--batch`` gives summary rows instead.
    """
    for path in args.paths:
        if path == "-":
            raise UsageError("standard input cannot be combined with other paths")
        if not Path(path).exists():
            raise InputError(f"cannot read {path}: no such file or folder")
    first = True
    for path in args.paths:
        for source_id, data, container in iter_sources(path):
            report = redacted(analyze_args(parse_item(data, container, policy), args, policy), args)
            if args.json:
                out.write(json.dumps(report.model_dump(mode="json"), ensure_ascii=False) + "\n")
                continue
            if not first:
                out.write("\n")
            first = False
            print_single(report, args, source_id, out)
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
