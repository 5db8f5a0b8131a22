"""Coupon schedules of fixed-rate bonds.

A schedule is generated **backwards from maturity**: the k-th unadjusted coupon date before maturity is
``add_months(maturity, -k * 12 / frequency, end_of_month=...)``, always computed from maturity itself (never
from the previous date), so day-of-month clamping cannot drift (a 31st stays a 31st wherever the month has
one). Generation stops at the first date on or before the issue date:

* on the issue date: every period is regular;
* before it: the first period runs from the issue date and is a **short front stub**; its ACT/ACT-ICMA
  reference period is the notional regular period ending on its coupon date (``reference_start``).

Accrual dates are unadjusted; the payment date is the accrual end adjusted by the business-day rule; the
record date is the payment date moved back ``record_offset_business_days`` business days. A zero-coupon bond
(frequency 0) has no coupon periods: the schedule is ``[]`` and only the redemption at maturity is paid.
"""

from __future__ import annotations

from datetime import date  # core-ok: calendar values only; no clock is ever read
from fractions import Fraction

import msgspec

from bayledger.core.finance.dates import add_business_days, add_months, adjust, validate_business_day_rule
from bayledger.core.finance.daycount import ACT_ACT_ICMA, COUPON_FREQUENCIES, compute_year_fraction
from bayledger.core.finance.errors import InvalidFrequencyError, InvalidScheduleError

ZERO_COUPON = 0
SCHEDULE_FREQUENCIES: tuple[int, ...] = (ZERO_COUPON, *COUPON_FREQUENCIES)
MAX_COUPON_PERIODS = 1200  # 100 years of monthly coupons; bounds the work a single message can ask for
MAX_RECORD_OFFSET = 31  # business days between record date and payment date


class CouponPeriod(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One coupon period: accrual dates (unadjusted), when it is paid and who is paid (holders at record)."""

    index: int  # 1-based, in date order
    accrual_start: date  # the issue date for the first period, else the previous accrual end
    accrual_end: date  # the unadjusted coupon date
    payment_date: date  # accrual_end adjusted by the business-day rule
    record_date: date  # payment_date moved back record_offset_business_days business days
    reference_start: date  # start of the regular period ending at accrual_end (== accrual_start unless stub)

    @property
    def is_stub(self) -> bool:
        """Whether the period is shorter than a regular period (the short front stub)."""
        return self.reference_start != self.accrual_start


def _validate_frequency(frequency: object) -> int:
    """Return a frequency of :data:`SCHEDULE_FREQUENCIES`, else raise InvalidFrequencyError."""
    if isinstance(frequency, bool) or not isinstance(frequency, int) or frequency not in SCHEDULE_FREQUENCIES:
        raise InvalidFrequencyError(frequency)
    return frequency


def compute_coupon_dates(
    issue_date: date, maturity_date: date, frequency: int, *, end_of_month: bool
) -> list[date]:
    """The unadjusted coupon dates after ``issue_date`` up to and including ``maturity_date``, ascending.

    Empty for a zero-coupon bond. Raises :class:`InvalidFrequencyError` or :class:`InvalidScheduleError`
    (maturity not after issue, more than :data:`MAX_COUPON_PERIODS` periods).
    """
    freq = _validate_frequency(frequency)
    if not issue_date < maturity_date:
        raise InvalidScheduleError(
            f"maturity {maturity_date.isoformat()} must be after issue {issue_date.isoformat()}"
        )
    if freq == ZERO_COUPON:
        return []
    step = 12 // freq
    dates = [maturity_date]
    while True:
        previous = add_months(maturity_date, -step * len(dates), end_of_month=end_of_month)
        if previous <= issue_date:
            break
        if len(dates) >= MAX_COUPON_PERIODS:
            raise InvalidScheduleError(f"the schedule would have more than {MAX_COUPON_PERIODS} periods")
        dates.append(previous)
    dates.reverse()
    return dates


def compute_coupon_schedule(
    issue_date: date,
    maturity_date: date,
    frequency: int,
    *,
    business_day_rule: str,
    holidays: frozenset[date],
    record_offset_business_days: int,
    end_of_month: bool,
) -> list[CouponPeriod]:
    """The coupon periods of a fixed-rate bond, in date order (see the module docstring for the rules).

    Raises :class:`InvalidFrequencyError`, :class:`InvalidScheduleError` (maturity not after issue, record
    offset outside 0..:data:`MAX_RECORD_OFFSET`, too many periods) or
    :class:`~bayledger.core.finance.errors.UnknownBusinessDayRuleError`.
    """
    validate_business_day_rule(business_day_rule)
    offset = record_offset_business_days
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_RECORD_OFFSET:
        raise InvalidScheduleError(
            f"record offset must be 0 to {MAX_RECORD_OFFSET} business days, not {offset!r}"
        )
    coupon_dates = compute_coupon_dates(issue_date, maturity_date, frequency, end_of_month=end_of_month)
    periods: list[CouponPeriod] = []
    step = 12 // frequency if coupon_dates else 0
    count = len(coupon_dates)
    for position, accrual_end in enumerate(coupon_dates):
        accrual_start = coupon_dates[position - 1] if position else issue_date
        # the regular period ending here, computed from maturity like the coupon dates themselves
        reference_start = add_months(maturity_date, -step * (count - position), end_of_month=end_of_month)
        payment_date = adjust(accrual_end, business_day_rule, holidays)
        periods.append(
            CouponPeriod(
                index=position + 1,
                accrual_start=accrual_start,
                accrual_end=accrual_end,
                payment_date=payment_date,
                record_date=add_business_days(payment_date, -offset, holidays),
                reference_start=reference_start,
            )
        )
    return periods


def compute_period_year_fraction(convention: str, period: CouponPeriod, frequency: int) -> Fraction:
    """The year fraction of a whole coupon period, using its reference period for ``ACT/ACT-ICMA``."""
    if convention == ACT_ACT_ICMA:
        return compute_year_fraction(
            convention,
            period.accrual_start,
            period.accrual_end,
            period_start=period.reference_start,
            period_end=period.accrual_end,
            frequency=frequency,
        )
    return compute_year_fraction(convention, period.accrual_start, period.accrual_end)
