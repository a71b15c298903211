"""The base class of every public model: frozen, strict about unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Frozen pydantic model with ``extra="forbid"``; tuples, not lists, for sequences."""

    model_config = ConfigDict(frozen=True, extra="forbid")
