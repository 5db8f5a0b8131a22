"""Coupon schedules: generated back from maturity, front stubs, end-of-month, payment and record dates."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import msgspec
import pytest

from bayledger.core.finance import (
    MAX_COUPON_PERIODS,
    CouponPeriod,
    InvalidFrequencyError,
    InvalidScheduleError,
    UnknownBusinessDayRuleError,
    compute_coupon_dates,
    compute_coupon_schedule,
    compute_period_year_fraction,
    parse_holidays,
)

NONE: frozenset[date] = frozenset()
# Hong Kong general holidays around Easter 2024: Good Friday 29 Mar, the day after, Easter Monday 1 Apr
HK_EASTER_2024 = parse_holidays(["2024-03-29", "2024-03-30", "2024-04-01"])


def schedule(
    issue: date,
    maturity: date,
    frequency: int,
    *,
    rule: str = "unadjusted",
    holidays: frozenset[date] = NONE,
    record: int = 0,
    eom: bool = False,
) -> list[CouponPeriod]:
    """compute_coupon_schedule with defaults for the arguments a test does not care about."""
    return compute_coupon_schedule(
        issue,
        maturity,
        frequency,
        business_day_rule=rule,
        holidays=holidays,
        record_offset_business_days=record,
        end_of_month=eom,
    )


def ends(periods: list[CouponPeriod]) -> list[date]:
    """The accrual end dates."""
    return [p.accrual_end for p in periods]


def test_regular_five_year_semi_annual() -> None:
    periods = schedule(date(2024, 3, 15), date(2029, 3, 15), 2)
    assert len(periods) == 10
    assert [p.index for p in periods] == list(range(1, 11))
    assert periods[0].accrual_start == date(2024, 3, 15)
    assert ends(periods)[:3] == [date(2024, 9, 15), date(2025, 3, 15), date(2025, 9, 15)]
    assert ends(periods)[-1] == date(2029, 3, 15)
    assert not any(p.is_stub for p in periods)
    assert all(compute_period_year_fraction("ACT/ACT-ICMA", p, 2) == Fraction(1, 2) for p in periods)
    assert all(compute_period_year_fraction("30/360", p, 2) == Fraction(1, 2) for p in periods)


@pytest.mark.parametrize(("frequency", "count"), [(1, 3), (2, 6), (4, 12), (12, 36)])
def test_frequencies(frequency: int, count: int) -> None:
    periods = schedule(date(2024, 1, 10), date(2027, 1, 10), frequency)
    assert len(periods) == count
    assert periods[1].accrual_start == periods[0].accrual_end


def test_zero_coupon_has_no_periods() -> None:
    assert schedule(date(2024, 1, 10), date(2027, 1, 10), 0) == []
    assert compute_coupon_dates(date(2024, 1, 10), date(2027, 1, 10), 0, end_of_month=False) == []


def test_isda_short_first_period_as_a_schedule() -> None:
    # The ISDA Actual/Actual paper's short-first-period bond: accrual from 1 Feb 1999, annual coupons on
    # 1 Jul, maturity 1 Jul 2000. ICMA fractions 150/365 (notional period 1 Jul 1998 - 1 Jul 1999), then 1.
    periods = schedule(date(1999, 2, 1), date(2000, 7, 1), 1)
    assert [(p.accrual_start, p.accrual_end) for p in periods] == [
        (date(1999, 2, 1), date(1999, 7, 1)),
        (date(1999, 7, 1), date(2000, 7, 1)),
    ]
    assert periods[0].is_stub and periods[0].reference_start == date(1998, 7, 1)
    assert not periods[1].is_stub
    assert compute_period_year_fraction("ACT/ACT-ICMA", periods[0], 1) == Fraction(150, 365)
    assert compute_period_year_fraction("ACT/ACT-ICMA", periods[1], 1) == 1


def test_short_stub_with_and_without_end_of_month() -> None:
    # maturity 30 Jun 2025 is a month end: with the rule, coupons fall on 31 Dec; without, on the 30th
    plain = schedule(date(2024, 1, 10), date(2025, 6, 30), 2)
    assert ends(plain) == [date(2024, 6, 30), date(2024, 12, 30), date(2025, 6, 30)]
    assert plain[0].reference_start == date(2023, 12, 30)
    eom = schedule(date(2024, 1, 10), date(2025, 6, 30), 2, eom=True)
    assert ends(eom) == [date(2024, 6, 30), date(2024, 12, 31), date(2025, 6, 30)]
    assert eom[0].reference_start == date(2023, 12, 31)
    # hand-computed ICMA stub: 10 Jan - 30 Jun 2024 = 172 days of the 31 Dec 2023 - 30 Jun 2024 period
    # (182 days): 172 / (2 x 182)
    assert compute_period_year_fraction("ACT/ACT-ICMA", eom[0], 2) == Fraction(172, 364)


def test_end_of_month_from_a_february_maturity() -> None:
    eom = schedule(date(2024, 2, 29), date(2026, 2, 28), 2, eom=True)
    assert ends(eom) == [date(2024, 8, 31), date(2025, 2, 28), date(2025, 8, 31), date(2026, 2, 28)]
    assert not eom[0].is_stub
    plain = schedule(date(2024, 2, 28), date(2026, 2, 28), 2)
    assert ends(plain) == [date(2024, 8, 28), date(2025, 2, 28), date(2025, 8, 28), date(2026, 2, 28)]


def test_dates_never_drift_after_a_short_month() -> None:
    # computed from maturity each time: 31 Aug -> 28 Feb -> 31 Aug, never 28 Aug
    periods = schedule(date(2023, 8, 31), date(2025, 8, 31), 2)
    assert ends(periods) == [date(2024, 2, 29), date(2024, 8, 31), date(2025, 2, 28), date(2025, 8, 31)]


def test_payment_and_record_dates() -> None:
    # quarterly to 29 Jun 2024 (a Saturday) with the Hong Kong Easter holidays:
    # 29 Mar 2024 (Good Friday) -> modified-following: Tue 2 Apr is in April, so preceding: Thu 28 Mar;
    # record 3 business days before: Wed 27, Tue 26, Mon 25 Mar.
    # 29 Jun 2024 (Saturday) -> following is Mon 1 Jul, so preceding: Fri 28 Jun; record Tue 25 Jun.
    periods = schedule(
        date(2023, 12, 29), date(2024, 6, 29), 4, rule="modified-following", holidays=HK_EASTER_2024, record=3
    )
    assert [(p.accrual_end, p.payment_date, p.record_date) for p in periods] == [
        (date(2024, 3, 29), date(2024, 3, 28), date(2024, 3, 25)),
        (date(2024, 6, 29), date(2024, 6, 28), date(2024, 6, 25)),
    ]
    following = schedule(date(2023, 12, 29), date(2024, 6, 29), 4, rule="following", holidays=HK_EASTER_2024)
    assert [p.payment_date for p in following] == [date(2024, 4, 2), date(2024, 7, 1)]
    assert [p.record_date for p in following] == [date(2024, 4, 2), date(2024, 7, 1)]  # offset 0


def test_period_is_a_frozen_struct_with_iso_dates_on_the_wire() -> None:
    period = schedule(date(2024, 1, 10), date(2025, 1, 10), 1)[0]
    with pytest.raises(AttributeError):
        period.index = 2  # type: ignore[misc]
    assert msgspec.json.decode(msgspec.json.encode(period)) == {
        "index": 1,
        "accrual_start": "2024-01-10",
        "accrual_end": "2025-01-10",
        "payment_date": "2025-01-10",
        "record_date": "2025-01-10",
        "reference_start": "2024-01-10",
    }


@pytest.mark.parametrize(
    ("issue", "maturity"), [(date(2024, 1, 10), date(2024, 1, 10)), (date(2024, 1, 10), date(2023, 1, 10))]
)
@pytest.mark.parametrize("frequency", [0, 2])
def test_maturity_must_follow_issue(issue: date, maturity: date, frequency: int) -> None:
    with pytest.raises(InvalidScheduleError, match="must be after issue") as caught:
        schedule(issue, maturity, frequency)
    assert (caught.value.codespace, caught.value.code) == ("finance", 8)


@pytest.mark.parametrize("frequency", [3, 6, 24, -1, True, "2", None])
def test_unknown_frequency(frequency: object) -> None:
    with pytest.raises(InvalidFrequencyError) as caught:
        schedule(date(2024, 1, 10), date(2027, 1, 10), frequency)  # type: ignore[arg-type]
    assert (caught.value.codespace, caught.value.code) == ("finance", 7)


@pytest.mark.parametrize("record", [-1, 32, True, "5"])
def test_record_offset_bounds(record: object) -> None:
    with pytest.raises(InvalidScheduleError, match="record offset"):
        schedule(date(2024, 1, 10), date(2027, 1, 10), 2, record=record)  # type: ignore[arg-type]


def test_unknown_rule_is_refused_even_for_zero_coupon() -> None:
    with pytest.raises(UnknownBusinessDayRuleError):
        schedule(date(2024, 1, 10), date(2027, 1, 10), 0, rule="nearest")


def test_period_count_is_bounded() -> None:
    assert len(schedule(date(1924, 1, 10), date(2024, 1, 10), 12)) == MAX_COUPON_PERIODS
    with pytest.raises(InvalidScheduleError, match="more than 1200 periods"):
        schedule(date(1923, 12, 10), date(2024, 1, 10), 12)
