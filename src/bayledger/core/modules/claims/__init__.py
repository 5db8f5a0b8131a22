"""The claims registry: every claim of tonnes — a carbon retirement, a bridged-in batch, a green bond's
impact claim — resolves to one claim id over serial ranges of a batch or over a project and a period,
and overlapping claims are refused across instrument types.

It has no message of its own: other modules call :func:`register_project_period_claim` and
:func:`register_serial_range_claim` inside their handlers (see README.md).
"""

from __future__ import annotations

from bayledger.core.finance import compute_date_of_day, compute_day_of_date
from bayledger.core.modules.claims.errors import OverlappingClaimError
from bayledger.core.modules.claims.invariants import check_indexes, check_no_overlap
from bayledger.core.modules.claims.keeper import (
    find_overlap,
    register_project_period_claim,
    register_serial_range_claim,
)
from bayledger.core.modules.claims.state import (
    Claim,
    claim_key,
    get_claim,
    list_batch_claims,
    list_project_claims,
)
from bayledger.core.msg import Module, ProvableRecord

MODULE = Module(
    name="claims",
    routes=(),
    invariants=(("no-overlap", check_no_overlap), ("indexes", check_indexes)),
    provable={"claim": ProvableRecord(key=claim_key, record_type=Claim)},
)

__all__ = [
    "MODULE",
    "Claim",
    "OverlappingClaimError",
    "compute_date_of_day",
    "compute_day_of_date",
    "find_overlap",
    "get_claim",
    "list_batch_claims",
    "list_project_claims",
    "register_project_period_claim",
    "register_serial_range_claim",
]
