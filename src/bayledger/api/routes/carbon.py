"""Carbon credits (the carbon module) and the claims registry: registry, batches, supply, balances,
retirements, provenance of a serial, CSV exports, claims. Writes go through ``POST /v1/txs`` with a
signed tx carrying ``carbon/Msg…`` messages. Amounts are smallest units (see each batch's
``precision``); prove any record with ``/v1/proofs/carbon/<kind>/<id>`` or ``/v1/proofs/claims/claim/<id>``.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from bayledger.api.deps import PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import documented
from bayledger.node.carbon_queries import CarbonService, CarbonView
from bayledger.reports.csvsafe import csv_cell

CARBON_METHODS = ("list_carbon_registry", "get_carbon_batch", "get_carbon_provenance", "get_claim")

router = APIRouter(prefix="/v1/carbon", tags=["carbon"])
claims_router = APIRouter(prefix="/v1/claims", tags=["carbon"])


def get_carbon_node(request: Request) -> CarbonService:
    """The node's carbon reads: its own (``CarbonQueries`` mixed in), else a view over its database."""
    node = request.app.state.node
    if all(hasattr(node, name) for name in CARBON_METHODS):
        found: CarbonService = node
        return found
    db = getattr(node, "db", None)
    if db is None:
        raise ApiError(501, ApiCode.HTTP_ERROR, "this node does not serve carbon queries", "NotImplemented")
    return CarbonView(db)


