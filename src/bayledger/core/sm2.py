"""SM2 signature verification (GB/T 32918.2 with SM3) through OpenSSL 3 ``libcrypto``, via ``ctypes``.

Wire formats: a public key is 65 bytes ``04||X||Y`` on the official SM2 curve (GB/T 32918.5); a signature
is 64 bytes ``r||s`` (big-endian, 32 bytes each). The distinguishing ID hashed into ``Z`` is the default
``1234567812345678`` (GM/T 0009), the same as ``openssl ... -sigopt distid:1234567812345678``.

The library is loaded once, at import. After that nothing here touches files, clocks or randomness:
verification is a pure function of its inputs. Parsed public keys (``EVP_PKEY``) are kept in a small
bounded cache because decoding a point costs about a tenth of a verification. The helpers for DER
signatures and the loaded library are shared with ``bayledger.keys``, which signs (outside core).
"""

from __future__ import annotations

import contextlib
import ctypes  # core-ok: loading libcrypto, no I/O at run time
import ctypes.util  # core-ok: loading libcrypto, no I/O at run time
import importlib
from collections.abc import Iterator
from typing import Any, Final

# Curve parameters of SM2 (GB/T 32918.5-2017), used for cheap point checks before calling OpenSSL.
SM2_P: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
SM2_A: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
SM2_B: Final = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
SM2_N: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
SM2_DEFAULT_ID: Final = b"1234567812345678"
PUBLIC_KEY_SIZE: Final = 65
SIGNATURE_SIZE: Final = 64

# DER SubjectPublicKeyInfo header for an uncompressed SM2 point:
# SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID sm2 (1.2.156.10197.1.301) }, BIT STRING (66 bytes) }.
SPKI_PREFIX: Final = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")

_OSSL_PARAM_UTF8_STRING: Final = 4
_OSSL_PARAM_OCTET_STRING: Final = 5
_MIN_OPENSSL: Final = 0x30000000
_CACHE_SIZE: Final = 4096


class OsslParam(ctypes.Structure):
    """``OSSL_PARAM`` from ``openssl/core.h``; an array of them ends with an all-zero entry."""

    _fields_ = (
        ("key", ctypes.c_char_p),
        ("data_type", ctypes.c_uint),
        ("data", ctypes.c_void_p),
        ("data_size", ctypes.c_size_t),
        ("return_size", ctypes.c_size_t),
    )


def _candidate_libraries() -> Iterator[str]:
    found = ctypes.util.find_library("crypto")
    if found:
        yield found
    yield from ("libcrypto.so.3", "libcrypto.3.dylib")
    for module_name in ("_hashlib", "_ssl"):  # the libcrypto Python itself links to
        try:
            path = getattr(importlib.import_module(module_name), "__file__", None)
        except ImportError:
            continue
        if path:
            yield path  # dlsym on the extension module also searches the libraries it links to


def _load_libcrypto() -> ctypes.CDLL:
    for name in _candidate_libraries():
        try:
            lib = ctypes.CDLL(name)
            lib.OpenSSL_version_num.restype = ctypes.c_ulong
            if int(lib.OpenSSL_version_num()) >= _MIN_OPENSSL and hasattr(lib, "EVP_DigestVerify"):
                return lib
        except (OSError, AttributeError):
            continue
    raise ImportError("OpenSSL 3 libcrypto not found; bayledger needs it for SM2")


