"""The embedded node: one process, one validator, SQLite, blocks on an interval or on demand.

It owns the outside world for the core: the mempool (CheckTx), the wall clock for block times, the
validator key that signs headers, persistence (one database transaction per block), crash recovery and the
live event feed. Edges reach it only through :class:`~bayledger.node.service.NodeService`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import msgspec

from bayledger import __version__
from bayledger.core import smt
from bayledger.core.app import App, build_app
from bayledger.core.block import (
    BlockHeader,
    CommitSignature,
    compute_header_hash,
    header_sign_bytes,
)
from bayledger.core.codec import encode_record
from bayledger.core.errors import DuplicateTxError, NonceTooLowError
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.core.modules.accounts.state import get_account
from bayledger.core.state_transition import (
    BlockInput,
    BlockOutcome,
    TxResult,
    apply_block,
    chain_at,
    compute_block_header,
    decode_and_check,
    encode_end_block_events,
    encode_result,
    init_chain,
    validators_at,
)
from bayledger.core.tx import decode_tx, tx_bytes
from bayledger.keys import SigningKey
from bayledger.node.feed import EventFeed
from bayledger.node.home import NodeHome
from bayledger.node.identity_queries import IdentityQueries
from bayledger.node.mempool import Mempool, MempoolEntry
from bayledger.node.service import NotFoundError, TimeoutWaitingError
from bayledger.store.sqlite import Database, EventRow

log = logging.getLogger("bayledger.node")


class NodeStateError(RuntimeError):
    """The database does not match the genesis or is internally inconsistent."""


MAX_CLOCK_ADVANCE_MS = 10 * 366 * 86_400_000


class DevClockDisabledError(NodeStateError):
    """The node was not started with ``dev_clock = 1``: its block clock follows the wall clock only."""


class NodeHaltedError(NodeStateError):
    """The validator set adopted by governance leaves this node's key without >2/3 of the voting power."""


class BoundedSet(set[bytes]):
    """The signature cache: a set that empties itself when it grows past its limit."""

    def __init__(self, limit: int = 200_000) -> None:
        super().__init__()
        self.limit = limit

    def add(self, item: bytes) -> None:
        """Remember a verified signature."""
        if len(self) >= self.limit:
            self.clear()
        super().add(item)


