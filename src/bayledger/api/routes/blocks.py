"""Blocks: list them, or get one by height, hash or ``latest``."""

from __future__ import annotations

from fastapi import APIRouter, Path
from starlette.responses import Response

from bayledger.api.deps import NodeDep, PagingDep, json_response
from bayledger.api.schemas import Block, BlockPage, documented

router = APIRouter(prefix="/v1/blocks", tags=["blocks"])


MAX_HEIGHT_DIGITS = 20  # a height fits in 64 bits; a 32-byte hash in hex is 64 characters


def parse_block_ref(ref: str) -> str | int:
    """``"latest"`` stays as is, up to 20 decimal digits are a height, anything else is a block hash (hex).

    The length cut-off keeps an all-digit hex hash (possible, if unlikely) from being read as a height.
    """
    if ref == "latest":
        return ref
    if ref.isascii() and ref.isdigit() and len(ref) <= MAX_HEIGHT_DIGITS:
        return int(ref)
    return ref


@router.get(
    "",
    summary="List blocks (newest first)",
    response_model=None,
    responses=documented(BlockPage, "A page of blocks."),
)
def list_blocks(node: NodeDep, page: PagingDep) -> Response:
    """A page of blocks, newest first."""
    return json_response(node.list_blocks(offset=page.offset, limit=page.limit))


@router.get(
    "/{height_or_hash}",
    summary="Get a block by height, hash or `latest`",
    response_model=None,
    responses=documented(Block, "The block.", 404),
)
def get_block(
    node: NodeDep,
    height_or_hash: str = Path(description="A height (digits), a block hash (hex) or `latest`."),
) -> Response:
    """One block; 404 ``node/404`` if there is no such height or hash."""
    return json_response(node.get_block(parse_block_ref(height_or_hash)))
