"""A griffe extension for the API reference: Sphinx roles in docstrings become Markdown code.

headerlens docstrings cite other objects with roles (``:func:`~headerlens.parse```), which
Markdown would show literally; mkdocstrings reads this file through ``mkdocs.yml``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import griffe

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import strip_roles


class SphinxRolesAsCode(griffe.Extension):
    """Rewrite every docstring's roles when griffe loads the object."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ":`" in obj.docstring.value:
            obj.docstring.value = strip_roles(obj.docstring.value)
