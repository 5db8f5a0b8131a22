"""Consensus parameters: genesis values, which governance `parameter-change` proposals may override."""

from __future__ import annotations

import msgspec


class ConsensusParams(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Limits every node enforces identically. No fees: a permissioned chain limits abuse by membership
    and per-account rate limits in the mempool, not by gas."""

    max_tx_bytes: int = 65_536
    max_msgs_per_tx: int = 32
    max_txs_per_block: int = 5_000
    max_memo_bytes: int = 256
    max_signers: int = 32

    def validate(self) -> None:
        """Raise ``ValueError`` when a limit is not a positive integer."""
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"consensus parameter {name} must be a positive integer, got {value!r}")
