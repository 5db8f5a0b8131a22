"""The SQLite store: one database transaction per block (all or nothing) and the read indexes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from nodekit import anchor_tx, content, dump, ed_key, open_node, signed, write_genesis

from bayledger.core.modules.accounts.state import account_key
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.replay import replay_database
from bayledger.sdk import builders
from bayledger.store import queries as q
from bayledger.store.sqlite import Database, open_for_reading

ALICE, BOB, CAROL = ed_key(1), ed_key(2), ed_key(3)


@pytest.fixture
def node(tmp_path: Path) -> Any:
    write_genesis(tmp_path, [ALICE, BOB, CAROL])
    node = open_node(tmp_path)
    yield node
    node.stop()


def _commit(node: EmbeddedNode, *raws: bytes) -> dict[str, Any]:
    for raw in raws:
        node.submit_tx(raw)
    block = node.produce_block()
    assert block is not None
    return block


# --- one transaction per block ---------------------------------------------------------------------


def _fail_after(monkeypatch: pytest.MonkeyPatch, obj: object, name: str, when: Any = None) -> None:
    """Make ``obj.name`` do its work and then raise (inside the block's write transaction)."""
    original = getattr(obj, name)

    def broken(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if when is None or when(*args, **kwargs):
            raise OSError(f"injected failure in {name}")
        return result

    monkeypatch.setattr(obj, name, broken)


INJECTION_POINTS = {
    # after the block's state and tree rows were written
    "apply_writes": ("apply_writes", None),
    # after the block, txs, account and event index rows were written
    "insert_block": ("insert_block", None),
    # on the very last statement of the block: the last_time meta row
    "set_meta(last_time)": ("set_meta", lambda _conn, key, _value: key == "last_time"),
}


@pytest.mark.parametrize("point", list(INJECTION_POINTS))
def test_failure_inside_a_block_write_leaves_no_trace(
    node: EmbeddedNode, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    _commit(node, anchor_tx(ALICE, 1, 1), anchor_tx(BOB, 1, 2))
    before = dump(node.home.database_path)
    status_before = node.status()
    pending = [anchor_tx(ALICE, 2, 3), anchor_tx(CAROL, 1, 4)]
    hashes = [node.submit_tx(raw)["hash"] for raw in pending]

    name, when = INJECTION_POINTS[point]
    _fail_after(monkeypatch, node.db, name, when)
    with pytest.raises(OSError, match="injected failure"):
        node.produce_block()

    assert dump(node.home.database_path) == before  # not one row of block 2 anywhere
    assert node.height == 1
    assert node.status()["app_hash"] == status_before["app_hash"]
    assert node.get_account(ALICE.did())["nonce"] == 1
    assert len(node.mempool) == 2  # the txs wait for the next attempt

    monkeypatch.undo()
    block = node.produce_block()
    assert block is not None and block["header"]["height"] == 2
    assert block["txs"] == hashes
    assert [node.get_tx(h)["code"] for h in hashes] == [0, 0]
    assert node.get_account(ALICE.did())["nonce"] == 2
    # the writer's caches were dropped with the rollback: the retried block equals a clean recomputation
    assert replay_database(node.home.root).ok


def test_rollback_drops_writer_cache_entries(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    with db.write_transaction() as conn:
        db.apply_writes(conn, {b"k": b"committed"}, {b"n": b"node-1"})
    assert db.writer_state.get(b"k") == b"committed"  # now cached
    assert db.writer_tree.get_node(b"n") == b"node-1"
    with pytest.raises(RuntimeError), db.write_transaction() as conn:
        db.apply_writes(conn, {b"k": b"uncommitted"}, {b"n": None})
        assert db.writer_state.get(b"k") == b"uncommitted"  # the cache follows the open transaction
        raise RuntimeError("boom")
    assert db.writer_state.get(b"k") == b"committed"
    assert db.writer_tree.get_node(b"n") == b"node-1"
    db.close()


class _CommitFails:
    """A writer connection whose next COMMIT fails (as SQLITE_FULL or SQLITE_IOERR would)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.fail_next_commit = True

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and self.fail_next_commit:
            self.fail_next_commit = False
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def test_a_failed_commit_rolls_back_and_the_node_goes_on(node: EmbeddedNode) -> None:
    _commit(node, anchor_tx(ALICE, 1, 1))
    before = dump(node.home.database_path)
    hashes = [node.submit_tx(raw)["hash"] for raw in (anchor_tx(ALICE, 2, 2), anchor_tx(BOB, 1, 3))]
    real = node.db.writer
    node.db.writer = _CommitFails(real)  # type: ignore[assignment]
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        node.produce_block()
    assert not real.in_transaction  # the block's transaction did not stay open
    assert dump(node.home.database_path) == before
    # the writer cache had taken Alice's account at nonce 2 from the failed block: it must not keep it
    alice_key = account_key(ALICE.did())
    assert node.db.writer_state.get(alice_key) == dict(before["state"])[alice_key]
    block = node.produce_block()  # the next attempt commits the same txs
    node.db.writer = real
    assert block is not None and (block["header"]["height"], block["txs"]) == (2, hashes)
    assert node.get_account(ALICE.did())["nonce"] == 2
    assert replay_database(node.home.root).ok


def test_process_killed_inside_a_block_transaction_commits_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = Database(path)
    with db.write_transaction() as conn:
        db.apply_writes(conn, {b"a": b"1"}, {})
        db.set_meta(conn, "height", b"1")
    db.close()
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from bayledger.store.sqlite import Database
        db = Database(Path({str(path)!r}))
        conn = db.writer
        conn.execute("BEGIN IMMEDIATE")
        db.apply_writes(conn, {{b"a": b"2", b"b": b"3"}}, {{b"n": b"x"}})
        db.insert_block(conn, height=2, block_hash="ab" * 32, header=b"{{}}", signatures=b"[]", time=5,
                        txs=[dict(hash="cd" * 32, signer="did:x", code=0, raw=b"{{}}", result=b"{{}}",
                                  accounts={{"did:x"}}, events=[("t", b"{{}}", [("k", "v")])])])
        db.set_meta(conn, "height", b"2")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert run.returncode == -9, run.stderr.decode()
    reopened = Database(path)
    assert reopened.get_meta("height") == b"1"
    assert reopened.writer_state.get(b"a") == b"1"
    assert reopened.writer_state.get(b"b") is None
    for table in ("blocks", "txs", "tx_accounts", "events", "event_attrs", "tree"):
        assert reopened.writer.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    reopened.close()


def test_open_for_reading_never_creates_a_database(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_for_reading(tmp_path / "missing.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()
    db = Database(tmp_path / "db.sqlite3")
    conn = open_for_reading(tmp_path / "db.sqlite3")
    with pytest.raises(Exception, match="readonly"):
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', x'00')")
    conn.close()
    db.close()


# --- indexes and paging ----------------------------------------------------------------------------


@pytest.fixture
def chain(node: EmbeddedNode) -> dict[str, Any]:
    """Three blocks: anchors by Alice and Bob, Carol attests Alice's, Alice creates an account, a failure."""
    new_key = ed_key(99)
    b1 = _commit(node, anchor_tx(ALICE, 1, 1, anchor_type="report"), anchor_tx(BOB, 1, 2))
    b2 = _commit(
        node,
        signed(CAROL, 1, builders.attest_anchor(CAROL.did(), "ANC-00000001", "verified")),
        signed(ALICE, 2, builders.create_account(ALICE.did(), new_key)),
    )
    b3 = _commit(node, anchor_tx(BOB, 2, 2))  # Bob anchors the same hash again: anchor/3, no events
    return {"blocks": [b1, b2, b3], "new_did": new_key.did()}


def _plan(conn: Any, sql: str, params: tuple[Any, ...]) -> str:
    return " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_tx_by_hash_uses_its_index(node: EmbeddedNode, chain: dict[str, Any]) -> None:
    conn = node.db.reader
    b1 = chain["blocks"][0]
    found = q.get_tx(conn, b1["txs"][1].upper())  # hashes are matched case-insensitively
    assert found is not None
    assert (found["height"], found["index"], found["signer"]) == (1, 1, BOB.did())
    assert found["events"][0]["anchor_id"] == "ANC-00000002"
    assert found["tx"]["body"]["nonce"] == 1
    assert q.get_tx(conn, "00" * 32) is None
    assert "txs_by_hash" in _plan(conn, "SELECT * FROM txs WHERE hash = ?", ("x",))


def test_blocks_by_height_hash_and_latest(node: EmbeddedNode, chain: dict[str, Any]) -> None:
    conn = node.db.reader
    b2 = chain["blocks"][1]
    assert q.get_block(conn, 2) == b2
    assert q.get_block(conn, b2["hash"]) == b2
    assert q.get_block(conn, b2["hash"].upper()) == b2
    assert q.get_block(conn, "latest") == chain["blocks"][2]
    assert q.get_block(conn, 4) is None
    assert "sqlite_autoindex_blocks" in _plan(conn, "SELECT * FROM blocks WHERE hash = ?", ("x",))
    assert b2["header"]["previous_hash"] == chain["blocks"][0]["hash"]


def test_txs_by_account_include_signed_and_named(node: EmbeddedNode, chain: dict[str, Any]) -> None:
    b1, b2, b3 = chain["blocks"]
    conn = node.db.reader
    alice = q.list_txs(conn, ALICE.did(), 0, 10)
    assert alice["total"] == 2
    assert [t["hash"] for t in alice["items"]] == [b2["txs"][1], b1["txs"][0]]  # newest first
    bob = q.list_txs(conn, BOB.did(), 0, 10)
    assert [t["hash"] for t in bob["items"]] == [b3["txs"][0], b1["txs"][1]]
    assert bob["items"][0]["code"] == 3  # a failed tx still belongs to its signer
    carol = q.list_txs(conn, CAROL.did(), 0, 10)
    assert [t["hash"] for t in carol["items"]] == [b2["txs"][0]]
    created = b2["txs"][1]
    new_did = node.get_tx(created)["events"][0]["did"]
    named = q.list_txs(conn, new_did, 0, 10)  # named in the CreateAccount event, never a signer
    assert [t["hash"] for t in named["items"]] == [created]
    assert q.list_txs(conn, "did:bid:nobody", 0, 10) == {"items": [], "total": 0, "offset": 0, "limit": 10}


def test_events_by_type_and_attribute(node: EmbeddedNode, chain: dict[str, Any]) -> None:
    b1, b2, _ = chain["blocks"]
    conn = node.db.reader
    created = q.search_events(conn, "anchor/EventCreateAnchor", None, None, 0, 10)
    assert created["total"] == 2  # Bob's repeated anchor failed and emitted nothing
    assert [(e["height"], e["tx_hash"], e["event"]["anchor_id"]) for e in created["items"]] == [
        (1, b1["txs"][0], "ANC-00000001"),
        (1, b1["txs"][1], "ANC-00000002"),
    ]
    by_owner = q.search_events(conn, None, "owner", BOB.did(), 0, 10)
    assert [e["event"]["anchor_id"] for e in by_owner["items"]] == ["ANC-00000002"]
    on_anchor = q.search_events(conn, None, "anchor_id", "ANC-00000001", 0, 10)
    assert [e["event"]["type"] for e in on_anchor["items"]] == [
        "anchor/EventCreateAnchor",
        "anchor/EventAttestAnchor",
    ]
    attest = q.search_events(conn, "anchor/EventAttestAnchor", "anchor_id", "ANC-00000001", 0, 10)
    assert [(e["tx_hash"], e["event"]["attester"]) for e in attest["items"]] == [(b2["txs"][0], CAROL.did())]
    by_type_only = q.search_events(conn, "anchor/EventAttestAnchor", "anchor_id", "ANC-00000002", 0, 10)
    assert by_type_only["total"] == 0
    has_type = q.search_events(conn, None, "anchor_type", None, 0, 10)
    assert [e["event"]["anchor_type"] for e in has_type["items"]] == ["report", "document"]
    assert q.search_events(conn, None, None, None, 0, 10)["total"] == 4
    assert "events_by_type" in _plan(conn, "SELECT * FROM events WHERE type = ?", ("x",))


def test_paging_is_complete_and_stable(node: EmbeddedNode) -> None:
    for nonce in range(1, 8):  # 7 blocks of 2 txs
        _commit(node, anchor_tx(ALICE, nonce, 100 + nonce), anchor_tx(BOB, nonce, 200 + nonce))
    conn = node.db.reader
    pages = [q.list_blocks(conn, offset, 3) for offset in (0, 3, 6)]
    assert [p["total"] for p in pages] == [7, 7, 7]
    heights = [b["header"]["height"] for p in pages for b in p["items"]]
    assert heights == [7, 6, 5, 4, 3, 2, 1]
    assert q.list_blocks(conn, 7, 3)["items"] == []

    txs = [t for offset in range(0, 14, 4) for t in q.list_txs(conn, None, offset, 4)["items"]]
    assert [(t["height"], t["index"]) for t in txs] == [(h, i) for h in range(7, 0, -1) for i in (1, 0)]
    alice_pages = [q.list_txs(conn, ALICE.did(), o, 2) for o in (0, 2, 4, 6)]
    assert [t["nonce"] for p in alice_pages for t in p["items"]] == [7, 6, 5, 4, 3, 2, 1]
    assert alice_pages[-1] == {**alice_pages[-1], "total": 7, "offset": 6, "limit": 2}

    events = [
        e["event"]["content_hash"]
        for o in range(0, 14, 5)
        for e in q.search_events(conn, "anchor/EventCreateAnchor", None, None, o, 5)["items"]
    ]
    assert events == [content(k + n) for n in range(1, 8) for k in (100, 200)]  # oldest first
