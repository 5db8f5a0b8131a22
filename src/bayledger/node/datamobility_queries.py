"""Read-side of the datamobility module, answered from committed state only (like ``cash_queries``).

``DataMobilityQueries`` is a mixin over anything with a ``db``; until a node mixes it in,
:class:`DataMobilityView` wraps a node's database. Edges type the node as :class:`DataMobilityService`.
Records are the state records as JSON (see the module README); a consent also carries ``status_now``
(its status at the latest block time, ``expired`` as soon as ``valid_until`` has passed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import msgspec

from bayledger.core.hashing import get_hash_function
from bayledger.core.modules.datamobility import state as dm
from bayledger.core.modules.datamobility.audit import verify_log_chain
from bayledger.core.modules.datamobility.decision import consent_status_at
from bayledger.core.modules.datamobility.records import Consent
from bayledger.node.service import NotFoundError
from bayledger.reports.csvsafe import csv_cell
from bayledger.store.sqlite import ConnectionState, Database

LOG_COLUMNS = (
    "seq",
    "height",
    "time",
    "actor",
    "action",
    "subject",
    "counterparty",
    "asset_id",
    "purpose",
    "outcome",
    "reasons",
    "ref",
    "retain_until",
    "prev_hash",
    "entry_hash",
)
KINDS = ("assets", "consents", "filings", "requests", "grants", "fingerprints")


class DataMobilityService(Protocol):
    """What a node offers the edges about data mobility (implemented by ``DataMobilityQueries``)."""

    def list_data_records(
        self, kind: str, filters: dict[str, str], *, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of records of one kind (``assets`` … ``fingerprints``) whose fields equal ``filters``."""
        ...

    def get_data_record(self, kind: str, ident: str) -> dict[str, Any]:
        """One record; NotFoundError if unknown."""
        ...

    def check_document(self, fingerprint_id: str, presented_hash: str) -> dict[str, Any]:
        """Compare a presented document hash with an anchored fingerprint (read only, not recorded)."""
        ...

    def get_access_log(self, filters: dict[str, str], *, offset: int, limit: int) -> dict[str, Any]:
        """Page of access-log entries (oldest first) and whether the whole hash chain verifies."""
        ...

    def export_access_log(self, fmt: str) -> str:
        """The whole access log as CSV or JSON text for a regulator."""
        ...

    def get_subject_view(self, subject: str) -> dict[str, Any]:
        """Everything about one data subject: consents, recipients, purposes, transfers, log entries."""
        ...


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset, "limit": limit}


def _consent_json(consent: Consent, time_ms: int) -> dict[str, Any]:
    data = _builtins(consent)
    data["status_now"] = consent_status_at(consent, time_ms)
    return data


