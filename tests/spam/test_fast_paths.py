"""The spam step's fast paths give exactly what the plain definitions give.

Each fast path (X-VR-SPAMCAUSE decoded on big-integer lanes, number tables, the flat-group
regex, the plain-decimal Rspamd symbol form, knowledge templates) is checked here against a
straightforward reference written in this file, on generated text.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from headerlens.hops.chain import analyze_hops
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.spam import analyze_spam
from headerlens.spam.decoding import (
    SMALL_NUMBERS,
    flat_sep_free,
    fmt_num,
    paren_items,
    parse_float,
    split_list,
)
from headerlens.spam.knowledge import knowledge, make_field
from headerlens.spam.ovh import decode_spamcause
from headerlens.spam.rspamd import _COMMON_SYMBOL, _NUMERIC_SYMBOL
from headerlens.spam.vendors import VENDORS


def _spamcause_reference(text: str) -> str | None:
    """Pair by pair: swap even pairs, then a + b - ord("x") - 16 * (ord("g") - a)."""
    s = "".join(text.split())
    n = len(s) // 2
    if n < 1:
        return None
    out = []
    for i in range(n):
        x, y = s[2 * i], s[2 * i + 1]
        if not ("a" <= x <= "z" and "a" <= y <= "z"):
            return None
        a, b = (y, x) if i % 2 == 0 else (x, y)
        code = ord(a) + ord(b) - ord("x") - 16 * (ord("g") - ord(a))
        if code < 0:
            return None
        out.append(chr(code))
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzA9 \t\n-é", max_size=40))
def test_spamcause_lanes_equal_pair_formula(text: str) -> None:
    assert decode_spamcause(text) == _spamcause_reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefgvwx", min_size=0, max_size=30))
def test_spamcause_negative_pairs_refused(text: str) -> None:
    # letters low in the alphabet make the pairs whose code is negative
    assert decode_spamcause(text) == _spamcause_reference(text)


def _float_reference(text: str | None) -> float | None:
    """parse_float's contract without any table or early exit."""
    if text is None:
        return None
    t = text.strip()
    if t[-1:] == "%":
        t = t.rstrip("%").strip()
    if not t or len(t) > 40 or not set(t) <= set("+-.0123456789eE"):
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    return value if value - value == 0.0 else None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" +-.0123456789eE%_infa[]:٣", max_size=10))
def test_parse_float_fast_paths(text: str) -> None:
    got, want = parse_float(text), _float_reference(text)
    assert got == want
    if got is not None and want is not None:
        assert str(got) == str(want)  # same sign of zero too


def test_small_number_tables_are_what_float_and_fmt_num_give() -> None:
    for text, value in SMALL_NUMBERS.items():
        assert float(text) == value
    for i in range(-100, 2000):
        v = float(i)
        assert fmt_num(v) == str(int(v))
    assert fmt_num(-0.0) == "0"
    assert fmt_num(2.675) == "2.67"


def _flat_reference(text: str, sep: str) -> bool:
    """Plain runs, ``sep`` and closed groups without ``sep``, brackets or nesting inside."""
    i = 0
    while i < len(text):
        c = text[i]
        if c in "([":
            close = ")" if c == "(" else "]"
            j = i + 1
            while j < len(text) and text[j] not in "()[]" + sep:
                j += 1
            if j >= len(text) or text[j] != close:
                return False
            i = j + 1
        elif c in ")]":
            return False
        else:
            i += 1
    return True


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab ;,|:()[]", max_size=14), st.sampled_from(";,|"))
def test_flat_group_regex(text: str, sep: str) -> None:
    assert (flat_sep_free(sep)(text) is not None) == _flat_reference(text, sep)


def _split_reference(text: str, sep: str) -> list[str]:
    """The bracket-aware scanner of split_list, character by character."""
    closers = {"(": ")", "[": "]"}
    out: list[str] = []
    stack: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in closers:
            stack.append(closers[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch == sep and not stack:
            part = text[start:i].strip()
            if part:
                out.append(part)
            start = i + 1
    part = text[start:].strip()
    if part:
        out.append(part)
    return out


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab ;,|()[]", max_size=16), st.sampled_from(";,|"))
def test_split_list_fast_paths(text: str, sep: str) -> None:
    assert split_list(text, sep) == _split_reference(text, sep)


def _paren_reference(text: str) -> tuple[list[str], bool]:
    """One character at a time; groups nest, and a backslash in one quotes the next."""
    out: list[str] = []
    depth = 0
    start = 0
    escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\" and depth:
            escaped = True
        elif ch == "(":
            if depth == 0:
                rest = text[start:i].strip()
                if rest:
                    out.append(rest)
                start = i + 1
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                item = text[start:i].strip()
                if item:
                    out.append(item)
                start = i + 1
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out, depth == 0


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab ()\\", max_size=14))
def test_paren_items_fast_path(text: str) -> None:
    assert paren_items(text) == _paren_reference(text)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=string.ascii_uppercase + "_", min_size=1, max_size=8),
    st.text(alphabet="-0123456789.e+ ", max_size=8),
    st.sampled_from(["", "[a,b]", "[]", "[x(y]"]),
)
def test_rspamd_plain_decimal_symbol(name: str, score: str, opts: str) -> None:
    text = f"{name}({score}){opts}"
    fast = _NUMERIC_SYMBOL(text)
    if fast is not None:  # the fast form reads what the general form reads
        common = _COMMON_SYMBOL(text)
        assert common is not None
        assert fast.group(1, 3) == common.group(1, 3)
        assert float(fast.group(2)) == parse_float(common.group(2))


def test_templates_give_the_fields_knowledge_answers() -> None:
    for vendor in VENDORS:
        kb = knowledge(vendor)
        for table, answers in kb.resolved.items():
            for key, answer in answers.items():
                tpl, by_value = kb.templates[table][key]
                pairs = (
                    [(answer, tpl)]
                    if isinstance(answer, tuple)
                    else [(answer[v], (by_value or {})[v]) for v in answer]
                )
                for plain, template in pairs:
                    assert template is not None
                    state = {**template, "value": "v", "header_index": 1}
                    assert state == make_field(key, "v", *plain, True, 1).__dict__


SAMPLES = sorted(
    p for p in (Path(__file__).resolve().parents[2] / "samples").rglob("*.eml") if p.is_file()
)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_inline_built_models_are_complete(path: Path) -> None:
    """Every model the spam step builds inline equals a validated copy, with complete state."""
    msg = parse(path.read_bytes())
    res = analyze_spam(msg, Policy(), hops=analyze_hops(msg, Policy()))
    models: list[BaseModel] = [res, *res.verdicts, *res.appliances, *res.findings]
    for v in res.verdicts:
        models += [*v.fields, *v.rules]
    for m in models:
        assert m.__pydantic_extra__ is None
        assert m.__pydantic_private__ is None
        assert m.model_fields_set == set(type(m).model_fields)
        again = type(m).model_validate(m.model_dump())
        assert again == m
        assert again.model_dump_json() == m.model_dump_json()
