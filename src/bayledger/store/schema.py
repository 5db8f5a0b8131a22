"""The SQLite schema of a node database and its migrations (one list, applied in order, never edited)."""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE state (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE tree (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE blocks (
        height INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, header BLOB NOT NULL,
        signatures BLOB NOT NULL, tx_count INTEGER NOT NULL, time INTEGER NOT NULL);
    CREATE TABLE txs (
        height INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL, signer TEXT NOT NULL,
        code INTEGER NOT NULL, raw BLOB NOT NULL, result BLOB NOT NULL, PRIMARY KEY (height, idx));
    CREATE INDEX txs_by_hash ON txs (hash);
    CREATE TABLE tx_accounts (
        account TEXT NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL,
        PRIMARY KEY (account, height, idx)) WITHOUT ROWID;
    CREATE TABLE events (
        height INTEGER NOT NULL, idx INTEGER NOT NULL, ev INTEGER NOT NULL, type TEXT NOT NULL,
        tx_hash TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (height, idx, ev));
    CREATE INDEX events_by_type ON events (type, height, idx, ev);
    CREATE TABLE event_attrs (
        attr TEXT NOT NULL, value TEXT NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL,
        ev INTEGER NOT NULL, PRIMARY KEY (attr, value, height, idx, ev)) WITHOUT ROWID;
    """,
    # 2: a block's end-block events (sorted-key JSON list, "[]" for blocks without any). They are indexed
    # in events / event_attrs like tx events, with tx_hash "" and idx = the block's tx count.
    """
    ALTER TABLE blocks ADD COLUMN end_block_events BLOB NOT NULL DEFAULT X'5B5D';
    """,
)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the newest schema in one transaction; returns the schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(f"database schema {version} is newer than this bayledger ({len(MIGRATIONS)})")
    for number in range(version, len(MIGRATIONS)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)
