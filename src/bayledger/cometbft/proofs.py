"""Verify a proof answer of a CometBFT network node: header by the light client, then the state proof."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.cometbft.light import Validator, verify_header
from bayledger.core import smt
from bayledger.core.genesis import Genesis
from bayledger.core.hashing import get_hash_function
from bayledger.core.light import LightClientError


def genesis_validators(genesis: Genesis) -> tuple[Validator, ...]:
    """The consensus validators a network starts from: the genesis document's (Ed25519) validators."""
    if any(v.key_type != "ed25519" for v in genesis.validators):
        raise LightClientError("a CometBFT network's genesis validators must have Ed25519 keys")
    return tuple(Validator(v.public_key, v.power) for v in genesis.validators)


def verify_cometbft_answer(genesis: Genesis, answer: dict[str, Any]) -> Any:
    """Check a proof answer carrying ``cometbft`` evidence against the trusted genesis; the proven value.

    CometBFT's header (of height ``height + 1``, or ``height`` when that block changed no state) must be
    committed by >2/3 of the set trusted at that height
    (followed from genesis through the answer's hand-overs); its ``app_hash`` must be the answer's app hash;
    the SMT proof must lead from the key and value to that app hash.
    """
    comet = answer["cometbft"]
    height = int(answer["height"])
    header = verify_header(
        genesis.chain_id, genesis_validators(genesis), comet["signed_header"], comet.get("hand_overs") or []
    )
    if int(header["height"]) > height + 1:
        raise LightClientError(f"the header of height {header['height']} is later than the state {height}")
    app_hash = bytes.fromhex(header["app_hash"])
    if app_hash.hex() != str(answer["app_hash"]).lower():
        raise LightClientError("the answer's app hash is not the one CometBFT's validators committed")
    proof = msgspec.convert(answer["proof"], type=smt.StateProof)
    key = bytes.fromhex(answer["key"])
    raw = None if answer.get("value_raw") is None else bytes.fromhex(answer["value_raw"])
    if not smt.verify_proof(get_hash_function(genesis.hash_algorithm), app_hash, key, raw, proof):
        what = "absence" if raw is None else "value"
        raise LightClientError(
            f"the proof of {what} of key {key.hex()} does not match the committed app hash"
        )
    proven = None if raw is None else msgspec.json.decode(raw)
    if proven != answer.get("value"):
        raise LightClientError("the decoded value shown differs from the proven bytes")
    return proven
