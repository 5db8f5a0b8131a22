"""The one interface every edge (REST API, CLI, SDK, explorer, relayer) uses to talk to a node.

Edges never touch core state or the database directly. Everything returned is JSON-ready (dicts, lists,
str, int, bool, None); binary values are hex strings unless a field says base64.

Shapes (all keys always present):

* tx result ``TxResult``: ``{"hash": hex, "height": int, "index": int, "code": int, "codespace": str,
  "log": str, "events": [event], "signer": did, "nonce": int, "tx": <decoded tx as JSON>}``.
  ``code == 0`` means success.
* event: ``{"type": "anchor/EventCreateAnchor", ...attributes}`` (attributes are the event's fields).
* block: ``{"header": {chain_id, height, time, previous_hash, tx_root, app_hash, results_hash,
  validators_hash, proposer}, "hash": hex, "txs": [tx hash hex], "signatures": [{validator, key_type,
  public_key (base64), signature (base64)}], "end_block_events": [event]}`` (events emitted by modules at
  end of block, committed by ``results_hash``).
* event hit (search, live feed): ``{"height": int, "tx_hash": hex or None, "index": int or None, "event"}``;
  ``tx_hash``/``index`` are None for an end-block event.
* page: ``{"items": [...], "total": int, "offset": int, "limit": int}``.
* status: ``{"chain_id", "hash_algorithm", "latest_height", "latest_hash", "app_hash", "latest_time",
  "mempool_size", "node_version", "validators": [...]}``.
* proof answer: ``{"height": int, "app_hash": hex, "key": hex, "value": <decoded JSON or None>,
  "value_raw": hex or None, "proof": <StateProof as JSON>, "header": <header of that height>,
  "signatures": [...]}``.

Errors: every method raises ``bayledger.core.errors.LedgerError`` subclasses (carrying codespace/code) for
bad input, and ``NotFoundError`` for a missing block/tx/account/anchor.
"""

from __future__ import annotations

from typing import Any, Protocol

from bayledger.core.errors import LedgerError


class NotFoundError(LedgerError):
    """The requested object (block, tx, account, anchor, …) does not exist."""

    codespace = "node"
    code = 404


class TimeoutWaitingError(LedgerError):
    """The transaction was accepted but not committed within the wait timeout."""

    codespace = "node"
    code = 408


class Subscription(Protocol):
    """A bounded queue of live items; a slow reader loses the oldest items, never blocks the node."""

    def get(self, timeout: float) -> dict[str, Any] | None:
        """The next item, or None when ``timeout`` seconds pass with nothing new."""
        ...

    def close(self) -> None:
        """Stop receiving items."""
        ...


class NodeService(Protocol):
    """What a node offers to the edges. Implemented by ``EmbeddedNode``."""

    def status(self) -> dict[str, Any]:
        """Chain id, latest height/hash/app hash/time, mempool size, validators."""
        ...

    def submit_tx(self, raw: bytes) -> dict[str, Any]:
        """CheckTx then add to the mempool. Returns ``{"hash": hex}``; raises TxRejectedError subclasses."""
        ...

    def wait_for_tx(self, tx_hash: str, timeout: float) -> dict[str, Any]:
        """Block until the tx is committed and return its TxResult; raises TimeoutWaitingError."""
        ...

    def produce_block(self) -> dict[str, Any] | None:
        """Produce one block now from the mempool (tests, demo). Returns the block or None if empty."""
        ...

    def get_tx(self, tx_hash: str) -> dict[str, Any]:
        """A committed tx's TxResult by hash (hex); NotFoundError if unknown."""
        ...

    def list_txs(self, *, account: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Page of TxResults, newest first, optionally only those signed by or naming ``account``."""
        ...

    def get_block(self, ref: str | int) -> dict[str, Any]:
        """Block by height (int) or hash (hex); ``"latest"`` for the newest."""
        ...

    def list_blocks(self, *, offset: int, limit: int) -> dict[str, Any]:
        """Page of blocks, newest first."""
        ...

    def search_events(
        self, *, event_type: str | None, attribute: str | None, value: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of ``{"height", "tx_hash", "index", "event"}`` matching type and/or attribute=value."""
        ...

    def get_account(self, did: str) -> dict[str, Any]:
        """Account record: did, signers [{key_type, public_key (base64), weight}], threshold, nonce."""
        ...

    def get_anchor(self, anchor_id: str) -> dict[str, Any]:
        """Anchor record with its attestations."""
        ...

    def list_anchors(
        self, *, owner: str | None, content_hash: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of anchors, optionally filtered by owner or content hash."""
        ...

    def prove(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        """Proof answer for a state record, e.g. ``("accounts", "account", did)`` or
        ``("anchor", "anchor", id)``; absent records return a non-membership proof with value None."""
        ...

    def genesis(self) -> dict[str, Any]:
        """The genesis document (needed by light clients: validators, hash algorithm, chain id)."""
        ...

    def subscribe(self) -> Subscription:
        """A live feed of ``{"kind": "block", "block": ...}`` and ``{"kind": "event", "height", "tx_hash",
        "event"}`` items from the next committed block on."""
        ...

    def validators(self) -> dict[str, Any]:
        """``{"height", "validators": [...], "changes": [{header, signatures, validators}]}``: the set that
        signs the next block and every hand-over since genesis (keys in base64)."""
        ...

    def check_invariants(self) -> dict[str, Any]:
        """Run every module invariant on the current state: ``{"ok": bool, "broken": [str]}``."""
        ...
