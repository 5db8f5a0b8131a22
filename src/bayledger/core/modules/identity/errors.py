"""Errors of the identity module (codespace ``identity``). Codes never change once released."""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "identity"


class IdentityError(MsgFailedError):
    """Base of the identity module's errors."""

    codespace = CODESPACE


class InvalidIdentityMessageError(IdentityError):
    """A field fails the stateless checks (service, credential id or type, jurisdiction, hash, indices)."""

    code = 2


class DidExistsError(IdentityError):
    """The DID already has a document; use MsgUpdateDid."""

    code = 3

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} already has a DID document; update it with MsgUpdateDid")


class DidNotFoundError(IdentityError):
    """The DID has no document yet; register it with MsgRegisterDid."""

    code = 4

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} has no DID document; register it with MsgRegisterDid first")


class DidDeactivatedError(IdentityError):
    """The DID document is deactivated; nothing can change it any more."""

    code = 5

    def __init__(self, did: str, version: int) -> None:
        super().__init__(f"{did} was deactivated at version {version}")


class UntrustedIssuerError(IdentityError):
    """The issuer is not a trusted issuer of this credential type for this jurisdiction."""

    code = 6

    def __init__(self, issuer: str, credential_type: str, jurisdiction: str) -> None:
        super().__init__(
            f"{issuer} is not a trusted issuer of {credential_type!r} credentials for jurisdiction "
            f"{jurisdiction!r}"
        )


class CredentialExistsError(IdentityError):
    """The issuer already registered a credential with this id."""

    code = 7

    def __init__(self, issuer: str, credential_id: str) -> None:
        super().__init__(f"{issuer} already registered credential {credential_id!r}")


class StatusPurposeMismatchError(IdentityError):
    """The status list exists with another purpose."""

    code = 8

    def __init__(self, issuer: str, list_id: str, purpose: str, requested: str) -> None:
        super().__init__(f"status list {issuer}/{list_id} is a {purpose} list, not a {requested} list")


class RevocationIrreversibleError(IdentityError):
    """An index of a revocation list cannot be cleared: revocation is permanent."""

    code = 9

    def __init__(self, issuer: str, list_id: str, indices: list[int]) -> None:
        super().__init__(
            f"status list {issuer}/{list_id} is a revocation list; revoked indices cannot be cleared "
            f"(asked to clear {indices[:8]})"
        )


class CredentialRequiredError(IdentityError):
    """The signer holds no valid credential of the type the message requires."""

    code = 10

    def __init__(self, signer: str, credential_type: str) -> None:
        super().__init__(
            f"{signer} holds no valid {credential_type!r} credential from a trusted issuer "
            "(registered, within validity, not revoked or suspended)"
        )
