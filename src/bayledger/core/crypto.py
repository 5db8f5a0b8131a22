"""Signature verification for the two key types of bayledger: Ed25519 and SM2 (with SM3, default ID).

CONTRACT (owned by the crypto helper; keep these names and signatures):
- ``KeyType`` is ``Literal["ed25519", "sm2"]``.
- Public keys on the wire are raw bytes: Ed25519 32 bytes; SM2 65 bytes uncompressed ``04||X||Y``.
- Signatures on the wire: Ed25519 64 bytes; SM2 64 bytes ``r||s`` (big-endian, 32 bytes each).
- ``verify_signature`` never raises on bad input: it returns False.
Verification only: signing needs randomness (SM2) and lives outside core, in ``bayledger.keys``.

Ed25519 is verified by libsodium through PyNaCl (the hot path: about twice as fast as OpenSSL through
``cryptography``); libsodium rejects non-canonical encodings and small-order keys. SM2 is verified by
OpenSSL 3 (``bayledger.core.sm2``), interoperable with ``openssl ... -sigopt distid:1234567812345678``.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from nacl.bindings import crypto_core_ed25519_is_valid_point, crypto_sign_open
from nacl.exceptions import BadSignatureError

from bayledger.core import sm2

KeyType = Literal["ed25519", "sm2"]
KEY_TYPES: tuple[str, ...] = get_args(KeyType)

PUBLIC_KEY_SIZES: Final[dict[str, int]] = {"ed25519": 32, "sm2": sm2.PUBLIC_KEY_SIZE}
SIGNATURE_SIZES: Final[dict[str, int]] = {"ed25519": 64, "sm2": sm2.SIGNATURE_SIZE}


def is_valid_public_key(key_type: str, public_key: bytes) -> bool:
    """True when ``public_key`` is a well-formed key of ``key_type`` (SM2: a point on the curve)."""
    if not isinstance(public_key, bytes):
        return False
    if key_type == "ed25519":
        return len(public_key) == 32 and bool(crypto_core_ed25519_is_valid_point(public_key))
    if key_type == "sm2":
        return sm2.is_on_curve(public_key)
    return False


def verify_ed25519(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Verify an Ed25519 (RFC 8032, pure) signature with libsodium; False on any bad input."""
    if (
        not isinstance(public_key, bytes)
        or not isinstance(message, bytes)
        or not isinstance(signature, bytes)
        or len(public_key) != 32
        or len(signature) != 64
    ):
        return False
    try:
        crypto_sign_open(signature + message, public_key)
    except BadSignatureError:
        return False
    except Exception:  # never raise on hostile input
        return False
    return True


def verify_signature(key_type: str, public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Verify ``signature`` over ``message``; SM2 uses SM3 and the distinguishing ID 1234567812345678."""
    if key_type == "ed25519":
        return verify_ed25519(public_key, message, signature)
    if key_type == "sm2":
        return sm2.verify(public_key, message, signature)
    return False
