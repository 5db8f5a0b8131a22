"""Pydantic models documenting the API's JSON shapes in OpenAPI.

They describe the ``NodeService`` answers (see ``bayledger.node.service``); routes return the node's JSON
as-is (encoded with msgspec), so these models document and never filter. Extra keys are allowed so a module
can add fields without breaking the contract.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    """A documented object that may carry further keys."""

    model_config = ConfigDict(extra="allow")


class Problem(_Open):
    """RFC 9457 problem details with the ledger error's codespace and code."""

    type: str = Field(examples=["https://bayledger.dev/errors/tx/8"])
    title: str = Field(description="Error class name.", examples=["NonceTooLowError"])
    status: int
    detail: str
    codespace: str = Field(examples=["tx"])
    code: int = Field(examples=[8])


class Event(_Open):
    """A typed event: ``type`` plus the event's attributes as further keys."""

    type: str = Field(examples=["anchor/EventCreateAnchor"])


class TxResult(_Open):
    """A committed transaction and its execution result; ``code == 0`` means success."""

    hash: str
    height: int
    index: int
    code: int
    codespace: str
    log: str
    events: list[Event]
    signer: str
    nonce: int
    tx: dict[str, Any] = Field(description="The decoded transaction as JSON.")


class SubmitAccepted(BaseModel):
    """A transaction accepted into the mempool (not yet committed)."""

    hash: str


class Header(_Open):
    """A block header."""

    chain_id: str
    height: int
    time: Any
    previous_hash: str
    tx_root: str
    app_hash: str
    results_hash: str
    validators_hash: str
    next_validators_hash: str = Field(description="Hash of the set that signs the next block.")
    proposer: str


class BlockSignature(_Open):
    """A validator's signature over a block (public key and signature in base64)."""

    validator: str
    key_type: str
    public_key: str
    signature: str


class Block(_Open):
    """A block: header, hash, the hashes of its txs and its validator signatures."""

    header: Header
    hash: str
    txs: list[str]
    signatures: list[BlockSignature]


class EventHit(_Open):
    """An event found by a search, with where it happened."""

    height: int
    tx_hash: str | None
    index: int | None
    event: Event


class _Page(_Open):
    """Common paging fields."""

    total: int
    offset: int
    limit: int


class TxPage(_Page):
    """A page of tx results, newest first."""

    items: list[TxResult]


class BlockPage(_Page):
    """A page of blocks, newest first."""

    items: list[Block]


class EventPage(_Page):
    """A page of event search hits."""

    items: list[EventHit]


class Anchor(_Open):
    """An anchor record (owner, content hash, …) with its attestations; fields are the anchor module's."""


class AnchorPage(_Page):
    """A page of anchor records."""

    items: list[Anchor]


class AccountSigner(_Open):
    """One signing key of an account and its weight."""

    key_type: str
    public_key: str
    weight: int


class Account(_Open):
    """An account record."""

    did: str
    signers: list[AccountSigner]
    threshold: int
    nonce: int


class Status(_Open):
    """Node status."""

    chain_id: str
    hash_algorithm: str
    latest_height: int
    latest_hash: str | None
    app_hash: str | None
    latest_time: Any
    mempool_size: int
    node_version: str
    validators: list[Any]


class ValidatorEntry(_Open):
    """A validator: name, key type, public key (base64) and voting power."""

    name: str
    key_type: str
    public_key: str
    power: int


class ValidatorChange(_Open):
    """A hand-over: the signed header of the block that adopted ``validators`` (they sign from the next)."""

    header: Header
    signatures: list[BlockSignature]
    validators: list[ValidatorEntry]


class ProofAnswer(_Open):
    """A state value with its (non-)membership proof and the signed header that commits to it."""

    height: int
    app_hash: str
    key: str
    value: Any = Field(description="Decoded JSON value, or null for a non-membership proof.")
    value_raw: str | None
    proof: dict[str, Any]
    header: Header
    signatures: list[BlockSignature]
    validator_changes: list[ValidatorChange] = Field(
        description="Every validator-set hand-over up to now, for a light client to follow from genesis."
    )


class Validators(_Open):
    """The set that signs the next block, and every hand-over since genesis."""

    height: int
    validators: list[ValidatorEntry]
    changes: list[ValidatorChange]


class Invariants(_Open):
    """Result of running every module invariant."""

    ok: bool
    broken: list[str]


class Health(BaseModel):
    """Liveness answer."""

    status: str = Field(examples=["ok"])
    height: int


def documented(model: type[BaseModel], description: str, *errors: int) -> dict[int | str, dict[str, Any]]:
    """An OpenAPI ``responses`` mapping: 200 with ``model`` plus problem+json for each error status."""
    responses: dict[int | str, dict[str, Any]] = {200: {"model": model, "description": description}}
    for status in (400, *errors):
        responses[status] = {"model": Problem, "description": "Problem details (RFC 9457)."}
    return responses


def tidy_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    """Post-process FastAPI's OpenAPI: problems are ``application/problem+json`` and validation errors are
    400 problems (FastAPI's default 422 ``HTTPValidationError`` never happens here, so it is removed)."""
    problem_ref = "#/components/schemas/Problem"
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            responses.pop("422", None)
            for answer in responses.values():
                content = answer.get("content", {})
                media = content.get("application/json")
                if media and media.get("schema", {}).get("$ref") == problem_ref:
                    content["application/problem+json"] = content.pop("application/json")
    schemas = spec.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return spec
