"""SM2 public-key encryption (GB/T 32918.4-2016) through OpenSSL 3 ``libcrypto``, via ``ctypes``.

Used by the national-crypto envelope to transport a fresh SM4 key to the recipient vault's SM2 key. The
ciphertext is OpenSSL's ASN.1 form (GM/T 0009-2012: ``SEQUENCE {x, y, C3 = SM3 hash, C2}``), readable by
``openssl pkeyutl -decrypt`` with the same key. The private key side reuses
:class:`bayledger.keys.Sm2SigningKey`, whose loaded ``EVP_PKEY`` holds the private scalar.
"""

from __future__ import annotations

import ctypes
from typing import Any

from bayledger.core import sm2
from bayledger.keys import Sm2SigningKey

_LIB = sm2.libcrypto()


def _declare() -> None:
    vp, cp, sz = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
    table: dict[str, tuple[Any, list[Any]]] = {
        "EVP_PKEY_CTX_new_from_pkey": (vp, [vp, vp, cp]),
        "EVP_PKEY_CTX_free": (None, [vp]),
        "EVP_PKEY_encrypt_init": (ctypes.c_int, [vp]),
        "EVP_PKEY_encrypt": (ctypes.c_int, [vp, cp, ctypes.POINTER(sz), cp, sz]),
        "EVP_PKEY_decrypt_init": (ctypes.c_int, [vp]),
        "EVP_PKEY_decrypt": (ctypes.c_int, [vp, cp, ctypes.POINTER(sz), cp, sz]),
        "d2i_PUBKEY": (vp, [vp, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
        "EVP_PKEY_free": (None, [vp]),
        "ERR_clear_error": (None, []),
    }
    for name, (restype, argtypes) in table.items():
        function = getattr(_LIB, name)
        function.restype = restype
        function.argtypes = argtypes


_declare()


class Sm2CryptoError(Exception):
    """OpenSSL refused to encrypt or decrypt (bad key, corrupt or foreign ciphertext)."""


def _run(pointer: int, encrypt: bool, data: bytes) -> bytes:
    context = _LIB.EVP_PKEY_CTX_new_from_pkey(None, pointer, None)
    if not context:
        _LIB.ERR_clear_error()
        raise Sm2CryptoError("EVP_PKEY_CTX_new_from_pkey failed")
    try:
        init = _LIB.EVP_PKEY_encrypt_init if encrypt else _LIB.EVP_PKEY_decrypt_init
        step = _LIB.EVP_PKEY_encrypt if encrypt else _LIB.EVP_PKEY_decrypt
        size = ctypes.c_size_t(0)
        if init(context) != 1 or step(context, None, ctypes.byref(size), data, len(data)) != 1:
            raise Sm2CryptoError("OpenSSL SM2 " + ("encryption" if encrypt else "decryption") + " failed")
        out = ctypes.create_string_buffer(size.value)
        if step(context, out, ctypes.byref(size), data, len(data)) != 1:
            raise Sm2CryptoError("OpenSSL SM2 " + ("encryption" if encrypt else "decryption") + " failed")
        return out.raw[: size.value]
    finally:
        _LIB.EVP_PKEY_CTX_free(context)
        _LIB.ERR_clear_error()


def sm2_encrypt(public_key: bytes, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` to a 65-byte ``04||X||Y`` SM2 public key (OpenSSL draws the ephemeral k)."""
    if not sm2.is_on_curve(public_key):
        raise Sm2CryptoError("not an SM2 public key on the official curve")
    der = sm2.SPKI_PREFIX + public_key
    cursor = ctypes.c_char_p(der)
    pointer = _LIB.d2i_PUBKEY(None, ctypes.byref(cursor), len(der))
    if not pointer:
        _LIB.ERR_clear_error()
        raise Sm2CryptoError("OpenSSL cannot load this SM2 public key")
    try:
        return _run(pointer, True, plaintext)
    finally:
        _LIB.EVP_PKEY_free(pointer)


def sm2_decrypt(key: Sm2SigningKey, ciphertext: bytes) -> bytes:
    """Decrypt an SM2 ciphertext (ASN.1, C1C3C2) with the private key; Sm2CryptoError if it is not ours."""
    return _run(key._pointer, False, ciphertext)
