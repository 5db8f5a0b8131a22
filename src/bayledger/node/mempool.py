"""The mempool: checked transactions waiting for a block, in arrival order, with per-account nonces."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from bayledger.core.errors import DuplicateTxError, MempoolFullError


@dataclass(frozen=True)
class MempoolEntry:
    """A transaction that passed CheckTx: its hash (hex), canonical bytes, signer and nonce."""

    hash: str
    raw: bytes
    signer: str
    nonce: int


class Mempool:
    """Bounded, arrival-ordered pool; an account may queue up to ``max_per_account`` transactions.

    Nonces must be sequential, so arrival order within one account is nonce order and a block may take
    transactions front to back.
    """

    def __init__(self, max_size: int = 50_000, max_per_account: int = 5_000) -> None:
        self.max_size = max_size
        self.max_per_account = max_per_account
        self.lock = threading.Lock()
        self._entries: OrderedDict[str, MempoolEntry] = OrderedDict()
        self._highest_nonce: dict[str, int] = {}
        self._per_account: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, tx_hash: object) -> bool:
        """True while the tx with this hash (hex) waits in the pool."""
        return tx_hash in self._entries

    def expected_nonce(self, signer: str, committed_nonce: int) -> int:
        """The nonce the signer's next transaction must carry, counting what is already queued."""
        return max(committed_nonce, self._highest_nonce.get(signer, 0)) + 1

    def add(self, entry: MempoolEntry) -> None:
        """Queue a checked transaction (call with ``lock`` held); typed errors when full or duplicate."""
        if entry.hash in self._entries:
            raise DuplicateTxError(f"transaction {entry.hash} is already in the mempool")
        if len(self._entries) >= self.max_size:
            raise MempoolFullError(f"the mempool holds {self.max_size} transactions; retry later")
        if self._per_account.get(entry.signer, 0) >= self.max_per_account:
            raise MempoolFullError(f"{entry.signer} already has {self.max_per_account} pending transactions")
        self._entries[entry.hash] = entry
        self._highest_nonce[entry.signer] = max(entry.nonce, self._highest_nonce.get(entry.signer, 0))
        self._per_account[entry.signer] = self._per_account.get(entry.signer, 0) + 1

    def peek(self, limit: int) -> list[MempoolEntry]:
        """Up to ``limit`` oldest entries, left in the pool until ``remove`` after commit."""
        with self.lock:
            out: list[MempoolEntry] = []
            for entry in self._entries.values():
                if len(out) >= limit:
                    break
                out.append(entry)
            return out

    def remove(self, hashes: list[str], committed_nonces: dict[str, int]) -> None:
        """Drop included transactions and any whose nonce the chain has now passed."""
        with self.lock:
            for tx_hash in hashes:
                self._forget(tx_hash)
            stale = [
                h
                for h, e in self._entries.items()
                if e.signer in committed_nonces and e.nonce <= committed_nonces[e.signer]
            ]
            for tx_hash in stale:
                self._forget(tx_hash)

    def _forget(self, tx_hash: str) -> None:
        entry = self._entries.pop(tx_hash, None)
        if entry is None:
            return
        left = self._per_account.get(entry.signer, 1) - 1
        if left <= 0:
            self._per_account.pop(entry.signer, None)
            self._highest_nonce.pop(entry.signer, None)
        else:
            self._per_account[entry.signer] = left
