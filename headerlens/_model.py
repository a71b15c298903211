"""The base class of every public model, and the one way to build models without validation.

The parsers and analyses create hundreds of models per message from values they have typed
themselves; pydantic's validation (or even ``model_construct``, which walks every field's
aliases and defaults) would cost more than the reading. :func:`build` sets an instance's
state directly, exactly as ``model_construct`` does with every field given, and
:func:`constructor` and :func:`fast_constructor` specialise it for one model class (a
function of the state, or of keyword arguments). The instances
compare, hash, dump and copy like validated ones (``tests/test_model_build.py`` checks every
model built this way). Only pass correctly typed values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["Model", "build", "constructor", "fast_constructor"]


class Model(BaseModel):
    """Frozen pydantic model with ``extra="forbid"``; tuples, not lists, for sequences."""

    model_config = ConfigDict(frozen=True, extra="forbid")


M = TypeVar("M", bound=BaseModel)

# pydantic keeps an instance's state in four slots of BaseModel; their descriptors' setters
# are called directly (what pydantic's own ``model_construct`` and ``__setstate__`` do through
# ``object.__setattr__``, minus the attribute lookup).
_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__
_new = object.__new__

# Every field is set, so every instance of a class has the same fields-set: one set object
# per class serves them all. pydantic never changes it in place on a frozen model
# (``model_copy`` copies it before adding to it). Facts about classes, never about values.
_ALL_SET: dict[type[BaseModel], set[str]] = {}


def _check(cls: type[BaseModel]) -> set[str]:
    """The shared fields-set of ``cls``, after checking that its state can be set directly."""
    # pydantic installs a post-init of its own only to fill private attributes, which
    # build() takes as an argument; a model's own hook would be skipped.
    if cls.__pydantic_post_init__ is not None and (
        getattr(cls.model_post_init, "__qualname__", "") != "init_private_attributes"
    ):  # pragma: no cover - only if a model grows a hook
        raise TypeError(f"{cls.__name__} has a post-init hook: build it with validation")
    names = _ALL_SET[cls] = set(cls.model_fields)
    return names


def build(cls: type[M], state: dict[str, Any], private: dict[str, Any] | None = None) -> M:
    """An instance of ``cls`` whose field values are ``state``, without validation.

    ``state`` names every field, in declaration order, with a correctly typed value;
    ``private`` holds the private attributes (all of them), if the model has any.
    """
    obj = _new(cls)
    _set_dict(obj, state)
    names = _ALL_SET.get(cls)
    _set_fields_set(obj, names if names is not None else _check(cls))
    _set_extra(obj, None)
    _set_private(obj, private)
    return obj


def constructor(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    """:func:`build` for one model class without private attributes, as a function of the
    state alone: the fields-set is bound once, for the loops that make one model per token."""
    names = _check(cls)
    set_dict, set_fields_set, set_extra, set_private = (
        _set_dict,
        _set_fields_set,
        _set_extra,
        _set_private,
    )

    def make(state: dict[str, Any]) -> M:
        obj = _new(cls)
        set_dict(obj, state)
        set_fields_set(obj, names)
        set_extra(obj, None)
        set_private(obj, None)
        return obj

    return make


def fast_constructor(cls: type[M]) -> Callable[..., M]:
    """A keyword constructor for ``cls`` built on :func:`constructor`.

    Pass every field, in declaration order; missing ones get their defaults (then the order
    is restored). For models without private attributes.
    """
    fields = cls.model_fields
    defaults = {
        name: f.get_default(call_default_factory=True)
        for name, f in fields.items()
        if not f.is_required()
    }
    count = len(fields)
    make_state = constructor(cls)

    def make(**values: Any) -> M:
        if len(values) != count:  # keep declaration order when filling defaults
            values = {k: values[k] if k in values else defaults[k] for k in fields}
        return make_state(values)

    return make
