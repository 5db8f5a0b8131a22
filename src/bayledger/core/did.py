"""``did:bid`` identifiers derived from public keys exactly as the BIF (星火·链网) SDKs do.

CONTRACT (owned by the crypto helper; keep these names and signatures):
- ``did_from_public_key(key_type, public_key, ac_code=None) -> str``
- ``is_did_bid(text) -> bool`` (syntax check)

Derivation (星火链网 RFC-003 "BID生成规则"; ``encAddress`` in caict-4iot-dev/BIF-Core-SDK
``PublicKeyManager.java`` and BIF-Core-SDK-Go ``public_key_manager.go``)::

    digest = SHA-256(raw Ed25519 key, 32 bytes)   or   SM3(04||X||Y, 65 bytes) for SM2
    did    = "did:bid:" + [ac_code + ":"] + ("e" | "z") + "f" + Base58_BIF(digest[10:])

``e``/``z`` name the key type (Ed25519/SM2), ``f`` names the suffix encoding (Base58 of the last 22 bytes
of the digest). The AC code (sub-chain code) is 4 characters ``[a-z0-9]``. Base58 uses the BIF alphabet
``123456789AbCDEFGHJKLMNPQRSTuVWXYZaBcdefghijkmnopqrstUvwxyz``: Bitcoin's with the case of ``b``/``B`` and
``u``/``U`` swapped. With the Bitcoin alphabet none of the SDKs' published addresses are reproduced.
With an AC code the key-type letter is kept (RFC-003 and the JS SDK); the Java and Go SDKs always write
``ef`` after an AC code, which we do not copy (see docs/adr/0002).
"""

from __future__ import annotations

import re
from typing import Final

import base58

from bayledger.core import crypto, hashing

DID_BID_PREFIX: Final = "did:bid:"
BIF_BASE58_ALPHABET: Final = b"123456789AbCDEFGHJKLMNPQRSTuVWXYZaBcdefghijkmnopqrstUvwxyz"
KEY_TYPE_LETTERS: Final[dict[str, str]] = {"ed25519": "e", "sm2": "z"}
KEY_TYPE_HASHES: Final[dict[str, str]] = {"ed25519": "sha256", "sm2": "sm3"}
ENCODING_BASE58: Final = "f"
SUFFIX_SIZE: Final = 22

_AC_CODE = re.compile(r"[a-z0-9]{4}")
_DID_BID = re.compile(
    r"did:bid:(?:(?P<ac>[a-z0-9]{4}):)?(?P<type>[ez])f(?P<suffix>[1-9A-HJ-NP-Za-km-z]{1,31})",
)


def is_ac_code(text: str) -> bool:
    """True when ``text`` is a sub-chain AC code: exactly 4 lowercase letters or digits."""
    return isinstance(text, str) and _AC_CODE.fullmatch(text) is not None


def encode_suffix(digest_tail: bytes) -> str:
    """Base58-encode bytes with the BIF alphabet."""
    return base58.b58encode(digest_tail, alphabet=BIF_BASE58_ALPHABET).decode("ascii")


def decode_suffix(text: str) -> bytes:
    """Decode BIF-alphabet Base58 text; raises ``ValueError`` on a character outside the alphabet."""
    return base58.b58decode(text.encode("ascii"), alphabet=BIF_BASE58_ALPHABET)


def did_from_public_key(key_type: str, public_key: bytes, ac_code: str | None = None) -> str:
    """Derive the ``did:bid`` of a raw public key (see module docstring).

    Raises ``ValueError`` for an unknown key type, a malformed public key or a malformed AC code.
    """
    if key_type not in KEY_TYPE_LETTERS:
        raise ValueError(f"unknown key type {key_type!r}; expected one of {crypto.KEY_TYPES}")
    if not crypto.is_valid_public_key(key_type, public_key):
        raise ValueError(f"not a valid {key_type} public key")
    if ac_code is not None and not is_ac_code(ac_code):
        raise ValueError(f"AC code must be 4 characters a-z or 0-9, got {ac_code!r}")
    digest = hashing.get_hash_function(KEY_TYPE_HASHES[key_type])(public_key)
    ac_part = f"{ac_code}:" if ac_code else ""
    suffix = encode_suffix(digest[-SUFFIX_SIZE:])
    return f"{DID_BID_PREFIX}{ac_part}{KEY_TYPE_LETTERS[key_type]}{ENCODING_BASE58}{suffix}"


def is_did_bid(text: str) -> bool:
    """True when ``text`` is a syntactically valid ``did:bid`` identifier."""
    if not isinstance(text, str) or not text.isascii():
        return False
    match = _DID_BID.fullmatch(text)
    if match is None:
        return False
    suffix = match.group("suffix")
    try:
        decoded = decode_suffix(suffix)
    except ValueError:
        return False
    return len(decoded) == SUFFIX_SIZE and encode_suffix(decoded) == suffix


def key_type_of_did(text: str) -> str | None:
    """The key type (``"ed25519"`` or ``"sm2"``) a valid ``did:bid`` names, else None."""
    if not is_did_bid(text):
        return None
    letter = text.rsplit(":", 1)[-1][0]
    return "ed25519" if letter == "e" else "sm2"
