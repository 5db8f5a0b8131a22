"""The replay audit: re-execute every stored block from genesis with the pure core and compare.

``replay_database(home)`` rebuilds the chain in memory (``DictState``/``DictNodeStore``) from the home's
``genesis.json`` and the txs stored in its database, then checks, block by block, that what is stored is
exactly what the core recomputes: header roots (tx root, results hash, app hash), each tx's stored result,
the block's stored end-block events, block hashes and their links, the validator signatures, and at the end
the whole ``state`` and ``tree`` tables and the committed meta. Any difference is a :class:`Mismatch`; the
node's data is never modified.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from bayledger.core import smt
from bayledger.core.app import build_app
from bayledger.core.block import (
    BlockHeader,
    CommitSignature,
    SignedHeader,
    compute_header_hash,
    compute_validators_hash,
)
from bayledger.core.genesis import GenesisValidator, encode_genesis
from bayledger.core.light import LightClientError, verify_commit
from bayledger.core.state_transition import (
    BlockInput,
    apply_block,
    encode_end_block_events,
    encode_result,
    init_chain,
    validators_at,
)
from bayledger.core.store import DictState
from bayledger.node.home import NodeHome
from bayledger.store import queries as q
from bayledger.store.sqlite import open_for_reading

MAX_MISMATCHES = 100
Progress = Callable[[int, int], None]
"""Called after each replayed block with ``(blocks done, blocks stored)``."""


@dataclass(frozen=True)
class Mismatch:
    """One stored value that differs from its recomputation (``field`` names what was compared)."""

    height: int
    field: str
    stored: str
    recomputed: str


@dataclass
class ReplayReport:
    """The outcome of a replay: what was replayed and every mismatch found (at most ``MAX_MISMATCHES``)."""

    chain_id: str
    blocks: int = 0
    txs: int = 0
    last_height: int = 0
    app_hash: str = ""
    seconds: float = 0.0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every stored value matched its recomputation."""
        return not self.mismatches

    @property
    def first_mismatch_height(self) -> int | None:
        """The lowest height with a mismatch (0 = genesis), or None when everything matches."""
        return min((m.height for m in self.mismatches), default=None)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``bayledger node replay --json`` prints)."""
        data = asdict(self)
        data["ok"] = self.ok
        data["first_mismatch_height"] = self.first_mismatch_height
        return data

    def add(self, height: int, name: str, stored: object, recomputed: object) -> None:
        """Record a mismatch when ``stored != recomputed``."""
        if stored != recomputed and len(self.mismatches) < MAX_MISMATCHES:
            self.mismatches.append(Mismatch(height, name, _text(stored), _text(recomputed)))


def _text(value: object) -> str:
    return value.hex() if isinstance(value, bytes) else str(value)


def _str(data: bytes) -> str:
    return data.decode(errors="replace")


def _fingerprint(data: bytes) -> str:
    return f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}"


def replay_database(home: Path, progress: Progress | None = None) -> ReplayReport:
    """Re-execute every block stored in ``home`` from its genesis and compare with what is stored.

    Reads one consistent snapshot, so it may run beside a live node. Raises HomeError when ``home`` is not
    a node directory and FileNotFoundError when it has no database yet.
    """
    started = time.monotonic()
    node_home = NodeHome(home)
    genesis = node_home.read_genesis()
    app = build_app(genesis)
    hash_fn = app.chain.hash_fn
    report = ReplayReport(chain_id=genesis.chain_id)
    conn = open_for_reading(node_home.database_path)
    try:
        conn.execute("BEGIN")
        meta = q.read_meta(conn)
        report.add(
            0, "genesis", _fingerprint(meta.get("genesis", b"")), _fingerprint(encode_genesis(genesis))
        )
        total = int(conn.execute("SELECT COUNT(*) FROM blocks").fetchone()[0])
        state, tree = DictState(), smt.DictNodeStore()
        start = init_chain(app, genesis, state, tree)
        state.apply(start.state_writes)
        tree.apply(start.node_writes)
        app_hash, previous_hash, last_time = start.app_hash.hex(), "", genesis.genesis_time
        for block in q.iter_stored_blocks(conn):
            height = report.last_height + 1
            report.add(height, "height", block.height, height)
            try:
                header = msgspec.json.decode(block.header, type=BlockHeader)
                signatures = msgspec.json.decode(block.signatures, type=list[CommitSignature])
            except msgspec.DecodeError as exc:  # nothing after an unreadable block can be replayed
                report.add(height, "header", f"undecodable: {exc}", "a block header and signatures")
                break
            raws = [raw for raw, _ in block.txs]
            signing_set = validators_at(app, state)  # the set on the state the block runs on
            outcome = apply_block(
                app, state, tree, BlockInput(height, header.time, header.proposer, header.previous_hash, raws)
            )
            state.apply(outcome.state_writes)
            tree.apply(outcome.node_writes)
            app_hash = outcome.app_hash.hex()
            report.add(height, "chain_id", header.chain_id, genesis.chain_id)
            report.add(height, "previous_hash", header.previous_hash, previous_hash)
            report.add(height, "tx_root", header.tx_root, outcome.tx_root.hex())
            report.add(height, "results_hash", header.results_hash, outcome.results_hash.hex())
            report.add(height, "app_hash", header.app_hash, app_hash)
            report.add(
                height, "validators_hash", header.validators_hash, validators_hash(hash_fn, signing_set)
            )
            report.add(
                height,
                "next_validators_hash",
                header.next_validators_hash,
                validators_hash(hash_fn, outcome.next_validators),
            )
            report.add(height, "block_hash", block.hash, compute_header_hash(hash_fn, header).hex())
            report.add(height, "tx_count", block.tx_count, len(block.txs))
            for index, ((_, stored), result) in enumerate(zip(block.txs, outcome.results, strict=False)):
                report.add(height, f"result[{index}]", _str(stored), encode_result(result).decode())
            report.add(
                height,
                "end_block_events",
                _str(block.end_block_events),
                encode_end_block_events(outcome.end_block_events).decode(),
            )
            try:
                if meta.get("consensus") != b"cometbft":  # on a network, CometBFT's commit signs the block
                    verify_commit(genesis, SignedHeader(header=header, signatures=signatures), signing_set)
            except LightClientError as exc:
                report.add(height, "signatures", exc.message, "signed by >2/3 of the validator set")
            previous_hash, last_time = block.hash, header.time
            report.blocks += 1
            report.txs += len(block.txs)
            report.last_height = height
            if progress is not None:
                progress(report.blocks, total)
        else:  # every block replayed: the committed tables and meta must be exactly the result
            _compare_final(report, meta, app_hash, previous_hash, last_time)
            report.add(report.last_height, "state", _digest(q.read_table(conn, "state")), _digest(state.data))
            report.add(report.last_height, "tree", _digest(q.read_table(conn, "tree")), _digest(tree.nodes))
        conn.execute("COMMIT")
    finally:
        conn.close()
    report.app_hash = app_hash
    report.seconds = round(time.monotonic() - started, 3)
    return report


def validators_hash(hash_fn: smt.HashFn, validators: Sequence[GenesisValidator]) -> str:
    """Hex hash of a validator set, as a header carries it."""
    return compute_validators_hash(hash_fn, validators).hex()


def _compare_final(
    report: ReplayReport, meta: dict[str, bytes], app_hash: str, last_hash: str, last_time: int
) -> None:
    """The committed meta must name the last replayed block."""
    at = report.last_height
    report.add(at, "meta.height", _str(meta.get("height", b"")), str(at))
    report.add(at, "meta.app_hash", _str(meta.get("app_hash", b"")), app_hash)
    report.add(at, "meta.last_hash", _str(meta.get("last_hash", b"")), last_hash)
    report.add(at, "meta.last_time", _str(meta.get("last_time", b"")), str(last_time))


def _digest(table: dict[bytes, bytes]) -> str:
    """A short fingerprint of a key-value table: its size and a hash over the sorted pairs."""
    h = hashlib.sha256()
    for key in sorted(table):
        value = table[key]
        h.update(len(key).to_bytes(4, "big") + key + len(value).to_bytes(4, "big") + value)
    return f"{len(table)} rows, sha256 {h.hexdigest()[:16]}"
