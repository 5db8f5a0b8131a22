"""Live stream of committed blocks and events as Server-Sent Events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import StreamingResponse

from bayledger.api.deps import MetricsDep, NodeDep, SettingsDep
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import Problem
from bayledger.api.sse import event_stream, parse_types

router = APIRouter(prefix="/v1", tags=["stream"])

_SSE_DOC = (
    "`text/event-stream`: `event: block` / `event: ledger-event` frames whose `data:` line is the node's "
    'subscription item as JSON (`{"kind": "block", "block": …}` or `{"kind": "event", "height", '
    '"tx_hash", "event"}`), and a `: keepalive` comment after ~15 s of silence.'
)


@router.get(
    "/stream",
    summary="Live blocks and events (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={
        200: {"description": _SSE_DOC, "content": {"text/event-stream": {"schema": {"type": "string"}}}},
        400: {"model": Problem, "description": "Unknown `types`."},
        503: {"model": Problem, "description": "Too many open streams (api/8); retry later."},
    },
)
async def stream(
    request: Request,
    node: NodeDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    types: Annotated[
        str | None, Query(description="Comma-separated kinds to send: `block`, `event` (default both).")
    ] = None,
) -> StreamingResponse:
    """Subscribe to the node from the next committed block on; the subscription closes on disconnect."""
    try:
        kinds = parse_types(types)
    except ValueError as exc:
        raise ApiError(400, ApiCode.INVALID_REQUEST, str(exc), "InvalidRequest") from exc
    if request.app.state.open_streams >= settings.max_streams:
        raise ApiError(503, ApiCode.TOO_MANY_STREAMS, "too many open streams", "TooManyStreams")
    body = event_stream(request, node.subscribe, kinds, settings, request.app.state.stream_limiter, metrics)
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
