"""Server-Sent Events framing and the per-client pump from a node ``Subscription`` to the wire.

Wire format (``text/event-stream``, UTF-8)::

    : connected                       <- comment, sent once the subscription is open

    event: block                      <- one per committed block
    data: {"kind": "block", "block": {...}}

    event: ledger-event               <- one per event of a committed tx
    data: {"kind": "event", "height": 7, "tx_hash": "ab…", "event": {"type": "…", ...}}

    : keepalive                       <- comment after ~15 s without anything else

``data`` is the node's subscription item as one line of JSON. The node's ``Subscription.get`` blocks, so it
is polled in a worker thread under the app's stream limiter, never on the event loop.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import msgspec
from starlette.requests import Request

from bayledger.api.deps import ApiSettings
from bayledger.api.metrics import ApiMetrics
from bayledger.node.service import Subscription

KEEPALIVE = b": keepalive\n\n"
CONNECTED = b": connected\n\n"

#: node item ``kind`` -> SSE ``event:`` name
EVENT_NAMES = {"block": "block", "event": "ledger-event"}
STREAM_KINDS = frozenset(EVENT_NAMES)


def format_event(event: str, data: Any) -> bytes:
    """One SSE frame: ``event: <name>`` and a single ``data:`` line of JSON, then a blank line."""
    return b"event: " + event.encode() + b"\ndata: " + msgspec.json.encode(data) + b"\n\n"


def parse_types(types: str | None) -> frozenset[str] | None:
    """``"block,event"`` -> the kinds to send; None (all) when absent. Raises ValueError on unknown kinds."""
    if types is None or not types.strip():
        return None
    kinds = frozenset(t.strip() for t in types.split(",") if t.strip())
    unknown = kinds - STREAM_KINDS
    if unknown:
        raise ValueError(f"unknown stream types {sorted(unknown)}; use {sorted(STREAM_KINDS)}")
    return kinds


async def event_stream(
    request: Request,
    subscribe: Callable[[], Subscription],
    kinds: frozenset[str] | None,
    settings: ApiSettings,
    limiter: anyio.CapacityLimiter,
    metrics: ApiMetrics,
) -> AsyncIterator[bytes]:
    """Yield SSE frames for the node's live items until the client goes away; always close the subscription.

    The subscription is opened here (not in the route) so that it exists only while this generator runs,
    and its ``finally`` always closes it: on client disconnect, server shutdown or cancellation.
    """
    state = request.app.state
    state.open_streams += 1
    metrics.sse_clients.inc()
    sub: Subscription | None = None
    try:
        sub = await anyio.to_thread.run_sync(subscribe, limiter=limiter)
        yield CONNECTED
        last_sent = time.monotonic()
        while not await request.is_disconnected():
            item = await anyio.to_thread.run_sync(sub.get, settings.poll_seconds, limiter=limiter)
            if item is not None:
                kind = str(item.get("kind", ""))
                if kinds is None or kind in kinds:
                    yield format_event(EVENT_NAMES.get(kind, kind or "message"), item)
                    last_sent = time.monotonic()
                    continue
            if time.monotonic() - last_sent >= settings.keepalive_seconds:
                yield KEEPALIVE
                last_sent = time.monotonic()
    finally:
        state.open_streams -= 1
        metrics.sse_clients.dec()
        if sub is not None:
            sub.close()
