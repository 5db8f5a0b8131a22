"""Records of the datamobility module: frozen, canonical-JSON state values (never the data itself)."""

from __future__ import annotations

import msgspec

from bayledger.core.types import Did, Height, TimestampMs

GIVEN = "given"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"

ALLOW = "allow"
DENY = "deny"

GRANT_ACTIVE = "active"  # allowed; the holder may dispatch
GRANT_DISPATCHED = "dispatched"  # the holder anchored the payload fingerprint and sent it
GRANT_DELIVERED = "delivered"  # the recipient's vault checked the fingerprint and accepted
GRANT_REFUSED = "refused"  # the recipient's vault refused the payload (fingerprint mismatch, …)
GRANT_REVOKED = "revoked"  # consent withdrawn or expired: the recipient must delete
GRANT_DELETED = "deleted"  # the recipient confirmed the deletion


class DataAsset(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A data asset held off chain in its owner's vault: who it is about, what it holds, how it is classed.

    ``classification`` is GB/T 43697-2024 (``general`` / ``important`` / ``core``); ``financial_grade`` is
    the JR/T 0197-2020 level 1..5; ``storage_location`` a jurisdiction (``HK``, ``CN-GD``); ``fingerprint``
    the zone hash (hex) of the asset's canonical bytes in the vault.
    """

    asset_id: str
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
    registered_height: Height


class StatusChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One entry of a consent's status history."""

    status: str
    height: Height
    time: TimestampMs
    reason: str


class Consent(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A consent record in the ISO/IEC 27560 shape, signed (as the tx signer) by the data subject.

    ``cross_boundary`` and ``sensitive`` are the PIPL Art. 39 / Art. 29 *separate* consents; ``valid_until``
    0 means until withdrawn; ``retention_days`` is how long the recipient may keep the data.
    """

    consent_id: str
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
    status: str
    history: list[StatusChange]


class Filing(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A GBA Standard Contract filing (个人信息跨境标准合同 GBA) of a processor and a recipient.

    ``effective_date`` and ``filed_date`` are ISO dates (``filed_date``: the UTC+8 day of the block);
    ``late`` is set when ``filed_date`` is past 10 working days after ``effective_date``.
    """

    filing_id: str
    processor: Did
    processor_name: str
    processor_city: str
    recipient: Did
    recipient_name: str
    recipient_city: str
    direction: str
    purposes: list[str]
    categories: list[str]
    volume: int
    retention_days: int
    pia_reference: str
    effective_date: str
    filed_date: str
    working_days_after: int
    late: bool
    filing_authority: str
    filing_reference: str
    supersedes: str
    superseded_by: str
    grants: int
    filed_height: Height


class TransferRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A recipient's request for an asset and the chain's decision, with every reason code."""

    request_id: str
    asset_id: str
    recipient: Did
    purpose: str
    categories: list[str]
    masking_profile: str
    decision: str
    reasons: list[str]
    consent_id: str
    filing_id: str
    grant_id: str
    height: Height
    time: TimestampMs


class Grant(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Permission to move one asset to one recipient for one purpose, with the masking profile to apply.

    ``recipient_key`` is the recipient vault's public encryption key (base64: X25519 32 bytes, or SM2 65
    bytes); ``payload_fingerprint`` is anchored by the holder at dispatch; ``expires`` is the consent's
    ``valid_until`` (0 = none).
    """

    grant_id: str
    request_id: str
    asset_id: str
    holder: Did
    recipient: Did
    subject: Did
    purpose: str
    categories: list[str]
    masking_profile: str
    consent_id: str
    filing_id: str
    asset_fingerprint: str
    hash_algorithm: str
    recipient_key: str
    payload_fingerprint: str
    status: str
    retention_days: int
    issued_height: Height
    issued_time: TimestampMs
    expires: TimestampMs
    updated_height: Height


class DocumentFingerprint(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Validation mode: a provider's fingerprint of a document it issued to a subject."""

    fingerprint_id: str
    provider: Did
    subject: Did
    document_type: str
    fingerprint: str
    hash_algorithm: str
    valid_until: TimestampMs
    anchored_height: Height
    checks: int


class LogEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One entry of the tamper-evident access log: who did what, on whose data, for what, when, outcome.

    ``entry_hash`` is the zone hash of ``prev_hash`` and this entry's other fields; ``retain_until`` is the
    block time plus the retention period (at least 3 years).
    """

    seq: int
    height: Height
    time: TimestampMs
    actor: Did
    action: str
    subject: Did
    counterparty: Did
    asset_id: str
    purpose: str
    outcome: str
    reasons: list[str]
    ref: str
    retain_until: TimestampMs
    prev_hash: str
    entry_hash: str


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Module settings: public holidays (ISO dates) skipped by the working-day count; log retention."""

    holidays: list[str] = msgspec.field(default_factory=list)
    retention_days: int = 1096
