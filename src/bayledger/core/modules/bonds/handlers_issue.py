"""Handlers of the primary market: framework and review, bond creation, the book, allocation and
delivery-versus-payment settlement."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.finance import (
    add_business_days,
    allocate_pro_rata,
    compute_date_of_day,
    compute_day_of_date,
    format_date,
    parse_date,
    parse_holidays,
)
from bayledger.core.modules.bonds.errors import (
    AllocationExceedsFaceError,
    AllocationExceedsOrderError,
    BondExistsError,
    EmptyAllocationError,
    FrameworkExistsError,
    FrameworkNotFoundError,
    OrderNotFoundError,
    ReviewExistsError,
    SelfReviewError,
    SettlementTokenError,
    SettlementTooLateError,
    UnverifiedFrameworkError,
)
from bayledger.core.modules.bonds.events import (
    EventAllocateBond,
    EventCreateBond,
    EventDeliverBond,
    EventPlaceOrder,
    EventPublishFramework,
    EventRecordReview,
    EventSettleBond,
)
from bayledger.core.modules.bonds.keeper import (
    check_denomination,
    check_due,
    check_eligible,
    check_issuer,
    check_not_frozen,
    check_status,
    get_today,
    get_today_date,
    require_bond,
    set_outstanding,
    write_holding,
)
from bayledger.core.modules.bonds.msgs import (
    ALIGNED,
    PRO_RATA,
    MsgAllocateBond,
    MsgCreateBond,
    MsgPlaceOrder,
    MsgPublishFramework,
    MsgRecordReview,
    MsgSettleBond,
)
from bayledger.core.modules.bonds.state import (
    ACTIVE,
    ALLOCATED,
    BOOK_OPEN,
    Allotment,
    Bond,
    Framework,
    Order,
    Review,
    Watch,
    get_bond,
    get_framework,
    get_framework_id_by_hash,
    get_holding,
    get_order,
    get_review,
    list_allotments,
    list_orders,
    list_reviews,
    replace_allotments,
    set_bond,
    set_framework,
    set_order,
    set_review,
    set_watch,
    take_framework_id,
)
from bayledger.core.modules.bonds.terms import compute_bond_id, compute_price_cash, compute_schedule
from bayledger.core.modules.cash import get_token, transfer_cash


def process_publish_framework(ctx: Context, msg: MsgPublishFramework) -> None:
    """Record an issuer's green-bond framework under a new id ``GBF-<n>``."""
    existing = get_framework_id_by_hash(ctx.store, msg.issuer, msg.document_hash)
    if existing is not None:
        raise FrameworkExistsError(msg.issuer, msg.document_hash, existing)

    framework_id = take_framework_id(ctx.store)
    set_framework(
        ctx.store,
        Framework(
            framework_id=framework_id,
            issuer=msg.issuer,
            document_hash=msg.document_hash,
            uri=msg.uri,
            name_en=msg.name_en,
            name_zh=msg.name_zh,
            categories=list(msg.categories),
            project_evaluation=msg.project_evaluation,
            management_of_proceeds=msg.management_of_proceeds,
            reporting=msg.reporting,
            height=ctx.height,
        ),
    )

    ctx.emit(
        EventPublishFramework(framework_id=framework_id, issuer=msg.issuer, document_hash=msg.document_hash)
    )


def process_record_review(ctx: Context, msg: MsgRecordReview) -> None:
    """Record an external reviewer's second-party opinion on a framework (once per reviewer)."""
    framework = get_framework(ctx.store, msg.framework_id)
    if framework is None:
        raise FrameworkNotFoundError(msg.framework_id)
    if framework.issuer == msg.reviewer:
        raise SelfReviewError(msg.framework_id, msg.reviewer)
    if get_review(ctx.store, msg.framework_id, msg.reviewer) is not None:
        raise ReviewExistsError(msg.framework_id, msg.reviewer)

    review = Review(
        framework_id=msg.framework_id,
        reviewer=msg.reviewer,
        opinion=msg.opinion,
        credential_id=msg.credential_id,
        credential_hash=msg.credential_hash,
        height=ctx.height,
    )
    set_review(ctx.store, review)

    ctx.emit(
        EventRecordReview(
            framework_id=msg.framework_id,
            reviewer=msg.reviewer,
            opinion=msg.opinion,
            credential_id=msg.credential_id,
        )
    )


