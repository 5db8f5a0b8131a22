"""Handlers of the impact module: check, then mutate, then emit.

The bond a message names is read through the bonds module's state accessors (``get_bond``,
``get_framework``); nothing here writes bond state.
"""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.finance import compute_date_of_day, compute_day_of_date, format_date, parse_date
from bayledger.core.modules.bonds.state import ACTIVE, REDEEMED, Bond, get_bond, get_framework
from bayledger.core.modules.cash.keeper import compute_day
from bayledger.core.modules.claims.keeper import register_project_period_claim
from bayledger.core.modules.impact.errors import (
    AllocationBeforeSettlementError,
    AllocationExceedsProceedsError,
    BondNotFoundError,
    BondNotSettledError,
    CarbonRefInUseError,
    CategoryNotEligibleError,
    CurrencyMismatchError,
    FutureDateError,
    LedgerFullError,
    NotBondIssuerError,
    NotProjectOwnerError,
    ProjectExistsError,
    ProjectNotFoundError,
    ProjectOverfinancedError,
    ReportAlreadyReviewedError,
    ReportNotFoundError,
    ReportPeriodOverlapError,
    SelfReviewError,
)
from bayledger.core.modules.impact.events import (
    EventAllocateProceeds,
    EventRegisterProject,
    EventSubmitImpactReport,
    EventVerifyImpactReport,
)
from bayledger.core.modules.impact.indicators import BASIS_EX_POST, GHG_AVOIDED, GHG_CLAIM_UNIT
from bayledger.core.modules.impact.msgs import (
    MsgAllocateProceeds,
    MsgRegisterProject,
    MsgSubmitImpactReport,
    MsgVerifyImpactReport,
    parse_wire_date,
)
from bayledger.core.modules.impact.state import (
    MAX_LEDGER_ENTRIES,
    STATUS_REJECTED,
    STATUS_REPORTED,
    STATUS_VERIFIED,
    Allocation,
    BondAllocations,
    ImpactReport,
    Project,
    add_allocation,
    compute_allocation_id,
    compute_report_id,
    get_bond_allocations,
    get_carbon_ref_project,
    get_project,
    get_report,
    list_reports,
    set_project,
    set_report,
    take_project_id,
)
from bayledger.core.store import StateReader


def require_project(store: StateReader, project_id: str) -> Project:
    """The project, or ProjectNotFoundError."""
    project = get_project(store, project_id)
    if project is None:
        raise ProjectNotFoundError(project_id)
    return project


def check_not_future(ctx: Context, what: str, text: str) -> int:
    """The day number of the wire date ``text``; FutureDateError when after the block's UTC+8 date."""
    day = compute_day_of_date(parse_wire_date(what, text))
    today = compute_day(ctx.time)
    if day > today:
        raise FutureDateError(what, text, format_date(compute_date_of_day(today)))
    return day


def check_allocatable(ctx: Context, msg: MsgAllocateProceeds) -> tuple[Bond, Project]:
    """The bond and project of an allocation, after every check but the amounts."""
    bond = get_bond(ctx.store, msg.bond_id)
    if bond is None:
        raise BondNotFoundError(msg.bond_id)
    if bond.issuer != msg.issuer:
        raise NotBondIssuerError(msg.issuer, bond.bond_id, bond.issuer)
    if bond.status not in (ACTIVE, REDEEMED):
        raise BondNotSettledError(bond.bond_id)
    project = require_project(ctx.store, msg.project_id)
    if project.owner != msg.issuer:
        raise NotProjectOwnerError(msg.issuer, project.project_id, project.owner)
    if project.currency != bond.terms.specified_currency:
        raise CurrencyMismatchError(
            project.project_id, project.currency, bond.bond_id, bond.terms.specified_currency
        )
    if bond.terms.green:
        framework = get_framework(ctx.store, bond.terms.framework_id)
        if framework is None or project.category not in framework.categories:
            raise CategoryNotEligibleError(
                project.project_id, project.category, bond.bond_id, bond.terms.framework_id
            )
    day = check_not_future(ctx, "date", msg.date)
    if day < bond.settlement_day:
        settled = format_date(compute_date_of_day(bond.settlement_day))
        raise AllocationBeforeSettlementError(bond.bond_id, msg.date, settled)
    return bond, project


