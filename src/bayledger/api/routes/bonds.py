"""Green-bond frameworks, bonds, holdings and holder statements (the bonds module). Writes go through
``POST /v1/txs`` with a signed tx carrying ``bonds/Msg…`` messages; prove any record with
``/v1/proofs/bonds/{kind}/{id}`` (kinds: framework, review, bond, holding, history, outstanding, coupon)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from bayledger.api.deps import PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import documented
from bayledger.node.bonds_queries import BondsView

router = APIRouter(prefix="/v1/bonds", tags=["bonds"])


def get_bonds_view(request: Request) -> BondsView:
    """The bonds reads over the node's database (501 for a node without one)."""
    db = getattr(request.app.state.node, "db", None)
    if db is None:
        raise ApiError(501, ApiCode.HTTP_ERROR, "this node does not serve bond queries", "NotImplemented")
    return BondsView(db)


BondsDep = Annotated[BondsView, Depends(get_bonds_view)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Page(_Open):
    """A page of records."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


class BondRecord(_Open):
    """A bond: terms (ICMA Bond Data Taxonomy names), schedule, status, figures, book, coupon records."""

    bond_id: str
    issuer: str
    status: str
    outstanding: int


class HolderStatement(_Open):
    """Every bond a holder ever held, with holding, history and the coupons paid to it."""

    holder: str
    bonds: list[dict[str, Any]]


@router.get(
    "/frameworks",
    summary="List green-bond frameworks",
    response_model=None,
    responses=documented(Page, "Frameworks with their external reviews."),
)
def list_frameworks(node: BondsDep, page: PagingDep) -> Response:
    """Frameworks in id order, each with its second-party opinions."""
    return json_response(node.list_frameworks(offset=page.offset, limit=page.limit))


@router.get("", summary="List bonds", response_model=None, responses=documented(Page, "Bond summaries."))
def list_bonds(
    node: BondsDep,
    page: PagingDep,
    issuer: Annotated[str | None, Query(description="Only bonds of this issuer (DID).")] = None,
) -> Response:
    """Bonds in id order."""
    return json_response(node.list_bonds(issuer=issuer, offset=page.offset, limit=page.limit))


@router.get(
    "/statements/{did}",
    summary="A holder's bond statement",
    response_model=None,
    responses=documented(HolderStatement, "The statement."),
)
def holder_statement(did: str, node: BondsDep) -> Response:
    """Holdings, history and coupons received, for every bond the holder ever held."""
    return json_response(node.get_holder_statement(did))


@router.get(
    "/{bond_id}",
    summary="Get a bond",
    response_model=None,
    responses=documented(BondRecord, "The bond.", 404),
)
def get_bond(bond_id: str, node: BondsDep) -> Response:
    """One bond with its book, allotments and coupon records; 404 ``node/404`` if unknown."""
    return json_response(node.get_bond(bond_id))


@router.get(
    "/{bond_id}/holdings",
    summary="List a bond's holdings",
    response_model=None,
    responses=documented(Page, "Holdings in holder order.", 404),
)
def list_holdings(bond_id: str, node: BondsDep, page: PagingDep) -> Response:
    """Non-empty holdings (amount, pledged, escrowed)."""
    return json_response(node.list_bond_holdings(bond_id, offset=page.offset, limit=page.limit))
