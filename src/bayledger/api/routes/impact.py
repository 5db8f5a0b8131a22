"""Green projects, use of proceeds and impact (the impact module). Writes go through ``POST /v1/txs`` with a
signed tx carrying ``impact/Msg…`` messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from bayledger.api.deps import PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import documented
from bayledger.node.impact_queries import ImpactService, ImpactView

IMPACT_METHODS = (
    "list_impact_projects",
    "get_impact_project",
    "get_bond_allocations",
    "list_impact_reports",
    "get_impact_report",
    "get_bond_impact",
    "get_holder_impact",
)

router = APIRouter(prefix="/v1/impact", tags=["impact"])


def get_impact_node(request: Request) -> ImpactService:
    """The node's impact reads: its own, else a view over its database (else 501)."""
    node = request.app.state.node
    if all(hasattr(node, name) for name in IMPACT_METHODS):
        found: ImpactService = node
        return found
    db = getattr(node, "db", None)
    if db is None:
        raise ApiError(501, ApiCode.HTTP_ERROR, "this node does not serve impact queries", "NotImplemented")
    return ImpactView(db)


ImpactDep = Annotated[ImpactService, Depends(get_impact_node)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ImpactProject(_Open):
    """A green project: ICMA category, jurisdiction, total financing (minor units), taxonomy codes."""

    project_id: str = Field(examples=["C01-001"])
    owner: str
    category: str = Field(examples=["renewable-energy"])
    currency: str = Field(examples=["HKD"])
    total_financing: int
    allocated: int


class ImpactProjectPage(_Open):
    """A page of projects in id order."""

    items: list[ImpactProject]
    total: int
    offset: int
    limit: int


class BondLedger(_Open):
    """A bond's use-of-proceeds ledger: every allocation, totals per project, allocated and unallocated."""

    bond_id: str
    currency: str
    proceeds: int
    allocated: int
    unallocated: int
    allocation_count: int
    allocations: list[dict[str, Any]]
    by_project: list[dict[str, Any]]
    height: int


class ImpactReportRecord(_Open):
    """An impact report with ICMA core indicators (integer sub-units) and its review status."""

    report_id: str = Field(examples=["C01-001/R0001"])
    project_id: str
    period_start: str
    period_end: str
    basis: str = Field(examples=["ex-post"])
    status: str = Field(examples=["verified"])
    indicators: list[dict[str, Any]]


class ImpactReportPage(_Open):
    """A page of a project's reports, oldest first."""

    items: list[ImpactReportRecord]
    total: int
    offset: int
    limit: int


class HolderImpactAnswer(_Open):
    """Per bond held: the attribution per verified report, totals per indicator and basis, and the provable
    records (``{module, kind, ident}``) the figures were computed from."""

    holder: str
    height: int
    bonds: list[dict[str, Any]]


@router.get(
    "/projects",
    summary="List green projects",
    response_model=None,
    responses=documented(ImpactProjectPage, "A page of projects."),
)
def list_projects(
    node: ImpactDep,
    page: PagingDep,
    owner: Annotated[str | None, Query(description="Only projects of this owner (DID).")] = None,
    category: Annotated[str | None, Query(description="Only this ICMA category.")] = None,
) -> Response:
    """Projects at the latest height, in id order."""
    return json_response(
        node.list_impact_projects(owner=owner, category=category, offset=page.offset, limit=page.limit)
    )


@router.get(
    "/projects/{project_id}",
    summary="Get a green project",
    response_model=None,
    responses=documented(ImpactProject, "The project and the bonds that financed it.", 404),
)
def get_project(project_id: str, node: ImpactDep) -> Response:
    """One project; prove it with ``/v1/proofs/impact/project/{project_id}``."""
    return json_response(node.get_impact_project(project_id))


@router.get(
    "/projects/{project_id}/reports",
    summary="List a project's impact reports",
    response_model=None,
    responses=documented(ImpactReportPage, "A page of reports, oldest first.", 404),
)
def list_reports(project_id: str, node: ImpactDep, page: PagingDep) -> Response:
    """A project's reports; 404 if the project is unknown."""
    return json_response(node.list_impact_reports(project_id, offset=page.offset, limit=page.limit))


@router.get(
    "/reports/{report_id:path}",
    summary="Get an impact report",
    response_model=None,
    responses=documented(ImpactReportRecord, "The report.", 404),
)
def get_report(report_id: str, node: ImpactDep) -> Response:
    """One report (``C01-001/R0001``); prove it with ``/v1/proofs/impact/report/{report_id}``."""
    return json_response(node.get_impact_report(report_id))


@router.get(
    "/bonds/{bond_id}/allocations",
    summary="Get a bond's use-of-proceeds ledger",
    response_model=None,
    responses=documented(BondLedger, "Allocations, totals and the unallocated balance.", 404),
)
def get_allocations(bond_id: str, node: ImpactDep) -> Response:
    """The allocation ledger; prove totals with ``/v1/proofs/impact/totals/{bond_id}``."""
    return json_response(node.get_bond_allocations(bond_id))


@router.get(
    "/bonds/{bond_id}/impact",
    summary="Get a bond's impact split over its holders",
    response_model=None,
    responses=documented(HolderImpactAnswer, "Per verified report: bond, holders, remainder.", 404),
)
def get_bond_impact(bond_id: str, node: ImpactDep) -> Response:
    """Every verified report's impact split over the holders, with the rounding remainder."""
    return json_response(node.get_bond_impact(bond_id))


@router.get(
    "/holders/{did}",
    summary="What did my holding finance and avoid?",
    response_model=None,
    responses=documented(HolderImpactAnswer, "The holder's attributed impact and the records to prove.", 404),
)
def get_holder_impact(
    did: str,
    node: ImpactDep,
    bond_id: Annotated[str | None, Query(description="Only this bond (default: every bond held).")] = None,
) -> Response:
    """The holder's attribution; fetch each listed record's proof to recompute it locally."""
    return json_response(node.get_holder_impact(did, bond_id=bond_id))
