"""Records of the bonds module (frozen structs; their keys and accessors are in ``state.py``).

Amounts are integers in minor units of the bond's currency (face amounts). Days are UTC+8 calendar days as
days since 1970-01-01 (``core.finance.compute_day_of_date``).
"""

from __future__ import annotations

import msgspec

from bayledger.core.finance import CouponPeriod
from bayledger.core.modules.bonds.terms import BondTerms
from bayledger.core.types import Did, Height

BOOK_OPEN, ALLOCATED, ACTIVE, REDEEMED = "book-open", "allocated", "active", "redeemed"
BOND_STATUSES = (BOOK_OPEN, ALLOCATED, ACTIVE, REDEEMED)


class Framework(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An issuer's green-bond framework (ICMA Green Bond Principles): the four core components, each
    summarised, with the full document anchored by its hash."""

    framework_id: str
    issuer: Did
    document_hash: str
    uri: str
    name_en: str
    name_zh: str
    categories: list[str]  # eligible ICMA GBP project categories (use of proceeds)
    project_evaluation: str
    management_of_proceeds: str
    reporting: str
    height: Height


class Review(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An external reviewer's second-party opinion on a framework; the opinion itself is a verifiable
    credential whose id and hash are recorded here."""

    framework_id: str
    reviewer: Did
    opinion: str  # "aligned" or "not-aligned"
    credential_id: str
    credential_hash: str
    height: Height


class KpiResult(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The attested observation of a sustainability-linked KPI."""

    observed_value: int
    missed: bool
    reviewer: Did
    evidence_hash: str
    height: Height


class Bond(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A bond: its terms, schedule, status and the figures of its life."""

    bond_id: str
    issuer: Did
    terms: BondTerms
    schedule: list[CouponPeriod]
    status: str
    created_height: Height
    allocation_method: str = ""
    allocation_day: int = -1
    settlement_day: int = -1  # the earliest day settlement may run (issue date, or allocation + lag)
    settled_height: Height = 0
    allotted: int = 0  # face amount allotted by the issuer
    proceeds: int = 0  # cash received at settlement (minor units of the settlement token)
    outstanding: int = 0  # face amount outstanding
    coupons_paid: int = 0
    kpi_result: KpiResult | None = None


class Order(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An investor's order in the book (face amount)."""

    bond_id: str
    investor: Did
    amount: int
    height: Height


class Allotment(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the issuer allotted an investor: face amount and the cash due at settlement."""

    bond_id: str
    investor: Did
    amount: int
    cash: int


class Holding(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A holder's bonds: ``amount`` in total, of which ``pledged`` and ``escrowed`` are not available."""

    bond_id: str
    holder: Did
    amount: int
    pledged: int = 0
    escrowed: int = 0

    @property
    def available(self) -> int:
        """What the holder may transfer, offer or pledge now."""
        return self.amount - self.pledged - self.escrowed


class HistoryEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True, array_like=True):
    """The amount at the end of ``day`` (as ``[day, amount]``)."""

    day: int
    amount: int


class History(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How an amount changed over time, one entry per day it changed, ascending."""

    entries: list[HistoryEntry]


class Pledge(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Bonds a holder pledged to a pledgee (repo): still the holder's, not available to it."""

    bond_id: str
    holder: Did
    pledgee: Did
    amount: int
    height: Height


class Offer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A seller's DvP offer to one buyer: ``amount`` face escrowed against ``cash`` of the cash token."""

    offer_id: str
    bond_id: str
    seller: Did
    buyer: Did
    amount: int
    cash: int
    height: Height


class HoldingFreeze(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A holder's bonds frozen by the issuer or a regulator."""

    bond_id: str
    holder: Did
    authority: Did
    reason: str
    height: Height


class CouponRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A coupon period's outcome: ``missed`` once its payment date passed unpaid, then ``paid``."""

    bond_id: str
    index: int
    status: str  # "missed" or "paid"
    rate: str = ""  # the rate applied, as finance.format_rate writes it
    total: int = 0  # the coupon on the outstanding amount, rounded once (half-even)
    paid: int = 0  # paid to holders (each rounded down)
    remainder: int = 0  # total - paid - withheld: rounding units not distributed, kept by the issuer
    holders: int = 0
    missed_height: Height = 0
    paid_height: Height = 0
    withheld: int = 0  # owed to holders who could not be paid (see Withheld), kept by the issuer until paid


class Withheld(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the issuer owes a holder it could not pay (coupons, redemption): its deposit account or bond
    holding frozen, or its KYC no longer valid. Paid by ``MsgPayWithheld`` once the holder can be paid."""

    bond_id: str
    holder: Did
    coupons: int  # coupon payments owed
    redemption: int  # face amount owed

    @property
    def amount(self) -> int:
        """Everything owed."""
        return self.coupons + self.redemption


class Watch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """For an active bond: the next coupon not yet paid nor flagged missed, and its payment day."""

    bond_id: str
    index: int
    payment_day: int