class DataMobilityQueries:
    """Data-mobility reads over ``self.db``."""

    db: Database

    def _time(self) -> int:
        return int(self.db.get_meta("last_time") or b"0")

    def _records(self, state: ConnectionState, kind: str) -> list[dict[str, Any]]:
        listing: dict[str, Callable[[ConnectionState], Sequence[msgspec.Struct]]] = {
            "assets": dm.list_assets,
            "filings": dm.list_filings,
            "requests": dm.list_requests,
            "grants": dm.list_grants,
            "fingerprints": dm.list_documents,
        }
        if kind == "consents":
            now = self._time()
            return [_consent_json(c, now) for c in dm.list_consents(state)]
        if kind not in listing:
            raise NotFoundError(f"no data-mobility record kind {kind!r} (one of {', '.join(KINDS)})")
        return [_builtins(r) for r in listing[kind](state)]

    def list_data_records(
        self, kind: str, filters: dict[str, str], *, offset: int, limit: int
    ) -> dict[str, Any]:
        """Records of a kind in id order, filtered on equal fields."""
        with self.db.snapshot() as conn:
            items = self._records(ConnectionState(conn), kind)
        wanted = {k: v for k, v in filters.items() if v}
        items = [i for i in items if all(str(i.get(k)) == v for k, v in wanted.items())]
        return _page(items, offset, limit)

    def get_data_record(self, kind: str, ident: str) -> dict[str, Any]:
        """One record by id."""
        state = ConnectionState(self.db.reader)
        getters: dict[str, Callable[[ConnectionState, str], msgspec.Struct | None]] = {
            "assets": dm.get_asset,
            "filings": dm.get_filing,
            "requests": dm.get_request,
            "grants": dm.get_grant,
            "fingerprints": dm.get_document,
        }
        if kind == "consents":
            consent = dm.get_consent(state, ident)
            if consent is None:
                raise NotFoundError(f"no consent {ident}")
            return _consent_json(consent, self._time())
        if kind not in getters:
            raise NotFoundError(f"no data-mobility record kind {kind!r} (one of {', '.join(KINDS)})")
        record = getters[kind](state, ident)
        if record is None:
            raise NotFoundError(f"no {kind[:-1]} {ident}")
        return _builtins(record)

    def check_document(self, fingerprint_id: str, presented_hash: str) -> dict[str, Any]:
        """``match`` only for the anchored hash of an unexpired fingerprint."""
        document = dm.get_document(ConnectionState(self.db.reader), fingerprint_id)
        if document is None:
            raise NotFoundError(f"no document fingerprint {fingerprint_id}")
        expired = bool(document.valid_until) and self._time() >= document.valid_until
        match = not expired and presented_hash.lower() == document.fingerprint
        reason = "fingerprint_expired" if expired else ("match" if match else "fingerprint_mismatch")
        return {
            "fingerprint_id": fingerprint_id,
            "match": match,
            "reason": reason,
            "record": _builtins(document),
        }

    def _log(self) -> tuple[list[Any], list[str]]:
        with self.db.snapshot() as conn:
            entries = dm.list_log(ConnectionState(conn))
        genesis = msgspec.json.decode(self.db.get_meta("genesis") or b"{}")
        algorithm = genesis.get("hash_algorithm", "sha256") if isinstance(genesis, dict) else "sha256"
        return entries, verify_log_chain(entries, get_hash_function(algorithm))

    def get_access_log(self, filters: dict[str, str], *, offset: int, limit: int) -> dict[str, Any]:
        """Log entries, oldest first, filtered on equal fields, with the chain check of the whole log."""
        entries, problems = self._log()
        wanted = {k: v for k, v in filters.items() if v}
        items = [_builtins(e) for e in entries]
        items = [i for i in items if all(str(i.get(k)) == v for k, v in wanted.items())]
        answer = _page(items, offset, limit)
        answer["chain_intact"] = not problems
        answer["problems"] = problems
        return answer

    def export_access_log(self, fmt: str) -> str:
        """CSV (one row per entry, reasons joined by ``;``) or JSON (with the chain check)."""
        entries, problems = self._log()
        rows = [_builtins(e) for e in entries]
        if fmt == "json":
            return msgspec.json.encode(
                {"entries": rows, "chain_intact": not problems, "problems": problems}
            ).decode()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(LOG_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(v) for k, v in {**row, "reasons": ";".join(row["reasons"])}.items()})
        return out.getvalue()

    def get_subject_view(self, subject: str) -> dict[str, Any]:
        """A data subject's consents (with recipients and purposes), the requests and grants on its data,
        and its log entries."""
        now = self._time()
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            consents = dm.list_subject_consents(state, subject)
            assets = {a.asset_id for a in dm.list_assets(state) if a.subject == subject}
            requests = [_builtins(r) for r in dm.list_requests(state) if r.asset_id in assets]
            grants = [_builtins(g) for g in dm.list_grants(state) if g.subject == subject]
            log = [_builtins(e) for e in dm.list_subject_log(state, subject)]
        recipients: dict[str, dict[str, Any]] = {}
        for consent in consents:
            entry = recipients.setdefault(
                consent.recipient,
                {
                    "recipient": consent.recipient,
                    "name": consent.recipient_name,
                    "jurisdiction": consent.recipient_jurisdiction,
                    "purposes": [],
                    "consents": [],
                },
            )
            entry["purposes"] = sorted(set(entry["purposes"]) | set(consent.purposes))
            entry["consents"].append(consent.consent_id)
        return {
            "subject": subject,
            "consents": [_consent_json(c, now) for c in consents],
            "live_consents": [c.consent_id for c in consents if consent_status_at(c, now) == "given"],
            "recipients": list(recipients.values()),
            "requests": requests,
            "grants": grants,
            "log": log,
        }


class DataMobilityView(DataMobilityQueries):
    """The data-mobility reads of a node that does not mix in ``DataMobilityQueries``: wraps its database."""

    def __init__(self, db: Database) -> None:
        self.db = db
