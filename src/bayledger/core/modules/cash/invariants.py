"""Invariants of the cash module."""

from __future__ import annotations

from collections import defaultdict

from bayledger.core.modules.cash.msgs import CURRENCY_DECIMALS, MAX_AMOUNT
from bayledger.core.modules.cash.state import (
    list_all_balances,
    list_freezes,
    list_holder_index,
    list_tokens,
)
from bayledger.core.store import StateReader


def check_supply(store: StateReader) -> list[str]:
    """Per token, the balances add up to the supply; every balance is positive and of a known token; the
    supply stays within 0..2^53 - 1 and the decimals match the currency."""
    broken = []
    tokens = {token.token_id: token for token in list_tokens(store)}
    totals: dict[str, int] = defaultdict(int)
    for balance in list_all_balances(store):
        if balance.amount <= 0:
            broken.append(f"{balance.token_id}/{balance.holder}: stored balance {balance.amount}")
        if balance.token_id not in tokens:
            broken.append(f"{balance.token_id}/{balance.holder}: balance of an unknown token")
        totals[balance.token_id] += balance.amount
    for token_id, token in tokens.items():
        if totals[token_id] != token.supply:
            broken.append(f"{token_id}: balances add up to {totals[token_id]}, supply is {token.supply}")
        if not 0 <= token.supply <= MAX_AMOUNT:
            broken.append(f"{token_id}: supply {token.supply} outside 0..{MAX_AMOUNT}")
        if CURRENCY_DECIMALS.get(token.currency) != token.decimals:
            broken.append(f"{token_id}: {token.decimals} decimals for {token.currency}")
    return broken


def check_indexes(store: StateReader) -> list[str]:
    """The holder index lists exactly the non-zero balances; every freeze names a known token."""
    broken = []
    balances = {(b.holder, b.token_id) for b in list_all_balances(store)}
    index = set(list_holder_index(store))
    broken += [f"{t}/{h}: balance missing from the holder index" for h, t in sorted(balances - index)]
    broken += [f"{t}/{h}: holder index entry without a balance" for h, t in sorted(index - balances)]
    token_ids = {token.token_id for token in list_tokens(store)}
    for freeze in list_freezes(store):
        if freeze.token_id not in token_ids:
            broken.append(f"{freeze.token_id}/{freeze.holder}: freeze of an unknown token")
    return broken
