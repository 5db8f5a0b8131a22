"""Read-side of the carbon registry and the claims registry, answered from committed state only.

``CarbonQueries`` is a mixin over anything with a ``db`` (like ``CashQueries``); :class:`CarbonView`
wraps a node's database with the same methods. Edges type the node as :class:`CarbonService`.
Amounts are smallest units of the credit type (``precision`` is in every batch answer); ranges are
inclusive ``[first, last]`` serials.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Protocol

import msgspec

from bayledger.core.modules.carbon import ledger
from bayledger.core.modules.carbon import state as carbon
from bayledger.core.modules.claims import state as claims
from bayledger.core.store import StateReader
from bayledger.node.service import NotFoundError
from bayledger.store.sqlite import ConnectionState, Database

SUPPLY_GROUPS = ("class", "project", "vintage", "batch")
EXPORT_KINDS = ("batches", "retirements", "balances")
_TOTALS = ("issued", "tradable", "retired", "cancelled", "escrowed")


class CarbonService(Protocol):
    """What a node offers the edges about carbon credits and claims (implemented by ``CarbonQueries``)."""

    def list_carbon_registry(self) -> dict[str, Any]:
        """Credit types, classes and projects."""
        ...

    def list_carbon_batches(
        self, *, class_id: str | None, project_id: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of batches in id order."""
        ...

    def get_carbon_batch(self, batch_id: str) -> dict[str, Any]:
        """A batch with its project, credit type and serial ranges; NotFoundError if unknown."""
        ...

    def get_carbon_supply(self, group_by: str) -> dict[str, Any]:
        """Totals per class, project, vintage or batch."""
        ...

    def list_carbon_balances(self, did: str, *, offset: int, limit: int) -> dict[str, Any]:
        """A holder's balances and serial ranges per batch."""
        ...

    def list_carbon_retirements(
        self, *, beneficiary: str | None, batch_id: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of retirements (of one beneficiary or batch)."""
        ...

    def get_carbon_retirement(self, retirement_id: str) -> dict[str, Any]:
        """A retirement with its batch, project, credit type and claim; NotFoundError if unknown."""
        ...

    def get_carbon_provenance(self, batch_id: str, serial: int) -> dict[str, Any]:
        """The current holder and every movement of one serial; NotFoundError if not issued."""
        ...

    def export_carbon_rows(self, kind: str) -> list[dict[str, Any]]:
        """Flat rows of batches, retirements or balances for a CSV export."""
        ...

    def get_claim(self, claim_id: str) -> dict[str, Any]:
        """A claim; NotFoundError if unknown."""
        ...

    def list_claims(self, *, project_ref: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Page of claims (of one project)."""
        ...


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset, "limit": limit}


def _precision(state: StateReader, credit_type: str) -> int:
    found = carbon.get_credit_type(state, credit_type)
    return 0 if found is None else found.precision


def _batch_answer(state: StateReader, batch: carbon.Batch) -> dict[str, Any]:
    answer = _builtins(batch)
    credit_type = carbon.get_credit_type(state, batch.credit_type)
    answer["precision"] = 0 if credit_type is None else credit_type.precision
    answer["unit"] = "" if credit_type is None else credit_type.unit
    return answer


def _retirement_answer(state: StateReader, retirement: ledger.Retirement) -> dict[str, Any]:
    answer = _builtins(retirement)
    batch = carbon.get_batch(state, retirement.batch_id)
    project = carbon.get_project(state, retirement.project_id)
    answer["batch"] = None if batch is None else _batch_answer(state, batch)
    answer["project"] = None if project is None else _builtins(project)
    claim = claims.get_claim(state, retirement.claim_id)
    answer["claim"] = None if claim is None else _builtins(claim)
    return answer


