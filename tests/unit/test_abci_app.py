"""The core behind ABCI, driven request by request as CometBFT would (no CometBFT process needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from google.protobuf import timestamp_pb2

from abcikit import ALICE, BOB, GENESIS, NEWCOMER, VALIDATOR, init_request, make_app
from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.proto.tendermint.crypto import keys_pb2
from bayledger.core import smt
from bayledger.core.encoding import b64encode
from bayledger.core.errors import InvalidSignatureError, NonceGapError
from bayledger.core.modules.governance.msgs import MsgSubmitProposal, MsgVote
from bayledger.core.state_transition import TxResult
from bayledger.node.abci.app import AbciApplication, comet_address
from bayledger.node.abci.query import PROOF_OP_TYPE
from bayledger.sdk import builders
from corechain import GENESIS_TIME, Chain, content_hash


def at(ms: int) -> timestamp_pb2.Timestamp:
    return timestamp_pb2.Timestamp(seconds=ms // 1000, nanos=(ms % 1000) * 1_000_000 + 123)


def finalize(app: AbciApplication, txs: list[bytes], height: int, ms: int) -> abci.ResponseFinalizeBlock:
    return app.finalize_block(
        abci.RequestFinalizeBlock(
            txs=txs,
            height=height,
            time=at(ms),
            hash=bytes([height]) * 32,
            proposer_address=comet_address(VALIDATOR.public_key),
        )
    )


def anchor(chain: Chain, key: Any, n: int, nonce: int | None = None) -> bytes:
    return chain.tx(key, [builders.create_anchor(key.did(), content_hash(n))], nonce=nonce)


@pytest.fixture
def app(tmp_path: Path) -> AbciApplication:
    application = make_app(tmp_path)
    application.init_chain(init_request())
    yield application
    application.close()


def test_init_chain_checks_cometbft_genesis_and_is_idempotent(tmp_path: Path) -> None:
    application = make_app(tmp_path)
    with pytest.raises(ValueError, match="chain id"):
        application.init_chain(init_request(chain_id="another-chain"))
    stranger = abci.ValidatorUpdate(pub_key=keys_pb2.PublicKey(ed25519=NEWCOMER.public_key), power=10)
    with pytest.raises(ValueError, match="validators differ"):
        application.init_chain(init_request(validators=[stranger]))
    other = msgspec.structs.replace(GENESIS, genesis_time=GENESIS_TIME + 1)
    with pytest.raises(ValueError, match="app_state"):
        application.init_chain(init_request(app_state_bytes=msgspec.json.encode(other)))
    expected = Chain(GENESIS).genesis_app_hash
    assert application.init_chain(init_request()).app_hash == expected
    assert application.init_chain(init_request()).app_hash == expected  # again after a crash: same state
    info = application.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (0, b"")
    application.close()


def test_check_tx_counts_pending_nonces_and_recheck_rebuilds_them(app: AbciApplication) -> None:
    chain = Chain(GENESIS)
    first, second = anchor(chain, ALICE, 1, nonce=1), anchor(chain, ALICE, 2, nonce=2)
    assert app.check_tx(abci.RequestCheckTx(tx=first)).code == 0
    assert app.check_tx(abci.RequestCheckTx(tx=second)).code == 0  # nonce 2 after the pending nonce 1
    gap = app.check_tx(abci.RequestCheckTx(tx=anchor(chain, ALICE, 3, nonce=4)))
    assert (gap.codespace, gap.code) == (NonceGapError.codespace, NonceGapError.code)
    forged = msgspec.json.decode(anchor(chain, BOB, 4))
    forged["signatures"][0]["signature"] = b64encode(b"\x00" * 64)
    bad = app.check_tx(abci.RequestCheckTx(tx=msgspec.json.encode(forged)))
    assert (bad.codespace, bad.code) == (InvalidSignatureError.codespace, InvalidSignatureError.code)
    finalize(app, [first], 1, GENESIS_TIME + 1000)
    app.commit(abci.RequestCommit())
    recheck = abci.RequestCheckTx(tx=second, type=abci.RECHECK)
    assert app.check_tx(recheck).code == 0  # nonce 1 is committed now; nonce 2 still valid
    again = app.check_tx(abci.RequestCheckTx(tx=first))
    assert again.code != 0 and again.codespace == "tx"


def test_a_block_executes_as_the_pure_core_does_and_commits_atomically(tmp_path: Path) -> None:
    application = make_app(tmp_path)
    application.init_chain(init_request())
    chain = Chain(GENESIS)
    txs = [anchor(chain, ALICE, 1), anchor(chain, BOB, 2)]
    block_time = GENESIS_TIME + 5_000
    response = finalize(application, txs, 1, block_time)
    expected = chain.apply(txs, time=block_time)
    assert response.app_hash == expected.app_hash
    assert [r.code for r in response.tx_results] == [0, 0]
    decoded = msgspec.json.decode(response.tx_results[0].data, type=TxResult)
    assert decoded == expected.results[0]
    assert response.tx_results[0].events[0].type == "anchor/EventCreateAnchor"
    assert application.info(abci.RequestInfo()).last_block_height == 0  # nothing stored before Commit
    application.close()

    crashed = make_app(tmp_path)  # killed between FinalizeBlock and Commit: CometBFT replays the block
    assert crashed.info(abci.RequestInfo()).last_block_height == 0
    assert finalize(crashed, txs, 1, block_time).app_hash == expected.app_hash
    crashed.commit(abci.RequestCommit())
    info = crashed.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (1, expected.app_hash)
    stored = crashed.store.get_block(1)
    assert stored["header"]["time"] == block_time  # CometBFT's header time, in ms: no clock read
    assert stored["header"]["proposer"] == VALIDATOR.did()
    with pytest.raises(RuntimeError, match="height 3 on top of 1"):
        finalize(crashed, [], 3, block_time + 1000)
    crashed.close()


def test_proposals_with_a_refused_tx_are_rejected_and_not_proposed(app: AbciApplication) -> None:
    chain = Chain(GENESIS)
    good, reused = anchor(chain, ALICE, 1, nonce=1), anchor(chain, ALICE, 2, nonce=1)
    other = anchor(chain, BOB, 3)
    common = {"height": 1, "time": at(GENESIS_TIME + 1000), "proposer_address": b"\x01" * 20}
    accepted = app.process_proposal(abci.RequestProcessProposal(txs=[good, other], hash=b"a" * 32, **common))
    assert accepted.status == abci.ResponseProcessProposal.ACCEPT
    rejected = app.process_proposal(abci.RequestProcessProposal(txs=[good, reused], hash=b"b" * 32, **common))
    assert rejected.status == abci.ResponseProcessProposal.REJECT
    junk = app.process_proposal(abci.RequestProcessProposal(txs=[b"not json"], hash=b"c" * 32, **common))
    assert junk.status == abci.ResponseProcessProposal.REJECT
    proposed = app.prepare_proposal(
        abci.RequestPrepareProposal(txs=[good, reused, b"junk", other], max_tx_bytes=1_000_000, **common)
    )
    assert list(proposed.txs) == [good, other]
    own = app.process_proposal(abci.RequestProcessProposal(txs=proposed.txs, hash=b"d" * 32, **common))
    assert own.status == abci.ResponseProcessProposal.ACCEPT  # its own proposal, outcome reused
    assert (
        app.finalize_block(abci.RequestFinalizeBlock(txs=proposed.txs, hash=b"d" * 32, **common)).app_hash
        == Chain(GENESIS).execute([good, other], time=GENESIS_TIME + 1000).app_hash
    )
    small = app.prepare_proposal(
        abci.RequestPrepareProposal(txs=[good, other], max_tx_bytes=len(good), **common)
    )
    assert list(small.txs) == [good]


def test_governance_validator_changes_become_cometbft_validator_updates(app: AbciApplication) -> None:
    chain = Chain(GENESIS)
    entries = [
        {"name": n, "key_type": "ed25519", "public_key": b64encode(k.public_key), "power": p}
        for n, k, p in (("v0", VALIDATOR, 10), ("v1", NEWCOMER, 5))
    ]
    submit = MsgSubmitProposal(
        proposer=ALICE.did(),
        kind="validator-set-change",
        payload={"validators": entries},
        title="add v1",
        description="",
    )
    txs = [
        chain.tx(ALICE, [submit, MsgVote(voter=ALICE.did(), proposal_id="PROP-000001", option="yes")]),
        chain.tx(BOB, [MsgVote(voter=BOB.did(), proposal_id="PROP-000001", option="yes")]),
    ]
    response = finalize(app, txs, 1, GENESIS_TIME + 1000)
    assert [r.code for r in response.tx_results] == [0, 0]
    assert [(bytes(u.pub_key.ed25519), u.power) for u in response.validator_updates] == [
        (NEWCOMER.public_key, 5)
    ]
    app.commit(abci.RequestCommit())
    retire = MsgSubmitProposal(
        proposer=ALICE.did(),
        kind="validator-set-change",
        payload={"validators": entries[1:]},
        title="retire v0",
        description="",
    )
    chain.apply(txs, time=GENESIS_TIME + 1000)
    txs = [
        chain.tx(ALICE, [retire, MsgVote(voter=ALICE.did(), proposal_id="PROP-000002", option="yes")]),
        chain.tx(BOB, [MsgVote(voter=BOB.did(), proposal_id="PROP-000002", option="yes")]),
    ]
    response = finalize(app, txs, 2, GENESIS_TIME + 2000)
    assert [(bytes(u.pub_key.ed25519), u.power) for u in response.validator_updates] == [
        (VALIDATOR.public_key, 0)
    ]
    assert any(e.type == "governance/EventValidatorSetChange" for e in response.events)


def test_query_answers_records_with_a_proof_of_the_committed_app_hash(app: AbciApplication) -> None:
    chain = Chain(GENESIS)
    response = finalize(app, [anchor(chain, ALICE, 7)], 1, GENESIS_TIME + 1000)
    app.commit(abci.RequestCommit())
    answer = app.query(abci.RequestQuery(path="/proof/anchor/anchor", data=b"ANC-00000001", prove=True))
    assert (answer.code, answer.height) == (0, 1)
    assert msgspec.json.decode(answer.value)["owner"] == ALICE.did()
    (op,) = answer.proof_ops.ops
    assert op.type == PROOF_OP_TYPE
    proof = msgspec.json.decode(op.data, type=smt.StateProof)
    hash_fn = app.app.chain.hash_fn
    assert smt.verify_proof(hash_fn, response.app_hash, bytes(answer.key), bytes(answer.value), proof)
    absent = app.query(abci.RequestQuery(path="/proof/anchor/anchor", data=b"ANC-00000099", prove=True))
    absence = msgspec.json.decode(absent.proof_ops.ops[0].data, type=smt.StateProof)
    assert absent.log == "absent" and smt.verify_proof(
        hash_fn, response.app_hash, bytes(absent.key), None, absence
    )
    assert app.query(abci.RequestQuery(path="/nope")).code == 1
    assert app.query(abci.RequestQuery(path="/key", data=b"x", height=5)).code == 2
    assert app.query(abci.RequestQuery(path="/proof/anchor/nothing", data=b"x")).code == 3
