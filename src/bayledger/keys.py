"""Signing keys (Ed25519, SM2) and the encrypted keystore. Outside core: signing needs randomness.

- ``Ed25519SigningKey`` signs with PyNaCl (libsodium); RFC 8032 signatures are deterministic.
- ``Sm2SigningKey`` signs with OpenSSL 3 ``libcrypto`` (SM3, distinguishing ID ``1234567812345678``); the
  per-signature nonce comes from OpenSSL's DRBG, never from Python's ``random``.
- Wire formats match ``bayledger.core.crypto``: public keys raw (32 bytes / 65 bytes ``04||X||Y``),
  signatures 64 bytes; private keys 32 bytes (Ed25519 seed / SM2 scalar ``d``).
- ``to_pem`` gives a PKCS#8 private key and ``public_pem`` a SubjectPublicKeyInfo, both usable by the
  ``openssl`` command.
- ``encrypt_key``/``decrypt_key``: scrypt + AES-256-GCM; every header field is authenticated (GCM AAD =
  RFC 8785 bytes of the blob without its ciphertext), so a wrong passphrase or any edit is refused.
"""

from __future__ import annotations

import abc
import base64
import binascii
import ctypes
import os
import secrets
import unicodedata
from typing import Any, ClassVar, Final

import nacl.signing
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from bayledger.core import crypto, did, sm2
from bayledger.core.encoding import b64decode, b64encode, canonical_json

KEYSTORE_VERSION: Final = 1
DEFAULT_SCRYPT_N: Final = 2**15
_SCRYPT_LIMITS: Final = {"n": (2**10, 2**20), "r": (1, 32), "p": (1, 16)}
# PKCS#8 PrivateKeyInfo pieces for SM2 (id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301).
_SM2_ALGORITHM: Final = bytes.fromhex("301306072a8648ce3d020106082a811ccf5501822d")


class KeystoreError(Exception):
    """A keystore blob cannot be opened: wrong passphrase, tampered or malformed content."""


class SigningKey(abc.ABC):
    """A private key that signs bayledger transactions; ``repr`` never shows private material."""

    key_type: ClassVar[crypto.KeyType]
    public_key: bytes

    @abc.abstractmethod
    def sign(self, message: bytes) -> bytes:
        """Sign ``message``; the result verifies with ``bayledger.core.crypto.verify_signature``."""

    @abc.abstractmethod
    def private_bytes(self) -> bytes:
        """The raw 32-byte private key (Ed25519 seed, SM2 scalar). Handle with care."""

    @abc.abstractmethod
    def to_pem(self) -> str:
        """Unencrypted PKCS#8 PEM of the private key, readable by ``openssl pkey``."""

    @abc.abstractmethod
    def public_pem(self) -> str:
        """SubjectPublicKeyInfo PEM of the public key, readable by ``openssl pkey -pubin``."""

    def did(self, ac_code: str | None = None) -> str:
        """The ``did:bid`` of this key (optionally on the sub-chain ``ac_code``)."""
        return did.did_from_public_key(self.key_type, self.public_key, ac_code)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.did()})"


def _pem(label: str, der: bytes) -> str:
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _pem_body(pem: str | bytes) -> bytes:
    text = pem.decode("ascii") if isinstance(pem, bytes) else pem
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or not lines[0].startswith("-----BEGIN ") or not lines[-1].startswith("-----END "):
        raise ValueError("not a PEM block")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error as error:
        raise ValueError("PEM body is not base64") from error


