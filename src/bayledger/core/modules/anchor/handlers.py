"""Handlers of the anchor module: check, then mutate, then emit."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.anchor.errors import (
    AnchorExistsError,
    AnchorNotFoundError,
    DuplicateAttestationError,
    SelfAttestationError,
)
from bayledger.core.modules.anchor.events import EventAttestAnchor, EventCreateAnchor
from bayledger.core.modules.anchor.msgs import MsgAttestAnchor, MsgCreateAnchor
from bayledger.core.modules.anchor.state import (
    Anchor,
    Attestation,
    get_anchor,
    get_anchor_id_by_hash,
    get_attestation,
    next_anchor_id,
    set_anchor,
    set_attestation,
)


def process_create_anchor(ctx: Context, msg: MsgCreateAnchor) -> None:
    """Record a new anchor; an owner anchors a given content hash once."""
    existing_id = get_anchor_id_by_hash(ctx.store, msg.content_hash, msg.owner)
    if existing_id is not None:
        raise AnchorExistsError(msg.owner, msg.content_hash, existing_id)

    anchor_id = next_anchor_id(ctx.store)
    set_anchor(
        ctx.store,
        Anchor(
            id=anchor_id,
            owner=msg.owner,
            content_hash=msg.content_hash,
            hash_algorithm=msg.hash_algorithm,
            anchor_type=msg.anchor_type,
            uri=msg.uri,
            metadata=msg.metadata,
            height=ctx.height,
            time=ctx.time,
            attestation_count=0,
        ),
    )

    ctx.emit(
        EventCreateAnchor(
            anchor_id=anchor_id, owner=msg.owner, content_hash=msg.content_hash, anchor_type=msg.anchor_type
        )
    )


def process_attest_anchor(ctx: Context, msg: MsgAttestAnchor) -> None:
    """Record a third party's attestation of an anchor, once per attester."""
    anchor = get_anchor(ctx.store, msg.anchor_id)
    if anchor is None:
        raise AnchorNotFoundError(msg.anchor_id)
    if anchor.owner == msg.attester:
        raise SelfAttestationError(msg.anchor_id)
    if get_attestation(ctx.store, msg.anchor_id, msg.attester) is not None:
        raise DuplicateAttestationError(msg.anchor_id, msg.attester)

    set_attestation(
        ctx.store,
        Attestation(
            anchor_id=msg.anchor_id,
            attester=msg.attester,
            statement=msg.statement,
            evidence_hash=msg.evidence_hash,
            height=ctx.height,
        ),
    )
    set_anchor(ctx.store, replace(anchor, attestation_count=anchor.attestation_count + 1))

    ctx.emit(EventAttestAnchor(anchor_id=msg.anchor_id, attester=msg.attester, statement=msg.statement))
