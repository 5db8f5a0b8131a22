"""Unit tests of the state tree (core/smt.py) and its proofs (core/smt_proof.py)."""

from __future__ import annotations

import json
from hashlib import sha256

import msgspec
import pytest

from bayledger.core.hashing import get_hash_function
from bayledger.core.smt import (
    EMPTY_ROOT,
    ROOT_NODE_KEY,
    DictNodeStore,
    StateProof,
    TreeCorruptionError,
    compute_update,
    decode_proof,
    encode_proof,
    get_node_key,
    get_root,
    proof_from_dict,
    proof_to_dict,
    prove,
    verify_proof,
)

SHA256 = get_hash_function("sha256")
SM3 = get_hash_function("sm3")
E = bytes(32)


def leaf(key: bytes, value: bytes) -> bytes:
    """Leaf hash straight from the formula (SHA-256)."""
    return sha256(b"\x00" + sha256(key).digest() + sha256(value).digest()).digest()


def node(left: bytes, right: bytes) -> bytes:
    """Internal hash straight from the formula (SHA-256)."""
    return sha256(b"\x01" + left + right).digest()


def build(changes: dict[bytes, bytes | None], hash_fn=SHA256, store: DictNodeStore | None = None):
    store = store if store is not None else DictNodeStore()
    update = compute_update(store, hash_fn, changes)
    store.apply(update.node_writes)
    return store, update


def prefix(key: bytes, bits: int) -> str:
    return bin(int.from_bytes(sha256(key).digest(), "big"))[2:].zfill(256)[:bits]


# --- shape and roots ------------------------------------------------------------------------------------


def test_empty_tree_root_is_32_zero_bytes() -> None:
    store = DictNodeStore()
    assert EMPTY_ROOT == b"\x00" * 32
    assert get_root(store, SHA256) == EMPTY_ROOT
    update = compute_update(store, SHA256, {})
    assert update.root == EMPTY_ROOT and update.node_writes == {}
    update = compute_update(store, SHA256, {b"absent": None})  # deleting an absent key is a no-op
    assert update.root == EMPTY_ROOT and update.node_writes == {}


def test_single_key_is_a_leaf_at_the_root() -> None:
    store, update = build({b"alice": b"100"})
    keyhash = sha256(b"alice").digest()
    assert update.root == leaf(b"alice", b"100")
    assert update.node_writes == {b"\x00\x00": b"\x00" + keyhash + sha256(b"100").digest()}
    assert get_root(store, SHA256) == update.root


def test_known_three_key_tree_by_hand() -> None:
    # keyhash prefixes: b -> 00, m -> 01, k -> 1
    assert (prefix(b"b", 2), prefix(b"m", 2), prefix(b"k", 1)) == ("00", "01", "1")
    store, update = build({b"b": b"2", b"m": b"13", b"k": b"11"})
    expected = node(node(leaf(b"b", b"2"), leaf(b"m", b"13")), leaf(b"k", b"11"))
    assert update.root == expected
    assert update.root.hex() == "9fb80fc4562ac81864d1f0135fd53c88c60d7114cf9526c37aaf6c7d7a4d80a5"
    # nodes stored by path: depth (2 bytes) + prefix bytes
    assert set(store.nodes) == {
        b"\x00\x00",
        b"\x00\x01\x00",
        b"\x00\x01\x80",
        b"\x00\x02\x00",
        b"\x00\x02\x40",
    }
    assert store.nodes[b"\x00\x01\x80"] == b"\x00" + sha256(b"k").digest() + sha256(b"11").digest()
    assert store.nodes[b"\x00\x00"] == b"\x01" + node(leaf(b"b", b"2"), leaf(b"m", b"13")) + leaf(b"k", b"11")


