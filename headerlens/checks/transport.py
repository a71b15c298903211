"""How mail is protected on its way to a recipient domain: MTA-STS (RFC 8461), SMTP TLS
reporting (RFC 8460) and DANE for SMTP (RFC 7672)."""

from __future__ import annotations

from headerlens.checks._dns import FAILED, NO_DATA, CheckResolver
from headerlens.checks.fetch import PolicyFetcher
from headerlens.checks.models import (
    DaneCheck,
    DaneHost,
    HttpsFetch,
    MtaStsCheck,
    MtaStsPolicy,
    TlsaRecord,
    TlsRptCheck,
)
from headerlens.checks.mx import MAX_MX_HOSTS, mx_hosts

__all__ = ["check_dane", "check_mta_sts", "check_tls_rpt", "mx_pattern_matches", "parse_policy"]

_MAX_AGE_LIMIT = 31_557_600  # RFC 8461 3.2


def _published(
    dns: CheckResolver, domain: str, name: str, version: str
) -> tuple[dict[str, str], list[str], str | None]:
    """The TXT records of ``name`` that start with ``version``, the fields every check of
    them reports (domain, name, outcome), and a note when the lookup gave no answer."""
    lookup = dns.resolve(name, "TXT")
    base = {"domain": domain, "name": name, "outcome": lookup.outcome}
    if lookup.outcome in FAILED:
        return base, [], f"The lookup {name} gave no answer ({lookup.outcome})."
    if lookup.outcome in NO_DATA:
        return base, [], None
    return base, [r for r in lookup.records if r.startswith(version)], None


