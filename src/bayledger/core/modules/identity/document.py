"""The DID document of a ``did:bid`` account, built deterministically from its signers and services.

The document follows DID Core 1.0 with Multikey verification methods (W3C Controlled Identifiers 1.0):
every signer of the account is a verification method ``<did>#key-<n>`` (n = 1, 2, … in signer order),
usable for ``authentication`` and ``assertionMethod``. Weights and the threshold stay in the account record:
DID Core has no place for them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.modules.accounts.state import Signer
from bayledger.core.multikey import encode_public_key
from bayledger.core.types import Did

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
VERIFICATION_METHOD_TYPE = "Multikey"

_ENCODER = msgspec.json.Encoder(order="sorted")


class DidService(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A service of a DID document: ``id`` is a fragment (the document writes ``<did>#<id>``)."""

    id: str
    type: str
    service_endpoint: str


def compute_key_id(did: Did, index: int) -> str:
    """The verification method id of the ``index``-th (0-based) signer: ``<did>#key-<index + 1>``."""
    return f"{did}#key-{index + 1}"


def compute_did_document(
    did: Did, signers: list[Signer], services: list[DidService], *, deactivated: bool = False
) -> dict[str, Any]:
    """The DID document as a JSON-ready dict; a deactivated document lists no keys and no services."""
    methods = (
        []
        if deactivated
        else [
            {
                "id": compute_key_id(did, index),
                "type": VERIFICATION_METHOD_TYPE,
                "controller": did,
                "publicKeyMultibase": encode_public_key(signer.key_type, signer.public_key),
            }
            for index, signer in enumerate(signers)
        ]
    )
    method_ids = [m["id"] for m in methods]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "controller": did,
        "verificationMethod": methods,
        "authentication": list(method_ids),
        "assertionMethod": list(method_ids),
        "service": []
        if deactivated
        else [
            {"id": f"{did}#{s.id}", "type": s.type, "serviceEndpoint": s.service_endpoint} for s in services
        ],
    }


def encode_did_document(document: dict[str, Any]) -> str:
    """Canonical JSON text of a document (sorted keys, no spaces): what a version stores and proves."""
    return _ENCODER.encode(document).decode("utf-8")


def compute_services(did: Did, document_json: str) -> list[DidService]:
    """The services of a stored document, back in message form (fragment ids)."""
    document = msgspec.json.decode(document_json)
    prefix = f"{did}#"
    return [
        DidService(id=s["id"].removeprefix(prefix), type=s["type"], service_endpoint=s["serviceEndpoint"])
        for s in document.get("service", [])
    ]