CarbonDep = Annotated[CarbonService, Depends(get_carbon_node)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CarbonRegistry(_Open):
    """Credit types, classes and projects."""

    credit_types: list[dict[str, Any]]
    classes: list[dict[str, Any]]
    projects: list[dict[str, Any]]


class CarbonBatch(_Open):
    """A batch: serials ``1..issued``; ``issued == tradable + retired + cancelled + escrowed``."""

    batch_id: str = Field(examples=["C01-001-20240101-20241231-001"])
    project_id: str
    vintage_start: str
    vintage_end: str
    issued: int
    tradable: int
    retired: int
    cancelled: int
    escrowed: int
    precision: int


class CarbonPage(_Open):
    """A page of records."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


class CarbonSupply(_Open):
    """Totals per group (class, project, vintage ``start/end`` or batch)."""

    group_by: str
    items: list[dict[str, Any]]


class CarbonRetirement(_Open):
    """A retirement: owner, beneficiary, reason, jurisdiction, serial ranges, claim, block."""

    retirement_id: str = Field(examples=["RET-C01-001-20240101-20241231-001-0001"])
    batch_id: str
    owner: str
    beneficiary: str
    amount: int
    ranges: list[list[int]]
    claim_id: str
    height: int


class CarbonClaim(_Open):
    """A claim of the claims registry (serial ranges of a batch, or a project and a period of days)."""

    claim_id: str = Field(examples=["CLM-00000001"])
    kind: str = Field(examples=["serial-range", "project-period"])
    project_ref: str
    period_start: int
    period_end: int


class CarbonProvenance(_Open):
    """One serial: its holder and status now, and every movement that touched it."""

    batch_id: str
    serial: int
    holder: str
    status: str
    movements: list[dict[str, Any]]


@router.get(
    "/registry",
    summary="Credit types, classes and projects",
    response_model=None,
    responses=documented(CarbonRegistry, "The registry's structure."),
)
def registry(node: CarbonDep) -> Response:
    """Every credit type, class (admin, issuers, methodology) and project."""
    return json_response(node.list_carbon_registry())


@router.get(
    "/batches",
    summary="List batches",
    response_model=None,
    responses=documented(CarbonPage, "A page of batches in id order."),
)
def list_batches(
    node: CarbonDep,
    page: PagingDep,
    class_id: Annotated[str | None, Query(description="Only batches of this class, e.g. `C01`.")] = None,
    project_id: Annotated[str | None, Query(description="Only batches of this project.")] = None,
) -> Response:
    """Batches with their totals and Article 6 fields."""
    return json_response(
        node.list_carbon_batches(
            class_id=class_id, project_id=project_id, offset=page.offset, limit=page.limit
        )
    )


@router.get(
    "/batches/{batch_id}",
    summary="Get a batch with its serial ranges",
    response_model=None,
    responses=documented(CarbonBatch, "The batch, its ranges and open escrows.", 404),
)
def get_batch(batch_id: str, node: CarbonDep) -> Response:
    """One batch; 404 ``node/404`` if unknown."""
    return json_response(node.get_carbon_batch(batch_id))


@router.get(
    "/batches/{batch_id}/serials/{serial}",
    summary="Provenance of one serial",
    response_model=None,
    responses=documented(CarbonProvenance, "Issuance → transfers → retirement of the serial.", 404),
)
def provenance(batch_id: str, serial: int, node: CarbonDep) -> Response:
    """The full history of one credit serial; 404 if it was never issued."""
    return json_response(node.get_carbon_provenance(batch_id, serial))


@router.get(
    "/supply",
    summary="Supply by class, project, vintage or batch",
    response_model=None,
    responses=documented(CarbonSupply, "Totals per group."),
)
def supply(
    node: CarbonDep,
    group_by: Annotated[Literal["class", "project", "vintage", "batch"], Query()] = "class",
) -> Response:
    """Issued, tradable, retired, cancelled and escrowed per group."""
    return json_response(node.get_carbon_supply(group_by))


@router.get(
    "/balances/{did}",
    summary="A holder's credits",
    response_model=None,
    responses=documented(CarbonPage, "A page of the holder's balances with serial ranges."),
)
def balances(did: str, node: CarbonDep, page: PagingDep) -> Response:
    """Per batch: tradable, retired, cancelled, escrowed and the serial ranges held."""
    return json_response(node.list_carbon_balances(did, offset=page.offset, limit=page.limit))


@router.get(
    "/retirements",
    summary="List retirements",
    response_model=None,
    responses=documented(CarbonPage, "A page of retirements in id order."),
)
def list_retirements(
    node: CarbonDep,
    page: PagingDep,
    beneficiary: Annotated[str | None, Query(description="Exactly this beneficiary.")] = None,
    batch_id: Annotated[str | None, Query(description="Only retirements of this batch.")] = None,
) -> Response:
    """Retirements by beneficiary or batch (or all)."""
    return json_response(
        node.list_carbon_retirements(
            beneficiary=beneficiary, batch_id=batch_id, offset=page.offset, limit=page.limit
        )
    )


@router.get(
    "/retirements/{retirement_id}",
    summary="Get a retirement",
    response_model=None,
    responses=documented(CarbonRetirement, "The retirement with batch, project and claim.", 404),
)
def get_retirement(retirement_id: str, node: CarbonDep) -> Response:
    """One retirement, with everything a certificate shows; prove it at
    ``/v1/proofs/carbon/retirement/{retirement_id}``."""
    return json_response(node.get_carbon_retirement(retirement_id))


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text (RFC 4180, header from the first row's keys; nested values as JSON-ish text)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


@router.get(
    "/export/{kind}.csv",
    summary="CSV export",
    response_model=None,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV with a header row."}},
)
def export(kind: Literal["batches", "retirements", "balances"], node: CarbonDep) -> Response:
    """Every batch, retirement or balance as CSV (amounts in smallest units, ranges ``first-last;…``)."""
    return Response(
        to_csv(node.export_carbon_rows(kind)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="carbon-{kind}.csv"'},
    )


@claims_router.get(
    "",
    summary="List claims",
    response_model=None,
    responses=documented(CarbonPage, "A page of claims in id order."),
)
def list_claims(
    node: CarbonDep,
    page: PagingDep,
    project_ref: Annotated[str | None, Query(description="Only claims over this project.")] = None,
) -> Response:
    """Claims of tonnes from every instrument (retirements, bridge-ins, bond impact reports)."""
    return json_response(node.list_claims(project_ref=project_ref, offset=page.offset, limit=page.limit))


@claims_router.get(
    "/{claim_id}",
    summary="Get a claim",
    response_model=None,
    responses=documented(CarbonClaim, "The claim.", 404),
)
def get_claim(claim_id: str, node: CarbonDep) -> Response:
    """One claim; prove it at ``/v1/proofs/claims/claim/{claim_id}``."""
    return json_response(node.get_claim(claim_id))
