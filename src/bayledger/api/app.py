"""The REST API of a bayledger node: ``create_app(node)`` returns a FastAPI app serving ``/v1/...``.

The app holds no ledger state: every answer comes from the ``NodeService`` it is given. Blocking node calls
run in worker threads (plain ``def`` routes, ``run_in_threadpool``, or dedicated limiters for long waits and
SSE polling), so the event loop never blocks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import anyio
from fastapi import FastAPI

import bayledger
from bayledger.api.deps import ApiSettings
from bayledger.api.errors import install_error_handlers
from bayledger.api.metrics import ApiMetrics, MetricsMiddleware
from bayledger.api.routes import (
    accounts,
    anchors,
    blocks,
    bonds,
    carbon,
    cash,
    chain,
    datamobility,
    dev,
    events,
    health,
    identity,
    impact,
    proofs,
    stream,
    txs,
)
from bayledger.api.schemas import tidy_openapi
from bayledger.node.service import NodeService

DESCRIPTION = """\
REST API of a bayledger zone (permissioned ledger for cross-boundary digital and green finance).

* Writes take a **signed transaction** as raw JSON bytes: `POST /v1/txs` (`?wait=commit` to get the result).
* Every list is paged with `offset` (≥ 0) and `limit` (1..500, default 50), newest first.
* Errors are RFC 9457 `application/problem+json` carrying the ledger error's `codespace` and `code`.
* Live blocks and events: `GET /v1/stream` (Server-Sent Events). Metrics: `GET /metrics`.
"""

ROUTERS = (
    txs.router,
    blocks.router,
    events.router,
    accounts.router,
    anchors.router,
    proofs.router,
    chain.router,
    dev.router,
    stream.router,
    health.router,
    identity.resolver_router,
    identity.identity_router,
    identity.governance_router,
    identity.vc_router,
    cash.router,
    bonds.router,
    impact.router,
    carbon.router,
    carbon.claims_router,
    datamobility.router,
)


def create_app(node: NodeService, settings: ApiSettings | None = None, **overrides: Any) -> FastAPI:
    """Build the API app for ``node``.

    ``settings`` (or keyword ``overrides`` of :class:`ApiSettings` fields, e.g. ``keepalive_seconds=0.1``)
    tune SSE keepalive/poll intervals, the body size limit and the wait/stream concurrency caps.
    Each app gets its own Prometheus registry, so several apps can share a process.
    """
    settings = replace(settings or ApiSettings(), **overrides)
    app = FastAPI(
        title="bayledger",
        version=bayledger.__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "txs", "description": "Submit signed transactions and read results."},
            {"name": "blocks", "description": "Signed blocks."},
            {"name": "events", "description": "Typed events of committed transactions."},
            {"name": "accounts", "description": "DID-identified accounts."},
            {"name": "anchors", "description": "Content-hash anchors and attestations."},
            {"name": "proofs", "description": "State proofs for light clients."},
            {"name": "chain", "description": "Status, genesis, invariants."},
            {"name": "stream", "description": "Live Server-Sent Events."},
            {"name": "operations", "description": "Health and metrics."},
            {"name": "identity", "description": "DID resolution, trusted issuers, registered credentials."},
            {"name": "governance", "description": "Consortium members and proposals."},
            {"name": "vc", "description": "Verify credentials and presentations against the chain."},
            {"name": "cash", "description": "Deposit tokens: tokens, balances, freezes, daily limits."},
            {"name": "bonds", "description": "Green-bond frameworks, bonds, holdings, holder statements."},
            {"name": "impact", "description": "Green projects, use of proceeds, verified impact per holder."},
            {"name": "carbon", "description": "Carbon credits: batches, serials, retirements, claims, CSV."},
            {"name": "datamobility", "description": "Consent, GBA filings, transfer decisions, audit log."},
        ],
    )
    metrics = ApiMetrics()
    app.state.node = node
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.open_streams = 0
    # Long blocking calls get their own thread limits so they cannot starve the default pool that serves
    # ordinary requests (anyio's default is 40 threads).
    app.state.wait_limiter = anyio.CapacityLimiter(settings.max_waiters)
    app.state.stream_limiter = anyio.CapacityLimiter(settings.max_streams)
    install_error_handlers(app)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    for router in ROUTERS:
        app.include_router(router)
    _install_openapi(app)
    return app


def _install_openapi(app: FastAPI) -> None:
    """Serve the tidied OpenAPI document (problem+json media type, no 422 responses), built once."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = tidy_openapi(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
