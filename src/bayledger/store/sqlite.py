"""The node database: SQLite in WAL mode, one database transaction per block.

A block, its transactions and results, the state and tree writes it caused, and every index entry are
committed together or not at all, so a node killed at any instant restarts at its last committed block with
nothing half-applied. One writer connection (the block producer's) and one reader connection per thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bayledger.store.schema import migrate

EventRow = tuple[str, bytes, list[tuple[str, str]]]
"""An event to index: its type, its JSON body and its (attribute, value) pairs."""

END_BLOCK_TX_HASH = ""
"""The ``events.tx_hash`` of an event emitted at end of block rather than by a transaction."""


def _prefix_upper_bound(prefix: bytes) -> bytes | None:
    """The smallest key greater than every key starting with ``prefix`` (None when there is none)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


def open_for_reading(path: Path) -> sqlite3.Connection:
    """A query-only connection to an existing node database, safe beside a running node.

    It never creates the file. A WAL left behind by a killed node is recovered on first read (that needs
    write access to the ``-shm`` index, which a ``mode=ro`` connection would lack), so only reads are
    forbidden to change the database.
    """
    if not path.is_file():
        raise FileNotFoundError(f"no node database at {path}")
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA query_only=ON")
    return conn


class _CachedTableReader:
    """Point reads of one key/value table through one connection, with an optional bounded cache.

    The cache (shared with the writer, cleared when a block's transaction rolls back) is emptied
    whole when it reaches ``cache_limit`` entries.
    """

    _select: str  # "SELECT value FROM <table> WHERE key = ?"

    def __init__(
        self, conn: sqlite3.Connection, cache: dict[bytes, bytes | None] | None = None, cache_limit: int = 0
    ) -> None:
        self.conn = conn
        self.cache = cache
        self.cache_limit = cache_limit

    def _read(self, key: bytes) -> bytes | None:
        cache = self.cache
        if cache is not None and key in cache:
            return cache[key]
        row = self.conn.execute(self._select, (key,)).fetchone()
        value = None if row is None else bytes(row[0])
        if cache is not None:
            if len(cache) >= self.cache_limit:
                cache.clear()
            cache[key] = value
        return value


