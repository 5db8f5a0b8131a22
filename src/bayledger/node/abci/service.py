"""``NodeService`` of a CometBFT network node: reads from this node's database, writes through CometBFT.

It runs in the ABCI application's process, beside it: reads are ``NodeQueries`` over the same SQLite file
(committed state only), a submitted tx goes to this node's CometBFT (``broadcast_tx_sync``, which runs our
``CheckTx``) and is gossiped to every validator; ``wait_for_tx`` waits for our ``Commit`` to store it. Proof
answers carry CometBFT's signed header of the next height (its ``app_hash`` is our state root) with the
validator sets a light client needs (``cometbft.light``).
"""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

from bayledger import __version__
from bayledger.cometbft.rpc import CometRpc, RpcError
from bayledger.core.errors import (
    DuplicateTxError,
    LedgerError,
    MempoolFullError,
    NonceTooLowError,
    TxRejectedError,
)
from bayledger.core.state_transition import chain_at
from bayledger.core.tx import decode_tx, tx_bytes
from bayledger.node.abci.app import AbciApplication
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.identity_queries import IdentityQueries
from bayledger.node.service import NotFoundError, TimeoutWaitingError


class ConsensusUnavailableError(LedgerError):
    """This node's CometBFT cannot be reached (stopped, starting, or catching up); retry later."""

    codespace = "node"
    code = 503
    http_status = 503


def rejected_error(codespace: str, code: int, message: str) -> LedgerError:
    """The typed ledger error with this ``(codespace, code)`` (as CheckTx answered it through CometBFT)."""
    for cls in _all_subclasses(TxRejectedError):
        if cls.codespace == codespace and cls.code == code:
            error: LedgerError = cls.__new__(cls)
            Exception.__init__(error, message)
            error.message = message
            return error
    return _generic_error(codespace, code)(message)


@functools.cache
def _generic_error(codespace: str, code: int) -> type[TxRejectedError]:
    """A rejection class for a ``(codespace, code)`` this build does not know (a newer node's)."""
    return type("RemoteTxRejectedError", (TxRejectedError,), {"codespace": codespace, "code": code})


def _all_subclasses(cls: type[LedgerError]) -> list[type[LedgerError]]:
    out: list[type[LedgerError]] = []
    sub: type[LedgerError]
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_all_subclasses(sub))
    return out