def _fields(record: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in record.split(";"):
        k, eq, v = part.strip().partition("=")
        if eq:
            out.append((k.strip(), v.strip()))
    return out


def parse_policy(text: str) -> MtaStsPolicy:
    """An MTA-STS policy body (RFC 8461 3.2): ``key: value`` lines, CRLF or LF."""
    version = mode = None
    max_age: int | None = None
    mx: list[str] = []
    problems: list[str] = []
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if not colon:
            if line.strip():
                problems.append(f"line without ':' ({line.strip()[:60]!r})")
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "version":
            version = value
        elif key == "mode":
            mode = value
        elif key == "max_age":
            if value.isascii() and value.isdigit() and len(value) <= 10:
                max_age = int(value)
            else:
                problems.append(f"max_age {value!r} is not a number")
        elif key == "mx":
            mx.append(value)
    if version != "STSv1":
        problems.append("version is not STSv1")
    if mode not in ("enforce", "testing", "none"):
        problems.append(f"mode {mode!r} is not enforce, testing or none")
    if max_age is None:
        problems.append("no max_age")
    elif max_age > _MAX_AGE_LIMIT:
        problems.append(f"max_age {max_age} is over {_MAX_AGE_LIMIT}")
    if mode in ("enforce", "testing") and not mx:
        problems.append("no mx pattern")
    return MtaStsPolicy(
        version=version, mode=mode, mx=tuple(mx), max_age=max_age, problems=tuple(problems)
    )


def mx_pattern_matches(pattern: str, host: str) -> bool:
    """RFC 8461 4.1: an exact name, or ``*.`` matching exactly one leftmost label."""
    p = pattern.strip().rstrip(".").lower()
    h = host.strip().rstrip(".").lower()
    if p.startswith("*."):
        head, dot, rest = h.partition(".")
        return bool(head) and bool(dot) and rest == p[2:]
    return p == h


def check_mta_sts(
    dns: CheckResolver,
    domain: str,
    mx_records: tuple[str, ...] | None,
    fetcher: PolicyFetcher | None,
) -> MtaStsCheck:
    """``_mta-sts.<domain>`` TXT, then the policy file when a fetcher is given.

    ``mx_records`` is today's MX answer of the domain (to test against the policy).
    """
    base, records, failed = _published(dns, domain, f"_mta-sts.{domain}", "v=STSv1")
    if failed is not None:
        return MtaStsCheck(**base, note=failed)
    if not records:
        return MtaStsCheck(**base, note=f"{domain} does not publish MTA-STS.")
    problems: list[str] = []
    if len(records) > 1:
        problems.append("several v=STSv1 records: senders ignore MTA-STS (RFC 8461 3.1)")
    record = records[0]
    fields = dict(_fields(record))
    policy_id = fields.get("id")
    if not policy_id or not policy_id.isascii() or not policy_id.isalnum() or len(policy_id) > 32:
        problems.append("id= is missing or not 1-32 letters and digits")
    if fetcher is None:
        return MtaStsCheck(
            **base,
            record=record,
            policy_id=policy_id,
            record_problems=tuple(problems),
            note=f"{domain} publishes MTA-STS ({record}); the policy file was not fetched"
            " (no fetcher given).",
        )
    host = f"mta-sts.{domain}"
    url = f"https://{host}/.well-known/mta-sts.txt"
    addresses: list[str] = []
    for rdtype in ("A", "AAAA"):
        q = dns.resolve(host, rdtype)
        if q.outcome == "answer":
            addresses.extend(q.records)
    try:
        fetched = fetcher.fetch(url, tuple(addresses))
    except Exception as exc:  # a caller's fetcher broke its "never raises" contract
        fetched = HttpsFetch(url=url, outcome="error", error=f"{type(exc).__name__}: {exc}")
    policy: MtaStsPolicy | None = None
    not_covered: tuple[str, ...] = ()
    if fetched.outcome == "ok" and fetched.body is not None:
        policy = parse_policy(fetched.body)
        ctype = (fetched.content_type or "").split(";")[0].strip().lower()
        if ctype != "text/plain":
            policy = policy.model_copy(
                update={
                    "problems": (
                        *policy.problems,
                        f"served as {ctype or 'no type'}, not text/plain",
                    )
                }
            )
        if mx_records is not None and policy.mx:
            hosts = [h for _, h in mx_hosts(mx_records) if h != "."]
            not_covered = tuple(
                h for h in hosts if not any(mx_pattern_matches(p, h) for p in policy.mx)
            )
    return MtaStsCheck(
        **base,
        record=record,
        policy_id=policy_id,
        record_problems=tuple(problems),
        fetch=fetched,
        policy=policy,
        mx_not_covered=not_covered,
        note=_sts_note(domain, fetched, policy, not_covered),
    )


def _sts_note(
    domain: str, fetched: HttpsFetch, policy: MtaStsPolicy | None, not_covered: tuple[str, ...]
) -> str:
    if policy is None:
        why = f"HTTP {fetched.status}" if fetched.status else fetched.outcome
        return (
            f"{domain} publishes an MTA-STS record but its policy could not be fetched ({why}):"
            " senders that find the record and no policy treat MTA-STS as absent."
        )
    text = f"MTA-STS policy of {domain}: mode {policy.mode}, mx {', '.join(policy.mx) or '-'}."
    if policy.problems:
        text += " Problems: " + "; ".join(policy.problems) + "."
    if not_covered:
        text += f" MX {', '.join(not_covered)} matches no mx pattern"
        text += (
            ": senders honouring MTA-STS will not deliver to it."
            if policy.mode == "enforce"
            else "."
        )
    return text


def check_tls_rpt(dns: CheckResolver, domain: str) -> TlsRptCheck:
    """``_smtp._tls.<domain>`` TXT (RFC 8460 3)."""
    base, records, failed = _published(dns, domain, f"_smtp._tls.{domain}", "v=TLSRPTv1")
    if failed is not None:
        return TlsRptCheck(**base, note=failed)
    if not records:
        return TlsRptCheck(**base, note=f"{domain} asks for no SMTP TLS reports.")
    problems: list[str] = []
    if len(records) > 1:
        problems.append("several v=TLSRPTv1 records: senders send no reports (RFC 8460 3)")
    fields = dict(_fields(records[0]))
    rua = tuple(u.strip() for u in fields.get("rua", "").split(",") if u.strip())
    if not rua:
        problems.append("no rua= destination")
    bad = [u for u in rua if not u.lower().startswith(("mailto:", "https:"))]
    if bad:
        problems.append(f"rua {', '.join(bad)} is neither mailto: nor https:")
    note = f"{domain} asks for SMTP TLS reports at {', '.join(rua) or '(nowhere)'}."
    if problems:
        note += " Problems: " + "; ".join(problems) + "."
    return TlsRptCheck(**base, record=records[0], rua=rua, problems=tuple(problems), note=note)


def _tlsa(text: str) -> tuple[TlsaRecord | None, str | None]:
    parts = text.split()
    if len(parts) < 4 or not all(p.isdigit() for p in parts[:3]):
        return None, f"unreadable TLSA record {text[:60]!r}"
    data = "".join(parts[3:]).lower()
    record = TlsaRecord(
        usage=int(parts[0]), selector=int(parts[1]), matching_type=int(parts[2]), data=data
    )
    if any(c not in "0123456789abcdef" for c in data):
        return record, "TLSA data is not hexadecimal"
    if record.usage in (0, 1):
        return record, (
            f"usage {record.usage} (PKIX-{'TA' if record.usage == 0 else 'EE'}) is not for"
            " SMTP: senders treat it as unusable (RFC 7672 3.1.3)"
        )
    want = {1: 64, 2: 128}.get(record.matching_type)
    if want is not None and len(data) != want:
        return record, f"matching type {record.matching_type} needs {want // 2} octets of data"
    return record, None


def check_dane(dns: CheckResolver, domain: str) -> DaneCheck:
    """TLSA records of the recipient domain's MX hosts (RFC 7672 2.2), with the AD bit."""
    mx = dns.resolve(domain, "MX")
    if mx.outcome in FAILED:
        return DaneCheck(
            domain=domain,
            status="unknown",
            note=f"The MX lookup for {domain} gave no answer ({mx.outcome}).",
        )
    if mx.outcome == "answer":
        hosts = [h for _, h in mx_hosts(mx.records) if h != "."][:MAX_MX_HOSTS]
    elif mx.outcome == "nodata":
        hosts = [domain]  # implicit MX (RFC 7672 2.2.1)
    else:
        hosts = []
    out: list[DaneHost] = []
    for host in hosts:
        name = f"_25._tcp.{host}"
        q = dns.resolve(name, "TLSA")
        records: list[TlsaRecord] = []
        problems: list[str] = []
        if q.outcome == "answer":
            for r in q.records:
                rec, problem = _tlsa(r)
                if rec is not None:
                    records.append(rec)
                if problem:
                    problems.append(problem)
        if q.outcome == "answer" and q.secure is False:
            problems.append("the answer was not DNSSEC-validated (no AD bit): senders ignore it")
        out.append(
            DaneHost(
                host=host,
                name=name,
                outcome=q.outcome,
                records=tuple(records),
                secure=q.secure if q.outcome == "answer" else None,
                problems=tuple(problems),
            )
        )
    with_tlsa = [h for h in out if h.records]
    validated = [h for h in with_tlsa if h.secure is True and mx.secure is not False]
    if not out or all(h.outcome in FAILED for h in out):
        status = "unknown" if out else "none"
    elif not with_tlsa:
        status = "none"
    elif len(validated) == len(out) and mx.secure is not False:
        status = "dane"
    elif validated:
        status = "partial"
    else:
        status = "insecure"
    notes = {
        "dane": f"Every MX host of {domain} has DNSSEC-validated TLSA records: senders that"
        " support DANE require verified TLS.",
        "partial": f"Only some MX hosts of {domain} have validated TLSA records.",
        "insecure": f"TLSA records exist for {domain}'s MX hosts but were not DNSSEC-validated"
        " (or the MX answer was not), so senders ignore them.",
        "none": f"{domain}'s MX hosts publish no TLSA records (no DANE).",
        "unknown": f"The TLSA lookups for {domain}'s MX hosts gave no answer.",
    }
    if mx.secure is None and with_tlsa:
        notes[status] += " The resolver did not say whether it validated the answers."
    return DaneCheck(
        domain=domain,
        mx_secure=mx.secure,
        hosts=tuple(out),
        status=status,
        note=notes[status],
    )