class ConnectionState(_CachedTableReader):
    """Committed state read through one connection (implements the core's ``StateReader``)."""

    _select = "SELECT value FROM state WHERE key = ?"

    def get(self, key: bytes) -> bytes | None:
        """The committed value at ``key``."""
        return self._read(key)

    def iter_prefix(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Ascending committed pairs under ``prefix``."""
        upper = _prefix_upper_bound(prefix)
        if upper is None:
            rows = self.conn.execute("SELECT key, value FROM state WHERE key >= ? ORDER BY key", (prefix,))
        else:
            rows = self.conn.execute(
                "SELECT key, value FROM state WHERE key >= ? AND key < ? ORDER BY key", (prefix, upper)
            )
        for key, value in rows.fetchall():
            yield bytes(key), bytes(value)


class ConnectionTree(_CachedTableReader):
    """Committed Merkle-tree nodes read through one connection (implements the core's ``NodeReader``)."""

    _select = "SELECT value FROM tree WHERE key = ?"

    def get_node(self, node_key: bytes) -> bytes | None:
        """The stored node at ``node_key``."""
        return self._read(node_key)


class Database:
    """A node's SQLite database file."""

    def __init__(
        self,
        path: Path,
        *,
        synchronous: str = "FULL",
        state_cache: int = 200_000,
        tree_cache: int = 1_000_000,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be FULL or NORMAL")
        self.path = path
        self.synchronous = synchronous
        self._local = threading.local()
        self.write_lock = threading.Lock()
        self.writer = self._connect()
        migrate(self.writer)
        self._state_cache: dict[bytes, bytes | None] = {}
        self._tree_cache: dict[bytes, bytes | None] = {}
        self.writer_state = ConnectionState(self.writer, self._state_cache, state_cache)
        self.writer_tree = ConnectionTree(self.writer, self._tree_cache, tree_cache)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self.synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @property
    def reader(self) -> sqlite3.Connection:
        """This thread's read connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close the writer connection (reader connections close with their threads)."""
        self.writer.close()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A consistent read transaction: every read inside sees the same committed block."""
        conn = self.reader
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction on the writer connection; rolls back on any exception.

        A failing COMMIT (disk full, I/O error) rolls back too: the transaction never stays open and the
        writer caches, which already hold the block's values, are dropped.
        """
        with self.write_lock:
            writer = self.writer
            writer.execute("BEGIN IMMEDIATE")
            try:
                yield writer
                writer.execute("COMMIT")
            except BaseException:
                if writer.in_transaction:
                    writer.execute("ROLLBACK")
                self._state_cache.clear()
                self._tree_cache.clear()
                raise

    # --- meta --------------------------------------------------------------------------------------

    def get_meta(self, key: str, conn: sqlite3.Connection | None = None) -> bytes | None:
        """A metadata value (genesis, last height, …)."""
        row = (conn or self.reader).execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: bytes) -> None:
        """Write a metadata value inside the caller's transaction."""
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- state and tree writes (inside a write transaction) ----------------------------------------

    def apply_writes(
        self,
        conn: sqlite3.Connection,
        state_writes: dict[bytes, bytes | None],
        node_writes: dict[bytes, bytes | None],
    ) -> None:
        """Persist a block's state and tree writes and keep the writer caches in step."""
        for table, writes, cache in (
            ("state", state_writes, self._state_cache),
            ("tree", node_writes, self._tree_cache),
        ):
            upserts = [(k, v) for k, v in writes.items() if v is not None]
            deletes = [(k,) for k, v in writes.items() if v is None]
            if upserts:
                conn.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", upserts)
            if deletes:
                conn.executemany(f"DELETE FROM {table} WHERE key = ?", deletes)
            for key, value in writes.items():
                if key in cache:
                    cache[key] = value

    def insert_block(
        self,
        conn: sqlite3.Connection,
        *,
        height: int,
        block_hash: str,
        header: bytes,
        signatures: bytes,
        time: int,
        txs: list[dict[str, Any]],
        end_block_events: bytes = b"[]",
        end_block_index: Sequence[EventRow] = (),
    ) -> None:
        """Insert a block and its txs, results, account and event index rows.

        Each item of ``txs``: hash, signer, code, raw, result (bytes), accounts (set of DIDs), events
        (list of (type, body bytes, [(attr, value)])). ``end_block_events`` is the block's canonical
        end-block event list; ``end_block_index`` its events as (type, body, attrs), indexed like tx events
        under ``tx_hash = ""`` and ``idx = len(txs)`` (they happen after the block's last tx).
        """
        conn.execute(
            "INSERT INTO blocks (height, hash, header, signatures, tx_count, time, end_block_events) "
            "VALUES (?,?,?,?,?,?,?)",
            (height, block_hash, header, signatures, len(txs), time, end_block_events),
        )
        conn.executemany(
            "INSERT INTO txs (height, idx, hash, signer, code, raw, result) VALUES (?,?,?,?,?,?,?)",
            [
                (height, i, t["hash"], t["signer"], t["code"], t["raw"], t["result"])
                for i, t in enumerate(txs)
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO tx_accounts (account, height, idx) VALUES (?,?,?)",
            [(a, height, i) for i, t in enumerate(txs) for a in t["accounts"]],
        )
        conn.executemany(
            "INSERT INTO events (height, idx, ev, type, tx_hash, body) VALUES (?,?,?,?,?,?)",
            [
                (height, i, e, ev[0], t["hash"], ev[1])
                for i, t in enumerate(txs)
                for e, ev in enumerate(t["events"])
            ]
            + [
                (height, len(txs), e, ev[0], END_BLOCK_TX_HASH, ev[1]) for e, ev in enumerate(end_block_index)
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO event_attrs (attr, value, height, idx, ev) VALUES (?,?,?,?,?)",
            [
                (attr, value, height, i, e)
                for i, t in enumerate(txs)
                for e, ev in enumerate(t["events"])
                for attr, value in ev[2]
            ]
            + [
                (attr, value, height, len(txs), e)
                for e, ev in enumerate(end_block_index)
                for attr, value in ev[2]
            ],
        )
