"""State of the carbon registry, part 2: who holds which serials, and the history of every serial.

A batch's serials ``1..issued`` are partitioned into **serial ranges** (inclusive ``[first, last]``),
each held by one account in one status (tradable, escrowed, retired, cancelled) with the id of the
escrow, retirement or cancellation that holds it. Ranges are split when part of one moves. Balances
are the per-holder totals of the same ranges; movements log every change per batch (provenance).
"""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did, Height, TimestampMs

BALANCE_PREFIX = b"carbon/b/"  # carbon/b/<batch_id>/<holder> -> Balance (absent = all zero)
HOLDER_PREFIX = b"carbon/h/"  # carbon/h/<holder>/<batch_id> -> b"1" while a balance exists
RANGE_PREFIX = b"carbon/r/"  # carbon/r/<batch_id>/<first:016d> -> SerialRange
HOLDER_RANGE_PREFIX = b"carbon/hr/"  # carbon/hr/<holder>/<batch_id>/<status>/<first:016d> -> b"1"
MOVEMENT_PREFIX = b"carbon/m/"  # carbon/m/<batch_id>/<seq:08d> -> Movement
RETIREMENT_PREFIX = b"carbon/ret/"  # carbon/ret/<retirement_id> -> Retirement
BENEFICIARY_PREFIX = b"carbon/rb/"  # carbon/rb/<hex(beneficiary)>/<retirement_id> -> b"1"
CANCELLATION_PREFIX = b"carbon/can/"  # carbon/can/<cancellation_id> -> Cancellation
ESCROW_PREFIX = b"carbon/e/"  # carbon/e/<escrow_id> -> Escrow (while open)
SEQ_PREFIX = b"carbon/seq/"  # carbon/seq/<m|ret|can|esc>/<batch_id> -> last number


class Balance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One holder's credits of one batch by status (smallest units); deleted when all are zero."""

    batch_id: str
    holder: Did
    tradable: int = 0
    retired: int = 0
    cancelled: int = 0
    escrowed: int = 0


class SerialRange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Serials ``first..last`` (inclusive) of a batch, held by ``holder`` in ``status``.

    ``ref`` is the escrow, retirement or cancellation id holding them ("" while tradable).
    """

    batch_id: str
    first: int
    last: int
    holder: Did
    status: str
    ref: str


class Movement(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One change of a batch's serials: issue, bridge-in, transfer, retire, cancel, escrow, release."""

    batch_id: str
    seq: int
    kind: str
    sender: str
    recipient: str
    amount: int
    ranges: list[tuple[int, int]]
    ref: str
    height: Height
    time: TimestampMs
    tx_hash: str


