"""Signature verification for the two key types of bayledger: Ed25519 and SM2 (with SM3, default ID).

CONTRACT (owned by the crypto helper; keep these names and signatures):
- ``KeyType`` is ``Literal["ed25519", "sm2"]``.
- Public keys on the wire are raw bytes: Ed25519 32 bytes; SM2 65 bytes uncompressed ``04||X||Y``.
- Signatures on the wire: Ed25519 64 bytes; SM2 64 bytes ``r||s`` (big-endian, 32 bytes each).
- ``verify_signature`` never raises on bad input: it returns False.
Verification only: signing needs randomness (SM2) and lives outside core, in ``bayledger.keys``.
"""

from __future__ import annotations

from typing import Literal, get_args

KeyType = Literal["ed25519", "sm2"]
KEY_TYPES: tuple[str, ...] = get_args(KeyType)


def is_valid_public_key(key_type: str, public_key: bytes) -> bool:
    """True when ``public_key`` is a well-formed key of ``key_type`` (SM2: a point on the curve)."""
    raise NotImplementedError


def verify_signature(key_type: str, public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Verify ``signature`` over ``message``; SM2 uses SM3 and the distinguishing ID 1234567812345678."""
    raise NotImplementedError
