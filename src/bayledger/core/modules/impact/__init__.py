"""The impact module: green projects, the use-of-proceeds ledger of each bond, verified impact reports and
the impact attributed to each holder (see README.md).

Other code reads attribution through :mod:`bayledger.core.modules.impact.attribution`
(:func:`~bayledger.core.modules.impact.attribution.compute_holder_impact`,
:func:`~bayledger.core.modules.impact.attribution.compute_bond_impact`).
"""

from __future__ import annotations

from bayledger.core.modules.impact.handlers import (
    process_allocate_proceeds,
    process_register_project,
    process_submit_impact_report,
    process_verify_impact_report,
)
from bayledger.core.modules.impact.invariants import check_indexes, check_proceeds
from bayledger.core.modules.impact.msgs import (
    MsgAllocateProceeds,
    MsgRegisterProject,
    MsgSubmitImpactReport,
    MsgVerifyImpactReport,
    validate_allocate_proceeds,
    validate_register_project,
    validate_submit_impact_report,
    validate_verify_impact_report,
)
from bayledger.core.modules.impact.state import (
    Allocation,
    BondAllocations,
    Financing,
    ImpactReport,
    Project,
    allocation_key,
    bond_allocations_key,
    financing_ident_key,
    project_key,
    report_key,
)
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="impact",
    routes=(
        Route(MsgRegisterProject, process_register_project, validate_register_project),
        Route(MsgAllocateProceeds, process_allocate_proceeds, validate_allocate_proceeds),
        Route(MsgSubmitImpactReport, process_submit_impact_report, validate_submit_impact_report),
        Route(MsgVerifyImpactReport, process_verify_impact_report, validate_verify_impact_report),
    ),
    invariants=(("proceeds", check_proceeds), ("indexes", check_indexes)),
    provable={
        "project": ProvableRecord(key=project_key, record_type=Project),
        "totals": ProvableRecord(key=bond_allocations_key, record_type=BondAllocations),
        "allocation": ProvableRecord(key=allocation_key, record_type=Allocation),
        "financing": ProvableRecord(key=financing_ident_key, record_type=Financing),
        "report": ProvableRecord(key=report_key, record_type=ImpactReport),
    },
)

__all__ = ["MODULE"]
