"""Multikey and Multibase: how public keys and proof values are written in credentials.

The pure encodings (header table, SM2 point compression, multibase prefixes) live and are documented in
``bayledger.core.multikey``, where the identity module builds DID documents with them; this module
re-exports them and raises the typed ``InvalidMultikeyError`` for keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from bayledger.core import multikey as _core
from bayledger.core.multikey import (
    BASE58BTC,
    BASE64URL,
    ED25519_PRIV,
    ED25519_PUB,
    SM2_PRIV,
    SM2_PUB,
    compress_sm2_point,
    decode_multibase,
    decode_varint,
    decompress_sm2_point,
    encode_multibase,
    encode_varint,
)
from bayledger.vc.errors import InvalidMultikeyError

__all__ = [
    "BASE58BTC",
    "BASE64URL",
    "ED25519_PRIV",
    "ED25519_PUB",
    "SM2_PRIV",
    "SM2_PUB",
    "Multikey",
    "compress_sm2_point",
    "decode_multibase",
    "decode_public_key",
    "decode_secret_key",
    "decode_varint",
    "decompress_sm2_point",
    "encode_multibase",
    "encode_public_key",
    "encode_secret_key",
    "encode_varint",
]


@dataclass(frozen=True)
class Multikey:
    """A public key of a known type: raw bytes as ``bayledger.core.crypto`` takes them."""

    key_type: str
    public_key: bytes

    @property
    def multibase(self) -> str:
        """The ``publicKeyMultibase`` form (``z6Mk…`` for Ed25519, ``zEPJ…``-like for SM2)."""
        return encode_public_key(self.key_type, self.public_key)

    def did_key(self) -> str:
        """The ``did:key`` identifier of this key."""
        return "did:key:" + self.multibase

    def did_key_verification_method(self) -> str:
        """``did:key:<multikey>#<multikey>``, the verification method id of a ``did:key``."""
        return f"{self.did_key()}#{self.multibase}"


def encode_public_key(key_type: str, public_key: bytes) -> str:
    """``publicKeyMultibase`` of a raw public key (Ed25519 32 bytes; SM2 65 bytes, written compressed)."""
    try:
        return _core.encode_public_key(key_type, public_key)
    except _core.MultikeyError as error:
        raise InvalidMultikeyError(str(error)) from None


def decode_public_key(text: str) -> Multikey:
    """Parse a ``publicKeyMultibase`` (base58btc only, as Multikey requires) into a checked ``Multikey``."""
    try:
        key_type, raw = _core.decode_public_key(text)
    except _core.MultikeyError as error:
        raise InvalidMultikeyError(str(error)) from None
    return Multikey(key_type, raw)


def encode_secret_key(key_type: str, private_key: bytes) -> str:
    """``secretKeyMultibase`` of a raw 32-byte private key. Never publish it."""
    try:
        return _core.encode_secret_key(key_type, private_key)
    except _core.MultikeyError as error:
        raise InvalidMultikeyError(str(error)) from None


def decode_secret_key(text: str) -> tuple[str, bytes]:
    """Parse a ``secretKeyMultibase`` into ``(key_type, raw 32-byte private key)``."""
    try:
        return _core.decode_secret_key(text)
    except _core.MultikeyError as error:
        raise InvalidMultikeyError(str(error)) from None
