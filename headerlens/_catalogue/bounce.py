"""Defect and finding codes of the `bounce` area (see ``headerlens._catalogue``)."""

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {}
