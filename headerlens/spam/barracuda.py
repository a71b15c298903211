"""Barracuda Email Security Gateway: X-Barracuda-Spam-* and X-ASG-*."""

from __future__ import annotations

import datetime as dt

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, score, simple, yes_no
from headerlens.spam.knowledge import knowledge, with_meaning
from headerlens.spam.registry import exact, prefix
from headerlens.spam.spamassassin import merge_rule, report_lines

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "barracuda"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _status(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    words = f.value.replace(",", " , ").split()
    verdict = words[0] if words else ""
    d.add(kb.field("status", "verdict", verdict, f.index))
    flag = yes_no(verdict)
    if flag is not None:
        d.is_spam = flag
    tests = False
    for w in words[1:]:
        k, eq, v = w.partition("=")
        if eq and k in ("SCORE", "TAG_LEVEL", "QUARANTINE_LEVEL", "KILL_LEVEL"):
            d.add(kb.field("status", k, v, f.index))
            d.facts[k] = v
            tests = False
        elif eq and k.lower() == "tests":
            tests = True
            if v:
                merge_rule(d, v, None, None, None)
        elif tests and w != ",":
            merge_rule(d, w, None, None, None)
    if d.score is None:
        d.score = parse_float(d.facts.get("SCORE"))
    d.threshold = parse_float(d.facts.get("KILL_LEVEL"))
    if d.score is not None:
        for level, act in (
            ("KILL_LEVEL", "block"),
            ("QUARANTINE_LEVEL", "quarantine"),
            ("TAG_LEVEL", "tag"),
        ):
            lv = parse_float(d.facts.get(level))
            if lv is not None and d.score >= lv:
                d.action = act
                break
    if flag is None:
        log.add("spam.malformed_value", f"{f.name}: no Yes/No verdict", f.index)
    return True


def _report(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value, f.index))
    for line in report_lines(f):
        toks = line.strip().split(None, 2)
        if (
            len(toks) >= 2
            and parse_float(toks[0]) is not None
            and toks[1].replace("_", "").isalnum()
        ):
            desc = toks[2].strip() if len(toks) == 3 else None
            merge_rule(d, toks[1], parse_float(toks[0]), desc, "X-Barracuda-Spam-Report")
    return True


def _start(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    field = knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index)
    ts = parse_float(f.value)
    if ts is not None and 0 < ts < 4_102_444_800:
        when = dt.datetime.fromtimestamp(int(ts), tz=dt.UTC).isoformat()
        field = with_meaning(field, f"{field.meaning} ({when})")
    d.add(field)
    return True


_SPECIAL = (
    "x-barracuda-spam-status",
    "x-barracuda-spam-score",
    "x-barracuda-spam-report",
    "x-barracuda-start-time",
    "x-barracuda-connect",
)
DECODERS = (
    exact(VENDOR, ("X-Barracuda-Spam-Status",), _status),
    exact(VENDOR, ("X-Barracuda-Spam-Score",), score(VENDOR)),
    exact(VENDOR, ("X-Barracuda-Spam-Report",), _report),
    exact(VENDOR, ("X-Barracuda-Start-Time",), _start),
    exact(VENDOR, ("X-Barracuda-Connect",), simple(VENDOR), primary=True),
    exact(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR)),
    prefix(VENDOR, "X-Barracuda-", simple(VENDOR)),
    prefix(VENDOR, "X-ASG-", simple(VENDOR)),
)
