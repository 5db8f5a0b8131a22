"""A 4-validator CometBFT localnet of real processes: agreement, fault tolerance, crash recovery.

The tests share one network (module fixture) and run in order; each leaves all four validators running.
"""

from __future__ import annotations

import hashlib
import signal
import time
from collections.abc import Iterator

import pytest
from cometnet import (
    anchor_tx,
    block_hashes,
    height,
    make_localnet,
    submit_expect_duplicate,
    wait_heights,
    wait_until,
    wallet,
)

from bayledger.cometbft.rpc import CometRpc
from bayledger.core.modules.anchor.msgs import MsgCreateAnchor
from bayledger.node.abci.app import FAILPOINT_ENV
from bayledger.node.abci.localnet import Localnet
from bayledger.node.replay import replay_database
from bayledger.sdk import builders
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.wallet import Wallet
from bayledger.store.sqlite import open_for_reading

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ALL = [0, 1, 2, 3]


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Localnet]:
    localnet = make_localnet(tmp_path_factory.mktemp("cometnet") / "net")
    try:
        localnet.start()
        yield localnet
    finally:
        localnet.stop()


def test_all_four_reach_the_same_app_hash_after_a_burst(net: Localnet) -> None:
    hashes = []
    for index in ALL:  # each member signs 30 txs and sends them to its own node, without waiting
        member = wallet(net, index, f"member{index}")
        hashes += [
            member.client.submit(anchor_tx(member, f"burst-{index}-{n}", n), wait=False)["hash"]
            for n in range(1, 31)
        ]
    reader = Client(net.api_url(2))
    results = wait_until(
        lambda: [reader.get_tx(h) for h in hashes], 60, "the 120 burst txs committed (as seen by node2)"
    )
    assert [r["code"] for r in results] == [0] * 120
    top = max(r["height"] for r in results)
    wait_heights(net, ALL, top)
    per_node = [block_hashes(net, index, range(1, top + 1)) for index in ALL]
    assert per_node[1:] == [per_node[0]] * 3  # identical blocks, results and state roots at every height
    app_hashes = {Client(net.api_url(i)).get_block(top)["header"]["app_hash"] for i in ALL}
    assert len(app_hashes) == 1
    rpc = CometRpc(net.rpc_url(3))
    wait_until(lambda: rpc.latest_height() > top, 20, "CometBFT's block after the burst")
    assert rpc.commit(top + 1)["signed_header"]["header"]["app_hash"].lower() in app_hashes
    assert {Client(net.api_url(i)).list_anchors()["total"] for i in ALL} == {120}
    audit = replay_database(net.home(1))  # re-executes node1's stored blocks beside the live node
    assert audit.ok, audit.to_dict()
    assert audit.blocks >= top and audit.txs >= 120


def test_a_tx_sent_to_every_node_is_committed_once(net: Localnet) -> None:
    operator = wallet(net, 0, "operator")
    nonce = operator.next_nonce()
    raw = anchor_tx(operator, "once", nonce)
    first = Client(net.api_url(1)).submit(raw, wait=False)["hash"]
    again = [submit_expect_duplicate(Client(net.api_url(i)), raw) for i in (2, 3, 0)]
    assert set(again) <= {first, "duplicate"}
    committed = wait_until(lambda: Client(net.api_url(3)).get_tx(first), 30, "the tx committed")
    assert committed["code"] == 0
    for index in ALL:
        seen = wait_until(lambda i=index: Client(net.api_url(i)).get_tx(first), 30, f"node{index} has it")
        assert (seen["height"], seen["index"]) == (committed["height"], committed["index"])
        with pytest.raises(ApiError) as refused:
            Client(net.api_url(index)).submit(raw, wait=False)
        assert (refused.value.codespace, refused.value.code) == ("tx", 16)
    assert Client(net.api_url(2)).get_account(operator.did)["nonce"] == nonce
    owned = Client(net.api_url(2)).list_anchors(owner=operator.did)
    assert owned["total"] == 1