def _check_green(ctx: Context, msg: MsgCreateBond) -> None:
    framework_id = msg.terms.framework_id
    framework = get_framework(ctx.store, framework_id)
    if framework is None:
        raise UnverifiedFrameworkError(framework_id, "no such framework")
    if framework.issuer != msg.issuer:
        raise UnverifiedFrameworkError(framework_id, f"it is {framework.issuer}'s framework")
    if not any(review.opinion == ALIGNED for review in list_reviews(ctx.store, framework_id)):
        raise UnverifiedFrameworkError(framework_id, "no external reviewer found it aligned")


def process_create_bond(ctx: Context, msg: MsgCreateBond) -> None:
    """Create a bond from validated terms and open its book."""
    terms = msg.terms
    bond_id = compute_bond_id(terms.isin)
    if get_bond(ctx.store, bond_id) is not None:
        raise BondExistsError(bond_id)
    token = get_token(ctx.store, terms.cash_token_id)
    if token is None:
        raise SettlementTokenError(terms.cash_token_id, "no such deposit token")
    if token.currency != terms.specified_currency:
        raise SettlementTokenError(
            terms.cash_token_id, f"it is {token.currency}, the bond is in {terms.specified_currency}"
        )
    if terms.green:
        _check_green(ctx, msg)

    schedule = compute_schedule(terms)
    bond = Bond(
        bond_id=bond_id,
        issuer=msg.issuer,
        terms=terms,
        schedule=schedule,
        status=BOOK_OPEN,
        created_height=ctx.height,
    )
    set_bond(ctx.store, bond)

    ctx.emit(
        EventCreateBond(
            bond_id=bond_id,
            isin=terms.isin,
            issuer=msg.issuer,
            face=terms.aggregate_nominal_amount,
            green=terms.green,
            coupons=len(schedule),
        )
    )


def process_place_order(ctx: Context, msg: MsgPlaceOrder) -> None:
    """Place, replace or (amount 0) withdraw an eligible investor's order while the book is open."""
    bond = require_bond(ctx, msg.bond_id)
    check_status(bond, (BOOK_OPEN,), "place an order in")
    if msg.amount:
        check_denomination(bond, msg.amount)
        check_eligible(ctx, bond, "investor", msg.investor)
    elif get_order(ctx.store, bond.bond_id, msg.investor) is None:
        raise OrderNotFoundError(bond.bond_id, msg.investor)

    set_order(
        ctx.store, Order(bond_id=bond.bond_id, investor=msg.investor, amount=msg.amount, height=ctx.height)
    )

    book_total = sum(order.amount for order in list_orders(ctx.store, bond.bond_id))
    ctx.emit(
        EventPlaceOrder(bond_id=bond.bond_id, investor=msg.investor, amount=msg.amount, book_total=book_total)
    )


