"""The cash module: tokenised deposits per bank and currency, gated by KYC, freezes and limits.

Other modules move deposit tokens through the keeper API: :func:`transfer_cash`, :func:`get_balance`,
:func:`get_token` (see README.md).
"""

from __future__ import annotations

from bayledger.core.modules.cash.handlers import (
    process_create_token,
    process_force_transfer,
    process_freeze_account,
    process_issue_cash,
    process_redeem_cash,
    process_set_limits,
    process_transfer_cash,
    process_unfreeze_account,
)
from bayledger.core.modules.cash.invariants import check_indexes, check_supply
from bayledger.core.modules.cash.keeper import get_balance, get_token, transfer_cash
from bayledger.core.modules.cash.msgs import (
    MsgCreateToken,
    MsgForceTransfer,
    MsgFreezeAccount,
    MsgIssueCash,
    MsgRedeemCash,
    MsgSetLimits,
    MsgTransferCash,
    MsgUnfreezeAccount,
    validate_create_token,
    validate_force_transfer,
    validate_freeze_account,
    validate_issue_cash,
    validate_redeem_cash,
    validate_set_limits,
    validate_transfer_cash,
    validate_unfreeze_account,
)
from bayledger.core.modules.cash.state import (
    Balance,
    Freeze,
    Token,
    balance_proof_key,
    freeze_proof_key,
    token_key,
)
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="cash",
    routes=(
        Route(MsgCreateToken, process_create_token, validate_create_token),
        Route(MsgIssueCash, process_issue_cash, validate_issue_cash),
        Route(MsgRedeemCash, process_redeem_cash, validate_redeem_cash),
        Route(MsgTransferCash, process_transfer_cash, validate_transfer_cash),
        Route(MsgFreezeAccount, process_freeze_account, validate_freeze_account),
        Route(MsgUnfreezeAccount, process_unfreeze_account, validate_unfreeze_account),
        Route(MsgForceTransfer, process_force_transfer, validate_force_transfer),
        Route(MsgSetLimits, process_set_limits, validate_set_limits),
    ),
    invariants=(("supply", check_supply), ("indexes", check_indexes)),
    provable={
        "token": ProvableRecord(key=token_key, record_type=Token),
        "balance": ProvableRecord(key=balance_proof_key, record_type=Balance),
        "freeze": ProvableRecord(key=freeze_proof_key, record_type=Freeze),
    },
)

__all__ = ["MODULE", "get_balance", "get_token", "transfer_cash"]
