"""The base class of every public model: frozen, strict about unknown fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Frozen pydantic model with ``extra="forbid"``; tuples, not lists, for sequences."""

    model_config = ConfigDict(frozen=True, extra="forbid")


M = TypeVar("M", bound=Model)

# pydantic keeps an instance's state in four slots of BaseModel; their descriptors' setters
# are called directly (what pydantic's own ``model_construct`` and ``__setstate__`` do through
# ``object.__setattr__``, minus the attribute lookup).
_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__


def fast_constructor(cls: type[M]) -> Callable[..., M]:
    """A constructor for values that are valid by construction.

    The parser creates one model per header field, and pydantic's validation (or even
    ``model_construct``) costs more than all the splitting work. The instances made here are
    the same as validated ones (a test compares them). Pass every field, in declaration order;
    missing ones get their defaults. Models with private attributes or a post-init hook fall
    back to ``model_construct``.
    """
    if cls.__pydantic_post_init__ or cls.__private_attributes__:  # pragma: no cover
        return cls.model_construct  # type: ignore[return-value]
    fields = cls.model_fields
    defaults = {
        name: f.get_default(call_default_factory=True)
        for name, f in fields.items()
        if not f.is_required()
    }
    names = frozenset(fields)
    count = len(names)
    # Every field is set, so every instance has the same fields-set: one set object serves
    # them all. pydantic never changes it in place on a frozen model (model_copy copies it
    # before adding to it).
    all_set = set(names)
    new = object.__new__
    set_dict, set_fields_set = _set_dict, _set_fields_set
    set_extra, set_private = _set_extra, _set_private

    def make(**values: Any) -> M:
        obj = new(cls)
        if len(values) != count:  # keep declaration order when filling defaults
            values = {k: values[k] if k in values else defaults[k] for k in fields}
        set_dict(obj, values)
        set_fields_set(obj, all_set)
        set_extra(obj, None)
        set_private(obj, None)
        return obj

    return make
