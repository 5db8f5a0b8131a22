"""A small asyncio ABCI socket server: uvarint-framed ``tendermint.abci.Request``/``Response`` messages.

CometBFT opens four connections to the application (consensus, mempool, query, snapshot). Each is served in
order; requests of all connections run on the one event-loop thread, so the application sees one request at
a time and needs no locks. A handler that raises answers ``ResponseException``: CometBFT then stops (a
consensus-connection failure must halt the node rather than let it go on with a wrong state).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.wire import FramingError, frame, read_frame

log = logging.getLogger("bayledger.abci")

# Requests the application does not implement get their empty response (state sync, vote extensions).
_EMPTY_ANSWERS: dict[str, Callable[[], Any]] = {
    "list_snapshots": abci.ResponseListSnapshots,
    "offer_snapshot": lambda: abci.ResponseOfferSnapshot(result=abci.ResponseOfferSnapshot.REJECT),
    "load_snapshot_chunk": abci.ResponseLoadSnapshotChunk,
    "apply_snapshot_chunk": lambda: abci.ResponseApplySnapshotChunk(
        result=abci.ResponseApplySnapshotChunk.ABORT
    ),
    "extend_vote": abci.ResponseExtendVote,
    "verify_vote_extension": lambda: abci.ResponseVerifyVoteExtension(
        status=abci.ResponseVerifyVoteExtension.ACCEPT
    ),
}


class Application(Protocol):
    """What the server calls: one method per ABCI request, named like the request's oneof field."""

    def info(self, request: abci.RequestInfo) -> abci.ResponseInfo:
        """Last committed height and app hash (CometBFT's handshake replays from there)."""
        ...

    def init_chain(self, request: abci.RequestInitChain) -> abci.ResponseInitChain:
        """Genesis state."""
        ...

    def query(self, request: abci.RequestQuery) -> abci.ResponseQuery:
        """A state read, with a proof when asked."""
        ...

    def check_tx(self, request: abci.RequestCheckTx) -> abci.ResponseCheckTx:
        """Mempool admission (new and re-check)."""
        ...

    def prepare_proposal(self, request: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        """The txs this node proposes."""
        ...

    def process_proposal(self, request: abci.RequestProcessProposal) -> abci.ResponseProcessProposal:
        """Accept or reject another validator's proposal."""
        ...

    def finalize_block(self, request: abci.RequestFinalizeBlock) -> abci.ResponseFinalizeBlock:
        """Execute a decided block."""
        ...

    def commit(self, request: abci.RequestCommit) -> abci.ResponseCommit:
        """Persist the finalized block."""
        ...


def dispatch(app: Application, request: abci.Request) -> abci.Response:
    """The response to one request (``ResponseException`` when the handler raised)."""
    kind = request.WhichOneof("value")
    if kind == "echo":
        return abci.Response(echo=abci.ResponseEcho(message=request.echo.message))
    if kind == "flush":
        return abci.Response(flush=abci.ResponseFlush())
    if kind is None:
        return abci.Response(exception=abci.ResponseException(error="empty request"))
    try:
        if kind in _EMPTY_ANSWERS:
            answer = _EMPTY_ANSWERS[kind]()
        else:
            answer = getattr(app, kind)(getattr(request, kind))
    except Exception as exc:
        log.exception("ABCI %s failed", kind)
        return abci.Response(exception=abci.ResponseException(error=f"{kind}: {type(exc).__name__}: {exc}"))
    response = abci.Response()
    getattr(response, kind).CopyFrom(answer)
    return response


async def serve_connection(
    app: Application, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer the requests of one connection in order until the peer closes it."""
    peer = writer.get_extra_info("peername")
    try:
        while True:
            payload = await read_frame(reader)
            if payload is None:
                break
            request = abci.Request()
            request.ParseFromString(payload)
            response = dispatch(app, request)
            writer.write(frame(response.SerializeToString()))
            if request.WhichOneof("value") == "flush" or response.WhichOneof("value") == "exception":
                await writer.drain()
    except (FramingError, asyncio.IncompleteReadError, ConnectionError) as exc:
        log.warning("ABCI connection %s ended: %s", peer, exc)
    finally:
        writer.close()


async def serve(app: Application, host: str, port: int, started: asyncio.Event | None = None) -> None:
    """Listen on ``host:port`` and serve ABCI connections forever."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_connection(app, reader, writer)

    server = await asyncio.start_server(handle, host, port)
    log.info("ABCI server listening on %s:%d", host, port)
    if started is not None:
        started.set()
    async with server:
        await server.serve_forever()
