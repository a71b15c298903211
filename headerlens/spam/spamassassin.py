"""Apache SpamAssassin (and the amavis/Zimbra/cPanel setups that embed it): X-Spam-* headers.

Sources: the SpamAssassin configuration manual (``add_header`` templates: _YESNO_, _SCORE_,
_REQD_, _TESTS_, _AUTOLEARN_, _VERSION_) and the rule set's ``describe`` lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam import sarules
from headerlens.spam.decoding import Draft, first_word, flag, name_ok, parse_float, simple, yes_no
from headerlens.spam.knowledge import TemplatePair, knowledge, make_rule, new_field, with_meaning
from headerlens.spam.registry import exact

VENDOR = "spamassassin"

_STATUS_KEYS = frozenset(
    {
        "score",
        "hits",
        "required",
        "tests",
        "autolearn",
        "autolearn_force",
        "version",
        "tagged_above",
        "shortcircuit",
        "bayes",
        "tests_scores",
    }
)


_ASCII_RULE_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,128}").fullmatch


def _rule_name_ok(name: str) -> bool:
    if name.isascii():  # name_ok() for ASCII names, with the length cap, in one match
        return _ASCII_RULE_NAME(name) is not None
    return len(name) <= 128 and name_ok(name)


def merge_rule(
    d: Draft, name: str, score: float | None, description: str | None, source: str | None
) -> None:
    """Add a rule, or fill in what an earlier mention of the same rule lacked."""
    rows = d.rule_rows
    if rows is None:
        rows = d.rule_rows = {}
    row = rows.get(name)
    if row is None and d.rules:
        for i, r in enumerate(d.rules):  # a rule added directly, outside merge_rule
            if r.name == name:
                d.rules[i] = make_rule(
                    name,
                    r.score if r.score is not None else score,
                    r.description or description,
                    r.source or source,
                )
                return
    elif row is not None:
        if row[0] is None:
            row[0] = score
        row[1] = row[1] or description
        row[2] = row[2] or source
        return
    if description is None:
        info = (d.book or sarules.bundled_book()).describe(name)
        if info is not None:
            description, source = info.description, info.source
    rows[name] = [score, description, source]


def parse_status(value: str) -> tuple[str, dict[str, str]]:
    """Split an X-Spam-Status value into its verdict word and ``key=value`` parts."""
    verdict = first_word(value)
    rest = value.strip()[len(verdict) :].lstrip(", ")
    parts: dict[str, str] = {}
    key: str | None = None
    for tok in rest.split():
        k, eq, v = tok.partition("=")
        if eq and k.lower() in _STATUS_KEYS:
            key = k.lower()
            parts[key] = v
        elif key is not None:
            parts[key] = f"{parts[key]} {tok}" if parts[key] else tok
    return verdict, parts


def _tests(text: str) -> list[tuple[str, float | None]]:
    body = text.strip().strip("[]")
    out: list[tuple[str, float | None]] = []
    for item in body.replace(" ", ",").split(","):
        item = item.strip().strip("[]")
        if not item or item.lower() == "none":
            continue
        name, eq, sc = item.partition("=")
        out.append((name, parse_float(sc) if eq else None))
    return out


@cache
def _status_templates() -> Mapping[str, TemplatePair]:
    """The status table's field templates by exact key, as :meth:`Knowledge.field` reads them."""
    return knowledge(VENDOR).templates["status"]


