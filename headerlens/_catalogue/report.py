"""Defect and finding codes of the `report` area (see ``headerlens._catalogue``)."""

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {}
