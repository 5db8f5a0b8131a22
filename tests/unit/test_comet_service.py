"""``CometNodeService`` maps CometBFT's answers to the ledger's typed errors (a stand-in RPC, no process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from abcikit import ALICE, GENESIS, init_request, make_app
from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.rpc import RpcError
from bayledger.core.errors import DuplicateTxError, MalformedTxError, NonceGapError
from bayledger.node.abci.app import AbciApplication
from bayledger.node.abci.service import CometNodeService, ConsensusUnavailableError, rejected_error
from bayledger.sdk import builders
from corechain import GENESIS_TIME, Chain, content_hash


class StandInRpc:
    """Answers ``broadcast_tx_sync`` by running the app's CheckTx, or fails as told."""

    def __init__(self, app: AbciApplication) -> None:
        self.app = app
        self.error: RpcError | None = None
        self.sent: list[bytes] = []

    def broadcast_tx_sync(self, tx: bytes) -> dict[str, Any]:
        if self.error is not None:
            raise self.error
        self.sent.append(tx)
        answer = self.app.check_tx(abci.RequestCheckTx(tx=tx))
        return {"code": answer.code, "codespace": answer.codespace, "log": answer.log}


@pytest.fixture
def node(tmp_path: Path) -> Iterator[tuple[CometNodeService, StandInRpc]]:
    app = make_app(tmp_path)
    app.init_chain(init_request())
    service = CometNodeService(app, "http://127.0.0.1:1")
    rpc = StandInRpc(app)
    service._local.rpc = rpc
    yield service, rpc
    app.close()


def test_submit_sends_canonical_bytes_and_maps_checktx_codes(
    node: tuple[CometNodeService, StandInRpc],
) -> None:
    service, rpc = node
    chain = Chain(GENESIS)
    raw = chain.tx(ALICE, [builders.create_anchor(ALICE.did(), content_hash(1))])
    spaced = raw.replace(b'{"body":', b'{ "body" :', 1)  # same tx, other JSON spelling
    answer = service.submit_tx(spaced)
    assert rpc.sent == [raw] and answer["hash"] == chain.check(raw).hash.hex()
    with pytest.raises(NonceGapError):
        service.submit_tx(chain.tx(ALICE, [builders.create_anchor(ALICE.did(), content_hash(2))], nonce=5))
    with pytest.raises(MalformedTxError):
        service.submit_tx(b"not a transaction")
    assert len(rpc.sent) == 2  # malformed bytes never reach CometBFT


def test_duplicates_and_an_unreachable_cometbft(node: tuple[CometNodeService, StandInRpc]) -> None:
    service, rpc = node
    chain = Chain(GENESIS)
    raw = chain.tx(ALICE, [builders.create_anchor(ALICE.did(), content_hash(3))])
    service.abci_app.finalize_block(
        abci.RequestFinalizeBlock(txs=[raw], height=1, hash=b"h" * 32, time=_at(GENESIS_TIME + 1000))
    )
    service.abci_app.commit(abci.RequestCommit())
    with pytest.raises(DuplicateTxError, match="already committed at height 1"):
        service.submit_tx(raw)
    rpc.error = RpcError("Internal error", "tx already exists in cache")
    with pytest.raises(DuplicateTxError, match="already in the mempool"):
        service.submit_tx(raw)
    rpc.error = RpcError("CometBFT RPC http://127.0.0.1:1 unreachable", "connection refused")
    with pytest.raises(ConsensusUnavailableError) as down:
        service.submit_tx(raw)
    assert (down.value.codespace, down.value.code) == ("node", 503)


def test_unknown_codes_keep_their_codespace_and_code() -> None:
    error = rejected_error("tx", 9, "nonce 5 skips ahead")
    assert isinstance(error, NonceGapError) and error.message == "nonce 5 skips ahead"
    newer = rejected_error("future", 77, "from a newer node")
    assert (newer.codespace, newer.code, newer.message) == ("future", 77, "from a newer node")
    assert type(rejected_error("future", 77, "again")) is type(newer)


def _at(ms: int) -> Any:
    from google.protobuf import timestamp_pb2

    return timestamp_pb2.Timestamp(seconds=ms // 1000, nanos=(ms % 1000) * 1_000_000)
