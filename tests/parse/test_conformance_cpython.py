"""Conformance with CPython's email test corpus (``corpora/cpython-test_email``).

CPython's defect classes are mapped onto our codes. Two checks, one score:

- the 15 inline cases of ``test_defect_handling.py``: every expected class is matched by one of
  our codes, and none of our comparable codes appears where CPython expects nothing;
- the 48 ``msg_*.txt`` files: the MIME tree (content types, node by node) and the per-node
  defects agree with CPython 3.13's compat32 parse, counting only the codes CPython can
  report at parse time (compat32 finds base64 problems only when a payload is decoded).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from headerlens.message import Message, MimePart
from headerlens.parse import parse

# CPython class -> the codes of ours that say the same thing.
MAPPING: dict[str, frozenset[str]] = {
    "StartBoundaryNotFoundDefect": frozenset({"mime.start_boundary_not_found"}),
    "NoBoundaryInMultipartDefect": frozenset({"mime.missing_boundary"}),
    # CPython adds this when a multipart ends up without sub-parts (no or unmatched boundary).
    "MultipartInvariantViolationDefect": frozenset(
        {"mime.missing_boundary", "mime.start_boundary_not_found"}
    ),
    "InvalidMultipartContentTransferEncodingDefect": frozenset({"mime.invalid_multipart_encoding"}),
    "FirstHeaderLineIsContinuationDefect": frozenset({"header.first_line_indented"}),
    # A non-header line in the header block; we name the decision we took about it.
    "MissingHeaderBodySeparatorDefect": frozenset(
        {
            "header.missing_separator",
            "header.unindented_continuation",
            "header.leading_junk",
            "header.no_header_block",
        }
    ),
    "InvalidBase64PaddingDefect": frozenset({"mime.base64_padding"}),
    "InvalidBase64CharactersDefect": frozenset({"mime.base64_characters"}),
    "InvalidBase64LengthDefect": frozenset({"mime.base64_length"}),
    "CloseBoundaryNotFoundDefect": frozenset({"mime.close_boundary_not_found"}),
}
COMPARABLE = frozenset().union(*MAPPING.values())
DECODE_TIME = frozenset({"mime.base64_padding", "mime.base64_characters", "mime.base64_length"})
# CPython parses these message/* types' bodies into sub-parts; we keep them as leaves.
CPYTHON_ONLY_CHILDREN = frozenset({"message/delivery-status", "message/external-body"})


def _load(corpora: Path) -> dict[str, Any]:
    root = corpora / "cpython-test_email"
    if not root.is_dir():
        pytest.skip("cpython-test_email corpus absent")
    data: dict[str, Any] = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    return data


def _all_codes(msg: Message) -> list[str]:
    codes = [d.code for d in msg.defects]

    def walk(part: MimePart) -> None:
        codes.extend(d.code for d in part.defects)
        for child in part.children:
            walk(child)
        if part.message is not None:
            codes.extend(_all_codes(part.message))

    if msg.mime is not None:
        walk(msg.mime)
    return codes


def _explained(expected: list[str], ours: set[str]) -> bool:
    for cls in expected:
        if not MAPPING[cls] & ours:
            return False
    allowed = frozenset().union(*(MAPPING[c] for c in expected)) if expected else frozenset()
    return not ((ours & COMPARABLE) - allowed)


def _node_problems(
    expected: dict[str, Any], msg: Message | None, part: MimePart | None, where: str
) -> list[str]:
    """Differences between a CPython structure node and ours."""
    problems: list[str] = []
    if part is None:
        # By design a message with no body bytes (a header-only paste) has no MIME tree;
        # CPython shows an empty text/plain leaf there. Only the header defects compare.
        if msg is None or not msg.header_only or expected.get("parts"):
            return [f"{where}: no MIME part (expected {expected['content_type']})"]
        ours = {d.code for d in msg.defects}
    else:
        if part.content_type != expected["content_type"]:
            problems.append(f"{where}: {part.content_type} != {expected['content_type']}")
        ours = {d.code for d in part.defects}
    if msg is not None:  # a message root also carries the header-block defects
        ours |= {d.code for d in msg.defects}
    ours = (ours & COMPARABLE) - DECODE_TIME
    want: set[str] = set()
    for cls in expected["defects"]:
        want |= MAPPING[cls] - DECODE_TIME
    if not all(MAPPING[c] & ours for c in expected["defects"]) or not ours <= want:
        problems.append(f"{where}: defects {sorted(ours)} vs CPython {expected['defects']}")
    kids = expected.get("parts")
    if part is None or kids is None or expected["content_type"] in CPYTHON_ONLY_CHILDREN:
        return problems
    if part.message is not None:
        inner = part.message
        problems += _node_problems(kids[0], inner, inner.mime, f"{where}>msg")
        return problems
    if len(part.children) != len(kids):
        problems.append(f"{where}: {len(part.children)} parts, CPython {len(kids)}")
        return problems
    for k, (exp_child, child) in enumerate(zip(kids, part.children, strict=True)):
        problems += _node_problems(exp_child, None, child, f"{where}.{k + 1}")
    return problems


def test_cpython_defect_cases_and_files(corpora: Path) -> None:
    data = _load(corpora)
    failures: list[str] = []
    total = 0
    for case in data["defect_cases"]["cases"]:
        total += 1
        msg = parse(case["message"].encode("utf-8", "surrogateescape"))
        ours = set(_all_codes(msg))
        if not _explained(case["expected_defects"], ours):
            failures.append(f"{case['test']}: {sorted(ours)} vs {case['expected_defects']}")
    root = corpora / "cpython-test_email"
    for name, info in sorted(data["files"].items()):
        total += 1
        msg = parse(root / name)
        ref = info["python313_compat32_parse"]
        problems = []
        if [h.name for h in msg.headers] != ref["header_names"]:
            problems.append(f"headers {[h.name for h in msg.headers]} != {ref['header_names']}")
        problems += _node_problems(ref["structure"], msg, msg.mime, "root")
        named = set(info["defects_named_in_those_tests"])
        if named and not all(MAPPING[c] & set(_all_codes(msg)) for c in named):
            problems.append(f"defects named upstream {sorted(named)} not all found")
        if problems:
            failures.append(f"{name}: {'; '.join(problems)}")
    score = (total - len(failures)) / total
    print(f"\ncpython-test_email conformance: {total - len(failures)}/{total} = {score:.1%}")
    for line in failures:
        print("  FAIL", line)
    assert failures == []
