"""Detail models of a DKIM re-verification: the key used and the diagnosis of a failure.

They hang off :class:`headerlens.auth.models.DkimResult` (``key`` and ``diagnosis``).
References: RFC 6376 sections 3.6.1 (key records) and 6.1 (verification), RFC 8463 (ed25519).
"""

from __future__ import annotations

from typing import Literal

from headerlens._model import Model

__all__ = ["BodyChange", "DkimDiagnosis", "DkimKey", "HeaderChange"]

HeaderChange = Literal[
    "key_mismatch",
    "header_added",
    "headers_reordered",
    "header_refolded",
    "subject_tagged",
    "headers_changed",
]
BodyChange = Literal[
    "appended",
    "truncated",
    "trailing_blank_lines",
    "line_endings",
    "reencoded",
    "body_changed",
]


class DkimKey(Model):
    """The public key record a signature was checked with (RFC 6376 section 3.6.1).

    ``name`` is the DNS name asked (``<selector>._domainkey.<domain>``); ``outcome`` the lookup
    outcome (see :class:`headerlens.resolvers.DnsLookup`); ``record`` the TXT record used.
    ``key_type`` is the ``k=`` value (default ``rsa``), ``bits`` the RSA modulus size (256 for
    ed25519). ``hash_algorithms`` (``h=``), ``service_types`` (``s=``) and ``flags`` (``t=``)
    are as listed in the record; ``testing`` is ``t=y``; ``revoked`` an empty ``p=``.
    ``record_count`` is the number of TXT records found at the name (more than one is
    undefined behaviour, RFC 6376 section 3.6.2.2).
    """

    name: str
    outcome: str
    resolver: str | None = None
    record: str | None = None
    record_count: int = 0
    key_type: str | None = None
    bits: int | None = None
    hash_algorithms: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    testing: bool = False
    revoked: bool = False


class DkimDiagnosis(Model):
    """Why a signature failed, as far as the message and key can tell (computed on failure only).

    ``key_matches``: for RSA, whether the public key opens the signature into a well-formed
    PKCS#1 v1.5 block (``False``: wrong or rotated key, or a damaged ``b=``; ``True``: the key
    is right and the signed headers changed); ``None`` when unknowable (ed25519, no key).
    ``header_change`` names the repair that makes the header signature valid again, with the
    ``header_index``/``header_name`` it concerns; ``headers_changed`` means none was found.
    ``body_change`` names the transformation of the body that matches ``bh=``;
    ``appended_octets`` is the size of text added after the signed end (canonical octets);
    ``body_changed`` means no tested transformation matched.
    """

    key_matches: bool | None = None
    signed_digest_algorithm: str | None = None
    header_change: HeaderChange | None = None
    header_index: int | None = None
    header_name: str | None = None
    body_change: BodyChange | None = None
    appended_octets: int | None = None
    candidates_tried: int = 0
    summary: str
