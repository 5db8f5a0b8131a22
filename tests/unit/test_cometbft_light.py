"""The CometBFT light client and ABCI framing, checked against a commit recorded from a real network.

``tests/vectors/cometbft_commit.json`` was recorded by ``scripts/record_cometbft_vectors.py`` from a
4-validator localnet of CometBFT v0.38: CometBFT computed the block id (our header hash must equal it) and
its validators signed the canonical vote bytes (our sign bytes must verify).
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bayledger.cometbft.light import (
    Validator,
    follow_hand_overs,
    header_hash,
    merkle_root,
    parse_time,
    parse_validators,
    validators_hash,
    verify_commit,
    verify_header,
)
from bayledger.cometbft.proofs import genesis_validators, verify_cometbft_answer
from bayledger.cometbft.wire import FramingError, decode_uvarint, encode_uvarint, frame
from bayledger.core.light import LightClientError
from bayledger.keys import Ed25519SigningKey
from bayledger.sdk.verify import genesis_from_json, verify_proof_answer

VECTOR: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "vectors" / "cometbft_commit.json").read_text()
)
CHAIN_ID: str = VECTOR["chain_id"]
SIGNED: dict[str, Any] = VECTOR["signed_header"]
VALIDATORS = parse_validators(VECTOR["validators"])


def test_uvarint_framing_matches_protobuf() -> None:
    assert encode_uvarint(0) == b"\x00"
    assert encode_uvarint(300) == b"\xac\x02"
    assert encode_uvarint(2**63) == b"\x80" * 9 + b"\x01"
    assert decode_uvarint(b"\xac\x02rest") == (300, 2)
    assert frame(b"abc") == b"\x03abc"
    with pytest.raises(FramingError):
        decode_uvarint(b"\x80\x80")
    with pytest.raises(ValueError):
        encode_uvarint(-1)


def test_rfc6962_merkle_root_and_times() -> None:
    import hashlib

    leaf = hashlib.sha256(b"\x00a").digest()
    assert merkle_root([]) == hashlib.sha256(b"").digest()
    assert merkle_root([b"a"]) == leaf
    three = hashlib.sha256(
        b"\x01"
        + hashlib.sha256(b"\x01" + leaf + hashlib.sha256(b"\x00b").digest()).digest()
        + hashlib.sha256(b"\x00c").digest()
    ).digest()
    assert merkle_root([b"a", b"b", b"c"]) == three
    assert parse_time("2026-12-01T08:37:01.095913816Z") == (1796114221, 95913816)
    assert parse_time("1970-01-01T00:00:01Z") == (1, 0)
    with pytest.raises(LightClientError):
        parse_time("2026-12-01 08:37:01")


def test_header_hash_and_validator_set_hash_equal_cometbfts() -> None:
    assert header_hash(SIGNED["header"]).hex().upper() == SIGNED["commit"]["block_id"]["hash"]
    assert validators_hash(VALIDATORS).hex().upper() == SIGNED["header"]["validators_hash"]
    assert validators_hash(tuple(reversed(VALIDATORS))) == validators_hash(VALIDATORS)  # order-free


def test_the_recorded_commit_verifies_and_every_tampering_is_refused() -> None:
    assert verify_commit(CHAIN_ID, SIGNED, VALIDATORS)["height"] == SIGNED["header"]["height"]
    with pytest.raises(LightClientError, match="chain"):
        verify_commit("another-chain", SIGNED, VALIDATORS)

    moved = copy.deepcopy(SIGNED)
    moved["header"]["app_hash"] = "00" * 32
    with pytest.raises(LightClientError, match="another block"):
        verify_commit(CHAIN_ID, moved, VALIDATORS)

    stranger = Validator(Ed25519SigningKey.generate().public_key, 10)
    with pytest.raises(LightClientError, match="validator set differs"):
        verify_commit(CHAIN_ID, SIGNED, (*VALIDATORS[:3], stranger))

    two_left = copy.deepcopy(SIGNED)
    for sig in two_left["commit"]["signatures"][2:]:
        sig["block_id_flag"] = 1  # absent
    with pytest.raises(LightClientError, match="20 of 40 voting power"):
        verify_commit(CHAIN_ID, two_left, VALIDATORS)

    forged = copy.deepcopy(SIGNED)
    for sig in forged["commit"]["signatures"][:2]:
        raw = bytearray(base64.b64decode(sig["signature"]))
        raw[0] ^= 1
        sig["signature"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(LightClientError, match="voting power"):
        verify_commit(CHAIN_ID, forged, VALIDATORS)

    doubled = copy.deepcopy(SIGNED)  # one validator's signature four times counts once
    signatures = doubled["commit"]["signatures"]
    signatures[1:] = [copy.deepcopy(signatures[0]) for _ in signatures[1:]]
    with pytest.raises(LightClientError, match="10 of 40"):
        verify_commit(CHAIN_ID, doubled, VALIDATORS)

    retimed = copy.deepcopy(SIGNED)  # the vote timestamp is signed
    for sig in retimed["commit"]["signatures"]:
        sig["timestamp"] = "2030-01-01T00:00:00Z"
    with pytest.raises(LightClientError, match="0 of 40"):
        verify_commit(CHAIN_ID, retimed, VALIDATORS)


def test_hand_overs_are_followed_only_when_committed_and_hashing_to_the_named_set() -> None:
    header = SIGNED["header"]
    unchanged = follow_hand_overs(CHAIN_ID, VALIDATORS, [{"signed_header": SIGNED, "next_validators": []}])
    assert [t.from_height for t in unchanged] == [1]  # next set == current set: nothing handed over
    renamed = copy.deepcopy(SIGNED)
    renamed["header"]["next_validators_hash"] = "AB" * 32
    with pytest.raises(LightClientError, match="another block"):  # the hand-over header must be committed
        follow_hand_overs(CHAIN_ID, VALIDATORS, [{"signed_header": renamed, "next_validators": []}])
    strangers = tuple(Validator(Ed25519SigningKey.generate().public_key, 10) for _ in range(4))
    with pytest.raises(LightClientError, match="validator set differs"):
        verify_header(CHAIN_ID, strangers, SIGNED, [])
    assert verify_header(CHAIN_ID, VALIDATORS, SIGNED, [])["app_hash"] == header["app_hash"]


def test_a_network_proof_answer_verifies_against_the_genesis_and_nothing_else() -> None:
    genesis = genesis_from_json(VECTOR["genesis"])
    assert set(genesis_validators(genesis)) == set(VALIDATORS)
    answer = VECTOR["proof_answer"]
    value = verify_proof_answer(genesis, answer)  # the SDK's default path dispatches to CometBFT's client
    assert value == answer["value"] and value["id"] == "ANC-00000001"
    assert verify_cometbft_answer(genesis, answer) == value

    lied = copy.deepcopy(answer)
    lied["value"]["uri"] = "https://elsewhere"
    with pytest.raises(LightClientError, match="differs from the proven bytes"):
        verify_proof_answer(genesis, lied)
    swapped = copy.deepcopy(answer)
    swapped["app_hash"] = "11" * 32
    with pytest.raises(LightClientError, match="app hash"):
        verify_proof_answer(genesis, swapped)
    other_value = copy.deepcopy(answer)
    other_value["value_raw"] = other_value["value_raw"][:-2] + "20"
    with pytest.raises(LightClientError, match="does not match"):
        verify_proof_answer(genesis, other_value)
