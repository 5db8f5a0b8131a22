"""The light client: verify headers and state proofs with nothing but the genesis document.

A light client trusts only the genesis validator set. A header is accepted when validators holding more
than two thirds of the voting power signed its hash; a chain of headers is accepted when each links to the
previous one by hash; a state record is accepted when its proof leads to the header's ``app_hash``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bayledger.core import smt
from bayledger.core.block import (
    BlockHeader,
    SignedHeader,
    compute_header_hash,
    compute_validators_hash,
    header_sign_bytes,
)
from bayledger.core.crypto import verify_signature
from bayledger.core.errors import LedgerError
from bayledger.core.genesis import Genesis
from bayledger.core.hashing import get_hash_function


class LightClientError(LedgerError):
    """A header or proof failed verification; the message says which check."""

    codespace = "light"
    code = 1


def verify_commit(genesis: Genesis, signed: SignedHeader) -> bytes:
    """Check a header's chain id, validator-set hash and >2/3 voting-power signatures; return its hash."""
    hash_fn = get_hash_function(genesis.hash_algorithm)
    header = signed.header
    if header.chain_id != genesis.chain_id:
        raise LightClientError(f"header is for chain {header.chain_id!r}, not {genesis.chain_id!r}")
    if header.validators_hash != compute_validators_hash(hash_fn, genesis.validators).hex():
        raise LightClientError(f"height {header.height}: validator set differs from the trusted one")
    header_hash = compute_header_hash(hash_fn, header)
    to_verify = header_sign_bytes(header_hash)
    power_by_key = {v.public_key: v.power for v in genesis.validators}
    total = sum(power_by_key.values())
    signed_power = 0
    counted: set[bytes] = set()
    for sig in signed.signatures:
        power = power_by_key.get(sig.public_key, 0)
        if power == 0 or sig.public_key in counted:
            continue
        if verify_signature(sig.key_type, sig.public_key, to_verify, sig.signature):
            counted.add(sig.public_key)
            signed_power += power
    if signed_power * 3 <= total * 2:
        raise LightClientError(
            f"height {header.height}: signatures carry {signed_power} of {total} voting power, "
            "need more than 2/3"
        )
    return header_hash


def verify_header_chain(genesis: Genesis, headers: Sequence[SignedHeader]) -> BlockHeader:
    """Verify consecutive headers (each committed and linked to the previous by hash); return the last."""
    if not headers:
        raise LightClientError("no headers to verify")
    previous_hash: bytes | None = None
    previous_height: int | None = None
    for signed in headers:
        header_hash = verify_commit(genesis, signed)
        header = signed.header
        if previous_hash is not None:
            if header.height != (previous_height or 0) + 1:
                raise LightClientError(f"height {header.height} does not follow {previous_height}")
            if header.previous_hash != previous_hash.hex():
                raise LightClientError(f"height {header.height} does not link to the previous header")
        elif header.height == 1 and header.previous_hash != "":
            raise LightClientError("the first block must have an empty previous hash")
        previous_hash, previous_height = header_hash, header.height
    return headers[-1].header


def verify_state(
    genesis: Genesis, signed: SignedHeader, key: bytes, value: bytes | None, proof: smt.StateProof
) -> None:
    """Verify that at this committed header, ``key`` holds ``value`` (or is absent when value is None)."""
    verify_commit(genesis, signed)
    hash_fn = get_hash_function(genesis.hash_algorithm)
    if not smt.verify_proof(hash_fn, bytes.fromhex(signed.header.app_hash), key, value, proof):
        what = "absence" if value is None else "value"
        raise LightClientError(
            f"the proof of {what} of key {key!r} does not match app hash at height {signed.header.height}"
        )
