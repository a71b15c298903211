"""``_model.build``, the one way to make a model without validation, makes valid models.

Every model instance in the reports of the samples is rebuilt from its field values with
``build`` (and, for models made through it, compared with a validated copy): equal, same hash,
same JSON, same fields-set, and ``model_copy`` works on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, PrivateAttr

from headerlens import analyze
from headerlens._model import Model, build, fast_constructor
from headerlens.message import HeaderField

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _models(obj: object) -> Iterator[BaseModel]:
    if isinstance(obj, BaseModel):
        yield obj
        for name in type(obj).model_fields:
            yield from _models(getattr(obj, name))
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _models(item)


def _reports() -> Iterator[object]:
    for path in sorted(SAMPLES.glob("*.eml"))[:6]:
        yield analyze(path.read_bytes())


def test_every_model_of_a_report_rebuilds_equal() -> None:
    seen: set[type[BaseModel]] = set()
    for report in _reports():
        for m in _models(report):
            cls = type(m)
            state = {name: getattr(m, name) for name in cls.model_fields}
            again = build(cls, state, dict(m.__pydantic_private__ or {}) or None)
            assert again == m
            assert hash(again) == hash(m)
            if not cls.__private_attributes__:  # (a Message's reader is not a field)
                validated = cls.model_validate(state)
                assert again == validated
                assert again.model_dump_json() == validated.model_dump_json()
                assert again.model_fields_set == validated.model_fields_set
            seen.add(cls)
    assert len(seen) >= 10


def test_fast_constructor_fills_defaults_in_declaration_order() -> None:
    make = fast_constructor(HeaderField)
    fast = make(index=0, name="X", raw="X: y", value="y", start=0, end=4)
    slow = HeaderField(index=0, name="X", raw="X: y", value="y", start=0, end=4)
    assert fast == slow
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast.model_copy(update={"value": "z"}).value == "z"
    assert fast.value == "y"


def test_a_model_with_its_own_post_init_is_refused() -> None:
    class Hooked(Model):
        a: int

        def model_post_init(self, context: object) -> None:
            pass

    with pytest.raises(TypeError):
        build(Hooked, {"a": 1})


def test_private_attributes_are_set() -> None:
    class WithPrivate(Model):
        a: int
        _p: int = PrivateAttr(default=0)

    obj = build(WithPrivate, {"a": 1}, {"_p": 5})
    assert obj._p == 5
    validated = WithPrivate(a=1)
    validated._p = 5
    assert obj == validated