class Ed25519SigningKey(SigningKey):
    """Ed25519 key (RFC 8032) backed by PyNaCl."""

    key_type: ClassVar[crypto.KeyType] = "ed25519"

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise ValueError("an Ed25519 private key is a 32-byte seed")
        self._key = nacl.signing.SigningKey(seed)
        self.public_key = bytes(self._key.verify_key)

    @classmethod
    def generate(cls) -> Ed25519SigningKey:
        """A new key from the operating system's CSPRNG."""
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519SigningKey:
        """The key of a 32-byte RFC 8032 seed."""
        return cls(seed)

    @classmethod
    def from_pem(cls, pem: str | bytes) -> Ed25519SigningKey:
        """Load an unencrypted PKCS#8 PEM Ed25519 private key (e.g. from ``openssl genpkey``)."""
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as error:
            raise ValueError(f"PEM does not hold a readable private key: {error}") from error
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValueError("PEM does not hold an Ed25519 private key")
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return cls(raw)

    def sign(self, message: bytes) -> bytes:
        """64-byte Ed25519 signature of ``message``."""
        return bytes(self._key.sign(message).signature)

    def private_bytes(self) -> bytes:
        """The 32-byte seed."""
        return bytes(self._key)

    def to_pem(self) -> str:
        """PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``)."""
        key = ed25519.Ed25519PrivateKey.from_private_bytes(self.private_bytes())
        encoded = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return encoded.decode("ascii")

    def public_pem(self) -> str:
        """SubjectPublicKeyInfo PEM (``-----BEGIN PUBLIC KEY-----``)."""
        key = ed25519.Ed25519PublicKey.from_public_bytes(self.public_key)
        encoded = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return encoded.decode("ascii")


_LIB = sm2.libcrypto()


