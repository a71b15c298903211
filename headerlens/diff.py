"""What differs between two reports: :func:`diff` -> :class:`ReportDiff`.

"Why did this one land in Junk and that one not?" is a comparison: the path each message took
(hop by hop, with TLS and delay), the authentication results the receiver recorded, what
headerlens re-verified (DKIM, ARC, DMARC), the spam verdicts with their scores, rules and
fields, the bounce reading, and the findings. Two redacted reports (same key) compare the same
way, since equal values get equal pseudonyms.

The hop chains are aligned on the receiving host (``by``), oldest first, the way ``diff``
aligns lines: hops of the same relay pair up even when one message took an extra hop. A
delay counts as changed when the two differ by a minute or more, or one is negative.
"""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher
from typing import Literal

from headerlens._model import Model
from headerlens.hops.models import Hop
from headerlens.render._safe import format_delay
from headerlens.report import Report

__all__ = ["Change", "HopPair", "ReportDiff", "diff"]

ChangeArea = Literal[
    "path", "transit", "auth", "dkim", "arc", "dmarc", "spam", "rule", "field", "bounce", "finding"
]
_MINUTE = dt.timedelta(minutes=1)


class HopPair(Model):
    """One hop of message A next to the hop of message B it aligns with.

    ``status``: ``same`` (nothing compared differs), ``changed`` (see ``changes``: ``from``,
    ``ip``, ``tls``, ``delay``, ``trust``, ``by``), ``only_a`` or ``only_b``.
    """

    status: Literal["same", "changed", "only_a", "only_b"]
    a_index: int | None = None
    b_index: int | None = None
    by_a: str | None = None
    by_b: str | None = None
    from_a: str | None = None
    from_b: str | None = None
    ip_a: str | None = None
    ip_b: str | None = None
    tls_a: str | None = None
    tls_b: str | None = None
    delay_a: dt.timedelta | None = None
    delay_b: dt.timedelta | None = None
    trusted_a: bool | None = None
    trusted_b: bool | None = None
    changes: tuple[str, ...] = ()


class Change(Model):
    """One value that differs: ``area``, what it is (``item``), and its value in A and in B
    (``None``: absent)."""

    area: ChangeArea
    item: str
    a: str | None = None
    b: str | None = None


class ReportDiff(Model):
    """What differs between report A and report B.

    ``hops``: the two hop chains aligned (every hop of both, oldest first). ``changes``:
    every value that differs, grouped by area in a fixed order. ``same`` is True when there
    is no change and every hop pair is ``same``. ``summary`` says it in a sentence.
    """

    same: bool
    summary: str
    hops: tuple[HopPair, ...] = ()
    changes: tuple[Change, ...] = ()


def _key(hop: Hop) -> str:
    r = hop.received
    return (r.by_host or "").lower() or f"({r.kind})"


def _peer(hop: Hop) -> str | None:
    r = hop.received
    return r.from_rdns or r.from_helo or None


def _tls(hop: Hop) -> str | None:
    t = hop.received.tls
    if t is None:
        return None
    text = " ".join(x for x in (t.version, t.cipher) if x)
    return text or "yes"


def _delay_changed(a: dt.timedelta | None, b: dt.timedelta | None) -> bool:
    if (a is None) != (b is None):
        return True
    if a is None or b is None:
        return False
    return abs(a - b) >= _MINUTE or ((a < dt.timedelta(0)) != (b < dt.timedelta(0)))


def _side(hop: Hop | None, side: str) -> dict[str, object]:
    """The values of ``hop`` that a :class:`HopPair` shows for one side (``a`` or ``b``)."""
    if hop is None:
        return {}
    return {
        f"{side}_index": hop.index,
        f"by_{side}": hop.received.by_host,
        f"from_{side}": _peer(hop),
        f"ip_{side}": hop.received.from_ip,
        f"tls_{side}": _tls(hop),
        f"delay_{side}": hop.delay,
        f"trusted_{side}": hop.trusted,
    }


def _changes(a: Hop, b: Hop) -> list[str]:
    """What differs between two aligned hops (names as in ``HopPair.changes``)."""
    changes = []
    if (a.received.by_host or "").lower() != (b.received.by_host or "").lower():
        changes.append("by")
    if (_peer(a) or "").lower() != (_peer(b) or "").lower():
        changes.append("from")
    if a.received.from_ip != b.received.from_ip:
        changes.append("ip")
    if _tls(a) != _tls(b):
        changes.append("tls")
    if _delay_changed(a.delay, b.delay):
        changes.append("delay")
    if a.trusted != b.trusted:
        changes.append("trust")
    return changes


def _pair(a: Hop | None, b: Hop | None) -> HopPair:
    if a is None or b is None:
        return HopPair.model_validate(
            {"status": "only_b" if a is None else "only_a", **_side(a, "a"), **_side(b, "b")}
        )
    changes = _changes(a, b)
    return HopPair.model_validate(
        {
            "status": "changed" if changes else "same",
            **_side(a, "a"),
            **_side(b, "b"),
            "changes": tuple(changes),
        }
    )


def _align(a: tuple[Hop, ...], b: tuple[Hop, ...]) -> list[HopPair]:
    matcher = SequenceMatcher(None, [_key(h) for h in a], [_key(h) for h in b], autojunk=False)
    out: list[HopPair] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [_pair(a[i1 + k], b[j1 + k]) for k in range(i2 - i1)]
        elif op == "delete":
            out += [_pair(h, None) for h in a[i1:i2]]
        elif op == "insert":
            out += [_pair(None, h) for h in b[j1:j2]]
        else:  # replace: pair position by position, the rest stands alone
            n = min(i2 - i1, j2 - j1)
            out += [_pair(a[i1 + k], b[j1 + k]) for k in range(n)]
            out += [_pair(h, None) for h in a[i1 + n : i2]]
            out += [_pair(None, h) for h in b[j1 + n : j2]]
    return out


