"""The ABCI application's persistence: genesis once, then one SQLite transaction per committed block.

The same tables and meta rows as the embedded node (``height``, ``app_hash``, ``last_hash``, ``last_time``,
``genesis``), so every read of ``NodeQueries`` works unchanged, plus ``consensus = cometbft`` and the
CometBFT block hash of the last committed block (``comet_hash``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bayledger.core import smt
from bayledger.core.app import App
from bayledger.core.block import BlockHeader
from bayledger.core.codec import encode_record
from bayledger.core.genesis import Genesis, encode_genesis
from bayledger.core.merkle import compute_list_root
from bayledger.core.state_transition import (
    BlockOutcome,
    BlockTooLargeError,
    TxResult,
    compute_results_hash,
    encode_end_block_events,
    init_chain,
)
from bayledger.node.embedded import NodeStateError, _event_row, _tx_row
from bayledger.store import queries as q
from bayledger.store.sqlite import Database


@dataclass(frozen=True)
class PendingBlock:
    """A block executed by FinalizeBlock, waiting for Commit."""

    header: BlockHeader
    block_hash: str
    outcome: BlockOutcome
    comet_hash: bytes


class ChainStore:
    """Reads and writes the committed chain of one node database (the ABCI thread is its only writer)."""

    def __init__(self, app: App, genesis: Genesis, db: Database) -> None:
        self.app = app
        self.genesis = genesis
        self.db = db
        self._check_open()

    def _meta(self, key: str) -> bytes | None:
        return self.db.get_meta(key, self.db.writer)

    def _check_open(self) -> None:
        stored = self._meta("genesis")
        if stored is None:
            return
        if stored != encode_genesis(self.genesis):
            raise NodeStateError(f"{self.db.path} belongs to another genesis")
        root = smt.get_root(self.db.writer_tree, self.app.chain.hash_fn).hex()
        if root != (self._meta("app_hash") or b"").decode():
            raise NodeStateError(f"state tree root {root} differs from the committed app hash")

    @property
    def height(self) -> int:
        """The last committed height (0 before the first block)."""
        return int(self._meta("height") or b"0")

    @property
    def app_hash(self) -> bytes:
        """The app hash after the last committed block (the genesis state root at height 0)."""
        return bytes.fromhex((self._meta("app_hash") or b"").decode())

    @property
    def last_hash(self) -> str:
        """Our header hash of the last committed block ("" before the first)."""
        return (self._meta("last_hash") or b"").decode()

    def init_genesis(self) -> bytes:
        """Write the genesis state once; the genesis app hash (the stored one when already written)."""
        if self._meta("genesis") is not None:
            return self.app_hash
        outcome = init_chain(self.app, self.genesis, self.db.writer_state, self.db.writer_tree)
        with self.db.write_transaction() as conn:
            self.db.apply_writes(conn, outcome.state_writes, outcome.node_writes)
            self.db.set_meta(conn, "genesis", encode_genesis(self.genesis))
            self.db.set_meta(conn, "height", b"0")
            self.db.set_meta(conn, "app_hash", outcome.app_hash.hex().encode())
            self.db.set_meta(conn, "last_hash", b"")
            self.db.set_meta(conn, "last_time", str(self.genesis.genesis_time).encode())
            self.db.set_meta(conn, "consensus", b"cometbft")
        return outcome.app_hash

    def persist(self, pending: PendingBlock) -> None:
        """Block, txs, results, state and tree writes, indexes and meta in one transaction."""
        header, outcome = pending.header, pending.outcome
        txs = [_tx_row(result, raw) for result, raw in zip(outcome.results, outcome.tx_bytes, strict=True)]
        with self.db.write_transaction() as conn:
            self.db.apply_writes(conn, outcome.state_writes, outcome.node_writes)
            self.db.insert_block(
                conn,
                height=header.height,
                block_hash=pending.block_hash,
                header=encode_record(header),
                signatures=b"[]",  # CometBFT's validators commit the block: see the light client
                time=header.time,
                txs=txs,
                end_block_events=encode_end_block_events(outcome.end_block_events),
                end_block_index=[_event_row(event) for event in outcome.end_block_events],
            )
            self.db.set_meta(conn, "height", str(header.height).encode())
            self.db.set_meta(conn, "app_hash", header.app_hash.encode())
            self.db.set_meta(conn, "last_hash", pending.block_hash.encode())
            self.db.set_meta(conn, "last_time", str(header.time).encode())
            self.db.set_meta(conn, "comet_hash", pending.comet_hash.hex().encode())

    def get_block(self, height: int) -> dict[str, Any]:
        """A committed block in the service's block shape."""
        block = q.get_block(self.db.writer, height)
        if block is None:
            raise NodeStateError(f"block {height} was just committed but cannot be read")
        return block

    def refuse_all(self, empty_outcome: BlockOutcome, txs: Sequence[bytes]) -> BlockOutcome:
        """The outcome of a decided block over ``max_txs_per_block``: the state change of an empty block
        (end-block hooks run) and every tx recorded as refused with ``ledger/3``."""
        hash_fn = self.app.chain.hash_fn
        error = BlockTooLargeError(f"the block carries {len(txs)} txs, over max_txs_per_block")
        results = [
            TxResult(
                hash=hash_fn(raw).hex(),
                code=error.code,
                codespace=error.codespace,
                log=error.message,
                events=[],
                signer="",
                nonce=0,
            )
            for raw in txs
        ]
        return dataclasses.replace(
            empty_outcome,
            results=results,
            tx_bytes=list(txs),
            tx_root=compute_list_root(hash_fn, list(txs)),
            results_hash=compute_results_hash(hash_fn, results, empty_outcome.end_block_events),
        )
