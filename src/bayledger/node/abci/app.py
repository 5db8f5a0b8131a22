"""The bayledger core as an ABCI 2.0 application: the same state machine the embedded node runs.

CometBFT orders and commits blocks; this class executes them with :func:`core.state_transition.apply_block`
and persists each one in a single SQLite transaction at ``Commit`` (nothing before), exactly as the
embedded node does. So a process killed at any instant restarts at its last committed height, answers it
in ``Info``, and CometBFT's handshake replays the blocks it lacks.

Determinism: block time is CometBFT's header time (milliseconds), the proposer comes from the header's
proposer address, the txs from the decided block. Nothing reads a clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
from pathlib import Path
from typing import Any

import msgspec

from bayledger import __version__
from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.proto.tendermint.crypto import keys_pb2
from bayledger.core.app import App, build_app
from bayledger.core.block import compute_header_hash
from bayledger.core.errors import TxRejectedError
from bayledger.core.genesis import Genesis, GenesisValidator
from bayledger.core.state_transition import (
    BlockInput,
    BlockOutcome,
    BlockTooLargeError,
    apply_block,
    chain_at,
    compute_block_header,
    decode_and_check,
    encode_result,
    validators_at,
)
from bayledger.node.abci.chainstore import ChainStore, PendingBlock
from bayledger.node.abci.query import answer_query
from bayledger.node.embedded import BoundedSet
from bayledger.node.feed import EventFeed
from bayledger.node.home import NodeHome
from bayledger.store.sqlite import Database

log = logging.getLogger("bayledger.abci")

FAILPOINT_ENV = "BAYLEDGER_ABCI_FAILPOINT"
"""``finalize:<height>``: the app process SIGKILLs itself after executing that block, before ``Commit``
persists it (fault-injection for the crash-recovery tests; never set in production)."""

APP_VERSION = 1


def comet_address(public_key: bytes) -> bytes:
    """CometBFT's validator address of an Ed25519 key: the first 20 bytes of its SHA-256."""
    return hashlib.sha256(public_key).digest()[:20]


def timestamp_ms(ts: Any) -> int:
    """A ``google.protobuf.Timestamp`` as integer milliseconds (the core's block time)."""
    return int(ts.seconds) * 1000 + int(ts.nanos) // 1_000_000


def abci_events(events: list[dict[str, Any]]) -> list[abci.Event]:
    """Our event dicts as ABCI events: the type, and each field as a string attribute."""
    out = []
    for event in events:
        attributes = [
            abci.EventAttribute(key=key, value=_attribute_text(value), index=False)
            for key, value in event.items()
            if key != "type"
        ]
        out.append(abci.Event(type=str(event["type"]), attributes=attributes))
    return out


def _attribute_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return msgspec.json.encode(value, order="sorted").decode()


def validator_updates(
    before: tuple[GenesisValidator, ...], after: tuple[GenesisValidator, ...]
) -> list[abci.ValidatorUpdate]:
    """The ABCI validator updates turning ``before`` into ``after`` (power 0 removes a validator).

    Only Ed25519 keys can be CometBFT consensus keys: other keys in the adopted set are left out (logged),
    and a set with no Ed25519 key at all changes nothing, so CometBFT is never asked for an empty set.
    """
    old = {v.public_key: v.power for v in before if v.key_type == "ed25519"}
    new = {v.public_key: v.power for v in after if v.key_type == "ed25519"}
    if len(new) != len(after):
        log.error("the adopted validator set names non-Ed25519 keys; CometBFT applies only the Ed25519 ones")
    if not new:
        log.error("the adopted validator set has no Ed25519 key; CometBFT keeps its current set")
        return []
    updates = []
    for key in sorted(set(old) | set(new)):
        power = new.get(key, 0)
        if old.get(key) != power:
            updates.append(abci.ValidatorUpdate(pub_key=keys_pb2.PublicKey(ed25519=key), power=power))
    return updates


