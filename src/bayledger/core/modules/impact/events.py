"""Events of the impact module. Amounts are integers in minor units of the bond's currency."""

from __future__ import annotations

from bayledger.core.events import Event


class EventRegisterProject(Event, frozen=True, tag="impact/EventRegisterProject"):
    """An issuer registered a green project."""

    project_id: str
    owner: str
    category: str
    jurisdiction: str
    currency: str
    total_financing: int
    carbon_project_ref: str


class EventAllocateProceeds(Event, frozen=True, tag="impact/EventAllocateProceeds"):
    """Proceeds of a bond were allocated to a project; ``unallocated`` is what remains of the proceeds."""

    allocation_id: str
    bond_id: str
    project_id: str
    amount: int
    date: str
    refinancing: bool
    allocated: int
    unallocated: int


class EventSubmitImpactReport(Event, frozen=True, tag="impact/EventSubmitImpactReport"):
    """A project owner reported the project's impact over a period."""

    report_id: str
    project_id: str
    basis: str
    period_start: str
    period_end: str


class EventVerifyImpactReport(Event, frozen=True, tag="impact/EventVerifyImpactReport"):
    """An external reviewer verified (or rejected) an impact report."""

    report_id: str
    project_id: str
    reviewer: str
    verdict: str
    review_hash: str
    claim_id: str = ""
