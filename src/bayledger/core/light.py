"""The light client: verify headers and state proofs with nothing but the genesis document.

A light client starts from the genesis validator set. A header is accepted when validators holding more
than two thirds of the voting power of the set it trusts at that height signed its hash; a chain of headers
is accepted when each links to the previous one by hash; a state record is accepted when its proof leads to
the header's ``app_hash``.

The trusted set changes only through a header: a header whose ``next_validators_hash`` differs from its
``validators_hash`` hands over to a new set, and the client accepts that set only when it hashes to what the
committed header named. :func:`verify_validator_changes` walks such hand-overs from genesis, each one
committed by the set trusted before it, and :func:`validators_for_height` picks the set of any height.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

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
from bayledger.core.genesis import Genesis, GenesisValidator
from bayledger.core.hashing import get_hash_function


class LightClientError(LedgerError):
    """A header or proof failed verification; the message says which check."""

    codespace = "light"
    code = 1


class ValidatorChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A hand-over: the committed header of the block that adopted ``validators`` (signing from the next)."""

    signed: SignedHeader
    validators: list[GenesisValidator]


class TrustedSet(msgspec.Struct, frozen=True):
    """A verified validator set and the first height it signs."""

    from_height: int
    validators: tuple[GenesisValidator, ...]


def verify_commit(
    genesis: Genesis, signed: SignedHeader, validators: Sequence[GenesisValidator] | None = None
) -> bytes:
    """Check a header's chain id, validator-set hash and >2/3 voting-power signatures; return its hash.

    ``validators`` is the set trusted at the header's height (the genesis set when None).
    """
    trusted = genesis.validators if validators is None else validators
    hash_fn = get_hash_function(genesis.hash_algorithm)
    header = signed.header
    if header.chain_id != genesis.chain_id:
        raise LightClientError(f"header is for chain {header.chain_id!r}, not {genesis.chain_id!r}")
    if header.validators_hash != compute_validators_hash(hash_fn, trusted).hex():
        raise LightClientError(f"height {header.height}: validator set differs from the trusted one")
    header_hash = compute_header_hash(hash_fn, header)
    to_verify = header_sign_bytes(header_hash)
    power_by_key = {v.public_key: v.power for v in trusted}
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


def _hand_over(
    genesis: Genesis, header: BlockHeader, candidates: Sequence[Sequence[GenesisValidator]]
) -> tuple[GenesisValidator, ...] | None:
    """The set a verified header hands over to (None when it keeps its own), chosen among ``candidates``."""
    if header.next_validators_hash == header.validators_hash:
        return None
    hash_fn = get_hash_function(genesis.hash_algorithm)
    for candidate in candidates:
        if compute_validators_hash(hash_fn, candidate).hex() == header.next_validators_hash:
            return tuple(candidate)
    raise LightClientError(
        f"height {header.height} hands over to validator set {header.next_validators_hash}, "
        "which was not supplied"
    )


def verify_header_chain(
    genesis: Genesis,
    headers: Sequence[SignedHeader],
    *,
    trusted: Sequence[GenesisValidator] | None = None,
    validator_sets: Sequence[Sequence[GenesisValidator]] = (),
) -> BlockHeader:
    """Verify consecutive headers (each committed and linked to the previous by hash); return the last.

    The first header is checked against ``trusted`` (the genesis set when None); when a header hands over
    to a new set, that set must be among ``validator_sets`` and hash to the header's ``next_validators_hash``.
    """
    if not headers:
        raise LightClientError("no headers to verify")
    current: Sequence[GenesisValidator] = genesis.validators if trusted is None else trusted
    previous_hash: bytes | None = None
    previous_height: int | None = None
    for signed in headers:
        header_hash = verify_commit(genesis, signed, current)
        header = signed.header
        if previous_hash is not None:
            if header.height != (previous_height or 0) + 1:
                raise LightClientError(f"height {header.height} does not follow {previous_height}")
            if header.previous_hash != previous_hash.hex():
                raise LightClientError(f"height {header.height} does not link to the previous header")
        elif header.height == 1 and header.previous_hash != "":
            raise LightClientError("the first block must have an empty previous hash")
        current = _hand_over(genesis, header, validator_sets) or current
        previous_hash, previous_height = header_hash, header.height
    return headers[-1].header


def verify_validator_changes(genesis: Genesis, changes: Sequence[ValidatorChange]) -> list[TrustedSet]:
    """Follow validator-set hand-overs from genesis; the verified sets with the height each signs from.

    Each change's header must be committed by the set trusted before it and name the new set in its
    ``next_validators_hash``; changes come in increasing height.
    """
    trusted = [TrustedSet(from_height=1, validators=tuple(genesis.validators))]
    for change in changes:
        header = change.signed.header
        if header.height < trusted[-1].from_height:
            raise LightClientError(f"validator change at height {header.height} is out of order")
        verify_commit(genesis, change.signed, trusted[-1].validators)
        adopted = _hand_over(genesis, header, [change.validators])
        if adopted is None:
            raise LightClientError(f"the header at height {header.height} does not change the validator set")
        trusted.append(TrustedSet(from_height=header.height + 1, validators=adopted))
    return trusted


def validators_for_height(trusted: Sequence[TrustedSet], height: int) -> tuple[GenesisValidator, ...]:
    """The verified set that signs ``height`` (``trusted`` as :func:`verify_validator_changes` returns it)."""
    chosen = trusted[0].validators
    for entry in trusted:
        if entry.from_height <= height:
            chosen = entry.validators
    return chosen


def verify_state(
    genesis: Genesis,
    signed: SignedHeader,
    key: bytes,
    value: bytes | None,
    proof: smt.StateProof,
    validators: Sequence[GenesisValidator] | None = None,
) -> None:
    """Verify that at this committed header, ``key`` holds ``value`` (or is absent when value is None).

    ``validators`` is the set trusted at the header's height (the genesis set when None).
    """
    verify_commit(genesis, signed, validators)
    hash_fn = get_hash_function(genesis.hash_algorithm)
    if not smt.verify_proof(hash_fn, bytes.fromhex(signed.header.app_hash), key, value, proof):
        what = "absence" if value is None else "value"
        raise LightClientError(
            f"the proof of {what} of key {key!r} does not match app hash at height {signed.header.height}"
        )
