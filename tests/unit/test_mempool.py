"""The mempool and the node's CheckTx: typed rejections that change nothing, arrival order, removal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from nodekit import CHAIN_ID, anchor_tx, ed_key, open_node, write_genesis

from bayledger.core.errors import (
    DuplicateTxError,
    InvalidSignatureError,
    LedgerError,
    MalformedTxError,
    MempoolFullError,
    MissingSignatureError,
    NonceGapError,
    NonceTooLowError,
    UnknownAccountError,
    WrongChainIdError,
)
from bayledger.core.params import ConsensusParams
from bayledger.core.tx import Signature, Tx, decode_tx, tx_bytes
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.mempool import Mempool, MempoolEntry

ALICE, BOB, CAROL = ed_key(1), ed_key(2), ed_key(3)


def entry(n: int, signer: str = "did:a", nonce: int | None = None) -> MempoolEntry:
    return MempoolEntry(
        hash=f"{n:064x}", raw=b"raw%d" % n, signer=signer, nonce=n if nonce is None else nonce
    )


# --- the pool itself -------------------------------------------------------------------------------


def test_duplicate_is_refused_with_code_16() -> None:
    pool = Mempool()
    pool.add(entry(1))
    with pytest.raises(DuplicateTxError) as err:
        pool.add(entry(1))
    assert (err.value.codespace, err.value.code) == ("tx", 16)
    assert len(pool) == 1


def test_full_pool_and_full_account_are_refused_with_code_17() -> None:
    pool = Mempool(max_size=3, max_per_account=2)
    pool.add(entry(1, "did:a", 1))
    pool.add(entry(2, "did:a", 2))
    with pytest.raises(MempoolFullError) as per_account:
        pool.add(entry(3, "did:a", 3))
    assert (per_account.value.codespace, per_account.value.code) == ("tx", 17)
    assert "did:a" in per_account.value.message
    pool.add(entry(4, "did:b", 1))  # another account still fits
    with pytest.raises(MempoolFullError) as full:
        pool.add(entry(5, "did:c", 1))
    assert full.value.code == 17 and "3 transactions" in full.value.message
    assert [e.hash for e in pool.peek(10)] == [entry(n).hash for n in (1, 2, 4)]


def test_peek_is_arrival_order_and_leaves_entries() -> None:
    pool = Mempool()
    for n, signer in [(5, "did:b"), (1, "did:a"), (9, "did:c"), (2, "did:a")]:
        pool.add(entry(n, signer))
    assert [e.hash[-1] for e in pool.peek(3)] == ["5", "1", "9"]
    assert [e.hash[-1] for e in pool.peek(10)] == ["5", "1", "9", "2"]
    assert len(pool) == 4


def test_expected_nonce_counts_queued_transactions() -> None:
    pool = Mempool()
    assert pool.expected_nonce("did:a", committed_nonce=4) == 5
    pool.add(entry(5, "did:a", 5))
    pool.add(entry(6, "did:a", 6))
    assert pool.expected_nonce("did:a", committed_nonce=4) == 7
    assert pool.expected_nonce("did:b", committed_nonce=0) == 1


def test_remove_drops_included_and_stale_and_frees_the_quota() -> None:
    pool = Mempool(max_per_account=3)
    for n in (1, 2, 3):
        pool.add(entry(n, "did:a", n))
    pool.add(entry(10, "did:b", 1))
    # a block included a's nonce 1 and (through another node's copy) committed a's nonce 2 as well
    pool.remove([entry(1).hash], {"did:a": 2, "did:b": 0})
    assert [e.hash for e in pool.peek(10)] == [entry(3).hash, entry(10).hash]
    assert pool.expected_nonce("did:a", committed_nonce=2) == 4
    pool.add(entry(4, "did:a", 4))
    pool.add(entry(5, "did:a", 5))  # quota: 3 again after two left
    pool.remove([entry(n).hash for n in (3, 4, 5, 10)], {"did:a": 5, "did:b": 1})
    assert len(pool) == 0
    assert pool.expected_nonce("did:a", committed_nonce=5) == 6  # nothing queued is remembered


# --- CheckTx through the node ----------------------------------------------------------------------


@pytest.fixture
def node(tmp_path: Path) -> Any:
    write_genesis(tmp_path, [ALICE, BOB, CAROL], params=ConsensusParams(max_txs_per_block=3))
    node = open_node(tmp_path, mempool_size=6, mempool_per_account=4)
    yield node
    node.stop()


def _forge_signature(raw: bytes) -> bytes:
    tx = decode_tx(raw, 1 << 20)
    sig = tx.signatures[0]
    bad = bytes([sig.signature[0] ^ 1]) + sig.signature[1:]
    return tx_bytes(Tx(body=tx.body, signatures=[Signature(sig.key_type, sig.public_key, bad)]))


def _sign_with(raw: bytes, other: Any) -> bytes:
    from bayledger.sdk.builders import sign_tx

    return tx_bytes(sign_tx(decode_tx(raw, 1 << 20).body, [other]))


REJECTIONS: dict[str, tuple[Any, type[LedgerError], int]] = {
    "bad signature": (lambda: _forge_signature(anchor_tx(ALICE, 1, 1)), InvalidSignatureError, 5),
    "signed by a stranger": (lambda: _sign_with(anchor_tx(ALICE, 1, 1), BOB), MissingSignatureError, 6),
    "nonce reused": (lambda: anchor_tx(ALICE, 0, 1), NonceTooLowError, 8),
    "nonce skips": (lambda: anchor_tx(ALICE, 2, 1), NonceGapError, 9),
    "wrong chain": (lambda: anchor_tx(ALICE, 1, 1, chain_id="other-1"), WrongChainIdError, 4),
    "unknown account": (lambda: anchor_tx(ed_key(50), 1, 1), UnknownAccountError, 13),
    "malformed": (lambda: b'{"body": 1}', MalformedTxError, 2),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_checktx_rejections_are_typed_and_change_nothing(node: EmbeddedNode, case: str) -> None:
    make, error, code = REJECTIONS[case]
    before = node.status()
    with pytest.raises(error) as err:
        node.submit_tx(make())
    assert (err.value.codespace, err.value.code) == ("tx", code)
    assert len(node.mempool) == 0
    assert node.status() == before
    assert node.get_account(ALICE.did())["nonce"] == 0
    node.submit_tx(anchor_tx(ALICE, 1, 1))  # the correct tx is still accepted with nonce 1


def test_pipelined_nonces_duplicate_and_full(node: EmbeddedNode) -> None:
    first = anchor_tx(ALICE, 1, 1)
    node.submit_tx(first)
    node.submit_tx(anchor_tx(ALICE, 2, 2))  # the pool counts queued nonces
    with pytest.raises(DuplicateTxError, match="already in the mempool") as dup:
        node.submit_tx(first)
    assert (dup.value.codespace, dup.value.code) == ("tx", 16)
    with pytest.raises(NonceTooLowError):
        node.submit_tx(anchor_tx(ALICE, 2, 3))  # nonce 2 is already queued
    with pytest.raises(NonceGapError):
        node.submit_tx(anchor_tx(ALICE, 4, 3))
    node.submit_tx(anchor_tx(ALICE, 3, 3))
    node.submit_tx(anchor_tx(ALICE, 4, 4))
    with pytest.raises(MempoolFullError) as quota:
        node.submit_tx(anchor_tx(ALICE, 5, 5))  # per-account quota 4
    assert quota.value.code == 17
    node.submit_tx(anchor_tx(BOB, 1, 6))
    node.submit_tx(anchor_tx(BOB, 2, 7))
    with pytest.raises(MempoolFullError):
        node.submit_tx(anchor_tx(CAROL, 1, 8))  # pool size 6
    assert len(node.mempool) == 6


def test_blocks_take_arrival_order_and_commit_empties_the_pool(node: EmbeddedNode) -> None:
    order = [anchor_tx(BOB, 1, 1), anchor_tx(ALICE, 1, 2), anchor_tx(BOB, 2, 3), anchor_tx(CAROL, 1, 4)]
    hashes = [node.submit_tx(raw)["hash"] for raw in order]
    first = node.produce_block()
    assert first is not None and first["txs"] == hashes[:3]  # max_txs_per_block = 3
    assert [e.hash for e in node.mempool.peek(10)] == hashes[3:]
    second = node.produce_block()
    assert second is not None and second["txs"] == hashes[3:]
    assert len(node.mempool) == 0 and node.produce_block() is None
    assert [node.get_tx(h)["code"] for h in hashes] == [0, 0, 0, 0]
    # after commit the nonces come from state: the same tx again is a duplicate, another with a used
    # nonce is a replay, the next nonce is accepted
    with pytest.raises(DuplicateTxError, match="already committed at height 1") as dup:
        node.submit_tx(order[0])
    assert dup.value.code == 16
    with pytest.raises(NonceTooLowError):
        node.submit_tx(anchor_tx(BOB, 2, 99))
    node.submit_tx(anchor_tx(BOB, 3, 5))
    assert node.status()["mempool_size"] == 1


def test_checktx_runs_against_committed_state_not_pending_effects(node: EmbeddedNode) -> None:
    # a tx from an account that another queued tx creates is refused until that tx is committed
    from nodekit import signed

    from bayledger.sdk import builders

    dave = ed_key(4)
    node.submit_tx(signed(ALICE, 1, builders.create_account(ALICE.did(), dave)))
    with pytest.raises(UnknownAccountError):
        node.submit_tx(anchor_tx(dave, 1, 1))
    node.produce_block()
    assert node.submit_tx(anchor_tx(dave, 1, 1))["hash"]
    assert node.status()["chain_id"] == CHAIN_ID
