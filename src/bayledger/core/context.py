"""The execution context handed to every message handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bayledger.core.events import Event
from bayledger.core.params import ConsensusParams
from bayledger.core.store import WritableState
from bayledger.core.types import Did, Height, TimestampMs


@dataclass(frozen=True)
class ChainInfo:
    """A zone's chain id, hash function and consensus parameters.

    ``params`` are the parameters in force: in the context of a block, the genesis values with the overrides
    governance adopted in earlier blocks (see ``state_transition.chain_at``); ``genesis_params`` are the
    genesis values, which governance needs to compute effective parameters itself.
    """

    chain_id: str
    hash_algorithm: str
    params: ConsensusParams
    genesis_params: ConsensusParams
    hash_fn: Callable[[bytes], bytes]
    did_ac_code: str | None = None


@dataclass
class Context:
    """Everything a handler may know: the block (height, time), the tx (signer, hash), the state buffer.

    Handlers read and write only through their module's ``state.py`` accessors on ``ctx.store`` and report
    what happened through ``ctx.emit``.
    """

    chain: ChainInfo
    height: Height
    time: TimestampMs
    store: WritableState
    signer: Did = ""
    tx_hash: str = ""
    msg_index: int = 0
    events: list[Event] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        """Record a typed event of the current transaction."""
        self.events.append(event)

    def hash(self, data: bytes) -> bytes:
        """The zone's hash (SHA-256 or SM3) of ``data``."""
        return self.chain.hash_fn(data)