def _compare(area: ChangeArea, a: dict[str, str | None], b: dict[str, str | None]) -> list[Change]:
    out = []
    for item in dict.fromkeys([*a, *b]):
        va, vb = a.get(item), b.get(item)
        if va != vb:
            out.append(Change(area=area, item=item, a=va, b=vb))
    return out


def _auth(r: Report) -> dict[str, str | None]:
    """The receiver's recorded results: trusted Authentication-Results, top block first."""
    headers = [h for h in r.auth_results if h.trusted] or list(r.auth_results)
    out: dict[str, str | None] = {}
    for h in headers:
        for res in h.results:
            key = res.method if h.trusted else f"{res.method} (untrusted)"
            out.setdefault(key, res.result)
    for spf in r.received_spf:
        if spf.trusted:
            out.setdefault("Received-SPF", spf.result)
    return out


def _dkim(r: Report) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for d in r.dkim:
        key = f"d={d.domain or '?'} s={d.selector or '?'}"
        value = d.result if d.result == d.reason else f"{d.result} ({d.reason})"
        if d.aligned_with_from is not None:
            value += ", aligned" if d.aligned_with_from else ", not aligned"
        out.setdefault(key, value)
    return out


def _dmarc(r: Report) -> dict[str, str | None]:
    d = r.dmarc
    if d is None:
        return {}
    return {"result": d.result, "From domain": d.from_domain}


def _arc(r: Report) -> dict[str, str | None]:
    if r.arc.cv == "none" and not r.arc.instances:
        return {}
    cv = "unverified" if r.arc.reason_code == "key_unavailable" else r.arc.cv
    return {"cv": cv, "instances": str(len(r.arc.instances))}


def _num(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _spam(r: Report) -> tuple[dict[str, str | None], dict[str, str | None], dict[str, str | None]]:
    verdicts: dict[str, str | None] = {}
    rules: dict[str, str | None] = {}
    fields: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    for v in r.spam:
        name = v.product or v.vendor
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} #{seen[name]}"
        verdicts[f"{name} score"] = _num(v.score)
        verdicts[f"{name} threshold"] = _num(v.threshold)
        verdicts[f"{name} spam"] = None if v.is_spam is None else ("yes" if v.is_spam else "no")
        verdicts[f"{name} action"] = v.action
        for rule in v.rules:
            rules.setdefault(f"{name} {rule.name}", _num(rule.score) or "hit")
        for f in v.fields:
            fields.setdefault(f"{name} {f.key}", f.value)
    return (
        {k: v for k, v in verdicts.items() if v is not None},
        rules,
        fields,
    )


def _bounce(r: Report) -> dict[str, str | None]:
    b = r.bounce
    if b is None:
        return {}
    out: dict[str, str | None] = {"kind": b.kind}
    for i, rec in enumerate(b.recipients, 1):
        out[f"recipient {i} status"] = rec.status
        out[f"recipient {i} reason"] = rec.reason
    return out


def _findings(r: Report) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for f in r.findings:
        out.setdefault(f.code, f.severity)
    return out


def diff(a: Report, b: Report) -> ReportDiff:
    """Compare report ``a`` with report ``b`` (see the module docstring for what is compared)."""
    if not isinstance(a, Report) or not isinstance(b, Report):
        raise TypeError("diff() takes two Report objects (from headerlens.analyze)")
    hops = _align(a.hops, b.hops)
    changes: list[Change] = []
    if _delay_changed(a.transit, b.transit):
        changes.append(
            Change(
                area="transit",
                item="transit",
                a=format_delay(a.transit) or None,
                b=format_delay(b.transit) or None,
            )
        )
    for pair in hops:
        if pair.status in ("only_a", "only_b"):
            where = pair.by_a if pair.status == "only_a" else pair.by_b
            changes.append(
                Change(
                    area="path",
                    item=f"hop by {where or '?'}",
                    a="present" if pair.status == "only_a" else None,
                    b="present" if pair.status == "only_b" else None,
                )
            )
    changes += _compare("auth", _auth(a), _auth(b))
    changes += _compare("dkim", _dkim(a), _dkim(b))
    changes += _compare("arc", _arc(a), _arc(b))
    changes += _compare("dmarc", _dmarc(a), _dmarc(b))
    spam_a, rules_a, fields_a = _spam(a)
    spam_b, rules_b, fields_b = _spam(b)
    changes += _compare("spam", spam_a, spam_b)
    changes += _compare("rule", rules_a, rules_b)
    changes += _compare("field", fields_a, fields_b)
    changes += _compare("bounce", _bounce(a), _bounce(b))
    changes += _compare("finding", _findings(a), _findings(b))
    changed_hops = [p for p in hops if p.status != "same"]
    same = not changes and not changed_hops
    if same:
        summary = "No difference in path, authentication, spam verdicts or findings."
    else:
        areas = list(dict.fromkeys(c.area for c in changes))
        if changed_hops and "path" not in areas:
            areas.insert(0, "path")
        summary = (
            f"{len(changes)} differing values and {len(changed_hops)} differing hops "
            f"(areas: {', '.join(areas)})."
        )
    return ReportDiff(same=same, summary=summary, hops=tuple(hops), changes=tuple(changes))
