"""Invariants of the carbon registry (run after every step of the property tests and by
``bayledger check`` on a live node)."""

from __future__ import annotations

from collections import defaultdict

from bayledger.core.modules.carbon.ledger import (
    count_holder_range_index,
    get_escrow,
    get_retirement,
    list_all_balances,
    list_batch_ranges,
    list_holder_index,
)
from bayledger.core.modules.carbon.rules import STATUS_ESCROWED, STATUS_RETIRED, STATUSES
from bayledger.core.modules.carbon.state import list_batches
from bayledger.core.store import StateReader

_FIELDS = ("tradable", "retired", "cancelled", "escrowed")


def check_supply(store: StateReader) -> list[str]:
    """Per batch ``issued == tradable + retired + cancelled + escrowed``, each total equals the sum of
    the holders' balances in that status, nothing is negative and ``issued <= verified_amount``."""
    broken = []
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
    for balance in list_all_balances(store):
        for name in _FIELDS:
            value = getattr(balance, name)
            if value < 0:
                broken.append(f"{balance.batch_id}/{balance.holder}: {name} {value}")
            sums[balance.batch_id][name] += value
    batches = {batch.batch_id: batch for batch in list_batches(store)}
    broken += [f"{batch_id}: balances of an unknown batch" for batch_id in sorted(set(sums) - set(batches))]
    for batch in batches.values():
        parts = sum(getattr(batch, name) for name in _FIELDS)
        if parts != batch.issued:
            broken.append(
                f"{batch.batch_id}: issued {batch.issued} != tradable+retired+cancelled+escrowed {parts}"
            )
        if batch.issued > batch.verified_amount:
            broken.append(f"{batch.batch_id}: issued {batch.issued} > verified {batch.verified_amount}")
        for name in _FIELDS:
            total, held = getattr(batch, name), sums[batch.batch_id][name]
            if held != total:
                broken.append(f"{batch.batch_id}: {name} total {total} != balances {held}")
    return broken


def check_serials(store: StateReader) -> list[str]:
    """Per batch the serial ranges partition ``1..issued`` (no gap, no overlap: no serial has two
    holders), the holders' ranges add up to their balances, and every retired or escrowed range names
    the retirement or open escrow that holds it."""
    broken = []
    balances = {(b.batch_id, b.holder): b for b in list_all_balances(store)}
    total_ranges = 0
    for batch in list_batches(store):
        held: dict[tuple[str, str], int] = defaultdict(int)
        expected = 1
        for r in list_batch_ranges(store, batch.batch_id):
            total_ranges += 1
            if r.first != expected or r.last < r.first:
                broken.append(f"{batch.batch_id}: range {r.first}-{r.last} where serial {expected} was due")
            expected = r.last + 1
            if r.status not in STATUSES:
                broken.append(f"{batch.batch_id}: range {r.first}-{r.last} has status {r.status!r}")
            held[(r.holder, r.status)] += r.last - r.first + 1
            if r.status == STATUS_RETIRED:
                retirement = get_retirement(store, r.ref)
                if retirement is None or not any(
                    f <= r.first and r.last <= last for f, last in retirement.ranges
                ):
                    broken.append(f"{batch.batch_id}: retired range {r.first}-{r.last} not in {r.ref}")
            if r.status == STATUS_ESCROWED and get_escrow(store, r.ref) is None:
                broken.append(
                    f"{batch.batch_id}: escrowed range {r.first}-{r.last} of no open escrow {r.ref}"
                )
        if expected != batch.issued + 1:
            broken.append(f"{batch.batch_id}: ranges end at {expected - 1}, issued {batch.issued}")
        for (holder, status), units in held.items():
            balance = balances.get((batch.batch_id, holder))
            have = 0 if balance is None else getattr(balance, status, 0)
            if have != units:
                broken.append(f"{batch.batch_id}/{holder}: {units} {status} serials, balance says {have}")
    if count_holder_range_index(store) != total_ranges:
        broken.append(
            f"holder range index has {count_holder_range_index(store)} entries for {total_ranges} ranges"
        )
    return broken


def check_indexes(store: StateReader) -> list[str]:
    """The holder index lists exactly the stored balances."""
    balances = {(b.holder, b.batch_id) for b in list_all_balances(store)}
    index = set(list_holder_index(store))
    broken = [f"{b}/{h}: balance missing from the holder index" for h, b in sorted(balances - index)]
    broken += [f"{b}/{h}: holder index entry without a balance" for h, b in sorted(index - balances)]
    return broken
