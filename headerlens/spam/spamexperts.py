"""SpamExperts / N-able Mail Assure: class, evidence and recommended action."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, simple, verdict_word
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "spamexperts"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _evidence(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    if "(" in v and ")" in v:
        sc = parse_float(v[v.find("(") + 1 : v.find(")")])
        if sc is not None:
            d.score = sc
    return True


def _action(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    d.action = v
    return True


_CLASS = ("X-SpamExperts-Class", "X-SpamExperts-Outgoing-Class", "X-AntiSpamCloud-Class")
DECODERS = (
    exact(
        VENDOR,
        _CLASS,
        verdict_word(
            VENDOR,
            ("spam", "blacklisted", "bulk"),
            ("ham", "whitelisted"),
            allow=("whitelisted",),
            allow_fact="SpamExperts class whitelisted",
        ),
        primary=True,
    ),
    exact(VENDOR, ("X-SpamExperts-Evidence", "X-SpamExperts-Outgoing-Evidence"), _evidence),
    exact(VENDOR, ("X-Recommended-Action",), _action),
    exact(
        VENDOR,
        ("X-Filter-ID", "X-Report-Abuse-To", "X-SpamExperts-Domain", "X-SpamExperts-Username"),
        simple(VENDOR),
    ),
)
