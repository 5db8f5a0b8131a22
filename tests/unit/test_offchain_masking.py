"""Masking and de-identification profiles: pure functions, exact outputs."""

from __future__ import annotations

import copy

import pytest

from bayledger.core.modules.datamobility.checks import MASKING_PROFILES
from bayledger.offchain.masking import (
    PROFILES,
    apply_grant,
    credit_summary,
    de_identify,
    generalise_address,
    generalise_address_value,
    mask_id_numbers,
    mask_identifier,
    select_categories,
)

RECORD = {
    "identity": {
        "name": "CHAN Tai Man",
        "hkid": "A123456(7)",
        "phone": "+852 9123 4567",
        "date_of_birth": "1985-04-12",
        "accounts": [{"account_number": "012-345678-001", "type": "savings"}],
    },
    "credit_history": {"credit_score": 742, "credit_grade": "B+", "total_outstanding": 12500000,
                       "loans": [1, 2]},
    "address": {"flat": "12A", "building": "Harbour View", "street": "1 Queen's Road", "district": "Central",
                "city": "Hong Kong"},
    "marketing": {"segment": "premium"},
}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("A123456(7)", "A******(7)"),
        ("440301199001011234", "4****************4"),
        ("+852 9123 4567", "+8** **** ***7"),
        ("AB", "**"),
        ("", ""),
    ],
)
def test_mask_identifier(value: str, masked: str) -> None:
    assert mask_identifier(value) == masked


def test_profiles_are_exactly_those_a_grant_may_name() -> None:
    assert set(PROFILES) == set(MASKING_PROFILES)


def test_mask_id_numbers_at_any_depth_and_input_untouched() -> None:
    original = copy.deepcopy(RECORD)
    masked = mask_id_numbers(RECORD)
    assert masked["identity"]["hkid"] == "A******(7)"
    assert masked["identity"]["phone"] == "+8** **** ***7"
    assert masked["identity"]["accounts"] == [{"account_number": "0**-******-**1", "type": "savings"}]
    assert masked["identity"]["name"] == "CHAN Tai Man"
    assert original == RECORD


def test_generalise_address() -> None:
    assert generalise_address(RECORD)["address"] == {"district": "Central", "city": "Hong Kong"}
    assert generalise_address_value("Flat 12A, Harbour View, 1 Queen's Road, Central, Hong Kong") == (
        "Central, Hong Kong"
    )


def test_credit_summary_keeps_summary_fields_only() -> None:
    summary = credit_summary(RECORD)
    assert summary["credit_history"] == {
        "credit_score": 742,
        "credit_grade": "B+",
        "total_outstanding": 12500000,
    }
    assert summary["identity"]["hkid"] == "A******(7)"
    assert summary["address"] == {"district": "Central", "city": "Hong Kong"}


def test_de_identify_drops_direct_identifiers() -> None:
    out = de_identify(RECORD)
    assert out["identity"] == {"date_of_birth": "1985", "accounts": [{"type": "savings"}]}
    assert out["address"] == {"district": "Central", "city": "Hong Kong"}
    assert "CHAN" not in str(out) and "Queen" not in str(out) and "9123" not in str(out)


def test_apply_grant_selects_categories_then_masks() -> None:
    out = apply_grant(RECORD, ["identity", "credit_history"], "mask-id-numbers")
    assert sorted(out) == ["credit_history", "identity"]
    assert select_categories(RECORD, ["marketing"]) == {"marketing": {"segment": "premium"}}
    assert apply_grant(RECORD, ["credit_history"], "none") == {"credit_history": RECORD["credit_history"]}
    with pytest.raises(KeyError):
        apply_grant(RECORD, ["identity"], "reversible-encoding")


AWKWARD = {
    "identity": {
        "Name": "CHAN Tai Man",
        "HKID": "B765432(1)",
        "phone": 85291234567,
        "account_number": 123456789012,
        "id_numbers": ["A123456(7)", "C1234567"],
        "Mobile": {"primary": "91234567"},
        "verified": True,
    }
}


@pytest.mark.parametrize("profile", ["mask-id-numbers", "credit-summary"])
def test_ids_masked_whatever_their_case_type_or_plural(profile: str) -> None:
    out = apply_grant(AWKWARD, ["identity"], profile)
    assert out["identity"] == {
        "Name": "CHAN Tai Man",
        "HKID": "B******(1)",
        "phone": "8*********7",
        "account_number": "1**********2",
        "id_numbers": ["A******(7)", "C******7"],
        "Mobile": {"primary": "9******7"},
        "verified": True,
    }


def test_de_identified_drops_ids_whatever_their_case_type_or_plural() -> None:
    assert apply_grant(AWKWARD, ["identity"], "de-identified") == {"identity": {"verified": True}}
