"""Validator-set changes adopted by governance: headers hand over, light clients follow, nodes apply them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from fastapi.testclient import TestClient

from bayledger.api.app import create_app
from bayledger.core.block import compute_validators_hash
from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.core.light import (
    LightClientError,
    ValidatorChange,
    validators_for_height,
    verify_header_chain,
    verify_validator_changes,
)
from bayledger.core.modules.governance.msgs import MsgSubmitProposal, MsgVote
from bayledger.keys import SigningKey
from bayledger.node.embedded import EmbeddedNode, NodeHaltedError, NodeStateError
from bayledger.node.home import NodeHome
from bayledger.node.replay import replay_database
from bayledger.sdk import builders
from bayledger.sdk.verify import verify_proof_answer
from corechain import Chain, ed_key, make_genesis, sign_header

MEMBER_A, MEMBER_B = ed_key(1), ed_key(2)
GENESIS_VALIDATOR, NEW_VALIDATOR = ed_key(900), ed_key(901)


def entry(key: SigningKey, power: int, name: str) -> dict[str, Any]:
    """A validator entry of a ``validator-set-change`` payload."""
    return {"name": name, "key_type": key.key_type, "public_key": b64encode(key.public_key), "power": power}


def as_validator(key: SigningKey, power: int, name: str) -> GenesisValidator:
    return GenesisValidator(name, key.key_type, key.public_key, power)


def with_members(genesis: Genesis) -> Genesis:
    members = [
        {
            "did": k.did(),
            "name_en": n,
            "name_zh": "成员",
            "jurisdiction": "HK",
            "roles": ["bank"],
            "weight": 1,
        }
        for k, n in ((MEMBER_A, "Bank A"), (MEMBER_B, "Bank B"))
    ]
    app_state = dict(genesis.app_state, governance={"members": members, "voting_period": 5})
    return msgspec.structs.replace(genesis, app_state=app_state)


def adopt(chain: Chain, number: int, validators: list[dict[str, Any]]) -> int:
    """Pass proposal ``number`` adopting ``validators`` (proposal + both votes in one block); the height."""
    proposal_id = f"PROP-{number:06d}"
    submit = MsgSubmitProposal(
        proposer=MEMBER_A.did(),
        kind="validator-set-change",
        payload={"validators": validators},
        title="validators",
        description="rotate",
    )
    outcome = chain.apply(
        [
            chain.tx(
                MEMBER_A, [submit, MsgVote(voter=MEMBER_A.did(), proposal_id=proposal_id, option="yes")]
            ),
            chain.tx(MEMBER_B, [MsgVote(voter=MEMBER_B.did(), proposal_id=proposal_id, option="yes")]),
        ]
    )
    assert [(r.code, r.log) for r in outcome.results] == [(0, ""), (0, "")]
    return chain.height


@pytest.fixture
def chain() -> Chain:
    return Chain(with_members(make_genesis([MEMBER_A, MEMBER_B], validators=[(GENESIS_VALIDATOR, 10)])))


def test_a_header_hands_over_to_the_adopted_set_from_the_next_block(chain: Chain) -> None:
    genesis_set = chain.genesis.validators
    new_set = [as_validator(GENESIS_VALIDATOR, 10, "v0"), as_validator(NEW_VALIDATOR, 2, "v1")]
    chain.apply([])
    height = adopt(chain, 1, [entry(GENESIS_VALIDATOR, 10, "v0"), entry(NEW_VALIDATOR, 2, "v1")])
    chain.apply([])
    headers = chain.headers
    genesis_hash = compute_validators_hash(chain.hash_fn, genesis_set).hex()
    new_hash = compute_validators_hash(chain.hash_fn, new_set).hex()
    adopting = headers[height - 1]
    assert (adopting.validators_hash, adopting.next_validators_hash) == (genesis_hash, new_hash)
    assert headers[height - 2].next_validators_hash == genesis_hash
    assert (headers[height].validators_hash, headers[height].next_validators_hash) == (new_hash, new_hash)

    signed = [sign_header(chain.hash_fn, h, [GENESIS_VALIDATOR]) for h in headers]
    assert verify_header_chain(chain.genesis, signed, validator_sets=[new_set]).height == height + 1
    with pytest.raises(LightClientError, match="was not supplied"):
        verify_header_chain(chain.genesis, signed)
    forged = [as_validator(GENESIS_VALIDATOR, 10, "v0"), as_validator(NEW_VALIDATOR, 3, "v1")]
    with pytest.raises(LightClientError, match="was not supplied"):
        verify_header_chain(chain.genesis, signed, validator_sets=[forged])
    # the header after the hand-over is checked against the new set, not the genesis one
    with pytest.raises(LightClientError, match="differs from the trusted one"):
        verify_header_chain(chain.genesis, signed[height:])
    assert verify_header_chain(chain.genesis, signed[height:], trusted=new_set).height == height + 1


def test_the_light_client_follows_changes_and_rejects_a_hand_over_by_strangers(chain: Chain) -> None:
    chain.apply([])
    first = adopt(chain, 1, [entry(GENESIS_VALIDATOR, 10, "v0"), entry(NEW_VALIDATOR, 2, "v1")])
    second = adopt(chain, 2, [entry(NEW_VALIDATOR, 5, "v1")])  # signed by v0 (10 of 12)
    chain.apply([])
    headers = chain.headers
    set_one = [as_validator(GENESIS_VALIDATOR, 10, "v0"), as_validator(NEW_VALIDATOR, 2, "v1")]
    set_two = [as_validator(NEW_VALIDATOR, 5, "v1")]
    changes = [
        ValidatorChange(
            signed=sign_header(chain.hash_fn, headers[first - 1], [GENESIS_VALIDATOR]), validators=set_one
        ),
        ValidatorChange(
            signed=sign_header(chain.hash_fn, headers[second - 1], [GENESIS_VALIDATOR]), validators=set_two
        ),
    ]
    trusted = verify_validator_changes(chain.genesis, changes)
    assert [t.from_height for t in trusted] == [1, first + 1, second + 1]
    assert validators_for_height(trusted, first) == tuple(chain.genesis.validators)
    assert validators_for_height(trusted, first + 1) == tuple(set_one)
    assert validators_for_height(trusted, second + 5) == tuple(set_two)

    last = headers[second]  # the first block of the second set: only v1 may commit it
    with pytest.raises(LightClientError, match="voting power"):
        verify_header_chain(
            chain.genesis, [sign_header(chain.hash_fn, last, [GENESIS_VALIDATOR])], trusted=set_two
        )
    assert (
        verify_header_chain(
            chain.genesis, [sign_header(chain.hash_fn, last, [NEW_VALIDATOR])], trusted=set_two
        )
        == last
    )

    stranger = ValidatorChange(
        signed=sign_header(chain.hash_fn, headers[first - 1], [ed_key(77)]), validators=set_one
    )
    with pytest.raises(LightClientError, match="voting power"):
        verify_validator_changes(chain.genesis, [stranger])
    with pytest.raises(LightClientError, match="out of order"):
        verify_validator_changes(chain.genesis, [changes[0], changes[0]])
    unchanged = ValidatorChange(
        signed=sign_header(chain.hash_fn, headers[0], [GENESIS_VALIDATOR]), validators=set_one
    )
    with pytest.raises(LightClientError, match="does not change"):
        verify_validator_changes(chain.genesis, [unchanged])


# --- the embedded node ------------------------------------------------------------------------------------


def node_home(tmp_path: Path) -> Path:
    genesis = with_members(make_genesis([MEMBER_A, MEMBER_B], validators=[(GENESIS_VALIDATOR, 10)]))
    home = tmp_path / "node"
    home.mkdir()
    NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
    return home


def node_tx(node: EmbeddedNode, key: SigningKey, nonce: int, msgs: list[Any]) -> bytes:
    body = builders.build_body(chain_id=node.genesis_doc.chain_id, signer=key.did(), nonce=nonce, msgs=msgs)
    return builders.encode_tx(builders.sign_tx(body, [key]))


def node_adopt(
    node: EmbeddedNode, number: int, validators: list[dict[str, Any]], nonces: tuple[int, int]
) -> int:
    """Pass proposal ``number`` adopting ``validators`` with the members' txs of ``nonces``; the height."""
    proposal_id = f"PROP-{number:06d}"
    submit = MsgSubmitProposal(
        proposer=MEMBER_A.did(),
        kind="validator-set-change",
        payload={"validators": validators},
        title="validators",
        description="rotate",
    )
    node.submit_tx(node_tx(node, MEMBER_A, nonces[0], [submit, yes(MEMBER_A, proposal_id)]))
    node.submit_tx(node_tx(node, MEMBER_B, nonces[1], [yes(MEMBER_B, proposal_id)]))
    block = node.produce_block()
    assert block is not None and [node.get_tx(h)["code"] for h in block["txs"]] == [0, 0]
    return int(block["header"]["height"])


