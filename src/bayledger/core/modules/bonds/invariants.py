"""Invariants of the bonds module."""

from __future__ import annotations

from collections import defaultdict

from bayledger.core.modules.bonds.state import (
    list_bonds,
    list_histories,
    list_holdings,
    list_offers,
    list_pledges,
)
from bayledger.core.store import StateReader


def check_supply(store: StateReader) -> list[str]:
    """Per bond, the holdings add up to the outstanding amount, which never exceeds the allotted or face
    amount; every holding's pledged and escrowed parts fit inside it and are a multiple of the
    denomination; the last entry of each history equals the current figure."""
    broken = []
    for bond in list_bonds(store):
        holdings = list_holdings(store, bond.bond_id)
        total = sum(h.amount for h in holdings)
        if total != bond.outstanding:
            broken.append(f"{bond.bond_id}: holdings add up to {total}, outstanding is {bond.outstanding}")
        if bond.outstanding > bond.terms.aggregate_nominal_amount:
            broken.append(f"{bond.bond_id}: outstanding {bond.outstanding} above the face amount")
        unit = bond.terms.specified_denomination
        for h in holdings:
            if not 0 <= h.pledged + h.escrowed <= h.amount or h.amount % unit:
                broken.append(
                    f"{bond.bond_id}/{h.holder}: amount {h.amount}, pledged {h.pledged}, "
                    f"escrowed {h.escrowed}"
                )
        current = {h.holder: h.amount for h in holdings}
        for holder, entries in list_histories(store, bond.bond_id).items():
            if entries and entries[-1].amount != current.get(holder, 0):
                broken.append(
                    f"{bond.bond_id}/{holder}: history ends at {entries[-1].amount}, "
                    f"holding is {current.get(holder, 0)}"
                )
    return broken


def check_encumbrances(store: StateReader) -> list[str]:
    """Each holding's pledged amount is the sum of its pledges and its escrowed amount the sum of its
    open offers."""
    broken = []
    pledged: dict[tuple[str, str], int] = defaultdict(int)
    escrowed: dict[tuple[str, str], int] = defaultdict(int)
    for bond in list_bonds(store):
        for pledge in list_pledges(store, bond.bond_id):
            pledged[(bond.bond_id, pledge.holder)] += pledge.amount
    for offer in list_offers(store):
        escrowed[(offer.bond_id, offer.seller)] += offer.amount
    for bond in list_bonds(store):
        for h in list_holdings(store, bond.bond_id):
            key = (bond.bond_id, h.holder)
            if h.pledged != pledged.pop(key, 0) or h.escrowed != escrowed.pop(key, 0):
                broken.append(f"{bond.bond_id}/{h.holder}: pledged/escrowed do not match pledges and offers")
    broken += [f"{b}/{h}: pledge without a holding" for (b, h), v in sorted(pledged.items()) if v]
    broken += [f"{b}/{h}: offer without a holding" for (b, h), v in sorted(escrowed.items()) if v]
    return broken
