"""Read-side of the impact module: projects, each bond's use-of-proceeds ledger, impact reports and the
impact attributed to a holder, answered from committed state only (one snapshot per answer).

``ImpactQueries`` is a mixin over anything with a ``db``; :class:`ImpactView` wraps a node's database with
the same methods until a node mixes it in. Edges type the node as :class:`ImpactService`.

Shapes (JSON-ready; amounts in minor units of the bond's currency, indicator values in their sub-units):

* project: the ``Project`` record plus ``financed_by`` ``[{bond_id, amount}]``.
* bond ledger: ``{bond_id, issuer, currency, status, proceeds, allocated, unallocated, allocation_count,
  allocations: [Allocation...], by_project: [{project_id, amount, category, total_financing}], height}``.
* report: the ``ImpactReport`` record.
* holder impact: ``{holder, height, bonds: [{bond_id, currency, reports, totals, proofs}]}`` where
  ``reports``/``totals`` are :mod:`bayledger.core.modules.impact.attribution`'s records and ``proofs``
  lists ``{module, kind, ident}`` of every provable record the figures were computed from.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from bayledger.core.modules.bonds import state as bonds
from bayledger.core.modules.impact import attribution
from bayledger.core.modules.impact import state as impact
from bayledger.node.service import NotFoundError
from bayledger.store.sqlite import ConnectionState, Database


class ImpactService(Protocol):
    """What a node offers the edges about green projects, allocations and impact."""

    def list_impact_projects(
        self, *, owner: str | None, category: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of projects in id order, optionally of one owner and/or ICMA category."""
        ...

    def get_impact_project(self, project_id: str) -> dict[str, Any]:
        """A project with the bonds that financed it; NotFoundError if unknown."""
        ...

    def get_bond_allocations(self, bond_id: str) -> dict[str, Any]:
        """A bond's use-of-proceeds ledger with totals and the unallocated balance; NotFoundError if the
        bond is unknown."""
        ...

    def list_impact_reports(self, project_id: str, *, offset: int, limit: int) -> dict[str, Any]:
        """Page of a project's reports, oldest first; NotFoundError if the project is unknown."""
        ...

    def get_impact_report(self, report_id: str) -> dict[str, Any]:
        """One report; NotFoundError if unknown."""
        ...

    def get_bond_impact(self, bond_id: str) -> dict[str, Any]:
        """Every verified report's split over the bond's holders with the rounding remainder."""
        ...

    def get_holder_impact(self, did: str, *, bond_id: str | None) -> dict[str, Any]:
        """What ``did``'s holdings (every bond it held, or one) financed and their attributed impact."""
        ...


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset, "limit": limit}


def compute_bond_ledger(state: ConnectionState, bond: bonds.Bond) -> dict[str, Any]:
    """The ledger answer of a bond (see the module docstring) from one state snapshot."""
    totals = impact.get_bond_allocations(state, bond.bond_id)
    by_project = []
    for financing in impact.list_financed_projects(state, bond.bond_id):
        project = impact.get_project(state, financing.project_id)
        by_project.append(
            {
                "project_id": financing.project_id,
                "amount": financing.amount,
                "category": "" if project is None else project.category,
                "total_financing": 0 if project is None else project.total_financing,
            }
        )
    return {
        "bond_id": bond.bond_id,
        "issuer": bond.issuer,
        "currency": bond.terms.specified_currency,
        "status": bond.status,
        "proceeds": bond.proceeds,
        "allocated": totals.allocated,
        "unallocated": bond.proceeds - totals.allocated,
        "allocation_count": totals.allocation_count,
        "allocations": [_builtins(a) for a in impact.list_allocations(state, bond.bond_id)],
        "by_project": by_project,
    }


def compute_holder_answer(state: ConnectionState, did: str, bond_ids: list[str]) -> list[dict[str, Any]]:
    """Per bond, the holder's attribution and the provable records it read."""
    answers = []
    for bond_id in bond_ids:
        records = attribution.gather_attribution_records(state, bond_id)
        result = attribution.compute_holder_impact_from_records(
            did, records, bonds.get_history(state, bond_id, did)
        )
        bond = bonds.get_bond(state, bond_id)
        answer = _builtins(result)
        answer["currency"] = "" if bond is None else bond.terms.specified_currency
        answer["proofs"] = [_builtins(ref) for ref in attribution.list_attribution_proofs(records, did)]
        answers.append(answer)
    return answers


class ImpactQueries:
    """Impact reads over ``self.db``."""

    db: Database

    def _height(self, conn: Any) -> int:
        return int(self.db.get_meta("height", conn) or b"0")

    def list_impact_projects(
        self, *, owner: str | None, category: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Projects in id order."""
        projects = impact.list_projects(ConnectionState(self.db.reader))
        items = [
            _builtins(p) for p in projects if owner in (None, p.owner) and category in (None, p.category)
        ]
        return _page(items, offset, limit)

    def get_impact_project(self, project_id: str) -> dict[str, Any]:
        """One project with the bonds that financed it."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            project = impact.get_project(state, project_id)
            if project is None:
                raise NotFoundError(f"no project {project_id}")
            financed_by = [
                {"bond_id": bond_id, "amount": impact.get_financing(state, bond_id, project_id)}
                for bond_id in impact.list_financing_bonds(state, project_id)
            ]
        return {**_builtins(project), "financed_by": financed_by}

    def get_bond_allocations(self, bond_id: str) -> dict[str, Any]:
        """A bond's allocation ledger, totals and unallocated balance."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            bond = bonds.get_bond(state, bond_id)
            if bond is None:
                raise NotFoundError(f"no bond {bond_id}")
            return {**compute_bond_ledger(state, bond), "height": self._height(conn)}

    def list_impact_reports(self, project_id: str, *, offset: int, limit: int) -> dict[str, Any]:
        """A project's reports, oldest first."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            if impact.get_project(state, project_id) is None:
                raise NotFoundError(f"no project {project_id}")
            items = [_builtins(r) for r in impact.list_reports(state, project_id)]
        return _page(items, offset, limit)

    def get_impact_report(self, report_id: str) -> dict[str, Any]:
        """One report."""
        report = impact.get_report(ConnectionState(self.db.reader), report_id)
        if report is None:
            raise NotFoundError(f"no impact report {report_id}")
        return _builtins(report)

    def get_bond_impact(self, bond_id: str) -> dict[str, Any]:
        """The split of every verified report over the bond's holders."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            bond = bonds.get_bond(state, bond_id)
            if bond is None:
                raise NotFoundError(f"no bond {bond_id}")
            splits = attribution.compute_bond_impact(state, bond_id)
            height = self._height(conn)
        return {
            "bond_id": bond_id,
            "currency": bond.terms.specified_currency,
            "reports": [_builtins(s) for s in splits],
            "height": height,
        }

    def get_holder_impact(self, did: str, *, bond_id: str | None) -> dict[str, Any]:
        """The holder's attribution for one bond or every bond it ever held."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            if bond_id is not None and bonds.get_bond(state, bond_id) is None:
                raise NotFoundError(f"no bond {bond_id}")
            bond_ids = [bond_id] if bond_id is not None else bonds.list_holder_bond_ids(state, did)
            answers = compute_holder_answer(state, did, bond_ids)
            height = self._height(conn)
        return {"holder": did, "height": height, "bonds": answers}


class ImpactView(ImpactQueries):
    """The impact reads of a node that does not mix in ``ImpactQueries`` itself: wraps its database."""

    def __init__(self, db: Database) -> None:
        self.db = db
