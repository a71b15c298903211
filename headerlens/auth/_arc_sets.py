"""ARC sets (RFC 8617 section 4.1): the fields grouped by instance, and their tags read.

:func:`group_sets` gathers the ARC-Authentication-Results, ARC-Message-Signature and
ARC-Seal of each instance and records the structural problems (an unreadable or duplicate
instance, a gap, an incomplete set: RFC 8617 section 5.2 step 1); :func:`read_seal_tags` and
:func:`read_ams_tags` check each signature's tags (sections 4.1.2 and 4.1.3). The results
accumulate in :class:`InstanceOutcome` / :class:`ChainOutcome`, which
:mod:`headerlens.auth.arc_chain` completes with the cryptographic checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from headerlens.auth._arc_keys import dns_label_ok
from headerlens.auth._sigbytes import (
    FWS,
    Field,
    TagListError,
    b64decode,
    lenient_tag,
    parse_tag_list,
    split_colon_list,
)

__all__ = [
    "AAR",
    "AMS",
    "ARC_NAMES",
    "FUTURE_SLOP",
    "LABEL",
    "MAX_INSTANCE",
    "SEAL",
    "ChainOutcome",
    "InstanceOutcome",
    "group_sets",
    "read_ams_tags",
    "read_seal_tags",
]

#: RFC 8617 section 4.2.1: i= runs from 1 to 50.
MAX_INSTANCE = 50
#: Seconds a t= may lie in the future of the as-of time (clock skew between MTAs).
FUTURE_SLOP = 36_000

AAR = b"arc-authentication-results"
AMS = b"arc-message-signature"
SEAL = b"arc-seal"
ARC_NAMES = (AAR, AMS, SEAL)
LABEL = {AAR: "ARC-Authentication-Results", AMS: "ARC-Message-Signature", SEAL: "ARC-Seal"}


@dataclass
class InstanceOutcome:
    """Everything learnt about one ARC set; ``None`` = not checked."""

    instance: int
    aar: Field | None = None
    ams: Field | None = None
    seal: Field | None = None
    seal_domain: str | None = None
    seal_selector: str | None = None
    seal_t: int | None = None
    seal_valid: bool | None = None
    ams_domain: str | None = None
    ams_selector: str | None = None
    ams_t: int | None = None
    ams_valid: bool | None = None
    ams_body_ok: bool | None = None
    ams_header_ok: bool | None = None
    ams_bh: bytes | None = None
    ams_body_relaxed: bool = True
    ams_h: tuple[str, ...] = ()
    cv: str | None = None
    structure: list[str] = field(default_factory=list)
    ams_problems: list[str] = field(default_factory=list)
    seal_problems: list[str] = field(default_factory=list)
    temporary: bool = False
    seal_tags_bad: bool = False
    defects: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def reasons(self) -> tuple[str, ...]:
        return (*self.structure, *self.ams_problems, *self.seal_problems)


@dataclass
class ChainOutcome:
    """The chain as RFC 8617 section 5.2 sees it."""

    cv: str = "none"
    reason: str = "no ARC header fields"
    code: str = "no_arc"
    instances: list[InstanceOutcome] = field(default_factory=list)
    oldest_pass: int | None = None
    broken_at: int | None = None
    structural: list[tuple[str, str, int | None]] = field(default_factory=list)
    body_checked: bool = True


def group_sets(out: ChainOutcome, fields: Sequence[Field]) -> dict[int, InstanceOutcome]:
    """Put each ARC field in its instance's set; fill ``out.instances`` (1 to the highest
    instance, gaps included) and ``out.structural``. Returns the sets found, by instance."""
    sets: dict[int, InstanceOutcome] = {}
    for f in fields:
        label = LABEL[f.lname]
        if f.lname == AAR:
            number = _aar_instance(f.value)
        else:
            number = _instance_number(lenient_tag(f.value, b"i"))
        if isinstance(number, str):
            out.structural.append(
                ("invalid_instance", f"the {label} at header {f.index} {number}", f.index)
            )
            continue
        inst = sets.setdefault(number, InstanceOutcome(number))
        slot = {AAR: "aar", AMS: "ams", SEAL: "seal"}[f.lname]
        if getattr(inst, slot) is not None:
            inst.structure.append(f"instance {number} has more than one {label}")
            out.structural.append(
                ("duplicate", f"instance {number} has more than one {label}", f.index)
            )
            continue
        setattr(inst, slot, f)
    highest = max(sets) if sets else 0
    out.instances = [sets.get(i) or InstanceOutcome(i) for i in range(1, highest + 1)]
    for inst in out.instances:
        if inst.instance not in sets:
            inst.structure.append(f"instance {inst.instance} is missing entirely")
            out.structural.append(
                ("gap", f"instance {inst.instance} is missing (the chain has a gap)", None)
            )
            continue
        for slot, name in (("aar", AAR), ("ams", AMS), ("seal", SEAL)):
            if getattr(inst, slot) is None:
                text = f"instance {inst.instance} has no {LABEL[name]}"
                inst.structure.append(text)
                out.structural.append(("incomplete", text, None))
    return sets


def _aar_instance(value: bytes) -> int | str:
    """The instance of an AAR: the value must start with ``i=N;`` (RFC 8617 section 4.1.1)."""
    rest = value.lstrip(FWS)
    if not rest.startswith(b"i"):
        return "does not start with i="
    rest = rest[1:].lstrip(FWS)
    if not rest.startswith(b"="):
        return "does not start with i="
    digits, semi, _ = rest[1:].partition(b";")
    if not semi:
        return "has no ';' after i="
    return _instance_number(digits.strip(FWS))


def _instance_number(raw: bytes | None) -> int | str:
    if raw is None:
        return "has no i= tag"
    if not raw or not raw.isdigit() or not raw.isascii():
        return f"has an i= value that is not a number ({raw.decode('latin-1')[:20]!r})"
    if len(raw) > 3 or not 1 <= int(raw) <= MAX_INSTANCE:
        return f"has i={raw.decode('ascii')[:10]}, outside 1-{MAX_INSTANCE}"
    return int(raw)


def common_tags(
    tags: dict[bytes, bytes], required: Sequence[bytes], label: str, as_of: int
) -> list[str]:
    """RFC 8617 4.1.2/4.1.3 tag checks shared by ARC-Seal and ARC-Message-Signature."""
    problems = [f"{label} has no {t.decode()}= tag" for t in required if t not in tags]
    if problems:
        return problems
    if tags[b"a"] != b"rsa-sha256":
        problems.append(
            f"{label} uses a={tags[b'a'].decode('latin-1')[:30]!r}: ARC allows only rsa-sha256"
        )
    if not b64decode(tags[b"b"]):
        problems.append(f"{label} b= is empty or not base64")
    if not dns_label_ok(tags[b"d"]):
        problems.append(f"{label} d= is not a domain name")
    if not dns_label_ok(tags[b"s"]):
        problems.append(f"{label} s= is not a selector name")
    if b"t" in tags:
        t = tags[b"t"]
        if not t.isdigit() or not t.isascii() or len(t) > 12:
            problems.append(f"{label} t= is not a number")
        elif int(t) > as_of + FUTURE_SLOP:
            problems.append(f"{label} t= lies in the future of the as-of time")
    return problems


def _unreadable(
    inst: InstanceOutcome, sig: Field, label: str, exc: TagListError
) -> tuple[str | None, str | None]:
    """Record a Seal or AMS that is no tag list (RFC 6376 section 3.2) among the problems of
    its kind and the defects; return the ``d=`` and ``s=`` a lenient reading still finds."""
    problems = inst.seal_problems if sig is inst.seal else inst.ams_problems
    problems.append(f"{label} is not a valid tag list ({exc})")
    inst.defects.append(("malformed_tags", problems[-1], sig.index))
    return _text(lenient_tag(sig.value, b"d")), _text(lenient_tag(sig.value, b"s"))


def read_seal_tags(inst: InstanceOutcome, now: int) -> None:
    """Check the ARC-Seal's tags (RFC 8617 section 4.1.3) as of ``now`` (Unix time)."""
    if inst.seal is None:
        return
    label = f"ARC-Seal i={inst.instance}"
    try:
        tags = parse_tag_list(inst.seal.value)
    except TagListError as exc:
        inst.seal_domain, inst.seal_selector = _unreadable(inst, inst.seal, label, exc)
        inst.seal_valid = False
        inst.seal_tags_bad = True
        inst.cv = _text(lenient_tag(inst.seal.value, b"cv"))
        return
    inst.seal_domain = _text(tags.get(b"d"))
    inst.seal_selector = _text(tags.get(b"s"))
    inst.cv = _text(tags.get(b"cv"))
    t = tags.get(b"t")
    inst.seal_t = int(t) if t is not None and t.isdigit() and len(t) <= 12 else None
    problems = common_tags(tags, (b"i", b"a", b"b", b"cv", b"d", b"s"), label, now)
    if b"h" in tags:
        problems.append(f"{label} carries h=, which RFC 8617 section 4.1.3 forbids")
    if b"cv" in tags and tags[b"cv"] not in (b"none", b"pass", b"fail"):
        problems.append(f"{label} has an invalid cv= value")
    if problems:
        inst.seal_problems.extend(problems)
        inst.seal_valid = False
        inst.seal_tags_bad = True
        for text in problems:
            if "future" in text:
                continue
            code = "seal_has_h" if "carries h=" in text else "malformed_tags"
            inst.defects.append((code, text, inst.seal.index))


