"""Transactions and blocks applied to state: ``check_tx``, ``apply_block`` and ``init_chain``.

Given the same genesis and the same blocks, these functions produce bit-identical state writes, results,
events and app hashes on any machine: they read nothing but their arguments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, MutableSet, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec.structs import replace

from bayledger.core import smt
from bayledger.core.app import App
from bayledger.core.block import BlockHeader, compute_validators_hash
from bayledger.core.context import ChainInfo, Context
from bayledger.core.crypto import verify_signature
from bayledger.core.errors import (
    DeactivatedSignerError,
    DuplicateSignatureError,
    InsufficientWeightError,
    InvalidSignatureError,
    LedgerError,
    MemoTooLongError,
    MissingSignatureError,
    MsgFailedError,
    NonceGapError,
    NonceTooLowError,
    TooManyMessagesError,
    TxExpiredError,
    TxRejectedError,
    UnknownAccountError,
    WrongChainIdError,
)
from bayledger.core.events import Event, event_to_dict
from bayledger.core.genesis import Genesis, GenesisValidator
from bayledger.core.merkle import compute_list_root
from bayledger.core.modules.accounts.state import Account, get_account, set_account, signer_weight
from bayledger.core.modules.governance.state import get_active_validators, get_effective_params
from bayledger.core.modules.identity.state import is_did_deactivated
from bayledger.core.msg import Msg
from bayledger.core.params import ConsensusParams
from bayledger.core.store import BlockState, StateReader
from bayledger.core.tx import SIGN_DOMAIN, Tx, body_bytes, decode_tx, tx_bytes

SignatureCache = MutableSet[bytes]
"""Signatures already verified (key = hash of key, signature and sign bytes). Verification is a pure
function, so skipping a repeated check changes nothing but time; the node shares one cache between CheckTx
and block execution."""

MAX_SAFE_NONCE = 2**53 - 1


class InternalError(LedgerError):
    """A handler failed unexpectedly; the transaction's writes were rolled back."""

    codespace = "ledger"
    code = 2


class BlockTooLargeError(LedgerError):
    """A proposed block carries more transactions than ``max_txs_per_block``; it must not be applied."""

    codespace = "ledger"
    code = 3


class TxResult(msgspec.Struct, frozen=True):
    """The outcome of one transaction in a block (code 0 = success)."""

    hash: str
    code: int
    codespace: str
    log: str
    events: list[dict[str, Any]]
    signer: str
    nonce: int


@dataclass(frozen=True)
class CheckedTx:
    """A transaction that passed every check: decoded, its canonical bytes, hash and typed messages."""

    tx: Tx
    canonical: bytes
    hash: bytes
    msgs: tuple[Msg, ...]


@dataclass(frozen=True)
class BlockInput:
    """What the producer (or consensus) decides: height, time, proposer, previous hash, raw txs."""

    height: int
    time: int
    proposer: str
    previous_hash: str
    txs: Sequence[bytes]


@dataclass(frozen=True)
class BlockOutcome:
    """Everything a block changed: results, state and tree writes, and the roots for its header.

    ``end_block_events`` are the events the modules' end-block hooks emitted (e.g. governance's
    ``EventCloseProposal``), as ``{"type": tag, **fields}`` dicts like a TxResult's events.
    ``next_validators`` is the validator set that signs the next block (changed when governance executed a
    validator-set change in this block).
    """

    results: list[TxResult]
    tx_bytes: list[bytes]
    state_writes: dict[bytes, bytes | None]
    node_writes: dict[bytes, bytes | None]
    app_hash: bytes
    tx_root: bytes
    results_hash: bytes
    end_block_events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    next_validators: tuple[GenesisValidator, ...] = ()


def validators_at(app: App, state: StateReader) -> tuple[GenesisValidator, ...]:
    """The validator set that signs the block on top of ``state`` (genesis set, or governance's last one).

    Governance executes a validator-set change at the end of block *h*; the new set signs from *h + 1* on.
    """
    return get_active_validators(state, app.validators)


