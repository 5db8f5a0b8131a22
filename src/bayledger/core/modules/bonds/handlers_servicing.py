"""Handlers of a bond's servicing: coupons, the missed-coupon watch, the KPI attestation and redemption."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.finance import compute_day_of_date, format_date, format_rate, parse_date
from bayledger.core.modules.bonds.coupons import compute_coupon, get_redemption_date
from bayledger.core.modules.bonds.errors import (
    CouponAlreadyPaidError,
    CouponNotFoundError,
    CouponsUnpaidError,
    EncumberedHoldingsError,
    KpiAlreadyAttestedError,
    NoKpiError,
    SelfReviewError,
)
from bayledger.core.modules.bonds.events import (
    EventAttestKpi,
    EventCouponMissed,
    EventCouponPayment,
    EventPayCoupon,
    EventRedeemBond,
)
from bayledger.core.modules.bonds.keeper import (
    check_due,
    check_issuer,
    check_status,
    get_today,
    get_today_date,
    require_bond,
    set_outstanding,
    write_holding,
)
from bayledger.core.modules.bonds.msgs import MsgAttestKpi, MsgPayCoupon, MsgRedeemBond
from bayledger.core.modules.bonds.payments import COUPON, REDEMPTION, pay_holder
from bayledger.core.modules.bonds.state import (
    ACTIVE,
    REDEEMED,
    Bond,
    CouponRecord,
    KpiResult,
    Watch,
    get_bond,
    get_coupon,
    get_outstanding_history,
    list_histories,
    list_holdings,
    list_watches,
    set_bond,
    set_coupon,
    set_watch,
)
from bayledger.core.modules.bonds.terms import is_kpi_missed

MISSED, PAID = "missed", "paid"


def _watch_next(ctx: Context, bond: Bond, after_index: int) -> None:
    """Watch the coupon after ``after_index`` (or stop watching the bond when it was the last)."""
    if after_index >= len(bond.schedule):
        set_watch(ctx.store, None, bond.bond_id)
        return
    period = bond.schedule[after_index]
    set_watch(
        ctx.store, Watch(bond.bond_id, period.index, compute_day_of_date(period.payment_date)), bond.bond_id
    )


def process_pay_coupon(ctx: Context, msg: MsgPayCoupon) -> None:
    """Pay coupon ``index`` (in order, once, on or after its payment date) to the holders of record."""
    bond = require_bond(ctx, msg.bond_id)
    check_issuer(bond, msg.issuer)
    check_status(bond, (ACTIVE,), "pay a coupon of")
    if msg.index > len(bond.schedule):
        raise CouponNotFoundError(bond.bond_id, msg.index, len(bond.schedule))
    previous = get_coupon(ctx.store, bond.bond_id, msg.index)
    if previous is not None and previous.status == PAID:
        raise CouponAlreadyPaidError(bond.bond_id, msg.index, previous.paid_height)
    if msg.index != bond.coupons_paid + 1:
        raise CouponsUnpaidError(bond.bond_id, list(range(bond.coupons_paid + 1, msg.index)))
    period = bond.schedule[msg.index - 1]
    check_due(ctx, bond, f"pay coupon {msg.index} of", period.payment_date)
    coupon = compute_coupon(
        bond,
        period,
        list_histories(ctx.store, bond.bond_id),
        get_outstanding_history(ctx.store, bond.bond_id),
    )

    paid = withheld = 0
    for holder, amount in coupon.payments.items():
        delivered = pay_holder(ctx, bond, holder, amount, COUPON, msg.index) if amount else True
        paid, withheld = (paid + amount, withheld) if delivered else (paid, withheld + amount)
        ctx.emit(
            EventCouponPayment(
                bond_id=bond.bond_id,
                index=msg.index,
                holder=holder,
                holding=coupon.holdings[holder],
                amount=amount,
                withheld=not delivered,
            )
        )
    record = CouponRecord(
        bond_id=bond.bond_id,
        index=msg.index,
        status=PAID,
        rate=format_rate(coupon.rate),
        total=coupon.total,
        paid=paid,
        remainder=coupon.remainder,
        holders=len(coupon.payments),
        missed_height=previous.missed_height if previous is not None else 0,
        paid_height=ctx.height,
        withheld=withheld,
    )
    set_coupon(ctx.store, record)
    set_bond(ctx.store, replace(bond, coupons_paid=msg.index))
    if previous is None:  # not flagged missed: the watch is still on this coupon
        _watch_next(ctx, bond, msg.index)

    ctx.emit(
        EventPayCoupon(
            bond_id=bond.bond_id,
            index=msg.index,
            record_date=format_date(period.record_date),
            payment_date=format_date(period.payment_date),
            rate=record.rate,
            total=coupon.total,
            paid=paid,
            remainder=coupon.remainder,
            holders=len(coupon.payments),
            late=get_today_date(ctx) > period.payment_date,
            withheld=withheld,
        )
    )


def end_block(ctx: Context) -> None:
    """Flag every coupon whose payment date has passed unpaid: a ``missed`` record and EventCouponMissed,
    once per coupon (an issuer cannot miss a coupon silently)."""
    today = get_today(ctx)
    for watch in list_watches(ctx.store):
        if today <= watch.payment_day:
            continue
        bond = get_bond(ctx.store, watch.bond_id)
        if bond is None:  # the watch and the bond are written together; never happens
            continue
        period = bond.schedule[watch.index - 1]
        set_coupon(ctx.store, CouponRecord(bond.bond_id, watch.index, MISSED, missed_height=ctx.height))
        _watch_next(ctx, bond, watch.index)
        ctx.emit(
            EventCouponMissed(
                bond_id=bond.bond_id,
                index=watch.index,
                payment_date=format_date(period.payment_date),
                issuer=bond.issuer,
            )
        )


def process_attest_kpi(ctx: Context, msg: MsgAttestKpi) -> None:
    """Record the KPI's observed value (once, on or after the observation date, by an external reviewer)."""
    bond = require_bond(ctx, msg.bond_id)
    kpi = bond.terms.kpi
    if kpi is None:
        raise NoKpiError(bond.bond_id)
    if msg.reviewer == bond.issuer:
        raise SelfReviewError(bond.bond_id, msg.reviewer)
    if bond.kpi_result is not None:
        raise KpiAlreadyAttestedError(bond.bond_id, bond.kpi_result.reviewer, bond.kpi_result.height)
    check_status(bond, (ACTIVE,), "attest the KPI of")
    check_due(ctx, bond, "attest the KPI of", parse_date(kpi.observation_date))

    missed = is_kpi_missed(kpi, msg.observed_value)
    result = KpiResult(msg.observed_value, missed, msg.reviewer, msg.evidence_hash, ctx.height)
    set_bond(ctx.store, replace(bond, kpi_result=result))

    ctx.emit(
        EventAttestKpi(
            bond_id=bond.bond_id,
            reviewer=msg.reviewer,
            observed_value=msg.observed_value,
            target_value=kpi.target_value,
            missed=missed,
            step_up_bps=kpi.step_up_bps if missed else 0,
            observation_date=kpi.observation_date,
        )
    )


