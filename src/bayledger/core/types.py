"""Small shared type aliases of the core."""

from __future__ import annotations

Did = str
"""A ``did:bid`` identifier of an account."""

Height = int
"""A block height (the genesis state is height 0; the first block is height 1)."""

TimestampMs = int
"""Block time in integer milliseconds since the Unix epoch.

Decided by the producer, never read from a clock."""

HexStr = str
"""Lower-case hexadecimal text of some bytes."""
