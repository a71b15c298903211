"""Do the findings separate spam from ham? (issue #14; skipped when HEADERLENS_CORPORA is unset)

1. The SpamAssassin public corpus (labelled by folder: ``easy-ham-*`` and ``hard-ham-1`` are ham,
   ``spam-*`` spam). For every finding code at a given severity, the share of spam and of ham
   messages with at least one such finding is printed. Two rules must hold:

   - every code found at severity warning or critical fires on a larger share of spam than of
     ham (critical counts as warning);
   - no code fires on more than 20% of ham unless its severity is ``info``.

   A code that never fires on the corpus is listed as not observed (the corpus predates DKIM,
   DMARC and internationalized domains, so most authentication and look-alike codes are silent
   there). Violations by codes of other areas that are known and owned elsewhere are listed in
   ``KNOWN`` with the reason; the list must be exact, so it shrinks when they are fixed.
2. Real phishing (``phishing-pot-dev``): every message gets a verdict of one to three sentences,
   and a verdict calls the sender authenticated only on evidence the analyses trusted.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import headerlens

LIMIT_HAM = 0.20
LEVEL = {"info": "info", "notice": "notice", "warning": "warning", "critical": "warning"}

# (code, severity) -> why it breaks a rule today and who owns it. Each entry must still break a
# rule: delete it once it is fixed.
KNOWN: dict[tuple[str, str], str] = {}


def _sentences(text: str) -> list[str]:
    # Message text the summary quotes (“...”) may hold full stops of its own.
    text = re.sub(r"“[^”]*”", "“…”", text)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s]


def test_findings_separate_spam_from_ham(corpora: Path) -> None:
    root = corpora / "spamassassin-public-corpus"
    totals: Counter[str] = Counter()
    fired: dict[str, Counter[tuple[str, str]]] = {"ham": Counter(), "spam": Counter()}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        label = "spam" if folder.name.startswith("spam") else "ham"
        for path in sorted(folder.iterdir()):
            report = headerlens.analyze(path.read_bytes())
            totals[label] += 1
            for key in {(f.code, LEVEL[f.severity]) for f in report.findings}:
                fired[label][key] += 1
    assert totals["ham"] == 4150
    assert totals["spam"] == 1896

    rows: list[tuple[str, str, float, float]] = []
    for key in sorted(set(fired["ham"]) | set(fired["spam"])):
        rows.append(
            (key[0], key[1], fired["spam"][key] / totals["spam"], fired["ham"][key] / totals["ham"])
        )
    violations: dict[tuple[str, str], str] = {}
    print(f"\nspam {totals['spam']} messages, ham {totals['ham']} messages")
    print(f"{'code':42} {'severity':8} {'spam':>7} {'ham':>7}")
    for code, level, spam, ham in rows:
        why = []
        if level == "warning" and spam <= ham:
            why.append("not more spam than ham")
        if level != "info" and ham > LIMIT_HAM:
            why.append(f"over {LIMIT_HAM:.0%} of ham")
        if why:
            violations[(code, level)] = "; ".join(why)
        mark = f"  <- {'; '.join(why)}" if why else ""
        if (code, level) in KNOWN and why:
            mark += " (known, owned elsewhere)"
        print(f"{code:42} {level:8} {spam:7.1%} {ham:7.1%}{mark}")
    seen = {code for code, _level, _s, _h in rows}
    from headerlens._catalogue import FINDING_CODES

    silent = sorted(c for c in FINDING_CODES if c not in seen)
    print(f"not observed on this corpus: {', '.join(silent)}")

    ours = {k: v for k, v in violations.items() if k[0].startswith("indicator.")}
    assert ours == {}
    assert sorted(violations) == sorted(KNOWN)


def test_phishing_verdicts_are_sensible(corpora: Path) -> None:
    folder = corpora / "phishing-pot-dev" / "email"
    outcomes: Counter[bool | None] = Counter()
    bad: list[str] = []
    for path in sorted(folder.glob("*.eml")):
        report = headerlens.analyze(path.read_bytes())
        v = report.verdict
        outcomes[v.authenticated] += 1
        if not 1 <= len(_sentences(v.summary)) <= 3:
            bad.append(f"{path.name}: {len(_sentences(v.summary))} sentences")
        if v.authenticated is True:
            d = report.dmarc
            assert d is not None
            trusted_pass = d.result_source == "trusted-header" and d.reported_result == "pass"
            if not (trusted_pass or any(r.counts for r in d.identifiers)):
                bad.append(f"{path.name}: authenticated without trusted evidence")
        if v.authenticated is not True and v.sender == v.from_domain and v.sender is not None:
            bad.append(f"{path.name}: unauthenticated From domain given as the sender")
    total = sum(outcomes.values())
    print(
        f"\nphishing-pot-dev verdicts: {total} messages; authenticated {outcomes[True]},"
        f" not authenticated {outcomes[False]}, unknown {outcomes[None]}"
    )
    assert total == 1319
    assert bad == []
