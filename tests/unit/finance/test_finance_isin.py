"""ISO 6166 ISINs: check digits of real securities, and every way an ISIN can be malformed."""

from __future__ import annotations

import pytest

from bayledger.core.finance import (
    InvalidIsinError,
    compute_isin_check_digit,
    get_isin_problem,
    is_valid_isin,
    validate_isin,
)

# Real, published ISINs. The HK government green bond ISIN quoted in the brief, HK0000960533, does NOT
# pass the ISO 6166 check (the algorithm gives check digit 1), so it is deliberately not used here.
REAL_ISINS = [
    "US0378331005",  # Apple Inc. common stock
    "AU0000XVGZA3",  # the ISO 6166 / Wikipedia worked example (letters inside the national code)
    "GB0002634946",  # BAE Systems plc
    "HK0000069689",  # AIA Group Ltd
    "US5949181045",  # Microsoft Corp.
    "DE000BAY0017",  # Bayer AG
]


@pytest.mark.parametrize("isin", REAL_ISINS)
def test_real_isins_are_valid(isin: str) -> None:
    assert is_valid_isin(isin)
    assert get_isin_problem(isin) is None
    assert validate_isin(isin) == isin
    assert compute_isin_check_digit(isin[:11]) == isin[11]


def test_apple_check_digit_worked_by_hand() -> None:
    # US037833100: U=30, S=28 -> "3028037833100". Read from the right: 0 0 1 3 3 8 7 3 0 8 2 0 3.
    # Doubled (1st, 3rd, ... from the right): 0 1 3 7 0 2 3 -> 0 2 6 14 0 4 6 -> digit sums 23.
    # Kept (2nd, 4th, ...): 0 3 8 3 8 0 -> 22. Total 45; check digit (10 - 45 % 10) % 10 = 5.
    assert compute_isin_check_digit("US037833100") == "5"
    assert compute_isin_check_digit("AU0000XVGZA") == "3"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("US0378331004", "check digit 4, expected 5"),  # Apple with a wrong check digit
        ("HK0000069688", "check digit 8, expected 9"),  # AIA with a wrong check digit
        ("us0378331005", "not upper case"),
        ("Us0378331005", "not upper case"),
        ("US037833100", "12 characters"),
        ("US03783310055", "12 characters"),
        ("", "12 characters"),
        ("US03783-1005", "characters other than A-Z and 0-9"),
        ("US0378 31005", "characters other than A-Z and 0-9"),
        ("120378331005", "2-letter country prefix"),
        ("US037833100X", "end with a check digit"),
        ("US037833100٥", "end with a check digit"),  # an Arabic-Indic digit is not an ASCII digit
    ],
)
def test_malformed_isins_are_refused_with_the_reason(text: str, reason: str) -> None:
    assert not is_valid_isin(text)
    problem = get_isin_problem(text)
    assert problem is not None and reason in problem
    with pytest.raises(InvalidIsinError) as caught:
        validate_isin(text)
    assert reason in caught.value.message
    assert (caught.value.codespace, caught.value.code) == ("finance", 2)


@pytest.mark.parametrize("value", [None, 378331005, b"US0378331005", ["US0378331005"]])
def test_non_strings_are_not_isins(value: object) -> None:
    assert not is_valid_isin(value)
    with pytest.raises(InvalidIsinError, match="string"):
        validate_isin(value)


@pytest.mark.parametrize("body", ["US03783310", "us037833100", "US0378331-0", "1S037833100", "US0378331005"])
def test_check_digit_needs_a_well_formed_body(body: str) -> None:
    with pytest.raises(InvalidIsinError, match="ISIN body"):
        compute_isin_check_digit(body)


def test_every_other_check_digit_is_refused() -> None:
    for digit in "0123456789":
        assert is_valid_isin("US037833100" + digit) == (digit == "5")
