"""Dev and demo networks only: move the block clock forward so a coupon or maturity date can be reached
without waiting for it (``dev_clock = 1`` in the node's config; refused with 403 ``api/9`` otherwise)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.responses import Response

from bayledger.api.deps import NodeDep, json_response
from bayledger.api.errors import ApiCode, ApiError
from bayledger.api.schemas import documented

router = APIRouter(prefix="/v1/dev", tags=["operations"])

MAX_ADVANCE_MS = 10 * 366 * 86_400_000


class ClockAdvance(BaseModel):
    """How far to move the block clock forward, in milliseconds (at most ten years)."""

    advance_ms: int = Field(gt=0, le=MAX_ADVANCE_MS, examples=[86_400_000])


class ClockState(BaseModel):
    """The node's clock offset and the time its next block will carry at the earliest."""

    offset_ms: int
    clock_ms: int


@router.post(
    "/clock",
    summary="Advance the block clock (dev networks)",
    response_model=None,
    responses=documented(ClockState, "The clock moved forward.", 403),
)
def advance_clock(body: ClockAdvance, node: NodeDep) -> Response:
    """Move the clock of the next blocks forward by ``advance_ms``; it never goes back."""
    advance = getattr(node, "advance_clock", None)
    if advance is None or not getattr(node, "dev_clock", False):
        raise ApiError(
            403,
            ApiCode.DEV_CLOCK_DISABLED,
            "this node runs on the wall clock (dev_clock = 0)",
            "DevClockDisabled",
        )
    return json_response(advance(body.advance_ms))