def test_chain_of_internal_nodes_for_a_long_shared_prefix() -> None:
    # a -> 110010..., g -> 110011...: they share 5 bits, so their leaves sit at depth 6
    assert (prefix(b"a", 6), prefix(b"g", 6)) == ("110010", "110011")
    store, update = build({b"a": b"A", b"g": b"G"})
    n5 = node(leaf(b"a", b"A"), leaf(b"g", b"G"))
    expected = node(E, node(E, node(node(node(E, n5), E), E)))
    assert update.root == expected
    assert len(store.nodes) == 8  # 6 internal nodes + 2 leaves
    # deleting g collapses everything back to a single leaf at the root
    store2, update2 = build({b"g": None}, store=store)
    assert update2.root == leaf(b"a", b"A")
    assert store2.nodes == {ROOT_NODE_KEY: b"\x00" + sha256(b"a").digest() + sha256(b"A").digest()}


def test_insert_then_delete_equals_never_inserted() -> None:
    store, _ = build({b"b": b"2", b"m": b"13", b"k": b"11"})
    store, update = build({b"k": None}, store=store)
    fresh, fresh_update = build({b"b": b"2", b"m": b"13"})
    assert update.root == fresh_update.root == node(node(leaf(b"b", b"2"), leaf(b"m", b"13")), E)
    assert store.nodes == fresh.nodes
    store, update = build({b"b": None, b"m": None}, store=store)
    assert update.root == EMPTY_ROOT and store.nodes == {}


def test_update_value_and_noop_update() -> None:
    store, _ = build({b"b": b"2", b"m": b"13", b"k": b"11"})
    before = dict(store.nodes)
    update = compute_update(store, SHA256, {b"k": b"11", b"zzz": None})
    assert update.root == get_root(store, SHA256) and update.node_writes == {}
    update = compute_update(store, SHA256, {b"b": b"3"})
    assert store.nodes == before  # compute_update never mutates the reader
    assert update.root == node(node(leaf(b"b", b"3"), leaf(b"m", b"13")), leaf(b"k", b"11"))
    assert set(update.node_writes) == {b"\x00\x00", b"\x00\x01\x00", b"\x00\x02\x00"}
    # a no-op change in another subtree of the same block writes nothing there
    update = compute_update(store, SHA256, {b"b": b"3", b"k": b"11"})
    assert set(update.node_writes) == {b"\x00\x00", b"\x00\x01\x00", b"\x00\x02\x00"}


def test_order_of_changes_does_not_matter() -> None:
    changes = {b"key-%d" % i: b"value-%d" % i for i in range(200)}
    base, _ = build({b"key-%d" % i: b"old" for i in range(0, 400, 3)})
    forward = compute_update(base, SHA256, changes | {b"key-3": None})
    backward = compute_update(base, SHA256, dict(reversed(list((changes | {b"key-3": None}).items()))))
    assert forward.root == backward.root
    assert forward.node_writes == backward.node_writes


def test_block_split_does_not_matter() -> None:
    items = [(b"k%d" % i, b"v%d" % i) for i in range(300)]
    one, update = build(dict(items))
    many = DictNodeStore()
    for lo in range(0, 300, 7):
        build(dict(items[lo : lo + 7]), store=many)
    assert get_root(many, SHA256) == update.root
    assert many.nodes == one.nodes


def test_sm3_and_sha256_trees_differ_and_sm3_follows_the_formula() -> None:
    _, with_sha = build({b"alice": b"1"}, SHA256)
    _, with_sm3 = build({b"alice": b"1"}, SM3)
    assert with_sm3.root == SM3(b"\x00" + SM3(b"alice") + SM3(b"1"))
    assert with_sha.root != with_sm3.root


def test_node_key_encoding() -> None:
    path = int.from_bytes(bytes([0b10110111]) + b"\xff" * 31, "big")
    assert get_node_key(0, path) == b"\x00\x00"
    assert get_node_key(3, path) == b"\x00\x03" + bytes([0b10100000])
    assert get_node_key(8, path) == b"\x00\x08" + bytes([0b10110111])
    assert get_node_key(9, path) == b"\x00\x09" + bytes([0b10110111, 0b10000000])
    assert get_node_key(256, path) == b"\x01\x00" + path.to_bytes(32, "big")


def test_bad_changes_and_corrupt_store_raise() -> None:
    with pytest.raises(TypeError):
        compute_update(DictNodeStore(), SHA256, {"text": b"x"})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        compute_update(DictNodeStore(), SHA256, {b"k": bytearray(b"x")})  # type: ignore[dict-item]
    store, _ = build({b"b": b"2", b"m": b"13", b"k": b"11"})
    del store.nodes[b"\x00\x01\x00"]
    with pytest.raises(TreeCorruptionError):
        compute_update(store, SHA256, {b"b": b"9"})
    with pytest.raises(TreeCorruptionError):
        prove(store, SHA256, b"b")


