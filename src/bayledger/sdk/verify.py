"""Verify node answers with the light client: trust the genesis, nothing else."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.cometbft.proofs import verify_cometbft_answer
from bayledger.core import smt
from bayledger.core.block import BlockHeader, CommitSignature, SignedHeader
from bayledger.core.genesis import Genesis, GenesisValidator
from bayledger.core.light import (
    LightClientError,
    ValidatorChange,
    validators_for_height,
    verify_state,
    verify_validator_changes,
)


class _ChangeAnswer(msgspec.Struct, frozen=True):
    """One entry of a proof answer's ``validator_changes``."""

    header: BlockHeader
    signatures: list[CommitSignature]
    validators: list[GenesisValidator]


def genesis_from_json(data: dict[str, Any]) -> Genesis:
    """A Genesis from its JSON form (as served by ``GET /v1/genesis``), validated."""
    genesis = msgspec.convert(data, type=Genesis)
    genesis.validate()
    return genesis


def verify_proof_answer(genesis: Genesis, answer: dict[str, Any]) -> Any:
    """Check a proof answer of ``GET /v1/proofs/...`` against the trusted genesis; return the proven value.

    The header is checked against the validator set trusted at its height: the genesis set, followed
    through the answer's ``validator_changes`` (each hand-over committed by the set before it). Raises
    LightClientError when a hand-over or the header is not committed by the set it should be, when the proof
    does not lead to its app hash, or when the value shown differs from the bytes proven. An answer of a
    CometBFT network node (with ``cometbft`` evidence) is checked by the CometBFT light client instead.
    """
    if answer.get("cometbft") is not None:  # a CometBFT network: its validators commit the header
        return verify_cometbft_answer(genesis, answer)
    if answer.get("header") is None:
        raise LightClientError("the answer has no signed header (the chain has no block yet)")
    signed = msgspec.convert(
        {"header": answer["header"], "signatures": answer["signatures"]}, type=SignedHeader
    )
    proof = msgspec.convert(answer["proof"], type=smt.StateProof)
    key = bytes.fromhex(answer["key"])
    raw = None if answer.get("value_raw") is None else bytes.fromhex(answer["value_raw"])
    changes = msgspec.convert(answer.get("validator_changes") or [], type=list[_ChangeAnswer])
    trusted = verify_validator_changes(
        genesis,
        [
            ValidatorChange(
                signed=SignedHeader(header=c.header, signatures=c.signatures), validators=c.validators
            )
            for c in changes
        ],
    )
    validators = validators_for_height(trusted, signed.header.height)
    verify_state(genesis, signed, key, raw, proof, validators)
    proven = None if raw is None else msgspec.json.decode(raw)
    if proven != answer.get("value"):
        raise LightClientError("the decoded value shown differs from the proven bytes")
    return proven
