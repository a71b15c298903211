"""Defect and finding codes of the `parse` area (see ``headerlens._catalogue``)."""

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {}
