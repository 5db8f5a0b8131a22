"""Standard vectors for the signature primitives: RFC 8032 Ed25519, GB/T 32905 SM3, GM/T 0003.5 SM2."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from bayledger.core import crypto, hashing, sm2
from bayledger.keys import Ed25519SigningKey, Sm2SigningKey

HERE = Path(__file__).parent


def _load(name: str) -> list[dict[str, Any]]:
    return list(json.loads((HERE / name).read_text(encoding="utf-8"))["vectors"])


ED25519 = _load("ed25519_rfc8032.json")
SM3 = _load("sm3.json")
SM2 = _load("sm2.json")

# SM2 curve base point (GB/T 32918.5), for the fixed-nonce reference computation below.
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0


@pytest.mark.parametrize("vector", ED25519, ids=lambda v: v["name"])
def test_ed25519_rfc8032_sign_and_verify(vector: dict[str, Any]) -> None:
    key = Ed25519SigningKey.from_seed(bytes.fromhex(vector["secret_key"]))
    message = bytes.fromhex(vector["message"])
    signature = bytes.fromhex(vector["signature"])
    assert key.public_key.hex() == vector["public_key"]
    assert key.sign(message).hex() == vector["signature"]
    assert crypto.verify_signature("ed25519", key.public_key, message, signature) is True
    assert crypto.verify_signature("ed25519", key.public_key, message + b"\x00", signature) is False
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert crypto.verify_signature("ed25519", key.public_key, message, flipped) is False


@pytest.mark.parametrize("vector", SM3, ids=lambda v: v["name"])
def test_sm3_gbt32905_examples(vector: dict[str, Any]) -> None:
    message = vector["message"].encode("ascii")
    assert hashing.sm3(message).hex() == vector["digest"]
    assert hashing.get_hash_function("sm3")(message).hex() == vector["digest"]


@pytest.mark.parametrize("vector", SM2, ids=lambda v: v["name"])
def test_sm2_standard_signature_verifies(vector: dict[str, Any]) -> None:
    public_key = bytes.fromhex(vector["public_key"])
    message = vector["message"].encode("ascii")
    signature = bytes.fromhex(vector["r"] + vector["s"])
    assert vector["id"].encode() == sm2.SM2_DEFAULT_ID
    assert crypto.verify_signature("sm2", public_key, message, signature) is True
    assert crypto.verify_signature("sm2", public_key, b"message digesT", signature) is False
    swapped = bytes.fromhex(vector["s"] + vector["r"])
    assert crypto.verify_signature("sm2", public_key, message, swapped) is False


@pytest.mark.parametrize("vector", SM2, ids=lambda v: v["name"])
def test_sm2_standard_key_derives_published_public_key(vector: dict[str, Any]) -> None:
    key = Sm2SigningKey.from_private_bytes(bytes.fromhex(vector["private_key"]))
    assert key.public_key.hex() == vector["public_key"]


def _add(p: tuple[int, int] | None, q: tuple[int, int] | None) -> tuple[int, int] | None:
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % sm2.SM2_P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] + sm2.SM2_A) * pow(2 * p[1], -1, sm2.SM2_P)
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, sm2.SM2_P)
    x = (slope * slope - p[0] - q[0]) % sm2.SM2_P
    return x, (slope * (p[0] - x) - p[1]) % sm2.SM2_P


def _multiply(k: int, point: tuple[int, int]) -> tuple[int, int] | None:
    result: tuple[int, int] | None = None
    addend: tuple[int, int] | None = point
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    return result


@pytest.mark.parametrize("vector", SM2, ids=lambda v: v["name"])
def test_sm2_fixed_nonce_reference_reproduces_r_s(vector: dict[str, Any]) -> None:
    """Recompute the standard's r, s from d and k (GB/T 32918.2 section 6.1) with Z over the default ID."""
    d, k = int(vector["private_key"], 16), int(vector["k"], 16)
    public_key = bytes.fromhex(vector["public_key"])
    point = _multiply(d, (GX, GY))
    assert point is not None and public_key == b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(
        32, "big"
    )
    user_id = vector["id"].encode()
    z = hashlib.new(
        "sm3",
        (len(user_id) * 8).to_bytes(2, "big")
        + user_id
        + b"".join(v.to_bytes(32, "big") for v in (sm2.SM2_A, sm2.SM2_B, GX, GY))
        + public_key[1:],
    ).digest()
    e = int.from_bytes(hashlib.new("sm3", z + vector["message"].encode()).digest(), "big")
    kg = _multiply(k, (GX, GY))
    assert kg is not None
    r = (e + kg[0]) % sm2.SM2_N
    s = pow(1 + d, -1, sm2.SM2_N) * (k - r * d) % sm2.SM2_N
    assert (f"{r:064x}", f"{s:064x}") == (vector["r"], vector["s"])
