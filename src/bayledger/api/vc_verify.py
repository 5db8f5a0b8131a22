"""The verifier behind ``POST /v1/vc/verify``: ``bayledger.vc`` checks plus what only the chain knows.

Order of the checks (each name is reported in ``checks`` once it passed; the first failure stops):

1. ``shape``/``proof``/``validity``/``schema`` — ``bayledger.vc`` (``verify_credential`` or
   ``verify_presentation`` with the verifier's ``challenge`` and ``domain``). Keys come from the chain's
   DID documents: every verification method is resolved in the DID document version in force at the
   proof's ``created`` time (latest version when there is none), so keys rotated away still verify what
   they signed before.
2. per credential ``issuer-trusted`` — the issuer is in the trusted-issuer registry at the latest height for
   the credential's VC type itself (``KycCredential``: the registry uses VC type names, no mapping) and the
   subject's ``jurisdiction`` (``CN`` covers ``CN-GD``); else ``vc/19``.
3. ``issuer-active`` — the issuer's DID is not deactivated; else ``identity/5``.
4. ``onchain-status`` — when the issuer registered the credential on chain: its registered hash matches the
   document (``vc/3`` otherwise) and its status index is not flagged (``vc/15`` revoked, ``vc/16``
   suspended). An unregistered credential skips this check (``onchain-status:not-registered``).

``check_status_list_credential`` guards ``PUT /v1/vc/status-lists/{list_id}``: the list credential's proof
verifies with the issuer's on-chain keys (same resolver), and its bitstring hashes to the ``list_hash`` the
issuer anchored on chain for that list.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bayledger.core.errors import LedgerError
from bayledger.node.identity_queries import IdentityService, StatusListHost
from bayledger.node.service import NotFoundError
from bayledger.sdk.identity import chain_credential_id, credential_hash
from bayledger.vc import StaticKeyResolver, verify_credential, verify_presentation
from bayledger.vc.data_integrity import controller_of, verify_proofs
from bayledger.vc.errors import (
    InvalidProofError,
    IssuerMismatchError,
    MalformedDocumentError,
    RevokedCredentialError,
    StatusListError,
    SuspendedCredentialError,
    UntrustedIssuerError,
    VcError,
)
from bayledger.vc.status_list import compute_list_hash, read_status_list
from bayledger.vc.subject_schemas import credential_type_of
from bayledger.vc.timestamps import parse_datetime_stamp


class IssuerDeactivatedError(LedgerError):
    """The credential's issuer DID is deactivated on chain (same code as the identity module's error)."""

    codespace = "identity"
    code = 5


def _proofs(document: Any) -> Iterator[dict[str, Any]]:
    """Every proof of a document and of the credentials it embeds."""
    if not isinstance(document, dict):
        return
    proof = document.get("proof")
    for item in proof if isinstance(proof, list) else [proof]:
        if isinstance(item, dict):
            yield item
    embedded = document.get("verifiableCredential")
    for credential in embedded if isinstance(embedded, list) else [embedded]:
        yield from _proofs(credential)


def chain_key_resolver(node: IdentityService, document: dict[str, Any]) -> StaticKeyResolver:
    """A resolver holding the Multikeys of the chain's DID documents for every ``did:bid`` method the
    document's proofs name, each taken from the version in force when the proof was created."""
    keys: dict[str, str] = {}
    for proof in _proofs(document):
        method = proof.get("verificationMethod")
        if not isinstance(method, str) or method in keys or not method.startswith("did:bid:"):
            continue
        version_time = None
        created = proof.get("created")
        if isinstance(created, str):
            try:
                version_time = int(parse_datetime_stamp(created).timestamp() * 1000)
            except ValueError:
                version_time = None
        try:
            answer = _resolve(node, controller_of(method), version_time)
        except NotFoundError:
            continue
        for vm in answer["didDocument"].get("verificationMethod", []):
            if vm.get("id") == method and isinstance(vm.get("publicKeyMultibase"), str):
                keys[method] = vm["publicKeyMultibase"]
    return StaticKeyResolver(keys)


def _resolve(node: IdentityService, did: str, version_time: int | None) -> dict[str, Any]:
    if version_time is not None:
        try:
            return node.resolve_did(did, version_time=version_time)
        except NotFoundError:
            pass  # created before the first version: the latest is the best the chain knows
    return node.resolve_did(did)


def _error(exc: LedgerError) -> dict[str, Any]:
    return {"codespace": str(exc.codespace), "code": int(exc.code), "detail": exc.message}


