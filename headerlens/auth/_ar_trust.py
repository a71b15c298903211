"""Which Authentication-Results fields the receiving organisation wrote (RFC 8601 section 5).

Which Authentication-Results fields can be believed? Only those the receiving organisation
wrote: RFC 8601 section 5 has a receiver delete fields claiming its own authserv-id on
arrival, so any other field may have been written by the sender. The rule, in order:

1. ``Policy.trusted_authserv_ids`` when given;
2. else the authserv-ids the hop analysis attributes to the trusted zone
   (``hops.trust.trusted_authserv_ids``);
3. else inferred: the authserv-id of the topmost Authentication-Results field at or above
   the trust boundary, trusted for the contiguous block of fields that carry it (a field
   without authserv-id, as Microsoft writes them, forms a block of its own the same way).
   Without a boundary from the hops, the block also ends at the first Received field
   below that topmost field (a receiver writes its results above its own Received line).

In every case a field is trusted only if it also sits at or above the trust boundary
(``hops.trust.header_index``) when one is known, with one exception: Gmail, and Sendmail or
Postfix milters (OpenDKIM, OpenDMARC, policyd-spf), write their Authentication-Results and
Received-SPF fields directly *below* the receiver's own Received field. When the boundary is
a Received field and no field claiming a trusted authserv-id sits at or above it, the
contiguous run of Authentication-Results / Received-SPF fields right under that Received
field (the "receiver block") counts as written by the receiver. RFC 8601 section 5 has the
receiver delete incoming fields claiming its own authserv-id, so such a field in that place
is the receiver's; a claim further down (after any other field) is still reported as forged.
The trusted zone's own hosts: when the ids do not come from ``Policy.trusted_authserv_ids``
and the hops give a boundary, a field at or above that boundary whose authserv-id is the
``by`` host of a trusted hop (an organisation's forwarder or inbound relay, e.g.
``mx.fwd.example.net`` in front of ``mx.example.net``) was written by the receiving ADMD
too, and is trusted; its authserv-id joins the trusted ones, so a field claiming it further
down is reported as forged. ``AuthAnalysis.trusted`` stays the topmost trusted authserv-id's
view (the final verdict).
Fields with one authserv-id are merged in document order (``AuthAnalysis.merged``); several
results for one method stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.auth.models import AuthResult, AuthResultsHeader
from headerlens.findings import Finding, make_finding
from headerlens.message import Message

__all__ = ["above", "assign_trust", "merge_headers", "receiver_block"]


def above(index: int | None, boundary: int | None) -> bool:
    """Whether a field at ``index`` sits at or above ``boundary`` (no boundary: yes)."""
    return boundary is None or (index is not None and index <= boundary)


@dataclass
class _Where:
    """Where the receiver's fields may sit: at or above ``boundary``, or in ``block``."""

    boundary: int | None
    block: frozenset[int]

    def placed(self, index: int | None) -> bool:
        return above(index, self.boundary) or (index is not None and index in self.block)


@dataclass
class _Ids:
    """The trusted authserv-ids, the rule that gave them, and how they were found."""

    ids: tuple[str, ...]
    rule: str
    inferred: bool
    inferred_none: bool = False  # inferred from a field without authserv-id

    def claims(self, h: AuthResultsHeader) -> bool:
        return (h.authserv_id in self.ids) if h.authserv_id is not None else self.inferred_none


