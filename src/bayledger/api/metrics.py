"""Prometheus metrics of one API app, kept in the app's own ``CollectorRegistry``.

A per-app registry lets several apps live in one process (tests, two zones in a demo) without name clashes.
HTTP requests are counted by a pure ASGI middleware (it never buffers a response, so SSE streams pass
through untouched); the route label is the route's path template, or ``"unmatched"``, so label cardinality
stays bounded.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMIT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0)
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class ApiMetrics:
    """The metric families the API exports."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.block_height = Gauge("bayledger_block_height", "Latest committed block height.", registry=r)
        self.mempool_size = Gauge(
            "bayledger_mempool_size", "Transactions waiting in the mempool.", registry=r
        )
        self.txs_submitted = Counter(
            "bayledger_txs_submitted", "Transactions accepted into the mempool via the API.", registry=r
        )
        self.txs_rejected = Counter(
            "bayledger_txs_rejected",
            "Transactions refused at submission, by ledger error.",
            ["codespace", "code"],
            registry=r,
        )
        self.txs_committed = Counter(
            "bayledger_txs_committed",
            "Waited-for transactions that were committed, by result code (0 = success).",
            ["code"],
            registry=r,
        )
        self.tx_wait_timeouts = Counter(
            "bayledger_tx_wait_timeouts",
            "Waited-for transactions not committed within the timeout.",
            registry=r,
        )
        self.tx_commit_seconds = Histogram(
            "bayledger_tx_commit_seconds",
            "Seconds from submission to commit, for submissions with wait=commit.",
            buckets=COMMIT_BUCKETS,
            registry=r,
        )
        self.http_requests = Counter(
            "bayledger_http_requests",
            "HTTP requests served, by method, route template and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_seconds = Histogram(
            "bayledger_http_request_seconds",
            "Seconds to produce the response head, by method and route template.",
            ["method", "route"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        self.sse_clients = Gauge("bayledger_sse_clients", "Open Server-Sent Events streams.", registry=r)

    def update_from_status(self, status: dict[str, Any]) -> None:
        """Refresh the gauges that mirror node state from a ``NodeService.status()`` answer."""
        height = status.get("latest_height")
        if isinstance(height, int):
            self.block_height.set(height)
        mempool = status.get("mempool_size")
        if isinstance(mempool, int):
            self.mempool_size.set(mempool)

    def render(self) -> bytes:
        """The registry in the Prometheus text exposition format."""
        return generate_latest(self.registry)


def _route_label(scope: Scope) -> str:
    """The matched route's path template (``/v1/txs/{tx_hash}``) or ``"unmatched"``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class MetricsMiddleware:
    """Pure ASGI middleware counting HTTP requests by method, route template and status."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through, recording the status of the response head (500 if none was sent)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                self.metrics.http_seconds.labels(scope["method"], _route_label(scope)).observe(
                    time.perf_counter() - started
                )
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.http_requests.labels(scope["method"], _route_label(scope), str(status)).inc()