def _declare_signing_functions() -> None:
    vp, cp, sz = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
    table: dict[str, tuple[Any, list[Any]]] = {
        "d2i_AutoPrivateKey": (vp, [vp, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
        "EVP_PKEY_is_a": (ctypes.c_int, [vp, cp]),
        "EVP_PKEY_get_octet_string_param": (ctypes.c_int, [vp, cp, cp, sz, ctypes.POINTER(sz)]),
        "EVP_PKEY_get_bn_param": (ctypes.c_int, [vp, cp, ctypes.POINTER(vp)]),
        "BN_bn2binpad": (ctypes.c_int, [vp, cp, ctypes.c_int]),
        "BN_clear_free": (None, [vp]),
        "EVP_DigestSignInit_ex": (ctypes.c_int, [vp, vp, cp, vp, cp, vp, vp]),
        "EVP_DigestSign": (ctypes.c_int, [vp, cp, ctypes.POINTER(sz), cp, sz]),
    }
    for name, (restype, argtypes) in table.items():
        function = getattr(_LIB, name)
        function.restype = restype
        function.argtypes = argtypes


_declare_signing_functions()


def _load_private_der(der: bytes) -> int:
    """Parse a PKCS#8 or SEC1 DER private key with OpenSSL; returns an owned ``EVP_PKEY*`` of SM2."""
    cursor = ctypes.c_char_p(der)
    pointer = _LIB.d2i_AutoPrivateKey(None, ctypes.byref(cursor), len(der))
    if not pointer:
        _LIB.ERR_clear_error()
        raise ValueError("OpenSSL cannot parse this private key")
    if _LIB.EVP_PKEY_is_a(pointer, b"SM2") != 1:
        _LIB.EVP_PKEY_free(pointer)
        raise ValueError("not an SM2 private key")
    return int(pointer)


def _sm2_private_scalar(pointer: int) -> bytes:
    bignum = ctypes.c_void_p()
    if _LIB.EVP_PKEY_get_bn_param(pointer, b"priv", ctypes.byref(bignum)) != 1:
        _LIB.ERR_clear_error()
        raise ValueError("SM2 key has no private scalar")
    buffer = ctypes.create_string_buffer(32)
    written = _LIB.BN_bn2binpad(bignum, buffer, 32)
    _LIB.BN_clear_free(bignum)
    if written != 32:
        raise ValueError("SM2 private scalar longer than 32 bytes")
    return buffer.raw


class Sm2SigningKey(SigningKey):
    """SM2 key (GB/T 32918, official curve) signing through OpenSSL 3 with SM3 and the default ID."""

    key_type: ClassVar[crypto.KeyType] = "sm2"

    def __init__(self, scalar: bytes) -> None:
        if not isinstance(scalar, bytes) or len(scalar) != 32:
            raise ValueError("an SM2 private key is a 32-byte scalar")
        if not 1 <= int.from_bytes(scalar, "big") <= sm2.SM2_N - 2:
            raise ValueError("SM2 private scalar out of range [1, n-2]")
        self._scalar = scalar
        # SEC1 ECPrivateKey without its public key; OpenSSL computes d*G while loading.
        ec_private = b"\x30\x25\x02\x01\x01\x04\x20" + scalar
        self._pointer = _load_private_der(self._pkcs8(ec_private))
        public = ctypes.create_string_buffer(sm2.PUBLIC_KEY_SIZE)
        size = ctypes.c_size_t()
        ok = _LIB.EVP_PKEY_get_octet_string_param(
            self._pointer, b"pub", public, len(public), ctypes.byref(size)
        )
        if ok != 1 or size.value != sm2.PUBLIC_KEY_SIZE or public.raw[0] != 4:
            _LIB.ERR_clear_error()
            raise ValueError("OpenSSL did not return an uncompressed SM2 public key")
        self.public_key = public.raw

    def __del__(self) -> None:
        pointer = getattr(self, "_pointer", None)
        if pointer:
            _LIB.EVP_PKEY_free(pointer)

    @staticmethod
    def _pkcs8(ec_private: bytes) -> bytes:
        body = b"\x02\x01\x00" + _SM2_ALGORITHM + b"\x04" + bytes([len(ec_private)]) + ec_private
        length = bytes([len(body)]) if len(body) < 128 else b"\x81" + bytes([len(body)])
        return b"\x30" + length + body

    @classmethod
    def generate(cls) -> Sm2SigningKey:
        """A new key: a uniform scalar in [1, n-2] from the operating system's CSPRNG."""
        return cls((secrets.randbelow(sm2.SM2_N - 2) + 1).to_bytes(32, "big"))

    @classmethod
    def from_private_bytes(cls, scalar: bytes) -> Sm2SigningKey:
        """The key of a 32-byte big-endian private scalar ``d``."""
        return cls(scalar)

    @classmethod
    def from_pem(cls, pem: str | bytes) -> Sm2SigningKey:
        """Load an unencrypted SM2 private key PEM (PKCS#8 as ``openssl genpkey`` writes it, or SEC1)."""
        pointer = _load_private_der(_pem_body(pem))
        try:
            return cls(_sm2_private_scalar(pointer))
        finally:
            _LIB.EVP_PKEY_free(pointer)

    def sign(self, message: bytes) -> bytes:
        """64-byte ``r||s`` SM2 signature of ``message`` (SM3, ID ``1234567812345678``, fresh nonce)."""
        context = _LIB.EVP_MD_CTX_new()
        if not context:
            raise MemoryError("EVP_MD_CTX_new failed")
        pkey_context = ctypes.c_void_p()
        signature = ctypes.create_string_buffer(80)
        size = ctypes.c_size_t(len(signature))
        try:
            init = _LIB.EVP_DigestSignInit_ex(
                context, ctypes.byref(pkey_context), b"SM3", None, None, self._pointer, None
            )
            if (
                init != 1
                or _LIB.EVP_PKEY_CTX_set_params(pkey_context, sm2.distid_params()) != 1
                or _LIB.EVP_DigestSign(context, signature, ctypes.byref(size), message, len(message)) != 1
            ):
                raise RuntimeError("OpenSSL SM2 signing failed")
        finally:
            _LIB.EVP_MD_CTX_free(context)
            _LIB.ERR_clear_error()
        return sm2.der_to_rs(signature.raw[: size.value])

    def private_bytes(self) -> bytes:
        """The 32-byte big-endian scalar ``d``."""
        return self._scalar

    def to_pem(self) -> str:
        """PKCS#8 PEM with the public key included, as ``openssl genpkey -algorithm SM2`` writes it."""
        public = b"\xa1\x44\x03\x42\x00" + self.public_key
        ec_private = b"\x30\x6b\x02\x01\x01\x04\x20" + self._scalar + public
        return _pem("PRIVATE KEY", self._pkcs8(ec_private))

    def public_pem(self) -> str:
        """SubjectPublicKeyInfo PEM (``-----BEGIN PUBLIC KEY-----``)."""
        return _pem("PUBLIC KEY", sm2.SPKI_PREFIX + self.public_key)


_KEY_CLASSES: Final[dict[str, type[Ed25519SigningKey] | type[Sm2SigningKey]]] = {
    "ed25519": Ed25519SigningKey,
    "sm2": Sm2SigningKey,
}


def load_signing_key(key_type: str, private_bytes: bytes) -> SigningKey:
    """The signing key of ``key_type`` ("ed25519" or "sm2") from its raw 32-byte private key."""
    try:
        cls = _KEY_CLASSES[key_type]
    except KeyError:
        raise ValueError(f"unknown key type {key_type!r}; expected one of {crypto.KEY_TYPES}") from None
    return cls(private_bytes)


def _derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def _aad(blob: dict[str, Any]) -> bytes:
    return canonical_json({name: value for name, value in blob.items() if name != "ciphertext"})


def encrypt_key(key: SigningKey, passphrase: str, *, scrypt_n: int = DEFAULT_SCRYPT_N) -> dict[str, Any]:
    """Encrypt ``key`` under ``passphrase``: a JSON-ready dict (binary fields in base64).

    ``scrypt_n`` (a power of two) trades unlock time for resistance to guessing; the default 2**15 takes
    about 0.1 s and 32 MiB.
    """
    if not isinstance(passphrase, str) or not passphrase:
        raise ValueError("the passphrase must be a non-empty string")
    low, high = _SCRYPT_LIMITS["n"]
    if not low <= scrypt_n <= high or scrypt_n & (scrypt_n - 1):
        raise ValueError(f"scrypt_n must be a power of two in [{low}, {high}]")
    salt, nonce = os.urandom(16), os.urandom(12)
    blob: dict[str, Any] = {
        "version": KEYSTORE_VERSION,
        "key_type": key.key_type,
        "kdf": {"name": "scrypt", "n": scrypt_n, "r": 8, "p": 1, "salt": b64encode(salt)},
        "cipher": {"name": "aes-256-gcm", "nonce": b64encode(nonce)},
        "public_key": b64encode(key.public_key),
        "did": key.did(),
    }
    wrapping_key = _derive_key(passphrase, salt, scrypt_n, 8, 1)
    blob["ciphertext"] = b64encode(AESGCM(wrapping_key).encrypt(nonce, key.private_bytes(), _aad(blob)))
    return blob


def _kdf_parameters(blob: dict[str, Any]) -> tuple[bytes, int, int, int]:
    kdf = blob.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise KeystoreError("keystore KDF must be scrypt")
    values: dict[str, int] = {}
    for name, (low, high) in _SCRYPT_LIMITS.items():
        value = kdf.get(name)
        if type(value) is not int or not low <= value <= high:
            raise KeystoreError(f"keystore scrypt parameter {name} out of range [{low}, {high}]")
        values[name] = value
    if values["n"] & (values["n"] - 1):
        raise KeystoreError("keystore scrypt n must be a power of two")
    return b64decode(kdf["salt"]), values["n"], values["r"], values["p"]


def decrypt_key(blob: dict[str, Any], passphrase: str) -> SigningKey:
    """Open a keystore blob made by ``encrypt_key``; raises ``KeystoreError`` when it cannot."""
    if not isinstance(blob, dict) or blob.get("version") != KEYSTORE_VERSION:
        raise KeystoreError(f"unsupported keystore (expected version {KEYSTORE_VERSION})")
    try:
        salt, n, r, p = _kdf_parameters(blob)
        cipher = blob["cipher"]
        if not isinstance(cipher, dict) or cipher.get("name") != "aes-256-gcm":
            raise KeystoreError("keystore cipher must be aes-256-gcm")
        nonce, ciphertext = b64decode(cipher["nonce"]), b64decode(blob["ciphertext"])
        aad = _aad(blob)
    except KeystoreError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise KeystoreError(f"malformed keystore: {error}") from None
    try:
        private = AESGCM(_derive_key(passphrase, salt, n, r, p)).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        raise KeystoreError("wrong passphrase, or the keystore was tampered with") from None
    try:
        key = load_signing_key(str(blob["key_type"]), private)
    except ValueError as error:
        raise KeystoreError(f"keystore holds an invalid key: {error}") from None
    if b64encode(key.public_key) != blob["public_key"] or key.did() != blob["did"]:
        raise KeystoreError("keystore public key or DID does not match its private key")
    return key
