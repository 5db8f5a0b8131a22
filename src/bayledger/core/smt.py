"""Authenticated state: a binary Jellyfish-style sparse Merkle tree over ``H(key)``.

The hashing rules and the proof format are specified in :mod:`bayledger.core.smt_proof`; this module keeps
the tree in a node store and updates it incrementally. Only the latest version is stored.

Shape. A key lives at ``keyhash = H(key)`` (256 bits, MSB first). A subtree holding exactly one leaf is that
leaf, an empty subtree is absent, anything else is an internal node; so leaves sit at the shortest unique
prefix of their keyhash, depth is about ``log2(n)``, and deleting keys collapses subtrees back: the tree is a
pure function of its key/value set, whatever the history of updates.

Node store layout (what :class:`NodeReader` returns and ``TreeUpdate.node_writes`` writes)::

    node key   = depth (2 bytes, big-endian) || first ceil(depth / 8) bytes of the path, unused bits zero
                 (the root is ``b"\\x00\\x00"``)
    leaf       = 0x00 || keyhash (32) || H(value) (32)          65 bytes
    internal   = 0x01 || left_hash (32) || right_hash (32)      65 bytes, EMPTY_ROOT for an empty child

A node value is exactly the preimage of its hash, so ``node_hash = H(node_value)``. Whether a child is empty
is read from its hash; whether it is a leaf, from the tag of the child node. There is never a node below a
leaf or below an absent path.

Updating. :func:`compute_update` takes a whole block of changes, sorts their keyhashes, and descends the
tree once, splitting the sorted run at each level; untouched subtrees are never read, every rewritten node
is hashed once, so a block costs ``O(changed_keys · log n)`` hashes. It returns the new root and the node
writes; it never mutates the store — the caller persists the writes in the same database transaction as
the block.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Protocol

import msgspec

from bayledger.core.smt_proof import (
    EMPTY_ROOT,
    HashFn,
    StateProof,
    compute_internal_hash,
    compute_leaf_hash,
    decode_proof,
    encode_proof,
    proof_from_dict,
    proof_to_dict,
    verify_proof,
)

__all__ = [
    "EMPTY_ROOT",
    "ROOT_NODE_KEY",
    "DictNodeStore",
    "HashFn",
    "NodeReader",
    "StateProof",
    "TreeCorruptionError",
    "TreeUpdate",
    "compute_internal_hash",
    "compute_leaf_hash",
    "compute_update",
    "decode_proof",
    "encode_proof",
    "get_node_key",
    "get_root",
    "proof_from_dict",
    "proof_to_dict",
    "prove",
    "verify_proof",
]

_LEAF = 0
_INTERNAL = 1
_DEPTH_PREFIX: tuple[bytes, ...] = tuple(d.to_bytes(2, "big") for d in range(257))
ROOT_NODE_KEY: bytes = _DEPTH_PREFIX[0]


class NodeReader(Protocol):
    """Read access to the tree's node store (the SQLite state table, a dict in tests)."""

    def get_node(self, node_key: bytes) -> bytes | None:
        """The node stored at ``node_key``, or None."""
        ...


class DictNodeStore:
    """A dict-backed node store for tests and the in-memory node."""

    def __init__(self, nodes: Mapping[bytes, bytes] | None = None) -> None:
        self.nodes: dict[bytes, bytes] = dict(nodes or {})

    def get_node(self, node_key: bytes) -> bytes | None:
        """The node stored at ``node_key``, or None."""
        return self.nodes.get(node_key)

    def apply(self, writes: Mapping[bytes, bytes | None]) -> None:
        """Persist ``TreeUpdate.node_writes`` (None deletes the node)."""
        nodes = self.nodes
        for node_key, value in writes.items():
            if value is None:
                nodes.pop(node_key, None)
            else:
                nodes[node_key] = value


class TreeUpdate(msgspec.Struct, frozen=True):
    """The result of applying one block of changes: the new root and the node writes to persist."""

    root: bytes
    node_writes: dict[bytes, bytes | None]


class TreeCorruptionError(RuntimeError):
    """The node store contradicts itself (a child hash points at a missing or malformed node)."""


