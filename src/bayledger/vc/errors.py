"""Typed errors of the Verifiable Credentials library: codespace ``vc``.

Each error has a stable integer ``code`` that never changes once released, so a client (or the REST layer,
as RFC 9457 problem+json) can switch on ``(codespace, code)``. ``VcError`` derives from the ledger's
``LedgerError`` and so shares its ``to_dict``.

The W3C error types they correspond to are noted per class (Data Integrity §4 "Processing Errors",
VC Data Model 2.0 §7.1, Bitstring Status List §3.5).
"""

from __future__ import annotations

from typing import ClassVar

from bayledger.core.errors import LedgerError


class VcError(LedgerError):
    """Base of every error raised by ``bayledger.vc``."""

    codespace: ClassVar[str] = "vc"
    code: ClassVar[int] = 1


class MalformedDocumentError(VcError):
    """The credential, presentation or proof does not have the required shape (MALFORMED_VALUE_ERROR,
    PROOF_TRANSFORMATION_ERROR)."""

    code = 2


class InvalidProofError(VcError):
    """A proof does not verify: bad signature, wrong key, tampered document (PROOF_VERIFICATION_ERROR)."""

    code = 3


class UnsupportedCryptosuiteError(VcError):
    """The proof's ``type``/``cryptosuite`` is not one this library implements, or does not fit the key."""

    code = 4


class ProofPurposeMismatchError(VcError):
    """The proof's ``proofPurpose`` is not the one the verifier expects (PROOF_VERIFICATION_ERROR)."""

    code = 5


class ChallengeMismatchError(VcError):
    """The proof's ``challenge`` is missing or differs from the verifier's (INVALID_CHALLENGE_ERROR)."""

    code = 6


class DomainMismatchError(VcError):
    """The proof's ``domain`` is missing or differs from the verifier's (INVALID_DOMAIN_ERROR)."""

    code = 7


class ExpiredCredentialError(VcError):
    """``now`` is after the credential's ``validUntil`` (or its subject's ``expiry``)."""

    code = 8


class NotYetValidError(VcError):
    """``now`` is before the credential's ``validFrom``."""

    code = 9


class SchemaViolationError(VcError):
    """A ``credentialSubject`` does not satisfy the JSON Schema of its credential type."""

    code = 10


class UnknownCredentialTypeError(VcError):
    """The credential's ``type`` names no credential type this library has a schema for."""

    code = 11


class UnresolvableKeyError(VcError):
    """The proof's ``verificationMethod`` cannot be resolved to a public key."""

    code = 12


class IssuerMismatchError(VcError):
    """The proof was made by a key that is not controlled by the issuer (or by the presentation's holder)."""

    code = 13


class ExpiredProofError(VcError):
    """``now`` is after the proof's ``expires``."""

    code = 14


class RevokedCredentialError(VcError):
    """The credential's revocation bit is set in its status list."""

    code = 15


class SuspendedCredentialError(VcError):
    """The credential's suspension bit is set in its status list."""

    code = 16


class StatusListError(VcError):
    """A status list or status entry is unusable: malformed, too short, index out of range, purpose or hash
    mismatch, list credential missing (STATUS_VERIFICATION_ERROR, STATUS_LIST_LENGTH_ERROR, RANGE_ERROR,
    STATUS_RETRIEVAL_ERROR)."""

    code = 17


class InvalidMultikeyError(VcError):
    """A ``publicKeyMultibase`` value is not a Multikey this library can decode."""

    code = 18


class UntrustedIssuerError(VcError):
    """The credential's issuer is not among the issuers the verifier trusts for it."""

    code = 19


class HolderMismatchError(VcError):
    """A presented credential is about someone other than the presentation's holder."""

    code = 20


class DisclosureDigestMismatchError(VcError):
    """SD-JWT: a Disclosure's digest is not among the digests the issuer signed (tampered, foreign or
    unknown Disclosure; RFC 9901 §7.1)."""

    code = 21


class DuplicateDisclosureError(VcError):
    """SD-JWT: a digest appears more than once in the issuer-signed JWT, a Disclosure is presented twice, or
    a disclosed claim name is already present (RFC 9901 §7.1)."""

    code = 22


class KeyBindingError(VcError):
    """SD-JWT: the Key Binding JWT is missing, malformed, not signed by the ``cnf`` key, or its ``iat`` is
    outside the verifier's window (RFC 9901 §4.3, §7.3)."""

    code = 23


class SdHashMismatchError(VcError):
    """SD-JWT: the Key Binding JWT's ``sd_hash`` is not the digest of the presentation it is attached to
    (a KB-JWT replayed onto another presentation, or Disclosures added or removed; RFC 9901 §4.3.1)."""

    code = 24
