"""Finding codes of the `checks` area (see ``headerlens._catalogue``).

Live checks (``Policy(checks=True)``): what the sender's or recipient's DNS says now, in the
words of what the domain owner has to fix. These findings live in ``LiveChecks.findings``,
apart from the findings drawn from the headers.
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {
    "checks.spf_fail_now": (
        "SPF of the envelope sender's domain fails or soft-fails for the origin IP now: the"
        " domain's SPF record does not authorize that sending host (RFC 7208 2.6.4, 2.6.5)."
    ),
    "checks.spf_error_now": (
        "SPF of the envelope sender's domain gives permerror now: the record is broken (syntax,"
        " more than 10 DNS-querying terms, several records), so receivers treat it as absent or"
        " reject (RFC 7208 2.6.7)."
    ),
    "checks.spf_none_now": "The envelope sender's domain publishes no SPF record now.",
    "checks.spf_changed": (
        "SPF evaluated now gives another result than the receiver recorded at delivery: the"
        " domain's SPF record (or the DNS it relies on) changed since."
    ),
    "checks.helo_spf_fail_now": (
        "SPF of the HELO name fails for the origin IP now (RFC 7208 2.3)."
    ),
    "checks.ptr_missing": (
        "The origin IP has no reverse DNS (PTR) now; many receivers refuse or penalise such mail."
    ),
    "checks.ptr_not_confirmed": (
        "The origin IP's PTR name does not resolve back to it (no forward-confirmed reverse DNS)."
    ),
    "checks.helo_not_ptr": "The HELO name of the origin host is not its reverse-DNS name.",
    "checks.rdns_changed": (
        "The origin IP's reverse DNS now differs from what the receiving MTA recorded."
    ),
    "checks.blocklisted": "The origin IP is on a DNS block list the caller asked about.",
    "checks.allowlisted": "The origin IP is on a DNS allow list the caller asked about.",
    "checks.blocklist_refused": (
        "A DNS list refused the query or gave an answer that is not a list answer, so its"
        " result says nothing about the IP (often: queried through a public resolver)."
    ),
    "checks.dkim_key_removed": (
        "A DKIM selector that signed the message has no key published now: mail signed with it"
        " fails DKIM."
    ),
    "checks.dkim_key_revoked": "A DKIM selector that signed the message is revoked now (p=).",
    "checks.dkim_key_rotated": (
        "A DKIM selector now publishes another key than the one the signature was checked with."
    ),
    "checks.dmarc_missing": (
        "The From domain (and its organizational domain) publishes no DMARC record now."
    ),
    "checks.dmarc_invalid": (
        "The From domain's DMARC lookup finds several DMARC records, so receivers apply none."
    ),
    "checks.dmarc_monitoring": (
        "The From domain's DMARC policy is p=none now: failing mail is only reported, not"
        " quarantined or rejected."
    ),
    "checks.dmarc_partial": (
        "The From domain's DMARC policy applies to part of its mail (pct<100)."
    ),
    "checks.dmarc_no_reports": (
        "The From domain's DMARC record asks for no aggregate reports (rua=)."
    ),
    "checks.dmarc_changed": (
        "The From domain's DMARC policy now differs from the one the receiver recorded."
    ),
    "checks.domain_missing": "A sender domain does not exist in DNS now (NXDOMAIN).",
    "checks.mx_null": (
        "A sender domain publishes a null MX (RFC 7505): replies and bounces to it are refused."
    ),
    "checks.mx_cname": "An MX host name is an alias (CNAME), which RFC 2181 10.3 forbids.",
    "checks.mx_unreachable": (
        "A domain has no MX host with an address: mail to it cannot be delivered."
    ),
    "checks.mta_sts_mx_not_covered": (
        "A recipient domain's MTA-STS policy is in enforce mode and one of its MX hosts matches"
        " no mx pattern: senders that honour MTA-STS will not deliver to it (RFC 8461 4.1)."
    ),
    "checks.mta_sts_policy_unavailable": (
        "A recipient domain publishes an MTA-STS record but its policy file could not be"
        " fetched or read."
    ),
    "checks.mta_sts_invalid": "A recipient domain's MTA-STS record or policy has errors.",
    "checks.tls_rpt_invalid": "A recipient domain's SMTP TLS reporting record has errors.",
    "checks.dane_insecure": (
        "A recipient domain's MX hosts publish TLSA records that were not DNSSEC-validated, so"
        " DANE is not in force."
    ),
    "checks.dane_unusable": "A recipient domain's TLSA records cannot be used by SMTP senders.",
    "checks.bimi_not_enforced": (
        "The From domain publishes BIMI, but its DMARC policy is not at enforcement, so"
        " receivers show no logo."
    ),
    "checks.budget_exhausted": (
        "The live checks stopped asking DNS at Limits.max_dns_queries; later checks are incomplete."
    ),
    "checks.lookups_failed": (
        "Some live-check lookups gave no answer (SERVFAIL, timeout): those checks are incomplete."
    ),
}
