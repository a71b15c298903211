"""Analysis policy: what to trust, which clock to use, where DNS may go, resource caps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headerlens.resolvers import Resolver

__all__ = ["Limits", "Policy"]


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
    max_dns_queries: int = 50
    max_auth_results: int = 1_000
    max_bounce_recipients: int = 1_000
    #: Attached messages (``message/rfc822`` parts, Outlook ``.msg`` attachments) analysed
    #: per message, and how deep attached-within-attached messages are followed.
    max_attached: int = 20
    max_attached_depth: int = 3


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
    """

    resolver: Resolver | None = None
    as_of: datetime | None = None
    trusted_authserv_ids: tuple[str, ...] = ()
    trusted_hosts: tuple[str, ...] = ()
    strict: bool = False
    limits: Limits = field(default_factory=Limits)
    trust_gateways: bool = True

    def __post_init__(self) -> None:
        if self.as_of is not None and self.as_of.tzinfo is None:
            raise ValueError("Policy.as_of must be timezone-aware")
        # Accept lists from callers but store tuples (the policy is immutable).
        object.__setattr__(self, "trusted_authserv_ids", tuple(self.trusted_authserv_ids))
        object.__setattr__(self, "trusted_hosts", tuple(self.trusted_hosts))
