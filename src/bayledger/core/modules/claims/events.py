"""Events of the claims registry."""

from __future__ import annotations

from bayledger.core.events import Event


class EventRegisterClaim(Event, frozen=True, tag="claims/EventRegisterClaim"):
    """A claim of tonnes was recorded (by the module whose message made it: ``source``)."""

    claim_id: str
    kind: str
    claimant: str
    source: str
    project_ref: str
    batch_ref: str
    period_start: int
    period_end: int
    quantity: int
    unit: str