def yes(key: SigningKey, proposal_id: str) -> MsgVote:
    return MsgVote(voter=key.did(), proposal_id=proposal_id, option="yes")


def test_the_embedded_node_applies_a_change_and_proofs_follow_it(tmp_path: Path) -> None:
    home = node_home(tmp_path)
    node = EmbeddedNode(home, GENESIS_VALIDATOR, synchronous="NORMAL")
    try:
        height = node_adopt(
            node, 1, [entry(GENESIS_VALIDATOR, 10, "v0"), entry(NEW_VALIDATOR, 2, "v1")], (1, 1)
        )
        assert [v["name"] for v in node.status()["validators"]] == ["v0", "v1"]
        changes = node.validator_changes()
        assert [c["header"]["height"] for c in changes] == [height]
        served = TestClient(create_app(node)).get("/v1/validators").json()
        assert served["height"] == height and served["changes"] == changes
        assert [(v["name"], v["power"]) for v in served["validators"]] == [("v0", 10), ("v1", 2)]
        assert changes[0]["validators"][1]["public_key"] == b64encode(NEW_VALIDATOR.public_key)
        # a block after the change is signed under the new set; a proof at that height verifies
        node.submit_tx(node_tx(node, MEMBER_A, 2, [builders.create_anchor(MEMBER_A.did(), "ab" * 32)]))
        after = node.produce_block()
        assert (
            after is not None
            and after["header"]["validators_hash"] == changes[0]["header"]["next_validators_hash"]
        )
        answer = node.prove("accounts", "account", MEMBER_A.did())
        assert answer["height"] == height + 1 and len(answer["validator_changes"]) == 1
        assert verify_proof_answer(node.genesis_doc, answer)["nonce"] == 2
        without = dict(answer, validator_changes=[])
        with pytest.raises(LightClientError, match="differs from the trusted one"):
            verify_proof_answer(node.genesis_doc, without)
        tampered = msgspec.json.decode(msgspec.json.encode(answer))
        tampered["validator_changes"][0]["validators"][1]["power"] = 9
        with pytest.raises(LightClientError, match="was not supplied"):
            verify_proof_answer(node.genesis_doc, tampered)

        # a set where this node's key holds 10 of 30: the adopting block commits, then the node halts
        node_adopt(node, 2, [entry(GENESIS_VALIDATOR, 10, "v0"), entry(NEW_VALIDATOR, 20, "v1")], (3, 2))
        node.submit_tx(node_tx(node, MEMBER_A, 4, [builders.create_anchor(MEMBER_A.did(), "cd" * 32)]))
        with pytest.raises(NodeHaltedError, match="10 of 30 voting power"):
            node.produce_block()
        assert node.height == height + 2
    finally:
        node.stop()
    report = replay_database(home)
    assert report.ok, report.mismatches
    with pytest.raises(NodeStateError, match="not in the current validator set"):
        EmbeddedNode(home, ed_key(77), synchronous="NORMAL")
