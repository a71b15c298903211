"""No hidden inputs: ``analyze()`` reads nothing but the package and its input (issue #12).

An audit hook (PEP 578, ``sys.addaudithook``) watches every ``open``, directory listing,
``socket.*`` event and new process while ``analyze()`` runs over every sample (with the default
policy and with a pinned ``as_of``) and, with ``HEADERLENS_CORPORA`` set, over every message of
the corpora (the whole SpamAssassin public corpus included). Hooks cannot be removed once
added, so each guarded run is a subprocess (``tests/tools/audit_guard.py``) and the rest of the
suite is never watched. Two planted reads prove the guard would catch a regression: a policy
naming a SpamAssassin rules directory, and a live ``DnsResolver`` pointed at 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
GUARD = REPO / "tests" / "tools" / "audit_guard.py"
SAMPLES = REPO / "samples"

# The corpus folders that hold whole messages (as tests/tools/oracle.py reads them).
CORPUS_SETS = (
    "spamassassin-public-corpus",
    "phishing-pot-dev/email",
    "sisimai-dev/maildir",
    "spamassassin/messages",
    "cpython-test_email/data",
    "dkimpy/data",
)
PUBLIC_CORPUS_SIZE = 6_046


def guard(*args: str) -> dict[str, Any]:
    """Run the guard in a fresh interpreter; its JSON answer."""
    proc = subprocess.run(
        [sys.executable, str(GUARD), *args],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def _sample_count() -> int:
    return sum(
        1
        for p in SAMPLES.rglob("*")
        if p.suffix in (".eml", ".txt", ".mbox") and p.is_file() and "keys" not in p.parts
    )


def test_samples_read_nothing_but_their_input() -> None:
    result = guard("samples")
    print(f"audit guard: {result['messages']} sample analyses, {len(result['violations'])} hidden")
    assert result["violations"] == []
    assert result["messages"] == 2 * _sample_count()  # default policy and pinned as_of


@pytest.mark.conformance
def test_corpora_read_nothing_but_their_input() -> None:
    root = os.environ.get("HEADERLENS_CORPORA")
    if not root or not Path(root).is_dir():
        pytest.skip("HEADERLENS_CORPORA is not set (third-party corpora absent)")
    folders = [str(Path(root) / s) for s in CORPUS_SETS if (Path(root) / s).is_dir()]
    assert folders[0].endswith("spamassassin-public-corpus")
    result = guard("corpus", *folders)
    print(f"audit guard: {result['messages']} corpus messages, {len(result['violations'])} hidden")
    assert result["violations"] == []
    assert result["messages"] >= PUBLIC_CORPUS_SIZE


def test_guard_catches_a_rules_directory(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "local.cf").write_text("describe LOCAL_RULE a rule of this machine\n", "utf-8")
    result = guard("planted-rules", str(rules))
    real = os.path.realpath(rules)
    assert ["os.scandir", real] in result["violations"]
    assert ["open", os.path.join(real, "local.cf")] in result["violations"]


def test_guard_catches_a_live_resolver() -> None:
    # A loopback port with nothing behind it: the query is sent and refused, never leaves.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = guard("planted-dns", str(port))
    events = {event for event, _detail in result["violations"]}
    assert "socket.__new__" in events
    assert any(
        e in ("socket.sendto", "socket.connect") and f"('127.0.0.1', {port})" in detail
        for e, detail in result["violations"]
    )