class CarbonQueries:
    """Carbon and claims reads over ``self.db``."""

    db: Database

    def list_carbon_registry(self) -> dict[str, Any]:
        """Credit types, classes and projects, in id order."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            return {
                "credit_types": [_builtins(t) for t in carbon.list_credit_types(state)],
                "classes": [_builtins(c) for c in carbon.list_classes(state)],
                "projects": [_builtins(p) for p in carbon.list_projects(state)],
            }

    def list_carbon_batches(
        self, *, class_id: str | None, project_id: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Batches in id order, optionally of one class and/or project."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            items = [
                _batch_answer(state, b)
                for b in carbon.list_batches(state)
                if class_id in (None, b.class_id) and project_id in (None, b.project_id)
            ]
        return _page(items, offset, limit)

    def get_carbon_batch(self, batch_id: str) -> dict[str, Any]:
        """One batch with its serial ranges and open escrows."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            batch = carbon.get_batch(state, batch_id)
            if batch is None:
                raise NotFoundError(f"no carbon batch {batch_id}")
            answer = _batch_answer(state, batch)
            answer["ranges"] = [_builtins(r) for r in ledger.list_batch_ranges(state, batch_id)]
            answer["escrows"] = [_builtins(e) for e in ledger.list_escrows(state) if e.batch_id == batch_id]
        return answer

    def get_carbon_supply(self, group_by: str) -> dict[str, Any]:
        """Totals (issued, tradable, retired, cancelled, escrowed) per class, project, vintage or batch."""
        if group_by not in SUPPLY_GROUPS:
            raise ValueError(f"group_by must be one of {SUPPLY_GROUPS}")
        groups: dict[tuple[str, str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_TOTALS, 0))
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            for batch in carbon.list_batches(state):
                key = {
                    "class": batch.class_id,
                    "project": batch.project_id,
                    "vintage": f"{batch.vintage_start}/{batch.vintage_end}",
                    "batch": batch.batch_id,
                }[group_by]
                totals = groups[(key, batch.credit_type, _precision(state, batch.credit_type))]
                for name in _TOTALS:
                    totals[name] += getattr(batch, name)
        items = [
            {"key": key, "credit_type": abbreviation, "precision": precision, **totals}
            for (key, abbreviation, precision), totals in sorted(groups.items())
        ]
        return {"group_by": group_by, "items": items}

    def list_carbon_balances(self, did: str, *, offset: int, limit: int) -> dict[str, Any]:
        """A holder's balances, each with the batch's precision and the holder's ranges."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            items = []
            for balance in ledger.list_holder_balances(state, did):
                answer = _builtins(balance)
                batch = carbon.get_batch(state, balance.batch_id)
                answer["precision"] = 0 if batch is None else _precision(state, batch.credit_type)
                answer["ranges"] = [
                    _builtins(r) for r in ledger.list_batch_ranges(state, balance.batch_id) if r.holder == did
                ]
                items.append(answer)
        return _page(items, offset, limit)

    def list_carbon_retirements(
        self, *, beneficiary: str | None, batch_id: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Retirements in id order: of exactly one beneficiary, or of one batch, or all."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            if beneficiary is not None:
                found = ledger.list_beneficiary_retirements(state, beneficiary)
                found = [r for r in found if batch_id in (None, r.batch_id)]
            else:
                found = ledger.list_retirements(state, batch_id)
            items = [_builtins(r) for r in found]
        return _page(items, offset, limit)

    def get_carbon_retirement(self, retirement_id: str) -> dict[str, Any]:
        """One retirement with what a certificate needs (batch, project, credit type, claim)."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            retirement = ledger.get_retirement(state, retirement_id)
            if retirement is None:
                raise NotFoundError(f"no retirement {retirement_id}")
            return _retirement_answer(state, retirement)

    def get_carbon_provenance(self, batch_id: str, serial: int) -> dict[str, Any]:
        """Who holds serial ``serial`` now, in which status, and its full history (issuance → …)."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            batch = carbon.get_batch(state, batch_id)
            if batch is None or not 1 <= serial <= batch.issued:
                raise NotFoundError(f"serial {serial} of {batch_id} was never issued")
            current = next(
                r for r in ledger.list_batch_ranges(state, batch_id) if r.first <= serial <= r.last
            )
            movements = [
                _builtins(m)
                for m in ledger.list_movements(state, batch_id)
                if any(first <= serial <= last for first, last in m.ranges)
            ]
            retirement = ledger.get_retirement(state, current.ref) if current.status == "retired" else None
            return {
                "batch_id": batch_id,
                "serial": serial,
                "precision": _precision(state, batch.credit_type),
                "holder": current.holder,
                "status": current.status,
                "ref": current.ref,
                "range": _builtins(current),
                "movements": movements,
                "retirement": None if retirement is None else _builtins(retirement),
            }

    def export_carbon_rows(self, kind: str) -> list[dict[str, Any]]:
        """Flat rows for CSV: every batch, retirement or balance (ranges as ``first-last;…``)."""
        if kind not in EXPORT_KINDS:
            raise ValueError(f"kind must be one of {EXPORT_KINDS}")
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            if kind == "batches":
                rows = [_batch_answer(state, b) for b in carbon.list_batches(state)]
            elif kind == "retirements":
                rows = [_builtins(r) for r in ledger.list_retirements(state)]
            else:
                rows = [_builtins(b) for b in ledger.list_all_balances(state)]
        for row in rows:
            if "ranges" in row:
                row["ranges"] = ";".join(f"{first}-{last}" for first, last in row["ranges"])
        return rows

    def get_claim(self, claim_id: str) -> dict[str, Any]:
        """One claim of the claims registry."""
        claim = claims.get_claim(ConnectionState(self.db.reader), claim_id)
        if claim is None:
            raise NotFoundError(f"no claim {claim_id}")
        return _builtins(claim)

    def list_claims(self, *, project_ref: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Claims in id order, optionally over one project."""
        state = ConnectionState(self.db.reader)
        found = (
            claims.list_claims(state)
            if project_ref is None
            else claims.list_project_claims(state, project_ref)
        )
        return _page([_builtins(c) for c in found], offset, limit)


class CarbonView(CarbonQueries):
    """The carbon reads of a node that does not mix in ``CarbonQueries`` itself: wraps its database."""

    def __init__(self, db: Database) -> None:
        self.db = db
