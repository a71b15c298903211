"""Analysis policy: what to trust, which clock to use, where DNS may go, resource caps."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING

from headerlens.errors import PolicyError, wrong_type

if TYPE_CHECKING:
    from headerlens.checks.fetch import PolicyFetcher
    from headerlens.resolvers import Resolver

__all__ = ["Limits", "Policy", "RulesSetting", "policy_or_default"]

RulesSetting = str | os.PathLike[str] | tuple[str | os.PathLike[str], ...] | None
"""What ``Policy.spamassassin_rules`` accepts: ``None``, a directory, or a tuple of them."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource caps. Hitting one records a defect (``limits.*``); it never raises.

    The defaults are generous for real mail and small enough that hostile input stays cheap.
    """

    max_input_bytes: int = 64 * 1024 * 1024
    max_header_count: int = 2_000
    max_header_bytes: int = 256 * 1024
    max_header_block_bytes: int = 4 * 1024 * 1024
    max_mime_depth: int = 20
    max_mime_parts: int = 1_000
    max_received: int = 250
    max_dkim_signatures: int = 20
    max_arc_sets: int = 50
    # per report: ARC key lookups, and the live checks' questions (an SPF include chain,
    # MX hosts with A and AAAA, TLSA, block lists: a few dozen for one message)
    max_dns_queries: int = 100
    max_auth_results: int = 1_000
    max_bounce_recipients: int = 1_000
    #: Attached messages (``message/rfc822`` parts, Outlook ``.msg`` attachments) analysed
    #: per message, and how deep attached-within-attached messages are followed.
    max_attached: int = 20
    max_attached_depth: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise wrong_type(f"Limits({f.name})", "int", value)
            if value < 0:
                raise PolicyError(f"Limits.{f.name} must not be negative, not {value}")


@dataclass(frozen=True, slots=True)
class Policy:
    """How to analyse a message. ``Policy()`` is offline and lenient.

    - ``resolver``: where DNS questions go; ``None`` means offline (nothing leaves the machine,
      and every question that would have been asked is recorded as "not looked up").
    - ``as_of``: the time DKIM/ARC expiry is judged at; ``None`` means the receipt time of the
      message (the first trusted hop), else now.
    - ``trusted_authserv_ids`` / ``trusted_hosts``: the receiving organisation's
      Authentication-Results identifiers and MTA host names or IPs; empty means infer them.
    - ``strict``: raise :class:`~headerlens.errors.DefectError` on the first defect.
    - ``limits``: resource caps (:class:`Limits`).
    - ``trust_gateways``: count known inbound filtering services directly below the trusted
      part as the recipient's own inbound path (see ``Hop.gateway``).
    - ``spamassassin_rules``: ``None`` (the default) describes SpamAssassin rules from the
      notes bundled with headerlens only; a directory (or a tuple of them, earlier ones win)
      of SpamAssassin ``*.cf`` rule files adds the ``describe`` and ``score`` lines found
      there, e.g. ``"/usr/share/spamassassin"``. Opt-in on purpose: what is installed on the
      analyst's machine (and its version) would otherwise change the report, so two
      analysts, or CI and a laptop, could not compare results. ``Report.spamassassin_rules``
      names the source used. A directory that cannot be read makes ``analyze()`` raise
      :class:`~headerlens.errors.InputError`.
    - ``checks``: with a ``resolver``, also check how the sender's and recipient's DNS looks
      now (``Report.checks``, docs/checks.md); off by default.
    - ``blocklists``: DNS block/allow list zones to ask about the origin IP during the checks
      (RFC 5782); empty by default, since each query tells the list operator the IP.
    - ``mta_sts_fetcher``: fetches MTA-STS policy files over HTTPS during the checks
      (``headerlens.checks.HttpsFetcher``); ``None`` means never.

    Same bytes and an equal policy give the same report: nothing outside the package and the
    input is read unless named here, the wall clock is read only when ``as_of`` is ``None``
    (``Report.wall_clock`` then says when), and nothing leaves the machine without a
    ``resolver``. Wrong types raise ``TypeError``, unusable values
    :class:`~headerlens.errors.PolicyError`.
    """

    resolver: Resolver | None = None
    as_of: datetime | None = None
    trusted_authserv_ids: tuple[str, ...] = ()
    trusted_hosts: tuple[str, ...] = ()
    strict: bool = False
    limits: Limits = field(default_factory=Limits)
    trust_gateways: bool = True
    spamassassin_rules: RulesSetting = None
    checks: bool = False
    blocklists: tuple[str, ...] = ()
    mta_sts_fetcher: PolicyFetcher | None = None

    def __post_init__(self) -> None:
        if self.resolver is not None and not callable(getattr(self.resolver, "resolve", None)):
            raise wrong_type(
                "Policy(resolver)", "a resolver (an object with resolve()) or None", self.resolver
            )
        if self.as_of is not None:
            if not isinstance(self.as_of, datetime):
                raise wrong_type("Policy(as_of)", "datetime or None", self.as_of)
            if self.as_of.tzinfo is None or self.as_of.utcoffset() is None:
                raise PolicyError(
                    "Policy.as_of must be timezone-aware, e.g. datetime(2026, 3, 3, tzinfo=UTC)"
                )
        for name in ("strict", "trust_gateways"):
            if not isinstance(getattr(self, name), bool):
                raise wrong_type(f"Policy({name})", "bool", getattr(self, name))
        if not isinstance(self.limits, Limits):
            raise wrong_type("Policy(limits)", "Limits", self.limits)
        # Accept lists from callers but store tuples (the policy is immutable).
        object.__setattr__(self, "trusted_authserv_ids", _names(self, "trusted_authserv_ids"))
        object.__setattr__(self, "trusted_hosts", _names(self, "trusted_hosts"))
        object.__setattr__(self, "spamassassin_rules", _rule_dirs(self.spamassassin_rules))
        if not isinstance(self.checks, bool):
            raise wrong_type("Policy(checks)", "bool", self.checks)
        object.__setattr__(self, "blocklists", _zones(self))
        fetcher = self.mta_sts_fetcher
        if fetcher is not None and not callable(getattr(fetcher, "fetch", None)):
            raise wrong_type(
                "Policy(mta_sts_fetcher)", "a fetcher (an object with fetch()) or None", fetcher
            )

    @property
    def spamassassin_rule_dirs(self) -> tuple[str, ...]:
        """``spamassassin_rules`` as a tuple of directory names (empty: bundled notes only)."""
        rules = self.spamassassin_rules
        return rules if isinstance(rules, tuple) else ()  # type: ignore[return-value]


def _names(policy: Policy, name: str) -> tuple[str, ...]:
    value = getattr(policy, name)
    items = (value,) if isinstance(value, str) else value
    try:
        out = tuple(items)
    except TypeError:
        raise wrong_type(f"Policy({name})", "a str or a sequence of str", value) from None
    for item in out:
        if not isinstance(item, str):
            raise wrong_type(f"Policy({name}) item", "str", item)
    return out


def _zones(policy: Policy) -> tuple[str, ...]:
    """``blocklists`` normalised: lower-case zone names without outer dots (RFC 5782)."""
    zones = tuple(z.strip().strip(".").lower() for z in _names(policy, "blocklists"))
    for zone in zones:
        labels = zone.split(".")
        if len(labels) < 2 or not all(_zone_label(label) for label in labels):
            raise PolicyError(f"Policy.blocklists: {zone!r} is not a DNS zone name")
    return zones


def _zone_label(label: str) -> bool:
    return 0 < len(label) <= 63 and label.isascii() and all(c.isalnum() or c in "-_" for c in label)


def _rule_dirs(value: object) -> tuple[str, ...] | None:
    """``spamassassin_rules`` normalised: ``None``, or a tuple of directory names."""
    if value is None:
        return None
    items = (value,) if isinstance(value, (str, os.PathLike)) else value
    if not isinstance(items, (tuple, list)):
        raise wrong_type(
            "Policy(spamassassin_rules)",
            "a directory (str or os.PathLike), a tuple of them or None",
            value,
        )
    out: list[str] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise wrong_type("Policy(spamassassin_rules) item", "str or os.PathLike", item)
        path = os.fspath(item)
        if not isinstance(path, str):
            raise wrong_type("Policy(spamassassin_rules) item", "a str path", path)
        if not path or "\x00" in path:
            raise PolicyError(f"Policy.spamassassin_rules: {path!r} is not a directory name")
        out.append(path)
    return tuple(out)


_DEFAULT = Policy()


def policy_or_default(policy: object, func: str) -> Policy:
    """``policy``, or the default ``Policy()`` for ``None``; ``TypeError`` for anything else.

    ``func`` names the public function, for the error message.
    """
    if policy is None:
        return _DEFAULT
    if not isinstance(policy, Policy):
        raise wrong_type(f"{func}(policy=)", "a Policy or None", policy)
    return policy
