"""State of the impact module: green projects, use-of-proceeds allocations and impact reports."""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did, Height

PROJECT_PREFIX = b"impact/p/"
BOND_PREFIX = b"impact/b/"  # impact/b/<bond id> -> BondAllocations (totals)
ALLOCATION_PREFIX = b"impact/a/"  # impact/a/<bond id>/<seq> -> Allocation
FINANCING_PREFIX = b"impact/f/"  # impact/f/<bond id>/<project id> -> Financing (bond -> project total)
FINANCED_BY_PREFIX = b"impact/fb/"  # impact/fb/<project id>/<bond id> -> b"1"
REPORT_PREFIX = b"impact/r/"  # impact/r/<project id>/R<seq> -> ImpactReport
CARBON_REF_PREFIX = b"impact/cr/"  # impact/cr/<carbon project ref> -> project id
PROJECT_SEQUENCE = b"impact/seq/project"
PROJECT_ID_PREFIX = "PRJ-"
MAX_LEDGER_ENTRIES = 9999  # ids carry 4 digits (A0001, R0001) so they sort in order

STATUS_REPORTED = "reported"
STATUS_VERIFIED = "verified"
STATUS_REJECTED = "rejected"


class TaxonomyCode(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An activity of a taxonomy, e.g. ``{"taxonomy": "HK-TAXONOMY", "version": "2024", "code": "..."}``."""

    taxonomy: str
    version: str
    code: str


class IndicatorValue(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A core indicator's value in its fixed sub-unit (see ``indicators.INDICATORS``)."""

    indicator: str
    value: int


class Project(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A green project an issuer finances: where it is, what it costs, which taxonomy activities it is."""

    project_id: str
    owner: Did
    name_en: str
    name_zh: str
    category: str
    jurisdiction: str
    location: str
    currency: str
    total_financing: int
    taxonomy: list[TaxonomyCode]
    document_hash: str
    registered_height: Height
    report_count: int = 0
    allocated: int = 0  # allocated to it by every bond, minor units (never above total_financing)
    carbon_project_ref: str = ""  # the carbon registry project this project is ("" = none)


class BondAllocations(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A bond's use-of-proceeds totals: how much is allocated, in how many entries."""

    bond_id: str
    allocated: int
    allocation_count: int


class Allocation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One entry of a bond's allocation ledger."""

    allocation_id: str
    bond_id: str
    project_id: str
    amount: int
    date: str
    refinancing: bool
    taxonomy: list[TaxonomyCode]
    height: Height


class Financing(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The total a bond allocated to one project (its share of the project's financing)."""

    bond_id: str
    project_id: str
    amount: int


class ImpactReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A project's impact over a period, as reported by its owner and (once) reviewed."""

    report_id: str
    project_id: str
    period_start: str
    period_end: str
    basis: str
    method: str
    document_hash: str
    indicators: list[IndicatorValue]
    reported_height: Height
    status: str = STATUS_REPORTED
    reviewer: Did = ""
    review_hash: str = ""
    reviewed_height: Height = 0
    claim_id: str = ""  # the claims-registry claim of its verified ex-post GHG avoided ("" when none)


def project_key(project_id: str) -> bytes:
    """State key of a project."""
    return PROJECT_PREFIX + project_id.encode()


def bond_allocations_key(bond_id: str) -> bytes:
    """State key of a bond's allocation totals."""
    return BOND_PREFIX + bond_id.encode()


def allocation_key(allocation_id: str) -> bytes:
    """State key of an allocation (``<bond id>/A0001``)."""
    return ALLOCATION_PREFIX + allocation_id.encode()


def financing_key(bond_id: str, project_id: str) -> bytes:
    """State key of the total ``bond_id`` allocated to ``project_id``."""
    return FINANCING_PREFIX + bond_id.encode() + b"/" + project_id.encode()


def financing_ident_key(ident: str) -> bytes:
    """``financing_key`` from the proof ident ``<bond id>/<project id>`` (bond ids contain no '/')."""
    bond_id, _, project_id = ident.partition("/")
    return financing_key(bond_id, project_id)


def report_key(report_id: str) -> bytes:
    """State key of an impact report (``<project id>/R0001``)."""
    return REPORT_PREFIX + report_id.encode()


def take_project_id(store: WritableState) -> str:
    """The next generated project id, ``PRJ-000001``."""
    return f"{PROJECT_ID_PREFIX}{take_next_sequence(store, PROJECT_SEQUENCE):06d}"


def compute_allocation_id(bond_id: str, number: int) -> str:
    """The id of a bond's ``number``-th allocation: ``<bond id>/A0001``."""
    return f"{bond_id}/A{number:04d}"


def compute_report_id(project_id: str, number: int) -> str:
    """The id of a project's ``number``-th impact report: ``<project id>/R0001``."""
    return f"{project_id}/R{number:04d}"


def get_carbon_ref_project(store: StateReader, carbon_project_ref: str) -> str | None:
    """The project id that claims ``carbon_project_ref``, or None."""
    raw = store.get(CARBON_REF_PREFIX + carbon_project_ref.encode())
    return None if raw is None else raw.decode()


def list_carbon_refs(store: StateReader) -> dict[str, str]:
    """Every claimed carbon registry project, ref -> project id."""
    n = len(CARBON_REF_PREFIX)
    return {key[n:].decode(): raw.decode() for key, raw in store.iter_prefix(CARBON_REF_PREFIX)}


def get_project(store: StateReader, project_id: str) -> Project | None:
    """The project or None."""
    raw = store.get(project_key(project_id))
    return None if raw is None else decode_record(raw, Project)


def set_project(store: WritableState, project: Project) -> None:
    """Write a project (and the index of its carbon registry reference, if any)."""
    store.set(project_key(project.project_id), encode_record(project))
    if project.carbon_project_ref:
        store.set(CARBON_REF_PREFIX + project.carbon_project_ref.encode(), project.project_id.encode())


def list_projects(store: StateReader) -> list[Project]:
    """Every project, by id."""
    return [decode_record(raw, Project) for _, raw in store.iter_prefix(PROJECT_PREFIX)]


def get_bond_allocations(store: StateReader, bond_id: str) -> BondAllocations:
    """A bond's allocation totals (zero when nothing is allocated)."""
    raw = store.get(bond_allocations_key(bond_id))
    if raw is None:
        return BondAllocations(bond_id=bond_id, allocated=0, allocation_count=0)
    return decode_record(raw, BondAllocations)


def add_allocation(store: WritableState, allocation: Allocation, totals: BondAllocations) -> None:
    """Append an allocation: the entry, the bond's new totals and the bond→project financing total."""
    store.set(allocation_key(allocation.allocation_id), encode_record(allocation))
    store.set(bond_allocations_key(totals.bond_id), encode_record(totals))
    previous = get_financing(store, allocation.bond_id, allocation.project_id)
    store.set(
        financing_key(allocation.bond_id, allocation.project_id),
        encode_record(
            Financing(
                bond_id=allocation.bond_id,
                project_id=allocation.project_id,
                amount=previous + allocation.amount,
            )
        ),
    )
    store.set(FINANCED_BY_PREFIX + allocation.project_id.encode() + b"/" + allocation.bond_id.encode(), b"1")


def list_allocations(store: StateReader, bond_id: str) -> list[Allocation]:
    """A bond's allocation ledger, oldest first."""
    prefix = ALLOCATION_PREFIX + bond_id.encode() + b"/"
    return [decode_record(raw, Allocation) for _, raw in store.iter_prefix(prefix)]


def get_financing(store: StateReader, bond_id: str, project_id: str) -> int:
    """What ``bond_id`` allocated to ``project_id`` in total (0 when nothing)."""
    raw = store.get(financing_key(bond_id, project_id))
    return 0 if raw is None else decode_record(raw, Financing).amount


def list_financing_bonds(store: StateReader, project_id: str) -> list[str]:
    """The bonds that allocated proceeds to ``project_id``."""
    prefix = FINANCED_BY_PREFIX + project_id.encode() + b"/"
    return [key[len(prefix) :].decode() for key, _ in store.iter_prefix(prefix)]


def list_financed_projects(store: StateReader, bond_id: str) -> list[Financing]:
    """The projects a bond financed, with the total allocated to each."""
    prefix = FINANCING_PREFIX + bond_id.encode() + b"/"
    return [decode_record(raw, Financing) for _, raw in store.iter_prefix(prefix)]


def get_report(store: StateReader, report_id: str) -> ImpactReport | None:
    """The impact report or None."""
    raw = store.get(report_key(report_id))
    return None if raw is None else decode_record(raw, ImpactReport)


def set_report(store: WritableState, report: ImpactReport) -> None:
    """Write an impact report."""
    store.set(report_key(report.report_id), encode_record(report))


def list_reports(store: StateReader, project_id: str) -> list[ImpactReport]:
    """A project's impact reports, oldest first."""
    prefix = REPORT_PREFIX + project_id.encode() + b"/"
    return [decode_record(raw, ImpactReport) for _, raw in store.iter_prefix(prefix)]


def list_all_bond_allocations(store: StateReader) -> list[BondAllocations]:
    """Every bond's allocation totals, by bond id."""
    return [decode_record(raw, BondAllocations) for _, raw in store.iter_prefix(BOND_PREFIX)]


def list_all_allocations(store: StateReader) -> list[Allocation]:
    """Every allocation of every bond, by id."""
    return [decode_record(raw, Allocation) for _, raw in store.iter_prefix(ALLOCATION_PREFIX)]


def list_all_financing(store: StateReader) -> list[Financing]:
    """Every bond -> project financing total."""
    return [decode_record(raw, Financing) for _, raw in store.iter_prefix(FINANCING_PREFIX)]


def list_financed_by_index(store: StateReader) -> list[tuple[str, str]]:
    """The (project id, bond id) pairs of the financed-by index."""
    n = len(FINANCED_BY_PREFIX)
    pairs = []
    for key, _ in store.iter_prefix(FINANCED_BY_PREFIX):
        project_id, _, bond_id = key[n:].decode().partition("/")
        pairs.append((project_id, bond_id))
    return pairs


def list_all_reports(store: StateReader) -> list[ImpactReport]:
    """Every impact report of every project, by id."""
    return [decode_record(raw, ImpactReport) for _, raw in store.iter_prefix(REPORT_PREFIX)]
