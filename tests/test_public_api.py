"""The public surface: sorted, complete ``__all__`` and the names API.md fixes."""

from __future__ import annotations

import headerlens

API_NAMES = {
    "parse",
    "analyze",
    "parse_received",
    "parse_date",
    "parse_authentication_results",
    "verify_dkim",
    "verify_arc",
    "parse_bounce",
    "iter_messages",
    "Policy",
    "OfflineResolver",
    "StaticResolver",
    "RecordingResolver",
    "Message",
    "HeaderField",
    "Defect",
    "DateValue",
    "Received",
    "Hop",
    "DkimResult",
    "ArcResult",
    "ArcInstance",
    "AuthResultsHeader",
    "AuthResult",
    "AuthProperty",
    "SpamVerdict",
    "SpamRule",
    "SpamField",
    "DeliveryReport",
    "RecipientStatus",
    "Report",
    "Finding",
    "TlsInfo",
    "Verdict",
}


def test_all_is_sorted_and_unique() -> None:
    assert list(headerlens.__all__) == sorted(set(headerlens.__all__))


def test_all_names_exist() -> None:
    missing = [n for n in headerlens.__all__ if not hasattr(headerlens, n)]
    assert missing == []


def test_api_contract_names_are_exported() -> None:
    assert sorted(API_NAMES - set(headerlens.__all__)) == []


def test_models_are_frozen_and_forbid_extra() -> None:
    for name in headerlens.__all__:
        obj = getattr(headerlens, name)
        config = getattr(obj, "model_config", None)
        if isinstance(obj, type) and config is not None:
            assert config.get("frozen") is True, name
            assert config.get("extra") == "forbid", name
