"""The embedded node: blocks on demand, restart from the last committed block, submit and wait, replay."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import msgspec
import pytest
from nodekit import (
    CHAIN_ID,
    GENESIS_TIME,
    anchor_tx,
    dump,
    ed_key,
    open_node,
    signed,
    validator_key,
    write_genesis,
)
from typer.testing import CliRunner

from bayledger.cli.main import app as cli
from bayledger.core.block import SignedHeader
from bayledger.core.errors import DuplicateTxError
from bayledger.core.genesis import decode_genesis
from bayledger.core.light import verify_header_chain
from bayledger.node.embedded import EmbeddedNode, NodeStateError
from bayledger.node.home import HomeError
from bayledger.node.replay import replay_database
from bayledger.node.service import NotFoundError, TimeoutWaitingError
from bayledger.sdk import builders
from bayledger.sdk.verify import verify_proof_answer

ALICE, BOB = ed_key(1), ed_key(2)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    write_genesis(tmp_path, [ALICE, BOB])
    return tmp_path


@pytest.fixture
def node(home: Path) -> Any:
    node = open_node(home)
    yield node
    node.stop()


def _build_chain(node: EmbeddedNode) -> list[dict[str, Any]]:
    """Three blocks with successes, a failed message and an attestation."""
    blocks = []
    for raws in (
        [anchor_tx(ALICE, 1, 1), anchor_tx(BOB, 1, 2)],
        [
            signed(BOB, 2, builders.attest_anchor(BOB.did(), "ANC-00000001", "checked")),
            anchor_tx(ALICE, 2, 1),
        ],
        [anchor_tx(ALICE, 3, 3)],
    ):
        for raw in raws:
            node.submit_tx(raw)
        block = node.produce_block()
        assert block is not None
        blocks.append(block)
    return blocks


def test_produce_block_on_demand(node: EmbeddedNode) -> None:
    assert node.produce_block() is None  # nothing waiting: no empty block
    assert node.height == 0 and node.status()["latest_height"] == 0
    first = node.submit_tx(anchor_tx(ALICE, 1, 1))["hash"]
    block = node.produce_block()
    assert block is not None
    header = block["header"]
    assert (header["chain_id"], header["height"], header["previous_hash"]) == (CHAIN_ID, 1, "")
    assert header["time"] > GENESIS_TIME
    assert header["proposer"] == validator_key().did()
    assert block["txs"] == [first]
    status = node.status()
    assert (status["latest_height"], status["latest_hash"]) == (1, block["hash"])
    assert status["app_hash"] == header["app_hash"]
    result = node.get_tx(first)
    assert (result["code"], result["height"], result["index"]) == (0, 1, 0)
    assert result["events"] == [
        {
            "type": "anchor/EventCreateAnchor",
            "anchor_id": "ANC-00000001",
            "owner": ALICE.did(),
            "content_hash": "00" * 31 + "01",
            "anchor_type": "document",
        }
    ]


def test_blocks_are_signed_linked_and_timed(node: EmbeddedNode, home: Path) -> None:
    blocks = _build_chain(node)
    genesis = decode_genesis((home / "genesis.json").read_bytes())
    signed_headers = [
        msgspec.convert(
            {"header": b["header"], "signatures": b["signatures"]}, type=SignedHeader, strict=False
        )
        for b in blocks
    ]
    assert verify_header_chain(genesis, signed_headers).height == 3
    times = [b["header"]["time"] for b in blocks]
    assert times == sorted(set(times))
    failed = node.get_tx(blocks[1]["txs"][1])  # Alice anchors content 1 twice
    assert (failed["code"], failed["codespace"], failed["events"]) == (3, "anchor", [])
    assert node.get_account(ALICE.did())["nonce"] == 3  # the failed tx consumed its nonce
    assert node.get_anchor("ANC-00000001")["attestation_count"] == 1
    proof = node.prove("anchor", "anchor", "ANC-00000001")
    assert verify_proof_answer(genesis, proof)["owner"] == ALICE.did()


def test_resubmitting_a_committed_failed_tx_is_a_duplicate(node: EmbeddedNode) -> None:
    blocks = _build_chain(node)
    failed_raw = anchor_tx(ALICE, 2, 1)
    assert node.get_tx(blocks[1]["txs"][1])["code"] == 3
    with pytest.raises(DuplicateTxError, match="committed at height 2"):
        node.submit_tx(failed_raw)


def test_restart_resumes_at_the_last_committed_block(home: Path) -> None:
    node = open_node(home)
    blocks = _build_chain(node)
    status = node.status()
    state_before = {
        "alice": node.get_account(ALICE.did()),
        "bob": node.get_account(BOB.did()),
        "anchors": node.list_anchors(owner=None, content_hash=None, offset=0, limit=50),
        "txs": node.list_txs(account=None, offset=0, limit=50),
    }
    tables = dump(node.home.database_path)
    node.stop()

    again = open_node(home)
    try:
        assert again.height == 3
        restarted = again.status()
        for key in ("latest_height", "latest_hash", "app_hash", "latest_time"):
            assert restarted[key] == status[key], key
        assert dump(again.home.database_path) == tables
        assert again.get_account(ALICE.did()) == state_before["alice"]
        assert again.get_account(BOB.did()) == state_before["bob"]
        assert (
            again.list_anchors(owner=None, content_hash=None, offset=0, limit=50) == state_before["anchors"]
        )
        assert again.list_txs(account=None, offset=0, limit=50) == state_before["txs"]
        # and it goes on from there: nonce 4, height 4 linked to block 3
        again.submit_tx(anchor_tx(ALICE, 4, 4))
        block = again.produce_block()
        assert block is not None
        assert (block["header"]["height"], block["header"]["previous_hash"]) == (4, blocks[-1]["hash"])
        assert block["header"]["time"] > blocks[-1]["header"]["time"]
    finally:
        again.stop()
    assert replay_database(home).ok


def test_restart_refuses_a_foreign_genesis_or_key_or_corrupt_state(home: Path) -> None:
    node = open_node(home)
    _build_chain(node)
    node.stop()
    with pytest.raises(NodeStateError, match="validator key"):
        EmbeddedNode(home, ed_key(77))
    genesis_json = (home / "genesis.json").read_bytes()
    other = json.loads(genesis_json)
    other["genesis_time"] += 1
    (home / "genesis.json").write_text(json.dumps(other))
    with pytest.raises(NodeStateError, match="another genesis"):
        open_node(home)
    (home / "genesis.json").write_bytes(genesis_json)
    conn = sqlite3.connect(home / "data" / "node.sqlite3")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'app_hash'", (b"00" * 32,))
    conn.commit()
    conn.close()
    with pytest.raises(NodeStateError, match="differs from the committed app hash"):
        open_node(home)


def test_submit_and_wait_for_commit_with_the_producer_running(node: EmbeddedNode) -> None:
    node.start(block_interval_ms=20)
    blocks_seen: list[int] = []
    sub = node.subscribe()
    hashes = [node.submit_tx(anchor_tx(ALICE, n, n))["hash"] for n in (1, 2, 3)]
    results = [node.wait_for_tx(h, timeout=10) for h in hashes]
    assert [r["hash"] for r in results] == hashes
    assert all(r["code"] == 0 for r in results)
    assert [r["nonce"] for r in results] == [1, 2, 3]
    heights = {r["height"] for r in results}
    while (item := sub.get(0.5)) is not None:
        if item["kind"] == "block":
            blocks_seen.append(item["block"]["header"]["height"])
    assert heights <= set(blocks_seen)
    with pytest.raises(TimeoutWaitingError) as err:
        node.wait_for_tx("ab" * 32, timeout=0.2)
    assert (err.value.codespace, err.value.code) == ("node", 408)
    with pytest.raises(NotFoundError):
        node.get_tx("ab" * 32)


def test_wait_for_tx_wakes_on_the_commit(node: EmbeddedNode) -> None:
    tx_hash = node.submit_tx(anchor_tx(BOB, 1, 5))["hash"]
    answer: dict[str, Any] = {}
    waiter = threading.Thread(target=lambda: answer.update(node.wait_for_tx(tx_hash, timeout=10)))
    waiter.start()
    assert node.produce_block() is not None
    waiter.join(timeout=10)
    assert answer["height"] == 1 and answer["signer"] == BOB.did()


# --- replay ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hash_algorithm", "key_type"), [("sha256", "ed25519"), ("sm3", "sm2")])
def test_replay_matches_the_stored_chain(tmp_path: Path, hash_algorithm: str, key_type: str) -> None:
    validator = validator_key(key_type)
    write_genesis(tmp_path, [ALICE, BOB], validator=validator, hash_algorithm=hash_algorithm)
    node = open_node(tmp_path, validator)
    _build_chain(node)
    status = node.status()
    node.stop()
    seen: list[tuple[int, int]] = []
    report = replay_database(tmp_path, lambda done, total: seen.append((done, total)))
    assert report.ok and report.mismatches == [] and report.first_mismatch_height is None
    assert (report.blocks, report.txs, report.last_height) == (3, 5, 3)
    assert report.app_hash == status["app_hash"]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def _tamper(home: Path, sql: str, *params: Any) -> None:
    conn = sqlite3.connect(home / "data" / "node.sqlite3")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_replay_detects_a_tampered_stored_app_hash(node: EmbeddedNode, home: Path) -> None:
    blocks = _build_chain(node)
    original = blocks[1]["header"]["app_hash"]
    header = dict(blocks[1]["header"], app_hash="ff" * 32)
    _tamper(
        home, "UPDATE blocks SET header = ? WHERE height = 2", msgspec.json.encode(header, order="sorted")
    )
    report = replay_database(home)
    assert not report.ok
    assert report.first_mismatch_height == 2
    by_field = {m.field: m for m in report.mismatches}
    assert (by_field["app_hash"].stored, by_field["app_hash"].recomputed) == ("ff" * 32, original)
    assert by_field["block_hash"].height == 2  # the header no longer hashes to the stored block hash
    assert "signatures" in by_field  # nor carries a valid validator signature
    assert {m.height for m in report.mismatches} == {2}  # later blocks still replay to the same values


@pytest.mark.parametrize(
    ("sql", "field", "height"),
    [
        (
            "UPDATE txs SET result = replace(result, '\"code\":0', '\"code\":9') WHERE height = 3",
            "result[0]",
            3,
        ),
        (
            "UPDATE state SET value = CAST(value || ' ' AS BLOB) WHERE key = (SELECT min(key) FROM state)",
            "state",
            3,
        ),
        ("DELETE FROM txs WHERE height = 2 AND idx = 1", "tx_count", 2),
        ("UPDATE meta SET value = CAST('2' AS BLOB) WHERE key = 'height'", "meta.height", 3),
        ("UPDATE meta SET value = CAST('{}' AS BLOB) WHERE key = 'genesis'", "genesis", 0),
        ("UPDATE blocks SET header = CAST('{' AS BLOB) WHERE height = 2", "header", 2),
    ],
)
def test_replay_detects_other_tampering(
    node: EmbeddedNode, home: Path, sql: str, field: str, height: int
) -> None:
    _build_chain(node)
    _tamper(home, sql)
    report = replay_database(home)
    assert not report.ok
    assert field in {m.field for m in report.mismatches}
    assert report.first_mismatch_height == height


def test_replay_needs_a_node_home(tmp_path: Path) -> None:
    with pytest.raises(HomeError):
        replay_database(tmp_path)
    write_genesis(tmp_path, [ALICE])
    with pytest.raises(FileNotFoundError):
        replay_database(tmp_path)
    assert not (tmp_path / "data" / "node.sqlite3").exists()


def test_cli_node_replay_exit_codes_and_json(node: EmbeddedNode, home: Path) -> None:
    blocks = _build_chain(node)
    runner = CliRunner()
    ok = runner.invoke(cli, ["node", "replay", "--home", str(home), "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert (data["ok"], data["blocks"], data["txs"], data["first_mismatch_height"]) == (True, 3, 5, None)
    human = runner.invoke(cli, ["--home", str(home), "node", "replay"])
    assert human.exit_code == 0 and "replay matches" in human.stdout and "3 blocks" in human.stdout

    header = dict(blocks[2]["header"], app_hash="00" * 32)
    _tamper(
        home, "UPDATE blocks SET header = ? WHERE height = 3", msgspec.json.encode(header, order="sorted")
    )
    bad = runner.invoke(cli, ["--json", "--home", str(home), "node", "replay"])
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False and report["first_mismatch_height"] == 3
    assert any(m["field"] == "app_hash" and m["stored"] == "00" * 32 for m in report["mismatches"])
    table = runner.invoke(cli, ["node", "replay", "--home", str(home)])
    assert table.exit_code == 1 and "first at height 3" in table.stdout

    missing = runner.invoke(cli, ["node", "replay", "--home", str(home / "nowhere")])
    assert missing.exit_code == 5
