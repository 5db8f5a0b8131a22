"""Invariants of the anchor module."""

from __future__ import annotations

from bayledger.core.modules.anchor.state import (
    get_anchor_id_by_hash,
    list_anchor_ids_by_owner,
    list_anchors,
    list_attestations,
)
from bayledger.core.store import StateReader


def check_attestation_counts(store: StateReader) -> list[str]:
    """Each anchor's attestation_count equals its stored attestations, none by the owner."""
    broken = []
    for anchor in list_anchors(store):
        attestations = list_attestations(store, anchor.id)
        if len(attestations) != anchor.attestation_count:
            broken.append(f"{anchor.id}: count {anchor.attestation_count}, stored {len(attestations)}")
        if any(a.attester == anchor.owner for a in attestations):
            broken.append(f"{anchor.id}: attested by its own owner")
    return broken


def check_indexes(store: StateReader) -> list[str]:
    """Each anchor is listed under its content hash (for its owner) and under its owner."""
    broken = []
    for anchor in list_anchors(store):
        if get_anchor_id_by_hash(store, anchor.content_hash, anchor.owner) != anchor.id:
            broken.append(f"{anchor.id}: missing from the content-hash index")
        if anchor.id not in list_anchor_ids_by_owner(store, anchor.owner):
            broken.append(f"{anchor.id}: missing from the owner index")
    return broken
