"""Events of the datamobility module. Only ids, hashes, decisions and reason codes: never the data."""

from __future__ import annotations

from bayledger.core.events import Event


class EventRegisterDataAsset(Event, frozen=True, tag="datamobility/EventRegisterDataAsset"):
    """A controller registered a data asset held in its vault (only its fingerprint is on chain)."""

    asset_id: str
    owner: str
    subject: str
    classification: str
    sensitive: bool
    fingerprint: str


class EventGiveConsent(Event, frozen=True, tag="datamobility/EventGiveConsent"):
    """A data subject signed a consent record naming a recipient, purposes and categories."""

    consent_id: str
    subject: str
    controller: str
    recipient: str
    purposes: list[str]
    cross_boundary: bool
    sensitive: bool


class EventWithdrawConsent(Event, frozen=True, tag="datamobility/EventWithdrawConsent"):
    """The data subject withdrew a consent: no further grants under it."""

    consent_id: str
    subject: str
    reason: str


class EventExpireConsent(Event, frozen=True, tag="datamobility/EventExpireConsent"):
    """A consent reached its ``valid_until`` (recorded at the end of the first block past it)."""

    consent_id: str
    subject: str


class EventRequireDeletion(Event, frozen=True, tag="datamobility/EventRequireDeletion"):
    """The recipient must delete the data it received under this grant (consent withdrawn or expired)."""

    grant_id: str
    recipient: str
    asset_id: str
    consent_id: str
    reason: str


class EventFileContract(Event, frozen=True, tag="datamobility/EventFileContract"):
    """A GBA Standard Contract filing was recorded; ``late`` when filed after 10 working days."""

    filing_id: str
    processor: str
    recipient: str
    direction: str
    effective_date: str
    filed_date: str
    working_days_after: int
    late: bool
    supersedes: str


class EventDecideTransfer(Event, frozen=True, tag="datamobility/EventDecideTransfer"):
    """The chain decided a transfer request: ``allow`` (with its grant) or ``deny`` with reason codes."""

    request_id: str
    asset_id: str
    recipient: str
    purpose: str
    decision: str
    reasons: list[str]
    grant_id: str


class EventDispatchTransfer(Event, frozen=True, tag="datamobility/EventDispatchTransfer"):
    """The holder's vault anchored the fingerprint of the masked payload it sends under a grant."""

    grant_id: str
    holder: str
    recipient: str
    payload_fingerprint: str
    masking_profile: str


class EventAcknowledgeDelivery(Event, frozen=True, tag="datamobility/EventAcknowledgeDelivery"):
    """The recipient's vault accepted or refused a delivery (a refusal names its reason)."""

    grant_id: str
    recipient: str
    accepted: bool
    received_fingerprint: str
    reason: str


class EventConfirmDeletion(Event, frozen=True, tag="datamobility/EventConfirmDeletion"):
    """The recipient confirmed it deleted the data of a grant."""

    grant_id: str
    recipient: str


class EventAnchorFingerprint(Event, frozen=True, tag="datamobility/EventAnchorFingerprint"):
    """A provider anchored a document fingerprint for a subject (validation mode)."""

    fingerprint_id: str
    provider: str
    subject: str
    document_type: str
    hash_algorithm: str


class EventValidateDocument(Event, frozen=True, tag="datamobility/EventValidateDocument"):
    """A receiving institution checked a presented document's hash against an anchored fingerprint."""

    fingerprint_id: str
    verifier: str
    match: bool
    reason: str


class EventSetHolidays(Event, frozen=True, tag="datamobility/EventSetHolidays"):
    """A regulator replaced the holiday list used for the 10-working-day filing deadline."""

    count: int
    authority: str
