"""Request dependencies shared by the routes: the node, the metrics, paging, JSON responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from fastapi import Depends, Query, Request
from starlette.responses import Response

from bayledger.api.metrics import ApiMetrics
from bayledger.node.service import NodeService

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class ApiSettings:
    """Tunables of one app (see ``create_app``)."""

    keepalive_seconds: float = 15.0
    poll_seconds: float = 1.0
    max_body_bytes: int = 1 << 20
    max_waiters: int = 200
    max_streams: int = 100


def get_node(request: Request) -> NodeService:
    """The node this app serves."""
    node: NodeService = request.app.state.node
    return node


def get_metrics(request: Request) -> ApiMetrics:
    """This app's metrics."""
    metrics: ApiMetrics = request.app.state.metrics
    return metrics


def get_settings(request: Request) -> ApiSettings:
    """This app's settings."""
    settings: ApiSettings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class Paging:
    """Validated ``offset``/``limit`` of a list request."""

    offset: int
    limit: int


def paging(
    offset: Annotated[int, Query(ge=0, description="Items to skip (newest first).")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1..500.")] = DEFAULT_LIMIT,
) -> Paging:
    """Paging parameters of every list route; out-of-range values are a 400 ``api/1`` problem."""
    return Paging(offset=offset, limit=limit)


NodeDep = Annotated[NodeService, Depends(get_node)]
MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
PagingDep = Annotated[Paging, Depends(paging)]


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Encode a JSON-ready node answer with msgspec (fast; no pydantic round trip)."""
    return Response(
        content=msgspec.json.encode(content),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )
