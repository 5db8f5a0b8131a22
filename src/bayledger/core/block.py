"""Block headers, their hashes and validator signatures."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from bayledger.core.codec import encode_record
from bayledger.core.genesis import GenesisValidator

HEADER_SIGN_DOMAIN = b"bayledger/header/v1\n"


class BlockHeader(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What validators sign. ``app_hash`` is the state root *after* this block's transactions; hashes hex.

    ``tx_root`` is the list root of the txs' stored bytes; ``results_hash`` the list root of the tx results'
    canonical bytes followed, when the block's end-block hooks emitted events, by one leaf for them
    (``state_transition.compute_results_hash``). ``validators_hash`` commits to the set that signs this
    block; ``next_validators_hash`` to the set that signs the next one, so a light client follows a
    validator-set change adopted by governance in this block (as CometBFT headers do).
    """

    chain_id: str
    height: int
    time: int
    previous_hash: str
    tx_root: str
    results_hash: str
    app_hash: str
    validators_hash: str
    next_validators_hash: str
    proposer: str


class CommitSignature(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A validator's signature over a header hash."""

    validator: str
    key_type: str
    public_key: bytes
    signature: bytes


class SignedHeader(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A header with the validator signatures that commit it (what a light client checks)."""

    header: BlockHeader
    signatures: list[CommitSignature]


def compute_header_hash(hash_fn: Callable[[bytes], bytes], header: BlockHeader) -> bytes:
    """The block hash: the zone hash of the header's canonical bytes."""
    return hash_fn(encode_record(header))


def header_sign_bytes(header_hash: bytes) -> bytes:
    """The bytes a validator signs to commit a header."""
    return HEADER_SIGN_DOMAIN + header_hash


def compute_validators_hash(
    hash_fn: Callable[[bytes], bytes], validators: Sequence[GenesisValidator]
) -> bytes:
    """Hash of the validator set: canonical JSON of the list sorted by public key (so order never matters)."""
    return hash_fn(msgspec.json.encode(sorted(validators, key=lambda v: v.public_key), order="sorted"))
