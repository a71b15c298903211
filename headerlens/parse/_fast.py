"""Building already-valid frozen models without pydantic's per-call overhead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from headerlens._model import (
    _set_dict,
    _set_extra,
    _set_fields_set,
    _set_private,
    fast_constructor,
)

if TYPE_CHECKING:
    from headerlens.message import Message

__all__ = ["fast_constructor"]


def message_constructor() -> Callable[[dict[str, Any], dict[str, Any]], Message]:
    """A constructor for :class:`Message` from field values and its private attributes.

    Falls back to ``model_construct`` plus attribute assignment if the model grows a post-init
    hook. The field dict must hold every field in declaration order.
    """
    from headerlens.message import Message

    names = frozenset(Message.model_fields)
    new = object.__new__
    # pydantic installs its own post-init only to fill private attributes, which we set here.
    hook = Message.model_post_init
    own_hook = Message.__pydantic_post_init__ is not None and (
        getattr(hook, "__qualname__", "") != "init_private_attributes"
    )
    private_names = frozenset(Message.__private_attributes__)

    def make(values: dict[str, Any], private: dict[str, Any]) -> Message:
        if own_hook or len(values) != len(names) or private.keys() != private_names:
            # pragma: no cover - only if the model changes shape
            msg = Message.model_construct(**values)
            for k, v in private.items():
                setattr(msg, k, v)
            return msg
        obj = new(Message)
        _set_dict(obj, values)
        _set_fields_set(obj, set(names))
        _set_extra(obj, None)
        _set_private(obj, private)
        return obj

    return make
