"""Property tests of the state tree: incremental equals fresh build; proofs are complete and sound."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from bayledger.core.hashing import get_hash_function
from bayledger.core.smt import (
    EMPTY_ROOT,
    ROOT_NODE_KEY,
    DictNodeStore,
    compute_update,
    get_node_key,
    get_root,
    prove,
    verify_proof,
)

POOL = [b"k%d" % i for i in range(40)]
keys = st.one_of(st.sampled_from(POOL), st.binary(max_size=3))
values = st.binary(max_size=4)
batches = st.lists(st.dictionaries(keys, st.one_of(st.none(), values), max_size=14), min_size=1, max_size=8)
algorithms = st.sampled_from(["sha256", "sm3"])


def reference_root(hash_fn: Any, state: dict[bytes, bytes]) -> bytes:
    """The root straight from the definition: recursive split on keyhash bits, no store, no shortcuts."""

    def subtree(depth: int, items: list[tuple[int, bytes, bytes]]) -> bytes:
        if not items:
            return EMPTY_ROOT
        if len(items) == 1:
            return hash_fn(b"\x00" + items[0][1] + items[0][2])
        left = [item for item in items if not (item[0] >> (255 - depth)) & 1]
        right = [item for item in items if (item[0] >> (255 - depth)) & 1]
        return hash_fn(b"\x01" + subtree(depth + 1, left) + subtree(depth + 1, right))

    items = [(int.from_bytes(hash_fn(k), "big"), hash_fn(k), hash_fn(v)) for k, v in state.items()]
    return subtree(0, items)


def check_structure(hash_fn: Any, store: DictNodeStore) -> None:
    """Every stored node is reachable, hashes agree, and no internal node could collapse into one leaf."""
    seen: set[bytes] = set()

    def walk(depth: int, path: int, node: bytes) -> int:  # returns the number of leaves below
        key = get_node_key(depth, path)
        assert store.nodes.get(key) == node
        seen.add(key)
        if node[0] == 0:
            assert (int.from_bytes(node[1:33], "big") ^ path) >> (256 - depth) == 0  # leaf on its path
            return 1
        leaves = 0
        for bit, child_hash in ((0, node[1:33]), (1, node[33:65])):
            child_path = path | (bit << (255 - depth))
            if child_hash != EMPTY_ROOT:
                child = store.nodes[get_node_key(depth + 1, child_path)]
                assert hash_fn(child) == child_hash
                leaves += walk(depth + 1, child_path, child)
        assert leaves >= 2
        return leaves

    root = store.nodes.get(ROOT_NODE_KEY)
    if root is not None:
        walk(0, 0, root)
    assert seen == set(store.nodes)


@settings(max_examples=150, deadline=None)
@given(algorithm=algorithms, blocks=batches)
def test_incremental_root_equals_fresh_build(algorithm: str, blocks: list[dict[bytes, bytes | None]]) -> None:
    hash_fn = get_hash_function(algorithm)
    store = DictNodeStore()
    state: dict[bytes, bytes] = {}
    for changes in blocks:
        before = dict(store.nodes)
        update = compute_update(store, hash_fn, changes)
        assert store.nodes == before  # pure: the reader is untouched
        store.apply(update.node_writes)
        for key, value in changes.items():
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        fresh = DictNodeStore()
        fresh_update = compute_update(fresh, hash_fn, state)
        fresh.apply(fresh_update.node_writes)
        assert update.root == fresh_update.root == get_root(store, hash_fn)
        assert update.root == reference_root(hash_fn, state)
        assert store.nodes == fresh.nodes  # canonical: no stale nodes, same layout whatever the history
        check_structure(hash_fn, store)


@settings(max_examples=100, deadline=None)
@given(algorithm=algorithms, blocks=batches, absent=st.lists(st.binary(max_size=5), max_size=10))
def test_every_key_proves_membership_or_absence(
    algorithm: str, blocks: list[dict[bytes, bytes | None]], absent: list[bytes]
) -> None:
    hash_fn = get_hash_function(algorithm)
    store = DictNodeStore()
    state: dict[bytes, bytes] = {}
    for changes in blocks:
        store.apply(compute_update(store, hash_fn, changes).node_writes)
        state = {k: v for k, v in (state | changes).items() if v is not None}
    root = get_root(store, hash_fn)
    for key, value in state.items():
        proof = prove(store, hash_fn, key)
        assert verify_proof(hash_fn, root, key, value, proof)
        assert not verify_proof(hash_fn, root, key, None, proof)
        assert not verify_proof(hash_fn, root, key, value + b"x", proof)
    for key in [k for k in absent + POOL if k not in state]:
        proof = prove(store, hash_fn, key)
        assert verify_proof(hash_fn, root, key, None, proof)
        assert not verify_proof(hash_fn, root, key, b"", proof)


@settings(max_examples=100, deadline=None)
@given(changes=st.dictionaries(keys, st.one_of(st.none(), values), max_size=20), data=st.data())
def test_order_of_changes_is_irrelevant(changes: dict[bytes, bytes | None], data: st.DataObject) -> None:
    hash_fn = get_hash_function("sha256")
    store = DictNodeStore()
    store.apply(compute_update(store, hash_fn, {k: b"base" for k in POOL[::2]}).node_writes)
    shuffled = dict(data.draw(st.permutations(list(changes.items()))))
    first, second = compute_update(store, hash_fn, changes), compute_update(store, hash_fn, shuffled)
    assert first.root == second.root and first.node_writes == second.node_writes


FIELDS = ["key", "value_hash", "depth", "sibling_bitmap", "siblings", "other_key_hash", "other_value_hash"]
anything = st.one_of(
    st.none(),
    st.binary(max_size=40),
    st.binary(min_size=32, max_size=32),
    st.integers(min_value=-3, max_value=300),
    st.booleans(),
    st.text(max_size=4),
    st.lists(st.binary(min_size=31, max_size=33), max_size=20).map(tuple),
    st.lists(st.binary(max_size=33), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    state=st.dictionaries(st.sampled_from(POOL), values, min_size=1, max_size=30),
    key=st.sampled_from(POOL),
    field=st.sampled_from(FIELDS),
    replacement=anything,
    claimed=st.one_of(st.none(), values),
)
def test_tampered_proofs_never_verify_and_never_raise(
    state: dict[bytes, bytes], key: bytes, field: str, replacement: object, claimed: bytes | None
) -> None:
    hash_fn = get_hash_function("sha256")
    store = DictNodeStore()
    update = compute_update(store, hash_fn, state)
    store.apply(update.node_writes)
    proof = prove(store, hash_fn, key)
    tampered = msgspec.structs.replace(proof, **{field: replacement})
    truth = state.get(key)
    result = verify_proof(hash_fn, update.root, key, claimed, tampered)
    # repr, not ==: False == 0 in Python, but a bool where the proof has an int is a malformed proof
    unchanged = repr(tampered) == repr(proof)
    assert result is (unchanged and claimed == truth)
    # an honest proof verifies exactly the true claim
    assert verify_proof(hash_fn, update.root, key, claimed, proof) is (claimed == truth)
