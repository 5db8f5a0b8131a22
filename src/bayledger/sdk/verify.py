"""Verify node answers with the light client: trust the genesis, nothing else."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.cometbft.proofs import verify_cometbft_answer
from bayledger.core import smt
from bayledger.core.app import DEFAULT_MODULES
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


def compute_proof_key(module: str, kind: str, ident: str) -> bytes:
    """The state key a proof of ``module/kind/ident`` must prove (the module's own key function), so an
    answer proving another record is caught; LightClientError for a kind this SDK does not know."""
    for candidate in DEFAULT_MODULES:
        if candidate.name == module and kind in candidate.provable:
            return candidate.provable[kind].key(ident)
    raise LightClientError(f"no provable record kind {module}/{kind} in this SDK")


def verify_record_answer(genesis: Genesis, answer: dict[str, Any], module: str, kind: str, ident: str) -> Any:
    """:func:`verify_proof_answer`, and the proven key must be the one of ``module/kind/ident``."""
    return verify_proof_answer(genesis, answer, expected_key=compute_proof_key(module, kind, ident))


def verify_proof_answer(
    genesis: Genesis, answer: dict[str, Any], *, expected_key: bytes | None = None
) -> Any:
    """Check a proof answer of ``GET /v1/proofs/...`` against the trusted genesis; return the proven value.

    With ``expected_key`` the answer must prove exactly that state key (a node cannot answer a question
    with a valid proof of another record).

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
    if expected_key is not None and key != expected_key:
        raise LightClientError(
            f"the answer proves key {key.hex()}, not the record asked for ({expected_key.hex()})"
        )
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