def process_register_project(ctx: Context, msg: MsgRegisterProject) -> None:
    """Register the signer's project under the given id or the next ``PRJ-000001``."""
    if msg.project_id and get_project(ctx.store, msg.project_id) is not None:
        raise ProjectExistsError(msg.project_id)
    if msg.carbon_project_ref:
        claimed_by = get_carbon_ref_project(ctx.store, msg.carbon_project_ref)
        if claimed_by is not None:
            raise CarbonRefInUseError(msg.carbon_project_ref, claimed_by)

    project_id = msg.project_id or take_project_id(ctx.store)
    project = Project(
        project_id=project_id,
        owner=msg.owner,
        name_en=msg.name_en,
        name_zh=msg.name_zh,
        category=msg.category,
        jurisdiction=msg.jurisdiction,
        location=msg.location,
        currency=msg.currency,
        total_financing=msg.total_financing,
        taxonomy=list(msg.taxonomy),
        document_hash=msg.document_hash,
        registered_height=ctx.height,
        carbon_project_ref=msg.carbon_project_ref,
    )
    set_project(ctx.store, project)

    ctx.emit(
        EventRegisterProject(
            project_id=project_id,
            owner=msg.owner,
            category=msg.category,
            jurisdiction=msg.jurisdiction,
            currency=msg.currency,
            total_financing=msg.total_financing,
            carbon_project_ref=msg.carbon_project_ref,
        )
    )


def process_allocate_proceeds(ctx: Context, msg: MsgAllocateProceeds) -> None:
    """Append an entry to the bond's use-of-proceeds ledger; the total never exceeds the proceeds."""
    bond, project = check_allocatable(ctx, msg)
    totals = get_bond_allocations(ctx.store, bond.bond_id)
    if totals.allocated + msg.amount > bond.proceeds:
        raise AllocationExceedsProceedsError(bond.bond_id, bond.proceeds, totals.allocated, msg.amount)
    if project.allocated + msg.amount > project.total_financing:
        raise ProjectOverfinancedError(
            project.project_id, project.total_financing, project.allocated, msg.amount
        )
    if totals.allocation_count >= MAX_LEDGER_ENTRIES:
        raise LedgerFullError(f"the allocation ledger of {bond.bond_id}", MAX_LEDGER_ENTRIES)

    number = totals.allocation_count + 1
    allocation = Allocation(
        allocation_id=compute_allocation_id(bond.bond_id, number),
        bond_id=bond.bond_id,
        project_id=project.project_id,
        amount=msg.amount,
        date=msg.date,
        refinancing=msg.refinancing,
        taxonomy=list(msg.taxonomy),
        height=ctx.height,
    )
    new_totals = BondAllocations(bond.bond_id, totals.allocated + msg.amount, number)
    add_allocation(ctx.store, allocation, new_totals)
    set_project(ctx.store, replace(project, allocated=project.allocated + msg.amount))

    ctx.emit(
        EventAllocateProceeds(
            allocation_id=allocation.allocation_id,
            bond_id=bond.bond_id,
            project_id=project.project_id,
            amount=msg.amount,
            date=msg.date,
            refinancing=msg.refinancing,
            allocated=new_totals.allocated,
            unallocated=bond.proceeds - new_totals.allocated,
        )
    )


def check_no_overlap(store: StateReader, project_id: str, msg: MsgSubmitImpactReport) -> None:
    """ReportPeriodOverlapError when a report of the same basis, not rejected, overlaps the period."""
    for other in list_reports(store, project_id):
        if other.basis != msg.basis or other.status == STATUS_REJECTED:
            continue
        if other.period_start <= msg.period_end and msg.period_start <= other.period_end:
            raise ReportPeriodOverlapError(project_id, other.report_id, other.period_start, other.period_end)


