"""The message files of the development corpora and the ARC test suite's messages, for the
tests that check a property over every message (read through ``HEADERLENS_CORPORA``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

__all__ = ["DEV_SETS", "arc_suite_messages", "corpus_message_files"]

# Every development set that holds whole messages, folder by folder.
DEV_SETS = (
    "spamassassin-public-corpus",
    "phishing-pot-dev/email",
    "sisimai-dev/maildir",
    "spamassassin/messages",
    "cpython-test_email/data",
    "dkimpy/data",
)
_NOT_MESSAGES = {".md", ".json", ".yml", ".yaml", ".key", ".private", ".pub", ".dns"}
_ARC_SUITE = ("arc-draft-validation-tests.yml", "arc-draft-sign-tests.yml")


def corpus_message_files(corpora: Path) -> Iterator[tuple[str, Path]]:
    """(``set/file name``, path) of every message file of :data:`DEV_SETS`, sorted; keys,
    licences, provenance notes and data files left out."""
    for folder in DEV_SETS:
        base = corpora / folder
        for p in sorted(base.rglob("*")) if base.is_dir() else []:
            if (
                p.is_file()
                and not p.name.startswith(("LICENSE", "PROVENANCE", "."))
                and p.suffix not in _NOT_MESSAGES
                and "key" not in p.name
            ):
                yield f"{folder}/{p.name}", p


def arc_suite_messages(corpora: Path) -> Iterator[tuple[str, bytes]]:
    """(``arc/case name``, message with CRLF line ends) of every case of the ARC test suite
    that carries a message. Needs PyYAML."""
    import yaml

    for name in _ARC_SUITE:
        with (corpora / "arc_test_suite" / "tests" / name).open(encoding="utf-8") as fh:
            for scenario in yaml.safe_load_all(fh):
                for case, body in (scenario or {}).get("tests", {}).items():
                    if body.get("message"):
                        yield f"arc/{case}", body["message"].replace("\n", "\r\n").encode("utf-8")
