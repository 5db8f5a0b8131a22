"""Messages of the carbon-credit registry and their stateless checks.

Quantities are integers in the credit type's smallest unit (``precision`` decimals: 1 unit of a tCO2e
type of precision 3 is 1 kg); serial ranges are inclusive ``[first, last]`` pairs of unit serials.
Dates are ``YYYY-MM-DD`` (``core/finance/dates.parse_date``).
"""

from __future__ import annotations

from typing import ClassVar

import msgspec

from bayledger.core.modules.carbon.checks import (
    check_amount,
    check_batch_id,
    check_date_period,
    check_did,
    check_jurisdiction,
    check_ref,
    check_retirement_fields,
    check_serials,
    check_text,
)
from bayledger.core.modules.carbon.errors import InvalidCarbonMessageError
from bayledger.core.modules.carbon.rules import (
    ADJUSTMENT_STATUSES,
    AUTHORIZATIONS,
    CARBON_VERIFIER_CREDENTIAL,
    MAX_DOCUMENTS,
    MAX_ISSUANCE_ENTRIES,
    MAX_ISSUERS,
    REGISTRAR_ROLE,
    is_abbreviation,
    is_class_id,
    is_escrow_id,
    is_hash,
    is_project_id,
    is_registry,
)
from bayledger.core.modules.carbon.state import Document, IssuanceEntry
from bayledger.core.msg import Msg, Requirement
from bayledger.core.types import Did

_REGISTRAR = (Requirement("role", REGISTRAR_ROLE),)
_VERIFIER = (Requirement("credential", CARBON_VERIFIER_CREDENTIAL),)


class MsgRegisterCreditType(Msg, frozen=True, tag="carbon/MsgRegisterCreditType"):
    """A registrar (governance role) registers a credit type: ``C`` tCO2e with 3 decimals, ``BIO`` …"""

    signer_field: ClassVar[str] = "authority"
    requires: ClassVar[tuple[Requirement, ...]] = _REGISTRAR
    authority: Did
    abbreviation: str
    name: str
    unit: str
    precision: int


class MsgCreateClass(Msg, frozen=True, tag="carbon/MsgCreateClass"):
    """A registrar registers a credit class (id ``<abbreviation><NN>``) with its admin and issuers."""

    signer_field: ClassVar[str] = "authority"
    requires: ClassVar[tuple[Requirement, ...]] = _REGISTRAR
    authority: Did
    credit_type: str
    admin: Did
    issuers: list[Did]
    methodology: str
    name_en: str
    name_zh: str


class MsgUpdateClassIssuers(Msg, frozen=True, tag="carbon/MsgUpdateClassIssuers"):
    """The class admin adds and removes allowed issuers."""

    signer_field: ClassVar[str] = "admin"
    admin: Did
    class_id: str
    add: list[Did]
    remove: list[Did]


class MsgCreateProject(Msg, frozen=True, tag="carbon/MsgCreateProject"):
    """The class admin or an allowed issuer registers a project (id ``<class id>-<NNN>``)."""

    signer_field: ClassVar[str] = "creator"
    creator: Did
    class_id: str
    developer: Did
    jurisdiction: str
    location: str
    methodology: str
    name_en: str
    name_zh: str
    reference: str
    documents: list[Document]


class MsgIssueBatch(Msg, frozen=True, tag="carbon/MsgIssueBatch"):
    """An allowed issuer (a verifier) issues one vintage of a project to several recipients at once.

    The verified quantity comes from the attested verification report anchor; each entry receives
    ``tradable_amount`` tradable and ``retired_amount`` retired (for its beneficiary) credits.
    """

    signer_field: ClassVar[str] = "issuer"
    requires: ClassVar[tuple[Requirement, ...]] = _VERIFIER
    issuer: Did
    project_id: str
    vintage_start: str
    vintage_end: str
    report_anchor_id: str
    issuance: list[IssuanceEntry]
    authorization: str = "unauthorized"
    host_country: str = ""
    adjustment_status: str = "not-required"


