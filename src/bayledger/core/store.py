"""The state the core reads and writes, seen through layered write buffers.

The core never opens a database: the node hands it a :class:`StateReader` (the committed state) and the
core writes into a :class:`BlockState` layered over it; each transaction writes into a :class:`TxState`
layered over the block, which is merged into the block on success and dropped on failure. At the end of
the block the core returns the block's write set; the node persists it in one database transaction.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Protocol

_DELETED = None


class StateReader(Protocol):
    """Read access to committed state (key → value bytes)."""

    def get(self, key: bytes) -> bytes | None:
        """The value at ``key`` or None."""
        ...

    def iter_prefix(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """All (key, value) pairs whose key starts with ``prefix``, in ascending key order."""
        ...


class DictState:
    """A committed state held in a dict: for tests, genesis building and the in-memory node."""

    def __init__(self, data: dict[bytes, bytes] | None = None) -> None:
        self.data: dict[bytes, bytes] = dict(data or {})
        self._sorted_keys: list[bytes] | None = None  # rebuilt lazily after the key set changes

    def get(self, key: bytes) -> bytes | None:
        """The value at ``key`` or None."""
        return self.data.get(key)

    def iter_prefix(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Ascending (key, value) pairs under ``prefix`` (a binary search into the sorted keys)."""
        if self._sorted_keys is None:
            self._sorted_keys = sorted(self.data)
        keys = self._sorted_keys
        for index in range(bisect_left(keys, prefix), len(keys)):
            key = keys[index]
            if not key.startswith(prefix):
                return
            yield key, self.data[key]

    def apply(self, writes: dict[bytes, bytes | None]) -> None:
        """Apply a write set (None deletes)."""
        data = self.data
        for key, value in writes.items():
            if value is None:
                if data.pop(key, None) is not None:
                    self._sorted_keys = None
            else:
                if key not in data:
                    self._sorted_keys = None
                data[key] = value


class _Overlay:
    """Writes buffered over a parent reader; reads see the buffer first."""

    def __init__(self, parent: StateReader) -> None:
        self.parent = parent
        self.writes: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        """The buffered value if written here, else the parent's."""
        if key in self.writes:
            return self.writes[key]
        return self.parent.get(key)

    def has(self, key: bytes) -> bool:
        """True when ``key`` holds a value."""
        return self.get(key) is not None

    def set(self, key: bytes, value: bytes) -> None:
        """Buffer a write."""
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        """Buffer a deletion."""
        self.writes[key] = _DELETED

    def iter_prefix(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Ascending pairs under ``prefix``, the buffer merged over the parent."""
        mine = {k: v for k, v in self.writes.items() if k.startswith(prefix)}
        merged: dict[bytes, bytes | None] = dict(self.parent.iter_prefix(prefix))
        merged.update(mine)
        for key in sorted(merged):
            value = merged[key]
            if value is not None:
                yield key, value


class BlockState(_Overlay):
    """The writes of one block, over the committed state."""

    def begin_tx(self) -> TxState:
        """A fresh transaction buffer over this block."""
        return TxState(self)


class TxState(_Overlay):
    """The writes of one transaction; ``commit`` merges them into the block, dropping them discards."""

    def __init__(self, parent: BlockState) -> None:
        super().__init__(parent)
        self.block = parent

    def commit(self) -> None:
        """Merge this transaction's writes into the block."""
        self.block.writes.update(self.writes)
        self.writes = {}


WritableState = _Overlay
"""What a handler writes through (a TxState during a transaction, a BlockState at block end)."""


def take_next_sequence(store: WritableState, key: bytes) -> int:
    """Advance the counter stored at ``key`` (decimal ASCII; absent = 0) and return its new value.

    Modules derive deterministic ids from it (``ANC-00000001``, ``PROP-000001``); a failed transaction's
    rollback gives the number back.
    """
    raw = store.get(key)
    number = int(raw) + 1 if raw is not None else 1
    store.set(key, str(number).encode())
    return number
