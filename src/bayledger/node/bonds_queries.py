"""Read-side of the bonds module, answered from committed state only: frameworks with their reviews, bonds
with their book, allotments and coupon records, holdings with their history, and holder statements.

:class:`BondsView` wraps a node's database (as ``CashView`` does for cash). Shapes are the state records
as JSON (amounts in minor units, dates ``YYYY-MM-DD``), plus the derived figures named below.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.finance import format_rate
from bayledger.core.modules.bonds import state as bonds
from bayledger.core.modules.bonds.coupons import compute_coupon
from bayledger.node.service import NotFoundError
from bayledger.store.sqlite import ConnectionState, Database


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset, "limit": limit}


def _bond_summary(bond: bonds.Bond) -> dict[str, Any]:
    terms = bond.terms
    return {
        "bond_id": bond.bond_id,
        "isin": terms.isin,
        "issuer": bond.issuer,
        "name_en": terms.name_en,
        "name_zh": terms.name_zh,
        "currency": terms.specified_currency,
        "face": terms.aggregate_nominal_amount,
        "outstanding": bond.outstanding,
        "status": bond.status,
        "green": terms.green,
        "maturity_date": terms.maturity_date,
    }


class BondsView:
    """Bonds reads over a node's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _require(self, state: ConnectionState, bond_id: str) -> bonds.Bond:
        bond = bonds.get_bond(state, bond_id)
        if bond is None:
            raise NotFoundError(f"no bond {bond_id}")
        return bond

    def list_frameworks(self, *, offset: int, limit: int) -> dict[str, Any]:
        """Frameworks in id order, each with its reviews."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            items = [
                {**_builtins(f), "reviews": [_builtins(r) for r in bonds.list_reviews(state, f.framework_id)]}
                for f in bonds.list_frameworks(state)
            ]
        return _page(items, offset, limit)

    def list_bonds(self, *, issuer: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Bonds in id order (summaries), optionally of one issuer."""
        found = bonds.list_bonds(ConnectionState(self.db.reader))
        return _page([_bond_summary(b) for b in found if issuer in (None, b.issuer)], offset, limit)

    def get_bond(self, bond_id: str) -> dict[str, Any]:
        """A bond with its terms, schedule, book, allotments and coupon records."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            bond = self._require(state, bond_id)
            answer = _builtins(bond)
            answer["orders"] = [_builtins(o) for o in bonds.list_orders(state, bond_id)]
            answer["allotments"] = [_builtins(a) for a in bonds.list_allotments(state, bond_id)]
            answer["coupon_records"] = [_builtins(c) for c in bonds.list_coupons(state, bond_id)]
        return answer

    def list_bond_holdings(self, bond_id: str, *, offset: int, limit: int) -> dict[str, Any]:
        """A bond's non-empty holdings in holder order."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            self._require(state, bond_id)
            items = [_builtins(h) for h in bonds.list_holdings(state, bond_id)]
        return _page(items, offset, limit)

    def get_holder_statement(self, did: str) -> dict[str, Any]:
        """Every bond ``did`` ever held: its holding now, the history, and each paid coupon's payment to it
        (recomputed from the holdings at the record date exactly as the ledger paid it)."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            entries = []
            for bond_id in bonds.list_holder_bond_ids(state, did):
                bond = self._require(state, bond_id)
                histories = bonds.list_histories(state, bond_id)
                withheld = bonds.get_withheld(state, bond_id, did)
                outstanding = bonds.get_outstanding_history(state, bond_id)
                coupons: list[dict[str, Any]] = []
                for record in bonds.list_coupons(state, bond_id):
                    if record.status != "paid":
                        continue
                    period = bond.schedule[record.index - 1]
                    coupon = compute_coupon(bond, period, histories, outstanding)
                    coupons.append(
                        {
                            "index": record.index,
                            "payment_date": period.payment_date.isoformat(),
                            "rate": format_rate(coupon.rate),
                            "holding_at_record": coupon.holdings.get(did, 0),
                            "amount": coupon.payments.get(did, 0),
                        }
                    )
                entries.append(
                    {
                        **_bond_summary(bond),
                        "holding": _builtins(bonds.get_holding(state, bond_id, did)),
                        "history": [[e.day, e.amount] for e in histories.get(did, [])],
                        "coupons": coupons,
                        "coupons_received": sum(int(c["amount"]) for c in coupons) - withheld.coupons,
                        "withheld": _builtins(withheld),
                    }
                )
        return {"holder": did, "bonds": entries}
