"""Messages of the bonds module and their stateless checks.

Face amounts and cash amounts are integers in minor units of the bond's currency, at most 2^53 - 1.
Who may send a message is its ``signer_field``; credentials an actor needs are ``requires`` (checked by the
router) or, where they depend on the bond, checked by the handler (an investor's eligibility).
"""

from __future__ import annotations

from typing import ClassVar

import msgspec

from bayledger.core.did import is_did_bid
from bayledger.core.encoding import MAX_SAFE_INTEGER
from bayledger.core.modules.anchor.msgs import is_content_hash
from bayledger.core.modules.bonds.errors import InvalidBondMessageError
from bayledger.core.modules.bonds.terms import BondTerms, validate_terms
from bayledger.core.modules.impact.indicators import GBP_CATEGORIES
from bayledger.core.msg import Msg, Requirement
from bayledger.core.types import Did

EXTERNAL_REVIEWER_CREDENTIAL = "ExternalReviewerCredential"
KYC_CREDENTIAL = "KycCredential"
PROFESSIONAL_INVESTOR_CREDENTIAL = "ProfessionalInvestorCredential"
REGULATOR_ROLE = "regulator"
ALIGNED, NOT_ALIGNED = "aligned", "not-aligned"
OPINIONS = (ALIGNED, NOT_ALIGNED)
PRO_RATA, DISCRETIONARY = "pro-rata", "discretionary"
ALLOCATION_METHODS = (PRO_RATA, DISCRETIONARY)
GBP_COMPONENTS_MAX = 2_000
MAX_TEXT = 256
MAX_URI_LENGTH = 512
MAX_CATEGORIES = 10
MAX_ALLOTMENTS = 500

_REVIEWER = (Requirement("credential", EXTERNAL_REVIEWER_CREDENTIAL),)


class MsgPublishFramework(Msg, frozen=True, tag="bonds/MsgPublishFramework"):
    """An issuer publishes its green-bond framework: the document's hash and URI and a summary of the four
    ICMA Green Bond Principles components (use of proceeds as eligible categories, project evaluation and
    selection, management of proceeds, reporting)."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    document_hash: str
    uri: str
    name_en: str
    name_zh: str
    categories: list[str]
    project_evaluation: str
    management_of_proceeds: str
    reporting: str


class MsgRecordReview(Msg, frozen=True, tag="bonds/MsgRecordReview"):
    """An external reviewer records its second-party opinion on a framework: the opinion is a verifiable
    credential it signed off chain, identified here by id and hash."""

    signer_field: ClassVar[str] = "reviewer"
    requires: ClassVar[tuple[Requirement, ...]] = _REVIEWER
    reviewer: Did
    framework_id: str
    opinion: str
    credential_id: str
    credential_hash: str


class MsgCreateBond(Msg, frozen=True, tag="bonds/MsgCreateBond"):
    """An issuer creates a bond from its terms and opens the book (bond id ``BOND-<ISIN>``)."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    terms: BondTerms


class MsgPlaceOrder(Msg, frozen=True, tag="bonds/MsgPlaceOrder"):
    """An eligible investor places (or, with a new amount, replaces; with 0, withdraws) its order. The
    order is the investor's consent to pay for what it is allotted at settlement."""

    signer_field: ClassVar[str] = "investor"
    investor: Did
    bond_id: str
    amount: int


