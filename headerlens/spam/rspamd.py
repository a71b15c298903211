"""Rspamd: X-Spamd-Result (symbols with scores and options), X-Rspamd-*, X-Spamd-Bar.

Sources: the Rspamd documentation on the milter headers module and the symbols reference.
"""

from __future__ import annotations

import re
from functools import cache

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, flag, name_ok, parse_float, simple, split_list, yes_no
from headerlens.spam.knowledge import knowledge, new_rule, with_meaning
from headerlens.spam.registry import exact

VENDOR = "rspamd"


_COMMON_SYMBOL = re.compile(r"([A-Za-z0-9_.\-]+)\(([^()\[\]]*)\)(?:\[([^\]]*)\])?").fullmatch
"""``NAME(score)`` or ``NAME(score)[options]`` with nothing odd in it: the usual symbol form,
read in one match with exactly :func:`parse_symbol`'s result (no backtracking: each part
stops at a character the next one starts with)."""


_NUMERIC_SYMBOL = re.compile(
    r"([A-Za-z0-9_.\-]+)\((-?[0-9]{1,20}(?:\.[0-9]{1,18})?)\)(?:\[([^\]]*)\])?"
).fullmatch
"""The same form with a plain decimal score (``-0.20``): float() reads it exactly as
:func:`parse_float` would (ASCII, short, finite), without its checks."""


def parse_symbol(text: str) -> tuple[str, float | None, str | None] | None:
    """``NAME(1.00)[opt1,opt2]`` -> ``("NAME", 1.0, "opt1,opt2")``; None when no name."""
    t = text.strip()
    paren, bracket = t.find("("), t.find("[")
    if paren < 0:
        name_end = bracket if bracket >= 0 else len(t)
    else:
        name_end = paren if bracket < 0 or paren < bracket else bracket
    name = t[:name_end].strip()
    if not name_ok(name):
        return None
    score = None
    opts = None
    rest = t[name_end:]
    if rest.startswith("("):
        close = rest.find(")")
        if close > 0:
            score = parse_float(rest[1:close])
            rest = rest[close + 1 :]
        else:
            rest = ""
    if rest.startswith("["):
        close = rest.rfind("]")
        opts = rest[1:close] if close > 0 else rest[1:]
    return name, score, opts


@cache
def _symbols() -> dict[str, tuple[str | None, str | None]]:
    """{symbol, exact spelling: (description, source)} of the symbols table."""
    return {k: (e.meaning, e.source) for k, e in knowledge(VENDOR).tables["symbols"].items()}


_NO_SYMBOL: tuple[None, None] = (None, None)


def _result(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    parts = split_list(f.value, ";")
    malformed = False
    if parts and ":" in parts[0] and "[" in parts[0] and "(" not in parts[0].split("[", 1)[0]:
        head = parts.pop(0)
        metric, _, rest = head.partition(":")
        verdict_word, _, bracket = rest.strip().partition("[")
        d.add(kb.field("result", "metric", metric.strip(), f.index))
        d.add(kb.field("result", "verdict", verdict_word.strip(), f.index))
        flag = yes_no(verdict_word)
        if flag is not None:
            d.is_spam = flag
        score_txt, _, thr_txt = bracket.rstrip("]").partition("/")
        sc, th = parse_float(score_txt), parse_float(thr_txt)
        if sc is not None:
            d.score = sc
        if th is not None:
            d.threshold = th
        if sc is None or flag is None:
            malformed = True
    symbols = kb.tables["symbols"]
    known = _symbols().get
    add = d.rules.append
    for p in parts:
        m = _NUMERIC_SYMBOL(p)
        if m is not None:
            name, score_txt, opts = m.groups()
            score: float | None = float(score_txt)
        elif (m := _COMMON_SYMBOL(p)) is not None:
            name, score_txt, opts = m.groups()
            score = parse_float(score_txt)
        else:
            sym = parse_symbol(p)
            if sym is None:
                malformed = True
                d.add(kb.field("result", p, "", f.index))
                continue
            name, score, opts = sym
        hit: tuple[str | None, str | None] | None = known(name)
        if hit is None:
            e = symbols.get(name.upper()) or symbols.get(name.lower())
            hit = (e.meaning, e.source) if e else _NO_SYMBOL
        desc = hit[0]
        if opts:
            desc = f"{desc} [{opts}]" if desc else f"[{opts}]"
        add(new_rule({"name": name, "score": score, "description": desc, "source": hit[1]}))
    if malformed:
        log.add("spam.malformed_value", f"{f.name}: part of the value was not readable", f.index)
    return True


def _score(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    sc = parse_float(f.value.split("/")[0])
    if sc is not None and d.score is None:
        d.score = sc
    if "/" in f.value and d.threshold is None:
        d.threshold = parse_float(f.value.split("/", 1)[1])
    return True


def _action(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    d.action = v
    if d.is_spam is None and v:
        d.is_spam = v.lower() not in ("no action", "greylist")
    return True


def _bar(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    field = knowledge(VENDOR).field(None, f.name, v, f.index)
    if v and set(v) <= {"+", "-", "/"}:
        sign = "positive" if "+" in v else ("negative" if "-" in v else "near zero")
        field = with_meaning(field, f"{field.meaning} ({sign}, about {len(v.strip('/'))} point(s))")
    d.add(field)
    return True


DECODERS = (
    exact(VENDOR, ("X-Spamd-Result",), _result, primary=True),
    exact(VENDOR, ("X-Rspamd-Score",), _score),
    exact(VENDOR, ("X-Rspamd-Action",), _action),
    exact(VENDOR, ("X-Spamd-Bar",), _bar),
    exact(VENDOR, ("X-Spam",), flag(VENDOR)),
    exact(
        VENDOR,
        (
            "X-Rspamd-Server",
            "X-Rspamd-Queue-Id",
            "X-Rspamd-Pre-Result",
            "X-Rspamd-Bar",
            "X-Rspamd-Report",
        ),
        simple(VENDOR),
    ),
)

__all__ = ["DECODERS", "VENDOR", "parse_symbol"]
