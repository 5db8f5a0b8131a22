"""Cross-boundary data mobility (the datamobility module): assets, consents, filings, transfer requests and
their decisions, grants, document fingerprints (validation mode), the access log and its export, and the
data-subject view. Writes go through ``POST /v1/txs`` with ``datamobility/Msg…`` messages; the data itself
never reaches this API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from bayledger.api.deps import PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import documented
from bayledger.node.datamobility_queries import KINDS, DataMobilityService, DataMobilityView

METHODS = (
    "list_data_records",
    "get_data_record",
    "check_document",
    "get_access_log",
    "export_access_log",
    "get_subject_view",
)
FILTER_FIELDS = ("owner", "subject", "recipient", "holder", "processor", "status", "decision", "asset_id")
KIND_PATTERN = "^(" + "|".join(KINDS) + ")$"

router = APIRouter(prefix="/v1/datamobility", tags=["datamobility"])


def get_data_node(request: Request) -> DataMobilityService:
    """The node's data-mobility reads: its own if mixed in, else a view over its database (else 501)."""
    node = request.app.state.node
    if all(hasattr(node, name) for name in METHODS):
        found: DataMobilityService = node
        return found
    db = getattr(node, "db", None)
    if db is None:
        raise ApiError(
            501, ApiCode.HTTP_ERROR, "this node does not serve data-mobility queries", "NotImplemented"
        )
    return DataMobilityView(db)


DataDep = Annotated[DataMobilityService, Depends(get_data_node)]
KindPath = Annotated[str, Path(pattern=KIND_PATTERN, description="One of " + ", ".join(KINDS) + ".")]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class RecordPage(_Open):
    """A page of records of one kind, in id order."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


class DocumentCheck(_Open):
    """The result of comparing a presented document hash with an anchored fingerprint."""

    fingerprint_id: str = Field(examples=["DFP-00000001"])
    match: bool
    reason: str = Field(examples=["match", "fingerprint_mismatch", "fingerprint_expired"])


class AccessLogPage(RecordPage):
    """A page of access-log entries (oldest first) and the check of the whole hash chain."""

    chain_intact: bool
    problems: list[str]


class SubjectView(_Open):
    """Everything about one data subject."""

    subject: str
    consents: list[dict[str, Any]]
    live_consents: list[str]
    recipients: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    grants: list[dict[str, Any]]
    log: list[dict[str, Any]]


@router.get(
    "/audit",
    summary="Read the access log",
    response_model=None,
    responses=documented(AccessLogPage, "Entries oldest first, with the hash-chain check."),
)
def access_log(
    node: DataDep,
    page: PagingDep,
    actor: Annotated[str | None, Query(description="Only entries by this DID.")] = None,
    subject: Annotated[str | None, Query(description="Only entries about this data subject.")] = None,
    action: Annotated[str | None, Query(description="Only this action, e.g. `request_transfer`.")] = None,
    outcome: Annotated[str | None, Query(description="Only this outcome, e.g. `deny`.")] = None,
) -> Response:
    """The tamper-evident access log: who, what, on whose data, for what purpose, when, with what outcome."""
    filters = {
        "actor": actor or "",
        "subject": subject or "",
        "action": action or "",
        "outcome": outcome or "",
    }
    return json_response(node.get_access_log(filters, offset=page.offset, limit=page.limit))


@router.get("/audit/export", summary="Export the access log for a regulator", response_model=None)
def export_log(
    node: DataDep,
    format: Annotated[str, Query(pattern="^(csv|json)$", description="`csv` or `json`.")] = "csv",
) -> Response:
    """The whole log as CSV (``text/csv``) or JSON with the chain check; recompute hashes to verify."""
    media = "text/csv" if format == "csv" else "application/json"
    return Response(
        content=node.export_access_log(format),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="datamobility-access-log.{format}"'},
    )


@router.get(
    "/subjects/{did}",
    summary="Data-subject view",
    response_model=None,
    responses=documented(SubjectView, "Consents, recipients, purposes, transfers and log of a subject."),
)
def subject_view(did: str, node: DataDep) -> Response:
    """Every recipient, purpose and transfer involving ``did``; withdraw all with
    ``datamobility/MsgWithdrawAllConsents``."""
    return json_response(node.get_subject_view(did))


@router.get(
    "/fingerprints/{fingerprint_id}/check",
    summary="Check a document against an anchored fingerprint",
    response_model=None,
    responses=documented(DocumentCheck, "Whether the presented hash matches.", 404),
)
def check_document(
    fingerprint_id: str,
    node: DataDep,
    hash: Annotated[str, Query(pattern="^[0-9a-fA-F]{64}$", description="SHA-256 or SM3 of the document.")],
) -> Response:
    """Read-only check (nothing recorded; record it on chain with ``MsgValidateDocument``)."""
    return json_response(node.check_document(fingerprint_id, hash))


@router.get(
    "/{kind}",
    summary="List data-mobility records",
    response_model=None,
    responses=documented(RecordPage, "A page of records.", 404),
)
def list_records(
    kind: KindPath,
    node: DataDep,
    page: PagingDep,
    owner: str | None = None,
    subject: str | None = None,
    recipient: str | None = None,
    holder: str | None = None,
    processor: str | None = None,
    status: str | None = None,
    decision: str | None = None,
    asset_id: str | None = None,
) -> Response:
    """Records of one kind in id order; each filter keeps records whose field equals it."""
    values = (owner, subject, recipient, holder, processor, status, decision, asset_id)
    filters = {name: value or "" for name, value in zip(FILTER_FIELDS, values, strict=True)}
    return json_response(node.list_data_records(kind, filters, offset=page.offset, limit=page.limit))


@router.get(
    "/{kind}/{ident}",
    summary="Get a data-mobility record",
    response_model=None,
    responses=documented(_Open, "The record.", 404),
)
def get_record(kind: KindPath, ident: str, node: DataDep) -> Response:
    """One record; prove it with ``/v1/proofs/datamobility/<kind>/{ident}`` (kind ``asset``, ``consent``,
    ``filing``, ``request``, ``grant`` or ``fingerprint``)."""
    return json_response(node.get_data_record(kind, ident))
