"""Read-side queries over the node database: blocks, transactions, events, with paging."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec


@dataclass(frozen=True)
class StoredBlock:
    """A block as stored: height, hash, header and signature bytes, its recorded tx count and
    ``(raw tx, result)`` per stored tx row."""

    height: int
    hash: str
    header: bytes
    signatures: bytes
    tx_count: int
    txs: list[tuple[bytes, bytes]]
    end_block_events: bytes = b"[]"


def page(items: list[Any], total: int, offset: int, limit: int) -> dict[str, Any]:
    """The paging envelope every list answer uses."""
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def _end_block_column(conn: sqlite3.Connection) -> str:
    """``end_block_events`` when the schema has it; else a literal empty list (a read-only connection to a
    database that a node of this version has not opened yet, so not migrated)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(blocks)")}
    return "end_block_events" if "end_block_events" in columns else "X'5B5D'"


def _block_columns(conn: sqlite3.Connection) -> str:
    return f"height, hash, header, signatures, {_end_block_column(conn)}"


def block_row_to_dict(conn: sqlite3.Connection, row: tuple[Any, ...]) -> dict[str, Any]:
    """A ``blocks`` row as the service's block shape (with its tx hashes and end-block events)."""
    height, block_hash, header, signatures, end_block_events = row
    hashes = [r[0] for r in conn.execute("SELECT hash FROM txs WHERE height = ? ORDER BY idx", (height,))]
    return {
        "header": msgspec.json.decode(header),
        "hash": block_hash,
        "txs": hashes,
        "signatures": msgspec.json.decode(signatures),
        "end_block_events": msgspec.json.decode(_blob(end_block_events)),
    }


def get_block(conn: sqlite3.Connection, ref: str | int) -> dict[str, Any] | None:
    """A block by height, by hash, or ``"latest"``."""
    columns = _block_columns(conn)
    if ref == "latest":
        row = conn.execute(f"SELECT {columns} FROM blocks ORDER BY height DESC LIMIT 1").fetchone()
    elif isinstance(ref, int):
        row = conn.execute(f"SELECT {columns} FROM blocks WHERE height = ?", (ref,)).fetchone()
    else:
        row = conn.execute(f"SELECT {columns} FROM blocks WHERE hash = ?", (ref.lower(),)).fetchone()
    return None if row is None else block_row_to_dict(conn, row)


def list_blocks(conn: sqlite3.Connection, offset: int, limit: int) -> dict[str, Any]:
    """Newest blocks first."""
    total = conn.execute("SELECT COUNT(*) FROM blocks").fetchone()[0]
    rows = conn.execute(
        f"SELECT {_block_columns(conn)} FROM blocks ORDER BY height DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return page([block_row_to_dict(conn, r) for r in rows], total, offset, limit)


def tx_row_to_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    """A ``txs`` row as the service's TxResult shape."""
    height, idx, raw, result = row
    data: dict[str, Any] = msgspec.json.decode(result)
    data["height"] = height
    data["index"] = idx
    try:
        data["tx"] = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        data["tx"] = None
    return data


_TX_COLUMNS = "height, idx, raw, result"


def get_tx(conn: sqlite3.Connection, tx_hash: str) -> dict[str, Any] | None:
    """A committed tx by hash; a successful inclusion wins over rejected copies of the same bytes."""
    row = conn.execute(
        f"SELECT {_TX_COLUMNS} FROM txs WHERE hash = ? ORDER BY code != 0, height, idx LIMIT 1",
        (tx_hash.lower(),),
    ).fetchone()
    return None if row is None else tx_row_to_dict(row)


def list_txs(conn: sqlite3.Connection, account: str | None, offset: int, limit: int) -> dict[str, Any]:
    """Newest txs first, optionally only those touching ``account``."""
    if account is None:
        total = conn.execute("SELECT COUNT(*) FROM txs").fetchone()[0]
        rows = conn.execute(
            f"SELECT {_TX_COLUMNS} FROM txs ORDER BY height DESC, idx DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
    else:
        total = conn.execute("SELECT COUNT(*) FROM tx_accounts WHERE account = ?", (account,)).fetchone()[0]
        rows = conn.execute(
            f"SELECT {', '.join('t.' + c for c in _TX_COLUMNS.split(', '))} FROM tx_accounts a "
            "JOIN txs t ON t.height = a.height AND t.idx = a.idx WHERE a.account = ? "
            "ORDER BY a.height DESC, a.idx DESC LIMIT ? OFFSET ?",
            (account, limit, offset),
        ).fetchall()
    return page([tx_row_to_dict(r) for r in rows], total, offset, limit)


def search_events(
    conn: sqlite3.Connection,
    event_type: str | None,
    attribute: str | None,
    value: str | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """Events by type and/or attribute=value, oldest first.

    An event emitted at end of block (stored with ``tx_hash = ""``) is returned with ``tx_hash`` and
    ``index`` None; it sorts after the block's transactions.
    """
    where, params = [], []
    source = "events e"
    if attribute is not None:
        source = "event_attrs a JOIN events e ON e.height = a.height AND e.idx = a.idx AND e.ev = a.ev"
        where.append("a.attr = ?")
        params.append(attribute)
        if value is not None:
            where.append("a.value = ?")
            params.append(value)
    if event_type is not None:
        where.append("e.type = ?")
        params.append(event_type)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    total = conn.execute(f"SELECT COUNT(*) FROM {source} {clause}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT e.height, e.tx_hash, e.idx, e.body FROM {source} {clause} "
        "ORDER BY e.height, e.idx, e.ev LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    items = [
        {
            "height": h,
            "tx_hash": t or None,
            "index": i if t else None,
            "event": msgspec.json.decode(_blob(b)),
        }
        for h, t, i, b in rows
    ]
    return page(items, total, offset, limit)


def _blob(value: Any) -> bytes:
    """A stored value as bytes, even if it was (wrongly) written as TEXT."""
    return value.encode() if isinstance(value, str) else bytes(value)


def iter_stored_blocks(conn: sqlite3.Connection) -> Iterator[StoredBlock]:
    """Every stored block in height order with its txs' stored bytes and results (for the replay audit)."""
    cursor = conn.execute(
        "SELECT height, hash, header, signatures, tx_count, "
        f"{_end_block_column(conn)} FROM blocks ORDER BY height"
    )
    while (row := cursor.fetchone()) is not None:
        height, block_hash, header, signatures, tx_count, end_block_events = row
        txs = conn.execute("SELECT raw, result FROM txs WHERE height = ? ORDER BY idx", (height,)).fetchall()
        yield StoredBlock(
            height=height,
            hash=str(block_hash),
            header=_blob(header),
            signatures=_blob(signatures),
            tx_count=tx_count,
            txs=[(_blob(raw), _blob(result)) for raw, result in txs],
            end_block_events=_blob(end_block_events),
        )


def read_table(conn: sqlite3.Connection, table: str) -> dict[bytes, bytes]:
    """The whole ``state`` or ``tree`` table as a dict."""
    if table not in ("state", "tree"):
        raise ValueError(f"not a key-value table: {table!r}")
    return {_blob(k): _blob(v) for k, v in conn.execute(f"SELECT key, value FROM {table}")}


def read_meta(conn: sqlite3.Connection) -> dict[str, bytes]:
    """Every ``meta`` row."""
    return {str(k): _blob(v) for k, v in conn.execute("SELECT key, value FROM meta")}
