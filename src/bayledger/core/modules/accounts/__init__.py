"""The accounts module: DID-addressed accounts with weighted multi-signature thresholds."""

from __future__ import annotations

from bayledger.core.modules.accounts.genesis import init_genesis
from bayledger.core.modules.accounts.handlers import process_create_account, process_update_signers
from bayledger.core.modules.accounts.invariants import check_signer_sets
from bayledger.core.modules.accounts.msgs import (
    MsgCreateAccount,
    MsgUpdateSigners,
    validate_create_account,
    validate_update_signers,
)
from bayledger.core.modules.accounts.state import Account, account_key
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="accounts",
    routes=(
        Route(MsgCreateAccount, process_create_account, validate_create_account),
        Route(MsgUpdateSigners, process_update_signers, validate_update_signers),
    ),
    init_genesis=init_genesis,
    invariants=(("signer-sets", check_signer_sets),),
    provable={"account": ProvableRecord(key=account_key, record_type=Account)},
)