def _chain_checks(node: IdentityService, credential: dict[str, Any], checks: list[str]) -> None:
    """Trusted issuer (type and jurisdiction), issuer active, on-chain registration and status."""
    issuer = credential["issuer"] if isinstance(credential["issuer"], str) else credential["issuer"]["id"]
    vc_type = credential_type_of(credential.get("type"))
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    jurisdictions = {
        str(s["jurisdiction"])
        for s in subjects
        if isinstance(s, dict) and isinstance(s.get("jurisdiction"), str)
    }
    entries = [
        item
        for item in node.list_trusted_issuers(credential_type=vc_type, offset=0, limit=500)["items"]
        if item["issuer"] == issuer
    ]

    def covered(entry: dict[str, Any], jurisdiction: str) -> bool:
        return any(jurisdiction == j or jurisdiction.startswith(j + "-") for j in entry["jurisdictions"])

    trusted = bool(entries) and all(any(covered(e, j) for e in entries) for j in jurisdictions)
    if not trusted:
        where = f" in {', '.join(sorted(jurisdictions))}" if jurisdictions else ""
        raise UntrustedIssuerError(f"issuer {issuer!r} is not trusted on chain for {vc_type}{where}")
    checks.append("issuer-trusted")
    if node.resolve_did(issuer)["didDocumentMetadata"]["deactivated"]:
        raise IssuerDeactivatedError(f"issuer {issuer!r} is deactivated on chain")
    checks.append("issuer-active")
    vc_id = credential.get("id")
    record = None
    if isinstance(vc_id, str):
        try:
            record = node.get_credential(chain_credential_id(vc_id), issuer=issuer)
        except NotFoundError:
            record = None
    if record is None:
        checks.append("onchain-status:not-registered")
        return
    if record["credential_hash"] != credential_hash(credential):
        raise InvalidProofError(f"credential {vc_id!r} differs from the hash its issuer registered on chain")
    status = record["status"]
    if status["revoked"]:
        raise RevokedCredentialError(f"credential {vc_id!r} is revoked on chain")
    if status["suspended"]:
        raise SuspendedCredentialError(f"credential {vc_id!r} is suspended on chain")
    checks.append("onchain-status")


def verify_document(
    node: IdentityService,
    document: dict[str, Any],
    *,
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Verify a credential or presentation: ``{verified, kind, checks, errors}`` (never raises)."""
    now = now or datetime.now(UTC)
    checks: list[str] = []
    types = document.get("type") if isinstance(document, dict) else None
    kind = "presentation" if isinstance(types, list) and "VerifiablePresentation" in types else "credential"
    try:
        if not isinstance(document, dict):
            raise MalformedDocumentError("the document must be a JSON object")
        resolver = chain_key_resolver(node, document)
        if kind == "presentation":
            if challenge is None or domain is None:
                raise MalformedDocumentError("a presentation needs the verifier's challenge and domain")
            result = verify_presentation(
                document, resolve_key=resolver, now=now, challenge=challenge, domain=domain
            )
            checks += ["shape", "holder-proof", "proof", "validity", "schema"]
            credentials = [c.credential for c in result.credentials]
        else:
            verify_credential(document, resolve_key=resolver, now=now)
            checks += ["shape", "proof", "validity", "schema"]
            credentials = [document]
        for credential in credentials:
            _chain_checks(node, credential, checks)
    except (VcError, LedgerError) as exc:
        return {"verified": False, "kind": kind, "checks": checks, "errors": [_error(exc)]}
    return {"verified": True, "kind": kind, "checks": checks, "errors": []}


def check_status_list_credential(
    node: StatusListHost, issuer: str, list_id: str, credential: dict[str, Any]
) -> None:
    """Accept a signed ``BitstringStatusListCredential`` for hosting, else raise.

    NotFoundError (404) when ``issuer`` anchored no list ``list_id`` on chain; ``vc/13`` when the
    document's issuer or a proof's key is not ``issuer``; ``vc/2``, ``vc/3``, ``vc/12`` when a proof is
    malformed, does not verify with the issuer's on-chain DID keys (version in force at the proof's
    ``created``) or names an unknown key; ``vc/17`` when it is not a status list of the on-chain purpose or
    its bitstring does not hash (zone hash) to the on-chain ``list_hash``.
    """
    anchored = node.get_status_list(issuer, list_id)
    document_issuer = credential.get("issuer")
    if isinstance(document_issuer, dict):
        document_issuer = document_issuer.get("id")
    if document_issuer != issuer:
        raise IssuerMismatchError(f"the list credential's issuer {document_issuer!r} is not {issuer!r}")
    proofs = verify_proofs(
        credential, resolve_key=chain_key_resolver(node, credential), expected_proof_purpose="assertionMethod"
    )
    for proof in proofs:
        if proof.controller != issuer:
            raise IssuerMismatchError(f"proof by {proof.verification_method!r}, not by the issuer {issuer!r}")
    bits = read_status_list(credential, anchored["purpose"])
    algorithm = str(node.status()["hash_algorithm"])
    if compute_list_hash(bits, algorithm) != anchored["list_hash"]:
        raise StatusListError(
            f"status list {list_id!r} does not match the hash {anchored['list_hash']} anchored on chain"
        )
