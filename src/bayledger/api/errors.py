"""RFC 9457 problem details for every error the API returns.

Every error body is ``application/problem+json``::

    {"type": "https://bayledger.dev/errors/<codespace>/<code>", "title": "<error class name>",
     "status": <http status>, "detail": "<message>", "codespace": "<codespace>", "code": <code>}

Ledger errors keep their own ``(codespace, code)``; errors made by the API layer itself use codespace
``"api"`` with the codes in :class:`ApiCode`. A traceback never reaches the client.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

import msgspec
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from bayledger.core.errors import DuplicateTxError, LedgerError, MempoolFullError, TxRejectedError
from bayledger.node.service import NotFoundError, TimeoutWaitingError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://bayledger.dev/errors"

log = logging.getLogger("bayledger.api")


class ApiCode(IntEnum):
    """Codes of codespace ``"api"``: errors raised by the HTTP layer, not by the ledger."""

    INVALID_REQUEST = 1  # bad query/path parameter or body (validation)
    NO_SUCH_ROUTE = 2  # unknown URL
    METHOD_NOT_ALLOWED = 3  # known URL, wrong HTTP method
    HTTP_ERROR = 4  # any other HTTP-level error
    INTERNAL = 5  # unexpected server failure (details are logged, never returned)
    BODY_TOO_LARGE = 6  # request body over the API's limit
    NODE_UNAVAILABLE = 7  # the node could not answer a health check
    TOO_MANY_STREAMS = 8  # the SSE stream limit is reached
    DEV_CLOCK_DISABLED = 9  # POST /v1/dev/clock on a node without dev_clock = 1


class ApiError(Exception):
    """An error raised by the API layer itself (codespace ``"api"``)."""

    def __init__(self, status: int, code: ApiCode, detail: str, title: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = int(code)
        self.detail = detail
        self.title = title or code.name.replace("_", " ").title().replace(" ", "")


def status_for(exc: LedgerError) -> int:
    """The HTTP status for a ledger error.

    A class attribute ``http_status`` on the error class wins; otherwise: not found 404, wait timeout 504,
    duplicate tx 409, mempool full 429, any other ledger error (rejected tx, failed message, bad input) 400.
    """
    explicit = getattr(exc, "http_status", None)
    if isinstance(explicit, int):
        return explicit
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, TimeoutWaitingError):
        return 504
    if isinstance(exc, DuplicateTxError):
        return 409
    if isinstance(exc, MempoolFullError):
        return 429
    if isinstance(exc, TxRejectedError):
        return 400
    return 400


def problem_body(
    *, status: int, codespace: str, code: int, title: str, detail: str, **extra: Any
) -> dict[str, Any]:
    """A problem-details mapping with the ledger's codespace and code as extension members."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}/{codespace}/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "codespace": codespace,
        "code": code,
    }
    body.update(extra)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """Serialise a problem mapping as an ``application/problem+json`` response."""
    return Response(
        content=msgspec.json.encode(body),
        status_code=int(body["status"]),
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def ledger_problem(exc: LedgerError, detail: str | None = None, **extra: Any) -> Response:
    """The problem response for a ledger error; ``detail`` overrides the message, ``extra`` adds members
    (such as the tx ``hash``)."""
    status = status_for(exc)
    body = problem_body(
        status=status,
        codespace=str(exc.codespace),
        code=int(exc.code),
        title=type(exc).__name__,
        detail=detail if detail is not None else getattr(exc, "message", str(exc)),
        **extra,
    )
    headers = {"Retry-After": "1"} if status in (429, 503) else None
    return problem_response(body, headers)


def api_problem(exc: ApiError) -> Response:
    """The problem response for an API-layer error (codespace ``"api"``)."""
    body = problem_body(status=exc.status, codespace="api", code=exc.code, title=exc.title, detail=exc.detail)
    return problem_response(body, {"Retry-After": "1"} if exc.status in (429, 503) else None)


def _validation_detail(exc: RequestValidationError) -> str:
    """One readable line per validation failure: ``query.limit: Input should be less than 500``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _on_ledger_error(_request: Request, exc: Exception) -> Response:
    """Handler: ledger errors become problems with their own codespace and code."""
    assert isinstance(exc, LedgerError)
    return ledger_problem(exc)


async def _on_api_error(_request: Request, exc: Exception) -> Response:
    """Handler: API-layer errors."""
    assert isinstance(exc, ApiError)
    return api_problem(exc)


async def _on_validation_error(_request: Request, exc: Exception) -> Response:
    """Handler: request validation failures are 400 ``api/1`` (not FastAPI's 422)."""
    assert isinstance(exc, RequestValidationError)
    return api_problem(ApiError(400, ApiCode.INVALID_REQUEST, _validation_detail(exc), "InvalidRequest"))


async def _on_http_error(_request: Request, exc: Exception) -> Response:
    """Handler: Starlette HTTP errors (unknown route, wrong method, …) as problems."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        err = ApiError(404, ApiCode.NO_SUCH_ROUTE, "no such route", "NoSuchRoute")
    elif exc.status_code == 405:
        err = ApiError(405, ApiCode.METHOD_NOT_ALLOWED, "method not allowed", "MethodNotAllowed")
    else:
        err = ApiError(exc.status_code, ApiCode.HTTP_ERROR, str(exc.detail), "HttpError")
    response = api_problem(err)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    """Handler: anything else is logged with its traceback and answered with a bare 500 problem."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return api_problem(ApiError(500, ApiCode.INTERNAL, "internal server error", "InternalError"))


def install_error_handlers(app: FastAPI) -> None:
    """Register the problem+json handlers on ``app``."""
    app.add_exception_handler(LedgerError, _on_ledger_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
