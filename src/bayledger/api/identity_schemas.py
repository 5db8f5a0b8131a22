"""Pydantic models documenting the identity, governance and verifier answers in OpenAPI (never filtering)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DidDocumentMetadata(_Open):
    """DID document metadata (DID Resolution)."""

    versionId: str = Field(examples=["2"])  # noqa: N815
    created: str = Field(examples=["2026-01-01T00:00:00Z"])
    updated: str = Field(examples=["2026-01-02T00:00:00Z"])
    deactivated: bool
    nextVersionId: str | None = Field(default=None, description="Only when a later version exists.")  # noqa: N815


class DidResolution(_Open):
    """Universal Resolver answer plus the ``identity/did-version`` state proof of the version served."""

    didDocument: dict[str, Any]  # noqa: N815
    didResolutionMetadata: dict[str, Any] = Field(examples=[{"contentType": "application/did+ld+json"}])  # noqa: N815
    didDocumentMetadata: DidDocumentMetadata  # noqa: N815
    proof: dict[str, Any] = Field(description="Proof answer (see /v1/proofs) of the DID version.")


class _Page(_Open):
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


class TrustedIssuerPage(_Page):
    """Trusted-issuer entries ``{issuer, credential_type, jurisdictions, added_height}``."""


class CredentialRecord(_Open):
    """A credential registered on chain with ``status`` (flagged, purpose, revoked, suspended,
    issuer_trusted, issuer_deactivated, valid, checked_at)."""

    issuer: str
    credential_id: str
    credential_type: str
    subject: str
    status: dict[str, Any]


class MemberPage(_Page):
    """Members ``{did, name_en, name_zh, jurisdiction, roles, weight, joined_height}``, total weight."""

    total_weight: int


class ProposalPage(_Page):
    """Proposals, newest first."""


class ProposalDetail(_Open):
    """A proposal with ``votes`` and the current ``tally``."""

    id: str
    kind: str
    status: str
    votes: list[dict[str, Any]]
    tally: dict[str, Any]


class VerifyRequest(BaseModel):
    """A credential or presentation to verify; a presentation needs ``challenge`` and ``domain``."""

    document: dict[str, Any] = Field(description="A VC 2.0 credential or presentation (JSON).")
    challenge: str | None = None
    domain: str | None = None


class VerifyError(BaseModel):
    """One failed check."""

    codespace: str
    code: int
    detail: str


class VerifyAnswer(BaseModel):
    """Outcome: the checks that passed, in order, and the failure that stopped verification."""

    verified: bool
    kind: str = Field(examples=["credential", "presentation"])
    checks: list[str]
    errors: list[VerifyError]
