"""Per-zone hash function: SHA-256 (default) or SM3 for national-crypto zones, chosen in genesis."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Literal, get_args

HashAlgorithm = Literal["sha256", "sm3"]
HASH_ALGORITHMS: tuple[str, ...] = get_args(HashAlgorithm)
DIGEST_SIZE = 32


def _sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


_FUNCTIONS: dict[str, Callable[[bytes], bytes]] = {"sha256": _sha256, "sm3": _sm3}


def get_hash_function(algorithm: str) -> Callable[[bytes], bytes]:
    """Return the 32-byte digest function for ``algorithm`` ("sha256" or "sm3")."""
    try:
        return _FUNCTIONS[algorithm]
    except KeyError:
        raise ValueError(f"unknown hash algorithm {algorithm!r}; expected one of {HASH_ALGORITHMS}") from None


def sm3(data: bytes) -> bytes:
    """SM3 digest (GB/T 32905-2016) through OpenSSL."""
    return _sm3(data)


def sha256(data: bytes) -> bytes:
    """SHA-256 digest."""
    return _sha256(data)
