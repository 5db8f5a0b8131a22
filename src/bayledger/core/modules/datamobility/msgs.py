"""Messages of the datamobility module (stateless checks in ``checks.py``).

The signer field of each message is the party the action belongs to: the data subject signs its consent
and withdrawal, the asset owner (controller) registers assets and dispatches, the recipient requests,
acknowledges and confirms deletion, the processor files the GBA Standard Contract.
"""

from __future__ import annotations

from typing import ClassVar

from bayledger.core.msg import Msg, Requirement
from bayledger.core.types import Did, TimestampMs

REGULATOR_ROLE = "regulator"


class MsgRegisterDataAsset(Msg, frozen=True, tag="datamobility/MsgRegisterDataAsset"):
    """A controller registers a data asset it holds off chain (only the fingerprint goes on chain)."""

    signer_field: ClassVar[str] = "owner"
    owner: Did
    subject: Did
    title: str
    categories: list[str]
    sensitive: bool
    classification: str
    financial_grade: int
    storage_location: str
    fingerprint: str
    hash_algorithm: str


class MsgGiveConsent(Msg, frozen=True, tag="datamobility/MsgGiveConsent"):
    """The data subject consents (ISO/IEC 27560 record) to ``controller`` giving data to ``recipient``."""

    signer_field: ClassVar[str] = "subject"
    subject: Did
    controller: Did
    recipient: Did
    recipient_name: str
    recipient_contact: str
    recipient_jurisdiction: str
    purposes: list[str]
    categories: list[str]
    processing_method: str
    retention_days: int
    withdrawal_method: str
    rights_contact: str
    notice_hash: str
    notice_language: str
    valid_from: TimestampMs
    valid_until: TimestampMs
    cross_boundary: bool
    sensitive: bool


class MsgWithdrawConsent(Msg, frozen=True, tag="datamobility/MsgWithdrawConsent"):
    """The data subject withdraws one consent; its live grants are revoked and recipients told to delete."""

    signer_field: ClassVar[str] = "subject"
    subject: Did
    consent_id: str
    reason: str


class MsgWithdrawAllConsents(Msg, frozen=True, tag="datamobility/MsgWithdrawAllConsents"):
    """The data subject withdraws every consent it has given, in one action."""

    signer_field: ClassVar[str] = "subject"
    subject: Did
    reason: str


class MsgFileContract(Msg, frozen=True, tag="datamobility/MsgFileContract"):
    """The processor records its GBA Standard Contract filing with a recipient (both in the GBA)."""

    signer_field: ClassVar[str] = "processor"
    processor: Did
    processor_name: str
    processor_city: str
    recipient: Did
    recipient_name: str
    recipient_city: str
    purposes: list[str]
    categories: list[str]
    volume: int
    retention_days: int
    pia_reference: str
    effective_date: str
    filing_authority: str
    filing_reference: str
    onward_transfer_outside_gba: bool
    supersedes: str


class MsgRequestTransfer(Msg, frozen=True, tag="datamobility/MsgRequestTransfer"):
    """A recipient asks for an asset for one purpose; the chain decides and records allow or deny."""

    signer_field: ClassVar[str] = "recipient"
    recipient: Did
    asset_id: str
    purpose: str
    categories: list[str]
    masking_profile: str
    recipient_key: str


class MsgDispatchTransfer(Msg, frozen=True, tag="datamobility/MsgDispatchTransfer"):
    """The holder anchors the fingerprint of the masked payload it is about to send under a grant."""

    signer_field: ClassVar[str] = "holder"
    holder: Did
    grant_id: str
    payload_fingerprint: str


class MsgAcknowledgeDelivery(Msg, frozen=True, tag="datamobility/MsgAcknowledgeDelivery"):
    """The recipient records that its vault accepted the payload, or refused it and why."""

    signer_field: ClassVar[str] = "recipient"
    recipient: Did
    grant_id: str
    accepted: bool
    received_fingerprint: str
    reason: str


class MsgConfirmDeletion(Msg, frozen=True, tag="datamobility/MsgConfirmDeletion"):
    """The recipient confirms it deleted the data of a revoked grant."""

    signer_field: ClassVar[str] = "recipient"
    recipient: Did
    grant_id: str


class MsgAnchorFingerprint(Msg, frozen=True, tag="datamobility/MsgAnchorFingerprint"):
    """Validation mode: a provider anchors the fingerprint of a document it issued to a subject."""

    signer_field: ClassVar[str] = "provider"
    provider: Did
    subject: Did
    document_type: str
    fingerprint: str
    hash_algorithm: str
    valid_until: TimestampMs


class MsgValidateDocument(Msg, frozen=True, tag="datamobility/MsgValidateDocument"):
    """A receiving institution records its check of a presented document's hash (match or not)."""

    signer_field: ClassVar[str] = "verifier"
    verifier: Did
    fingerprint_id: str
    presented_hash: str
    hash_algorithm: str


class MsgSetHolidays(Msg, frozen=True, tag="datamobility/MsgSetHolidays"):
    """A regulator replaces the public-holiday list used for the 10-working-day filing deadline."""

    signer_field: ClassVar[str] = "authority"
    requires: ClassVar[tuple[Requirement, ...]] = (Requirement("role", REGULATOR_ROLE),)
    authority: Did
    holidays: list[str]
