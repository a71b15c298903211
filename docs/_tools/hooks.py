"""MkDocs hooks (``mkdocs.yml`` ``hooks:``): add the reference pages generated from the code.

The pages of ``gen.PAGES`` (command line, reason codes, bounce reasons, JSON Schema) are made
at build time from the installed headerlens, so the site cannot describe another version.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen


def on_files(files: Files, config: Any) -> Files:
    for path, make in gen.PAGES.items():
        files.append(File.generated(config, path, content=make()))
    return files