def process_submit_impact_report(ctx: Context, msg: MsgSubmitImpactReport) -> None:
    """Record the owner's impact report of a project (an ex-post period must have ended)."""
    project = require_project(ctx.store, msg.project_id)
    if project.owner != msg.owner:
        raise NotProjectOwnerError(msg.owner, project.project_id, project.owner)
    if msg.basis == BASIS_EX_POST:
        check_not_future(ctx, "period_end", msg.period_end)
    check_no_overlap(ctx.store, project.project_id, msg)
    if project.report_count >= MAX_LEDGER_ENTRIES:
        raise LedgerFullError(f"the reports of {project.project_id}", MAX_LEDGER_ENTRIES)

    number = project.report_count + 1
    report = ImpactReport(
        report_id=compute_report_id(project.project_id, number),
        project_id=project.project_id,
        period_start=msg.period_start,
        period_end=msg.period_end,
        basis=msg.basis,
        method=msg.method,
        document_hash=msg.document_hash,
        indicators=list(msg.indicators),
        reported_height=ctx.height,
    )
    set_report(ctx.store, report)
    set_project(ctx.store, replace(project, report_count=number))

    ctx.emit(
        EventSubmitImpactReport(
            report_id=report.report_id,
            project_id=project.project_id,
            basis=msg.basis,
            period_start=msg.period_start,
            period_end=msg.period_end,
        )
    )


def process_verify_impact_report(ctx: Context, msg: MsgVerifyImpactReport) -> None:
    """Record an external reviewer's verdict on a report (the credential is checked at admission)."""
    report = get_report(ctx.store, msg.report_id)
    if report is None:
        raise ReportNotFoundError(msg.report_id)
    if report.status != STATUS_REPORTED:
        raise ReportAlreadyReviewedError(report.report_id, report.status, report.reviewer)
    project = require_project(ctx.store, report.project_id)
    if msg.reviewer == project.owner:
        raise SelfReviewError(report.report_id)

    claim_id = ""
    if msg.verdict == STATUS_VERIFIED:
        claim_id = claim_avoided_emissions(ctx, project, report)  # claims/3 when the tonnes are claimed
    reviewed = replace(
        report,
        status=msg.verdict,
        reviewer=msg.reviewer,
        review_hash=msg.review_hash,
        reviewed_height=ctx.height,
        claim_id=claim_id,
    )
    set_report(ctx.store, reviewed)

    ctx.emit(
        EventVerifyImpactReport(
            report_id=report.report_id,
            project_id=report.project_id,
            reviewer=msg.reviewer,
            verdict=msg.verdict,
            review_hash=msg.review_hash,
            claim_id=claim_id,
        )
    )


def compute_claim_project_ref(project: Project) -> str:
    """The claims-registry project of a green project: its carbon registry project when it names one (so a
    bond's avoided tonnes and that project's carbon credits are one claim space), else ``impact:<id>``."""
    return project.carbon_project_ref or f"impact:{project.project_id}"


def claim_avoided_emissions(ctx: Context, project: Project, report: ImpactReport) -> str:
    """Register the GHG emissions avoided of a verified ex-post report as a project-period claim in the
    shared claims registry and return its id ("" when the report claims no tonnes: ex-ante, or no GHG
    indicator). Raises the claims errors (``claims/3`` overlapping) so the verification fails whole."""
    avoided = sum(i.value for i in report.indicators if i.indicator == GHG_AVOIDED)
    if report.basis != BASIS_EX_POST or avoided <= 0:
        return ""
    return register_project_period_claim(
        ctx,
        claimant=project.owner,
        project_ref=compute_claim_project_ref(project),
        period_start=compute_day_of_date(parse_date(report.period_start)),
        period_end=compute_day_of_date(parse_date(report.period_end)),
        quantity=avoided,
        unit=GHG_CLAIM_UNIT,
        source=f"impact/{report.report_id}",
    )