def chain_at(app: App, state: StateReader) -> ChainInfo:
    """The chain info in force on top of ``state``: ``params`` with governance's parameter overrides.

    A block reads the overrides committed before it (governance executes proposals at end of block), so a
    parameter change adopted in block *h* applies from block *h + 1* on, to CheckTx of txs for that block too.
    """
    params = get_effective_params(state, app.chain.genesis_params)
    return app.chain if params == app.chain.params else dataclasses.replace(app.chain, params=params)


def decode_and_check(
    app: App,
    store: StateReader,
    raw: bytes,
    *,
    height: int,
    expected_nonce: int | None,
    sig_cache: SignatureCache | None = None,
    params: ConsensusParams | None = None,
) -> tuple[CheckedTx, Account]:
    """Every check of a transaction as a whole; raises TxRejectedError subclasses and changes nothing.

    ``expected_nonce`` None means "the account's next nonce"; the mempool passes its pending nonce.
    ``params`` None means the parameters in force on ``store`` (genesis values with governance overrides).
    """
    if params is None:
        params = get_effective_params(store, app.chain.genesis_params)
    tx = decode_tx(raw, params.max_tx_bytes)
    body = tx.body
    if body.chain_id != app.chain.chain_id:
        raise WrongChainIdError(app.chain.chain_id, body.chain_id)
    if body.expiry_height and height > body.expiry_height:
        raise TxExpiredError(body.expiry_height, height)
    if not 1 <= len(body.msgs) <= params.max_msgs_per_tx:
        raise TooManyMessagesError(
            f"a tx carries 1 to {params.max_msgs_per_tx} messages, got {len(body.msgs)}"
        )
    if len(body.memo.encode()) > params.max_memo_bytes:
        raise MemoTooLongError(f"memo is {len(body.memo.encode())} bytes, limit is {params.max_memo_bytes}")
    msgs = tuple(app.router.decode(m) for m in body.msgs)
    account = get_account(store, body.signer)
    if account is None:
        raise UnknownAccountError(body.signer)
    if is_did_deactivated(store, body.signer):
        raise DeactivatedSignerError(body.signer)
    _check_nonce(account, body.nonce, expected_nonce)
    canonical_body = body_bytes(body)
    to_sign = SIGN_DOMAIN + canonical_body
    _check_signatures(app, account, tx, to_sign, sig_cache)
    canonical = tx_bytes(tx, canonical_body)
    return CheckedTx(tx=tx, canonical=canonical, hash=app.chain.hash_fn(canonical), msgs=msgs), account


def _check_nonce(account: Account, nonce: int, expected: int | None) -> None:
    want = account.nonce + 1 if expected is None else expected
    if nonce < want:
        raise NonceTooLowError(account.did, want, nonce)
    if nonce > want or nonce > MAX_SAFE_NONCE:
        raise NonceGapError(account.did, want, nonce)


def _check_signatures(
    app: App, account: Account, tx: Tx, to_sign: bytes, sig_cache: SignatureCache | None
) -> None:
    if not tx.signatures:
        raise MissingSignatureError("the transaction carries no signature")
    digest = app.chain.hash_fn(to_sign)
    seen: set[bytes] = set()
    weight = 0
    for sig in tx.signatures:
        if sig.public_key in seen:
            raise DuplicateSignatureError("the same key signed twice")
        seen.add(sig.public_key)
        key_weight = signer_weight(account, sig.key_type, sig.public_key)
        if key_weight == 0:
            raise MissingSignatureError(f"a signing key is not a signer of {account.did}")
        cache_key = sig.public_key + sig.signature + digest
        if sig_cache is None or cache_key not in sig_cache:
            if not verify_signature(sig.key_type, sig.public_key, to_sign, sig.signature):
                raise InvalidSignatureError(f"a {sig.key_type} signature does not verify")
            if sig_cache is not None:
                sig_cache.add(cache_key)
        weight += key_weight
    if weight < account.threshold:
        raise InsufficientWeightError(account.did, weight, account.threshold)


