"""State proofs of the sparse Merkle tree, and their verification by a light client.

This module is the hashing *specification* of the state tree and depends on nothing but ``msgspec``: a light
client (``core/light.py``) verifies a proof with ``verify_proof`` alone, given the zone's hash function.

Hashing (``H`` is the zone's 32-byte hash, SHA-256 or SM3)::

    keyhash       = H(key)                                     256-bit position of a key in the tree
    leaf hash     = H(0x00 || keyhash || H(value))
    internal hash = H(0x01 || left_hash || right_hash)
    empty subtree = 32 zero bytes (EMPTY_ROOT)

Bit ``i`` of a keyhash (most significant bit of byte 0 is bit 0) chooses the child at depth ``i``: 0 is left,
1 is right. A subtree holding exactly one leaf *is* that leaf; an empty subtree is absent; any other subtree
is an internal node, so a leaf sits at the shortest prefix of its keyhash that no other key shares.

A :class:`StateProof` walks from the root down the path of ``H(key)`` for ``depth`` levels. Level ``i``
(0 = root) contributes the hash of the sibling at depth ``i + 1``; empty siblings are left out and bit ``i``
of ``sibling_bitmap`` (MSB-first, ``ceil(depth / 8)`` bytes, unused bits zero) is 1 exactly where a
non-empty sibling is present in ``siblings`` (root first). The walk ends in

* the key's own leaf — membership: ``value_hash`` set, ``other_*`` absent;
* another key's leaf — non-membership: ``value_hash`` absent, ``other_key_hash`` / ``other_value_hash`` set;
* an empty subtree — non-membership: all three absent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

HashFn = Callable[[bytes], bytes]

EMPTY_ROOT: bytes = bytes(32)
LEAF_TAG = b"\x00"
INTERNAL_TAG = b"\x01"
HASH_SIZE = 32
KEY_BITS = 256


class StateProof(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A proof that ``key`` has a value (membership) or has none (non-membership) under a state root.

    Bytes fields encode as base64 in JSON (``msgspec.json.encode``); see the module docstring for meaning.
    """

    key: bytes
    value_hash: bytes | None
    depth: int
    sibling_bitmap: bytes
    siblings: tuple[bytes, ...]
    other_key_hash: bytes | None = None
    other_value_hash: bytes | None = None

    @property
    def is_membership(self) -> bool:
        """True when the proof claims the key is present."""
        return self.value_hash is not None


def compute_leaf_hash(hash_fn: HashFn, keyhash: bytes, value_hash: bytes) -> bytes:
    """Hash of the leaf holding ``keyhash`` with ``value_hash`` (= ``H(value)``)."""
    return hash_fn(LEAF_TAG + keyhash + value_hash)


def compute_internal_hash(hash_fn: HashFn, left: bytes, right: bytes) -> bytes:
    """Hash of an internal node from its children's hashes (``EMPTY_ROOT`` for an empty child)."""
    return hash_fn(INTERNAL_TAG + left + right)


def _is_hash(value: object) -> bool:
    return type(value) is bytes and len(value) == HASH_SIZE


def _is_well_formed(proof: object) -> bool:
    """Field types and sizes, bitmap/sibling agreement and canonical form; no hashing."""
    if not isinstance(proof, StateProof):
        return False
    depth, bitmap, siblings = proof.depth, proof.sibling_bitmap, proof.siblings
    if type(depth) is not int or not 0 <= depth <= KEY_BITS or type(proof.key) is not bytes:
        return False
    if type(bitmap) is not bytes or len(bitmap) != (depth + 7) >> 3 or type(siblings) is not tuple:
        return False
    bits = int.from_bytes(bitmap, "big")
    if bits & ((1 << (len(bitmap) * 8 - depth)) - 1):  # unused trailing bits must be zero
        return False
    if bits.bit_count() != len(siblings):
        return False
    if not all(_is_hash(s) and s != EMPTY_ROOT for s in siblings):
        return False
    # The node above the end of the path has two non-empty children, or the walk would have ended there.
    if depth > 0 and not (bits >> (len(bitmap) * 8 - depth)) & 1:
        return False
    value_hash, other_kh, other_vh = proof.value_hash, proof.other_key_hash, proof.other_value_hash
    if value_hash is not None:
        return _is_hash(value_hash) and other_kh is None and other_vh is None
    if other_kh is None and other_vh is None:
        return True
    return _is_hash(other_kh) and _is_hash(other_vh)


def verify_proof(hash_fn: HashFn, root: bytes, key: bytes, value: bytes | None, proof: StateProof) -> bool:
    """Check ``proof`` against ``root``: ``key`` maps to ``value``, or (``value is None``) ``key`` is absent.

    Pure and total: any malformed, tampered, truncated or mismatched input yields ``False``, never an
    exception (provided ``hash_fn`` accepts bytes).
    """
    if not _is_hash(root) or type(key) is not bytes or (value is not None and type(value) is not bytes):
        return False
    if not _is_well_formed(proof) or proof.key != key:
        return False
    keyhash = hash_fn(key)
    path = int.from_bytes(keyhash, "big")
    depth = proof.depth
    if value is not None:
        if proof.value_hash is None or proof.value_hash != hash_fn(value):
            return False
        node = hash_fn(LEAF_TAG + keyhash + proof.value_hash)
    else:
        if proof.value_hash is not None:
            return False
        other_kh, other_vh = proof.other_key_hash, proof.other_value_hash
        if other_kh is None or other_vh is None:
            node = EMPTY_ROOT
        else:
            # The other leaf must lie on our path down to ``depth`` and be a different key.
            if other_kh == keyhash or (int.from_bytes(other_kh, "big") ^ path) >> (KEY_BITS - depth):
                return False
            node = hash_fn(LEAF_TAG + other_kh + other_vh)
    bits = int.from_bytes(proof.sibling_bitmap, "big") >> (len(proof.sibling_bitmap) * 8 - depth)
    siblings = proof.siblings
    index = len(siblings)
    for level in range(depth - 1, -1, -1):
        if (bits >> (depth - 1 - level)) & 1:
            index -= 1
            sibling = siblings[index]
        else:
            sibling = EMPTY_ROOT
        if (path >> (KEY_BITS - 1 - level)) & 1:
            node = hash_fn(INTERNAL_TAG + sibling + node)
        else:
            node = hash_fn(INTERNAL_TAG + node + sibling)
    return node == root


def proof_to_dict(proof: StateProof) -> dict[str, Any]:
    """The proof as JSON-ready builtins (bytes as base64 strings, siblings as a list)."""
    out: dict[str, Any] = msgspec.to_builtins(proof)
    out["siblings"] = list(out["siblings"])
    return out


def proof_from_dict(data: Any) -> StateProof:
    """Parse the output of :func:`proof_to_dict` (or decoded JSON); raises ``ValueError`` if malformed."""
    try:
        return msgspec.convert(data, StateProof)
    except msgspec.ValidationError as exc:
        raise ValueError(f"malformed state proof: {exc}") from None


def encode_proof(proof: StateProof) -> bytes:
    """The proof as compact JSON bytes."""
    return msgspec.json.encode(proof)


def decode_proof(data: bytes) -> StateProof:
    """Parse JSON bytes from :func:`encode_proof`; raises ``ValueError`` if malformed."""
    try:
        return msgspec.json.decode(data, type=StateProof)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"malformed state proof: {exc}") from None
