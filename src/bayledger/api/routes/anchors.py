"""Anchors: content-hash anchors and their attestations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from bayledger.api.deps import NodeDep, PagingDep, json_response
from bayledger.api.schemas import Anchor, AnchorPage, documented

router = APIRouter(prefix="/v1/anchors", tags=["anchors"])


@router.get(
    "",
    summary="List anchors, optionally by owner or content hash",
    response_model=None,
    responses=documented(AnchorPage, "A page of anchor records."),
)
def list_anchors(
    node: NodeDep,
    page: PagingDep,
    owner: Annotated[str | None, Query(description="Owner DID.")] = None,
    content_hash: Annotated[str | None, Query(description="Anchored content hash (hex).")] = None,
) -> Response:
    """A page of anchors filtered by owner and/or content hash."""
    return json_response(
        node.list_anchors(owner=owner, content_hash=content_hash, offset=page.offset, limit=page.limit)
    )


@router.get(
    "/{anchor_id}",
    summary="Get an anchor with its attestations",
    response_model=None,
    responses=documented(Anchor, "The anchor record.", 404),
)
def get_anchor(anchor_id: str, node: NodeDep) -> Response:
    """One anchor record; 404 ``node/404`` if unknown."""
    return json_response(node.get_anchor(anchor_id))
