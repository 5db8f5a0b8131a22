"""State of the anchor module: anchors, their attestations and two lookup indexes."""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did, Height, TimestampMs

ANCHOR_PREFIX = b"anchor/a/"
ATTESTATION_PREFIX = b"anchor/t/"
BY_HASH_PREFIX = b"anchor/h/"  # anchor/h/<content hash>/<owner> -> anchor id
BY_OWNER_PREFIX = b"anchor/o/"
SEQUENCE_KEY = b"anchor/seq"


class Anchor(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A content hash anchored on chain with its type, where the content lives, and metadata."""

    id: str
    owner: Did
    content_hash: str
    hash_algorithm: str
    anchor_type: str
    uri: str
    metadata: dict[str, str]
    height: Height
    time: TimestampMs
    attestation_count: int


class Attestation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A third party's statement about an anchor (e.g. "verified"), with optional evidence hash."""

    anchor_id: str
    attester: Did
    statement: str
    evidence_hash: str
    height: Height


def anchor_key(anchor_id: str) -> bytes:
    """State key of an anchor record."""
    return ANCHOR_PREFIX + anchor_id.encode()


def attestation_key(anchor_id: str, attester: Did) -> bytes:
    """State key of one attestation."""
    return ATTESTATION_PREFIX + anchor_id.encode() + b"/" + attester.encode()


def _hash_index_key(content_hash: str, owner: Did) -> bytes:
    return BY_HASH_PREFIX + content_hash.encode() + b"/" + owner.encode()


def _owner_index_key(owner: Did, anchor_id: str) -> bytes:
    return BY_OWNER_PREFIX + owner.encode() + b"/" + anchor_id.encode()


def next_anchor_id(store: WritableState) -> str:
    """Take the next anchor id from the module sequence: ``ANC-00000001``, ``ANC-00000002``, …"""
    number = take_next_sequence(store, SEQUENCE_KEY)
    return f"ANC-{number:08d}"


def get_anchor(store: StateReader, anchor_id: str) -> Anchor | None:
    """The anchor with ``anchor_id`` or None."""
    raw = store.get(anchor_key(anchor_id))
    return None if raw is None else decode_record(raw, Anchor)


def set_anchor(store: WritableState, anchor: Anchor) -> None:
    """Write an anchor and its hash and owner index entries."""
    store.set(anchor_key(anchor.id), encode_record(anchor))
    store.set(_hash_index_key(anchor.content_hash, anchor.owner), anchor.id.encode())
    store.set(_owner_index_key(anchor.owner, anchor.id), b"1")


def list_anchor_ids_by_hash(store: StateReader, content_hash: str) -> list[str]:
    """Ids of every anchor of ``content_hash`` (one per owner), in id order."""
    prefix = BY_HASH_PREFIX + content_hash.encode() + b"/"
    return sorted(value.decode() for _, value in store.iter_prefix(prefix))


def get_anchor_id_by_hash(store: StateReader, content_hash: str, owner: Did) -> str | None:
    """The id of the anchor ``owner`` made of ``content_hash``, or None (one point read)."""
    raw = store.get(_hash_index_key(content_hash, owner))
    return None if raw is None else raw.decode()


def list_anchor_ids_by_owner(store: StateReader, owner: Did) -> list[str]:
    """Ids of every anchor owned by ``owner``, in id order."""
    prefix = BY_OWNER_PREFIX + owner.encode() + b"/"
    return [key[len(prefix) :].decode() for key, _ in store.iter_prefix(prefix)]


def list_anchors(store: StateReader) -> list[Anchor]:
    """Every anchor, in id order."""
    return [decode_record(raw, Anchor) for _, raw in store.iter_prefix(ANCHOR_PREFIX)]


def get_attestation(store: StateReader, anchor_id: str, attester: Did) -> Attestation | None:
    """One attester's attestation of an anchor, or None."""
    raw = store.get(attestation_key(anchor_id, attester))
    return None if raw is None else decode_record(raw, Attestation)


def set_attestation(store: WritableState, attestation: Attestation) -> None:
    """Write an attestation."""
    store.set(attestation_key(attestation.anchor_id, attestation.attester), encode_record(attestation))


def list_attestations(store: StateReader, anchor_id: str) -> list[Attestation]:
    """Every attestation of an anchor, in attester order."""
    prefix = ATTESTATION_PREFIX + anchor_id.encode() + b"/"
    return [decode_record(raw, Attestation) for _, raw in store.iter_prefix(prefix)]
