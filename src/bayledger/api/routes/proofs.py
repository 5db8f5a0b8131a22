"""Proofs: a state record with its Merkle (non-)membership proof and the signed header committing to it."""

from __future__ import annotations

from fastapi import APIRouter, Path
from starlette.responses import Response

from bayledger.api.deps import NodeDep, json_response
from bayledger.api.schemas import ProofAnswer, documented

router = APIRouter(prefix="/v1/proofs", tags=["proofs"])


@router.get(
    "/{module}/{kind}/{ident:path}",
    summary="Prove a state record (membership or non-membership)",
    response_model=None,
    responses=documented(ProofAnswer, "Value, proof, header and signatures at the latest height.", 404),
)
def prove(
    node: NodeDep,
    module: str = Path(description="Module name, e.g. `accounts` or `anchor`."),
    kind: str = Path(description="Record kind within the module, e.g. `account` or `anchor`."),
    ident: str = Path(description="Record identifier, e.g. a DID, an anchor id or `<did>/<version>`."),
) -> Response:
    """A proof answer for ``(module, kind, ident)``; an absent record gets a non-membership proof."""
    return json_response(node.prove(module, kind, ident))
