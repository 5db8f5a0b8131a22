"""Transactions: submit a signed tx (optionally waiting for its commit), read one, list them."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bayledger.api.deps import MetricsDep, NodeDep, PagingDep, SettingsDep, json_response
from bayledger.api.errors import ApiCode, ApiError, ledger_problem
from bayledger.api.schemas import SubmitAccepted, TxPage, TxResult, documented
from bayledger.core.errors import LedgerError
from bayledger.node.service import TimeoutWaitingError

router = APIRouter(prefix="/v1/txs", tags=["txs"])

_SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "description": "The signed transaction's JSON bytes, exactly as signed (never re-serialised).",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


class WaitMode(StrEnum):
    """Whether ``POST /v1/txs`` returns on mempool acceptance or on commit."""

    none = "none"
    commit = "commit"


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw request body, refusing (413 ``api/6``) anything over ``limit`` bytes without buffering it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(
            413, ApiCode.BODY_TOO_LARGE, f"body is {declared} bytes, limit is {limit}", "BodyTooLarge"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, ApiCode.BODY_TOO_LARGE, f"body exceeds {limit} bytes", "BodyTooLarge")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "",
    summary="Submit a signed transaction",
    status_code=202,
    openapi_extra=_SUBMIT_BODY,
    responses={
        202: {"model": SubmitAccepted, "description": "Accepted into the mempool (wait=none)."},
        **documented(TxResult, "Committed (wait=commit); read `code`: 0 is success.", 409, 413, 429, 504),
    },
)
async def submit_tx(
    request: Request,
    node: NodeDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    wait: Annotated[WaitMode, Query(description="`commit` waits for the block; `none` returns at once.")] = (
        WaitMode.none
    ),
    timeout: Annotated[float, Query(gt=0, le=60, description="Seconds to wait for commit (max 60).")] = 10.0,
) -> Response:
    """CheckTx the raw signed tx and add it to the mempool; with ``wait=commit`` return its TxResult.

    A committed tx whose ``code`` is not 0 (a failed message) is still a 200: the result says what failed.
    Rejections (bad signature, nonce, …) are problems carrying the ledger's ``tx`` codespace and code.
    """
    raw = await _read_body(request, settings.max_body_bytes)
    started = time.perf_counter()
    try:
        accepted: dict[str, Any] = await run_in_threadpool(node.submit_tx, raw)
    except LedgerError as exc:
        metrics.txs_rejected.labels(str(exc.codespace), str(exc.code)).inc()
        raise
    metrics.txs_submitted.inc()
    tx_hash = str(accepted["hash"])
    if wait is WaitMode.none:
        return json_response({"hash": tx_hash}, status_code=202, headers={"Location": f"/v1/txs/{tx_hash}"})
    limiter = request.app.state.wait_limiter
    try:
        result = await anyio.to_thread.run_sync(
            node.wait_for_tx, tx_hash, min(timeout, 60.0), limiter=limiter
        )
    except TimeoutWaitingError as exc:
        metrics.tx_wait_timeouts.inc()
        detail = exc.message if tx_hash in exc.message else f"{exc.message} (tx {tx_hash})"
        return ledger_problem(exc, detail=f"{detail}; poll GET /v1/txs/{tx_hash}", hash=tx_hash)
    metrics.tx_commit_seconds.observe(time.perf_counter() - started)
    metrics.txs_committed.labels(str(result.get("code", ""))).inc()
    return json_response(result)


@router.get(
    "/{tx_hash}",
    summary="Get a committed transaction's result",
    response_model=None,
    responses=documented(TxResult, "The TxResult.", 404),
)
def get_tx(tx_hash: str, node: NodeDep) -> Response:
    """A committed tx's result by hash (hex); 404 ``node/404`` if unknown."""
    return json_response(node.get_tx(tx_hash))


@router.get(
    "",
    summary="List transactions (newest first)",
    response_model=None,
    responses=documented(TxPage, "A page of TxResults."),
)
def list_txs(
    node: NodeDep,
    page: PagingDep,
    account: Annotated[str | None, Query(description="Only txs signed by or naming this DID.")] = None,
) -> Response:
    """A page of committed tx results, optionally only those of one account."""
    return json_response(node.list_txs(account=account, offset=page.offset, limit=page.limit))
