"""Defect and finding codes of the `report` area (see ``headerlens._catalogue``)."""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {}