def get_node_key(depth: int, path: int) -> bytes:
    """Store key of the node at ``depth`` on the path of the 256-bit integer ``path`` (any keyhash below)."""
    nbytes = (depth + 7) >> 3
    prefix = (path >> (256 - depth)) << ((nbytes << 3) - depth)
    return _DEPTH_PREFIX[depth] + prefix.to_bytes(nbytes, "big")


def _node_hash(hash_fn: HashFn, node: bytes | None) -> bytes:
    return EMPTY_ROOT if node is None else hash_fn(node)


def get_root(reader: NodeReader, hash_fn: HashFn) -> bytes:
    """The current root hash of the tree in ``reader`` (``EMPTY_ROOT`` when it holds no key)."""
    return _node_hash(hash_fn, reader.get_node(ROOT_NODE_KEY))


class _Batch:
    """One block's sorted changes and the writes they produce (a namespace for the recursion)."""

    __slots__ = ("get", "hash_fn", "ints", "khs", "vhs", "writes")

    def __init__(self, reader: NodeReader, hash_fn: HashFn, changes: Mapping[bytes, bytes | None]) -> None:
        entries = []
        for key, value in changes.items():
            if type(key) is not bytes or not (value is None or type(value) is bytes):
                raise TypeError("state tree changes must map bytes to bytes or None")
            keyhash = hash_fn(key)
            value_hash = None if value is None else hash_fn(value)
            entries.append((int.from_bytes(keyhash, "big"), keyhash, value_hash))
        entries.sort(key=lambda entry: entry[0])
        self.ints = [entry[0] for entry in entries]
        self.khs = [entry[1] for entry in entries]
        self.vhs: list[bytes | None] = [entry[2] for entry in entries]
        self.writes: dict[bytes, bytes | None] = {}
        self.get = reader.get_node
        self.hash_fn = hash_fn

    def build(
        self, depth: int, lo: int, hi: int, ints: list[int], khs: list[bytes], vhs: list[bytes]
    ) -> bytes:
        """The subtree of leaves ``lo:hi`` (sorted, non-empty, sharing ``depth`` bits) where no node exists.

        Returns the subtree's root node value, which the caller places; writes every node strictly below it.
        """
        if hi - lo == 1:
            return b"\x00" + khs[lo] + vhs[lo]
        shift = 255 - depth
        split = ((ints[lo] >> shift) | 1) << shift  # smallest path with this prefix and bit ``depth`` set
        mid = bisect_left(ints, split, lo, hi)
        child_depth = depth + 1
        left_hash = right_hash = EMPTY_ROOT
        if mid > lo:
            left = self.build(child_depth, lo, mid, ints, khs, vhs)
            self.writes[get_node_key(child_depth, ints[lo])] = left
            left_hash = self.hash_fn(left)
        if mid < hi:
            right = self.build(child_depth, mid, hi, ints, khs, vhs)
            self.writes[get_node_key(child_depth, split)] = right
            right_hash = self.hash_fn(right)
        return b"\x01" + left_hash + right_hash

    def rebuild(self, depth: int, lo: int, hi: int, old_leaf: bytes | None) -> bytes | None:
        """New subtree at a path that held nothing or one leaf: changes ``lo:hi`` merged with that leaf."""
        ints, khs, vhs = self.ints, self.khs, self.vhs
        new_ints: list[int] = []
        new_khs: list[bytes] = []
        new_vhs: list[bytes] = []
        for i in range(lo, hi):
            vh = vhs[i]
            if vh is not None:
                new_ints.append(ints[i])
                new_khs.append(khs[i])
                new_vhs.append(vh)
        if old_leaf is not None:
            if len(old_leaf) != 65:
                raise TreeCorruptionError(f"malformed leaf at depth {depth}")
            old_int = int.from_bytes(old_leaf[1:33], "big")
            at = bisect_left(ints, old_int, lo, hi)
            if at == hi or ints[at] != old_int:  # the old leaf is not overridden by a change
                pos = bisect_left(new_ints, old_int)
                new_ints.insert(pos, old_int)
                new_khs.insert(pos, old_leaf[1:33])
                new_vhs.insert(pos, old_leaf[33:65])
        if not new_ints:
            return None
        return self.build(depth, 0, len(new_ints), new_ints, new_khs, new_vhs)

    def update(self, depth: int, lo: int, hi: int, old: bytes | None) -> bytes | None:
        """New node value at the path shared by changes ``lo:hi`` (``lo < hi``) whose stored node is ``old``.

        Writes every node strictly below the path; the caller places (or floats up) the returned node.
        """
        if hi - lo == 1:
            return self.update_one(depth, lo, old)
        if old is None or old[0] == _LEAF:
            return self.rebuild(depth, lo, hi, old)
        if len(old) != 65 or old[0] != _INTERNAL:
            raise TreeCorruptionError(f"malformed node at depth {depth}")
        ints = self.ints
        shift = 255 - depth
        split = ((ints[lo] >> shift) | 1) << shift  # smallest path with this prefix and bit ``depth`` set
        mid = bisect_left(ints, split, lo, hi)
        child_depth = depth + 1
        if mid in (lo, hi):  # all changes on one side
            path = ints[lo]
            key = get_node_key(child_depth, path)
            child_hash = old[33:65] if mid == lo else old[1:33]
            child = None if child_hash == EMPTY_ROOT else self._get_child(key, child_depth)
            new = self.update(child_depth, lo, hi, child)
            return self._join(depth, path, old, key, child, new)
        left_key = get_node_key(child_depth, ints[lo])
        right_key = get_node_key(child_depth, split)
        left_old = None if old[1:33] == EMPTY_ROOT else self._get_child(left_key, child_depth)
        right_old = None if old[33:65] == EMPTY_ROOT else self._get_child(right_key, child_depth)
        left = self.update(child_depth, lo, mid, left_old)
        right = self.update(child_depth, mid, hi, right_old)
        writes = self.writes
        if left is None or right is None:
            survivor = right if left is None else left
            if survivor is None or survivor[0] == _LEAF:  # collapses into one leaf (or nothing) above us
                if left_old is not None:
                    writes[left_key] = None
                if right_old is not None:
                    writes[right_key] = None
                return survivor
        if left != left_old:
            writes[left_key] = left
        if right != right_old:
            writes[right_key] = right
        hash_fn = self.hash_fn
        left_hash = EMPTY_ROOT if left is None else hash_fn(left)
        return b"\x01" + left_hash + (EMPTY_ROOT if right is None else hash_fn(right))

    def update_one(self, depth: int, i: int, old: bytes | None) -> bytes | None:
        """:meth:`update` for the single change ``i``: walk down its path, then rejoin the nodes bottom-up."""
        path = self.ints[i]
        get, prefixes = self.get, _DEPTH_PREFIX
        chain: list[tuple[bytes, bytes, bytes | None, bytes, int]] = []  # parent, key, child, sibling, side
        node = old
        while node is not None and node[0] == _INTERNAL:  # (get_node_key inlined: this is the hot loop)
            if len(node) != 65:
                raise TreeCorruptionError(f"malformed node at depth {depth}")
            right = (path >> (255 - depth)) & 1
            child_hash, sibling_hash = (node[33:65], node[1:33]) if right else (node[1:33], node[33:65])
            depth += 1
            nbytes = (depth + 7) >> 3
            key = prefixes[depth] + ((path >> (256 - depth)) << ((nbytes << 3) - depth)).to_bytes(
                nbytes, "big"
            )
            child = None
            if child_hash != EMPTY_ROOT:
                child = get(key)
                if child is None or len(child) != 65:
                    raise TreeCorruptionError(f"missing or malformed node at depth {depth}")
            chain.append((node, key, child, sibling_hash, right))
            node = child
        keyhash, value_hash = self.khs[i], self.vhs[i]
        new: bytes | None
        if node is None or node[1:33] == keyhash:
            new = None if value_hash is None else b"\x00" + keyhash + value_hash
        elif value_hash is None:
            new = node  # deleting an absent key
        else:
            new = self.rebuild(depth, i, i + 1, node)  # two leaves now share this path
        if new == node:
            return old
        hash_fn, writes = self.hash_fn, self.writes
        for parent, key, child, sibling_hash, right in reversed(chain):
            depth -= 1
            if new is None or (new[0] == _LEAF and sibling_hash == EMPTY_ROOT):
                new = self._join(depth, path, parent, key, child, new)  # the subtree may collapse
                continue
            if new != child:
                writes[key] = new
            child_hash = hash_fn(new)
            new = b"\x01" + sibling_hash + child_hash if right else b"\x01" + child_hash + sibling_hash
        return new

    def _join(
        self,
        depth: int,
        path: int,
        parent: bytes,
        child_key: bytes,
        old_child: bytes | None,
        new_child: bytes | None,
    ) -> bytes | None:
        """New value of internal node ``parent`` at ``depth`` once its child on ``path`` is ``new_child``."""
        shift = 255 - depth
        right = (path >> shift) & 1
        sibling_hash = parent[1:33] if right else parent[33:65]
        writes = self.writes
        if new_child is None or new_child[0] == _LEAF:
            if sibling_hash == EMPTY_ROOT:  # the child is alone under this node: it floats up
                if old_child is not None:
                    writes[child_key] = None
                return new_child
            if new_child is None:  # a lone leaf on the other side floats up
                sibling_key = get_node_key(depth + 1, path ^ (1 << shift))
                sibling = self._get_child(sibling_key, depth + 1)
                if sibling[0] == _LEAF:
                    writes[sibling_key] = None
                    if old_child is not None:
                        writes[child_key] = None
                    return sibling
        if new_child != old_child:
            writes[child_key] = new_child
        child_hash = EMPTY_ROOT if new_child is None else self.hash_fn(new_child)
        return b"\x01" + (sibling_hash + child_hash if right else child_hash + sibling_hash)

    def _get_child(self, node_key: bytes, depth: int) -> bytes:
        node = self.get(node_key)
        if node is None or len(node) != 65:
            raise TreeCorruptionError(f"missing or malformed node at depth {depth}")
        return node