def apply_block(
    app: App,
    state: StateReader,
    tree: smt.NodeReader,
    block: BlockInput,
    sig_cache: SignatureCache | None = None,
) -> BlockOutcome:
    """Run a block's transactions in order and return what changed; the inputs are left untouched.

    An invalid transaction (format, signature, nonce, expiry) is recorded with its code and changes
    nothing. A valid one consumes its nonce; if a message fails, all of the transaction's other writes
    roll back and the result carries the failure's codespace and code. A block over the effective
    ``max_txs_per_block`` is refused as a whole with BlockTooLargeError (``ledger/3``) and changes nothing.
    """
    chain = chain_at(app, state)
    limit = chain.params.max_txs_per_block
    if len(block.txs) > limit:
        raise BlockTooLargeError(f"block {block.height} carries {len(block.txs)} txs; the limit is {limit}")
    block_state = BlockState(state)
    results: list[TxResult] = []
    stored: list[bytes] = []
    for raw in block.txs:
        result, canonical = _deliver_tx(app, chain, block_state, block, raw, sig_cache)
        results.append(result)
        stored.append(canonical)
    end_ctx = Context(chain=chain, height=block.height, time=block.time, store=block_state)
    for module in app.modules:
        if module.end_block is not None:
            module.end_block(end_ctx)
    end_block_events = [_event_dict(e) for e in end_ctx.events]
    update = smt.compute_update(tree, app.chain.hash_fn, block_state.writes)
    hash_fn = app.chain.hash_fn
    return BlockOutcome(
        results=results,
        tx_bytes=stored,
        state_writes=block_state.writes,
        node_writes=update.node_writes,
        app_hash=update.root,
        tx_root=compute_list_root(hash_fn, stored),
        results_hash=compute_results_hash(hash_fn, results, end_block_events),
        end_block_events=end_block_events,
        next_validators=validators_at(app, block_state),
    )


def compute_block_header(
    app: App, block: BlockInput, outcome: BlockOutcome, validators: Sequence[GenesisValidator]
) -> BlockHeader:
    """The header of a block run by :func:`apply_block`; ``validators`` is the set signing it
    (:func:`validators_at` the state the block ran on)."""
    hash_fn = app.chain.hash_fn
    return BlockHeader(
        chain_id=app.chain.chain_id,
        height=block.height,
        time=block.time,
        previous_hash=block.previous_hash,
        tx_root=outcome.tx_root.hex(),
        results_hash=outcome.results_hash.hex(),
        app_hash=outcome.app_hash.hex(),
        validators_hash=compute_validators_hash(hash_fn, validators).hex(),
        next_validators_hash=compute_validators_hash(hash_fn, outcome.next_validators).hex(),
        proposer=block.proposer,
    )


def encode_result(result: TxResult) -> bytes:
    """Canonical bytes of a tx result (what the block's results hash commits to)."""
    return msgspec.json.encode(result, order="sorted")


def encode_end_block_events(events: list[dict[str, Any]]) -> bytes:
    """Canonical bytes of a block's end-block events: the sorted-key JSON list (what the node stores)."""
    return msgspec.json.encode(events, order="sorted")


def end_block_leaf(events: list[dict[str, Any]]) -> bytes:
    """The results-hash leaf of a block's end-block events: ``{"end_block_events": [...]}``, sorted keys.

    A tx result's leaf is a JSON object with ``code``, ``hash``, … keys, so the two kinds of leaf can
    never be taken for one another.
    """
    return msgspec.json.encode({"end_block_events": events}, order="sorted")


