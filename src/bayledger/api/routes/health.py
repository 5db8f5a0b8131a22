"""Operations: liveness (``/health``) and Prometheus metrics (``/metrics``)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import Response

from bayledger.api.deps import MetricsDep, NodeDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import Health, documented

router = APIRouter(tags=["operations"])
log = logging.getLogger("bayledger.api")


@router.get(
    "/health",
    summary="Liveness and latest height",
    response_model=None,
    responses=documented(Health, "The node answers.", 503),
)
def health(node: NodeDep, metrics: MetricsDep) -> Response:
    """200 ``{"status": "ok", "height": n}`` when the node answers; 503 problem ``api/7`` otherwise."""
    try:
        answer = node.status()
    except Exception as exc:
        log.warning("health check failed: %s", exc)
        raise ApiError(503, ApiCode.NODE_UNAVAILABLE, "node is not answering", "NodeUnavailable") from exc
    metrics.update_from_status(answer)
    return json_response({"status": "ok", "height": answer.get("latest_height")})


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_model=None,
    responses={200: {"description": "Prometheus text format.", "content": {CONTENT_TYPE_LATEST: {}}}},
)
def prometheus_metrics(node: NodeDep, metrics: MetricsDep) -> Response:
    """The app's metrics in the Prometheus text format; node gauges are refreshed on every scrape."""
    try:
        metrics.update_from_status(node.status())
    except Exception as exc:  # a scrape must still answer with the counters it has
        log.warning("metrics: node status failed: %s", exc)
    return Response(content=metrics.render(), media_type=CONTENT_TYPE_LATEST)
