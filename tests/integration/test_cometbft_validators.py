"""Validator-set changes passed by governance on a running CometBFT network, followed by light clients.

A fifth node joins as a full node; the consortium votes it in (``validator-set-change``); CometBFT applies
the update returned by FinalizeBlock and the new validator signs: with one original validator stopped, the
chain commits only because of its signature. Then it is voted out again and the chain goes on without it.
"""

from __future__ import annotations

import base64
import hashlib
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from cometnet import make_localnet, wait_heights, wait_until, wallet

from bayledger.cometbft.light import Validator, parse_validators
from bayledger.cometbft.rpc import CometRpc
from bayledger.core.encoding import b64encode
from bayledger.node.abci.localnet import Localnet
from bayledger.node.abci.localnet_init import add_node
from bayledger.sdk import builders
from bayledger.sdk.client import Client
from bayledger.sdk.identity import submit_proposal, vote
from bayledger.sdk.wallet import Wallet

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Localnet]:
    localnet = make_localnet(tmp_path_factory.mktemp("cometvals") / "net")
    try:
        localnet.start()
        yield localnet
    finally:
        Localnet(localnet.directory).stop()  # the manifest may name a node added by a test


def adopt(net: Localnet, validators: list[dict[str, Any]], title: str) -> int:
    """Members 0-2 (3 of 4 votes) pass a ``validator-set-change``; the height of the adopting block."""
    proposer = wallet(net, 0, "member0")
    submitted = proposer.send(
        submit_proposal(proposer.did, "validator-set-change", {"validators": validators}, title)
    )
    proposal_id = submitted["events"][0]["proposal_id"]
    for index in range(3):
        member = wallet(net, index, f"member{index}")
        result = member.send(vote(member.did, proposal_id, "yes"))
    events = Client(net.api_url(0)).search_events(event_type="governance/EventValidatorSetChange")["items"]
    adopted = [e for e in events if e["event"]["proposal_id"] == proposal_id]
    assert adopted, f"{proposal_id} was not adopted by the last vote (height {result['height']})"
    return int(adopted[0]["height"])


def entry(name: str, public_key: bytes) -> dict[str, Any]:
    return {"name": name, "key_type": "ed25519", "public_key": b64encode(public_key), "power": 10}


def anchor(member: Wallet, seed: str) -> dict[str, Any]:
    content = hashlib.sha256(seed.encode()).hexdigest()
    return member.send(builders.create_anchor(member.did, content, anchor_type="impact-report"))


def comet_set(net: Localnet, index: int) -> set[bytes]:
    """The consensus keys of the set that signs CometBFT's next block, as node ``index`` sees it."""
    return {v.public_key for v in parse_validators(CometRpc(net.rpc_url(index)).validators())}


def test_a_validator_voted_in_by_governance_signs_and_voted_out_stops(net: Localnet) -> None:
    genesis = Client(net.api_url(0)).genesis()
    originals = [entry(v["name"], _b64(v["public_key"])) for v in genesis["validators"]]
    added = add_node(net.directory)
    grown = Localnet(net.directory)
    grown.start_node(4)  # a full node first: it syncs the chain but signs nothing
    grown.wait_api(4)
    wait_heights(grown, [4], Client(net.api_url(0)).status()["latest_height"])
    newcomer = _b64(added["validator_public_key"])
    assert newcomer not in comet_set(grown, 0)

    adopted_at = adopt(grown, [*originals, entry("node4", newcomer)], "admit node4")
    wait_until(lambda: newcomer in comet_set(grown, 0), 30, "CometBFT to apply the validator update")
    status = Client(grown.api_url(4)).status()
    assert "node4" in {v["name"] for v in status["validators"]}

    # 4 of 5 equal validators remain with node0 stopped: 40/50 > 2/3 only if node4 signs
    grown.stop_node(0, signal.SIGKILL)
    member = wallet(grown, 1, "member1")
    result = anchor(member, "signed-with-node4")
    assert result["code"] == 0 and result["height"] > adopted_at + 1
    commit = CometRpc(grown.rpc_url(1)).commit(result["height"])["signed_header"]["commit"]
    address = Validator(newcomer, 10).address.hex().upper()
    assert any(s["validator_address"] == address and s["block_id_flag"] == 2 for s in commit["signatures"])

    # a light client follows the hand-over from the genesis set, whichever node answers
    for index in (1, 4):
        reader = wallet(grown, index, "operator")
        assert reader.verified("anchor", "anchor", result["events"][0]["anchor_id"])["owner"] == member.did
    answer = Client(grown.api_url(2)).get_proof("anchor", "anchor", result["events"][0]["anchor_id"])
    assert len(answer["cometbft"]["hand_overs"]) == 1

    grown.start_node(0)
    removed_at = adopt(grown, originals, "retire node4")
    wait_until(lambda: newcomer not in comet_set(grown, 1), 30, "CometBFT to remove node4")
    grown.stop_node(4)
    wait_heights(grown, [0], removed_at)
    after = anchor(wallet(grown, 0, "member0"), "after-node4-left")
    assert after["code"] == 0 and after["height"] > removed_at
    reader = wallet(grown, 3, "operator")
    assert reader.verified("anchor", "anchor", after["events"][0]["anchor_id"])["id"].startswith("ANC-")
    final = Client(grown.api_url(3)).get_proof("anchor", "anchor", after["events"][0]["anchor_id"])
    assert len(final["cometbft"]["hand_overs"]) == 2


def _b64(text: str) -> bytes:
    return base64.b64decode(text)
