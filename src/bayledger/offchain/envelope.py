"""Encryption of a payload to a recipient vault's key: the envelope that travels vault to vault.

Two suites, chosen by the recipient key named in the grant (``x25519:<b64>`` or ``sm2:<b64>``):

* ``x25519-hkdf-sha256-aes256gcm``: an ephemeral X25519 key agreement with the recipient's key, HKDF-SHA256
  (salt = ephemeral public || recipient public, info = ``bayledger/vault/v1`` + the header) to a 256-bit
  key, AES-256-GCM with a random 96-bit nonce.
* ``sm2-sm4gcm`` (national-crypto zone): a fresh 128-bit SM4 key encrypted to the recipient's SM2 key with
  SM2 public-key encryption (GB/T 32918.4, through OpenSSL), the payload in SM4-GCM with a random nonce.

In both, the header (grant id, sender, recipient, suite, payload fingerprint) is the AEAD's associated
data, so it cannot be changed without the decryption failing. Anyone can encrypt to a public key, so the
sender also **signs** the envelope with a key of its chain account (:func:`sign_envelope`); the recipient
checks it against the grant holder's signers as the chain proves them (:func:`verify_envelope_signature`).
"""

from __future__ import annotations

import base64
import os
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bayledger.core.crypto import verify_signature
from bayledger.keys import SigningKey, Sm2SigningKey
from bayledger.offchain.sm2_encrypt import Sm2CryptoError, sm2_decrypt, sm2_encrypt

X25519_SUITE = "x25519-hkdf-sha256-aes256gcm"
SM_SUITE = "sm2-sm4gcm"
INFO = b"bayledger/vault/v1"
SIGN_DOMAIN = b"bayledger/vault-envelope/v1\n"


class EnvelopeError(Exception):
    """The envelope cannot be opened: wrong key, altered header or ciphertext, unknown suite."""


def b64(data: bytes) -> str:
    """Standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Decode standard base64 text strictly."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def x25519_public_text(key: X25519PrivateKey) -> str:
    """The ``x25519:<b64>`` form of a private key's public key (as a grant names it)."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "x25519:" + b64(raw)


def sm2_public_text(key: Sm2SigningKey) -> str:
    """The ``sm2:<b64>`` form of an SM2 key's public point."""
    return "sm2:" + b64(key.public_key)


def _aad(header: dict[str, Any]) -> bytes:
    return bytes(rfc8785.dumps(header))


def _sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _sm4_gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < 16:
        raise EnvelopeError("ciphertext too short")
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-16:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(sealed[:-16]) + decryptor.finalize()
    except InvalidTag:
        raise EnvelopeError("SM4-GCM authentication failed (wrong key or altered envelope)") from None


def seal(plaintext: bytes, recipient_key: str, header: dict[str, Any]) -> dict[str, Any]:
    """Encrypt ``plaintext`` to ``recipient_key``; ``header`` (JSON, authenticated) travels in clear."""
    kind, _, encoded = recipient_key.partition(":")
    public = unb64(encoded)
    nonce = os.urandom(12)
    if kind == "x25519":
        full = dict(header, suite=X25519_SUITE, recipient_key=recipient_key)
        ephemeral = X25519PrivateKey.generate()
        ephemeral_public = ephemeral.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        full["ephemeral_key"] = b64(ephemeral_public)
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
        aad = _aad(full)
        key = HKDF(hashes.SHA256(), 32, ephemeral_public + public, INFO + aad).derive(shared)
        sealed = AESGCM(key).encrypt(nonce, plaintext, aad)
    elif kind == "sm2":
        full = dict(header, suite=SM_SUITE, recipient_key=recipient_key)
        content_key = os.urandom(16)
        full["wrapped_key"] = b64(sm2_encrypt(public, content_key))
        aad = _aad(full)
        sealed = _sm4_gcm_encrypt(content_key, nonce, plaintext, aad)
    else:
        raise EnvelopeError(f"unknown recipient key type {kind!r}")
    return {"header": full, "nonce": b64(nonce), "ciphertext": b64(sealed)}


def open_envelope(
    envelope: dict[str, Any], *, x25519_key: X25519PrivateKey | None, sm2_key: Sm2SigningKey | None
) -> bytes:
    """Decrypt an envelope with the recipient vault's private keys; EnvelopeError when it fails."""
    try:
        header = dict(envelope["header"])
        nonce, sealed = unb64(envelope["nonce"]), unb64(envelope["ciphertext"])
        suite = header["suite"]
    except (KeyError, TypeError, ValueError):
        raise EnvelopeError("malformed envelope") from None
    aad = _aad(header)
    if suite == X25519_SUITE and x25519_key is not None:
        if header.get("recipient_key") != x25519_public_text(x25519_key):
            raise EnvelopeError("the envelope is sealed to another key")
        ephemeral_public = unb64(header["ephemeral_key"])
        public = unb64(header["recipient_key"].partition(":")[2])
        shared = x25519_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = HKDF(hashes.SHA256(), 32, ephemeral_public + public, INFO + aad).derive(shared)
        try:
            return AESGCM(key).decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise EnvelopeError("AES-GCM authentication failed (wrong key or altered envelope)") from None
    if suite == SM_SUITE and sm2_key is not None:
        if header.get("recipient_key") != sm2_public_text(sm2_key):
            raise EnvelopeError("the envelope is sealed to another key")
        try:
            content_key = sm2_decrypt(sm2_key, unb64(header["wrapped_key"]))
        except Sm2CryptoError as exc:
            raise EnvelopeError(str(exc)) from None
        return _sm4_gcm_decrypt(content_key, nonce, sealed, aad)
    raise EnvelopeError(f"cannot open suite {suite!r} with this vault's keys")


def envelope_sign_bytes(envelope: dict[str, Any]) -> bytes:
    """The bytes a sender signs: a domain tag and the canonical JSON of header, nonce and ciphertext."""
    body = {k: envelope.get(k) for k in ("header", "nonce", "ciphertext")}
    return SIGN_DOMAIN + _aad(body)


def signature_of(key: SigningKey, data: bytes) -> dict[str, str]:
    """``{key_type, public_key, signature}`` (base64) of ``data`` signed by ``key``."""
    return {"key_type": key.key_type, "public_key": b64(key.public_key), "signature": b64(key.sign(data))}


def sign_envelope(envelope: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    """The envelope with the sender's ``signature`` added."""
    return {**envelope, "signature": signature_of(key, envelope_sign_bytes(envelope))}


def verify_envelope_signature(envelope: dict[str, Any], signers: list[dict[str, Any]]) -> bool:
    """True when the envelope is signed by one of ``signers`` (``{key_type, public_key (b64)}`` each)."""
    signature = envelope.get("signature")
    if not isinstance(signature, dict):
        return False
    key_type, public = signature.get("key_type"), signature.get("public_key")
    if not any(s.get("key_type") == key_type and s.get("public_key") == public for s in signers):
        return False
    try:
        return verify_signature(
            str(key_type),
            unb64(str(public)),
            envelope_sign_bytes(envelope),
            unb64(str(signature["signature"])),
        )
    except (KeyError, ValueError):
        return False
