"""Authentication-Results and ARC-Authentication-Results, read tolerantly (RFC 8601, RFC 8617).

The scanner is our own and runs in one linear pass: it keeps comments (they carry the client
IP, the DMARC policy and key sizes), unknown methods and property types, quoted values, and
reads the real-world shapes the strict grammar rejects: Microsoft's missing authserv-id and
stray ``; domain;`` segments, trailing ``;``, empty values, unquoted IPv6 and ``<>`` values,
non-ASCII comments, the ``i=N;`` prefix of ARC-Authentication-Results. Whatever had to be
fixed is listed in ``repairs`` and recorded as a defect; nothing raises.

``conformant`` says whether the strict grammar accepts the value as written: RFC 8601 section
2.2 (for an AAR, RFC 8617 section 4.1.1's ``arc-info``, the ``i=N;`` prefix included), read
by our own linear validator (:mod:`headerlens.auth._ar_strict`). When the tolerant reading
found nothing to repair or report but the strict grammar still refuses the value, the
defect ``auth.results_nonconformant`` says where and what the grammar expected there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from headerlens._text import ascii_digits
from headerlens.auth._ar_strict import check_strict
from headerlens.auth.models import AuthProperty, AuthResult, AuthResultsHeader
from headerlens.defects import DefectLog
from headerlens.errors import check_text_args
from headerlens.parse._scan import read_comment, read_quoted

__all__ = ["explain_result", "parse_authentication_results", "read_results"]

_WORD, _QSTR, _COMMENT, _SEMI, _EQ = range(5)
_WS = frozenset(" \t\r\n")
# RFC 2045 token characters (RFC 8601 value = token / quoted-string); '@', '/', '.' allowed
# as they are in real values (pvalue allows local-part "@" domain, header.b is base64).
# One character class repeated: matches in linear time, no backtracking possible.
_WORD_RE = re.compile(r'[^;=()" \t\r\n]+')
_WS_RE = re.compile(r"[ \t\r\n]+")
_NEEDS_QUOTES = re.compile(r'[^\x21-\x7e]|[()<>,;:\\"\[\]?=]')
_AAR_NAME = "arc-authentication-results"
_FIELD_NAMES = ("authentication-results", _AAR_NAME)


@dataclass(slots=True)
class _Tok:
    kind: int
    text: str
    start: int
    end: int
    ws_before: bool


def _scan(value: str, log: DefectLog, repairs: list[str], idx: int | None) -> list[_Tok]:
    """Split ``value`` into tokens in one pass; comments nest (RFC 5322 section 3.2.2)."""
    toks: list[_Tok] = []
    n = len(value)
    i = 0
    ws = False
    while i < n:
        c = value[i]
        if c in _WS:
            ws = True
            m = _WS_RE.match(value, i)
            i = m.end() if m else i + 1
            continue
        start = i
        if c == "(":
            text, i, closed = read_comment(value, i)
            if not closed:
                repairs.append("closed an unterminated comment")
                log.add("auth.results_unterminated", "a comment is not closed", idx)
            toks.append(_Tok(_COMMENT, " ".join(text.split()), start, i, ws))
        elif c == '"':
            qtext, i, closed = read_quoted(value, i)
            if not closed:
                repairs.append("closed an unterminated quoted string")
                log.add("auth.results_unterminated", "a quoted string is not closed", idx)
            toks.append(_Tok(_QSTR, qtext, start, i, ws))
        elif c == ";":
            i += 1
            toks.append(_Tok(_SEMI, ";", start, i, ws))
        elif c == "=":
            i += 1
            toks.append(_Tok(_EQ, "=", start, i, ws))
        elif c == ")":
            i += 1
            repairs.append("ignored a stray ')'")
            log.add("auth.results_stray_token", "a ')' closes no comment", idx)
        else:
            m = _WORD_RE.match(value, i)
            i = m.end() if m else i + 1
            toks.append(_Tok(_WORD, value[start:i], start, i, ws))
        ws = False
    return toks


@dataclass(slots=True)
class _Item:
    """One ``key=value`` (or a stray word) inside a segment, with the comments after it."""

    key: str | None
    value: str | None
    comments: list[str]
    start: int
    end: int
    quoted: bool = False
    stray: str | None = None


def _is_key(toks: list[_Tok], j: int) -> bool:
    return (
        j + 1 < len(toks)
        and toks[j].kind == _WORD
        and toks[j + 1].kind == _EQ
        and not toks[j + 1].ws_before
        and ("." in toks[j].text or toks[j].text.lower() == "reason")
    )


def _read_value(toks: list[_Tok], j: int) -> tuple[str, bool, int, int, list[str]]:
    """Read a value starting after ``=`` at index ``j``: (text, one-quoted-string, next, end).

    Adjacent tokens (no white space between) form one value, so ``"a=b"@example.com`` and
    ``header.b=abc=`` survive. After white space, a ``ptype.name=`` is the next key, not a
    value (``spf= smtp.mailfrom=...`` has an empty result).
    """
    comments: list[str] = []
    n = len(toks)
    end = toks[j - 1].end if j > 0 else 0
    if j < n and toks[j].kind in (_WORD, _QSTR, _EQ) and not toks[j].ws_before:
        pass
    else:
        while j < n and toks[j].kind == _COMMENT:
            comments.append(toks[j].text)
            end = toks[j].end
            j += 1
        if j >= n or toks[j].kind in (_SEMI, _EQ) or _is_key(toks, j):
            return "", False, j, end, comments
    first = j
    parts: list[str] = []
    while j < n and toks[j].kind in (_WORD, _QSTR, _EQ) and (j == first or not toks[j].ws_before):
        t = toks[j]
        parts.append('"' + t.text + '"' if t.kind == _QSTR else t.text)
        end = t.end
        j += 1
    if j - first == 1 and toks[first].kind == _QSTR:
        return toks[first].text, True, j, end, comments
    return "".join(parts), False, j, end, comments


def _items(toks: list[_Tok]) -> tuple[list[_Item], list[str]]:
    """Read a segment (tokens between ``;``) into items; leading comments returned apart."""
    items: list[_Item] = []
    lead: list[str] = []
    j = 0
    n = len(toks)
    while j < n:
        t = toks[j]
        if t.kind == _COMMENT:
            (items[-1].comments if items else lead).append(t.text)
            j += 1
            continue
        if t.kind == _WORD:
            k = j + 1
            while k < n and toks[k].kind == _COMMENT:  # CFWS before "=" (RFC 8601 2.2)
                k += 1
            if k < n and toks[k].kind == _EQ:
                value, quoted, nxt, end, comments = _read_value(toks, k + 1)
                items.append(_Item(t.text, value, comments, t.start, end, quoted))
                j = nxt
                continue
            items.append(_Item(None, None, [], t.start, t.end, stray=t.text))
            j += 1
            continue
        items.append(_Item(None, None, [], t.start, t.end, stray=t.text if t.text else '""'))
        j += 1
    return items, lead


def _needs_quotes(value: str) -> bool:
    """True when ``value`` is neither a token nor ``local-part@domain`` (RFC 8601 2.2)."""
    if not value:
        return False
    if value.startswith('"') or '"@' in value:
        return False
    return _NEEDS_QUOTES.search(value) is not None


@dataclass(slots=True)
class _Reading:
    """What reading one value collects besides the results: defects, repairs, the text
    that was not understood and the comments that belong to no result."""

    log: DefectLog
    idx: int | None
    repairs: list[str]
    unparsed: list[str]
    comments: list[str]

    def repair(self, repair: str, code: str, message: str) -> None:
        self.repairs.append(repair)
        self.log.add(code, message, self.idx)


def parse_authentication_results(
    value: str, *, header_index: int | None = None, check_conformance: bool = True
) -> AuthResultsHeader:
    """Read one Authentication-Results (RFC 8601 section 2.2) or AAR (RFC 8617 4.1.1) value.

    ``value`` is the field body; a leading ``Authentication-Results:`` or
    ``ARC-Authentication-Results:`` field name is accepted and recorded in ``header_name``.
    Returns an :class:`AuthResultsHeader` with every result, its properties and comments,
    the ``repairs`` made, the defects found and whether the value is ``conformant`` (nothing
    had to be repaired and the strict grammar of RFC 8601 section 2.2 accepts it; for an
    ARC-Authentication-Results, the ``arc-info`` of RFC 8617 section 4.1.1). A value read
    without repair that the strict grammar refuses gets the defect
    ``auth.results_nonconformant`` naming the place and the rule. ``check_conformance=False``
    skips the strict check (``conformant`` is then ``False``).
    Never raises on malformed input; a wrong argument type raises ``TypeError``.
    """
    check_text_args("parse_authentication_results", value, header_index)
    return read_results(value, header_index=header_index, check_conformance=check_conformance)


def read_results(
    value: str,
    *,
    header_index: int | None = None,
    check_conformance: bool = True,
    arc: bool | None = None,
) -> AuthResultsHeader:
    """:func:`parse_authentication_results`, told whether the value is an AAR.

    ``arc=None`` infers it: an ``ARC-Authentication-Results:`` field name, or no field name
    and an ``i=N;`` prefix. The ARC step passes ``arc=True`` for a field body without its
    name, so an AAR whose instance is missing or misplaced is not mistaken for a conformant
    Authentication-Results.
    """
    reading = _Reading(DefectLog(), header_index, [], [], [])
    header_name: str | None = None
    text = value
    colon = text.find(":")
    if colon > 0 and text[:colon].strip().lower() in _FIELD_NAMES:
        header_name = text[:colon].strip()
        text = text[colon + 1 :]
    toks = _scan(text, reading.log, reading.repairs, header_index)
    instance, strict_start, toks = _aar_instance(toks, reading)
    segments = _segments(toks)
    if any(t.kind == _EQ for t in segments[0]):
        # Microsoft 365 omits the authserv-id: the first segment is already a result.
        reading.repair(
            "missing authserv-id: read the first segment as a result",
            "auth.results_missing_authserv_id",
            "the value starts with a result",
        )
        authserv_id, version, result_segments = None, None, segments
    else:
        authserv_id, version = _authserv_id(segments[0], reading)
        result_segments = segments[1:]
    results, no_results = _results(result_segments, text, reading)
    conformant = False
    if check_conformance and not reading.repairs:
        if arc is None:
            arc = header_name.lower() == _AAR_NAME if header_name is not None else strict_start > 0
        conformant = _strictly(text, arc, reading)
    return AuthResultsHeader(
        header_index=header_index,
        authserv_id=authserv_id,
        version=version,
        instance=instance,
        results=tuple(results),
        conformant=conformant,
        repairs=tuple(reading.repairs),
        defects=reading.log.defects,
        header_name=header_name,
        raw=value,
        comments=tuple(reading.comments),
        no_results=no_results,
        unparsed=tuple(reading.unparsed),
    )


def _strictly(text: str, arc: bool, reading: _Reading) -> bool:
    """Whether ``text`` follows the strict grammar; when it does not and the tolerant
    reading found nothing to report, the defect says where and why."""
    problem = check_strict(text, arc=arc)
    if problem is None:
        return True
    if not len(reading.log):
        rule = "RFC 8617 section 4.1.1" if arc else "RFC 8601 section 2.2"
        reading.log.add(
            "auth.results_nonconformant",
            f"does not follow the grammar of {rule} {problem.describe(text)}",
            reading.idx,
        )
    return False


def _aar_instance(toks: list[_Tok], reading: _Reading) -> tuple[int | None, int, list[_Tok]]:
    """ARC-Authentication-Results: ``i=N;`` comes first (RFC 8617 section 4.1.1). Returns
    the instance, the offset just after the prefix (0 without one) and the tokens after it."""
    if not (
        len(toks) >= 4
        and toks[0].kind == _WORD
        and toks[0].text.lower() == "i"
        and toks[1].kind == _EQ
        and toks[2].kind == _WORD
        and toks[3].kind == _SEMI
    ):
        return None, 0, toks
    instance: int | None = None
    if ascii_digits(toks[2].text) and len(toks[2].text) <= 6:
        instance = int(toks[2].text)
    else:
        reading.log.add(
            "auth.results_bad_instance", f"ARC instance {toks[2].text!r} is no number", reading.idx
        )
    return instance, toks[3].end, toks[4:]


def _segments(toks: list[_Tok]) -> list[list[_Tok]]:
    """The tokens split on ``;``."""
    segments: list[list[_Tok]] = [[]]
    for t in toks:
        if t.kind == _SEMI:
            segments.append([])
        else:
            segments[-1].append(t)
    return segments


def _authserv_id(first: list[_Tok], reading: _Reading) -> tuple[str | None, int | None]:
    """``authserv-id [ CFWS authres-version ]`` (RFC 8601 section 2.2)."""
    words = [t for t in first if t.kind in (_WORD, _QSTR)]
    reading.comments.extend(t.text for t in first if t.kind == _COMMENT)
    if not words:
        reading.repair(
            "no authserv-id", "auth.results_missing_authserv_id", "no authserv-id before ';'"
        )
        return None, None
    authserv_id = words[0].text.lower() or None
    version: int | None = None
    idx = reading.idx
    if len(words) >= 2:
        v = words[1].text
        if ascii_digits(v) and len(v) <= 6:
            version = int(v)
            if version != 1:
                reading.log.add("auth.results_bad_version", f"version {v} is not 1", idx)
        else:
            reading.log.add("auth.results_bad_version", f"{v!r} is not a version", idx)
            reading.unparsed.append(v)
    for w in words[2:]:
        reading.unparsed.append(w.text)
        reading.repair(
            f"ignored stray token {w.text!r} after the authserv-id",
            "auth.results_stray_token",
            f"{w.text!r} after the authserv-id",
        )
    return authserv_id, version


def _results(
    result_segments: list[list[_Tok]], text: str, reading: _Reading
) -> tuple[list[AuthResult], bool]:
    """Each ``resinfo`` (RFC 8601 section 2.2), or ``none``; returns the results and
    whether ``none`` was given."""
    results: list[AuthResult] = []
    no_results = False
    last = len(result_segments) - 1
    idx = reading.idx
    for si, seg in enumerate(result_segments):
        if not any(t.kind != _COMMENT for t in seg):
            if seg:
                reading.comments.extend(t.text for t in seg)
            if si == last:
                reading.repair(
                    "ignored a trailing ';'",
                    "auth.results_empty_segment",
                    "the value ends with ';'",
                )
            else:
                reading.repair(
                    "ignored an empty segment",
                    "auth.results_empty_segment",
                    "nothing between two ';'",
                )
            continue
        items, lead = _items(seg)
        head = items[0]
        if head.key is None:
            word = head.stray or ""
            if word.lower() == "none" and len(items) == 1:
                no_results = True
                reading.comments.extend(lead)
                reading.comments.extend(head.comments)
                continue
            reading.unparsed.append(text[seg[0].start : seg[-1].end].strip())
            reading.repair(
                f"ignored stray segment {word!r}",
                "auth.results_stray_token",
                f"segment {word!r} holds no result",
            )
            continue
        if len(results) >= _MAX_RESULTS:
            reading.log.add("auth.results_too_many", f"more than {_MAX_RESULTS} results", idx)
            break
        results.append(
            _make_result(
                head,
                items[1:],
                lead,
                text,
                seg,
                reading.log,
                reading.repairs,
                reading.unparsed,
                idx,
            )
        )
    if no_results and results:
        reading.log.add("auth.results_none_mixed", "'none' given together with results", idx)
    if not results and not no_results:
        reading.log.add("auth.results_no_results", "no result and no 'none'", idx)
    return results, no_results


_MAX_RESULTS = 1_000


def _make_result(
    head: _Item,
    rest: list[_Item],
    lead: list[str],
    text: str,
    seg: list[_Tok],
    log: DefectLog,
    repairs: list[str],
    unparsed: list[str],
    idx: int | None,
) -> AuthResult:
    key = head.key or ""
    method = key.lower()
    mversion: int | None = None
    if "/" in method:
        method, _, ver = method.partition("/")
        if ascii_digits(ver) and len(ver) <= 6:
            mversion = int(ver)
        else:
            log.add("auth.results_bad_version", f"method version {ver!r}", idx)
    result = (head.value or "").lower()
    if not result:
        repairs.append(f"{method}: empty result")
        log.add("auth.results_empty_value", f"{method}= has no result", idx)
    comments: list[str] = [*lead, *head.comments]
    reason: str | None = None
    props: list[AuthProperty] = []
    for it in rest:
        comments.extend(it.comments)
        if it.key is None:
            unparsed.append(it.stray or "")
            repairs.append(f"{method}: ignored stray token {it.stray!r}")
            log.add("auth.results_stray_token", f"{it.stray!r} in the {method} result", idx)
            continue
        k = it.key.lower()
        v = it.value or ""
        if k == "reason" and reason is None and not props:
            reason = v
            continue
        if not it.value:
            log.add("auth.results_empty_value", f"{k}= has no value", idx)
        elif not it.quoted and _needs_quotes(v):
            repairs.append(f"{k}: read an unquoted value {v!r}")
            log.add("auth.results_unquoted_value", f"{k}={v} should be quoted", idx)
        ptype, dot, name = k.partition(".")
        if not dot:
            ptype, name = "", k
            log.add("auth.results_property_without_ptype", f"{k}= has no ptype", idx)
        comment = it.comments[0] if it.comments else None
        props.append(AuthProperty(ptype=ptype, name=name, value=v, comment=comment))
    explanation, source = explain_result(method, result)
    reason_expl: str | None = None
    if method == "compauth" and reason is not None:
        reason_expl = explain_compauth_reason(reason)
    return AuthResult(
        method=method,
        result=result,
        reason=reason,
        properties=tuple(props),
        comments=tuple(comments),
        explanation=explanation,
        explanation_source=source,
        reason_explanation=reason_expl,
        version=mversion,
        raw=text[seg[0].start : seg[-1].end].strip(),
    )


# ---------------------------------------------------------------------------- knowledge


@cache
def _knowledge(name: str) -> dict[str, Any]:
    path = resources.files("headerlens.auth").joinpath("knowledge", name)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def explain_result(method: str, result: str) -> tuple[str, str | None]:
    """Our explanation of ``method=result`` and the document it rests on (RFC 8601 2.7).

    Unknown methods or results get a plain statement that the text is shown as written.
    """
    methods: dict[str, Any] = _knowledge("methods.json")["methods"]
    m = methods.get(method.lower())
    if m is None:
        return str(_knowledge("methods.json")["unknown_method"]), None
    text = m["results"].get(result.lower())
    if text is None:
        text = f"result {result!r} is not one the defining document lists."
    return f"{m['name']}: {text}", str(m["source"])


def explain_compauth_reason(code: str) -> str | None:
    """Microsoft's meaning of a ``compauth`` reason code (vendor documentation), or ``None``."""
    data = _knowledge("compauth_reasons.json")
    code = code.strip()
    exact: dict[str, str] = data["exact"]
    if code in exact:
        return exact[code]
    if len(code) == 3 and ascii_digits(code):
        fam: dict[str, str] = data["families"]
        return fam.get(code[0])
    return None