def compute_allotments(bond: Bond, orders: list[Order], msg: MsgAllocateBond) -> list[Allotment]:
    """The allotments of an allocation: pro rata to the orders in whole denominations (all orders in full
    when the book is not oversubscribed), or the issuer's discretionary lines (each within its order)."""
    unit, face = bond.terms.specified_denomination, bond.terms.aggregate_nominal_amount
    ordered = {order.investor: order.amount for order in orders}
    if msg.method == PRO_RATA:
        if sum(ordered.values()) <= face:
            amounts = ordered
        else:
            units = allocate_pro_rata(face // unit, {did: amount // unit for did, amount in ordered.items()})
            amounts = {did: count * unit for did, count in units.items() if count}
    else:
        amounts = {}
        for line in msg.allotments:
            if line.investor not in ordered:
                raise OrderNotFoundError(bond.bond_id, line.investor)
            if line.amount > ordered[line.investor]:
                raise AllocationExceedsOrderError(
                    bond.bond_id, line.investor, ordered[line.investor], line.amount
                )
            check_denomination(bond, line.amount)
            amounts[line.investor] = line.amount
    total = sum(amounts.values())
    if total > face:
        raise AllocationExceedsFaceError(bond.bond_id, total, face)
    if total == 0:
        raise EmptyAllocationError(bond.bond_id)
    price = bond.terms.issue_price
    return [
        Allotment(bond_id=bond.bond_id, investor=did, amount=amount, cash=compute_price_cash(amount, price))
        for did, amount in sorted(amounts.items())
    ]


def process_allocate_bond(ctx: Context, msg: MsgAllocateBond) -> None:
    """Close the book and allot; settlement may run from max(issue date, today + settlement lag)."""
    bond = require_bond(ctx, msg.bond_id)
    check_issuer(bond, msg.issuer)
    check_status(bond, (BOOK_OPEN, ALLOCATED), "allocate")
    allotments = compute_allotments(bond, list_orders(ctx.store, bond.bond_id), msg)

    holidays = parse_holidays(bond.terms.holidays)
    earliest = add_business_days(get_today_date(ctx), bond.terms.settlement_lag, holidays)
    settlement_day = max(
        compute_day_of_date(parse_date(bond.terms.issue_date)), compute_day_of_date(earliest)
    )
    replace_allotments(ctx.store, bond.bond_id, allotments)
    allotted = sum(a.amount for a in allotments)
    set_bond(
        ctx.store,
        replace(
            bond,
            status=ALLOCATED,
            allocation_method=msg.method,
            allocation_day=get_today(ctx),
            settlement_day=settlement_day,
            allotted=allotted,
        ),
    )

    ctx.emit(
        EventAllocateBond(
            bond_id=bond.bond_id,
            method=msg.method,
            allotted=allotted,
            investors=len(allotments),
            settlement_date=format_date(compute_date_of_day(settlement_day)),
        )
    )


def _check_settlement_window(ctx: Context, bond: Bond) -> None:
    check_due(ctx, bond, "settle", compute_date_of_day(bond.settlement_day))
    deadline = bond.schedule[0].record_date if bond.schedule else parse_date(bond.terms.maturity_date)
    today = get_today_date(ctx)
    if today >= deadline:
        raise SettlementTooLateError(bond.bond_id, format_date(deadline), format_date(today))


def process_settle_bond(ctx: Context, msg: MsgSettleBond) -> None:
    """Delivery versus payment for every allotment in one message: it succeeds whole or fails whole
    (a missing credential, a freeze or short cash of any investor fails it and nothing moves)."""
    bond = require_bond(ctx, msg.bond_id)
    check_issuer(bond, msg.issuer)
    check_status(bond, (ALLOCATED,), "settle")
    _check_settlement_window(ctx, bond)
    allotments = list_allotments(ctx.store, bond.bond_id)

    proceeds = 0
    for allotment in allotments:
        check_eligible(ctx, bond, "investor", allotment.investor)
        check_not_frozen(ctx, bond, allotment.investor)
        transfer_cash(ctx, bond.terms.cash_token_id, allotment.investor, bond.issuer, allotment.cash)
        holding = get_holding(ctx.store, bond.bond_id, allotment.investor)
        write_holding(ctx, replace(holding, amount=holding.amount + allotment.amount), amount_changed=True)
        proceeds += allotment.cash
        ctx.emit(
            EventDeliverBond(
                bond_id=bond.bond_id,
                investor=allotment.investor,
                amount=allotment.amount,
                cash=allotment.cash,
            )
        )
    delivered = sum(a.amount for a in allotments)
    set_outstanding(ctx, bond, delivered, status=ACTIVE, settled_height=ctx.height, proceeds=proceeds)
    if bond.schedule:
        first = bond.schedule[0]
        set_watch(
            ctx.store, Watch(bond.bond_id, first.index, compute_day_of_date(first.payment_date)), bond.bond_id
        )

    ctx.emit(
        EventSettleBond(
            bond_id=bond.bond_id, delivered=delivered, proceeds=proceeds, investors=len(allotments)
        )
    )
