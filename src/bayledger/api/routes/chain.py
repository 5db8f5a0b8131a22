"""Chain-wide reads: node status, the genesis document, invariant checks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from bayledger.api.deps import MetricsDep, NodeDep, json_response
from bayledger.api.schemas import Invariants, Status, Validators, documented

router = APIRouter(prefix="/v1", tags=["chain"])

_ANY_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The genesis document (chain id, hash algorithm, validators, initial state).",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


@router.get("/status", summary="Node status", response_model=None, responses=documented(Status, "Status."))
def status(node: NodeDep, metrics: MetricsDep) -> Response:
    """Chain id, latest height/hash/app hash/time, mempool size, validators."""
    answer = node.status()
    metrics.update_from_status(answer)
    return json_response(answer)


@router.get("/genesis", summary="The genesis document", response_model=None, responses=_ANY_OBJECT)
def genesis(node: NodeDep) -> Response:
    """The genesis document light clients start from."""
    return json_response(node.genesis())


@router.get(
    "/invariants",
    summary="Run every module invariant",
    response_model=None,
    responses=documented(Invariants, "`ok` is false if any invariant is broken; `broken` names them."),
)
def invariants(node: NodeDep) -> Response:
    """Check every module invariant on the current state."""
    return json_response(node.check_invariants())


@router.get(
    "/validators",
    summary="The validator set and its changes",
    response_model=None,
    responses=documented(Validators, "The current set and every hand-over, oldest first."),
)
def validators(node: NodeDep) -> Response:
    """The set that signs the next block, and each governance hand-over since genesis (the signed header
    of the adopting block and the adopted set), so a light client can follow the set from genesis."""
    return json_response(node.validators())