def _declare(lib: ctypes.CDLL) -> None:
    vp, cp, sz = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
    table: dict[str, tuple[Any, list[Any]]] = {
        "d2i_PUBKEY": (vp, [vp, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
        "EVP_PKEY_free": (None, [vp]),
        "EVP_MD_CTX_new": (vp, []),
        "EVP_MD_CTX_free": (None, [vp]),
        "EVP_DigestVerifyInit_ex": (ctypes.c_int, [vp, vp, cp, vp, cp, vp, vp]),
        "EVP_DigestVerify": (ctypes.c_int, [vp, cp, sz, cp, sz]),
        "EVP_PKEY_CTX_set_params": (ctypes.c_int, [vp, vp]),
        "ERR_clear_error": (None, []),
    }
    for name, (restype, argtypes) in table.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


_LIB: Final = _load_libcrypto()
_declare(_LIB)
_DISTID = ctypes.create_string_buffer(SM2_DEFAULT_ID, len(SM2_DEFAULT_ID))
_DISTID_ADDRESS = ctypes.cast(_DISTID, ctypes.c_void_p)
_SIG_PARAMS = (OsslParam * 2)(
    OsslParam(b"distid", _OSSL_PARAM_OCTET_STRING, _DISTID_ADDRESS, len(SM2_DEFAULT_ID), 0),
    OsslParam(None, 0, None, 0, 0),
)


def libcrypto() -> ctypes.CDLL:
    """The loaded OpenSSL 3 ``libcrypto`` (shared with ``bayledger.keys`` for signing)."""
    return _LIB


def distid_params() -> ctypes.Array[OsslParam]:
    """``OSSL_PARAM`` array setting the SM2 distinguishing ID to the default ``1234567812345678``."""
    return _SIG_PARAMS


def is_on_curve(public_key: bytes) -> bool:
    """True when ``public_key`` is ``04||X||Y`` with (X, Y) a point of the SM2 curve (cofactor 1)."""
    if len(public_key) != PUBLIC_KEY_SIZE or public_key[0] != 4:
        return False
    x = int.from_bytes(public_key[1:33], "big")
    y = int.from_bytes(public_key[33:], "big")
    if x >= SM2_P or y >= SM2_P:
        return False
    return (y * y - (x * x * x + SM2_A * x + SM2_B)) % SM2_P == 0


def _der_integer(value: int) -> bytes:
    body = value.to_bytes(32, "big").lstrip(b"\x00") or b"\x00"
    if body[0] & 0x80:
        body = b"\x00" + body
    return b"\x02" + bytes([len(body)]) + body


def rs_to_der(signature: bytes) -> bytes:
    """Encode a 64-byte ``r||s`` signature as the DER ``SEQUENCE { INTEGER r, INTEGER s }`` OpenSSL uses."""
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError("an SM2 signature is 64 bytes r||s")
    body = _der_integer(int.from_bytes(signature[:32], "big")) + _der_integer(
        int.from_bytes(signature[32:], "big")
    )
    return b"\x30" + bytes([len(body)]) + body


def der_to_rs(der: bytes) -> bytes:
    """Decode a DER ECDSA/SM2 signature into 64 bytes ``r||s``; raises ``ValueError`` on malformed input."""
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise ValueError("not a DER signature sequence")
    values: list[int] = []
    position = 2
    for _ in range(2):
        if position + 2 > len(der) or der[position] != 0x02:
            raise ValueError("expected a DER INTEGER")
        length = der[position + 1]
        body = der[position + 2 : position + 2 + length]
        if length == 0 or len(body) != length or body[0] & 0x80:
            raise ValueError("malformed DER INTEGER")
        if length > 1 and body[0] == 0 and not body[1] & 0x80:
            raise ValueError("non-minimal DER INTEGER")
        values.append(int.from_bytes(body, "big"))
        position += 2 + length
    if position != len(der) or any(v >= 2**256 for v in values):
        raise ValueError("malformed DER signature")
    return values[0].to_bytes(32, "big") + values[1].to_bytes(32, "big")


class _PublicKey:
    """Owns one ``EVP_PKEY``; freed when the last Python reference goes (safe across threads)."""

    __slots__ = ("pointer",)

    def __init__(self, pointer: int) -> None:
        self.pointer = pointer

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown there is nothing left to free into
            _LIB.EVP_PKEY_free(self.pointer)


_CACHE: dict[bytes, _PublicKey] = {}


def _load_public_key(public_key: bytes) -> _PublicKey | None:
    cached = _CACHE.get(public_key)
    if cached is not None:
        return cached
    if not is_on_curve(public_key):
        return None
    der = SPKI_PREFIX + public_key
    cursor = ctypes.c_char_p(der)
    pointer = _LIB.d2i_PUBKEY(None, ctypes.byref(cursor), len(der))
    if not pointer:
        _LIB.ERR_clear_error()
        return None
    handle = _PublicKey(int(pointer))
    if len(_CACHE) >= _CACHE_SIZE:
        with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread evicted first
            del _CACHE[next(iter(_CACHE))]
    _CACHE[public_key] = handle
    return handle


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Verify an SM2 signature ``r||s`` over ``message`` (SM3, default ID); False on any bad input."""
    if (
        not isinstance(public_key, bytes)
        or not isinstance(message, bytes)
        or not isinstance(signature, bytes)
        or len(signature) != SIGNATURE_SIZE
    ):
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < SM2_N and 0 < s < SM2_N):
        return False
    key = _load_public_key(public_key)
    if key is None:
        return False
    return _verify_der(key.pointer, rs_to_der(signature), message)


def _verify_der(key: int, der: bytes, message: bytes) -> bool:
    context = _LIB.EVP_MD_CTX_new()
    if not context:
        return False
    pkey_context = ctypes.c_void_p()
    try:
        # OpenSSL 3.0 refuses the ID as an init parameter; it is set on the PKEY context after init.
        init = _LIB.EVP_DigestVerifyInit_ex(
            context, ctypes.byref(pkey_context), b"SM3", None, None, key, None
        )
        if init != 1 or _LIB.EVP_PKEY_CTX_set_params(pkey_context, _SIG_PARAMS) != 1:
            return False
        return bool(_LIB.EVP_DigestVerify(context, der, len(der), message, len(message)) == 1)
    finally:
        _LIB.EVP_MD_CTX_free(context)
        _LIB.ERR_clear_error()
