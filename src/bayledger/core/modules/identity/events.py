"""Events of the identity module."""

from __future__ import annotations

from bayledger.core.events import Event


class EventRegisterDid(Event, frozen=True, tag="identity/EventRegisterDid"):
    """A DID got its first document (version 1)."""

    did: str
    version: int
    key_count: int
    service_count: int


class EventUpdateDid(Event, frozen=True, tag="identity/EventUpdateDid"):
    """A DID document got a new version (services replaced, keys taken from the account)."""

    did: str
    version: int
    key_count: int
    service_count: int


class EventRotateKeys(Event, frozen=True, tag="identity/EventRotateKeys"):
    """A DID's account signers were replaced and its document got a new version."""

    did: str
    version: int
    threshold: int
    signer_count: int


class EventDeactivateDid(Event, frozen=True, tag="identity/EventDeactivateDid"):
    """A DID was deactivated: its final version; its transactions are refused from now on."""

    did: str
    version: int


class EventRegisterCredential(Event, frozen=True, tag="identity/EventRegisterCredential"):
    """A trusted issuer registered a credential on chain."""

    issuer: str
    credential_id: str
    credential_type: str
    subject: str
    jurisdiction: str


class EventSetStatusList(Event, frozen=True, tag="identity/EventSetStatusList"):
    """An issuer anchored a new hash of a status list and flagged or cleared indices."""

    issuer: str
    list_id: str
    purpose: str
    list_hash: str
    set_count: int
    clear_count: int
