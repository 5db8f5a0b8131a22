"""RFC 6962 Merkle tree hash of an ordered list (core/merkle.py), used for tx roots and results hashes."""

from __future__ import annotations

from hashlib import sha256

import pytest

from bayledger.core.hashing import get_hash_function
from bayledger.core.merkle import compute_list_root

SHA256 = get_hash_function("sha256")
SM3 = get_hash_function("sm3")


def h(data: bytes) -> bytes:
    return sha256(data).digest()


def leaf(item: bytes) -> bytes:
    return h(b"\x00" + item)


def node(left: bytes, right: bytes) -> bytes:
    return h(b"\x01" + left + right)


A, B, C, D, E = b"a", b"b", b"c", b"d", b"e"


def test_empty_list_is_the_hash_of_nothing() -> None:
    assert compute_list_root(SHA256, []) == h(b"")
    assert (
        compute_list_root(SHA256, []).hex()
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_one_item_is_its_leaf_hash() -> None:
    assert compute_list_root(SHA256, [A]) == leaf(A)
    assert compute_list_root(SHA256, [A]) != h(A)  # domain separation: not the bare item hash


def test_two_items() -> None:
    assert compute_list_root(SHA256, [A, B]) == node(leaf(A), leaf(B))


def test_three_items_split_at_the_largest_power_of_two() -> None:
    # MTH(D[3]) = H(1 || MTH(a, b) || MTH(c)): the last leaf is promoted, not duplicated.
    assert compute_list_root(SHA256, [A, B, C]) == node(node(leaf(A), leaf(B)), leaf(C))
    assert compute_list_root(SHA256, [A, B, C]) != node(node(leaf(A), leaf(B)), node(leaf(C), leaf(C)))


def test_five_items() -> None:
    left = node(node(leaf(A), leaf(B)), node(leaf(C), leaf(D)))
    assert compute_list_root(SHA256, [A, B, C, D, E]) == node(left, leaf(E))


def test_order_matters() -> None:
    assert compute_list_root(SHA256, [A, B]) != compute_list_root(SHA256, [B, A])


# Certificate Transparency's reference inputs and roots (RFC 6962 test data, sizes 1..8).
CT_LEAVES = [
    bytes.fromhex(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("size", range(1, 9))
def test_certificate_transparency_reference_roots(size: int) -> None:
    assert compute_list_root(SHA256, CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


def test_sm3_zone_uses_the_same_shape() -> None:
    def sm3_leaf(item: bytes) -> bytes:
        return SM3(b"\x00" + item)

    expected = SM3(b"\x01" + SM3(b"\x01" + sm3_leaf(A) + sm3_leaf(B)) + sm3_leaf(C))
    assert compute_list_root(SM3, [A, B, C]) == expected
    assert compute_list_root(SM3, []) == SM3(b"")
    assert compute_list_root(SM3, [A, B, C]) != compute_list_root(SHA256, [A, B, C])
