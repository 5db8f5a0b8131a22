"""Day counts against published examples: the ISDA 30/360 workbook and the ISDA Actual/Actual paper."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from bayledger.core.finance import (
    DAY_COUNT_CONVENTIONS,
    InvalidFrequencyError,
    InvalidPeriodError,
    UnknownDayCountError,
    add_months,
    compute_day_count,
    compute_year_fraction,
    parse_date,
)

# ISDA, "Calculation examples of 30/360 and 30E/360 in the 2006 ISDA Definitions",
# https://www.isda.org/a/mIJEE/30-360-2006ISDADefs.xls (linked from
# https://www.isda.org/2008/12/22/30-360-day-count-conventions/), "Comparison" sheet: 22 date pairs with the
# day counts of 30/360 Bond Basis (§4.16(f)), 30E/360 Eurobond Basis (§4.16(g)) and Actual days.
# Columns: start, end, 30/360, 30E/360, actual.
ISDA_30_360_WORKBOOK = [
    ("2007-01-15", "2007-01-30", 15, 15, 15),
    ("2007-01-15", "2007-02-15", 30, 30, 31),
    ("2007-01-15", "2007-07-15", 180, 180, 181),
    ("2007-09-30", "2008-03-31", 180, 180, 183),
    ("2007-09-30", "2007-10-31", 30, 30, 31),
    ("2007-09-30", "2008-09-30", 360, 360, 366),
    ("2007-01-15", "2007-01-31", 16, 15, 16),
    ("2007-01-31", "2007-02-28", 28, 28, 28),
    ("2007-02-28", "2007-03-31", 33, 32, 31),
    ("2006-08-31", "2007-02-28", 178, 178, 181),
    ("2007-02-28", "2007-08-31", 183, 182, 184),
    ("2007-02-14", "2007-02-28", 14, 14, 14),
    ("2007-02-26", "2008-02-29", 363, 363, 368),
    ("2008-02-29", "2009-02-28", 359, 359, 365),
    ("2008-02-29", "2008-03-30", 31, 31, 30),
    ("2008-02-29", "2008-03-31", 32, 31, 31),
    ("2007-02-28", "2007-03-05", 7, 7, 5),
    ("2007-10-31", "2007-11-28", 28, 28, 28),
    ("2007-08-31", "2008-02-29", 179, 179, 182),
    ("2008-02-29", "2008-08-31", 182, 181, 184),
    ("2008-08-31", "2009-02-28", 178, 178, 181),
    ("2009-02-28", "2009-08-31", 183, 182, 184),
]


@pytest.mark.parametrize(("start", "end", "bond", "euro", "actual"), ISDA_30_360_WORKBOOK)
def test_isda_workbook_day_counts(start: str, end: str, bond: int, euro: int, actual: int) -> None:
    d1, d2 = parse_date(start), parse_date(end)
    assert compute_day_count("30/360", d1, d2) == bond
    assert compute_day_count("30E/360", d1, d2) == euro
    assert compute_day_count("ACT/360", d1, d2) == actual
    assert compute_day_count("ACT/365F", d1, d2) == actual
    assert compute_year_fraction("30/360", d1, d2) == Fraction(bond, 360)
    assert compute_year_fraction("30E/360", d1, d2) == Fraction(euro, 360)
    assert compute_year_fraction("ACT/360", d1, d2) == Fraction(actual, 360)
    assert compute_year_fraction("ACT/365F", d1, d2) == Fraction(actual, 365)


def test_exact_fractions_not_floats() -> None:
    # 30 Sep 2007 to 30 Sep 2008 (a leap year inside): ACT/360 = 366/360 = 61/60, ACT/365F = 366/365
    start, end = date(2007, 9, 30), date(2008, 9, 30)
    assert compute_year_fraction("ACT/360", start, end) == Fraction(61, 60)
    assert compute_year_fraction("ACT/365F", start, end) == Fraction(366, 365)
    assert compute_year_fraction("30/360", start, end) == 1
    assert type(compute_year_fraction("30/360", start, end)) is Fraction


def icma(start: str, end: str, ref_start: str, ref_end: str, frequency: int) -> Fraction:
    """ACT/ACT-ICMA of one accrual period inside one reference period, from ISO strings."""
    return compute_year_fraction(
        "ACT/ACT-ICMA",
        parse_date(start),
        parse_date(end),
        period_start=parse_date(ref_start),
        period_end=parse_date(ref_end),
        frequency=frequency,
    )


# ISDA, "EMU and Market Conventions: Recent Developments" (1998) and "The Actual/Actual Day Count Fraction"
# (1999), https://www.isda.org/a/pIJEE/The-Actual-Actual-Day-Count-Fraction-1999.pdf, ICMA column; the same
# cases (with the decimal results quoted in the comments) are in QuantLib test-suite/daycounters.cpp,
# DayCounterTest::testActualActual.
def test_icma_regular_semi_annual_period() -> None:
    # 1 Nov 2003 to 1 May 2004, semi-annual: 182 / (2 x 182) = 0.5
    assert icma("2003-11-01", "2004-05-01", "2003-11-01", "2004-05-01", 2) == Fraction(1, 2)


def test_icma_short_first_period() -> None:
    # 1 Feb 1999 to 1 Jul 1999, annual, notional period 1 Jul 1998 to 1 Jul 1999:
    # 150 / (1 x 365) = 0.410958904110
    assert icma("1999-02-01", "1999-07-01", "1998-07-01", "1999-07-01", 1) == Fraction(150, 365)
    # the next, regular period 1 Jul 1999 to 1 Jul 2000 (366 days) is exactly 1
    assert icma("1999-07-01", "2000-07-01", "1999-07-01", "2000-07-01", 1) == 1


def test_icma_long_first_period_is_the_sum_over_its_reference_periods() -> None:
    # 15 Aug 2002 to 15 Jul 2003, semi-annual coupons on 15 Jan / 15 Jul:
    # 153 / (2 x 184) [15 Jul 2002 - 15 Jan 2003] + 181 / (2 x 181) [15 Jan - 15 Jul 2003] = 0.915760869565
    first = icma("2002-08-15", "2003-01-15", "2002-07-15", "2003-01-15", 2)
    second = icma("2003-01-15", "2003-07-15", "2003-01-15", "2003-07-15", 2)
    assert first == Fraction(153, 368)
    assert first + second == Fraction(337, 368)
    # the next, regular period 15 Jul 2003 to 15 Jan 2004 is 0.5
    assert icma("2003-07-15", "2004-01-15", "2003-07-15", "2004-01-15", 2) == Fraction(1, 2)


def test_icma_short_final_period() -> None:
    # penultimate 30 Jul 1999 to 30 Jan 2000 is regular: 0.5; final 30 Jan 2000 to 30 Jun 2000 inside the
    # notional period 30 Jan 2000 to 30 Jul 2000: 152 / (2 x 182) = 0.417582417582
    assert icma("1999-07-30", "2000-01-30", "1999-07-30", "2000-01-30", 2) == Fraction(1, 2)
    assert icma("2000-01-30", "2000-06-30", "2000-01-30", "2000-07-30", 2) == Fraction(152, 364)


def test_icma_quarterly_end_of_month_long_final_period() -> None:
    # QuantLib test-suite/daycounters.cpp, testActualActualIsma (second case): quarterly, end-of-month,
    # 30 Nov 1999 to 30 Apr 2000 = 91 / (4 x 91) + 61 / (4 x 92); reference periods 30 Nov 1999 - 29 Feb 2000
    # and 29 Feb 2000 - 31 May 2000 (end-of-month roll).
    ref1 = add_months(date(1999, 11, 30), 3, end_of_month=True)
    ref2 = add_months(ref1, 3, end_of_month=True)
    assert (ref1, ref2) == (date(2000, 2, 29), date(2000, 5, 31))
    total = icma("1999-11-30", "2000-02-29", "1999-11-30", "2000-02-29", 4) + icma(
        "2000-02-29", "2000-04-30", "2000-02-29", "2000-05-31", 4
    )
    assert total == Fraction(91, 4 * 91) + Fraction(61, 4 * 92)


def test_icma_monthly_and_accrued_part_of_a_period() -> None:
    # hand-computed: 10 days accrued of the 31-day period 1 Jan - 1 Feb 2024, monthly: 10 / (12 x 31)
    assert icma("2024-01-01", "2024-01-11", "2024-01-01", "2024-02-01", 12) == Fraction(10, 372)
    assert icma("2024-01-11", "2024-01-11", "2024-01-01", "2024-02-01", 12) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"period_start": date(2024, 1, 1), "period_end": date(2024, 7, 1)},  # no frequency
        {"period_start": date(2024, 1, 1), "frequency": 2},  # no period end
        {"period_start": date(2024, 7, 1), "period_end": date(2024, 1, 1), "frequency": 2},  # reversed
        {"period_start": date(2024, 2, 1), "period_end": date(2024, 7, 1), "frequency": 2},  # starts after
        {"period_start": date(2024, 1, 1), "period_end": date(2024, 3, 1), "frequency": 2},  # ends before
    ],
)
def test_icma_needs_a_containing_reference_period(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidPeriodError) as caught:
        compute_year_fraction("ACT/ACT-ICMA", date(2024, 1, 15), date(2024, 4, 1), **kwargs)  # type: ignore[arg-type]
    assert (caught.value.codespace, caught.value.code) == ("finance", 9)


@pytest.mark.parametrize("frequency", [0, 3, 6, -2, True])
def test_icma_frequency_must_be_a_coupon_frequency(frequency: int) -> None:
    with pytest.raises(InvalidFrequencyError):
        icma("2024-01-01", "2024-02-01", "2024-01-01", "2024-07-01", frequency)


def test_reversed_period_is_refused_and_empty_period_is_zero() -> None:
    with pytest.raises(InvalidPeriodError, match="before its start"):
        compute_year_fraction("ACT/360", date(2024, 2, 1), date(2024, 1, 1))
    for convention in ("ACT/365F", "ACT/360", "30/360", "30E/360"):
        assert compute_year_fraction(convention, date(2024, 1, 31), date(2024, 1, 31)) == 0


@pytest.mark.parametrize("convention", ["ACT/365", "act/360", "ACT/ACT", "30/360 US", "", None])
def test_unknown_day_count(convention: object) -> None:
    with pytest.raises(UnknownDayCountError) as caught:
        compute_year_fraction(convention, date(2024, 1, 1), date(2024, 2, 1))  # type: ignore[arg-type]
    assert (caught.value.codespace, caught.value.code) == ("finance", 5)
    with pytest.raises(UnknownDayCountError):
        compute_day_count(convention, date(2024, 1, 1), date(2024, 2, 1))  # type: ignore[arg-type]


def test_convention_names() -> None:
    assert DAY_COUNT_CONVENTIONS == ("ACT/365F", "ACT/360", "30/360", "30E/360", "ACT/ACT-ICMA")