# --- proofs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_membership_and_non_membership_round_trip(algorithm: str) -> None:
    hash_fn = get_hash_function(algorithm)
    values = {b"acct/%d" % i: b"balance-%d" % (i * 7) for i in range(500)}
    store, update = build(values, hash_fn)
    for key, value in values.items():
        proof = prove(store, hash_fn, key)
        assert proof.is_membership and proof.value_hash == hash_fn(value)
        assert verify_proof(hash_fn, update.root, key, value, proof)
        assert not verify_proof(hash_fn, update.root, key, None, proof)
        assert not verify_proof(hash_fn, update.root, key, value + b"!", proof)
    kinds = set()
    for i in range(300):
        key = b"missing/%d" % i
        proof = prove(store, hash_fn, key)
        assert not proof.is_membership
        kinds.add(proof.other_key_hash is None)
        assert verify_proof(hash_fn, update.root, key, None, proof)
        assert not verify_proof(hash_fn, update.root, key, b"", proof)
    assert kinds == {True, False}  # both "ends in an empty subtree" and "another leaf is there" occurred


def test_proofs_in_the_chain_tree_by_hand() -> None:
    store, update = build({b"a": b"A", b"g": b"G"})
    n5 = node(leaf(b"a", b"A"), leaf(b"g", b"G"))
    n1 = node(E, node(node(node(E, n5), E), E))
    # b -> 0...: the root's left child is empty
    proof = prove(store, SHA256, b"b")
    assert (proof.depth, proof.sibling_bitmap, proof.siblings) == (1, b"\x80", (n1,))
    assert proof.other_key_hash is None and verify_proof(SHA256, update.root, b"b", None, proof)
    # h -> 10...: empty at depth 2, the root's sibling is empty (bitmap 01)
    assert prefix(b"h", 2) == "10"
    proof = prove(store, SHA256, b"h")
    assert (proof.depth, proof.sibling_bitmap, len(proof.siblings)) == (2, b"\x40", 1)
    assert verify_proof(SHA256, update.root, b"h", None, proof)
    # i -> 1101...: leaves the chain at depth 3 into the empty right child of "110"
    assert prefix(b"i", 4) == "1101"
    proof = prove(store, SHA256, b"i")
    assert (proof.depth, proof.sibling_bitmap, proof.siblings) == (4, b"\x10", (node(E, n5),))
    assert verify_proof(SHA256, update.root, b"i", None, proof)
    # x52 -> 110011: reaches g's leaf at depth 6
    assert prefix(b"x52", 6) == "110011"
    proof = prove(store, SHA256, b"x52")
    assert proof.depth == 6 and proof.other_key_hash == sha256(b"g").digest()
    assert proof.other_value_hash == sha256(b"G").digest()
    assert proof.sibling_bitmap == bytes([0b00000100]) and proof.siblings == (leaf(b"a", b"A"),)
    assert verify_proof(SHA256, update.root, b"x52", None, proof)
    membership = prove(store, SHA256, b"a")
    assert membership.depth == 6 and membership.siblings == (leaf(b"g", b"G"),)
    assert verify_proof(SHA256, update.root, b"a", b"A", membership)


def test_proofs_in_empty_and_single_leaf_trees() -> None:
    empty = DictNodeStore()
    proof = prove(empty, SHA256, b"x")
    assert (proof.depth, proof.siblings, proof.sibling_bitmap) == (0, (), b"")
    assert verify_proof(SHA256, EMPTY_ROOT, b"x", None, proof)
    assert not verify_proof(SHA256, leaf(b"x", b"1"), b"x", None, proof)
    store, update = build({b"x": b"1"})
    assert verify_proof(SHA256, update.root, b"x", b"1", prove(store, SHA256, b"x"))
    other = prove(store, SHA256, b"y")
    assert other.depth == 0 and other.other_key_hash == sha256(b"x").digest()
    assert verify_proof(SHA256, update.root, b"y", None, other)