def assign_trust(
    headers: list[AuthResultsHeader],
    *,
    policy_ids: tuple[str, ...],
    hop_ids: tuple[str, ...],
    boundary: int | None,
    boundary_rule: str = "",
    received_indexes: tuple[int, ...] = (),
    receiver_block: tuple[int, ...] = (),
    zone_hosts: tuple[str, ...] = (),
) -> tuple[list[AuthResultsHeader], tuple[str, ...], str, list[Finding]]:
    """Mark each header ``trusted`` or not (module docstring rule); return the findings.

    ``headers`` are in document order (topmost first). ``receiver_block``: the indexes of
    the Authentication-Results / Received-SPF fields directly below the boundary Received
    field (see the module docstring). ``zone_hosts``: the hosts of the trusted hop zone
    (the ``by`` hosts of the trusted hops); unless ``policy_ids`` is given, a field whose
    authserv-id is one of them and that sits at or above the boundary is the receiving
    organisation's own too (RFC 8601 section 5). Returns the updated headers, the trusted
    authserv-ids, the rule applied and the findings about untrusted claims.
    """
    where = _Where(boundary, frozenset(receiver_block))
    hop_boundary = boundary
    ids = _trusted_ids(headers, policy_ids, hop_ids, boundary_rule, received_indexes, where)
    if where.block and any(
        ids.claims(h) and above(h.header_index, where.boundary) for h in headers
    ):
        where.block = frozenset()  # the receiver wrote its results above its Received field
    zone = (
        frozenset(z.lower() for z in zone_hosts)
        if zone_hosts and not policy_ids and hop_boundary is not None
        else frozenset()
    )
    zone_fields, zone_ids = _zone_fields(headers, zone, hop_boundary, ids)
    out, forged, below = _mark(headers, ids, where, zone_fields, zone_ids)
    return out, ids.ids, ids.rule, _claim_findings(forged, below)


def _trusted_ids(
    headers: list[AuthResultsHeader],
    policy_ids: tuple[str, ...],
    hop_ids: tuple[str, ...],
    boundary_rule: str,
    received_indexes: tuple[int, ...],
    where: _Where,
) -> _Ids:
    """Rules 1 to 3 of the module docstring. Without a boundary from the hops, rule 3 sets
    one (``where.boundary``): the receiver's fields end at the Received field below them."""
    if policy_ids:
        return _Ids(tuple(i.lower() for i in policy_ids), "Policy.trusted_authserv_ids", False)
    if hop_ids:
        rule = "authserv-ids of the trusted hops" + (f" ({boundary_rule})" if boundary_rule else "")
        return _Ids(tuple(i.lower() for i in hop_ids), rule, False)
    top = next((h for h in headers if where.placed(h.header_index)), None)
    if top is None:
        return _Ids((), "no Authentication-Results field at or above the trust boundary", True)
    inferred_none = top.authserv_id is None
    rule = (
        "inferred: the authserv-id of the topmost Authentication-Results field"
        + (" at or above the trust boundary" if where.boundary is not None else "")
        + (" (none written: Microsoft style)" if inferred_none else "")
    )
    if where.boundary is None and top.header_index is not None:
        # No boundary from the hops: the receiver's fields sit above its own
        # Received line, so the block ends at the first Received below the top one.
        below_top = [i for i in received_indexes if i > top.header_index]
        if below_top:
            where.boundary = below_top[0] - 1
            rule += ", above the Received field that follows it"
    ids = (top.authserv_id,) if top.authserv_id else ()
    return _Ids(ids, rule, True, inferred_none)


def _zone_fields(
    headers: list[AuthResultsHeader], zone: frozenset[str], hop_boundary: int | None, ids: _Ids
) -> tuple[frozenset[int | None], list[str]]:
    """Fields of the trusted zone's own hosts, at or above the hops' boundary; their
    authserv-ids join the trusted ones (``ids``), so a claim of them further down is
    forged too."""
    zone_fields = frozenset(
        h.header_index
        for h in headers
        if h.authserv_id in zone and above(h.header_index, hop_boundary)
    )
    zone_ids: list[str] = []
    for h in headers:
        if h.header_index in zone_fields and h.authserv_id and h.authserv_id not in ids.ids:
            zone_ids.append(h.authserv_id)
            ids.ids = (*ids.ids, h.authserv_id)
    return zone_fields, zone_ids