class AllotmentLine(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One line of a discretionary allocation."""

    investor: Did
    amount: int


class MsgAllocateBond(Msg, frozen=True, tag="bonds/MsgAllocateBond"):
    """The issuer closes the book and allots: ``pro-rata`` to the orders, or ``discretionary`` as listed
    (each at most the investor's order). May be repeated until settlement."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    bond_id: str
    method: str
    allotments: list[AllotmentLine] = msgspec.field(default_factory=list)


class MsgSettleBond(Msg, frozen=True, tag="bonds/MsgSettleBond"):
    """Delivery versus payment for every allotment at once: each investor's cash to the issuer and its
    bonds to the investor, in one message that succeeds whole or fails whole."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    bond_id: str


class MsgPayCoupon(Msg, frozen=True, tag="bonds/MsgPayCoupon"):
    """The issuer pays coupon ``index`` to the holders of record."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    bond_id: str
    index: int


class MsgRedeemBond(Msg, frozen=True, tag="bonds/MsgRedeemBond"):
    """The issuer repays the face amount to every holder at maturity; the bonds are cancelled."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    bond_id: str


class MsgPayWithheld(Msg, frozen=True, tag="bonds/MsgPayWithheld"):
    """The issuer pays a holder what it withheld from it (coupons, redemption) once it can be paid."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    bond_id: str
    holder: Did


class MsgTransferBond(Msg, frozen=True, tag="bonds/MsgTransferBond"):
    """A holder transfers bonds free of payment to another eligible holder."""

    signer_field: ClassVar[str] = "sender"
    sender: Did
    bond_id: str
    recipient: Did
    amount: int


class MsgOfferBond(Msg, frozen=True, tag="bonds/MsgOfferBond"):
    """A holder offers bonds to one buyer against ``cash`` (DvP); the bonds are escrowed until the buyer
    accepts or either party cancels."""

    signer_field: ClassVar[str] = "seller"
    seller: Did
    bond_id: str
    buyer: Did
    amount: int
    cash: int


class MsgAcceptOffer(Msg, frozen=True, tag="bonds/MsgAcceptOffer"):
    """The buyer accepts: its cash to the seller and the escrowed bonds to it, atomically."""

    signer_field: ClassVar[str] = "buyer"
    buyer: Did
    offer_id: str


class MsgCancelOffer(Msg, frozen=True, tag="bonds/MsgCancelOffer"):
    """The seller or the buyer cancels an open offer; the escrowed bonds return to the seller."""

    signer_field: ClassVar[str] = "signer"
    signer: Did
    offer_id: str


class MsgPledgeBond(Msg, frozen=True, tag="bonds/MsgPledgeBond"):
    """A holder pledges bonds to a pledgee (repo collateral): they stay its own but cannot move."""

    signer_field: ClassVar[str] = "holder"
    holder: Did
    bond_id: str
    pledgee: Did
    amount: int


class MsgReleasePledge(Msg, frozen=True, tag="bonds/MsgReleasePledge"):
    """The pledgee releases pledged bonds back to the holder's free amount."""

    signer_field: ClassVar[str] = "pledgee"
    pledgee: Did
    bond_id: str
    holder: Did
    amount: int


class MsgFreezeHolding(Msg, frozen=True, tag="bonds/MsgFreezeHolding"):
    """The issuer or a regulator freezes a holder's bonds: they can neither move nor be received."""

    signer_field: ClassVar[str] = "authority"
    authority: Did
    bond_id: str
    holder: Did
    reason: str


class MsgUnfreezeHolding(Msg, frozen=True, tag="bonds/MsgUnfreezeHolding"):
    """The issuer or a regulator lifts a freeze."""

    signer_field: ClassVar[str] = "authority"
    authority: Did
    bond_id: str
    holder: Did
    reason: str


class MsgAttestKpi(Msg, frozen=True, tag="bonds/MsgAttestKpi"):
    """An external reviewer attests the observed value of a sustainability-linked bond's KPI; a missed
    target steps the coupon up from the observation date on."""

    signer_field: ClassVar[str] = "reviewer"
    requires: ClassVar[tuple[Requirement, ...]] = _REVIEWER
    reviewer: Did
    bond_id: str
    observed_value: int
    evidence_hash: str


# --- checks ------------------------------------------------------------------------------------------


def check_did(field: str, did: str) -> None:
    """Raise InvalidBondMessageError unless ``did`` is a did:bid."""
    if not is_did_bid(did):
        raise InvalidBondMessageError(f"{field} {did!r} is not a did:bid")


def check_amount(field: str, amount: int, *, allow_zero: bool = False) -> None:
    """Raise InvalidBondMessageError unless ``amount`` is in 1..2^53 - 1 (0 too when allowed)."""
    low = 0 if allow_zero else 1
    if not low <= amount <= MAX_SAFE_INTEGER:
        raise InvalidBondMessageError(f"{field} must be {low}..{MAX_SAFE_INTEGER} minor units, got {amount}")


def check_text(field: str, text: str, *, required: bool, limit: int = MAX_TEXT) -> None:
    """InvalidBondMessageError unless ``text`` has at most ``limit`` characters (non-blank if required)."""
    if len(text) > limit or (required and not text.strip()):
        raise InvalidBondMessageError(f"{field} must be {1 if required else 0}-{limit} characters")


def check_hash(field: str, value: str) -> None:
    """Raise InvalidBondMessageError unless ``value`` is 64 lower-case hex characters."""
    if not is_content_hash(value):
        raise InvalidBondMessageError(f"{field} must be 64 lower-case hex characters (SHA-256 or SM3)")


def validate_publish_framework(msg: MsgPublishFramework) -> None:
    """Stateless checks of MsgPublishFramework (categories are ICMA GBP categories)."""
    check_hash("document_hash", msg.document_hash)
    check_text("uri", msg.uri, required=False, limit=MAX_URI_LENGTH)
    check_text("name_en", msg.name_en, required=True)
    check_text("name_zh", msg.name_zh, required=False)
    if (
        not msg.categories
        or len(msg.categories) > MAX_CATEGORIES
        or len(set(msg.categories)) < len(msg.categories)
    ):
        raise InvalidBondMessageError(f"categories must be 1-{MAX_CATEGORIES} distinct ICMA GBP categories")
    unknown = [c for c in msg.categories if c not in GBP_CATEGORIES]
    if unknown:
        raise InvalidBondMessageError(f"unknown categories {unknown}; allowed: {', '.join(GBP_CATEGORIES)}")
    for field in ("project_evaluation", "management_of_proceeds", "reporting"):
        check_text(field, getattr(msg, field), required=True, limit=GBP_COMPONENTS_MAX)


def validate_record_review(msg: MsgRecordReview) -> None:
    """Stateless checks of MsgRecordReview."""
    if msg.opinion not in OPINIONS:
        raise InvalidBondMessageError(f"opinion must be one of {OPINIONS}")
    check_text("framework_id", msg.framework_id, required=True, limit=64)
    check_text("credential_id", msg.credential_id, required=True)
    check_hash("credential_hash", msg.credential_hash)


def validate_create_bond(msg: MsgCreateBond) -> None:
    """Stateless checks of MsgCreateBond: the terms and their schedule (finance errors for the maths)."""
    validate_terms(msg.terms)


def _check_bond_id(bond_id: str) -> None:
    check_text("bond_id", bond_id, required=True, limit=64)


def validate_place_order(msg: MsgPlaceOrder) -> None:
    """Stateless checks of MsgPlaceOrder (0 withdraws the order)."""
    _check_bond_id(msg.bond_id)
    check_amount("amount", msg.amount, allow_zero=True)


def validate_allocate_bond(msg: MsgAllocateBond) -> None:
    """Stateless checks of MsgAllocateBond."""
    _check_bond_id(msg.bond_id)
    if msg.method not in ALLOCATION_METHODS:
        raise InvalidBondMessageError(f"method must be one of {ALLOCATION_METHODS}")
    if msg.method == PRO_RATA and msg.allotments:
        raise InvalidBondMessageError("a pro-rata allocation lists no allotments: they follow the book")
    if msg.method == DISCRETIONARY and not 0 < len(msg.allotments) <= MAX_ALLOTMENTS:
        raise InvalidBondMessageError(f"a discretionary allocation lists 1-{MAX_ALLOTMENTS} allotments")
    investors = [a.investor for a in msg.allotments]
    if len(set(investors)) < len(investors):
        raise InvalidBondMessageError("an investor appears twice in the allotments")
    for line in msg.allotments:
        check_did("investor", line.investor)
        check_amount("allotment amount", line.amount)


def validate_bond_only(msg: MsgSettleBond | MsgRedeemBond) -> None:
    """Stateless checks of a message that names only a bond."""
    _check_bond_id(msg.bond_id)


def validate_pay_withheld(msg: MsgPayWithheld) -> None:
    """Stateless checks of MsgPayWithheld."""
    _check_bond_id(msg.bond_id)
    check_did("holder", msg.holder)


def validate_pay_coupon(msg: MsgPayCoupon) -> None:
    """Stateless checks of MsgPayCoupon."""
    _check_bond_id(msg.bond_id)
    if not 1 <= msg.index <= 1200:
        raise InvalidBondMessageError(f"coupon index must be 1..1200, got {msg.index}")


def _check_counterparty(field: str, did: str, own: str) -> None:
    check_did(field, did)
    if did == own:
        raise InvalidBondMessageError(f"the {field} is the signer itself")


def validate_transfer_bond(msg: MsgTransferBond) -> None:
    """Stateless checks of MsgTransferBond."""
    _check_bond_id(msg.bond_id)
    _check_counterparty("recipient", msg.recipient, msg.sender)
    check_amount("amount", msg.amount)


def validate_offer_bond(msg: MsgOfferBond) -> None:
    """Stateless checks of MsgOfferBond."""
    _check_bond_id(msg.bond_id)
    _check_counterparty("buyer", msg.buyer, msg.seller)
    check_amount("amount", msg.amount)
    check_amount("cash", msg.cash)


def validate_offer_id(msg: MsgAcceptOffer | MsgCancelOffer) -> None:
    """Stateless checks of a message that names an offer."""
    check_text("offer_id", msg.offer_id, required=True, limit=32)


def validate_pledge_bond(msg: MsgPledgeBond) -> None:
    """Stateless checks of MsgPledgeBond."""
    _check_bond_id(msg.bond_id)
    _check_counterparty("pledgee", msg.pledgee, msg.holder)
    check_amount("amount", msg.amount)


def validate_release_pledge(msg: MsgReleasePledge) -> None:
    """Stateless checks of MsgReleasePledge."""
    _check_bond_id(msg.bond_id)
    _check_counterparty("holder", msg.holder, msg.pledgee)
    check_amount("amount", msg.amount)


def validate_freeze(msg: MsgFreezeHolding | MsgUnfreezeHolding) -> None:
    """Stateless checks of MsgFreezeHolding and MsgUnfreezeHolding (a freeze needs a reason)."""
    _check_bond_id(msg.bond_id)
    check_did("holder", msg.holder)
    check_text("reason", msg.reason, required=isinstance(msg, MsgFreezeHolding))


def validate_attest_kpi(msg: MsgAttestKpi) -> None:
    """Stateless checks of MsgAttestKpi."""
    _check_bond_id(msg.bond_id)
    if abs(msg.observed_value) > MAX_SAFE_INTEGER:
        raise InvalidBondMessageError(f"observed_value must be within ±{MAX_SAFE_INTEGER}")
    check_hash("evidence_hash", msg.evidence_hash)
