"""Merkle root of an ordered list (RFC 6962 shape), used for a block's tx root and results hash."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def compute_list_root(hash_fn: Callable[[bytes], bytes], items: Sequence[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash.

    Leaves hash as ``H(0x00||item)``, inner nodes as ``H(0x01||left||right)``, the empty list as ``H("")``.
    """
    if not items:
        return hash_fn(b"")
    return _root_of(hash_fn, [hash_fn(b"\x00" + item) for item in items])


def _root_of(hash_fn: Callable[[bytes], bytes], hashes: Sequence[bytes]) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    split = 1
    while split * 2 < len(hashes):
        split *= 2
    return hash_fn(b"\x01" + _root_of(hash_fn, hashes[:split]) + _root_of(hash_fn, hashes[split:]))
