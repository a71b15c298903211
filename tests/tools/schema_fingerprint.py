"""Record the JSON Schema fingerprint of the current SCHEMA_VERSION (tests/data).

    python tests/tools/schema_fingerprint.py          # show the current and recorded values
    python tests/tools/schema_fingerprint.py --update # record the current schema

tests/render/test_schema.py fails when the report's JSON Schema changes while SCHEMA_VERSION
stays the same. After a change to the models: bump SCHEMA_VERSION in headerlens/report.py (the
coordinator does this once per integration), then run this with --update. Fingerprints of
earlier versions are kept; the file has one ``VERSION SHA256`` line per version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FILE = Path(__file__).resolve().parents[1] / "data" / "schema-fingerprints.txt"


def read(path: Path = FILE) -> dict[str, str]:
    """The recorded fingerprints: version -> SHA-256."""
    out: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                out[parts[0]] = parts[1]
    return out


def write(entries: dict[str, str], path: Path = FILE) -> None:
    lines = ["# SCHEMA_VERSION sha256 (tests/tools/schema_fingerprint.py)"]
    lines += [f"{v} {h}" for v, h in sorted(entries.items(), key=lambda kv: _key(kv[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in version.split("."))


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from headerlens.render.schema import schema_fingerprint
    from headerlens.report import SCHEMA_VERSION

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--update", action="store_true", help="record the current fingerprint")
    args = parser.parse_args()
    current = schema_fingerprint()
    entries = read()
    print(f"SCHEMA_VERSION {SCHEMA_VERSION}: current {current}")
    print(f"recorded: {entries.get(SCHEMA_VERSION, '(none)')}")
    if args.update:
        entries[SCHEMA_VERSION] = current
        write(entries)
        print(f"wrote {FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
