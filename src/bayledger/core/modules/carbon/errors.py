"""Errors of the carbon-credit registry (codespace ``carbon``). Codes never change once released.

As in every module the base class keeps code 1 and the concrete errors take 2, 3, … Each error carries
the values a user needs to fix the request.
"""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "carbon"


class CarbonError(MsgFailedError):
    """Base of the carbon module's errors."""

    codespace = CODESPACE


class InvalidCarbonMessageError(CarbonError):
    """A field fails the stateless checks (ids, amounts, dates, serial ranges, texts, jurisdiction)."""

    code = 2


class CreditTypeExistsError(CarbonError):
    """A credit type with this abbreviation is already registered."""

    code = 3

    def __init__(self, abbreviation: str) -> None:
        super().__init__(f"credit type {abbreviation} already exists")


class CreditTypeNotFoundError(CarbonError):
    """No credit type has this abbreviation."""

    code = 4

    def __init__(self, abbreviation: str) -> None:
        super().__init__(f"credit type {abbreviation} does not exist")


class ClassNotFoundError(CarbonError):
    """No credit class has this id."""

    code = 5

    def __init__(self, class_id: str) -> None:
        super().__init__(f"credit class {class_id} does not exist")


class NotClassAdminError(CarbonError):
    """Only the class admin may change the class's issuers."""

    code = 6

    def __init__(self, class_id: str, admin: str, signer: str) -> None:
        super().__init__(f"{signer} is not the admin of {class_id}; only {admin} may do this")


class NotClassIssuerError(CarbonError):
    """The signer is not an allowed issuer of the class (nor, for projects, its admin)."""

    code = 7

    def __init__(self, class_id: str, signer: str) -> None:
        super().__init__(f"{signer} is not an allowed issuer of credit class {class_id}")


class ProjectNotFoundError(CarbonError):
    """No project has this id."""

    code = 8

    def __init__(self, project_id: str) -> None:
        super().__init__(f"project {project_id} does not exist")


class BatchNotFoundError(CarbonError):
    """No batch has this id."""

    code = 9

    def __init__(self, batch_id: str) -> None:
        super().__init__(f"batch {batch_id} does not exist")


class VerifiedAmountExceededError(CarbonError):
    """The issuance adds up to more than the verification report's verified quantity."""

    code = 10

    def __init__(self, anchor_id: str, verified: int, requested: int) -> None:
        super().__init__(
            f"issuing {requested} units but report {anchor_id} verifies only {verified} (smallest units)"
        )


class InsufficientCreditsError(CarbonError):
    """The holder's tradable balance of the batch is below the amount (retired or escrowed do not move)."""

    code = 11

    def __init__(
        self, batch_id: str, holder: str, tradable: int, want: int, retired: int, escrowed: int
    ) -> None:
        super().__init__(
            f"{holder} holds {tradable} tradable units of {batch_id}, {want} requested"
            f" ({retired} retired and {escrowed} escrowed units cannot move)"
        )
        self.tradable = tradable
        self.want = want


class PrecisionExceededError(CarbonError):
    """A quantity has more decimal places than its credit type's precision."""

    code = 12

    def __init__(self, text: str, precision: int) -> None:
        super().__init__(f"quantity {text!r} has more than {precision} decimal places (the type's precision)")


class CreditsRetiredError(CarbonError):
    """Named serials are retired: retired credits never move and are never retired twice."""

    code = 13

    def __init__(self, batch_id: str, first: int, last: int, retirement_id: str) -> None:
        super().__init__(f"serials {first}-{last} of {batch_id} are already retired ({retirement_id})")
        self.retirement_id = retirement_id


class CreditsEscrowedError(CarbonError):
    """Named serials are in escrow: only the escrow agent can release them."""

    code = 14

    def __init__(self, batch_id: str, first: int, last: int, escrow_id: str) -> None:
        super().__init__(f"serials {first}-{last} of {batch_id} are escrowed ({escrow_id})")


class CreditsCancelledError(CarbonError):
    """Named serials were cancelled (e.g. bridged out to another registry)."""

    code = 15

    def __init__(self, batch_id: str, first: int, last: int, cancellation_id: str) -> None:
        super().__init__(f"serials {first}-{last} of {batch_id} are cancelled ({cancellation_id})")


class SerialsNotHeldError(CarbonError):
    """Named serials are held by another account, or lie outside the batch."""

    code = 16

    def __init__(self, batch_id: str, first: int, last: int, holder: str) -> None:
        super().__init__(f"serials {first}-{last} of {batch_id} are not tradable credits of {holder}")


class BridgeReplayError(CarbonError):
    """This origin reference was already bridged in: the same credits are never minted twice."""

    code = 17

    def __init__(self, registry: str, reference: str, batch_id: str) -> None:
        super().__init__(f"{registry} reference {reference} was already bridged in as {batch_id}")


class EscrowNotFoundError(CarbonError):
    """No open escrow has this id."""

    code = 18

    def __init__(self, escrow_id: str) -> None:
        super().__init__(f"escrow {escrow_id} does not exist (or was released)")


class NotEscrowAgentError(CarbonError):
    """Only the escrow's agent may release it."""

    code = 19

    def __init__(self, escrow_id: str, agent: str, signer: str) -> None:
        super().__init__(f"{signer} is not the agent of {escrow_id}; only {agent} may release it")


class ReportNotAttestedError(CarbonError):
    """The verification report anchor is missing, not attested by the issuer, or states no quantity."""

    code = 20


class ReportAlreadyUsedError(CarbonError):
    """A verification report backs one batch only."""

    code = 21

    def __init__(self, anchor_id: str, batch_id: str) -> None:
        super().__init__(f"verification report {anchor_id} already backs batch {batch_id}")


class NotAdjustmentAuthorityError(CarbonError):
    """Corresponding-adjustment status is set by a consortium member with the regulator role."""

    code = 22

    def __init__(self, signer: str) -> None:
        super().__init__(f"{signer} is not a consortium member with the 'regulator' role")


class SupplyOverflowError(CarbonError):
    """A batch would pass 2^53 - 1 smallest units."""

    code = 23

    def __init__(self, requested: int, maximum: int) -> None:
        super().__init__(f"a batch of {requested} units exceeds the maximum {maximum}")