def _mark(
    headers: list[AuthResultsHeader],
    ids: _Ids,
    where: _Where,
    zone_fields: frozenset[int | None],
    zone_ids: list[str],
) -> tuple[list[AuthResultsHeader], list[int], list[int]]:
    """Each header with ``trusted`` and its ``trust_note``; the forged and below-boundary
    claims."""
    out: list[AuthResultsHeader] = []
    in_top_block = True
    forged: list[int] = []
    below: list[int] = []
    for h in headers:
        claims = ids.claims(h)
        placed = where.placed(h.header_index)
        trusted = claims and placed
        note: str
        zone_own = h.header_index in zone_fields and h.authserv_id in zone_ids
        if ids.inferred:
            if not claims or zone_own:
                in_top_block = False  # a zone host's field ends the inferred block as before
            elif not in_top_block:
                trusted = False
        if zone_own:
            trusted = True
            note = (
                f"trusted: the authserv-id {h.authserv_id} is a host of the trusted zone"
                " (the 'by' host of a trusted hop) and the field sits at or above the trust"
                " boundary"
            )
        elif trusted:
            note = f"trusted: {ids.rule}"
            if not above(h.header_index, where.boundary):
                note += " (written just below the receiver's own Received field)"
        elif claims:
            note = "claims a trusted authserv-id from an untrusted position"
            if h.header_index is not None:
                forged.append(h.header_index)
        elif not placed:
            note = "below the trust boundary: may have been written by the sender"
            if h.header_index is not None:
                below.append(h.header_index)
        else:
            note = "another organisation's authserv-id: a claim, not the receiver's verdict"
        out.append(h.model_copy(update={"trusted": trusted, "trust_note": note}))
    return out, forged, below


def _claim_findings(forged: list[int], below: list[int]) -> list[Finding]:
    findings: list[Finding] = []
    if forged:
        findings.append(
            make_finding(
                "auth.results_forged_trusted_id",
                "warning",
                "An Authentication-Results field claims the receiver's authserv-id from a"
                " position the receiver did not write; it is likely forged."
                if len(forged) == 1
                else f"{len(forged)} Authentication-Results fields claim the receiver's"
                " authserv-id from positions the receiver did not write; they are likely"
                " forged.",
                forged,
            )
        )
    if below:
        findings.append(
            make_finding(
                "auth.results_below_boundary",
                "notice",
                f"{len(below)} Authentication-Results field(s) sit below the trust boundary;"
                " they are claims anyone could have written (RFC 8601 section 5).",
                below,
            )
        )
    return findings


def merge_headers(headers: list[AuthResultsHeader]) -> tuple[AuthResultsHeader, ...]:
    """One merged view per (authserv-id, trusted), results in document order.

    Each result keeps the ``header_index`` of the field it came from; defects stay on the
    individual fields (so they are not counted twice).
    """
    groups: dict[tuple[str | None, bool], list[AuthResultsHeader]] = {}
    for h in headers:
        groups.setdefault((h.authserv_id, h.trusted), []).append(h)
    merged: list[AuthResultsHeader] = []
    for (aid, trusted), members in groups.items():
        results: list[AuthResult] = [r for m in members for r in m.results]
        idxs = tuple(m.header_index for m in members if m.header_index is not None)
        merged.append(
            AuthResultsHeader(
                header_index=idxs[0] if idxs else None,
                header_indexes=idxs,
                authserv_id=aid,
                version=members[0].version,
                results=tuple(results),
                trusted=trusted,
                conformant=all(m.conformant for m in members),
                repairs=tuple(r for m in members for r in m.repairs),
                header_name="Authentication-Results",
                comments=tuple(c for m in members for c in m.comments),
                no_results=not results and any(m.no_results for m in members),
                trust_note=members[0].trust_note,
            )
        )
    return tuple(merged)


_RECEIVER_BLOCK_FIELDS = frozenset({"authentication-results", "received-spf"})


def receiver_block(message: Message, boundary: int | None) -> tuple[int, ...]:
    """Indexes of the Authentication-Results / Received-SPF run right below the boundary.

    Only when the boundary field is a Received field: Gmail and Sendmail/Postfix milters
    write their results there (module docstring). The run stops at the first other field.
    """
    if boundary is None or not 0 <= boundary < len(message.headers):
        return ()
    if message.headers[boundary].lname != "received":
        return ()
    out: list[int] = []
    for h in message.headers[boundary + 1 :]:
        if h.lname not in _RECEIVER_BLOCK_FIELDS:
            break
        out.append(h.index)
    return tuple(out)
