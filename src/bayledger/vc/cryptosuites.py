"""The two Data Integrity cryptosuites of bayledger and the JCS transformation they share.

``eddsa-jcs-2022`` is implemented exactly as W3C "Data Integrity EdDSA Cryptosuites v1.0" (Recommendation,
15 May 2025) §3.3: transformation = JCS (RFC 8785) of the document without ``proof``; proof configuration =
JCS of the proof options (``@context`` copied from the document); hash data = SHA-256(proof configuration)
|| SHA-256(transformed document), 64 bytes; the signature is pure Ed25519 over those 64 bytes.

``bayledger-sm2-jcs-2025`` (docs/adr/0006) has the same structure with SM3 in place of SHA-256 and an SM2
signature (GB/T 32918.2, SM3, distinguishing ID ``1234567812345678``) over the 64 hash bytes, written as the
64-byte ``r||s``. In both suites ``proofValue`` is base58btc multibase (``z…``) of the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import rfc8785

from bayledger.core import encoding, hashing
from bayledger.vc.errors import MalformedDocumentError, UnsupportedCryptosuiteError
from bayledger.vc.timestamps import is_xsd_datetime

PROOF_TYPE: Final = "DataIntegrityProof"
EDDSA_JCS_2022: Final = "eddsa-jcs-2022"
SM2_JCS_2025: Final = "bayledger-sm2-jcs-2025"


@dataclass(frozen=True)
class Cryptosuite:
    """A JCS-based Data Integrity cryptosuite: its name, the key type it signs with and its hash."""

    name: str
    key_type: str
    hash_algorithm: str

    def hash_data(self, transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
        """Hashing step: ``H(canonicalProofConfig) || H(transformedDocument)`` (proof config first)."""
        digest = hashing.get_hash_function(self.hash_algorithm)
        return digest(canonical_proof_config) + digest(transformed_document)


CRYPTOSUITES: Final[dict[str, Cryptosuite]] = {
    EDDSA_JCS_2022: Cryptosuite(EDDSA_JCS_2022, "ed25519", "sha256"),
    SM2_JCS_2025: Cryptosuite(SM2_JCS_2025, "sm2", "sm3"),
}
DEFAULT_CRYPTOSUITE: Final[dict[str, str]] = {"ed25519": EDDSA_JCS_2022, "sm2": SM2_JCS_2025}


def get_cryptosuite(proof_type: object, name: object) -> Cryptosuite:
    """The suite for a proof's ``type`` and ``cryptosuite``; ``UnsupportedCryptosuiteError`` otherwise."""
    if proof_type != PROOF_TYPE:
        raise UnsupportedCryptosuiteError(f"proof type {proof_type!r} is not {PROOF_TYPE!r}")
    suite = CRYPTOSUITES.get(name) if isinstance(name, str) else None
    if suite is None:
        raise UnsupportedCryptosuiteError(
            f"cryptosuite {name!r} is not supported; use one of {list(CRYPTOSUITES)}"
        )
    return suite


def jcs(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value.

    Unlike ``core.encoding.canonical_json`` this accepts floats, which JCS defines and which credentials
    from other issuers may carry; integers beyond 2**53 are refused as JCS requires.
    """
    if encoding.is_fast_path_safe(value):
        return encoding.encode_sorted(value)
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise MalformedDocumentError(f"document cannot be canonicalised with JCS: {error}") from None


def transform(unsecured_document: dict[str, Any], options: dict[str, Any]) -> bytes:
    """Transformation (§3.3.3): check the suite named by ``options``, return JCS of the document."""
    get_cryptosuite(options.get("type"), options.get("cryptosuite"))
    if not isinstance(unsecured_document, dict):
        raise MalformedDocumentError("the document to secure must be a JSON object")
    return jcs(unsecured_document)


def proof_configuration(options: dict[str, Any]) -> bytes:
    """Proof configuration (§3.3.5): check ``type``, ``cryptosuite`` and ``created``; return JCS of options.

    ``options`` must not carry ``proofValue``; it carries ``@context`` when the document has one.
    """
    get_cryptosuite(options.get("type"), options.get("cryptosuite"))
    if "created" in options and not is_xsd_datetime(options["created"]):
        raise MalformedDocumentError(f"proof created {options['created']!r} is not an XML Schema dateTime")
    return jcs(dict(options))
