"""Identity, governance and the verifier: DID resolution (Universal Resolver binding), trusted issuers,
registered credentials, members, proposals and ``POST /v1/vc/verify``."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from starlette.responses import Response

from bayledger.api.deps import PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.identity_schemas import (
    CredentialRecord,
    DidResolution,
    MemberPage,
    ProposalDetail,
    ProposalPage,
    TrustedIssuerPage,
    VerifyAnswer,
)
from bayledger.api.schemas import documented
from bayledger.api.vc_verify import check_status_list_credential, verify_document
from bayledger.node.identity_queries import IdentityService, StatusListHost
from bayledger.vc.timestamps import parse_datetime_stamp

IDENTITY_METHODS = ("resolve_did", "list_trusted_issuers", "get_credential", "list_members", "get_proposal")
STATUS_LIST_METHODS = ("get_status_list", "put_status_list_credential", "get_status_list_credential")


def get_identity_node(request: Request) -> IdentityService:
    """The node, when it serves identity and governance reads (else 501 ``api/4``)."""
    node = request.app.state.node
    if not all(hasattr(node, name) for name in IDENTITY_METHODS):
        raise ApiError(501, ApiCode.HTTP_ERROR, "this node does not serve identity queries", "NotImplemented")
    found: IdentityService = node
    return found


IdentityDep = Annotated[IdentityService, Depends(get_identity_node)]


def get_status_list_host(request: Request) -> StatusListHost:
    """The node, when it hosts status list credentials (else 501 ``api/4``)."""
    node = request.app.state.node
    if not all(hasattr(node, name) for name in (*IDENTITY_METHODS, *STATUS_LIST_METHODS)):
        raise ApiError(501, ApiCode.HTTP_ERROR, "this node does not host status lists", "NotImplemented")
    found: StatusListHost = node
    return found


StatusListDep = Annotated[StatusListHost, Depends(get_status_list_host)]
IssuerQuery = Annotated[str, Query(description="The issuer DID that anchored the list on chain.")]

resolver_router = APIRouter(prefix="/1.0/identifiers", tags=["identity"])
identity_router = APIRouter(prefix="/v1/identity", tags=["identity"])
governance_router = APIRouter(prefix="/v1/governance", tags=["governance"])
vc_router = APIRouter(prefix="/v1/vc", tags=["vc"])


def _version_time_ms(value: str) -> int:
    """``versionTime`` as block-time milliseconds: an integer, or an ``xsd:dateTimeStamp``."""
    if value.isdigit():
        return int(value)
    try:
        return int(parse_datetime_stamp(value).astimezone(UTC).timestamp() * 1000)
    except ValueError:
        raise ApiError(
            400, ApiCode.INVALID_REQUEST, f"versionTime {value!r}: milliseconds or a dateTimeStamp"
        ) from None


@resolver_router.get(
    "/{did}",
    summary="Resolve a did:bid (DID Resolution / Universal Resolver binding)",
    response_model=None,
    responses={
        **documented(DidResolution, "The DID document version, its metadata and its state proof.", 404),
        410: {"model": DidResolution, "description": "Deactivated: the final version, `deactivated: true`."},
    },
)
def resolve(
    did: str,
    node: IdentityDep,
    version_id: Annotated[int | None, Query(alias="versionId", ge=1, description="Version number.")] = None,
    version_time: Annotated[
        str | None,
        Query(alias="versionTime", description="Block time in ms, or xsd:dateTimeStamp: the version then."),
    ] = None,
) -> Response:
    """Resolve ``did``; 404 ``node/404`` when it has no document (or no such version), 410 when the version
    served is deactivated."""
    answer = node.resolve_did(
        did,
        version_id=version_id,
        version_time=None if version_time is None else _version_time_ms(version_time),
    )
    status = 410 if answer["didDocumentMetadata"]["deactivated"] else 200
    return json_response(answer, status_code=status)


@identity_router.get(
    "/trusted-issuers",
    summary="List the trusted-issuer registry",
    response_model=None,
    responses=documented(TrustedIssuerPage, "A page of trusted-issuer entries."),
)
def trusted_issuers(
    node: IdentityDep,
    page: PagingDep,
    credential_type: Annotated[str | None, Query(description="Only this type, e.g. `KycCredential`.")] = None,
) -> Response:
    """Trusted issuers at the latest height, in (type, issuer) order."""
    return json_response(
        node.list_trusted_issuers(credential_type=credential_type, offset=page.offset, limit=page.limit)
    )


@identity_router.get(
    "/credentials/{credential_id}",
    summary="Get a credential registered on chain and its status",
    response_model=None,
    responses=documented(CredentialRecord, "The credential record and its status now.", 404),
)
def credential(
    credential_id: str,
    node: IdentityDep,
    issuer: Annotated[str | None, Query(description="Issuer DID (ids are unique per issuer).")] = None,
) -> Response:
    """A registered credential; 404 ``node/404`` if unknown."""
    return json_response(node.get_credential(credential_id, issuer=issuer))


@governance_router.get(
    "/members",
    summary="List consortium members",
    response_model=None,
    responses=documented(MemberPage, "A page of members and the total voting weight."),
)
def members(node: IdentityDep, page: PagingDep) -> Response:
    """Members in DID order."""
    return json_response(node.list_members(offset=page.offset, limit=page.limit))


@governance_router.get(
    "/proposals",
    summary="List proposals",
    response_model=None,
    responses=documented(ProposalPage, "A page of proposals, newest first."),
)
def proposals(
    node: IdentityDep,
    page: PagingDep,
    status: Annotated[str | None, Query(description="open, passed, rejected or failed.")] = None,
) -> Response:
    """Proposals, newest first, optionally of one status."""
    return json_response(node.list_proposals(status=status, offset=page.offset, limit=page.limit))


@governance_router.get(
    "/proposals/{proposal_id}",
    summary="Get a proposal with its votes",
    response_model=None,
    responses=documented(ProposalDetail, "The proposal, its votes and the current tally.", 404),
)
def proposal(proposal_id: str, node: IdentityDep) -> Response:
    """One proposal; 404 ``node/404`` if unknown."""
    return json_response(node.get_proposal(proposal_id))


@vc_router.post(
    "/verify",
    summary="Verify a credential or presentation against the chain",
    response_model=None,
    responses=documented(VerifyAnswer, "`verified`, the checks passed and the failure (codespace/code)."),
)
def verify(
    node: IdentityDep,
    body: Annotated[
        dict[str, Any],
        Body(
            description="The credential or presentation itself, or `{document, challenge, domain}`.",
            examples=[{"document": {"type": ["VerifiablePresentation"]}, "challenge": "c", "domain": "d"}],
        ),
    ],
    challenge: Annotated[str | None, Query(description="Presentation challenge (or in the body).")] = None,
    domain: Annotated[str | None, Query(description="Presentation domain (or in the body).")] = None,
) -> Response:
    """Verify with bayledger.vc, keys from on-chain DID documents, the trusted-issuer registry at the latest
    height and the on-chain credential status. Always 200 for a JSON object; see ``verified``."""
    document: Any = body
    if isinstance(body.get("document"), dict):
        document = body["document"]
        challenge = body.get("challenge", challenge)
        domain = body.get("domain", domain)
    return json_response(verify_document(node, document, challenge=challenge, domain=domain))


@vc_router.put(
    "/status-lists/{list_id}",
    summary="Host an issuer's signed Bitstring Status List credential",
    response_model=None,
    responses={
        200: {"description": "Stored: `{issuer, list_id, list_hash}`."},
        400: {"description": "Problem `vc/*`: bad proof (`vc/2`, `vc/3`, `vc/12`, `vc/13`) or `vc/17`."},
        404: {"description": "Problem `node/404`: the issuer anchored no such list on chain."},
    },
)
def put_status_list(
    list_id: str,
    issuer: IssuerQuery,
    node: StatusListDep,
    body: Annotated[dict[str, Any], Body(description="The signed BitstringStatusListCredential.")],
) -> Response:
    """Verify the list credential's proof with the issuer's on-chain DID keys and its bitstring against the
    on-chain ``list_hash`` of (issuer, list id), then store it in the node home (replacing the previous)."""
    check_status_list_credential(node, issuer, list_id, body)
    node.put_status_list_credential(issuer, list_id, body)
    anchored = node.get_status_list(issuer, list_id)
    return json_response({"issuer": issuer, "list_id": list_id, "list_hash": anchored["list_hash"]})


@vc_router.get(
    "/status-lists/{list_id}",
    summary="Fetch a hosted Bitstring Status List credential",
    response_model=None,
    responses={
        200: {"description": "The signed BitstringStatusListCredential as the issuer uploaded it."},
        404: {"description": "Problem `node/404`: no list hosted for (issuer, list id)."},
    },
)
def get_status_list(list_id: str, issuer: IssuerQuery, node: StatusListDep) -> Response:
    """The hosted status list credential (check it against the anchored hash: it may predate a later
    ``MsgSetStatusList`` whose new list the issuer has not uploaded yet)."""
    return json_response(node.get_status_list_credential(issuer, list_id))
