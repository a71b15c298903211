"""The spam step builds its models without re-validation: they must be indistinguishable.

``make_field``/``make_rule``/``build`` set instance state directly (as ``model_construct``
does with every field given). If a model gains a field, or pydantic changes what an instance
carries, these tests fail instead of the analysis returning half-built objects.
"""

from __future__ import annotations

import pytest

from headerlens._model import build
from headerlens.findings import Finding, make_finding
from headerlens.spam.knowledge import make_field, make_rule, with_meaning
from headerlens.spam.models import (
    Appliance,
    RuleSource,
    SpamAnalysis,
    SpamField,
    SpamRule,
    SpamVerdict,
)

FIELD_ARGS = [
    pytest.param(("SFV", "SPM", "spam", "documented", "eop", True, 3), id="microsoft-known"),
    pytest.param(("XYZ", "", None, "inferred", None, False, None), id="unknown-no-index"),
]


@pytest.mark.parametrize("args", FIELD_ARGS)
def test_make_field_equals_validated(args: tuple) -> None:
    names = ("key", "value", "meaning", "confidence", "source", "known", "header_index")
    fast = make_field(*args)
    slow = SpamField(**dict(zip(names, args, strict=True)))
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert SpamField.model_validate(fast.model_dump()) == fast
    assert fast.model_copy(update={"meaning": "x"}).meaning == "x"
    assert fast.meaning == args[2]  # the copy did not touch the original
    assert with_meaning(fast, "y") == slow.model_copy(update={"meaning": "y"})


def test_make_rule_equals_validated() -> None:
    desc = "Bayes spam probability is 99 to 100%"
    fast = make_rule("BAYES_99", 3.5, desc, "ours")
    slow = SpamRule(name="BAYES_99", score=3.5, description=desc, source="ours")
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert make_rule("X") == SpamRule(name="X")


def test_construct_equals_validated() -> None:
    rule = make_rule("R", 1.0)
    field = make_field("k", "v", None, "inferred", None, False, 0)
    values = {
        "vendor": "rspamd",
        "header_indexes": (0, 2),
        "score": 1.0,
        "threshold": 15.0,
        "is_spam": False,
        "action": "no action",
        "rules": (rule,),
        "fields": (field,),
        "explanation": "text",
        "trusted": True,
        "hop_index": 1,
        "product": "Rspamd",
    }
    assert tuple(values) == tuple(SpamVerdict.model_fields)  # every field, in field order
    verdict = build(SpamVerdict, dict(values))
    assert verdict == SpamVerdict(**values)
    assert verdict.model_dump_json() == SpamVerdict(**values).model_dump_json()
    app = {"vendor": "v", "product": "p", "header_indexes": (1,), "hop_index": None}
    assert tuple(app) == tuple(Appliance.model_fields)
    assert build(Appliance, dict(app)) == Appliance(**app)
    analysis = {
        "verdicts": (verdict,),
        "appliances": (),
        "findings": (),
        "defects": (),
        "rule_source": RuleSource(),
    }
    assert tuple(analysis) == tuple(SpamAnalysis.model_fields)
    assert build(SpamAnalysis, dict(analysis)) == SpamAnalysis(**analysis)


def test_fast_finding_equals_validated() -> None:
    args = ("spam.filtered_as_spam", "warning", "Classified as spam by X", [3, 1, 3])
    fast = make_finding(*args)
    validated = Finding(
        severity="warning",
        code="spam.filtered_as_spam",
        summary="Classified as spam by X",
        header_indexes=(1, 3),
    )
    assert fast == validated
    assert fast.model_dump_json() == validated.model_dump_json()
    names = ("severity", "code", "summary", "header_indexes", "detail")
    assert tuple(Finding.model_fields) == names
    with pytest.raises(KeyError):
        make_finding("spam.no_such_code", "info", "x")
    with pytest.raises(ValueError):
        make_finding("spam.filtered_as_spam", "severe", "x")  # type: ignore[arg-type]