class CometNodeService(IdentityQueries):
    """A validator's (or full node's) service for the REST API, CLI and SDK."""

    _status_list_path = EmbeddedNode._status_list_path
    put_status_list_credential = EmbeddedNode.put_status_list_credential
    get_status_list_credential = EmbeddedNode.get_status_list_credential

    def __init__(self, abci_app: AbciApplication, rpc_url: str, *, proof_wait_seconds: float = 15.0) -> None:
        self.abci_app = abci_app
        self.home = abci_app.home
        self.rpc_url = rpc_url
        self.proof_wait_seconds = proof_wait_seconds
        self._local = threading.local()
        super().__init__(abci_app.app, abci_app.db, abci_app.genesis)

    @property
    def rpc(self) -> CometRpc:
        """This thread's RPC client (httpx clients are not shared across threads)."""
        client = getattr(self._local, "rpc", None)
        if client is None:
            client = CometRpc(self.rpc_url)
            self._local.rpc = client
        return client

    @property
    def height(self) -> int:
        """Our last committed height."""
        return int(self.db.get_meta("height") or b"0")

    # --- writes ------------------------------------------------------------------------------------------

    def submit_tx(self, raw: bytes) -> dict[str, Any]:
        """Send the tx's canonical bytes to CometBFT's mempool; typed errors as CheckTx answered them.

        A tx already in the mempool or already committed is ``DuplicateTxError`` (``tx/16``), whichever node
        it was first sent to, so it is committed once.
        """
        params = chain_at(self.app, self._reader_state()).params
        canonical = tx_bytes(decode_tx(raw, params.max_tx_bytes))
        tx_hash = self.app.chain.hash_fn(canonical).hex()
        try:
            answer = self.rpc.broadcast_tx_sync(canonical)
        except RpcError as exc:
            if "already exists in cache" in exc.data:
                raise DuplicateTxError(f"transaction {tx_hash} is already in the mempool") from None
            if "mempool is full" in exc.data:
                raise MempoolFullError(f"CometBFT's mempool is full: {exc.data}") from None
            raise ConsensusUnavailableError(str(exc)) from None
        code = int(answer.get("code", 0))
        if code:
            error = rejected_error(answer.get("codespace", ""), code, answer.get("log", ""))
            if error.codespace == NonceTooLowError.codespace and error.code == NonceTooLowError.code:
                found = self._find_tx(tx_hash)
                if found is not None and found["signer"]:
                    raise DuplicateTxError(
                        f"transaction {tx_hash} is already committed at height {found['height']}"
                    ) from None
            raise error
        return {"hash": tx_hash}

    def wait_for_tx(self, tx_hash: str, timeout: float) -> dict[str, Any]:
        """Wait until our database holds the committed tx; its TxResult, or TimeoutWaitingError."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._find_tx(tx_hash)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutWaitingError(f"transaction {tx_hash} not committed within {timeout:g} s")
            time.sleep(0.05)

    def produce_block(self) -> dict[str, Any] | None:
        """Blocks come from consensus on a network: nothing to produce on demand (None)."""
        return None

    def subscribe(self) -> Any:
        """A live feed of blocks and events as this node commits them."""
        return self.abci_app.feed.subscribe()

    # --- reads -------------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Our chain status plus CometBFT's: node id, its latest height, catching up, mempool size."""
        status = super().status()
        status["node_version"] = __version__
        status["consensus"] = "cometbft"
        try:
            comet = self.rpc.status()
            status["mempool_size"] = self.rpc.num_unconfirmed_txs()
            status["cometbft"] = {
                "node_id": comet["node_info"]["id"],
                "moniker": comet["node_info"]["moniker"],
                "version": comet["node_info"]["version"],
                "latest_block_height": int(comet["sync_info"]["latest_block_height"]),
                "catching_up": bool(comet["sync_info"]["catching_up"]),
                "rpc": self.rpc_url,
            }
        except RpcError as exc:
            status["cometbft"] = {"error": str(exc), "rpc": self.rpc_url}
        return status

    def prove(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        """A proof answer whose state root is committed by CometBFT's validators.

        ``cometbft.signed_header`` is CometBFT's header of height ``height + 1`` (its ``app_hash`` is our
        state root after ``height``), or of ``height`` itself when block ``height`` changed no state (an
        empty block after the last change: CometBFT makes no further block until a tx comes), with every
        validator-set hand-over since genesis; ``cometbft.light`` verifies it all.
        """
        answer = super().prove(module, kind, ident)
        height = int(answer["height"])
        if height == 0:
            raise NotFoundError("the chain has no block yet: nothing committed a state root")
        comet_height = self._committing_height(height, str(answer["app_hash"]))
        answer["cometbft"] = {
            "height": comet_height,
            "signed_header": self.rpc.commit(comet_height)["signed_header"],
            "hand_overs": self._hand_overs(comet_height),
        }
        return answer

    def _committing_height(self, height: int, app_hash: str) -> int:
        """The CometBFT height whose header carries our app hash after ``height``: ``height + 1`` once it
        exists; ``height`` when our block ``height`` left the state of ``height - 1`` unchanged."""
        previous = self.get_block(height - 1)["header"]["app_hash"] if height > 1 else None
        deadline = time.monotonic() + self.proof_wait_seconds
        while True:
            try:
                latest = self.rpc.latest_height()
            except RpcError as exc:
                if time.monotonic() >= deadline:
                    raise ConsensusUnavailableError(str(exc)) from None
                latest = 0
            if latest >= height + 1:
                return height + 1
            if previous == app_hash and latest >= height:
                return height
            if time.monotonic() >= deadline:
                raise TimeoutWaitingError(f"CometBFT has not committed height {height + 1} yet")
            time.sleep(0.1)

    def _hand_overs(self, up_to: int) -> list[dict[str, Any]]:
        """Each CometBFT header (below ``up_to``) that names a new next validator set, with that set."""
        out = []
        for change in self.validator_changes():
            handover = int(change["header"]["height"]) + 1  # our updates at h: CometBFT header h+1 names them
            if handover >= up_to:
                break
            out.append(
                {
                    "signed_header": self.rpc.commit(handover)["signed_header"],
                    "next_validators": self.rpc.validators(handover + 1),
                }
            )
        return out
