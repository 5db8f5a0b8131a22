"""Genesis of the accounts module: the accounts that exist before block 1."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.context import Context
from bayledger.core.did import did_from_public_key
from bayledger.core.modules.accounts.errors import AccountsError
from bayledger.core.modules.accounts.msgs import check_signer_set
from bayledger.core.modules.accounts.state import Account, Signer, get_account, set_account
from bayledger.core.store import WritableState


class GenesisAccount(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An account in genesis: its DID key, signers and threshold."""

    key_type: str
    public_key: bytes
    signers: list[Signer] = []
    threshold: int = 1
    name: str = ""


def init_genesis(store: WritableState, app_state: dict[str, Any], ctx: Context) -> None:
    """Create the genesis accounts; raises ValueError on a bad or duplicate entry."""
    for entry in msgspec.convert(app_state.get("accounts", []), type=list[GenesisAccount]):
        signers = entry.signers or [Signer(entry.key_type, entry.public_key, 1)]
        try:
            check_signer_set(signers, entry.threshold)
        except AccountsError as exc:  # the documented contract of init_chain is ValueError
            raise ValueError(
                f"genesis account {entry.name or entry.public_key.hex()}: {exc.message}"
            ) from None
        did = did_from_public_key(entry.key_type, entry.public_key, ctx.chain.did_ac_code)
        if get_account(store, did) is not None:
            raise ValueError(f"genesis lists account {did} twice")
        set_account(
            store, Account(did=did, signers=signers, threshold=entry.threshold, nonce=0, created_height=0)
        )
