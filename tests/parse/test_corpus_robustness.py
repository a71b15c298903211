"""Every corpus message parses, its header offsets are exact, and its MIME tree builds.

Reads ``cpython-test_email/data``, ``spamassassin/messages`` and
``spamassassin-public-corpus`` (about 6,200 messages) once; skipped without the corpora.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from headerlens.message import Message, MimePart
from headerlens.parse import parse

FOLDERS = ("cpython-test_email/data", "spamassassin/messages", "spamassassin-public-corpus")


def _files(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder in FOLDERS:
        base = root / folder
        if base.is_dir():
            out += sorted(
                p
                for p in base.rglob("*")
                if p.is_file() and p.suffix != ".md" and not p.name.startswith("LICENSE")
            )
    return out


def _check(msg: Message, codes: Counter[str]) -> list[str]:
    """Offsets that do not reproduce ``raw`` (empty when all hold), walking embedded messages."""
    bad: list[str] = []
    source = msg.source
    for h in msg.headers:
        if source[h.start : h.end] != h.raw_bytes:
            bad.append(f"{h.index}:{h.name}")
    codes.update(d.code for d in msg.defects)

    def walk(part: MimePart) -> None:
        codes.update(d.code for d in part.defects)
        for h in part.headers:
            if source[h.start : h.end] != h.raw_bytes:
                bad.append(f"part {part.path} {h.name}")
        for child in part.children:
            walk(child)
        if part.message is not None:
            bad.extend(_check(part.message, codes))

    if msg.mime is not None:
        walk(msg.mime)
    return bad


def test_every_corpus_message_parses_with_exact_offsets(corpora: Path) -> None:
    files = _files(corpora)
    assert len(files) > 6_000
    failures: list[str] = []
    codes: Counter[str] = Counter()
    fields = 0
    for path in files:
        data = path.read_bytes()
        try:
            msg = parse(data)
            fields += len(msg.headers)
            bad = _check(msg, codes)
            for name in ("from", "to", "cc", "reply-to", "sender", "return-path"):
                for addr in msg.addresses(name):
                    codes.update(d.code for d in addr.defects)
        except Exception as exc:  # the point of the test: report, never crash
            failures.append(f"{path}: {exc!r}")
            continue
        if bad:
            failures.append(f"{path}: offsets differ for {bad[:5]}")
    ok = len(files) - len(failures)
    print(f"\ncorpus robustness: {ok}/{len(files)} messages, {fields} header fields, offsets exact")
    print("  defects seen:", dict(codes.most_common()))
    assert failures == []
