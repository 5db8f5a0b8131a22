"""Multikey and Multibase encodings (pure): how public keys are written in DID documents and credentials.

A Multikey (W3C Controlled Identifiers v1.0 §2.2.2) is ``multibase(multicodec-varint-header || raw key)``.
Headers, from the multiformats ``table.csv`` (multiformats/multicodec):

============ ======== ============== =====================================================
name         code     varint bytes   key bytes
============ ======== ============== =====================================================
ed25519-pub  0xed     ``ed 01``      32-byte Ed25519 public key (``z6Mk…``)
sm2-pub      0x1206   ``86 24``      33-byte **compressed** SM2 point ``02|03 || X``
ed25519-priv 0x1300   ``80 26``      32-byte Ed25519 seed (``z3u2…``)
sm2-priv     0x1310   ``90 26``      32-byte SM2 scalar ``d``
============ ======== ============== =====================================================

The table describes ``sm2-pub`` as "SM2 public key (compressed)" (status draft), so that is what we write;
the one public SM2 Multikey implementation we found (``@instun/sm2-multikey``, keys ``zEPJ…``) does the same.
Inside bayledger an SM2 public key is the 65-byte uncompressed ``04||X||Y`` of ``bayledger.core.crypto``:
``encode_public_key`` compresses and ``decode_public_key`` decompresses (and checks the point).

Multibase prefixes used: ``z`` base58btc (keys, proof values) and ``u`` base64url without padding (status
lists).

Errors are plain ``ValueError`` (``MultikeyError``) so that the core stays free of the ``vc`` package;
``bayledger.vc.multikey`` re-exports these functions and turns key errors into its typed ``vc`` errors.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

import base58

from bayledger.core import crypto, sm2


class MultikeyError(ValueError):
    """A key or Multikey text cannot be encoded or decoded."""


BASE58BTC: Final = "z"
BASE64URL: Final = "u"

ED25519_PUB: Final = 0xED
SM2_PUB: Final = 0x1206
ED25519_PRIV: Final = 0x1300
SM2_PRIV: Final = 0x1310

_PUBLIC_CODECS: Final[dict[str, int]] = {"ed25519": ED25519_PUB, "sm2": SM2_PUB}
_SECRET_CODECS: Final[dict[str, int]] = {"ed25519": ED25519_PRIV, "sm2": SM2_PRIV}
_CODEC_KEY_TYPES: Final[dict[int, str]] = {ED25519_PUB: "ed25519", SM2_PUB: "sm2"}
_SECRET_KEY_TYPES: Final[dict[int, str]] = {ED25519_PRIV: "ed25519", SM2_PRIV: "sm2"}


def encode_varint(value: int) -> bytes:
    """Unsigned LEB128 varint, as multicodec headers use."""
    if value < 0:
        raise ValueError("varint values are unsigned")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes) -> tuple[int, int]:
    """Decode an unsigned varint at the start of ``data``: ``(value, bytes used)``; at most 9 bytes."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if index and byte == 0:
                raise ValueError("varint is not minimally encoded")
            return value, index + 1
    raise ValueError("truncated or oversized varint")


def encode_multibase(data: bytes, base: str = BASE58BTC) -> str:
    """Multibase text of ``data``: ``z`` + base58btc (default) or ``u`` + base64url without padding."""
    if base == BASE58BTC:
        return BASE58BTC + base58.b58encode(data).decode("ascii")
    if base == BASE64URL:
        return BASE64URL + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    raise ValueError(f"unsupported multibase prefix {base!r}")


def decode_multibase(text: str, expected_base: str | None = None) -> bytes:
    """Bytes of a ``z`` (base58btc) or ``u`` (base64url, no padding) multibase string.

    Raises ``ValueError`` on any other prefix, on a prefix other than ``expected_base`` when given, and on
    characters outside the alphabet.
    """
    if not isinstance(text, str) or len(text) < 2 or not text.isascii():
        raise ValueError("a multibase value is a non-empty ASCII string with a prefix")
    prefix, body = text[0], text[1:]
    if expected_base is not None and prefix != expected_base:
        raise ValueError(f"expected multibase prefix {expected_base!r}, got {prefix!r}")
    if prefix == BASE58BTC:
        return base58.b58decode(body.encode("ascii"))
    if prefix == BASE64URL:
        if "=" in body or "+" in body or "/" in body:
            raise ValueError("base64url multibase has no padding and uses the URL-safe alphabet")
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except binascii.Error as error:
            raise ValueError(f"bad base64url: {error}") from None
    raise ValueError(f"unsupported multibase prefix {prefix!r}")


