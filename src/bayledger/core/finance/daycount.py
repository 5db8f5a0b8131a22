"""Day-count conventions: the exact fraction of a year between two dates.

Every result is a :class:`fractions.Fraction`; nothing is ever rounded here (rounding happens once, on the
final money amount, in :mod:`bayledger.core.finance.money`). Periods are half-open: interest accrues from
and including ``start`` to but excluding ``end``, so ``end - start`` is the actual number of days.

Conventions (2006 ISDA Definitions §4.16 and ICMA Rule 251):

* ``ACT/365F`` (§4.16(d), Actual/365 Fixed): actual days / 365.
* ``ACT/360`` (§4.16(e)): actual days / 360.
* ``30/360`` (§4.16(f), "30/360 Bond Basis"): ``[360(Y2-Y1) + 30(M2-M1) + (D2-D1)] / 360`` where D1 = 31
  becomes 30, and D2 = 31 becomes 30 only if D1 (after that change) is 30 or 31. No February rule.
* ``30E/360`` (§4.16(g), "Eurobond Basis"): the same formula; D1 = 31 becomes 30 and D2 = 31 becomes 30.
* ``ACT/ACT-ICMA`` (ICMA Rule 251.1(iii)): actual days in the accrual period / (frequency x actual days in
  the reference coupon period that contains it). The caller passes the reference period
  (``period_start``, ``period_end``) and the coupon ``frequency`` (1, 2, 4 or 12). A full regular period is
  exactly ``1/frequency``. A short stub uses the notional regular period ending on its coupon date; a long
  stub spans two reference periods and is the sum of two calls, one per reference period.
"""

from __future__ import annotations

from datetime import date  # core-ok: calendar values only; no clock is ever read
from fractions import Fraction

from bayledger.core.finance.errors import InvalidFrequencyError, InvalidPeriodError, UnknownDayCountError

ACT_365F = "ACT/365F"
ACT_360 = "ACT/360"
THIRTY_360 = "30/360"
THIRTY_E_360 = "30E/360"
ACT_ACT_ICMA = "ACT/ACT-ICMA"
DAY_COUNT_CONVENTIONS: tuple[str, ...] = (ACT_365F, ACT_360, THIRTY_360, THIRTY_E_360, ACT_ACT_ICMA)
COUPON_FREQUENCIES: tuple[int, ...] = (1, 2, 4, 12)


def validate_day_count(convention: object) -> str:
    """Return ``convention`` if it is in :data:`DAY_COUNT_CONVENTIONS`, else raise UnknownDayCountError."""
    if not isinstance(convention, str) or convention not in DAY_COUNT_CONVENTIONS:
        raise UnknownDayCountError(convention)
    return convention


def compute_actual_days(start: date, end: date) -> int:
    """The actual number of days from ``start`` (included) to ``end`` (excluded); negative if reversed."""
    return (end - start).days


def _thirty_360_days(start: date, end: date, *, eurobond: bool) -> int:
    """The 30/360 numerator: ``360(Y2-Y1) + 30(M2-M1) + (D2-D1)`` after the day-of-month rules."""
    d1 = 30 if start.day == 31 else start.day
    d2 = end.day
    if d2 == 31 and (eurobond or d1 == 30):
        d2 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def compute_day_count(convention: str, start: date, end: date) -> int:
    """The day-count numerator of ``convention`` between ``start`` and ``end``.

    Actual days for ``ACT/*`` conventions, 30/360-style days for ``30/360`` and ``30E/360``. Raises
    :class:`UnknownDayCountError` for an unknown convention.
    """
    validate_day_count(convention)
    if convention == THIRTY_360:
        return _thirty_360_days(start, end, eurobond=False)
    if convention == THIRTY_E_360:
        return _thirty_360_days(start, end, eurobond=True)
    return compute_actual_days(start, end)


def _validate_frequency(frequency: object) -> int:
    """Return a coupon frequency of :data:`COUPON_FREQUENCIES`, else raise InvalidFrequencyError."""
    if isinstance(frequency, bool) or not isinstance(frequency, int) or frequency not in COUPON_FREQUENCIES:
        raise InvalidFrequencyError(frequency)
    return frequency


def _icma_fraction(
    start: date, end: date, period_start: date | None, period_end: date | None, frequency: int | None
) -> Fraction:
    """ACT/ACT-ICMA: days(start, end) / (frequency x days(period_start, period_end))."""
    if period_start is None or period_end is None or frequency is None:
        raise InvalidPeriodError("ACT/ACT-ICMA needs period_start, period_end and frequency")
    freq = _validate_frequency(frequency)
    if not period_start < period_end:
        raise InvalidPeriodError(
            f"reference period {period_start.isoformat()} to {period_end.isoformat()} is empty or reversed"
        )
    if not period_start <= start <= end <= period_end:
        raise InvalidPeriodError(
            f"accrual {start.isoformat()} to {end.isoformat()} is not inside the reference period "
            f"{period_start.isoformat()} to {period_end.isoformat()}; split a long stub per reference period"
        )
    return Fraction(compute_actual_days(start, end), freq * compute_actual_days(period_start, period_end))


def compute_year_fraction(
    convention: str,
    start: date,
    end: date,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    frequency: int | None = None,
) -> Fraction:
    """The exact year fraction of the accrual period ``start`` to ``end`` under ``convention``.

    ``period_start``, ``period_end`` and ``frequency`` are required by ``ACT/ACT-ICMA`` (the reference coupon
    period containing the accrual period) and ignored by the other conventions. Raises
    :class:`UnknownDayCountError`, :class:`InvalidPeriodError` (``end`` before ``start``, missing or
    inconsistent reference period) or :class:`InvalidFrequencyError`.
    """
    validate_day_count(convention)
    if end < start:
        raise InvalidPeriodError(f"accrual end {end.isoformat()} is before its start {start.isoformat()}")
    if convention == ACT_ACT_ICMA:
        return _icma_fraction(start, end, period_start, period_end, frequency)
    days = compute_day_count(convention, start, end)
    if convention == ACT_365F:
        return Fraction(days, 365)
    return Fraction(days, 360)
