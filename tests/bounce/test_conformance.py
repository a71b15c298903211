"""Conformance against the Sisimai development corpus (issue 17 thresholds)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from headerlens.bounce import parse_bounce

STATUS_MIN, REPLY_MIN, REASON_MIN = 0.98, 0.97, 0.97


def test_sisimai_dev(corpora: Path) -> None:
    root = corpora / "sisimai-dev"
    if not root.is_dir():
        pytest.skip("sisimai-dev corpus absent")
    cases = json.loads((root / "expected.json").read_text("utf-8"))["cases"]
    n = s_ok = r_n = r_ok = re_ok = 0
    misses: dict[str, int] = defaultdict(int)
    for case in cases:
        report = parse_bounce((root / case["file"]).read_bytes())
        got = list(report.recipients) if report is not None else []
        for i, exp in enumerate(case["recipients"]):
            g = got[i] if i < len(got) else None
            n += 1
            ok_s = g is not None and (g.status or "") == exp["deliverystatus"]
            ok_re = g is not None and g.reason == exp["reason"]
            ok_r = True
            if exp["replycode"]:
                r_n += 1
                ok_r = g is not None and g.reply_code == exp["replycode"]
                r_ok += ok_r
            s_ok += ok_s
            re_ok += ok_re
            if not (ok_s and ok_r and ok_re):
                misses[case["engine"]] += 1
    print(
        f"\nsisimai-dev: status {s_ok}/{n} = {s_ok / n:.3f}, reply {r_ok}/{r_n} = "
        f"{r_ok / r_n:.3f}, reason {re_ok}/{n} = {re_ok / n:.3f}"
    )
    print("misses by format:", dict(sorted(misses.items(), key=lambda kv: -kv[1])))
    assert s_ok / n >= STATUS_MIN
    assert r_ok / r_n >= REPLY_MIN
    assert re_ok / n >= REASON_MIN
