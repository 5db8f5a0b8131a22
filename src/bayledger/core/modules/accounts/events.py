"""Events of the accounts module."""

from __future__ import annotations

from bayledger.core.events import Event


class EventCreateAccount(Event, frozen=True, tag="accounts/EventCreateAccount"):
    """A new account exists."""

    did: str
    creator: str
    threshold: int
    signer_count: int


class EventUpdateSigners(Event, frozen=True, tag="accounts/EventUpdateSigners"):
    """An account's signers or threshold changed."""

    did: str
    threshold: int
    signer_count: int
