"""Off-chain W3C Verifiable Credentials for bayledger (see README.md in this folder).

Credentials and presentations (VC Data Model 2.0) secured with Data Integrity proofs — ``eddsa-jcs-2022``
(W3C) and ``bayledger-sm2-jcs-2025`` (ours, docs/adr/0006) — subject JSON Schemas per credential type, and
Bitstring Status List revocation/suspension. Nothing here is part of the deterministic core.
"""

from __future__ import annotations

from bayledger.vc.credentials import (
    VC_CONTEXT_V2,
    VerifiedCredential,
    VerifiedPresentation,
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from bayledger.vc.cryptosuites import EDDSA_JCS_2022, SM2_JCS_2025
from bayledger.vc.data_integrity import (
    KeyResolver,
    StaticKeyResolver,
    VerifiedProof,
    add_proof,
    create_proof,
    did_key_resolver,
    verify_proofs,
)
from bayledger.vc.errors import VcError
from bayledger.vc.multikey import Multikey, decode_public_key, encode_public_key
from bayledger.vc.status_list import (
    StatusList,
    build_status_list_credential,
    check_status,
    compute_list_hash,
    create_status_list,
    status_list_entry,
)
from bayledger.vc.subject_schemas import CREDENTIAL_TYPES, validate_subject

__all__ = [
    "CREDENTIAL_TYPES",
    "EDDSA_JCS_2022",
    "SM2_JCS_2025",
    "VC_CONTEXT_V2",
    "KeyResolver",
    "Multikey",
    "StaticKeyResolver",
    "StatusList",
    "VcError",
    "VerifiedCredential",
    "VerifiedPresentation",
    "VerifiedProof",
    "add_proof",
    "build_status_list_credential",
    "check_status",
    "compute_list_hash",
    "create_presentation",
    "create_proof",
    "create_status_list",
    "decode_public_key",
    "did_key_resolver",
    "encode_public_key",
    "issue_credential",
    "status_list_entry",
    "validate_subject",
    "verify_credential",
    "verify_presentation",
    "verify_proofs",
]
