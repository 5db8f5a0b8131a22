"""W3C Verifiable Credentials Data Model 2.0: issue and verify credentials and presentations.

Issuing builds the credential, checks its subject against the type's JSON Schema and signs it with a Data
Integrity proof (``assertionMethod``). Verifying checks, in this order, raising a typed ``VcError``:

1. shape (``@context`` starting with the VC 2.0 context, ``type``, ``issuer``, ``credentialSubject``,
   date formats) — ``MalformedDocumentError``;
2. exactly one known bayledger credential type — ``UnknownCredentialTypeError``;
3. the proofs (``assertionMethod``, by a key the issuer controls) — ``InvalidProofError`` & co.;
4. optional trusted-issuer list — ``UntrustedIssuerError``;
5. validity against the caller's ``now``: ``validFrom`` — ``NotYetValidError``; ``validUntil`` and a
   subject's ``expiry`` — ``ExpiredCredentialError``;
6. the subject schema — ``SchemaViolationError``;
7. status, when the caller supplies the status list credentials — ``RevokedCredentialError``,
   ``SuspendedCredentialError``, ``StatusListError``.

No function reads the clock or the network: ``now``, keys (through a resolver) and status lists are inputs.
Presentations carry the holder's ``authentication`` proof bound to the verifier's ``challenge`` and
``domain``; verifying one verifies the holder's proof and every embedded credential.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bayledger.keys import SigningKey
from bayledger.vc import status_list
from bayledger.vc.data_integrity import KeyResolver, VerifiedProof, add_proof, controller_of, verify_proofs
from bayledger.vc.errors import (
    ExpiredCredentialError,
    HolderMismatchError,
    IssuerMismatchError,
    MalformedDocumentError,
    NotYetValidError,
    UntrustedIssuerError,
)
from bayledger.vc.subject_schemas import credential_type_of, validate_subject
from bayledger.vc.timestamps import format_datetime, parse_datetime_stamp, require_aware

VC_CONTEXT_V2: Final = "https://www.w3.org/ns/credentials/v2"
CREDENTIAL_TYPE: Final = "VerifiableCredential"
PRESENTATION_TYPE: Final = "VerifiablePresentation"


@dataclass(frozen=True)
class VerifiedCredential:
    """A credential that passed every check, with what the checks established."""

    credential: dict[str, Any]
    credential_type: str
    issuer: str
    subjects: tuple[dict[str, Any], ...]
    proofs: tuple[VerifiedProof, ...]
    status: tuple[status_list.StatusResult, ...]
    status_checked: bool


@dataclass(frozen=True)
class VerifiedPresentation:
    """A presentation whose holder proof and embedded credentials all verified."""

    presentation: dict[str, Any]
    holder: str
    proofs: tuple[VerifiedProof, ...]
    credentials: tuple[VerifiedCredential, ...]


def issue_credential(
    *,
    credential_type: str,
    subject: dict[str, Any],
    issuer: str,
    signing_key: SigningKey,
    verification_method: str,
    issued_at: datetime,
    valid_until: datetime | None = None,
    credential_id: str | None = None,
    credential_status: dict[str, Any] | list[dict[str, Any]] | None = None,
    name: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """Build, schema-check and sign a credential of ``credential_type`` about ``subject``.

    ``validFrom`` and the proof's ``created`` are ``issued_at``; ``verification_method`` must belong to
    ``issuer`` (e.g. ``did:bid:ef…#key-1``). Raises ``SchemaViolationError`` for an invalid subject.
    """
    validate_subject(credential_type, subject)
    if controller_of(verification_method) != issuer:
        raise IssuerMismatchError(
            f"verification method {verification_method!r} does not belong to {issuer!r}"
        )
    credential: dict[str, Any] = {"@context": [VC_CONTEXT_V2]}
    if credential_id is not None:
        credential["id"] = credential_id
    credential["type"] = [CREDENTIAL_TYPE, credential_type]
    if name is not None:
        credential["name"] = name
    if description is not None:
        credential["description"] = description
    credential["issuer"] = issuer
    credential["validFrom"] = format_datetime(issued_at)
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = copy.deepcopy(subject)
    if credential_status is not None:
        credential["credentialStatus"] = copy.deepcopy(credential_status)
    return add_proof(credential, signing_key, verification_method=verification_method, created=issued_at)


def _id_of(value: object, what: str) -> str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    raise MalformedDocumentError(f"{what} must be a URL or an object with an id")


def _check_shape(document: object, required_type: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise MalformedDocumentError("a credential or presentation is a JSON object")
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_CONTEXT_V2:
        raise MalformedDocumentError(f"@context must be a list starting with {VC_CONTEXT_V2}")
    types = document.get("type")
    if not isinstance(types, list) or required_type not in types:
        raise MalformedDocumentError(f"type must be a list including {required_type}")
    if "id" in document and not isinstance(document["id"], str):
        raise MalformedDocumentError("id must be a URL string")
    return document


def _subjects(credential: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    raw = credential.get("credentialSubject")
    subjects = raw if isinstance(raw, list) else [raw]
    if not subjects or not all(isinstance(subject, dict) and subject for subject in subjects):
        raise MalformedDocumentError("credentialSubject must be a non-empty object or list of objects")
    return tuple(subjects)


def _moment(credential: dict[str, Any], name: str) -> datetime | None:
    if name not in credential:
        return None
    try:
        return parse_datetime_stamp(credential[name])
    except ValueError as error:
        raise MalformedDocumentError(f"{name}: {error}") from None


def _check_validity(credential: dict[str, Any], subjects: Sequence[dict[str, Any]], now: datetime) -> None:
    valid_from, valid_until = _moment(credential, "validFrom"), _moment(credential, "validUntil")
    if valid_from is not None and now < valid_from:
        raise NotYetValidError(f"credential is valid from {credential['validFrom']}")
    if valid_until is not None and now > valid_until:
        raise ExpiredCredentialError(f"credential expired at {credential['validUntil']}")
    for subject in subjects:
        if "expiry" in subject:
            expiry = _moment(subject, "expiry")
            if expiry is not None and now > expiry:
                raise ExpiredCredentialError(f"credentialSubject expired at {subject['expiry']}")


def verify_credential(
    credential: dict[str, Any],
    *,
    resolve_key: KeyResolver,
    now: datetime,
    status_lists: Mapping[str, dict[str, Any]] | None = None,
    anchored_status_hashes: Mapping[str, str] | None = None,
    status_hash_algorithm: str = "sha256",
    trusted_issuers: Collection[str] | None = None,
) -> VerifiedCredential:
    """Verify a credential at time ``now`` (aware ``datetime``); see the module docstring for the checks.

    ``status_lists`` maps ``statusListCredential`` URLs to status list credentials; when given, each of
    them is verified too (same resolver and ``now``) and every status entry is checked. When it is
    ``None`` status is not checked and ``status_checked`` is False.
    """
    require_aware(now)
    _check_shape(credential, CREDENTIAL_TYPE)
    issuer = _id_of(credential.get("issuer"), "issuer")
    subjects = _subjects(credential)
    for name in ("validFrom", "validUntil"):
        _moment(credential, name)  # date formats are part of the shape: checked before the proofs
    credential_type = credential_type_of(credential.get("type"))
    proofs = verify_proofs(
        credential, resolve_key=resolve_key, expected_proof_purpose="assertionMethod", now=now
    )
    for proof in proofs:
        if proof.controller != issuer:
            raise IssuerMismatchError(f"proof by {proof.verification_method!r}, not by the issuer {issuer!r}")
    if trusted_issuers is not None and issuer not in trusted_issuers:
        raise UntrustedIssuerError(f"issuer {issuer!r} is not trusted for {credential_type}")
    _check_validity(credential, subjects, now)
    for subject in subjects:
        validate_subject(credential_type, subject)
    results: tuple[status_list.StatusResult, ...] = ()
    if status_lists is not None:
        lists = {}
        for entry in status_list.status_entries(credential):
            url = entry.get("statusListCredential")
            if isinstance(url, str) and url in status_lists and url not in lists:
                verify_credential(status_lists[url], resolve_key=resolve_key, now=now)
                lists[url] = status_lists[url]
        results = status_list.check_status(credential, lists, anchored_status_hashes, status_hash_algorithm)
    return VerifiedCredential(
        credential,
        credential_type,
        issuer,
        subjects,
        proofs,
        results,
        status_checked=status_lists is not None,
    )


def create_presentation(
    credentials: Sequence[dict[str, Any]],
    *,
    holder: str,
    signing_key: SigningKey,
    verification_method: str,
    challenge: str,
    domain: str,
    created: datetime,
    presentation_id: str | None = None,
) -> dict[str, Any]:
    """A presentation of ``credentials`` signed by ``holder`` (``authentication``) for one ``challenge``
    and ``domain`` chosen by the verifier."""
    if controller_of(verification_method) != holder:
        raise IssuerMismatchError(
            f"verification method {verification_method!r} does not belong to {holder!r}"
        )
    presentation: dict[str, Any] = {"@context": [VC_CONTEXT_V2]}
    if presentation_id is not None:
        presentation["id"] = presentation_id
    presentation["type"] = [PRESENTATION_TYPE]
    presentation["holder"] = holder
    presentation["verifiableCredential"] = copy.deepcopy(list(credentials))
    return add_proof(
        presentation,
        signing_key,
        verification_method=verification_method,
        proof_purpose="authentication",
        created=created,
        challenge=challenge,
        domain=domain,
    )


def verify_presentation(
    presentation: dict[str, Any],
    *,
    resolve_key: KeyResolver,
    now: datetime,
    challenge: str,
    domain: str,
    status_lists: Mapping[str, dict[str, Any]] | None = None,
    trusted_issuers: Collection[str] | None = None,
    require_holder_is_subject: bool = False,
) -> VerifiedPresentation:
    """Verify the holder's ``authentication`` proof (bound to ``challenge`` and ``domain``) and every
    embedded credential (``verify_credential``, same options).

    With ``require_holder_is_subject`` every credential must be about the holder (``HolderMismatchError``).
    """
    require_aware(now)
    _check_shape(presentation, PRESENTATION_TYPE)
    holder = _id_of(presentation.get("holder"), "holder")
    proofs = verify_proofs(
        presentation,
        resolve_key=resolve_key,
        expected_proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        now=now,
    )
    for proof in proofs:
        if proof.controller != holder:
            raise IssuerMismatchError(
                f"presentation signed by {proof.verification_method!r}, not by {holder!r}"
            )
    raw = presentation.get("verifiableCredential", [])
    embedded = raw if isinstance(raw, list) else [raw]
    verified = []
    for credential in embedded:
        result = verify_credential(
            credential,
            resolve_key=resolve_key,
            now=now,
            status_lists=status_lists,
            trusted_issuers=trusted_issuers,
        )
        if require_holder_is_subject and any(subject.get("id") != holder for subject in result.subjects):
            raise HolderMismatchError(f"a {result.credential_type} is not about the holder {holder!r}")
        verified.append(result)
    return VerifiedPresentation(presentation, holder, proofs, tuple(verified))
