"""End-block events (committed, stored, searchable, streamed, replayed) and governance parameter changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import msgspec
import pytest
from nodekit import CHAIN_ID, GENESIS_TIME, ed_key, open_node, signed, validator_key

from bayledger.core.encoding import b64encode
from bayledger.core.errors import TooManyMessagesError
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.core.merkle import compute_list_root
from bayledger.core.modules.governance.msgs import MsgSubmitProposal, MsgVote
from bayledger.core.params import ConsensusParams
from bayledger.core.state_transition import (
    chain_at,
    compute_results_hash,
    encode_result,
    end_block_leaf,
)
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.node.replay import replay_database
from bayledger.sdk import builders
from bayledger.store.queries import get_block
from bayledger.store.schema import MIGRATIONS
from bayledger.store.sqlite import Database
from corechain import Chain, make_genesis
from corechain import ed_key as core_key

CLOSE = "governance/EventCloseProposal"
LOWER_MSGS = {"key": "max_msgs_per_tx", "value": 2}


def _member(did: str) -> dict[str, Any]:
    return {"did": did, "name_en": "Sole member", "jurisdiction": "HK", "roles": ["bank"], "weight": 1}


def _proposal_msgs(did: str, payload: dict[str, Any]) -> tuple[MsgSubmitProposal, MsgVote]:
    submit = MsgSubmitProposal(
        proposer=did, kind="parameter-change", payload=payload, title="fewer msgs", description="why"
    )
    return submit, MsgVote(voter=did, proposal_id="PROP-000001", option="yes")


def _anchors(did: str, count: int, first: int) -> list[Any]:
    return [builders.create_anchor(did, (first + i).to_bytes(32, "big").hex()) for i in range(count)]


# --- the pure core ---------------------------------------------------------------------------------------


MEMBER = core_key(1)


def _core_chain() -> Chain:
    genesis = make_genesis([MEMBER])
    governance = {"members": [_member(MEMBER.did())], "voting_period": 5}
    return Chain(msgspec.structs.replace(genesis, app_state=dict(genesis.app_state, governance=governance)))


def test_end_block_events_are_in_the_outcome_and_the_results_hash() -> None:
    chain = _core_chain()
    quiet = chain.apply([chain.tx(MEMBER, _anchors(MEMBER.did(), 1, 1))])
    assert quiet.end_block_events == []  # no end-block event: the results hash is the tx results' root
    assert quiet.results_hash == compute_list_root(chain.hash_fn, [encode_result(r) for r in quiet.results])

    submit, vote = _proposal_msgs(MEMBER.did(), LOWER_MSGS)
    outcome = chain.apply([chain.tx(MEMBER, [submit], nonce=2), chain.tx(MEMBER, [vote], nonce=3)])
    assert [r.code for r in outcome.results] == [0, 0]
    assert outcome.end_block_events == [
        {
            "type": CLOSE,
            "proposal_id": "PROP-000001",
            "kind": "parameter-change",
            "status": "passed",
            "yes_weight": 1,
            "no_weight": 0,
            "abstain_weight": 0,
            "total_weight": 1,
            "log": "executed",
        }
    ]
    leaves = [encode_result(r) for r in outcome.results]
    assert outcome.results_hash == compute_list_root(
        chain.hash_fn, [*leaves, end_block_leaf(outcome.end_block_events)]
    )
    assert outcome.results_hash != compute_list_root(chain.hash_fn, leaves)
    assert outcome.results_hash == compute_results_hash(
        chain.hash_fn, outcome.results, outcome.end_block_events
    )
    other = [dict(outcome.end_block_events[0], status="failed")]
    assert compute_results_hash(chain.hash_fn, outcome.results, other) != outcome.results_hash


def test_a_passed_parameter_change_applies_from_the_next_block() -> None:
    chain = _core_chain()
    did = MEMBER.did()
    submit, vote = _proposal_msgs(did, LOWER_MSGS)
    # the block that passes the change still runs under the old limit (32)
    passing = chain.apply(
        [
            chain.tx(MEMBER, [submit], nonce=1),
            chain.tx(MEMBER, [vote], nonce=2),
            chain.tx(MEMBER, _anchors(did, 3, 1), nonce=3),
        ]
    )
    assert [r.code for r in passing.results] == [0, 0, 0]
    assert chain_at(chain.app, chain.state).params == ConsensusParams(max_msgs_per_tx=2)
    assert chain.app.chain.params == chain.app.chain.genesis_params == ConsensusParams()

    three = chain.tx(MEMBER, _anchors(did, 3, 10))
    with pytest.raises(TooManyMessagesError):
        chain.check(three)  # CheckTx against the committed state
    after = chain.apply([three, chain.tx(MEMBER, _anchors(did, 2, 20))])
    assert [(r.codespace, r.code) for r in after.results] == [("tx", 11), ("", 0)]
    assert "1 to 2 messages" in after.results[0].log


def test_governance_checks_a_parameter_change_against_the_effective_params() -> None:
    chain = _core_chain()
    did = MEMBER.did()
    submit, vote = _proposal_msgs(did, {"key": "max_memo_bytes", "value": 100})
    chain.apply([chain.tx(MEMBER, [submit]), chain.tx(MEMBER, [vote], nonce=2)])
    second = MsgSubmitProposal(
        proposer=did, kind="parameter-change", payload=LOWER_MSGS, title="again", description=""
    )
    vote2 = MsgVote(voter=did, proposal_id="PROP-000002", option="yes")
    outcome = chain.apply([chain.tx(MEMBER, [second]), chain.tx(MEMBER, [vote2], nonce=4)])
    assert [e["status"] for e in outcome.end_block_events] == ["passed"]
    assert chain_at(chain.app, chain.state).params == ConsensusParams(max_memo_bytes=100, max_msgs_per_tx=2)


# --- the node --------------------------------------------------------------------------------------------

ALICE = ed_key(1)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    validator = validator_key()
    genesis = Genesis(
        chain_id=CHAIN_ID,
        genesis_time=GENESIS_TIME,
        hash_algorithm="sha256",
        validators=[GenesisValidator("validator", validator.key_type, validator.public_key, 10)],
        app_state={
            "accounts": [{"key_type": ALICE.key_type, "public_key": b64encode(ALICE.public_key)}],
            "governance": {"members": [_member(ALICE.did())], "voting_period": 5},
        },
        params=ConsensusParams(),
    )
    genesis.validate()
    NodeHome(tmp_path).genesis_path.write_bytes(encode_genesis(genesis))
    return tmp_path


@pytest.fixture
def node(home: Path) -> Any:
    node = open_node(home)
    yield node
    node.stop()


def _pass_the_change(node: EmbeddedNode) -> dict[str, Any]:
    submit, vote = _proposal_msgs(ALICE.did(), LOWER_MSGS)
    node.submit_tx(signed(ALICE, 1, submit))
    node.submit_tx(signed(ALICE, 2, vote))
    block = node.produce_block()
    assert block is not None
    return block


def test_node_stores_searches_streams_and_replays_end_block_events(node: EmbeddedNode, home: Path) -> None:
    subscription = node.subscribe()
    block = _pass_the_change(node)
    assert [e["type"] for e in block["end_block_events"]] == [CLOSE]
    assert block["end_block_events"][0]["status"] == "passed"
    assert node.get_block(1)["end_block_events"] == block["end_block_events"]
    assert node.list_blocks(offset=0, limit=10)["items"][0]["end_block_events"] == block["end_block_events"]

    by_type = node.search_events(event_type=CLOSE, attribute=None, value=None, offset=0, limit=10)
    assert by_type["total"] == 1
    assert by_type["items"] == [
        {"height": 1, "tx_hash": None, "index": None, "event": block["end_block_events"][0]}
    ]
    by_attr = node.search_events(
        event_type=None, attribute="proposal_id", value="PROP-000001", offset=0, limit=10
    )
    types = [item["event"]["type"] for item in by_attr["items"]]
    assert types == ["governance/EventSubmitProposal", "governance/EventVote", CLOSE]  # block order
    status = node.search_events(event_type=CLOSE, attribute="status", value="passed", offset=0, limit=10)
    assert status["total"] == 1

    items = []
    while (item := subscription.get(0.05)) is not None:
        items.append(item)
    assert [i["kind"] for i in items] == ["block", "event", "event", "event"]
    assert (items[-1]["tx_hash"], items[-1]["event"]["type"]) == (None, CLOSE)
    subscription.close()

    report = replay_database(home)
    assert report.ok, report.mismatches


def test_node_check_tx_and_blocks_use_the_effective_params(node: EmbeddedNode) -> None:
    _pass_the_change(node)
    with pytest.raises(TooManyMessagesError) as refused:
        node.submit_tx(signed(ALICE, 3, *_anchors(ALICE.did(), 3, 1)))
    assert (refused.value.codespace, refused.value.code) == ("tx", 11)
    node.submit_tx(signed(ALICE, 3, *_anchors(ALICE.did(), 2, 1)))
    block = node.produce_block()
    assert block is not None and block["end_block_events"] == []
    assert node.get_tx(block["txs"][0])["code"] == 0


def test_node_block_size_follows_a_parameter_change(node: EmbeddedNode) -> None:
    submit, vote = _proposal_msgs(ALICE.did(), {"key": "max_txs_per_block", "value": 1})
    node.submit_tx(signed(ALICE, 1, submit))
    node.submit_tx(signed(ALICE, 2, vote))
    node.produce_block()
    for nonce in (3, 4):
        node.submit_tx(signed(ALICE, nonce, *_anchors(ALICE.did(), 1, nonce)))
    first = node.produce_block()
    assert first is not None and len(first["txs"]) == 1
    second = node.produce_block()
    assert second is not None and len(second["txs"]) == 1


def _tamper(home: Path, sql: str, *args: Any) -> None:
    conn = sqlite3.connect(NodeHome(home).database_path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_replay_detects_dropped_or_changed_end_block_events(node: EmbeddedNode, home: Path) -> None:
    block = _pass_the_change(node)
    node.stop()
    _tamper(home, "UPDATE blocks SET end_block_events = CAST('[]' AS BLOB) WHERE height = 1")
    report = replay_database(home)
    assert {m.field for m in report.mismatches} == {"end_block_events"}
    assert report.first_mismatch_height == 1

    # a header that commits to the tx results only (the end-block events dropped) no longer replays
    conn = sqlite3.connect(NodeHome(home).database_path)
    results = [bytes(r[0]) for r in conn.execute("SELECT result FROM txs WHERE height = 1 ORDER BY idx")]
    conn.close()
    without = compute_list_root(node.app.chain.hash_fn, results).hex()
    assert without != block["header"]["results_hash"]
    header = dict(block["header"], results_hash=without)
    _tamper(
        home, "UPDATE blocks SET header = ? WHERE height = 1", msgspec.json.encode(header, order="sorted")
    )
    fields = {m.field for m in replay_database(home).mismatches}
    assert {"results_hash", "block_hash", "signatures"} <= fields


def test_migration_adds_end_block_events_to_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO blocks (height, hash, header, signatures, tx_count, time) VALUES (1, 'ab', ?, ?, 0, 5)",
        (b'{"height":1}', b"[]"),
    )
    conn.commit()
    conn.close()
    db = Database(path, synchronous="NORMAL")
    try:
        assert db.writer.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        found = get_block(db.reader, 1)
        assert found is not None and found["end_block_events"] == []
    finally:
        db.close()
