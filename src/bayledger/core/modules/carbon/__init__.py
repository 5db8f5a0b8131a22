"""The carbon-credit registry: credit types and classes, projects, serial-numbered batches, transfers,
retirements (claimed in the shared claims registry), cancellations and bridging, escrow, and the
Article 6 corresponding-adjustment fields (see README.md, the module's spec).
"""

from __future__ import annotations

from bayledger.core.modules.carbon.handlers import (
    process_create_class,
    process_create_project,
    process_register_credit_type,
    process_set_adjustment,
    process_update_class_issuers,
)
from bayledger.core.modules.carbon.handlers_credits import (
    process_cancel_credits,
    process_escrow_credits,
    process_release_escrow,
    process_retire_credits,
    process_transfer_credits,
)
from bayledger.core.modules.carbon.invariants import check_indexes, check_serials, check_supply
from bayledger.core.modules.carbon.issuance import process_bridge_in, process_issue_batch
from bayledger.core.modules.carbon.ledger import (
    Balance,
    Cancellation,
    Escrow,
    Movement,
    Retirement,
    SerialRange,
    balance_proof_key,
    cancellation_key,
    escrow_key,
    movement_proof_key,
    range_proof_key,
    retirement_key,
)
from bayledger.core.modules.carbon.msgs import (
    MsgBridgeIn,
    MsgCancelCredits,
    MsgCreateClass,
    MsgCreateProject,
    MsgEscrowCredits,
    MsgIssueBatch,
    MsgRegisterCreditType,
    MsgReleaseEscrow,
    MsgRetireCredits,
    MsgSetAdjustment,
    MsgTransferCredits,
    MsgUpdateClassIssuers,
    validate_bridge_in,
    validate_cancel_credits,
    validate_create_class,
    validate_create_project,
    validate_escrow_credits,
    validate_issue_batch,
    validate_register_credit_type,
    validate_release_escrow,
    validate_retire_credits,
    validate_set_adjustment,
    validate_transfer_credits,
    validate_update_class_issuers,
)
from bayledger.core.modules.carbon.state import (
    Batch,
    CreditClass,
    CreditType,
    Origin,
    Project,
    batch_key,
    class_key,
    origin_key,
    project_key,
    type_key,
)
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="carbon",
    routes=(
        Route(MsgRegisterCreditType, process_register_credit_type, validate_register_credit_type),
        Route(MsgCreateClass, process_create_class, validate_create_class),
        Route(MsgUpdateClassIssuers, process_update_class_issuers, validate_update_class_issuers),
        Route(MsgCreateProject, process_create_project, validate_create_project),
        Route(MsgIssueBatch, process_issue_batch, validate_issue_batch),
        Route(MsgTransferCredits, process_transfer_credits, validate_transfer_credits),
        Route(MsgRetireCredits, process_retire_credits, validate_retire_credits),
        Route(MsgCancelCredits, process_cancel_credits, validate_cancel_credits),
        Route(MsgEscrowCredits, process_escrow_credits, validate_escrow_credits),
        Route(MsgReleaseEscrow, process_release_escrow, validate_release_escrow),
        Route(MsgBridgeIn, process_bridge_in, validate_bridge_in),
        Route(MsgSetAdjustment, process_set_adjustment, validate_set_adjustment),
    ),
    invariants=(("supply", check_supply), ("serials", check_serials), ("indexes", check_indexes)),
    provable={
        "type": ProvableRecord(key=type_key, record_type=CreditType),
        "class": ProvableRecord(key=class_key, record_type=CreditClass),
        "project": ProvableRecord(key=project_key, record_type=Project),
        "batch": ProvableRecord(key=batch_key, record_type=Batch),
        "balance": ProvableRecord(key=balance_proof_key, record_type=Balance),
        "range": ProvableRecord(key=range_proof_key, record_type=SerialRange),
        "movement": ProvableRecord(key=movement_proof_key, record_type=Movement),
        "retirement": ProvableRecord(key=retirement_key, record_type=Retirement),
        "cancellation": ProvableRecord(key=cancellation_key, record_type=Cancellation),
        "escrow": ProvableRecord(key=escrow_key, record_type=Escrow),
        "origin": ProvableRecord(key=origin_key, record_type=Origin),
    },
)

__all__ = ["MODULE"]
