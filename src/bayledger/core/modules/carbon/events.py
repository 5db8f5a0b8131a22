"""Events of the carbon registry. Amounts are smallest units; ranges are inclusive ``[first, last]``."""

from __future__ import annotations

from bayledger.core.events import Event


class EventRegisterCreditType(Event, frozen=True, tag="carbon/EventRegisterCreditType"):
    """A credit type was registered."""

    abbreviation: str
    unit: str
    precision: int


class EventCreateClass(Event, frozen=True, tag="carbon/EventCreateClass"):
    """A credit class was registered."""

    class_id: str
    credit_type: str
    admin: str
    issuers: list[str]
    methodology: str


class EventUpdateClassIssuers(Event, frozen=True, tag="carbon/EventUpdateClassIssuers"):
    """A class's allowed issuers changed."""

    class_id: str
    issuers: list[str]


class EventCreateProject(Event, frozen=True, tag="carbon/EventCreateProject"):
    """A project was registered."""

    project_id: str
    class_id: str
    developer: str
    jurisdiction: str


class EventIssueBatch(Event, frozen=True, tag="carbon/EventIssueBatch"):
    """A batch was issued (or bridged in): serials ``1..issued``."""

    batch_id: str
    project_id: str
    issuer: str
    vintage_start: str
    vintage_end: str
    issued: int
    retired: int
    origin_registry: str
    origin_reference: str


class EventTransferCredits(Event, frozen=True, tag="carbon/EventTransferCredits"):
    """Tradable credits moved between accounts."""

    batch_id: str
    sender: str
    recipient: str
    amount: int
    ranges: list[tuple[int, int]]


class EventRetireCredits(Event, frozen=True, tag="carbon/EventRetireCredits"):
    """Credits were retired for a beneficiary; ``claim_id`` is their claim in the claims registry."""

    retirement_id: str
    batch_id: str
    owner: str
    amount: int
    ranges: list[tuple[int, int]]
    beneficiary: str
    reason: str
    jurisdiction: str
    claim_id: str


class EventCancelCredits(Event, frozen=True, tag="carbon/EventCancelCredits"):
    """Credits were cancelled (bridged out when a target registry is named)."""

    cancellation_id: str
    batch_id: str
    owner: str
    amount: int
    ranges: list[tuple[int, int]]
    reason: str
    target_registry: str
    target_reference: str


class EventEscrowCredits(Event, frozen=True, tag="carbon/EventEscrowCredits"):
    """Credits were locked under an agent."""

    escrow_id: str
    batch_id: str
    owner: str
    agent: str
    amount: int
    ranges: list[tuple[int, int]]


class EventReleaseEscrow(Event, frozen=True, tag="carbon/EventReleaseEscrow"):
    """An escrow was released as tradable credits to ``recipient``."""

    escrow_id: str
    batch_id: str
    owner: str
    recipient: str
    amount: int


class EventBridgeIn(Event, frozen=True, tag="carbon/EventBridgeIn"):
    """Credits of another registry were bridged in as a new batch."""

    batch_id: str
    origin_registry: str
    origin_reference: str
    origin_batch: str
    origin_first: int
    origin_last: int
    claim_id: str


class EventSetAdjustment(Event, frozen=True, tag="carbon/EventSetAdjustment"):
    """A batch's corresponding-adjustment status changed."""

    batch_id: str
    adjustment_status: str
    reference: str
