"""Errors of the anchor module (codespace ``anchor``). Codes never change once released."""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "anchor"


class AnchorError(MsgFailedError):
    """Base of the anchor module's errors."""

    codespace = CODESPACE


class InvalidAnchorError(AnchorError):
    """A field of the anchor or attestation is malformed (hash, type, URI, metadata)."""

    code = 2


class AnchorExistsError(AnchorError):
    """The owner already anchored this content hash."""

    code = 3

    def __init__(self, owner: str, content_hash: str, anchor_id: str) -> None:
        super().__init__(f"{owner} already anchored {content_hash} as {anchor_id}")


class AnchorNotFoundError(AnchorError):
    """No anchor has this id."""

    code = 4

    def __init__(self, anchor_id: str) -> None:
        super().__init__(f"anchor {anchor_id} does not exist")


class DuplicateAttestationError(AnchorError):
    """This attester already attested this anchor."""

    code = 5

    def __init__(self, anchor_id: str, attester: str) -> None:
        super().__init__(f"{attester} already attested {anchor_id}")


class SelfAttestationError(AnchorError):
    """An owner cannot attest its own anchor: attestations are third-party statements."""

    code = 6

    def __init__(self, anchor_id: str) -> None:
        super().__init__(f"the owner of {anchor_id} cannot attest it; attestations come from third parties")
