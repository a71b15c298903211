"""Saved answers: :class:`StaticResolver`, from a mapping, a JSON file, zone-file text
(RFC 1035 section 5) or a transcript of earlier lookups; it follows CNAMEs (RFC 1034 section
3.6.2) and replays recorded failures. Sends nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from headerlens._text import ascii_digits
from headerlens.errors import ResolverError, wrong_type
from headerlens.resolvers._base import FAILURES, DnsLookup, LookupOutcome, configuration, name_key

__all__ = ["MAX_CNAME_CHAIN", "FailureKey", "RdataValue", "RecordsValue", "StaticResolver"]


def _check_mappings(**values: object) -> None:
    for name, value in values.items():
        if value is not None and not isinstance(value, Mapping):
            raise wrong_type(f"StaticResolver({name})", "a mapping or None", value)


def _read_key_file(path: object) -> str:
    """The text of a key file named by ``path``; ResolverError when it cannot be read."""
    if not isinstance(path, (str, os.PathLike)):
        raise wrong_type("StaticResolver.from_json(path_or_text)", "str or os.PathLike", path)
    name = os.fspath(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ResolverError(f"cannot read key file {name!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ResolverError(f"key file {name!r} is not UTF-8 text") from None


#: How many CNAMEs a lookup follows before it gives up (as a recursive resolver would).
MAX_CNAME_CHAIN = 8


RdataValue = str | Sequence[str]


RecordsValue = str | Sequence[str] | Mapping[str, RdataValue | Sequence[RdataValue]]


FailureKey = str | tuple[str, str]


class StaticResolver:
    """Answers from saved records of every type; never touches the network.

    ``records`` maps a DNS name to either TXT data (a string, or a sequence of strings: several
    TXT records) or a mapping of record type to a sequence of rdata in zone-file text::

        {"example.com": {"A": ["192.0.2.1"], "MX": ["10 mx.example.com", "0 ."],
                         "TXT": ["v=spf1 -all", ["part one ", "part two"]]},
         "www.example.com": {"CNAME": ["example.com"]}}

    A TXT rdata given as a sequence is one record of several character-strings (joined without
    separators, RFC 7208 section 3.3); a name mapped to ``{}`` exists and has no records.
    CNAMEs are followed (at most :data:`MAX_CNAME_CHAIN`; a loop answers SERVFAIL, as a
    recursive resolver does), and the answer's ``canonical_name`` says where it was found.

    ``failures`` maps a name (every type) or a ``(name, rdtype)`` pair to ``"servfail"``,
    ``"timeout"``, ``"nxdomain"`` or ``"nodata"`` to replay a recorded failure; a pair wins
    over the bare name. ``secure`` maps names to the DNSSEC AD flag their answers carry
    (unknown, ``None``, for the rest). Names compare case-insensitively and without a trailing
    dot. A name that is nowhere answers NXDOMAIN; a name that holds records of another type
    answers no data (RFC 2308 section 2.2).

    >>> StaticResolver({"s1._domainkey.example.com": "v=DKIM1; p="}).resolve(
    ...     "S1._domainkey.example.com.").outcome
    'answer'
    >>> StaticResolver({"example.com": {"MX": ["0 ."]}}).resolve("example.com", "mx").records
    ('0 .',)
    """

    @configuration
    def __init__(
        self,
        records: Mapping[str, RecordsValue] | None = None,
        *,
        failures: Mapping[FailureKey, str] | None = None,
        secure: Mapping[str, bool] | None = None,
    ) -> None:
        _check_mappings(records=records, failures=failures, secure=secure)
        # (name, rdtype) -> records; every name present here "exists" for NODATA purposes
        self._records: dict[tuple[str, str], tuple[str, ...]] = {}
        self._names: set[str] = set()
        self._parents: set[str] | None = None  # ancestors of the names (made on first use)
        # (name, rdtype or "" for every type) -> failure kind
        self._failures: dict[tuple[str, str], str] = {}
        self._secure: dict[str, bool] = {name_key(n): bool(v) for n, v in (secure or {}).items()}
        for name, value in (records or {}).items():
            if isinstance(value, str):
                self._add(name, "TXT", (value,))
            elif isinstance(value, Mapping):
                self._names.add(name_key(name))
                for rdtype, rdatas in value.items():
                    self._add(name, str(rdtype), _rdata_texts(str(rdtype), rdatas))
            else:
                self._add(name, "TXT", tuple(value))
        for target, kind in (failures or {}).items():
            if not isinstance(kind, str):
                raise wrong_type("StaticResolver(failures) value", "str", kind)
            if isinstance(target, tuple) and not (
                len(target) == 2 and all(isinstance(t, str) for t in target)
            ):
                raise wrong_type("StaticResolver(failures) key", "a name or (name, rdtype)", target)
            kind = kind.lower()
            if kind not in FAILURES:
                raise ValueError(
                    f"failure for {target!r} must be one of {sorted(FAILURES)}, not {kind!r}"
                )
            if isinstance(target, tuple):
                self._failures[(name_key(target[0]), target[1].upper())] = kind
            else:
                self._failures[(name_key(target), "")] = kind

    def _add(self, name: str, rdtype: str, values: tuple[str, ...]) -> None:
        key = (name_key(name), rdtype.upper())
        self._records[key] = self._records.get(key, ()) + values
        self._names.add(key[0])
        self._parents = None

    @property
    def names(self) -> tuple[str, ...]:
        """The names this resolver holds records or failures for, sorted."""
        return tuple(sorted(self._names | {name for name, _ in self._failures}))

    def _exists(self, key: str) -> bool:
        """Whether ``key`` holds records or is an empty non-terminal: a name with a name
        below it exists (RFC 8020: NXDOMAIN means nothing at or below the name)."""
        if self._parents is None:
            parents: set[str] = set()
            for name in self._names:
                labels = name.split(".")
                parents.update(".".join(labels[i:]) for i in range(1, len(labels)))
            self._parents = parents
        return key in self._names or key in self._parents

    def _failure(self, key: str, rdtype: str) -> str | None:
        return self._failures.get((key, rdtype)) or self._failures.get((key, ""))

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        rdtype = rdtype.upper()
        current = name_key(name)
        seen: list[str] = []

        def done(
            outcome: LookupOutcome, records: tuple[str, ...] = (), error: str | None = None
        ) -> DnsLookup:
            return DnsLookup(
                name=name,
                rdtype=rdtype,
                outcome=outcome,
                records=records,
                resolver="StaticResolver",
                error=error,
                canonical_name=current if seen else None,
                secure=self._secure.get(current),
            )

        while True:
            failure = self._failure(current, rdtype)
            if failure is not None:
                return done(failure, error=f"replayed {failure}")  # type: ignore[arg-type]
            records = self._records.get((current, rdtype))
            if records is not None:
                return done("answer" if records else "nodata", records=records)
            alias = self._records.get((current, "CNAME")) if rdtype != "CNAME" else None
            if not alias:
                return done("nodata" if self._exists(current) else "nxdomain")
            seen.append(current)
            current = name_key(alias[0])
            if current in seen or len(seen) > MAX_CNAME_CHAIN:
                why = "CNAME loop" if current in seen else "CNAME chain too long"
                return done("servfail", error=f"{why} at {current}")

    @classmethod
    def from_lookups(cls, lookups: Iterable[DnsLookup]) -> StaticResolver:
        """A resolver that replays a transcript (e.g. ``Report.dns`` or ``LiveChecks.dns``).

        Answers come back with their records, secure flag and CNAME target; NXDOMAIN, no data,
        SERVFAIL and timeouts come back as the same failure (an ``error`` outcome as SERVFAIL).
        Questions that were not looked up are left out, so they answer NXDOMAIN.
        """
        records: dict[str, dict[str, list[str]]] = {}
        failures: dict[FailureKey, str] = {}
        secure: dict[str, bool] = {}
        for q in lookups:
            if q.outcome == "not_looked_up":
                continue
            owner = name_key(q.canonical_name or q.name)
            if q.canonical_name and name_key(q.canonical_name) != name_key(q.name):
                records.setdefault(name_key(q.name), {})["CNAME"] = [owner]
            if q.secure is not None:
                secure[owner] = q.secure
            if q.outcome == "answer":
                records.setdefault(owner, {})[q.rdtype] = list(q.records)
            elif q.outcome == "nodata":
                records.setdefault(owner, {})
                failures[(owner, q.rdtype)] = "nodata"
            else:
                kind = "servfail" if q.outcome == "error" else q.outcome
                failures[(owner, q.rdtype)] = kind
        return cls(records, failures=failures, secure=secure)

    @classmethod
    @configuration
    def from_json(cls, path_or_text: str | os.PathLike[str]) -> StaticResolver:
        """Load records from a JSON file or JSON text.

        Three shapes are accepted: ``{"name": "record" | ["record", ...], ...}``;
        ``{"records": {...}, "failures": {...}, "secure": {...}}``; and a transcript,
        ``{"lookups": [DnsLookup, ...]}`` (a saved report's ``dns`` list also works, see
        :meth:`from_lookups`). A record value that is a list of strings is several TXT
        records; an object maps record types to lists of rdata, as in the constructor. A
        failure value is a kind (every type) or an object ``{"TXT": "timeout", ...}``.
        Raises :class:`~headerlens.errors.ResolverError` (a ``ValueError``) for an unreadable
        file or anything else, ``TypeError`` for an argument that is neither text nor a path.
        """
        text: str
        if isinstance(path_or_text, str) and path_or_text.lstrip().startswith(("{", "[")):
            text = path_or_text
        else:
            text = _read_key_file(path_or_text)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON key file: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("a JSON key file must hold an object")
        lookups = data.get("lookups", data.get("dns"))
        if isinstance(lookups, list) and "records" not in data:
            try:
                return cls.from_lookups(DnsLookup.model_validate(q) for q in lookups)
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                raise ValueError(f"not a DNS transcript: {exc}") from exc
        if "records" in data and isinstance(data["records"], dict):
            records_obj, failures_obj = data["records"], data.get("failures") or {}
            secure_obj = data.get("secure") or {}
        else:
            records_obj, failures_obj, secure_obj = data, {}, {}
        records = {name: _json_records(name, value) for name, value in records_obj.items()}
        return cls(records, failures=_json_failures(failures_obj), secure=_json_secure(secure_obj))

    @classmethod
    @configuration
    def from_zone(
        cls,
        text: str,
        *,
        origin: str | None = None,
        failures: Mapping[FailureKey, str] | None = None,
    ) -> StaticResolver:
        """Load records from zone-file text (RFC 1035 section 5.1).

        Understands ``$ORIGIN``, ``$TTL``, ``@``, relative names, an omitted owner (same as
        the previous line), optional TTL and class, parentheses across lines, ``;`` comments
        and quoted character-strings with ``\\"``, ``\\\\`` and ``\\DDD`` escapes. TXT
        character-strings are joined without separators; other types keep their rdata text.
        ``failures`` replays failures as in the constructor. Raises
        :class:`~headerlens.errors.ResolverError` (a ``ValueError``) on a line it cannot read,
        ``TypeError`` when ``text`` is not a str.
        """
        resolver = cls(failures=failures)
        current_origin = name_key(origin) if origin else ""
        last_owner: str | None = None
        for lineno, tokens, owner_blank in _zone_entries(text):
            if tokens[0][0].upper() == "$ORIGIN" and not tokens[0][1]:
                if len(tokens) < 2:
                    raise ValueError(f"zone line {lineno}: $ORIGIN without a name")
                current_origin = name_key(tokens[1][0])
                continue
            if tokens[0][0].upper() in ("$TTL", "$INCLUDE", "$GENERATE") and not tokens[0][1]:
                continue
            if owner_blank:
                if last_owner is None:
                    raise ValueError(f"zone line {lineno}: no owner name")
                owner = last_owner
                rest = tokens
            else:
                owner = _absolute(tokens[0][0], current_origin)
                rest = tokens[1:]
            last_owner = owner
            # optional TTL and class, in either order
            while (
                rest
                and not rest[0][1]
                and (rest[0][0].isdigit() or rest[0][0].upper() in ("IN", "CH", "HS", "CS"))
            ):
                rest = rest[1:]
            if not rest or rest[0][1]:
                raise ValueError(f"zone line {lineno}: no record type")
            rdtype = rest[0][0].upper()
            data = rest[1:]
            if rdtype == "TXT":
                if not data:
                    raise ValueError(f"zone line {lineno}: TXT without data")
                value = "".join(tok for tok, _quoted in data)
            else:
                value = " ".join(tok for tok, _quoted in data)
            resolver._add(owner, rdtype, (value,))
        return resolver


def _rdata_texts(rdtype: str, rdatas: RdataValue | Sequence[RdataValue]) -> tuple[str, ...]:
    """The rdata of one type as text; a TXT rdata given as a sequence is joined (RFC 7208 3.3)."""
    if isinstance(rdatas, str):
        return (rdatas,)
    out: list[str] = []
    for rdata in rdatas:
        if isinstance(rdata, str):
            out.append(rdata)
        elif rdtype.upper() in ("TXT", "SPF") and all(isinstance(part, str) for part in rdata):
            out.append("".join(rdata))
        else:
            raise ValueError(f"{rdtype} rdata must be text, not {rdata!r}")
    return tuple(out)


def _json_records(name: str, value: object) -> RecordsValue:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if isinstance(value, dict):
        typed: dict[str, RdataValue | Sequence[RdataValue]] = {}
        for rdtype, rdatas in value.items():
            if isinstance(rdatas, str):
                typed[rdtype] = rdatas
            elif isinstance(rdatas, list) and all(
                isinstance(r, str) or (isinstance(r, list) and all(isinstance(x, str) for x in r))
                for r in rdatas
            ):
                typed[rdtype] = [r if isinstance(r, str) else tuple(r) for r in rdatas]
            else:
                raise ValueError(f"{rdtype} records of {name!r} must be a list of strings")
        return typed
    raise ValueError(
        f"record for {name!r} must be a string, a list of strings or an object of record types"
    )


def _json_failures(obj: object) -> dict[FailureKey, str]:
    if not isinstance(obj, dict):
        raise ValueError("'failures' must map names to failure kinds")
    out: dict[FailureKey, str] = {}
    for name, kind in obj.items():
        if isinstance(kind, str):
            out[name] = kind
        elif isinstance(kind, dict) and all(isinstance(v, str) for v in kind.values()):
            for rdtype, k in kind.items():
                out[(name, rdtype)] = k
        else:
            raise ValueError("'failures' must map names to failure kinds")
    return out


def _json_secure(obj: object) -> dict[str, bool]:
    if not isinstance(obj, dict) or not all(isinstance(v, bool) for v in obj.values()):
        raise ValueError("'secure' must map names to true or false")
    return dict(obj)


def _absolute(name: str, origin: str) -> str:
    if name == "@":
        return origin
    if name.endswith("."):
        return name_key(name)
    return f"{name}.{origin}".lower() if origin else name_key(name)


def _zone_entries(text: str) -> list[tuple[int, list[tuple[str, bool]], bool]]:
    """Split zone text into entries: (line number, [(token, quoted)], owner omitted)."""
    if not isinstance(text, str):
        raise wrong_type("StaticResolver.from_zone(text)", "str (zone-file text)", text)
    entries: list[tuple[int, list[tuple[str, bool]], bool]] = []
    tokens: list[tuple[str, bool]] = []
    depth = 0
    start_line = 1
    owner_blank = False
    lineno = 1
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            if depth == 0:
                if tokens:
                    entries.append((start_line, tokens, owner_blank))
                tokens = []
                at_line_start = True
            lineno += 1
            i += 1
            continue
        if at_line_start and depth == 0 and not tokens:
            start_line = lineno
            owner_blank = c in " \t"
            at_line_start = False
        if c in " \t\r":
            i += 1
        elif c == ";":
            while i < n and text[i] != "\n":
                i += 1
        elif c == "(":
            depth += 1
            i += 1
        elif c == ")":
            if depth == 0:
                raise ValueError(f"zone line {lineno}: unbalanced ')'")
            depth -= 1
            i += 1
        elif c == '"':
            i += 1
            buf: list[str] = []
            while True:
                if i >= n:
                    raise ValueError(f"zone line {lineno}: unterminated quoted string")
                c = text[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n:
                    if ascii_digits(text[i + 1 : i + 4]) and len(text[i + 1 : i + 4]) == 3:
                        buf.append(chr(int(text[i + 1 : i + 4])))
                        i += 4
                    else:
                        buf.append(text[i + 1])
                        i += 2
                    continue
                if c == "\n":
                    lineno += 1
                buf.append(c)
                i += 1
            tokens.append(("".join(buf), True))
        else:
            j = i
            while j < n and text[j] not in ' \t\r\n;()"':
                j += 1
            tokens.append((text[i:j], False))
            i = j
    if depth:
        raise ValueError("zone text ends inside parentheses")
    if tokens:
        entries.append((start_line, tokens, owner_blank))
    return entries
