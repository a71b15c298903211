"""DNS block and allow lists (RFC 5782) for the origin IP, with return codes decoded.

Only the zones the caller lists in ``Policy.blocklists`` are asked: a DNSBL query carries the
IP under investigation to the list operator. Return codes of well-known lists come from the
knowledge file ``data/dnsbl.json`` (each list names its source).
"""

from __future__ import annotations

import ipaddress
import json
from functools import cache
from importlib import resources
from typing import Any

from headerlens.checks._dns import FAILED, NO_DATA, CheckResolver, IPAddress, reverse_name
from headerlens.checks.models import BlocklistCheck

__all__ = ["check_blocklists", "known_lists"]

_LOOPBACK_NET = ipaddress.ip_network("127.0.0.0/8")


@cache
def known_lists() -> dict[str, dict[str, Any]]:
    """The knowledge file, one entry per zone (lower-case)."""
    text = resources.files("headerlens.checks").joinpath("data/dnsbl.json").read_text("utf-8")
    out: dict[str, dict[str, Any]] = {}
    for entry in json.loads(text)["lists"]:
        for zone in entry["zones"]:
            out[zone.lower()] = entry
    return out


def _decode(entry: dict[str, Any] | None, code: str) -> tuple[str | None, str | None]:
    """(meaning, refusal) of one returned address."""
    if entry is None:
        return None, None
    refused = entry.get("refused", {}).get(code)
    if refused:
        return None, refused
    meaning = entry.get("codes", {}).get(code)
    if meaning:
        return meaning, None
    octets = entry.get("octets")
    if octets:
        parts = code.split(".")
        words = [octets[str(k)].get(parts[k - 1]) for k in (3, 4) if str(k) in octets]
        found = [w for w in words if w]
        if found:
            return "; ".join(found), None
    return None, None


def check_blocklists(
    dns: CheckResolver, ip: IPAddress, zones: tuple[str, ...]
) -> tuple[BlocklistCheck, ...]:
    """Ask each zone about ``ip`` (``<reversed ip>.<zone>`` A, then TXT when listed)."""
    out: list[BlocklistCheck] = []
    lists = known_lists()
    for zone in zones:
        entry = lists.get(zone.lower())
        kind = entry["kind"] if entry else "block"
        name = reverse_name(ip, zone)
        lookup = dns.resolve(name, "A")
        base = {
            "zone": zone,
            "list_name": entry["name"] if entry else None,
            "kind": kind,
            "ip": str(ip),
            "name": name,
            "outcome": lookup.outcome,
            "source": entry["source"] if entry else None,
        }
        what = "allow list" if kind == "allow" else "block list"
        label = entry["name"] if entry else zone
        if lookup.outcome in FAILED:
            out.append(
                BlocklistCheck(
                    **base, note=f"The {what} {label} gave no answer ({lookup.outcome})."
                )
            )
            continue
        if lookup.outcome in NO_DATA or not lookup.records:
            out.append(BlocklistCheck(**base, listed=False, note=f"{ip} is not on {label}."))
            continue
        codes = tuple(lookup.records)
        meanings: list[str] = []
        refusals: list[str] = []
        foreign: list[str] = []
        for code in codes:
            try:
                in_loopback = ipaddress.ip_address(code) in _LOOPBACK_NET
            except ValueError:
                in_loopback = False
            if not in_loopback:
                foreign.append(code)
                continue
            meaning, refusal = _decode(entry, code)
            if refusal:
                refusals.append(f"{code}: {refusal}")
            elif meaning:
                meanings.append(f"{code}: {meaning}")
            else:
                meanings.append(f"{code}: listed (no documented meaning for this code)")
        if foreign or (refusals and not meanings):
            why = (
                f"answered {', '.join(foreign)}, outside 127.0.0.0/8: not a list answer"
                " (a resolver that rewrites NXDOMAIN?)"
                if foreign
                else "refused the query: " + "; ".join(refusals)
            )
            out.append(
                BlocklistCheck(
                    **base,
                    refused=True,
                    codes=codes,
                    meanings=tuple(refusals),
                    note=f"{label} {why}. The result says nothing about {ip}.",
                )
            )
            continue
        reason = dns.resolve(name, "TXT")
        text = reason.records[0] if reason.outcome == "answer" and reason.records else None
        verb = "is on the allow list" if kind == "allow" else "is listed on"
        out.append(
            BlocklistCheck(
                **base,
                listed=True,
                codes=codes,
                meanings=tuple(meanings),
                reason_text=text,
                note=f"{ip} {verb} {label}: {'; '.join(meanings)}.",
            )
        )
    return tuple(out)
