"""Errors of the impact module (codespace ``impact``). Codes never change once released."""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "impact"


class ImpactError(MsgFailedError):
    """Base of the impact module's errors."""

    codespace = CODESPACE


class InvalidImpactMsgError(ImpactError):
    """A field is malformed (id, name, date, amount, taxonomy code, indicator); the message says which."""

    code = 2


class ProjectExistsError(ImpactError):
    """A project with this id is already registered."""

    code = 3

    def __init__(self, project_id: str) -> None:
        super().__init__(f"project {project_id} is already registered")


class ProjectNotFoundError(ImpactError):
    """No project has this id."""

    code = 4

    def __init__(self, project_id: str) -> None:
        super().__init__(f"project {project_id} does not exist")


class NotProjectOwnerError(ImpactError):
    """Only the project's owner may allocate to it or report its impact."""

    code = 5

    def __init__(self, signer: str, project_id: str, owner: str) -> None:
        super().__init__(f"{signer} is not the owner of project {project_id} ({owner} is)")


class NotBondIssuerError(ImpactError):
    """Only the bond's issuer may allocate its proceeds."""

    code = 6

    def __init__(self, signer: str, bond_id: str, issuer: str) -> None:
        super().__init__(f"{signer} did not issue bond {bond_id} ({issuer} did)")


class AllocationExceedsProceedsError(ImpactError):
    """The allocation would take the bond's allocated total above the proceeds it raised."""

    code = 7

    def __init__(self, bond_id: str, proceeds: int, allocated: int, amount: int) -> None:
        super().__init__(
            f"bond {bond_id} raised {proceeds}, {allocated} is allocated; {amount} more exceeds the proceeds "
            f"by {allocated + amount - proceeds}"
        )


class CurrencyMismatchError(ImpactError):
    """The project is financed in another currency than the bond's."""

    code = 8

    def __init__(self, project_id: str, project_currency: str, bond_id: str, bond_currency: str) -> None:
        super().__init__(
            f"project {project_id} is in {project_currency}, bond {bond_id} settles in {bond_currency}"
        )


class FutureDateError(ImpactError):
    """A date lies after the chain's current date (allocations and reports record what happened)."""

    code = 9

    def __init__(self, what: str, date: str, today: str) -> None:
        super().__init__(f"{what} {date} is after the chain's date {today}")


class ReportNotFoundError(ImpactError):
    """No impact report has this id."""

    code = 10

    def __init__(self, report_id: str) -> None:
        super().__init__(f"impact report {report_id} does not exist")


class ReportAlreadyReviewedError(ImpactError):
    """The report already carries a verification decision; it is never reviewed twice."""

    code = 11

    def __init__(self, report_id: str, status: str, reviewer: str) -> None:
        super().__init__(f"impact report {report_id} is already {status} by {reviewer}")


class SelfReviewError(ImpactError):
    """The project owner cannot verify its own report."""

    code = 12

    def __init__(self, report_id: str) -> None:
        super().__init__(f"the owner of report {report_id} cannot verify it")


class NotFinancedError(ImpactError):
    """The bond financed nothing of this project (no allocation), so no impact is attributed."""

    code = 13

    def __init__(self, bond_id: str, project_id: str) -> None:
        super().__init__(f"bond {bond_id} has no allocation to project {project_id}")


class BondNotSettledError(ImpactError):
    """The bond raised no proceeds yet (not settled): there is nothing to allocate."""

    code = 14

    def __init__(self, bond_id: str) -> None:
        super().__init__(f"bond {bond_id} has raised no proceeds yet")


class BondNotFoundError(ImpactError):
    """No bond has this id."""

    code = 15

    def __init__(self, bond_id: str) -> None:
        super().__init__(f"bond {bond_id} does not exist")


class CategoryNotEligibleError(ImpactError):
    """The project's ICMA category is not an eligible category of the green bond's framework."""

    code = 16

    def __init__(self, project_id: str, category: str, bond_id: str, framework_id: str) -> None:
        super().__init__(
            f"project {project_id} is {category}, not an eligible category of framework {framework_id} "
            f"of bond {bond_id}"
        )


class ProjectOverfinancedError(ImpactError):
    """Allocations to the project would exceed its total financing (all sources)."""

    code = 17

    def __init__(self, project_id: str, total: int, allocated: int, amount: int) -> None:
        super().__init__(
            f"project {project_id} costs {total} in total, {allocated} is allocated; {amount} more exceeds "
            f"it by {allocated + amount - total}"
        )


class AllocationBeforeSettlementError(ImpactError):
    """An allocation is dated before the bond's settlement: proceeds cannot be spent before they exist."""

    code = 18

    def __init__(self, bond_id: str, date: str, settlement: str) -> None:
        super().__init__(f"allocation dated {date} is before bond {bond_id} settled ({settlement})")


class ReportPeriodOverlapError(ImpactError):
    """A report of the same basis (not rejected) already covers part of the period: impact counts once."""

    code = 19

    def __init__(self, project_id: str, other_report: str, start: str, end: str) -> None:
        super().__init__(f"project {project_id}: report {other_report} already covers {start}..{end}")


class CarbonRefInUseError(ImpactError):
    """Another project already claims this carbon registry project (one claim per carbon project)."""

    code = 20

    def __init__(self, carbon_project_ref: str, project_id: str) -> None:
        super().__init__(f"carbon project {carbon_project_ref} is already project {project_id}")


class LedgerFullError(ImpactError):
    """A bond's allocation ledger or a project's report list reached its maximum number of entries."""

    code = 21

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} holds at most {limit} entries")
