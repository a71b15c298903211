"""Defect and finding codes of the `hops` area (see ``headerlens._catalogue``)."""

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {}
