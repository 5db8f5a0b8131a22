"""Events of the bonds module. Amounts are integers in minor units of the bond's currency."""

from __future__ import annotations

from bayledger.core.events import Event


class EventPublishFramework(Event, frozen=True, tag="bonds/EventPublishFramework"):
    """An issuer published a green-bond framework."""

    framework_id: str
    issuer: str
    document_hash: str


class EventRecordReview(Event, frozen=True, tag="bonds/EventRecordReview"):
    """An external reviewer recorded its second-party opinion on a framework."""

    framework_id: str
    reviewer: str
    opinion: str
    credential_id: str


class EventCreateBond(Event, frozen=True, tag="bonds/EventCreateBond"):
    """A bond was created and its book opened."""

    bond_id: str
    isin: str
    issuer: str
    face: int
    green: bool
    coupons: int


class EventPlaceOrder(Event, frozen=True, tag="bonds/EventPlaceOrder"):
    """An investor placed, changed (or, with amount 0, withdrew) its order."""

    bond_id: str
    investor: str
    amount: int
    book_total: int


class EventAllocateBond(Event, frozen=True, tag="bonds/EventAllocateBond"):
    """The issuer allotted the bond; settlement may run from ``settlement_date``."""

    bond_id: str
    method: str
    allotted: int
    investors: int
    settlement_date: str


class EventSettleBond(Event, frozen=True, tag="bonds/EventSettleBond"):
    """Delivery versus payment ran for every allotment: bonds delivered, cash paid to the issuer."""

    bond_id: str
    delivered: int
    proceeds: int
    investors: int


class EventDeliverBond(Event, frozen=True, tag="bonds/EventDeliverBond"):
    """One investor's leg of the settlement: ``amount`` face delivered against ``cash``."""

    bond_id: str
    investor: str
    amount: int
    cash: int


class EventPayCoupon(Event, frozen=True, tag="bonds/EventPayCoupon"):
    """A coupon was paid to the holders of record; ``remainder`` rounding units stayed with the issuer."""

    bond_id: str
    index: int
    record_date: str
    payment_date: str
    rate: str
    total: int
    paid: int
    remainder: int
    holders: int
    late: bool
    withheld: int = 0


class EventCouponPayment(Event, frozen=True, tag="bonds/EventCouponPayment"):
    """One holder's coupon (``withheld``: owed, not paid; see EventPaymentWithheld)."""

    bond_id: str
    index: int
    holder: str
    holding: int
    amount: int
    withheld: bool = False


class EventPaymentWithheld(Event, frozen=True, tag="bonds/EventPaymentWithheld"):
    """The issuer could not pay a holder (``kind`` coupon or redemption) and owes it ``amount``."""

    bond_id: str
    holder: str
    amount: int
    kind: str
    index: int
    reason: str
    owed: int


class EventPayWithheld(Event, frozen=True, tag="bonds/EventPayWithheld"):
    """The issuer paid a holder what it owed it."""

    bond_id: str
    holder: str
    amount: int


class EventCouponMissed(Event, frozen=True, tag="bonds/EventCouponMissed"):
    """A coupon's payment date passed and it is unpaid (emitted once, at the end of the first block of the
    day after the payment date)."""

    bond_id: str
    index: int
    payment_date: str
    issuer: str


class EventRedeemBond(Event, frozen=True, tag="bonds/EventRedeemBond"):
    """The bond was repaid at maturity and cancelled (``withheld`` of it is owed to holders not paid)."""

    bond_id: str
    repaid: int
    holders: int
    withheld: int = 0


class EventTransferBond(Event, frozen=True, tag="bonds/EventTransferBond"):
    """Bonds moved between holders (free of payment, or the bond leg of an accepted offer)."""

    bond_id: str
    sender: str
    recipient: str
    amount: int


class EventOfferBond(Event, frozen=True, tag="bonds/EventOfferBond"):
    """A seller escrowed bonds in a DvP offer to one buyer."""

    offer_id: str
    bond_id: str
    seller: str
    buyer: str
    amount: int
    cash: int


class EventAcceptOffer(Event, frozen=True, tag="bonds/EventAcceptOffer"):
    """A DvP offer settled: cash to the seller, bonds to the buyer."""

    offer_id: str
    bond_id: str
    seller: str
    buyer: str
    amount: int
    cash: int


class EventCancelOffer(Event, frozen=True, tag="bonds/EventCancelOffer"):
    """An offer was cancelled; its bonds are the seller's to use again."""

    offer_id: str
    bond_id: str
    cancelled_by: str


class EventPledgeBond(Event, frozen=True, tag="bonds/EventPledgeBond"):
    """A holder pledged bonds to a pledgee."""

    bond_id: str
    holder: str
    pledgee: str
    amount: int
    pledged_total: int


class EventReleasePledge(Event, frozen=True, tag="bonds/EventReleasePledge"):
    """A pledgee released pledged bonds."""

    bond_id: str
    holder: str
    pledgee: str
    amount: int
    pledged_total: int


class EventFreezeHolding(Event, frozen=True, tag="bonds/EventFreezeHolding"):
    """A holder's bonds were frozen."""

    bond_id: str
    holder: str
    authority: str
    reason: str


class EventUnfreezeHolding(Event, frozen=True, tag="bonds/EventUnfreezeHolding"):
    """A freeze was lifted."""

    bond_id: str
    holder: str
    authority: str
    reason: str


class EventAttestKpi(Event, frozen=True, tag="bonds/EventAttestKpi"):
    """A reviewer attested the KPI; ``missed`` steps the coupon up by ``step_up_bps`` from
    ``observation_date``."""

    bond_id: str
    reviewer: str
    observed_value: int
    target_value: int
    missed: bool
    step_up_bps: int
    observation_date: str