class MsgTransferCredits(Msg, frozen=True, tag="carbon/MsgTransferCredits"):
    """Send tradable credits (lowest serials first, or the named ``serials``); ``retire`` retires them
    for the recipient at once (transfer-and-retire, with beneficiary, reason and jurisdiction)."""

    signer_field: ClassVar[str] = "sender"
    sender: Did
    recipient: Did
    batch_id: str
    amount: int
    serials: list[tuple[int, int]] = msgspec.field(default_factory=list)
    retire: bool = False
    beneficiary: str = ""
    reason: str = ""
    jurisdiction: str = ""


class MsgRetireCredits(Msg, frozen=True, tag="carbon/MsgRetireCredits"):
    """Retire tradable credits for a beneficiary, permanently, and record the claim."""

    signer_field: ClassVar[str] = "owner"
    owner: Did
    batch_id: str
    amount: int
    beneficiary: str
    reason: str
    jurisdiction: str
    serials: list[tuple[int, int]] = msgspec.field(default_factory=list)


class MsgCancelCredits(Msg, frozen=True, tag="carbon/MsgCancelCredits"):
    """Cancel tradable credits, e.g. to move them to another registry (bridge out); permanent."""

    signer_field: ClassVar[str] = "owner"
    owner: Did
    batch_id: str
    amount: int
    reason: str
    target_registry: str = ""
    target_reference: str = ""
    serials: list[tuple[int, int]] = msgspec.field(default_factory=list)


class MsgEscrowCredits(Msg, frozen=True, tag="carbon/MsgEscrowCredits"):
    """Lock tradable credits under an agent (marketplace, bridge) until it releases them."""

    signer_field: ClassVar[str] = "owner"
    owner: Did
    batch_id: str
    amount: int
    agent: Did
    reference: str
    serials: list[tuple[int, int]] = msgspec.field(default_factory=list)


class MsgReleaseEscrow(Msg, frozen=True, tag="carbon/MsgReleaseEscrow"):
    """The agent releases an escrow as tradable credits: back to the owner, or to a buyer."""

    signer_field: ClassVar[str] = "agent"
    agent: Did
    escrow_id: str
    recipient: Did


class MsgBridgeIn(Msg, frozen=True, tag="carbon/MsgBridgeIn"):
    """An allowed issuer mints credits bridged from another registry, once per origin reference.

    The origin serials ``[origin_first, origin_last]`` are whole credits of the origin batch; each becomes
    ``10**precision`` units here, held tradable by ``recipient``.
    """

    signer_field: ClassVar[str] = "issuer"
    requires: ClassVar[tuple[Requirement, ...]] = _VERIFIER
    issuer: Did
    project_id: str
    vintage_start: str
    vintage_end: str
    origin_registry: str
    origin_batch: str
    origin_reference: str
    origin_first: int
    origin_last: int
    recipient: Did
    authorization: str = "unauthorized"
    host_country: str = ""
    adjustment_status: str = "not-required"


class MsgSetAdjustment(Msg, frozen=True, tag="carbon/MsgSetAdjustment"):
    """A regulator records the host country's corresponding adjustment (Paris Art. 6) for a batch."""

    signer_field: ClassVar[str] = "authority"
    authority: Did
    batch_id: str
    adjustment_status: str
    reference: str


# --- stateless checks ---------------------------------------------------------------------------------------


def validate_register_credit_type(msg: MsgRegisterCreditType) -> None:
    """Stateless checks of MsgRegisterCreditType."""
    if not is_abbreviation(msg.abbreviation):
        raise InvalidCarbonMessageError(f"abbreviation {msg.abbreviation!r} must be 1-3 capital letters")
    check_text("name", msg.name, 1, 64)
    check_text("unit", msg.unit, 1, 16)
    if not 0 <= msg.precision <= 6:
        raise InvalidCarbonMessageError(f"precision must be 0..6 decimals, got {msg.precision}")


