"""JSON Schemas (draft 2020-12) of the ``credentialSubject`` of each bayledger credential type.

The schema files live in ``bayledger/vc/schemas/<CredentialType>.json`` (package data). Each file is checked
with ``jsonschema.Draft202012Validator.check_schema`` when first loaded, and subjects are validated with
``jsonschema.Draft202012Validator``, so JSON Schema semantics apply throughout: ``format`` is an annotation
(not asserted), and a number with a zero fractional part such as ``2.0`` is an ``integer``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

from jsonschema import Draft202012Validator

from bayledger.vc.errors import SchemaViolationError, UnknownCredentialTypeError

CREDENTIAL_TYPES: Final[tuple[str, ...]] = (
    "KycCredential",
    "ProfessionalInvestorCredential",
    "LicensedBankCredential",
    "ExternalReviewerCredential",
    "CarbonVerifierCredential",
    "CarbonRetirementCertificate",
    "DataRecipientCredential",
    "GreenBondReviewCredential",
    "BitstringStatusListCredential",
)


@cache
def _load(credential_type: str) -> dict[str, Any]:
    """The parsed schema file; ``jsonschema.SchemaError`` when it is not a valid draft 2020-12 schema."""
    text = resources.files("bayledger.vc").joinpath("schemas", f"{credential_type}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator(credential_type: str) -> Draft202012Validator:
    return Draft202012Validator(_load(credential_type))


def load_schema(credential_type: str) -> dict[str, Any]:
    """The subject schema of ``credential_type``; ``UnknownCredentialTypeError`` for other types."""
    if credential_type not in CREDENTIAL_TYPES:
        raise UnknownCredentialTypeError(f"no schema for credential type {credential_type!r}")
    copied: dict[str, Any] = json.loads(json.dumps(_load(credential_type)))  # callers cannot alter the cache
    return copied


def credential_type_of(types: object) -> str:
    """The one bayledger credential type among a credential's ``type`` values.

    Raises ``UnknownCredentialTypeError`` when there is none, or more than one.
    """
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    known = [name for name in names if name in CREDENTIAL_TYPES]
    if len(known) != 1:
        raise UnknownCredentialTypeError(f"type {types!r} names {len(known)} known credential types, need 1")
    return known[0]


def subject_errors(credential_type: str, subject: object) -> list[str]:
    """Every violation of the subject schema by ``subject`` (empty when valid), sorted.

    Each entry is ``"$.<path>: <jsonschema message>"``; ``UnknownCredentialTypeError`` for unknown types.
    """
    if credential_type not in CREDENTIAL_TYPES:
        raise UnknownCredentialTypeError(f"no schema for credential type {credential_type!r}")
    errors = _validator(credential_type).iter_errors(subject)
    return sorted(f"$.{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def validate_subject(credential_type: str, subject: object) -> None:
    """Raise ``SchemaViolationError`` (listing every violation) unless ``subject`` fits its type's schema."""
    errors = subject_errors(credential_type, subject)
    if errors:
        raise SchemaViolationError(f"{credential_type} credentialSubject: " + "; ".join(errors))
