"""The asyncio ABCI socket server: uvarint-framed requests over TCP, answered in order, as CometBFT talks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from abcikit import init_request, make_app
from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.wire import frame, read_frame
from bayledger.node.abci.server import dispatch, serve_connection


def test_requests_over_a_socket_are_answered_in_order(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def scenario() -> list[abci.Response]:
        server = await asyncio.start_server(lambda r, w: serve_connection(app, r, w), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        requests = [
            abci.Request(echo=abci.RequestEcho(message="hello")),
            abci.Request(init_chain=init_request()),
            abci.Request(info=abci.RequestInfo(version="0.38.26")),
            abci.Request(list_snapshots=abci.RequestListSnapshots()),
            abci.Request(check_tx=abci.RequestCheckTx(tx=b"{not a tx")),
            abci.Request(flush=abci.RequestFlush()),
        ]
        writer.write(b"".join(frame(r.SerializeToString()) for r in requests))  # pipelined, one write
        await writer.drain()
        answers = []
        for _ in requests:
            payload = await read_frame(reader)
            assert payload is not None
            answers.append(abci.Response.FromString(payload))
        writer.close()
        server.close()
        await server.wait_closed()
        return answers

    answers = asyncio.run(scenario())
    assert [a.WhichOneof("value") for a in answers] == [
        "echo",
        "init_chain",
        "info",
        "list_snapshots",
        "check_tx",
        "flush",
    ]
    assert answers[0].echo.message == "hello"
    assert answers[1].init_chain.app_hash == app.store.app_hash
    assert answers[2].info.data == "bayledger" and answers[2].info.last_block_height == 0
    assert answers[4].check_tx.code == 2 and answers[4].check_tx.codespace == "tx"  # malformed
    app.close()


def test_a_failing_handler_answers_an_exception(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    wrong = init_request()
    wrong.chain_id = "another-chain"
    answer = dispatch(app, abci.Request(init_chain=wrong))
    assert answer.WhichOneof("value") == "exception"
    assert "chain id" in answer.exception.error
    assert dispatch(app, abci.Request()).WhichOneof("value") == "exception"
    app.close()