def _check_did_list(field: str, dids: list[Did]) -> None:
    if len(dids) > MAX_ISSUERS or len(set(dids)) != len(dids):
        raise InvalidCarbonMessageError(f"{field}: at most {MAX_ISSUERS} distinct DIDs")
    for did in dids:
        check_did(field, did)


def validate_create_class(msg: MsgCreateClass) -> None:
    """Stateless checks of MsgCreateClass."""
    if not is_abbreviation(msg.credit_type):
        raise InvalidCarbonMessageError(f"credit_type {msg.credit_type!r} must be 1-3 capital letters")
    check_did("admin", msg.admin)
    _check_did_list("issuers", msg.issuers)
    check_text("methodology", msg.methodology, 1, 128)
    check_text("name_en", msg.name_en, 1, 256)
    check_text("name_zh", msg.name_zh, 0, 256)


def validate_update_class_issuers(msg: MsgUpdateClassIssuers) -> None:
    """Stateless checks of MsgUpdateClassIssuers."""
    if not is_class_id(msg.class_id):
        raise InvalidCarbonMessageError(f"class_id {msg.class_id!r} is not a class id like C01")
    _check_did_list("add", msg.add)
    _check_did_list("remove", msg.remove)
    if (not msg.add and not msg.remove) or set(msg.add) & set(msg.remove):
        raise InvalidCarbonMessageError("add or remove some issuers, never the same one in both")


def validate_create_project(msg: MsgCreateProject) -> None:
    """Stateless checks of MsgCreateProject."""
    if not is_class_id(msg.class_id):
        raise InvalidCarbonMessageError(f"class_id {msg.class_id!r} is not a class id like C01")
    check_did("developer", msg.developer)
    check_jurisdiction(msg.jurisdiction)
    check_text("location", msg.location, 1, 256)
    check_text("methodology", msg.methodology, 1, 128)
    check_text("name_en", msg.name_en, 1, 256)
    check_text("name_zh", msg.name_zh, 0, 256)
    if msg.reference:
        check_ref("reference", msg.reference)
    if len(msg.documents) > MAX_DOCUMENTS:
        raise InvalidCarbonMessageError(f"at most {MAX_DOCUMENTS} documents")
    for document in msg.documents:
        check_text("document name", document.name, 1, 128)
        if not is_hash(document.hash):
            raise InvalidCarbonMessageError(f"document {document.name!r}: hash must be 64 lower-case hex")


def _check_adjustment(authorization: str, host_country: str, status: str) -> None:
    if authorization not in AUTHORIZATIONS:
        raise InvalidCarbonMessageError(f"authorization must be one of {AUTHORIZATIONS}")
    if status not in ADJUSTMENT_STATUSES:
        raise InvalidCarbonMessageError(f"adjustment_status must be one of {ADJUSTMENT_STATUSES}")
    if authorization != "unauthorized":
        check_jurisdiction(host_country)
    elif host_country or status != "not-required":
        raise InvalidCarbonMessageError("unauthorized credits take no host country or adjustment")


def validate_issue_batch(msg: MsgIssueBatch) -> None:
    """Stateless checks of MsgIssueBatch: vintage, report anchor, entries, Article 6 fields."""
    if not is_project_id(msg.project_id):
        raise InvalidCarbonMessageError(f"project_id {msg.project_id!r} is not a project id like C01-001")
    check_date_period(msg.vintage_start, msg.vintage_end)
    check_ref("report_anchor_id", msg.report_anchor_id)
    if not 1 <= len(msg.issuance) <= MAX_ISSUANCE_ENTRIES:
        raise InvalidCarbonMessageError(f"an issuance has 1-{MAX_ISSUANCE_ENTRIES} entries")
    for entry in msg.issuance:
        check_did("recipient", entry.recipient)
        if entry.tradable_amount < 0 or entry.retired_amount < 0:
            raise InvalidCarbonMessageError("issuance amounts are never negative")
        check_amount(entry.tradable_amount + entry.retired_amount)
        if entry.retired_amount:
            check_retirement_fields(entry.beneficiary, entry.reason, entry.jurisdiction)
    _check_adjustment(msg.authorization, msg.host_country, msg.adjustment_status)