class EmbeddedNode(IdentityQueries):  # IdentityQueries extends NodeQueries
    """A single-validator node over one SQLite file."""

    def __init__(
        self,
        home: Path,
        validator_key: SigningKey,
        *,
        synchronous: str = "FULL",
        mempool_size: int = 50_000,
        mempool_per_account: int = 5_000,
        dev_clock: bool = False,
    ) -> None:
        self.home = NodeHome(home)
        self.dev_clock = dev_clock
        self.genesis_doc: Genesis = self.home.read_genesis()
        self.app: App = build_app(self.genesis_doc)
        self.validator_key = validator_key
        self.home.database_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.home.database_path, synchronous=synchronous)
        self.mempool = Mempool(mempool_size, mempool_per_account)
        self.sig_cache = BoundedSet()
        self.feed = EventFeed()
        self._produce_lock = threading.Lock()
        self._committed = threading.Condition()
        self._stop = threading.Event()
        self._producer: threading.Thread | None = None
        self._open_chain()
        self._check_validator_key()
        super().__init__(self.app, self.db, self.genesis_doc)

    # --- start-up and recovery ---------------------------------------------------------------------

    def _check_validator_key(self) -> None:
        keys = {v.public_key for v in validators_at(self.app, self.db.writer_state)}
        if self.validator_key.public_key not in keys:
            self.db.close()
            raise NodeStateError("the validator key is not in the current validator set")

    def _signing_set(self) -> tuple[GenesisValidator, ...]:
        """The set that signs the next block; NodeHaltedError when this node's key alone cannot commit it."""
        validators = validators_at(self.app, self.db.writer_state)
        total = sum(v.power for v in validators)
        own = sum(v.power for v in validators if v.public_key == self.validator_key.public_key)
        if own * 3 <= total * 2:
            raise NodeHaltedError(
                f"this node's validator key holds {own} of {total} voting power in the current set; "
                "a block needs more than 2/3, so the embedded node cannot commit (use a multi-node network)"
            )
        return validators

    def _open_chain(self) -> None:
        stored = self.db.get_meta("genesis", self.db.writer)
        genesis_bytes = encode_genesis(self.genesis_doc)
        if stored is None:
            outcome = init_chain(self.app, self.genesis_doc, self.db.writer_state, self.db.writer_tree)
            with self.db.write_transaction() as conn:
                self.db.apply_writes(conn, outcome.state_writes, outcome.node_writes)
                self.db.set_meta(conn, "genesis", genesis_bytes)
                self.db.set_meta(conn, "height", b"0")
                self.db.set_meta(conn, "app_hash", outcome.app_hash.hex().encode())
                self.db.set_meta(conn, "last_hash", b"")
                self.db.set_meta(conn, "last_time", str(self.genesis_doc.genesis_time).encode())
            log.info("initialised chain %s at app hash %s", self.genesis_doc.chain_id, outcome.app_hash.hex())
            return
        if stored != genesis_bytes:
            raise NodeStateError(
                f"{self.home.database_path} belongs to another genesis than {self.home.genesis_path}"
            )
        root = smt.get_root(self.db.writer_tree, self.app.chain.hash_fn).hex()
        recorded = (self.db.get_meta("app_hash", self.db.writer) or b"").decode()
        if root != recorded:
            raise NodeStateError(f"state tree root {root} differs from the committed app hash {recorded}")
        log.info("resumed chain %s at height %d", self.genesis_doc.chain_id, self.height)

    @property
    def height(self) -> int:
        """The last committed height (0 before the first block)."""
        return int(self.db.get_meta("height", self.db.writer) or b"0")

    # --- block production ----------------------------------------------------------------------------

    def start(self, block_interval_ms: int = 1000) -> None:
        """Produce blocks in a background thread every interval while transactions are waiting."""
        if self._producer is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(block_interval_ms / 1000):
                try:
                    while len(self.mempool) and not self._stop.is_set():
                        self.produce_block()
                except Exception:  # keep producing; the failure is logged with its traceback
                    log.exception("block production failed")

        self._producer = threading.Thread(target=loop, name="block-producer", daemon=True)
        self._producer.start()

    def stop(self) -> None:
        """Stop producing, end live subscriptions and close the database."""
        self._stop.set()
        if self._producer is not None:
            self._producer.join(timeout=30)
            self._producer = None
        self.feed.close()
        with self._produce_lock:
            self.db.close()

    def advance_clock(self, ms: int) -> dict[str, Any]:
        """Move this node's block clock ``ms`` forward (never back), for dev and demo networks that must
        reach a coupon or maturity date; the offset is stored, so a restart keeps it. Block times stay
        increasing and are recorded in the headers, so replay and audit are unaffected."""
        if not self.dev_clock:
            raise DevClockDisabledError("this node's clock is the wall clock (start it with dev_clock = 1)")
        if not 0 < ms <= MAX_CLOCK_ADVANCE_MS:
            raise ValueError(f"advance must be 1..{MAX_CLOCK_ADVANCE_MS} ms, got {ms}")
        with self._produce_lock, self.db.write_transaction() as conn:
            offset = int(self.db.get_meta("clock_offset", conn) or b"0") + ms
            self.db.set_meta(conn, "clock_offset", str(offset).encode())
        return {"offset_ms": offset, "clock_ms": int(time.time() * 1000) + offset}

    def produce_block(self) -> dict[str, Any] | None:
        """Take the oldest waiting transactions, run them, sign and commit the block atomically."""
        with self._produce_lock:
            params = chain_at(self.app, self.db.writer_state).params  # genesis values + governance
            entries = self.mempool.peek(params.max_txs_per_block)
            if not entries:
                return None
            signing_set = self._signing_set()
            writer = self.db.writer
            height = self.height + 1
            last_time = int(self.db.get_meta("last_time", writer) or b"0")
            offset = int(self.db.get_meta("clock_offset", writer) or b"0")
            block_time = max(int(time.time() * 1000) + offset, last_time + 1)
            previous_hash = (self.db.get_meta("last_hash", writer) or b"").decode()
            block = BlockInput(
                height=height,
                time=block_time,
                proposer=self._proposer_did(),
                previous_hash=previous_hash,
                txs=[e.raw for e in entries],
            )
            outcome = apply_block(self.app, self.db.writer_state, self.db.writer_tree, block, self.sig_cache)
            header = compute_block_header(self.app, block, outcome, signing_set)
            block_hash = compute_header_hash(self.app.chain.hash_fn, header)
            signature = CommitSignature(
                validator=self._proposer_did(),
                key_type=self.validator_key.key_type,
                public_key=self.validator_key.public_key,
                signature=self.validator_key.sign(header_sign_bytes(block_hash)),
            )
            self._persist(header, block_hash.hex(), signature, outcome)
        self.mempool.remove([e.hash for e in entries], self._committed_nonces(outcome.results))
        block_dict = self.get_block(height)
        with self._committed:
            self._committed.notify_all()
        self.feed.publish_block(block_dict, outcome.results, outcome.end_block_events)
        return block_dict

    def _proposer_did(self) -> str:
        return self.validator_key.did(self.genesis_doc.did_ac_code)

    def _persist(
        self, header: BlockHeader, block_hash: str, signature: CommitSignature, outcome: BlockOutcome
    ) -> None:
        txs = [_tx_row(result, raw) for result, raw in zip(outcome.results, outcome.tx_bytes, strict=True)]
        with self.db.write_transaction() as conn:
            self.db.apply_writes(conn, outcome.state_writes, outcome.node_writes)
            self.db.insert_block(
                conn,
                height=header.height,
                block_hash=block_hash,
                header=encode_record(header),
                signatures=msgspec.json.encode([signature]),
                time=header.time,
                txs=txs,
                end_block_events=encode_end_block_events(outcome.end_block_events),
                end_block_index=[_event_row(event) for event in outcome.end_block_events],
            )
            self.db.set_meta(conn, "height", str(header.height).encode())
            self.db.set_meta(conn, "app_hash", header.app_hash.encode())
            self.db.set_meta(conn, "last_hash", block_hash.encode())
            self.db.set_meta(conn, "last_time", str(header.time).encode())

    @staticmethod
    def _committed_nonces(results: list[TxResult]) -> dict[str, int]:
        nonces: dict[str, int] = {}
        for result in results:
            if result.signer:
                nonces[result.signer] = max(result.nonce, nonces.get(result.signer, 0))
        return nonces

    # --- hosted status list credentials --------------------------------------------------------------

    def _status_list_path(self, issuer: str, list_id: str) -> Path:
        name = hashlib.sha256(f"{issuer}/{list_id}".encode()).hexdigest()
        return self.home.status_lists_dir / f"{name}.json"

    def put_status_list_credential(self, issuer: str, list_id: str, credential: dict[str, Any]) -> None:
        """Store the status list credential of (issuer, list id) in ``data/status-lists/`` (file name: SHA-256
        of ``<issuer>/<list_id>``), replacing the previous one atomically (temp file, fsync, rename).

        The caller has checked it (proof by the issuer, hash anchored on chain): this only stores.
        """
        path = self._status_list_path(issuer, list_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"issuer": issuer, "list_id": list_id, "credential": credential}
        temp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with temp.open("wb") as handle:
            handle.write(msgspec.json.encode(record))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)

    def get_status_list_credential(self, issuer: str, list_id: str) -> dict[str, Any]:
        """The hosted status list credential of (issuer, list id); NotFoundError when none was stored."""
        path = self._status_list_path(issuer, list_id)
        try:
            record = msgspec.json.decode(path.read_bytes())
        except FileNotFoundError:
            raise NotFoundError(f"no hosted status list {list_id} of {issuer}") from None
        credential: dict[str, Any] = record["credential"]
        return credential

    # --- transactions --------------------------------------------------------------------------------

    def submit_tx(self, raw: bytes) -> dict[str, Any]:
        """CheckTx against committed state plus queued nonces, then queue; typed errors change nothing.

        Submitting a tx that is already queued or committed is ``DuplicateTxError`` (``tx/16``), not the
        nonce error its reused nonce would otherwise cause, so a client retrying after a lost answer can
        tell "already there" from "replaced by another tx".
        """
        try:
            return self._check_and_queue(raw)
        except NonceTooLowError:
            duplicate = self._duplicate_of(raw)
            if duplicate is not None:
                raise DuplicateTxError(duplicate) from None
            raise

    def _duplicate_of(self, raw: bytes) -> str | None:
        """Why ``raw`` is a duplicate (queued or committed), or None when it is not."""
        max_tx_bytes = chain_at(self.app, self._reader_state()).params.max_tx_bytes
        tx_hash = self.app.chain.hash_fn(tx_bytes(decode_tx(raw, max_tx_bytes))).hex()
        with self.mempool.lock:
            if tx_hash in self.mempool:
                return f"transaction {tx_hash} is already in the mempool"
        found = self._find_tx(tx_hash)
        if found is not None and found["signer"]:  # executed (not refused inside the block)
            return f"transaction {tx_hash} is already committed at height {found['height']}"
        return None

    def _check_and_queue(self, raw: bytes) -> dict[str, Any]:
        reader = self._reader_state()
        height = self.height + 1
        expected = self._expected_nonce(raw, reader)
        checked, account = decode_and_check(
            self.app, reader, raw, height=height, expected_nonce=expected, sig_cache=self.sig_cache
        )
        signer = checked.tx.body.signer
        with self.mempool.lock:
            # Another submission of the same signer may have queued, or a block may have committed and
            # left the pool, since the first check: re-read the committed nonce under the pool lock.
            fresh = get_account(reader, signer)
            committed_nonce = account.nonce if fresh is None else fresh.nonce
            again = self.mempool.expected_nonce(signer, committed_nonce)
            if again != checked.tx.body.nonce:
                decode_and_check(
                    self.app, reader, raw, height=height, expected_nonce=again, sig_cache=self.sig_cache
                )
            self.mempool.add(
                MempoolEntry(
                    hash=checked.hash.hex(), raw=checked.canonical, signer=signer, nonce=checked.tx.body.nonce
                )
            )
        return {"hash": checked.hash.hex()}

    def _expected_nonce(self, raw: bytes, reader: Any) -> int | None:
        try:
            signer = msgspec.json.decode(raw, type=_SignerOnly).body.signer
        except msgspec.DecodeError:
            return None  # decode_and_check reports the malformed tx with its typed error
        account = get_account(reader, signer)
        if account is None:
            return None
        with self.mempool.lock:
            return self.mempool.expected_nonce(signer, account.nonce)

    def wait_for_tx(self, tx_hash: str, timeout: float) -> dict[str, Any]:
        """Wait until ``tx_hash`` is committed; its TxResult, or TimeoutWaitingError."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._find_tx(tx_hash)
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutWaitingError(f"transaction {tx_hash} not committed within {timeout:g} s")
            with self._committed:
                self._committed.wait(min(remaining, 0.25))

    def status(self) -> dict[str, Any]:
        """Chain id, latest block, app hash, mempool size, validators."""
        status = super().status()
        status["mempool_size"] = len(self.mempool)
        status["node_version"] = __version__
        return status

    def subscribe(self) -> Any:
        """A live feed of committed blocks and events."""
        return self.feed.subscribe()


class _SignerBody(msgspec.Struct):
    signer: str


class _SignerOnly(msgspec.Struct):
    body: _SignerBody


def _tx_row(result: TxResult, raw: bytes) -> dict[str, Any]:
    accounts = {result.signer} if result.signer else set()
    events = []
    for event in result.events:
        row = _event_row(event)
        accounts.update(v for _, v in row[2] if v.startswith("did:"))
        events.append(row)
    return {
        "hash": result.hash,
        "signer": result.signer,
        "code": result.code,
        "raw": raw,
        "result": encode_result(result),
        "accounts": accounts,
        "events": events,
    }


def _event_row(event: dict[str, Any]) -> EventRow:
    """An event as indexed: its type, JSON body and its string and integer attributes."""
    attrs = [(k, str(v)) for k, v in event.items() if k != "type" and isinstance(v, str | int)]
    return str(event["type"]), msgspec.json.encode(event), attrs