class Retirement(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A retirement: whose credits, for which beneficiary, why, where, which serials, which claim."""

    retirement_id: str
    batch_id: str
    project_id: str
    owner: Did
    beneficiary: str
    reason: str
    jurisdiction: str
    amount: int
    ranges: list[tuple[int, int]]
    claim_id: str
    height: Height
    time: TimestampMs
    tx_hash: str


class Cancellation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A cancellation, e.g. credits moved to another registry (``target_registry``/``target_reference``)."""

    cancellation_id: str
    batch_id: str
    owner: Did
    amount: int
    ranges: list[tuple[int, int]]
    reason: str
    target_registry: str
    target_reference: str
    height: Height
    tx_hash: str


class Escrow(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Credits locked under an agent until it releases them (deleted at release)."""

    escrow_id: str
    batch_id: str
    owner: Did
    agent: Did
    amount: int
    ranges: list[tuple[int, int]]
    reference: str
    height: Height


# --- keys --------------------------------------------------------------------------------------------------


def balance_key(batch_id: str, holder: Did) -> bytes:
    """State key of a balance."""
    return BALANCE_PREFIX + batch_id.encode() + b"/" + holder.encode()


def balance_proof_key(ident: str) -> bytes:
    """Provable kind ``balance`` from ``<batch_id>/<did>`` (absent = nothing held)."""
    return BALANCE_PREFIX + ident.encode()


def range_key(batch_id: str, first: int) -> bytes:
    """State key of the serial range starting at ``first``."""
    return RANGE_PREFIX + f"{batch_id}/{first:016d}".encode()


def range_proof_key(ident: str) -> bytes:
    """Provable kind ``range`` from ``<batch_id>/<first>`` (first as a plain decimal)."""
    batch_id, _, first = ident.rpartition("/")
    return range_key(batch_id, int(first)) if first.isdigit() else RANGE_PREFIX + ident.encode()


def _holder_range_key(r: SerialRange) -> bytes:
    return HOLDER_RANGE_PREFIX + f"{r.holder}/{r.batch_id}/{r.status}/{r.first:016d}".encode()


def movement_key(batch_id: str, seq: int) -> bytes:
    """State key of a movement."""
    return MOVEMENT_PREFIX + f"{batch_id}/{seq:08d}".encode()


def movement_proof_key(ident: str) -> bytes:
    """Provable kind ``movement`` from ``<batch_id>/<seq>``."""
    batch_id, _, seq = ident.rpartition("/")
    return movement_key(batch_id, int(seq)) if seq.isdigit() else MOVEMENT_PREFIX + ident.encode()


def retirement_key(retirement_id: str) -> bytes:
    """State key of a retirement (provable kind ``retirement``)."""
    return RETIREMENT_PREFIX + retirement_id.encode()


def cancellation_key(cancellation_id: str) -> bytes:
    """State key of a cancellation (provable kind ``cancellation``)."""
    return CANCELLATION_PREFIX + cancellation_id.encode()


def escrow_key(escrow_id: str) -> bytes:
    """State key of an open escrow (provable kind ``escrow``)."""
    return ESCROW_PREFIX + escrow_id.encode()


def _beneficiary_prefix(beneficiary: str) -> bytes:
    return BENEFICIARY_PREFIX + beneficiary.encode().hex().encode() + b"/"


def next_record_number(store: WritableState, kind: str, batch_id: str) -> int:
    """The next number of a per-batch sequence (``m`` movements, ``ret``, ``can``, ``esc``)."""
    return take_next_sequence(store, SEQ_PREFIX + f"{kind}/{batch_id}".encode())


# --- balances ----------------------------------------------------------------------------------------------


def get_balance(store: StateReader, batch_id: str, holder: Did) -> Balance:
    """``holder``'s balance of the batch (all zero when none)."""
    raw = store.get(balance_key(batch_id, holder))
    return Balance(batch_id=batch_id, holder=holder) if raw is None else decode_record(raw, Balance)


def set_balance(store: WritableState, balance: Balance) -> None:
    """Write a balance and its holder index entry; an all-zero balance deletes both."""
    key = balance_key(balance.batch_id, balance.holder)
    index = HOLDER_PREFIX + f"{balance.holder}/{balance.batch_id}".encode()
    if not (balance.tradable or balance.retired or balance.cancelled or balance.escrowed):
        store.delete(key)
        store.delete(index)
        return
    store.set(key, encode_record(balance))
    store.set(index, b"1")


def list_batch_balances(store: StateReader, batch_id: str) -> list[Balance]:
    """Every balance of a batch, by holder."""
    return [
        decode_record(raw, Balance) for _, raw in store.iter_prefix(BALANCE_PREFIX + batch_id.encode() + b"/")
    ]


def list_all_balances(store: StateReader) -> list[Balance]:
    """Every balance, by (batch, holder)."""
    return [decode_record(raw, Balance) for _, raw in store.iter_prefix(BALANCE_PREFIX)]


def list_holder_balances(store: StateReader, holder: Did) -> list[Balance]:
    """A holder's balances, by batch id."""
    prefix = HOLDER_PREFIX + holder.encode() + b"/"
    return [get_balance(store, key[len(prefix) :].decode(), holder) for key, _ in store.iter_prefix(prefix)]


def list_holder_index(store: StateReader) -> list[tuple[Did, str]]:
    """Every (holder, batch id) of the holder index (for the invariants)."""
    pairs = []
    for key, _ in store.iter_prefix(HOLDER_PREFIX):
        holder, _, batch_id = key[len(HOLDER_PREFIX) :].decode().rpartition("/")
        pairs.append((holder, batch_id))
    return pairs


# --- serial ranges -----------------------------------------------------------------------------------------


def get_range(store: StateReader, batch_id: str, first: int) -> SerialRange | None:
    """The range starting exactly at ``first``, or None."""
    raw = store.get(range_key(batch_id, first))
    return None if raw is None else decode_record(raw, SerialRange)


def set_range(store: WritableState, serial_range: SerialRange) -> None:
    """Write a range and its holder-status index entry."""
    store.set(range_key(serial_range.batch_id, serial_range.first), encode_record(serial_range))
    store.set(_holder_range_key(serial_range), b"1")


def delete_range(store: WritableState, serial_range: SerialRange) -> None:
    """Delete a range and its index entry (before it is written again split or reassigned)."""
    store.delete(range_key(serial_range.batch_id, serial_range.first))
    store.delete(_holder_range_key(serial_range))


def list_batch_ranges(store: StateReader, batch_id: str) -> list[SerialRange]:
    """Every range of a batch, ascending (together they partition ``1..issued``)."""
    prefix = RANGE_PREFIX + batch_id.encode() + b"/"
    return [decode_record(raw, SerialRange) for _, raw in store.iter_prefix(prefix)]


def list_holder_ranges(store: StateReader, holder: Did, batch_id: str, status: str) -> list[SerialRange]:
    """``holder``'s ranges of a batch in one status, ascending."""
    prefix = HOLDER_RANGE_PREFIX + f"{holder}/{batch_id}/{status}/".encode()
    found = []
    for key, _ in store.iter_prefix(prefix):
        serial_range = get_range(store, batch_id, int(key[len(prefix) :]))
        if serial_range is not None:
            found.append(serial_range)
    return found


def count_holder_range_index(store: StateReader) -> int:
    """How many holder-status index entries exist (for the invariants)."""
    return sum(1 for _ in store.iter_prefix(HOLDER_RANGE_PREFIX))


# --- movements, retirements, cancellations, escrows --------------------------------------------------------


def set_movement(store: WritableState, movement: Movement) -> None:
    """Append a movement to its batch's history."""
    store.set(movement_key(movement.batch_id, movement.seq), encode_record(movement))


def list_movements(store: StateReader, batch_id: str) -> list[Movement]:
    """A batch's movements in order."""
    prefix = MOVEMENT_PREFIX + batch_id.encode() + b"/"
    return [decode_record(raw, Movement) for _, raw in store.iter_prefix(prefix)]


def get_retirement(store: StateReader, retirement_id: str) -> Retirement | None:
    """The retirement, or None."""
    raw = store.get(retirement_key(retirement_id))
    return None if raw is None else decode_record(raw, Retirement)


def set_retirement(store: WritableState, retirement: Retirement) -> None:
    """Write a retirement and its beneficiary index entry (never changed afterwards)."""
    store.set(retirement_key(retirement.retirement_id), encode_record(retirement))
    store.set(_beneficiary_prefix(retirement.beneficiary) + retirement.retirement_id.encode(), b"1")


def list_retirements(store: StateReader, batch_id: str | None = None) -> list[Retirement]:
    """Every retirement (of one batch when given), by id."""
    prefix = RETIREMENT_PREFIX + (f"RET-{batch_id}-".encode() if batch_id else b"")
    return [decode_record(raw, Retirement) for _, raw in store.iter_prefix(prefix)]


def list_beneficiary_retirements(store: StateReader, beneficiary: str) -> list[Retirement]:
    """Every retirement for exactly this beneficiary, by id."""
    prefix = _beneficiary_prefix(beneficiary)
    found = []
    for key, _ in store.iter_prefix(prefix):
        retirement = get_retirement(store, key[len(prefix) :].decode())
        if retirement is not None:
            found.append(retirement)
    return found


def get_cancellation(store: StateReader, cancellation_id: str) -> Cancellation | None:
    """The cancellation, or None."""
    raw = store.get(cancellation_key(cancellation_id))
    return None if raw is None else decode_record(raw, Cancellation)


def set_cancellation(store: WritableState, cancellation: Cancellation) -> None:
    """Write a cancellation."""
    store.set(cancellation_key(cancellation.cancellation_id), encode_record(cancellation))


def list_cancellations(store: StateReader) -> list[Cancellation]:
    """Every cancellation, by id."""
    return [decode_record(raw, Cancellation) for _, raw in store.iter_prefix(CANCELLATION_PREFIX)]


def get_escrow(store: StateReader, escrow_id: str) -> Escrow | None:
    """The open escrow, or None."""
    raw = store.get(escrow_key(escrow_id))
    return None if raw is None else decode_record(raw, Escrow)


def set_escrow(store: WritableState, escrow: Escrow) -> None:
    """Write an open escrow."""
    store.set(escrow_key(escrow.escrow_id), encode_record(escrow))


def delete_escrow(store: WritableState, escrow_id: str) -> None:
    """Close an escrow (released)."""
    store.delete(escrow_key(escrow_id))


def list_escrows(store: StateReader) -> list[Escrow]:
    """Every open escrow, by id."""
    return [decode_record(raw, Escrow) for _, raw in store.iter_prefix(ESCROW_PREFIX)]