def compress_sm2_point(public_key: bytes) -> bytes:
    """``04||X||Y`` (65 bytes) to the compressed ``02|03||X`` (33 bytes)."""
    if len(public_key) != sm2.PUBLIC_KEY_SIZE or public_key[0] != 4:
        raise ValueError("an SM2 public key is 65 bytes 04||X||Y")
    return bytes([2 | (public_key[-1] & 1)]) + public_key[1:33]


def decompress_sm2_point(compressed: bytes) -> bytes:
    """Compressed ``02|03||X`` to ``04||X||Y``; raises ``ValueError`` when X is not on the SM2 curve.

    The SM2 prime is 3 mod 4, so a square root of ``r`` is ``r^((p+1)/4) mod p``.
    """
    if len(compressed) != 33 or compressed[0] not in (2, 3):
        raise ValueError("a compressed SM2 point is 33 bytes starting with 02 or 03")
    p = sm2.SM2_P
    x = int.from_bytes(compressed[1:], "big")
    if x >= p:
        raise ValueError("SM2 x coordinate out of range")
    rhs = (pow(x, 3, p) + sm2.SM2_A * x + sm2.SM2_B) % p
    y = pow(rhs, (p + 1) // 4, p)
    if y * y % p != rhs:
        raise ValueError("x is not the coordinate of a point on the SM2 curve")
    if y & 1 != compressed[0] & 1:
        y = p - y
    return b"\x04" + compressed[1:] + y.to_bytes(32, "big")


def encode_public_key(key_type: str, public_key: bytes) -> str:
    """``publicKeyMultibase`` of a raw public key (Ed25519 32 bytes; SM2 65 bytes, written compressed)."""
    if key_type not in _PUBLIC_CODECS or not crypto.is_valid_public_key(key_type, public_key):
        raise MultikeyError(f"not a valid {key_type} public key")
    body = compress_sm2_point(public_key) if key_type == "sm2" else public_key
    return encode_multibase(encode_varint(_PUBLIC_CODECS[key_type]) + body)


def decode_public_key(text: str) -> tuple[str, bytes]:
    """Parse a ``publicKeyMultibase`` (base58btc only, as Multikey requires): ``(key_type, raw key)``."""
    try:
        data = decode_multibase(text, BASE58BTC)
        codec, used = decode_varint(data)
    except ValueError as error:
        raise MultikeyError(f"not a Multikey: {error}") from None
    key_type = _CODEC_KEY_TYPES.get(codec)
    if key_type is None:
        raise MultikeyError(f"unsupported Multikey header 0x{codec:x}")
    body = data[used:]
    try:
        raw = decompress_sm2_point(body) if key_type == "sm2" else body
    except ValueError as error:
        raise MultikeyError(f"bad SM2 Multikey: {error}") from None
    if not crypto.is_valid_public_key(key_type, raw):
        raise MultikeyError(f"not a valid {key_type} public key")
    return key_type, raw


def encode_secret_key(key_type: str, private_key: bytes) -> str:
    """``secretKeyMultibase`` of a raw 32-byte private key. Never publish it."""
    if key_type not in _SECRET_CODECS or len(private_key) != 32:
        raise MultikeyError(f"not a 32-byte {key_type} private key")
    return encode_multibase(encode_varint(_SECRET_CODECS[key_type]) + private_key)


def decode_secret_key(text: str) -> tuple[str, bytes]:
    """Parse a ``secretKeyMultibase`` into ``(key_type, raw 32-byte private key)``."""
    try:
        data = decode_multibase(text, BASE58BTC)
        codec, used = decode_varint(data)
    except ValueError as error:
        raise MultikeyError(f"not a secret Multikey: {error}") from None
    key_type = _SECRET_KEY_TYPES.get(codec)
    if key_type is None or len(data) - used != 32:
        raise MultikeyError(f"unsupported secret Multikey header 0x{codec:x} or length")
    return key_type, data[used:]
