"""Sophos: Email Appliance (X-SEA-Spam), PureMessage (X-PMX-Spam), Sophos Email (X-LASED-*)."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, score, simple
from headerlens.spam.knowledge import knowledge, make_rule
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "sophos"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _gauge(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    value = f.value
    report = ""
    at = value.find("Report=")
    if at >= 0:
        report = value[at + len("Report=") :].strip().strip("'\"")
        value = value[:at]
    for part in value.split(","):
        k, _eq, v = part.strip().partition("=")
        if k:
            d.add(kb.field("gauge", k, v, f.index))
            d.facts[k.lower()] = v
    if at >= 0:
        d.add(kb.field("gauge", "Report", report, f.index))
        for item in report.split(","):
            toks = item.split()
            if len(toks) == 2 and parse_float(toks[1]) is not None:
                d.rules.append(make_rule(toks[0], parse_float(toks[1])))
    prob = parse_float(d.facts.get("probability"))
    if prob is not None:
        d.score, d.threshold = prob, 50.0
        d.is_spam = prob >= 50
    return True


_SPECIAL = ("x-sea-spam", "x-pmx-spam", "x-perlmx-spam", "x-lased-spamprobability")
DECODERS = (
    exact(VENDOR, ("X-SEA-Spam", "X-PMX-Spam", "X-PerlMx-Spam"), _gauge, primary=True),
    exact(VENDOR, ("X-LASED-SpamProbability",), score(VENDOR, threshold=0.5)),
    exact(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR)),
    prefix(VENDOR, "X-LASED-", simple(VENDOR)),
    prefix(VENDOR, "X-Sophos-", simple(VENDOR)),
)
