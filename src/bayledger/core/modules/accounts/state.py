"""State of the accounts module: one record per account, keyed by DID."""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState
from bayledger.core.types import Did, Height

PREFIX = b"accounts/a/"


class Signer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A key allowed to sign for an account, with its weight."""

    key_type: str
    public_key: bytes
    weight: int


class Account(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An account: its DID, weighted signers, threshold, and the last nonce it used (0 = none yet)."""

    did: Did
    signers: list[Signer]
    threshold: int
    nonce: int
    created_height: Height


def account_key(did: Did) -> bytes:
    """The state key of an account record."""
    return PREFIX + did.encode()


def get_account(store: StateReader, did: Did) -> Account | None:
    """The account with ``did``, or None."""
    raw = store.get(account_key(did))
    return None if raw is None else decode_record(raw, Account)


def set_account(store: WritableState, account: Account) -> None:
    """Write an account record."""
    store.set(account_key(account.did), encode_record(account))


def list_accounts(store: StateReader) -> list[Account]:
    """Every account, in DID order."""
    return [decode_record(raw, Account) for _, raw in store.iter_prefix(PREFIX)]


def signer_weight(account: Account, key_type: str, public_key: bytes) -> int:
    """The weight of a key on the account, 0 when the key is not one of its signers."""
    for signer in account.signers:
        if signer.public_key == public_key and signer.key_type == key_type:
            return signer.weight
    return 0
