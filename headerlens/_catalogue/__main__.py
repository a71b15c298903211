"""``python -m headerlens._catalogue > docs/defects.md`` writes the code catalogue."""

from __future__ import annotations

import sys

from headerlens.defects import catalogue_markdown

__all__: list[str] = []

sys.stdout.write(catalogue_markdown())
