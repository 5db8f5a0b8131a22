"""Events of the anchor module."""

from __future__ import annotations

from bayledger.core.events import Event


class EventCreateAnchor(Event, frozen=True, tag="anchor/EventCreateAnchor"):
    """A content hash was anchored."""

    anchor_id: str
    owner: str
    content_hash: str
    anchor_type: str


class EventAttestAnchor(Event, frozen=True, tag="anchor/EventAttestAnchor"):
    """A third party attested an anchor."""

    anchor_id: str
    attester: str
    statement: str