@pytest.fixture(scope="module")
def tree() -> tuple[DictNodeStore, bytes]:
    store, update = build({b"acct/%d" % i: b"v%d" % i for i in range(64)})
    return store, update.root


def _replace(proof: StateProof, **fields: object) -> StateProof:
    return msgspec.structs.replace(proof, **fields)


def test_tampered_membership_proofs_are_rejected(tree: tuple[DictNodeStore, bytes]) -> None:
    store, root = tree
    key, value = b"acct/5", b"v5"
    proof = prove(store, SHA256, key)
    assert verify_proof(SHA256, root, key, value, proof) and len(proof.siblings) >= 3
    flipped = bytes([proof.siblings[1][0] ^ 1]) + proof.siblings[1][1:]
    bad = {
        "sibling": _replace(proof, siblings=(proof.siblings[0], flipped, *proof.siblings[2:])),
        "swapped siblings": _replace(
            proof, siblings=(proof.siblings[1], proof.siblings[0], *proof.siblings[2:])
        ),
        "truncated": _replace(proof, siblings=proof.siblings[:-1]),
        "overlong": _replace(proof, siblings=(*proof.siblings, proof.siblings[0])),
        "truncated path": _replace(proof, depth=proof.depth - 1),
        "overlong path": _replace(proof, depth=proof.depth + 1),
        "bitmap": _replace(
            proof, sibling_bitmap=bytes([proof.sibling_bitmap[0] ^ 0x80]) + proof.sibling_bitmap[1:]
        ),
        "bitmap length": _replace(proof, sibling_bitmap=proof.sibling_bitmap + b"\x00"),
        "value hash": _replace(proof, value_hash=SHA256(b"v6")),
        "key": _replace(proof, key=b"acct/6"),
        "extra other leaf": _replace(proof, other_key_hash=SHA256(b"z"), other_value_hash=SHA256(b"z")),
        "empty sibling spelled out": _replace(proof, siblings=(E, *proof.siblings[1:])),
    }
    for name, tampered in bad.items():
        assert not verify_proof(SHA256, root, key, value, tampered), name
    assert not verify_proof(SHA256, root, key, b"v6", proof)  # wrong value
    assert not verify_proof(SHA256, root, key, None, proof)  # membership used as non-membership
    assert not verify_proof(SHA256, root, b"acct/6", b"v5", proof)  # another key
    assert not verify_proof(SHA256, SHA256(b"other root"), key, value, proof)  # another root
    assert not verify_proof(SM3, root, key, value, proof)  # another hash function


def test_tampered_non_membership_proofs_are_rejected(tree: tuple[DictNodeStore, bytes]) -> None:
    store, root = tree
    proofs = {key: prove(store, SHA256, key) for key in (b"nope/%d" % i for i in range(40))}
    with_leaf = next(k for k, p in proofs.items() if p.other_key_hash is not None and p.depth > 0)
    with_empty = next(k for k, p in proofs.items() if p.other_key_hash is None and p.depth > 0)
    proof = proofs[with_leaf]
    assert verify_proof(SHA256, root, with_leaf, None, proof)
    other_kh = proof.other_key_hash
    assert other_kh is not None
    for name, tampered in {
        "other key hash": _replace(proof, other_key_hash=SHA256(b"x")),
        "other value hash": _replace(proof, other_value_hash=SHA256(b"x")),
        "other leaf dropped": _replace(proof, other_key_hash=None, other_value_hash=None),
        "half other leaf": _replace(proof, other_value_hash=None),
        "claims membership": _replace(proof, value_hash=proof.other_value_hash),
        "sibling": _replace(proof, siblings=(SHA256(b"x"), *proof.siblings[1:])),
    }.items():
        assert not verify_proof(SHA256, root, with_leaf, None, tampered), name
    # the other leaf's own proof cannot prove our key present or absent
    owner = next(k for k in (b"acct/%d" % i for i in range(64)) if SHA256(k) == other_kh)
    owner_proof = prove(store, SHA256, owner)
    assert not verify_proof(SHA256, root, with_leaf, None, _replace(owner_proof, key=with_leaf))
    assert not verify_proof(SHA256, root, owner, None, _replace(proof, key=owner))  # its own key is present
    empty_proof = proofs[with_empty]
    assert verify_proof(SHA256, root, with_empty, None, empty_proof)
    assert not verify_proof(SHA256, root, with_empty, b"v1", empty_proof)
    assert not verify_proof(SHA256, root, with_leaf, None, _replace(empty_proof, key=with_leaf))
    assert not verify_proof(
        SHA256, root, with_empty, None, _replace(empty_proof, depth=empty_proof.depth + 1)
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"depth": -1},
        {"depth": 257},
        {"depth": "3"},
        {"depth": True},
        {"sibling_bitmap": "gA=="},
        {"siblings": ["x" * 32]},
        {"siblings": [b"\x01" * 32]},
        {"siblings": (b"\x01" * 31,)},
        {"value_hash": b"\x01" * 31},
        {"value_hash": "not bytes"},
        {"key": "acct/5"},
        {"other_key_hash": 5},
    ],
)
def test_malformed_fields_return_false_without_raising(tree: tuple[DictNodeStore, bytes], fields) -> None:
    store, root = tree
    proof = _replace(prove(store, SHA256, b"acct/5"), **fields)
    assert verify_proof(SHA256, root, b"acct/5", b"v5", proof) is False


