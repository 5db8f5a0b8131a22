"""did:bid vectors published by the BIF (星火·链网) SDKs, reproduced by ``bayledger.core.did``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import base58
import pytest

from bayledger.core import did
from bayledger.keys import load_signing_key

DATA = json.loads((Path(__file__).parent / "did_bid.json").read_text(encoding="utf-8"))
LETTERS = {"e": "ed25519", "z": "sm2"}


def _decode_bif_private_key(encoded: str) -> tuple[str, bytes]:
    """BIF private key text: Base58(0x18 0x9E 0x99 || type letter || 'f' || raw 32 bytes)."""
    raw = base58.b58decode(encoded, alphabet=did.BIF_BASE58_ALPHABET)
    assert raw[:3] == b"\x18\x9e\x99" and raw[4:5] == b"f" and len(raw) == 37
    return LETTERS[chr(raw[3])], raw[5:]


def test_alphabet_is_the_sdks() -> None:
    assert DATA["bif_base58_alphabet"].encode() == did.BIF_BASE58_ALPHABET


@pytest.mark.parametrize("vector", DATA["vectors"], ids=lambda v: v["did"])
def test_published_private_key_gives_published_did(vector: dict[str, Any]) -> None:
    key_type, private = _decode_bif_private_key(vector["enc_private_key"])
    assert key_type == vector["key_type"]
    assert private.hex() == vector["raw_private_key_hex"]
    key = load_signing_key(key_type, private)
    assert key.public_key.hex() == vector["raw_public_key_hex"]
    if "enc_public_key" in vector:  # B0 || type letter || 'f' || raw public key, hex
        prefix = "b0" + (b"ef" if key_type == "ed25519" else b"zf").hex()
        assert prefix + key.public_key.hex() == vector["enc_public_key"]
    assert did.did_from_public_key(key_type, key.public_key) == vector["did"]
    assert key.did() == vector["did"]
    assert did.is_did_bid(vector["did"]) is True


@pytest.mark.parametrize("vector", DATA["hash_tail_vectors"], ids=lambda v: v["raw_public_key_hex"][:8])
def test_rfc003_hash_tail(vector: dict[str, Any]) -> None:
    digest = hashlib.sha256(bytes.fromhex(vector["raw_public_key_hex"])).digest()
    assert digest[-did.SUFFIX_SIZE :].hex() == vector["sha256_last_22_hex"]
    derived = did.did_from_public_key("ed25519", bytes.fromhex(vector["raw_public_key_hex"]))
    assert did.decode_suffix(derived[len("did:bid:ef") :]).hex() == vector["sha256_last_22_hex"]


@pytest.mark.parametrize("vector", DATA["superseded"], ids=lambda v: v["did"])
def test_superseded_sm2_rule_hashed_x_y_without_prefix(vector: dict[str, Any]) -> None:
    _, private = _decode_bif_private_key(vector["enc_private_key"])
    key = load_signing_key("sm2", private)
    old_rule = "did:bid:zf" + did.encode_suffix(hashlib.new("sm3", key.public_key[1:]).digest()[-22:])
    assert old_rule == vector["did"]
    assert key.did() != vector["did"]


def test_bitcoin_alphabet_would_not_reproduce_the_sdks() -> None:
    vector = DATA["vectors"][0]
    key = load_signing_key(vector["key_type"], bytes.fromhex(vector["raw_private_key_hex"]))
    tail = hashlib.sha256(key.public_key).digest()[-22:]
    assert "did:bid:ef" + base58.b58encode(tail).decode() != vector["did"]