def _status(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    field = knowledge(VENDOR).field
    add = d.fields.append
    index = f.index
    verdict, parts = parse_status(f.value)
    add(field("status", "verdict", verdict, index))
    flag = yes_no(verdict)
    if flag is not None:
        d.is_spam = flag
    malformed = flag is None
    templates = _status_templates()
    for key, val in parts.items():
        hit = templates.get(key)
        tpl = None
        if hit is not None:
            tpl, by_value = hit
            if tpl is None and by_value is not None:
                tpl = by_value.get(val.strip())
        if tpl is None:
            add(field("status", key, val, index))
            continue
        state = tpl.copy()  # Knowledge.field's exact-key answer: field_from() inlined
        state["value"] = val
        state["header_index"] = index
        add(new_field(state))
    score = parse_float(parts.get("score", parts.get("hits")))
    if score is not None:
        d.score = score
    elif "score" in parts or "hits" in parts:
        malformed = True
    reqd = parse_float(parts.get("required"))
    if reqd is not None:
        d.threshold = reqd
    tests = parts.get("tests")
    if tests:
        for name, sc in _tests(tests):
            # _rule_name_ok() inlined
            if _ASCII_RULE_NAME(name) if name.isascii() else len(name) <= 128 and name_ok(name):
                merge_rule(d, name, sc, None, None)
            else:
                malformed = True
    if malformed:
        log.add("spam.malformed_value", f"{f.name}: verdict or score not readable", f.index)
    return True


def _level(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    field = knowledge(VENDOR).field(None, f.name, v, f.index)
    if v and len(set(v)) == 1:
        field = with_meaning(field, f"{field.meaning} ({len(v)} marks: score at least {len(v)})")
    d.add(field)
    return True


def _score(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    sc = parse_float(f.value)
    if sc is not None and d.score is None:
        d.score = sc
    elif sc is None:
        log.add("spam.malformed_value", f"{f.name}: not a number", f.index)
    return True


def report_lines(f: HeaderField) -> list[str]:
    """The lines of a multi-line report field, with the field name removed."""
    raw = f.raw
    colon = raw.find(":")
    body = raw[colon + 1 :] if colon >= 0 else raw
    lines = body.splitlines()
    if len(lines) <= 1:
        # Already unfolded: the conventional '*' bullets separate entries.
        lines = body.replace(" * ", "\n* ").splitlines()
    return lines


def _report(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value, f.index))
    for line in report_lines(f):
        t = line.strip().lstrip("*").strip()
        if "points," in t and "required" in t and "(" in t:
            inner = t[t.find("(") + 1 : t.find(")") if ")" in t else len(t)]
            pts, _, req = inner.partition(",")
            sc = parse_float(pts.replace("points", ""))
            rq = parse_float(req.replace("required", ""))
            if sc is not None and d.score is None:
                d.score = sc
            if rq is not None and d.threshold is None:
                d.threshold = rq
            continue
        toks = t.split(None, 2)
        if len(toks) < 2:
            continue
        sc = parse_float(toks[0])
        name = toks[1]
        if (
            sc is not None
            and (  # _rule_name_ok() inlined
                _ASCII_RULE_NAME(name) if name.isascii() else len(name) <= 128 and name_ok(name)
            )
            and name.upper() == name
            and (name.lower() != name if name.isascii() else any(c.isalpha() for c in name))
        ):
            desc = toks[2].strip() if len(toks) == 3 else None
            merge_rule(d, name, sc, desc, "X-Spam-Report" if desc else None)
    return True


def _checker(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    d.add(kb.field(None, f.name, f.value, f.index))
    words = f.value.split()
    if len(words) >= 2 and words[0].lower() == "spamassassin":
        d.facts["version"] = words[1]
        if "on" in words:
            host = words[words.index("on") + 1 :]
            if host:
                d.facts["host"] = host[0]
    return True


DECODERS = (
    exact(VENDOR, ("X-Spam-Status",), _status, primary=True),
    exact(VENDOR, ("X-Spam-Flag",), flag(VENDOR)),
    exact(VENDOR, ("X-Spam-Level",), _level),
    exact(VENDOR, ("X-Spam-Score",), _score),
    exact(VENDOR, ("X-Spam-Report",), _report),
    exact(VENDOR, ("X-Spam-Checker-Version",), _checker),
    exact(
        VENDOR,
        (
            "X-Spam-Prev-Subject",
            "X-Spam-Relays-External",
            "X-Spam-Relays-Internal",
            "X-Spam-Relays-Trusted",
            "X-Spam-Relays-Untrusted",
            "X-Spam-Languages",
            "X-Spam-Virus",
            "X-Spam-DCC",
            "X-Spam-Pyzor",
            "X-Spam-Tests",
        ),
        simple(VENDOR),
    ),
)

__all__ = ["DECODERS", "VENDOR", "merge_rule", "parse_status", "report_lines"]
