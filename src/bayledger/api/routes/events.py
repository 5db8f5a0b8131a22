"""Events: search the typed events of committed transactions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from bayledger.api.deps import NodeDep, PagingDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import EventPage, documented

router = APIRouter(prefix="/v1/events", tags=["events"])


@router.get(
    "",
    summary="Search events by type and/or attribute=value",
    response_model=None,
    responses=documented(EventPage, "A page of `{height, tx_hash, index, event}` hits."),
)
def search_events(
    node: NodeDep,
    page: PagingDep,
    type: Annotated[str | None, Query(description="Event type, e.g. `anchor/EventCreateAnchor`.")] = None,
    attribute: Annotated[str | None, Query(description="Attribute name; needs `value`.")] = None,
    value: Annotated[str | None, Query(description="Attribute value; needs `attribute`.")] = None,
) -> Response:
    """Events matching the type and/or ``attribute=value`` (both of the pair or neither)."""
    if (attribute is None) != (value is None):
        raise ApiError(400, ApiCode.INVALID_REQUEST, "attribute and value go together", "InvalidRequest")
    return json_response(
        node.search_events(
            event_type=type, attribute=attribute, value=value, offset=page.offset, limit=page.limit
        )
    )
