"""The anchor module: content hashes anchored on chain and attested by third parties."""

from __future__ import annotations

from bayledger.core.modules.anchor.handlers import process_attest_anchor, process_create_anchor
from bayledger.core.modules.anchor.invariants import check_attestation_counts, check_indexes
from bayledger.core.modules.anchor.msgs import (
    MsgAttestAnchor,
    MsgCreateAnchor,
    validate_attest_anchor,
    validate_create_anchor,
)
from bayledger.core.modules.anchor.state import Anchor, anchor_key
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="anchor",
    routes=(
        Route(MsgCreateAnchor, process_create_anchor, validate_create_anchor),
        Route(MsgAttestAnchor, process_attest_anchor, validate_attest_anchor),
    ),
    invariants=(("attestation-counts", check_attestation_counts), ("indexes", check_indexes)),
    provable={"anchor": ProvableRecord(key=anchor_key, record_type=Anchor)},
)
