"""Pure coupon maths of a bond: the rate of a period (with a KPI step-up), who holds what at a record date,
and each holder's coupon, exact and rounded once (see README.md "Coupons")."""

from __future__ import annotations

from datetime import date  # core-ok: calendar values only
from fractions import Fraction

import msgspec

from bayledger.core.finance import (
    BPS_PER_UNIT,
    HALF_EVEN,
    CouponPeriod,
    adjust,
    compute_coupon_amount,
    compute_day_of_date,
    compute_period_year_fraction,
    parse_date,
    parse_holidays,
    parse_rate,
    split_with_remainder,
)
from bayledger.core.modules.bonds.state import Bond, HistoryEntry
from bayledger.core.modules.bonds.terms import is_kpi_missed
from bayledger.core.types import Did


class CouponComputation(msgspec.Struct, frozen=True):
    """A coupon of one period: the rate, the year fraction, the total on the outstanding amount (rounded
    half-even once), each holder's payment (rounded down) and the undistributed remainder."""

    rate: Fraction
    year_fraction: Fraction
    outstanding: int
    total: int
    payments: dict[Did, int]
    holdings: dict[Did, int]
    remainder: int


def get_amount_at(entries: list[HistoryEntry], day: int) -> int:
    """The amount at the end of ``day`` from an ascending per-day history (0 before its first entry)."""
    amount = 0
    for entry in entries:
        if entry.day > day:
            break
        amount = entry.amount
    return amount


def is_step_up_period(bond: Bond, period: CouponPeriod) -> bool:
    """True when the KPI step-up applies to ``period``: the bond has a KPI, the period accrues from its
    observation date on, and the attested value missed the target (or nothing was attested: a KPI that
    is not reported counts as missed)."""
    kpi = bond.terms.kpi
    if kpi is None or period.accrual_start < parse_date(kpi.observation_date):
        return False
    result = bond.kpi_result
    return result is None or is_kpi_missed(kpi, result.observed_value)


def compute_period_rate(bond: Bond, period: CouponPeriod) -> Fraction:
    """The annual rate of a coupon period: the coupon rate, plus the KPI step-up where it applies."""
    rate = parse_rate(bond.terms.coupon_rate)
    kpi = bond.terms.kpi
    if kpi is not None and is_step_up_period(bond, period):
        rate += Fraction(kpi.step_up_bps, BPS_PER_UNIT)
    return rate


def compute_coupon(
    bond: Bond,
    period: CouponPeriod,
    histories: dict[Did, list[HistoryEntry]],
    outstanding_history: list[HistoryEntry],
) -> CouponComputation:
    """The coupon of ``period`` to the holders at the end of its record date."""
    record_day = compute_day_of_date(period.record_date)
    unit = bond.terms.specified_denomination
    holdings = {did: get_amount_at(entries, record_day) for did, entries in sorted(histories.items())}
    holdings = {did: amount for did, amount in holdings.items() if amount}
    outstanding = get_amount_at(outstanding_history, record_day)
    rate = compute_period_rate(bond, period)
    year_fraction = compute_period_year_fraction(
        bond.terms.day_count_fraction, period, bond.terms.interest_payment_frequency
    )
    total = compute_coupon_amount(outstanding, rate, year_fraction, HALF_EVEN)
    per_unit = unit * rate * year_fraction
    units = {did: amount // unit for did, amount in holdings.items()}
    payments, remainder = split_with_remainder(total, units, per_unit)
    return CouponComputation(
        rate=rate,
        year_fraction=year_fraction,
        outstanding=outstanding,
        total=total,
        payments=payments,
        holdings=holdings,
        remainder=remainder,
    )


def get_redemption_date(bond: Bond) -> date:
    """The date the face amount is repaid: the last coupon's payment date, or the adjusted maturity."""
    if bond.schedule:
        return bond.schedule[-1].payment_date
    terms = bond.terms
    return adjust(
        parse_date(terms.maturity_date), terms.business_day_convention, parse_holidays(terms.holidays)
    )