def compute_results_hash(
    hash_fn: Callable[[bytes], bytes], results: Sequence[TxResult], end_block_events: list[dict[str, Any]]
) -> bytes:
    """The header's ``results_hash``: the list root over each tx result's canonical bytes, in block order,
    followed by one extra leaf (:func:`end_block_leaf`) when the block's end-block hooks emitted events.

    A block without end-block events hashes exactly as before end-block events were committed to.
    """
    leaves = [encode_result(r) for r in results]
    if end_block_events:
        leaves.append(end_block_leaf(end_block_events))
    return compute_list_root(hash_fn, leaves)


def _deliver_tx(
    app: App,
    chain: ChainInfo,
    block_state: BlockState,
    block: BlockInput,
    raw: bytes,
    sig_cache: SignatureCache | None,
) -> tuple[TxResult, bytes]:
    try:
        checked, account = decode_and_check(
            app,
            block_state,
            raw,
            height=block.height,
            expected_nonce=None,
            sig_cache=sig_cache,
            params=chain.params,
        )
    except TxRejectedError as exc:
        hash_hex = app.chain.hash_fn(raw).hex()
        return TxResult(
            hash=hash_hex,
            code=exc.code,
            codespace=exc.codespace,
            log=exc.message,
            events=[],
            signer="",
            nonce=0,
        ), raw
    body = checked.tx.body
    set_account(block_state, replace(account, nonce=body.nonce))
    tx_state = block_state.begin_tx()
    ctx = Context(
        chain=chain,
        height=block.height,
        time=block.time,
        store=tx_state,
        signer=body.signer,
        tx_hash=checked.hash.hex(),
    )
    error = _run_messages(app, ctx, checked.msgs)
    if error is None:
        tx_state.commit()
        code, codespace, log, events = 0, "", "", ctx.events
    else:
        code, codespace, log, events = error.code, error.codespace, error.message, []
    return TxResult(
        hash=checked.hash.hex(),
        code=code,
        codespace=codespace,
        log=log,
        events=[_event_dict(e) for e in events],
        signer=body.signer,
        nonce=body.nonce,
    ), checked.canonical


def _run_messages(app: App, ctx: Context, msgs: tuple[Msg, ...]) -> LedgerError | None:
    for index, msg in enumerate(msgs):
        ctx.msg_index = index
        try:
            app.router.dispatch(ctx, msg)
        except MsgFailedError as exc:
            return _prefix_index(exc, index)
        except Exception as exc:  # a handler bug must not stop the chain: record it, roll the tx back
            return InternalError(f"message {index}: {type(exc).__name__}: {exc}")
    return None


def _prefix_index(error: MsgFailedError, index: int) -> MsgFailedError:
    error.message = f"message {index}: {error.message}"
    return error


def _event_dict(event: Event) -> dict[str, Any]:
    return event_to_dict(event)


@dataclass(frozen=True)
class GenesisOutcome:
    """The state written by genesis and its root (the app hash at height 0)."""

    state_writes: dict[bytes, bytes | None]
    node_writes: dict[bytes, bytes | None]
    app_hash: bytes


def init_chain(app: App, genesis: Genesis, state: StateReader, tree: smt.NodeReader) -> GenesisOutcome:
    """Create the genesis state of every module; raises ValueError on a bad app_state."""
    block_state = BlockState(state)
    ctx = Context(chain=app.chain, height=0, time=genesis.genesis_time, store=block_state)
    for module in app.modules:
        if module.init_genesis is not None:
            module.init_genesis(block_state, genesis.app_state, ctx)
    update = smt.compute_update(tree, app.chain.hash_fn, block_state.writes)
    return GenesisOutcome(
        state_writes=block_state.writes, node_writes=update.node_writes, app_hash=update.root
    )


def check_invariants(app: App, state: StateReader) -> list[str]:
    """Run every module invariant; returns ``"<module>/<name>: <violation>"`` lines (empty = sound)."""
    broken: list[str] = []
    for module in app.modules:
        for name, invariant in module.invariants:
            broken.extend(f"{module.name}/{name}: {problem}" for problem in invariant(state))
    return broken
