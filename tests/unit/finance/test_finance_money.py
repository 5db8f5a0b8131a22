"""Rounding, rates, coupon amounts and exact allocation of minor units."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bayledger.core.finance import (
    InvalidAmountError,
    InvalidRateError,
    UnknownRoundingError,
    allocate_pro_rata,
    compute_coupon_amount,
    compute_rounded,
    format_rate,
    parse_rate,
    round_down,
    round_half_even,
    split_with_remainder,
)

F = Fraction


@pytest.mark.parametrize(
    ("value", "half_even", "down"),
    [
        (F(5, 2), 2, 2),  # tie: to the even neighbour
        (F(7, 2), 4, 3),
        (F(-5, 2), -2, -2),
        (F(-7, 2), -4, -3),  # down is toward zero for negatives too
        (F(1, 3), 0, 0),
        (F(2, 3), 1, 0),
        (F(-2, 3), -1, 0),
        (F(29, 10), 3, 2),
        (F(-29, 10), -3, -2),
        (F(0), 0, 0),
        (F(10), 10, 10),
        (F(-10), -10, -10),
        (F(2_041_643_835, 1000), 2_041_644, 2_041_643),
    ],
)
def test_rounding(value: Fraction, half_even: int, down: int) -> None:
    assert round_half_even(value) == half_even
    assert round_down(value) == down
    assert compute_rounded(value, "half-even") == half_even
    assert compute_rounded(value, "down") == down


@pytest.mark.parametrize("rounding", ["half-up", "HALF_EVEN", "ceiling", ""])
def test_unknown_rounding(rounding: str) -> None:
    with pytest.raises(UnknownRoundingError) as caught:
        compute_rounded(F(1, 2), rounding)
    assert (caught.value.codespace, caught.value.code) == ("finance", 11)


@pytest.mark.parametrize(
    ("wire", "rate"),
    [
        (405, F(405, 10_000)),  # basis points
        ("0.0405", F(405, 10_000)),  # decimal fraction
        ("0.040500", F(81, 2000)),
        (0, F(0)),
        ("0", F(0)),
        (10_000, F(1)),
        ("1", F(1)),
        ("1.000", F(1)),
        (1, F(1, 10_000)),
        ("0.000000000001", F(1, 10**12)),
        ("0.0325", F(13, 400)),
    ],
)
def test_parse_rate(wire: object, rate: Fraction) -> None:
    assert parse_rate(wire) == rate


@pytest.mark.parametrize(
    "wire",
    [
        "4.05%",
        "4.05",  # 405% a year: above 100%
        ".0405",
        "0.",
        "00.05",
        "+0.05",
        "-0.05",
        "5e-2",
        " 0.05",
        "0.05 ",
        "0,05",
        "0.0000000000001",  # 13 decimals
        "",
        "NaN",
        "٠.٠٥",  # Arabic-Indic digits
        -1,
        10_001,
        True,
        None,
        [405],
        {"bps": 405},
        F(1, 20),
    ],
)
def test_parse_rate_refuses(wire: object) -> None:
    with pytest.raises(InvalidRateError) as caught:
        parse_rate(wire)
    assert (caught.value.codespace, caught.value.code) == ("finance", 4)


def test_parse_rate_refuses_floats() -> None:
    with pytest.raises(InvalidRateError, match="not float"):
        parse_rate(0.0405)


def test_format_rate() -> None:
    assert format_rate(F(81, 2000)) == "0.0405"
    assert format_rate(F(1)) == "1"
    assert format_rate(F(0)) == "0"
    assert format_rate(F(1, 8)) == "0.125"
    assert format_rate(F(1, 10**12)) == "0.000000000001"
    for bad in (F(1, 3), F(1, 10**13), F(-1, 100), F(3, 2)):
        with pytest.raises(InvalidRateError):
            format_rate(bad)


def test_coupon_amounts() -> None:
    face = 100_000_000  # HK$1,000,000.00 in cents
    rate = parse_rate(405)  # 4.05%
    # 30/360 semi-annual: 100,000,000 x 0.0405 / 2 = 2,025,000 exactly, whatever the rounding
    assert compute_coupon_amount(face, rate, F(1, 2), "half-even") == 2_025_000
    assert compute_coupon_amount(face, rate, F(1, 2), "down") == 2_025_000
    # ACT/365F, 184 days: 4,050,000 x 184 / 365 = 745,200,000 / 365 = 2,041,643.835...
    # -> 2,041,644 (half-even) or 2,041,643 (down)
    assert compute_coupon_amount(face, rate, F(184, 365), "half-even") == 2_041_644
    assert compute_coupon_amount(face, rate, F(184, 365), "down") == 2_041_643
    # an exact half: 3 x 1/2 x 1 = 1.5 -> 2 (even) or 1 (down); 5 x 1/2 = 2.5 -> 2 either way
    assert compute_coupon_amount(3, F(1, 2), F(1), "half-even") == 2
    assert compute_coupon_amount(3, F(1, 2), F(1), "down") == 1
    assert compute_coupon_amount(5, F(1, 2), F(1), "half-even") == 2
    assert compute_coupon_amount(face, F(0), F(1, 2), "down") == 0


def test_coupon_amount_refusals() -> None:
    with pytest.raises(InvalidAmountError):
        compute_coupon_amount(-1, F(1, 20), F(1, 2), "down")
    with pytest.raises(InvalidAmountError):
        compute_coupon_amount(True, F(1, 20), F(1, 2), "down")
    with pytest.raises(InvalidAmountError):
        compute_coupon_amount(100, F(1, 20), F(-1, 2), "down")
    with pytest.raises(InvalidRateError):
        compute_coupon_amount(100, F(-1, 20), F(1, 2), "down")
    with pytest.raises(InvalidRateError):
        compute_coupon_amount(100, F(3, 2), F(1, 2), "down")
    with pytest.raises(UnknownRoundingError):
        compute_coupon_amount(100, F(1, 20), F(1, 2), "half-up")


def test_allocate_pro_rata() -> None:
    # 100 over three equal weights: 33 each and 1 left; tie on remainder and weight -> first key "a"
    assert allocate_pro_rata(100, {"c": 1, "b": 1, "a": 1}) == {"a": 34, "b": 33, "c": 33}
    # 10 over 1:2 -> exact 3.33 / 6.67: floors 3 / 6, remainders 1/3 and 2/3 -> "b" gets the unit
    assert allocate_pro_rata(10, {"a": 1, "b": 2}) == {"a": 3, "b": 7}
    # 2 over 1:3 -> exact 0.5 / 1.5: equal remainders, the larger weight "b" wins the tie
    assert allocate_pro_rata(2, {"a": 1, "b": 3}) == {"a": 0, "b": 2}
    assert allocate_pro_rata(7, {"only": 5}) == {"only": 7}
    assert allocate_pro_rata(7, {"x": 0, "y": 5}) == {"x": 0, "y": 7}
    assert allocate_pro_rata(0, {"a": 1, "b": 2}) == {"a": 0, "b": 0}
    assert allocate_pro_rata(0, {"a": 0}) == {"a": 0}
    assert allocate_pro_rata(0, {}) == {}


def test_allocate_result_ignores_insertion_order() -> None:
    one = allocate_pro_rata(1001, {"alice": 3, "bob": 3, "carol": 1})
    two = allocate_pro_rata(1001, {"carol": 1, "bob": 3, "alice": 3})
    assert one == two == {"alice": 429, "bob": 429, "carol": 143}
    assert list(two) == ["alice", "bob", "carol"]


@pytest.mark.parametrize(
    ("total", "weights"),
    [(-1, {"a": 1}), (5, {}), (5, {"a": 0}), (5, {"a": -1, "b": 2}), (5, {"a": True}), (True, {"a": 1})],
)
def test_allocate_refusals(total: int, weights: dict[str, int]) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        allocate_pro_rata(total, weights)
    assert (caught.value.codespace, caught.value.code) == ("finance", 10)


def test_split_coupon_with_explicit_remainder() -> None:
    # unit face HK$10.00 = 1,000 cents at 4.05%, 30/360 semi-annual: 1,000 x 0.0405 / 2 = 20.25 per unit
    per_unit = F(1000) * parse_rate("0.0405") * F(1, 2)
    assert per_unit == F(81, 4)
    holdings = {"b": 3, "a": 1, "c": 2}
    # the issuer funds the whole issue's coupon: 6 units x 20.25 = 121.5 -> half-even 122
    funded = round_half_even(6 * per_unit)
    assert funded == 122
    payments, remainder = split_with_remainder(funded, holdings, per_unit)
    # a: 20.25 -> 20; b: 60.75 -> 60; c: 40.5 -> 40; 122 - 120 = 2 undistributed
    assert payments == {"a": 20, "b": 60, "c": 40}
    assert list(payments) == ["a", "b", "c"]
    assert remainder == 2
    assert split_with_remainder(0, {}, per_unit) == ({}, 0)


def test_split_refusals() -> None:
    with pytest.raises(InvalidAmountError, match="only 100 was funded"):
        split_with_remainder(100, {"a": 10}, F(21, 2))  # owed 105
    with pytest.raises(InvalidAmountError):
        split_with_remainder(100, {"a": -1}, F(1))
    with pytest.raises(InvalidAmountError):
        split_with_remainder(100, {"a": 1}, F(-1))
    with pytest.raises(InvalidAmountError):
        split_with_remainder(-1, {"a": 1}, F(1))