def _check_movement(batch_id: str, amount: int, serials: list[tuple[int, int]]) -> None:
    check_batch_id(batch_id)
    check_amount(amount)
    check_serials(serials, amount)


def validate_transfer_credits(msg: MsgTransferCredits) -> None:
    """Stateless checks of MsgTransferCredits."""
    _check_movement(msg.batch_id, msg.amount, msg.serials)
    check_did("recipient", msg.recipient)
    if msg.recipient == msg.sender:
        raise InvalidCarbonMessageError("sender and recipient are the same account")
    if msg.retire:
        check_retirement_fields(msg.beneficiary, msg.reason, msg.jurisdiction)
    elif msg.beneficiary or msg.reason or msg.jurisdiction:
        raise InvalidCarbonMessageError("beneficiary, reason and jurisdiction are for retire=true only")


def validate_retire_credits(msg: MsgRetireCredits) -> None:
    """Stateless checks of MsgRetireCredits."""
    _check_movement(msg.batch_id, msg.amount, msg.serials)
    check_retirement_fields(msg.beneficiary, msg.reason, msg.jurisdiction)


def validate_cancel_credits(msg: MsgCancelCredits) -> None:
    """Stateless checks of MsgCancelCredits: a reason; a target registry and reference go together."""
    _check_movement(msg.batch_id, msg.amount, msg.serials)
    check_text("reason", msg.reason, 1, 512)
    if bool(msg.target_registry) != bool(msg.target_reference):
        raise InvalidCarbonMessageError("target_registry and target_reference are given together")
    if msg.target_registry:
        if not is_registry(msg.target_registry):
            raise InvalidCarbonMessageError(
                f"target_registry {msg.target_registry!r} must be 1-32 of a-z0-9-"
            )
        check_ref("target_reference", msg.target_reference)


def validate_escrow_credits(msg: MsgEscrowCredits) -> None:
    """Stateless checks of MsgEscrowCredits."""
    _check_movement(msg.batch_id, msg.amount, msg.serials)
    check_did("agent", msg.agent)
    if msg.agent == msg.owner:
        raise InvalidCarbonMessageError("the escrow agent is another account than the owner")
    check_text("reference", msg.reference, 0, 128)


def validate_release_escrow(msg: MsgReleaseEscrow) -> None:
    """Stateless checks of MsgReleaseEscrow."""
    if not is_escrow_id(msg.escrow_id):
        raise InvalidCarbonMessageError(f"escrow_id {msg.escrow_id!r} is not an escrow id")
    check_did("recipient", msg.recipient)


def validate_bridge_in(msg: MsgBridgeIn) -> None:
    """Stateless checks of MsgBridgeIn."""
    if not is_project_id(msg.project_id):
        raise InvalidCarbonMessageError(f"project_id {msg.project_id!r} is not a project id like C01-001")
    check_date_period(msg.vintage_start, msg.vintage_end)
    if not is_registry(msg.origin_registry):
        raise InvalidCarbonMessageError(f"origin_registry {msg.origin_registry!r} must be 1-32 of a-z0-9-")
    check_ref("origin_batch", msg.origin_batch)
    check_ref("origin_reference", msg.origin_reference)
    check_serials([(msg.origin_first, msg.origin_last)], msg.origin_last - msg.origin_first + 1)
    check_did("recipient", msg.recipient)
    _check_adjustment(msg.authorization, msg.host_country, msg.adjustment_status)


def validate_set_adjustment(msg: MsgSetAdjustment) -> None:
    """Stateless checks of MsgSetAdjustment."""
    check_batch_id(msg.batch_id)
    if msg.adjustment_status not in ADJUSTMENT_STATUSES:
        raise InvalidCarbonMessageError(f"adjustment_status must be one of {ADJUSTMENT_STATUSES}")
    check_text("reference", msg.reference, 1, 256)
