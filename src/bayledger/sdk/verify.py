"""Verify node answers with the light client: trust the genesis, nothing else."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core import smt
from bayledger.core.block import SignedHeader
from bayledger.core.genesis import Genesis
from bayledger.core.light import LightClientError, verify_state


def genesis_from_json(data: dict[str, Any]) -> Genesis:
    """A Genesis from its JSON form (as served by ``GET /v1/genesis``), validated."""
    genesis = msgspec.convert(data, type=Genesis)
    genesis.validate()
    return genesis


def verify_proof_answer(genesis: Genesis, answer: dict[str, Any]) -> Any:
    """Check a proof answer of ``GET /v1/proofs/...`` against the trusted genesis; return the proven value.

    Raises LightClientError when the header is not committed by the genesis validators, when the proof
    does not lead to its app hash, or when the value shown differs from the bytes proven.
    """
    if answer.get("header") is None:
        raise LightClientError("the answer has no signed header (the chain has no block yet)")
    signed = msgspec.convert(
        {"header": answer["header"], "signatures": answer["signatures"]}, type=SignedHeader
    )
    proof = msgspec.convert(answer["proof"], type=smt.StateProof)
    key = bytes.fromhex(answer["key"])
    raw = None if answer.get("value_raw") is None else bytes.fromhex(answer["value_raw"])
    verify_state(genesis, signed, key, raw, proof)
    proven = None if raw is None else msgspec.json.decode(raw)
    if proven != answer.get("value"):
        raise LightClientError("the decoded value shown differs from the proven bytes")
    return proven