def compute_update(reader: NodeReader, hash_fn: HashFn, changes: Mapping[bytes, bytes | None]) -> TreeUpdate:
    """Apply one block of ``changes`` (state key -> new value, None = delete) to the tree in ``reader``.

    Returns the new root and the node writes (node key -> node value, None = delete) without touching
    ``reader``. The result depends only on the tree and the set of changes, not on their order. Deleting
    an absent key is a no-op.
    """
    old_root = reader.get_node(ROOT_NODE_KEY)
    if not changes:
        return TreeUpdate(root=_node_hash(hash_fn, old_root), node_writes={})
    batch = _Batch(reader, hash_fn, changes)
    new_root = batch.update(0, 0, len(batch.ints), old_root)
    if new_root != old_root:
        batch.writes[ROOT_NODE_KEY] = new_root
    return TreeUpdate(root=_node_hash(hash_fn, new_root), node_writes=batch.writes)


def prove(reader: NodeReader, hash_fn: HashFn, key: bytes) -> StateProof:
    """A membership proof for ``key`` if it is present, else a non-membership proof (see ``verify_proof``)."""
    keyhash = hash_fn(key)
    path = int.from_bytes(keyhash, "big")
    siblings: list[bytes] = []
    bitmap = 0
    depth = 0
    node = reader.get_node(ROOT_NODE_KEY)
    while node is not None and node[0] == _INTERNAL:
        if (path >> (255 - depth)) & 1:
            sibling, child = node[1:33], node[33:65]
        else:
            sibling, child = node[33:65], node[1:33]
        bitmap <<= 1
        if sibling != EMPTY_ROOT:
            siblings.append(sibling)
            bitmap |= 1
        depth += 1
        if child == EMPTY_ROOT:
            node = None
            break
        node = reader.get_node(get_node_key(depth, path))
        if node is None:
            raise TreeCorruptionError(f"missing node at depth {depth}")
    nbytes = (depth + 7) >> 3
    bitmap_bytes = (bitmap << ((nbytes << 3) - depth)).to_bytes(nbytes, "big")
    value_hash = other_key_hash = other_value_hash = None
    if node is not None:
        if len(node) != 65 or node[0] != _LEAF:
            raise TreeCorruptionError(f"malformed node at depth {depth}")
        if node[1:33] == keyhash:
            value_hash = node[33:65]
        else:
            other_key_hash, other_value_hash = node[1:33], node[33:65]
    return StateProof(
        key=key,
        value_hash=value_hash,
        depth=depth,
        sibling_bitmap=bitmap_bytes,
        siblings=tuple(siblings),
        other_key_hash=other_key_hash,
        other_value_hash=other_value_hash,
    )