def process_redeem_bond(ctx: Context, msg: MsgRedeemBond) -> None:
    """Repay every holder's face amount at maturity (all coupons paid, nothing pledged or escrowed) and
    cancel the bonds."""
    bond = require_bond(ctx, msg.bond_id)
    check_issuer(bond, msg.issuer)
    check_status(bond, (ACTIVE,), "redeem")
    check_due(ctx, bond, "redeem", get_redemption_date(bond))
    if bond.coupons_paid < len(bond.schedule):
        raise CouponsUnpaidError(bond.bond_id, list(range(bond.coupons_paid + 1, len(bond.schedule) + 1)))
    holdings = list_holdings(ctx.store, bond.bond_id)
    pledged, escrowed = sum(h.pledged for h in holdings), sum(h.escrowed for h in holdings)
    if pledged or escrowed:
        raise EncumberedHoldingsError(bond.bond_id, pledged, escrowed)

    withheld = 0
    for holding in holdings:
        if not pay_holder(ctx, bond, holding.holder, holding.amount, REDEMPTION, 0):
            withheld += holding.amount
        write_holding(ctx, replace(holding, amount=0), amount_changed=True)
    set_outstanding(ctx, bond, 0, status=REDEEMED)
    set_watch(ctx.store, None, bond.bond_id)

    repaid = sum(h.amount for h in holdings) - withheld
    ctx.emit(EventRedeemBond(bond_id=bond.bond_id, repaid=repaid, holders=len(holdings), withheld=withheld))
