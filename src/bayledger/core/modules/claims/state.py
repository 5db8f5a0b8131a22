"""State of the claims registry: one record per claim, indexed by project and by batch.

Days are integers, days since 1970-01-01 (:func:`compute_day_of_date`), and periods are inclusive
``[period_start, period_end]``. Serial ranges are inclusive ``[first, last]``.
"""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Height

CLAIM_PREFIX = b"claims/c/"  # claims/c/<claim_id> -> Claim
PROJECT_INDEX_PREFIX = b"claims/p/"  # claims/p/<project_ref>/<claim_id> -> b"1" (every kind)
BATCH_INDEX_PREFIX = b"claims/s/"  # claims/s/<batch_ref>/<claim_id> -> b"1" (serial-range claims)
SEQUENCE_KEY = b"claims/seq"

KIND_SERIAL_RANGE = "serial-range"
KIND_PROJECT_PERIOD = "project-period"
CLAIM_KINDS = (KIND_SERIAL_RANGE, KIND_PROJECT_PERIOD)


class Claim(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One claim of tonnes: over serial ranges of one batch, or over a project and a period of days.

    A serial-range claim also records its batch's project and vintage (``period_*``), so that it can be
    compared with project-period claims; a project-period claim has ``batch_ref`` "" and no ranges.
    """

    claim_id: str
    kind: str
    claimant: str
    source: str
    project_ref: str
    period_start: int
    period_end: int
    batch_ref: str
    ranges: list[tuple[int, int]]
    quantity: int
    unit: str
    height: Height
    tx_hash: str


def claim_key(claim_id: str) -> bytes:
    """State key of a claim (provable kind ``claim``, ident ``<claim_id>``)."""
    return CLAIM_PREFIX + claim_id.encode()


def _project_index_key(project_ref: str, claim_id: str) -> bytes:
    return PROJECT_INDEX_PREFIX + project_ref.encode() + b"/" + claim_id.encode()


def _batch_index_key(batch_ref: str, claim_id: str) -> bytes:
    return BATCH_INDEX_PREFIX + batch_ref.encode() + b"/" + claim_id.encode()


def next_claim_id(store: WritableState) -> str:
    """The next claim id, ``CLM-00000001``, ``CLM-00000002``, … (a failed tx gives its number back)."""
    return f"CLM-{take_next_sequence(store, SEQUENCE_KEY):08d}"


def get_claim(store: StateReader, claim_id: str) -> Claim | None:
    """The claim with ``claim_id``, or None."""
    raw = store.get(claim_key(claim_id))
    return None if raw is None else decode_record(raw, Claim)


def set_claim(store: WritableState, claim: Claim) -> None:
    """Write a claim and its index entries (claims are never changed or deleted afterwards)."""
    store.set(claim_key(claim.claim_id), encode_record(claim))
    store.set(_project_index_key(claim.project_ref, claim.claim_id), b"1")
    if claim.kind == KIND_SERIAL_RANGE:
        store.set(_batch_index_key(claim.batch_ref, claim.claim_id), b"1")


def _claims_under(store: StateReader, prefix: bytes) -> list[Claim]:
    found = []
    for key, _ in store.iter_prefix(prefix):
        claim = get_claim(store, key[len(prefix) :].decode())
        if claim is not None:
            found.append(claim)
    return found


def list_project_claims(store: StateReader, project_ref: str) -> list[Claim]:
    """Every claim (both kinds) over ``project_ref``, in claim id order."""
    return _claims_under(store, PROJECT_INDEX_PREFIX + project_ref.encode() + b"/")


def list_batch_claims(store: StateReader, batch_ref: str) -> list[Claim]:
    """Every serial-range claim over ``batch_ref``, in claim id order."""
    return _claims_under(store, BATCH_INDEX_PREFIX + batch_ref.encode() + b"/")


def list_claims(store: StateReader) -> list[Claim]:
    """Every claim, in id order."""
    return [decode_record(raw, Claim) for _, raw in store.iter_prefix(CLAIM_PREFIX)]


def list_index_entries(store: StateReader, prefix: bytes) -> list[tuple[str, str]]:
    """Every (reference, claim id) entry of the project or batch index (for the invariants)."""
    pairs = []
    for key, _ in store.iter_prefix(prefix):
        ref, _, claim_id = key[len(prefix) :].decode().rpartition("/")
        pairs.append((ref, claim_id))
    return pairs
