"""Errors of the datamobility module (codespace ``datamobility``). Codes never change once released.

A transfer request that the rules refuse is **not** an error: it is a successful transaction that records
a ``deny`` decision with its reason codes (so every refusal is logged on chain). Errors are for input that
cannot be decided at all: malformed fields, unknown records, actions by the wrong party.
"""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "datamobility"


class DataMobilityError(MsgFailedError):
    """Base of the datamobility module's errors."""

    codespace = CODESPACE


class InvalidDataMessageError(DataMobilityError):
    """A field fails the stateless checks (DID, ids, lists, lengths, hashes, keys, dates, cities)."""

    code = 2


class AssetNotFoundError(DataMobilityError):
    """No data asset has this id."""

    code = 3

    def __init__(self, asset_id: str) -> None:
        super().__init__(f"data asset {asset_id} does not exist")


class ConsentNotFoundError(DataMobilityError):
    """No consent record has this id."""

    code = 4

    def __init__(self, consent_id: str) -> None:
        super().__init__(f"consent {consent_id} does not exist")


class FilingNotFoundError(DataMobilityError):
    """No GBA Standard Contract filing has this id."""

    code = 5

    def __init__(self, filing_id: str) -> None:
        super().__init__(f"filing {filing_id} does not exist")


class GrantNotFoundError(DataMobilityError):
    """No transfer grant has this id (a forged or mistyped grant)."""

    code = 6

    def __init__(self, grant_id: str) -> None:
        super().__init__(f"grant {grant_id} does not exist on chain")


class NotAuthorisedPartyError(DataMobilityError):
    """The signer is not the party this action belongs to (asset owner, subject, grant holder/recipient)."""

    code = 7

    def __init__(self, what: str, expected: str, signer: str) -> None:
        super().__init__(f"{what} is for {expected}; {signer} may not do it")


class ConsentNotActiveError(DataMobilityError):
    """The consent is already withdrawn or expired."""

    code = 8

    def __init__(self, consent_id: str, status: str) -> None:
        super().__init__(f"consent {consent_id} is {status}")


class GrantNotActiveError(DataMobilityError):
    """The grant is no longer active (consent withdrawn or expired, already delivered or deleted)."""

    code = 9

    def __init__(self, grant_id: str, status: str) -> None:
        super().__init__(f"grant {grant_id} is {status}, not active")


class FilingSupersedeError(DataMobilityError):
    """A new filing may supersede only an active filing of the same processor and recipient."""

    code = 10


class FingerprintNotFoundError(DataMobilityError):
    """No anchored document fingerprint has this id."""

    code = 11

    def __init__(self, fingerprint_id: str) -> None:
        super().__init__(f"document fingerprint {fingerprint_id} does not exist")


class WrongHashAlgorithmError(DataMobilityError):
    """The hash algorithm named does not match the record (or is not sha256/sm3)."""

    code = 12


class DeliveryStateError(DataMobilityError):
    """The delivery step is out of order (no dispatch yet, already acknowledged, nothing to delete)."""

    code = 13


class GrantBasisLapsedError(DataMobilityError):
    """At dispatch, the grant's basis no longer holds: the recipient has no valid DataRecipientCredential
    any more, or the filing is superseded (or gone) or not yet effective."""

    code = 14

    def __init__(self, grant_id: str, why: str) -> None:
        super().__init__(f"grant {grant_id} cannot be dispatched: {why}")


class WrongKeyTypeError(DataMobilityError):
    """A national-crypto (SM3) zone moves data only with the SM2/SM4 suite: the recipient key must be SM2."""

    code = 15

    def __init__(self, key_type: str) -> None:
        super().__init__(
            f"this zone uses national cryptography (SM3): the recipient key must be sm2:<…>, not {key_type}"
        )