def test_malformed_arguments_return_false(tree: tuple[DictNodeStore, bytes]) -> None:
    store, root = tree
    proof = prove(store, SHA256, b"acct/5")
    assert verify_proof(SHA256, root[:31], b"acct/5", b"v5", proof) is False
    assert verify_proof(SHA256, root, "acct/5", b"v5", proof) is False  # type: ignore[arg-type]
    assert verify_proof(SHA256, root, b"acct/5", "v5", proof) is False  # type: ignore[arg-type]
    assert verify_proof(SHA256, root, b"acct/5", b"v5", proof_to_dict(proof)) is False  # type: ignore[arg-type]
    assert verify_proof(SHA256, root, b"acct/5", b"v5", None) is False  # type: ignore[arg-type]


def test_proof_serialisation_round_trips(tree: tuple[DictNodeStore, bytes]) -> None:
    store, root = tree
    for key, value in ((b"acct/7", b"v7"), (b"nope/1", None), (b"nope/2", None)):
        proof = prove(store, SHA256, key)
        data = json.loads(json.dumps(proof_to_dict(proof)))
        assert isinstance(data["siblings"], list) and isinstance(data["key"], str)
        assert proof_from_dict(data) == proof
        assert decode_proof(encode_proof(proof)) == proof
        assert verify_proof(SHA256, root, key, value, proof_from_dict(data))
    with pytest.raises(ValueError):
        proof_from_dict({"key": "AAE="})
    with pytest.raises(ValueError):
        decode_proof(b'{"key": 1}')
    with pytest.raises(ValueError):
        decode_proof(b"not json")


def test_non_canonical_proofs_are_rejected_even_where_the_hashes_agree() -> None:
    store, update = build({b"a": b"A", b"g": b"G"})
    proof = prove(store, SHA256, b"x52")  # depth 6, bitmap 000001, siblings (leaf a,)
    assert verify_proof(SHA256, update.root, b"x52", None, proof)
    spelled_out = _replace(proof, sibling_bitmap=bytes([0b10000100]), siblings=(E, *proof.siblings))
    assert not verify_proof(SHA256, update.root, b"x52", None, spelled_out)  # same hashes, but not canonical
    # a leaf one level deeper than its shortest unique prefix (empty last sibling) is not a tree we build
    single, single_update = build({b"x": b"1"})
    deep = _replace(prove(single, SHA256, b"x"), depth=1, sibling_bitmap=b"\x00")
    deep_root = node(single_update.root, E) if prefix(b"x", 1) == "0" else node(E, single_update.root)
    assert not verify_proof(SHA256, deep_root, b"x", b"1", deep)
    dirty = _replace(proof, sibling_bitmap=bytes([0b00000101]))  # unused trailing bits must be zero
    assert not verify_proof(SHA256, update.root, b"x52", None, dirty)
