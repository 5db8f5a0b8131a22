"""Property tests of the bond maths (bayledger.core.finance).

Allocation is exact and fair (sums to the total, each share within 1 of its exact share, independent of
dict order, monotone in the weight); rounding agrees with Python's exact Fraction rounding; schedules are
contiguous, strictly increasing, start at issue and end at maturity, with every regular period worth exactly
1/frequency under ACT/ACT-ICMA; 30/360 of a whole year is 1; business-day arithmetic lands on business days.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from bayledger.core.finance import (
    BUSINESS_DAY_RULES,
    COUPON_FREQUENCIES,
    add_business_days,
    add_months,
    adjust,
    allocate_pro_rata,
    compute_coupon_schedule,
    compute_isin_check_digit,
    compute_period_year_fraction,
    compute_year_fraction,
    format_date,
    format_rate,
    is_business_day,
    is_end_of_month,
    is_valid_isin,
    parse_date,
    parse_rate,
    round_down,
    round_half_even,
    split_with_remainder,
)


def near(value: date, offsets: frozenset[int]) -> frozenset[date]:
    """Holidays at the given day offsets from ``value``."""
    return frozenset(value + timedelta(days=n) for n in offsets)


def every_year(pairs: frozenset[tuple[int, int]], first: int, last: int) -> frozenset[date]:
    """The (month, day) holidays in every year from ``first`` to ``last`` (impossible days skipped)."""
    return frozenset(
        date(year, month, day)
        for year in range(first, last + 1)
        for month, day in pairs
        if day <= (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    )


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
# holidays as offsets (days) around the date under test, so they actually get in the way
holiday_offsets = st.frozensets(st.integers(-45, 45), max_size=30)
# fixed-date annual holidays (month, day) for schedules, e.g. {(1, 1), (7, 1), (12, 25)}
annual_holidays = st.frozensets(st.tuples(st.integers(1, 12), st.integers(1, 31)), max_size=40)
fractions = st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**12)
keys = st.text(alphabet="abcdefghij", min_size=1, max_size=4)
weights = st.dictionaries(keys, st.integers(0, 10**9), min_size=1, max_size=12).filter(
    lambda w: sum(w.values()) > 0
)
frequencies = st.sampled_from(COUPON_FREQUENCIES)
isin_bodies = st.tuples(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=9, max_size=9),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 10**15), weights=weights)
def test_pro_rata_is_exact_and_fair(total: int, weights: dict[str, int]) -> None:
    shares = allocate_pro_rata(total, weights)
    whole = sum(weights.values())
    assert sum(shares.values()) == total
    assert set(shares) == set(weights)
    for key, share in shares.items():
        assert abs(share - Fraction(total * weights[key], whole)) < 1
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert shares[a] >= shares[b]
    reordered = dict(reversed(list(weights.items())))
    assert allocate_pro_rata(total, reordered) == shares


@settings(max_examples=200, deadline=None)
@given(
    holdings=st.dictionaries(keys, st.integers(0, 10**9), max_size=12),
    per_unit=st.fractions(min_value=0, max_value=10**6, max_denominator=10**4),
)
def test_split_never_pays_more_than_funded(holdings: dict[str, int], per_unit: Fraction) -> None:
    funded = round_half_even(sum(holdings.values()) * per_unit)
    payments, remainder = split_with_remainder(funded, holdings, per_unit)
    assert remainder >= 0
    assert sum(payments.values()) + remainder == funded
    assert remainder <= len(holdings) + 1  # at most one unit lost per holder, plus the funding rounding
    for key, paid in payments.items():
        assert 0 <= holdings[key] * per_unit - paid < 1


@settings(max_examples=500, deadline=None)
@given(value=fractions)
def test_rounding_agrees_with_exact_python_rounding(value: Fraction) -> None:
    assert round_half_even(value) == round(value)  # Fraction.__round__ rounds half to even, exactly
    assert round_down(value) == int(value)  # int() truncates toward zero
    assert abs(value - round_half_even(value)) <= Fraction(1, 2)


@settings(max_examples=200, deadline=None)
@given(bps=st.integers(0, 10_000))
def test_rate_wire_forms_agree(bps: int) -> None:
    rate = parse_rate(bps)
    assert parse_rate(format_rate(rate)) == rate == Fraction(bps, 10_000)


@settings(max_examples=200, deadline=None)
@given(value=dates)
def test_date_wire_round_trip(value: date) -> None:
    assert parse_date(format_date(value)) == value


@settings(max_examples=300, deadline=None)
@given(
    issue=dates,
    years=st.integers(0, 12),
    extra_days=st.integers(1, 400),
    frequency=frequencies,
    rule=st.sampled_from(BUSINESS_DAY_RULES),
    annual=annual_holidays,
    record=st.integers(0, 10),
    eom=st.booleans(),
)
def test_schedules_are_well_formed(
    issue: date,
    years: int,
    extra_days: int,
    frequency: int,
    rule: str,
    annual: frozenset[tuple[int, int]],
    record: int,
    eom: bool,
) -> None:
    maturity = issue + timedelta(days=365 * years + extra_days)
    holidays = every_year(annual, issue.year - 1, maturity.year + 1)
    periods = compute_coupon_schedule(
        issue,
        maturity,
        frequency,
        business_day_rule=rule,
        holidays=holidays,
        record_offset_business_days=record,
        end_of_month=eom,
    )
    assert periods, "a coupon bond has at least one period"
    assert periods[0].accrual_start == issue
    assert periods[-1].accrual_end == maturity
    assert [p.index for p in periods] == list(range(1, len(periods) + 1))
    for previous, current in itertools.pairwise(periods):
        assert current.accrual_start == previous.accrual_end
        assert not current.is_stub
    for period in periods:
        assert period.accrual_start < period.accrual_end
        assert period.reference_start <= period.accrual_start
        assert period.record_date <= period.payment_date
        fraction = compute_period_year_fraction("ACT/ACT-ICMA", period, frequency)
        if period.is_stub:
            assert 0 < fraction < Fraction(1, frequency)
        else:
            assert fraction == Fraction(1, frequency)
        if rule != "unadjusted":
            assert is_business_day(period.payment_date, holidays)
        if record:
            assert is_business_day(period.record_date, holidays)
    # the unadjusted coupon dates step by whole periods from maturity
    step = 12 // frequency
    for position, period in enumerate(reversed(periods)):
        assert period.accrual_end == add_months(maturity, -step * position, end_of_month=eom)


@settings(max_examples=300, deadline=None)
@given(start=dates, frequency=frequencies, eom=st.booleans())
def test_icma_full_regular_period_is_one_over_frequency(start: date, frequency: int, eom: bool) -> None:
    end = add_months(start, 12 // frequency, end_of_month=eom)
    fraction = compute_year_fraction(
        "ACT/ACT-ICMA", start, end, period_start=start, period_end=end, frequency=frequency
    )
    assert fraction == Fraction(1, frequency)


@settings(max_examples=300, deadline=None)
@given(start=dates.filter(lambda d: (d.month, d.day) != (2, 29)), years=st.integers(1, 30))
def test_thirty_360_whole_years(start: date, years: int) -> None:
    end = add_months(start, 12 * years)
    assert compute_year_fraction("30/360", start, end) == years
    assert compute_year_fraction("30E/360", start, end) == years


@settings(max_examples=300, deadline=None)
@given(value=dates, months=st.integers(-240, 240))
def test_add_months_inverts_below_day_29_and_keeps_month_ends(value: date, months: int) -> None:
    moved = add_months(value, months)
    assert (moved.year * 12 + moved.month) - (value.year * 12 + value.month) == months
    if value.day <= 28:
        assert add_months(moved, -months) == value
    if is_end_of_month(value):
        assert is_end_of_month(add_months(value, months, end_of_month=True))


@settings(max_examples=300, deadline=None)
@given(value=dates, days=st.integers(-40, 40), offsets=holiday_offsets)
def test_business_day_steps(value: date, days: int, offsets: frozenset[int]) -> None:
    holidays = near(value, offsets)
    moved = add_business_days(value, days, holidays)
    if days == 0:
        assert moved == value
        return
    assert is_business_day(moved, holidays)
    low, high = min(value, moved), max(value, moved)
    between = sum(
        1 for n in range(1, (high - low).days + 1) if is_business_day(low + timedelta(days=n), holidays)
    )
    # business days in (low, high]: forward that is exactly ``days``; backward the landing day (a business
    # day) is excluded and the start day counts only if it is a business day itself
    expected = days if days > 0 else -days - 1 + int(is_business_day(value, holidays))
    assert between == expected


@settings(max_examples=300, deadline=None)
@given(value=dates, rule=st.sampled_from(BUSINESS_DAY_RULES), offsets=holiday_offsets)
def test_adjust_lands_on_a_nearby_business_day(value: date, rule: str, offsets: frozenset[int]) -> None:
    holidays = near(value, offsets)
    adjusted = adjust(value, rule, holidays)
    if rule == "unadjusted":
        assert adjusted == value
        return
    assert is_business_day(adjusted, holidays)
    if is_business_day(value, holidays):
        assert adjusted == value
    if rule.startswith("modified-"):
        month_has_business_day = any(
            is_business_day(d, holidays)
            for d in (value.replace(day=1) + timedelta(days=n) for n in range(31))
            if d.month == value.month
        )
        assert adjusted.month == value.month or not month_has_business_day


@settings(max_examples=300, deadline=None)
@given(body=isin_bodies)
def test_isin_check_digit_makes_it_valid_and_only_that_digit(body: str) -> None:
    digit = compute_isin_check_digit(body)
    assert is_valid_isin(body + digit)
    assert not is_valid_isin(body.lower() + digit)  # the prefix has letters: lower case is refused
    for other in "0123456789":
        if other != digit:
            assert not is_valid_isin(body + other)
