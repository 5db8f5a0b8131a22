"""Read-side of a node: blocks, txs, events, records and proofs, answered from committed state only."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core import smt
from bayledger.core.app import App
from bayledger.core.genesis import Genesis
from bayledger.core.modules.accounts.state import get_account
from bayledger.core.modules.anchor.state import (
    get_anchor,
    list_anchor_ids_by_hash,
    list_anchor_ids_by_owner,
    list_anchors,
    list_attestations,
)
from bayledger.core.modules.governance.events import EventValidatorSetChange
from bayledger.core.state_transition import check_invariants, validators_at
from bayledger.node.service import NotFoundError
from bayledger.store import queries as q
from bayledger.store.sqlite import ConnectionState, ConnectionTree, Database

VALIDATOR_SET_CHANGE = str(EventValidatorSetChange.__struct_config__.tag)


class NodeQueries:
    """Answers the read half of ``NodeService`` from the database."""

    def __init__(self, app: App, db: Database, genesis: Genesis) -> None:
        self.app = app
        self.db = db
        self._genesis = genesis

    def _reader_state(self) -> ConnectionState:
        return ConnectionState(self.db.reader)

    def status(self) -> dict[str, Any]:
        """Chain id, hash algorithm, latest height/hash/app hash/time and the validators signing next."""
        with self.db.snapshot() as conn:
            height = int(self.db.get_meta("height", conn) or b"0")
            validators = validators_at(self.app, ConnectionState(conn))
            return {
                "chain_id": self._genesis.chain_id,
                "hash_algorithm": self._genesis.hash_algorithm,
                "latest_height": height,
                "latest_hash": (self.db.get_meta("last_hash", conn) or b"").decode(),
                "app_hash": (self.db.get_meta("app_hash", conn) or b"").decode(),
                "latest_time": int(self.db.get_meta("last_time", conn) or b"0"),
                "mempool_size": 0,
                "node_version": "",
                "validators": [
                    {
                        "name": v.name,
                        "key_type": v.key_type,
                        "power": v.power,
                        "did": v.did(self._genesis.did_ac_code),
                    }
                    for v in validators
                ],
            }

    def validators(self) -> dict[str, Any]:
        """The set that signs the next block and every hand-over since genesis."""
        with self.db.snapshot() as conn:
            height = int(self.db.get_meta("height", conn) or b"0")
            current = validators_at(self.app, ConnectionState(conn))
            changes = _validator_changes(conn)
        return {
            "height": height,
            "validators": [msgspec.to_builtins(v) for v in current],
            "changes": changes,
        }

    def validator_changes(self) -> list[dict[str, Any]]:
        """Every hand-over of the validator set, oldest first: the signed header of the block whose end
        adopted a set (its ``next_validators_hash`` names it) and that set, keys in base64.

        With the genesis document, this is all a light client needs to trust the headers of any height.
        """
        with self.db.snapshot() as conn:
            return _validator_changes(conn)

    def genesis(self) -> dict[str, Any]:
        """The genesis document as JSON."""
        data = msgspec.to_builtins(self._genesis)
        assert isinstance(data, dict)
        return data

    def _find_tx(self, tx_hash: str) -> dict[str, Any] | None:
        return q.get_tx(self.db.reader, tx_hash)

    def get_tx(self, tx_hash: str) -> dict[str, Any]:
        """A committed tx by hash."""
        found = self._find_tx(tx_hash)
        if found is None:
            raise NotFoundError(f"no committed transaction {tx_hash}")
        return found

    def list_txs(self, *, account: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Newest txs first, optionally only those touching ``account``."""
        return q.list_txs(self.db.reader, account, offset, limit)

    def get_block(self, ref: str | int) -> dict[str, Any]:
        """A block by height, hash or "latest"."""
        found = q.get_block(self.db.reader, ref)
        if found is None:
            raise NotFoundError(f"no block {ref}")
        return found

    def list_blocks(self, *, offset: int, limit: int) -> dict[str, Any]:
        """Newest blocks first."""
        return q.list_blocks(self.db.reader, offset, limit)

    def search_events(
        self, *, event_type: str | None, attribute: str | None, value: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Events by type and/or attribute=value."""
        return q.search_events(self.db.reader, event_type, attribute, value, offset, limit)

    def get_account(self, did: str) -> dict[str, Any]:
        """An account record."""
        account = get_account(self._reader_state(), did)
        if account is None:
            raise NotFoundError(f"no account {did}")
        return _builtins(account)

    def get_anchor(self, anchor_id: str) -> dict[str, Any]:
        """An anchor with its attestations."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            anchor = get_anchor(state, anchor_id)
            if anchor is None:
                raise NotFoundError(f"no anchor {anchor_id}")
            data = _builtins(anchor)
            data["attestations"] = [_builtins(a) for a in list_attestations(state, anchor_id)]
            return data

    def list_anchors(
        self, *, owner: str | None, content_hash: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Anchors, optionally by owner or content hash, in id order."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            if owner is not None or content_hash is not None:
                ids = list_anchor_ids_by_owner(state, owner) if owner is not None else None
                if content_hash is not None:
                    by_hash = list_anchor_ids_by_hash(state, content_hash.lower())
                    ids = by_hash if ids is None else [i for i in ids if i in set(by_hash)]
                anchors = [a for a in (get_anchor(state, i) for i in ids or []) if a is not None]
            else:
                anchors = list_anchors(state)
            items = [_builtins(a) for a in anchors[offset : offset + limit]]
            return q.page(items, len(anchors), offset, limit)

    def prove(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        """A record (or its absence) with a state proof and the signed header it verifies against."""
        try:
            record = self.app.module(module).provable[kind]
        except KeyError:
            raise NotFoundError(f"no provable record kind {module}/{kind}") from None
        key = record.key(ident)
        with self.db.snapshot() as conn:
            height = int(self.db.get_meta("height", conn) or b"0")
            raw = ConnectionState(conn).get(key)
            proof = smt.prove(ConnectionTree(conn), self.app.chain.hash_fn, key)
            app_hash = (self.db.get_meta("app_hash", conn) or b"").decode()
            block = q.get_block(conn, height) if height else None
            changes = _validator_changes(conn)
        value = None if raw is None else msgspec.json.decode(raw)
        return {
            "height": height,
            "app_hash": app_hash,
            "key": key.hex(),
            "value": value,
            "value_raw": None if raw is None else raw.hex(),
            "proof": msgspec.to_builtins(proof),
            "header": None if block is None else block["header"],
            "signatures": [] if block is None else block["signatures"],
            "validator_changes": changes,
        }

    def check_invariants(self) -> dict[str, Any]:
        """Every module invariant on the committed state."""
        with self.db.snapshot() as conn:
            broken = check_invariants(self.app, ConnectionState(conn))
        return {"ok": not broken, "broken": broken}


def _validator_changes(conn: Any) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = q.search_events(conn, VALIDATOR_SET_CHANGE, None, None, offset, 500)
        for item in page["items"]:
            block = q.get_block(conn, int(item["height"]))
            if block is None or block["header"]["next_validators_hash"] == block["header"]["validators_hash"]:
                continue  # a set adopted again unchanged hands nothing over
            changes.append(
                {
                    "header": block["header"],
                    "signatures": block["signatures"],
                    "validators": item["event"]["validators"],
                }
            )
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return changes


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data