def test_one_validator_killed_the_chain_goes_on_and_it_catches_up(net: Localnet) -> None:
    net.stop_node(3, signal.SIGKILL)
    stopped_at = height(net, 0)
    member = wallet(net, 0, "member0")
    results = [member.send(_anchor(member, f"one-down-{n}")) for n in range(5)]
    assert [r["code"] for r in results] == [0] * 5
    top = max(r["height"] for r in results)
    assert top > stopped_at
    wait_heights(net, [0, 1, 2], top)
    net.start_node(3)
    wait_heights(net, ALL, top, timeout=90)
    assert block_hashes(net, 3, range(1, top + 1)) == block_hashes(net, 0, range(1, top + 1))


def test_two_of_four_killed_the_chain_halts_without_forking_and_resumes(net: Localnet) -> None:
    net.stop_node(2, signal.SIGKILL)
    net.stop_node(3, signal.SIGKILL)
    time.sleep(1.0)  # a block all four had already voted for may still land
    halted_at = wait_until(lambda: height(net, 0) == height(net, 1) and height(net, 0), 10, "0 and 1 agree")
    member = wallet(net, 1, "member1")
    raw = anchor_tx(member, "while-halted", member.next_nonce())
    tx_hash = member.client.submit(raw, wait=False)["hash"]  # CheckTx passes: it waits in the mempool
    rpc = CometRpc(net.rpc_url(0))
    for _ in range(30):  # 3 s: far longer than a block takes with 3 of 4 validators
        assert height(net, 0) == halted_at and height(net, 1) == halted_at
        assert rpc.latest_height() == halted_at
        time.sleep(0.1)
    with pytest.raises(ApiError):
        Client(net.api_url(0)).get_tx(tx_hash)
    assert block_hashes(net, 0, range(1, halted_at + 1)) == block_hashes(net, 1, range(1, halted_at + 1))
    net.start_node(3)  # three of four again: more than 2/3 of the power
    committed = wait_until(lambda: Client(net.api_url(0)).get_tx(tx_hash), 90, "the waiting tx committed")
    assert committed["code"] == 0 and committed["height"] > halted_at
    net.start_node(2)
    top = committed["height"]
    wait_heights(net, ALL, top, timeout=90)
    hashes = [block_hashes(net, index, range(1, top + 1)) for index in ALL]
    assert hashes[1:] == [hashes[0]] * 3


def test_an_app_killed_mid_block_recovers_through_the_handshake(net: Localnet) -> None:
    net.stop_node(3)
    before = height(net, 0)
    net.start_app(3, env={FAILPOINT_ENV: f"finalize:{before + 1}"})  # SIGKILLs itself in that block
    net.start_comet(3)
    member = wallet(net, 0, "member0")
    result = member.send(_anchor(member, "kill-9"))
    assert result["height"] >= before + 1  # (a pending empty block may come first)
    wait_until(lambda: not net.running("node3/app"), 30, "node3's app to kill itself mid-block")
    net.stop_process("node3/cometbft")
    conn = open_for_reading(net.home(3) / "data" / "node.sqlite3")
    stored = conn.execute("SELECT value FROM meta WHERE key = 'height'").fetchone()[0]
    conn.close()
    assert int(stored) == before  # the executed block was not half-written
    net.start_node(3)  # no failpoint now: CometBFT's handshake replays block before + 1
    top = result["height"]
    wait_heights(net, ALL, top, timeout=90)
    assert block_hashes(net, 3, range(1, top + 1)) == block_hashes(net, 0, range(1, top + 1))
    assert Client(net.api_url(3)).get_tx(result["hash"])["height"] == top


def test_rest_proofs_from_any_node_verify_with_the_cometbft_light_client(net: Localnet) -> None:
    member = wallet(net, 2, "member2")
    result = member.send(_anchor(member, "proof"))
    anchor_id = result["events"][0]["anchor_id"]
    wait_heights(net, ALL, result["height"], timeout=30)  # every node has committed (and applied) the block
    for index in ALL:
        reader = wallet(net, index, "operator")
        assert reader.verified("anchor", "anchor", anchor_id)["id"] == anchor_id
    answer = Client(net.api_url(1)).get_proof("anchor", "anchor", anchor_id)
    assert answer["cometbft"]["height"] in (answer["height"], answer["height"] + 1)


def _anchor(member: Wallet, seed: str) -> MsgCreateAnchor:
    content = hashlib.sha256(seed.encode()).hexdigest()
    return builders.create_anchor(member.did, content, anchor_type="impact-report")
