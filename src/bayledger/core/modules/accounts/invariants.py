"""Invariants of the accounts module."""

from __future__ import annotations

from bayledger.core.modules.accounts.state import list_accounts
from bayledger.core.store import StateReader


def check_signer_sets(store: StateReader) -> list[str]:
    """Every account can reach its threshold, has no zero weights and a non-negative nonce."""
    broken = []
    for account in list_accounts(store):
        total = sum(s.weight for s in account.signers)
        if not 1 <= account.threshold <= total:
            broken.append(f"{account.did}: threshold {account.threshold} vs total weight {total}")
        if any(s.weight <= 0 for s in account.signers):
            broken.append(f"{account.did}: a signer has a non-positive weight")
        if account.nonce < 0:
            broken.append(f"{account.did}: negative nonce {account.nonce}")
    return broken
