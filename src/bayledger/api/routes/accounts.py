"""Accounts: read an account record by DID."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from bayledger.api.deps import NodeDep, json_response
from bayledger.api.schemas import Account, documented

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])


@router.get(
    "/{did}",
    summary="Get an account by DID",
    response_model=None,
    responses=documented(Account, "The account: signers, threshold, next nonce.", 404),
)
def get_account(did: str, node: NodeDep) -> Response:
    """The account record of ``did``; 404 ``node/404`` if it does not exist."""
    return json_response(node.get_account(did))
