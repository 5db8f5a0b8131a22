"""Deposit tokens (the cash module): tokens, a holder's balances, one balance. Writes go through
``POST /v1/txs`` with a signed tx carrying ``cash/Msg…`` messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from bayledger.api.deps import PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import documented
from bayledger.node.cash_queries import CashService, CashView

CASH_METHODS = ("list_cash_tokens", "get_cash_token", "list_cash_balances", "get_cash_balance")

router = APIRouter(prefix="/v1/cash", tags=["cash"])


def get_cash_node(request: Request) -> CashService:
    """The node's cash reads: its own (``CashQueries`` mixed in), else a view over its database (else 501)."""
    node = request.app.state.node
    if all(hasattr(node, name) for name in CASH_METHODS):
        found: CashService = node
        return found
    db = getattr(node, "db", None)
    if db is None:
        raise ApiError(501, ApiCode.HTTP_ERROR, "this node does not serve cash queries", "NotImplemented")
    return CashView(db)


CashDep = Annotated[CashService, Depends(get_cash_node)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CashToken(_Open):
    """A deposit token; amounts and limits in minor units (``decimals`` per currency), 0 limit = none."""

    token_id: str = Field(examples=["HKD-efhjjc9SiABYPoxjiQCTXoMziKvDVf73"])
    issuer: str
    currency: str = Field(examples=["HKD"])
    decimals: int = Field(examples=[2])
    supply: int
    holder_limit: int
    daily_limit: int


class CashTokenPage(_Open):
    """A page of deposit tokens in id order."""

    items: list[CashToken]
    total: int
    offset: int
    limit: int


class CashHolding(_Open):
    """A holder's balance of one token (minor units) and whether the holder is frozen for it."""

    token_id: str
    holder: str
    amount: int
    currency: str
    decimals: int
    issuer: str
    frozen: bool


class CashHoldingPage(_Open):
    """A page of a holder's non-zero balances."""

    items: list[CashHolding]
    total: int
    offset: int
    limit: int


class CashBalance(CashHolding):
    """One balance (0 when none) with the freeze record and today's (UTC+8) spending."""

    freeze: dict[str, Any] | None
    daily: dict[str, Any] = Field(examples=[{"day": 20000, "spent": 500, "limit": 1000, "remaining": 500}])
    height: int


@router.get(
    "/tokens",
    summary="List deposit tokens",
    response_model=None,
    responses=documented(CashTokenPage, "A page of deposit tokens."),
)
def list_tokens(
    node: CashDep,
    page: PagingDep,
    issuer: Annotated[str | None, Query(description="Only tokens of this issuing bank (DID).")] = None,
    currency: Annotated[str | None, Query(description="Only this currency, e.g. `HKD`.")] = None,
) -> Response:
    """Deposit tokens at the latest height, in id order."""
    return json_response(
        node.list_cash_tokens(issuer=issuer, currency=currency, offset=page.offset, limit=page.limit)
    )


@router.get(
    "/tokens/{token_id}",
    summary="Get a deposit token",
    response_model=None,
    responses=documented(CashToken, "The token record.", 404),
)
def get_token(token_id: str, node: CashDep) -> Response:
    """One token; 404 ``node/404`` if unknown."""
    return json_response(node.get_cash_token(token_id))


@router.get(
    "/tokens/{token_id}/balances/{did}",
    summary="Get a holder's balance of one token",
    response_model=None,
    responses=documented(CashBalance, "The balance (0 when none), freeze and today's spending.", 404),
)
def get_balance(token_id: str, did: str, node: CashDep) -> Response:
    """One balance; 404 ``node/404`` if the token is unknown. Prove it with
    ``/v1/proofs/cash/balance/{token_id}/{did}``."""
    return json_response(node.get_cash_balance(token_id, did))


@router.get(
    "/balances/{did}",
    summary="List a holder's balances of every token",
    response_model=None,
    responses=documented(CashHoldingPage, "A page of the holder's non-zero balances."),
)
def list_balances(did: str, node: CashDep, page: PagingDep) -> Response:
    """A holder's non-zero balances, in token id order."""
    return json_response(node.list_cash_balances(did, offset=page.offset, limit=page.limit))