def read_ams_tags(inst: InstanceOutcome, now: int) -> None:
    """Check the ARC-Message-Signature's tags (RFC 8617 section 4.1.2) as of ``now``."""
    if inst.ams is None:
        return
    label = f"ARC-Message-Signature i={inst.instance}"
    try:
        tags = parse_tag_list(inst.ams.value)
    except TagListError as exc:
        inst.ams_domain, inst.ams_selector = _unreadable(inst, inst.ams, label, exc)
        inst.ams_valid = False
        return
    inst.ams_domain = _text(tags.get(b"d"))
    inst.ams_selector = _text(tags.get(b"s"))
    t = tags.get(b"t")
    inst.ams_t = int(t) if t is not None and t.isdigit() and len(t) <= 12 else None
    problems = common_tags(tags, (b"i", b"a", b"b", b"bh", b"d", b"h", b"s"), label, now)
    if b"h" in tags:
        names = split_colon_list(tags[b"h"])
        inst.ams_h = tuple(n.decode("latin-1") for n in names)
        if SEAL in names:
            problems.append(f"{label} signs ARC-Seal in h=, which RFC 8617 4.1.2 forbids")
    if b"bh" in tags and not b64decode(tags[b"bh"]):
        problems.append(f"{label} bh= is empty or not base64")
    c = tags.get(b"c", b"relaxed/relaxed")
    head, _, tail = c.partition(b"/")
    if head not in (b"simple", b"relaxed") or (tail or b"simple") not in (b"simple", b"relaxed"):
        problems.append(f"{label} has an invalid c= value")
    if b"x" in tags:
        x = tags[b"x"]
        if not x.isdigit() or len(x) > 12:
            problems.append(f"{label} x= is not a number")
        elif int(x) < now:
            problems.append(f"{label} expired (x=) before the as-of time")
    if b"l" in tags and (not tags[b"l"].isdigit() or len(tags[b"l"]) > 12):
        problems.append(f"{label} l= is not a number")
    if problems:
        inst.ams_problems.extend(problems)
        inst.ams_valid = False
        for text in problems:
            if "expired" not in text and "future" not in text:
                inst.defects.append(("malformed_tags", text, inst.ams.index))


def _text(value: bytes | None) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", "replace").lower() or None