class AbciApplication:
    """One node's application: core + SQLite, answering CometBFT's ABCI requests."""

    def __init__(self, home: Path, *, synchronous: str = "FULL", feed: EventFeed | None = None) -> None:
        self.home = NodeHome(home)
        self.genesis: Genesis = self.home.read_genesis()
        self.app: App = build_app(self.genesis)
        self.home.database_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.home.database_path, synchronous=synchronous)
        self.store = ChainStore(self.app, self.genesis, self.db)
        self.feed = feed or EventFeed()
        self.sig_cache = BoundedSet()
        self.pending: PendingBlock | None = None
        self.proposals: dict[bytes, tuple[BlockInput, BlockOutcome]] = {}
        self.check_nonces: dict[str, int] = {}
        self.prepared: tuple[BlockInput, BlockOutcome] | None = None
        self.failpoint = os.environ.get(FAILPOINT_ENV, "")

    # --- connection: info / query ----------------------------------------------------------------------

    def info(self, request: abci.RequestInfo) -> abci.ResponseInfo:
        """Our last committed height and app hash; CometBFT replays any later block it has stored."""
        height = self.store.height
        return abci.ResponseInfo(
            data="bayledger",
            version=__version__,
            app_version=APP_VERSION,
            last_block_height=height,
            last_block_app_hash=self.store.app_hash if height else b"",
        )

    def query(self, request: abci.RequestQuery) -> abci.ResponseQuery:
        """``/key`` (data = a raw state key) or ``/proof/<module>/<kind>`` (data = the record id)."""
        return answer_query(self.app, self.db, request)

    # --- genesis -----------------------------------------------------------------------------------------

    def init_chain(self, request: abci.RequestInitChain) -> abci.ResponseInitChain:
        """Check CometBFT's genesis against ours (chain id, validators, app state) and write genesis state.

        Idempotent: CometBFT calls it again after a crash before the first block; the stored genesis
        must then be the same document.
        """
        if request.chain_id != self.genesis.chain_id:
            raise ValueError(f"CometBFT chain id {request.chain_id!r} is not {self.genesis.chain_id!r}")
        given = {bytes(v.pub_key.ed25519): v.power for v in request.validators}
        ours = {v.public_key: v.power for v in self.genesis.validators if v.key_type == "ed25519"}
        if given != ours or len(ours) != len(self.genesis.validators):
            raise ValueError("CometBFT's genesis validators differ from genesis.json (Ed25519 keys, powers)")
        if request.app_state_bytes:
            state_genesis = msgspec.json.decode(request.app_state_bytes, type=Genesis)
            if state_genesis != self.genesis:
                raise ValueError("CometBFT's app_state is not this node's genesis.json")
        app_hash = self.store.init_genesis()
        return abci.ResponseInitChain(app_hash=app_hash)

    # --- mempool -----------------------------------------------------------------------------------------

    def check_tx(self, request: abci.RequestCheckTx) -> abci.ResponseCheckTx:
        """Every check of a tx as a whole against committed state, with nonces of txs already admitted.

        A re-check (after each commit) runs the mempool's remaining txs again, in order, so the pending
        nonce of each signer is rebuilt from the new committed state.
        """
        state = self.db.writer_state
        raw = bytes(request.tx)
        try:
            signer = msgspec.json.decode(raw, type=_SignerOnly).body.signer
        except (msgspec.DecodeError, msgspec.ValidationError):
            signer = ""
        expected = None
        if signer in self.check_nonces:
            expected = self.check_nonces[signer] + 1
        try:
            checked, _account = decode_and_check(
                self.app,
                state,
                raw,
                height=self.store.height + 1,
                expected_nonce=expected,
                sig_cache=self.sig_cache,
            )
        except TxRejectedError as exc:
            return abci.ResponseCheckTx(code=exc.code, codespace=exc.codespace, log=exc.message)
        self.check_nonces[checked.tx.body.signer] = checked.tx.body.nonce
        return abci.ResponseCheckTx(code=0, gas_wanted=1, data=checked.hash)

    # --- proposals ---------------------------------------------------------------------------------------

    def _block_input(self, height: int, time_ms: int, proposer: bytes, txs: list[bytes]) -> BlockInput:
        return BlockInput(
            height=height,
            time=time_ms,
            proposer=self._proposer_did(proposer),
            previous_hash=self.store.last_hash,
            txs=txs,
        )

    def _proposer_did(self, address: bytes) -> str:
        for validator in validators_at(self.app, self.db.writer_state):
            if validator.key_type == "ed25519" and comet_address(validator.public_key) == address:
                return validator.did(self.genesis.did_ac_code)
        return f"cometbft:{address.hex()}"

    def prepare_proposal(self, request: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        """Propose the mempool's txs in order, without any that would be refused in the block.

        Keeps to ``max_tx_bytes`` and the effective ``max_txs_per_block``; drops txs the block would refuse
        as a whole (a nonce already used, a signature no longer valid) until every tx left executes.
        """
        limit = chain_at(self.app, self.db.writer_state).params.max_txs_per_block
        txs: list[bytes] = []
        size = 0
        for tx in request.txs:
            if len(txs) >= limit or size + len(tx) > request.max_tx_bytes:
                break
            txs.append(bytes(tx))
            size += len(tx)
        time_ms = timestamp_ms(request.time)
        for _ in range(8):
            block = self._block_input(request.height, time_ms, bytes(request.proposer_address), txs)
            outcome = apply_block(self.app, self.db.writer_state, self.db.writer_tree, block, self.sig_cache)
            keep = [raw for raw, result in zip(txs, outcome.results, strict=True) if result.signer]
            if len(keep) == len(txs):
                self.prepared = (block, outcome)  # this node processes its own proposal next
                return abci.ResponsePrepareProposal(txs=txs)
            txs = keep
        return abci.ResponsePrepareProposal(txs=[])

    def process_proposal(self, request: abci.RequestProcessProposal) -> abci.ResponseProcessProposal:
        """Accept a proposal only when every tx executes (none refused as a whole) within the limits."""
        txs = [bytes(tx) for tx in request.txs]
        block = self._block_input(
            request.height, timestamp_ms(request.time), bytes(request.proposer_address), txs
        )
        prepared, self.prepared = self.prepared, None
        try:
            if prepared is not None and prepared[0] == block:
                outcome = prepared[1]  # our own proposal, executed by PrepareProposal on the same state
            else:
                outcome = apply_block(
                    self.app, self.db.writer_state, self.db.writer_tree, block, self.sig_cache
                )
        except BlockTooLargeError:
            return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.REJECT)
        if any(not result.signer for result in outcome.results):
            log.warning(
                "rejecting proposal %s at height %d: it carries a refused tx",
                request.hash.hex(),
                block.height,
            )
            return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.REJECT)
        self.proposals = {bytes(request.hash): (block, outcome)}
        return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.ACCEPT)

    # --- execution and commit ----------------------------------------------------------------------------

    def finalize_block(self, request: abci.RequestFinalizeBlock) -> abci.ResponseFinalizeBlock:
        """Execute the decided block (or reuse the outcome computed when it was processed)."""
        txs = [bytes(tx) for tx in request.txs]
        block = self._block_input(
            request.height, timestamp_ms(request.time), bytes(request.proposer_address), txs
        )
        if block.height != self.store.height + 1:
            raise RuntimeError(f"FinalizeBlock of height {block.height} on top of {self.store.height}")
        cached = self.proposals.pop(bytes(request.hash), None)
        self.proposals.clear()
        outcome = cached[1] if cached is not None and cached[0] == block else self._execute(block)
        before = validators_at(self.app, self.db.writer_state)
        after = outcome.next_validators
        header = compute_block_header(self.app, block, outcome, before)
        block_hash = compute_header_hash(self.app.chain.hash_fn, header).hex()
        self.pending = PendingBlock(
            header=header, block_hash=block_hash, outcome=outcome, comet_hash=bytes(request.hash)
        )
        self._maybe_fail(block.height)
        return abci.ResponseFinalizeBlock(
            tx_results=[
                abci.ExecTxResult(
                    code=r.code,
                    codespace=r.codespace,
                    log=r.log,
                    data=encode_result(r),
                    events=abci_events(r.events),
                )
                for r in outcome.results
            ],
            events=abci_events(outcome.end_block_events),
            validator_updates=validator_updates(before, after),
            app_hash=outcome.app_hash,
        )

    def _execute(self, block: BlockInput) -> BlockOutcome:
        try:
            return apply_block(self.app, self.db.writer_state, self.db.writer_tree, block, self.sig_cache)
        except BlockTooLargeError:
            # Decided despite ProcessProposal (a faulty >2/3): every node refuses all its txs alike.
            empty = dataclasses.replace(block, txs=[])
            outcome = apply_block(self.app, self.db.writer_state, self.db.writer_tree, empty, self.sig_cache)
            return self.store.refuse_all(outcome, block.txs)

    def _maybe_fail(self, height: int) -> None:
        if self.failpoint == f"finalize:{height}":
            log.error("failpoint %s: killing the app process before Commit", self.failpoint)
            os.kill(os.getpid(), signal.SIGKILL)

    def commit(self, request: abci.RequestCommit) -> abci.ResponseCommit:
        """Persist the finalized block atomically, reset the mempool's nonce view, publish the block."""
        pending = self.pending
        if pending is None:
            raise RuntimeError("Commit without a finalized block")
        self.store.persist(pending)
        self.pending = None
        self.check_nonces = {}
        block = self.store.get_block(pending.header.height)
        self.feed.publish_block(block, pending.outcome.results, pending.outcome.end_block_events)
        return abci.ResponseCommit(retain_height=0)

    def close(self) -> None:
        """Close the database."""
        self.feed.close()
        self.db.close()


class _SignerBody(msgspec.Struct):
    signer: str


class _SignerOnly(msgspec.Struct):
    body: _SignerBody
