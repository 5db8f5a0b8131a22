"""Handlers that move existing credits: transfer (and transfer-and-retire), retire, cancel (bridge out),
escrow and release. Check (select the serials), then mutate (split ranges, balances, totals, history),
then emit."""

from __future__ import annotations

from bayledger.core.context import Context
from bayledger.core.modules.carbon.errors import EscrowNotFoundError, NotEscrowAgentError
from bayledger.core.modules.carbon.events import (
    EventCancelCredits,
    EventEscrowCredits,
    EventReleaseEscrow,
    EventTransferCredits,
)
from bayledger.core.modules.carbon.keeper import (
    Piece,
    change_balance,
    change_totals,
    reassign,
    record_movement,
    require_batch,
    retire_pieces,
    select_tradable,
)
from bayledger.core.modules.carbon.ledger import (
    Cancellation,
    Escrow,
    delete_escrow,
    get_escrow,
    get_range,
    next_record_number,
    set_cancellation,
    set_escrow,
)
from bayledger.core.modules.carbon.msgs import (
    MsgCancelCredits,
    MsgEscrowCredits,
    MsgReleaseEscrow,
    MsgRetireCredits,
    MsgTransferCredits,
)
from bayledger.core.modules.carbon.rules import STATUS_CANCELLED, STATUS_ESCROWED, STATUS_TRADABLE
from bayledger.core.modules.carbon.rules import batch_of_record_id as batch_of


def process_transfer_credits(ctx: Context, msg: MsgTransferCredits) -> None:
    """Move tradable credits to the recipient; with ``retire`` the recipient retires them at once."""
    batch = require_batch(ctx.store, msg.batch_id)
    pieces = select_tradable(ctx.store, batch.batch_id, msg.sender, msg.amount, msg.serials)

    ranges = reassign(ctx.store, pieces, msg.recipient, STATUS_TRADABLE, "")
    change_balance(ctx.store, batch.batch_id, msg.sender, tradable=-msg.amount)
    change_balance(ctx.store, batch.batch_id, msg.recipient, tradable=msg.amount)
    record_movement(ctx, batch.batch_id, "transfer", msg.sender, msg.recipient, msg.amount, ranges, "")

    ctx.emit(
        EventTransferCredits(
            batch_id=batch.batch_id,
            sender=msg.sender,
            recipient=msg.recipient,
            amount=msg.amount,
            ranges=ranges,
        )
    )
    if msg.retire:
        moved = select_tradable(ctx.store, batch.batch_id, msg.recipient, msg.amount, ranges)
        retire_pieces(ctx, batch, msg.recipient, moved, msg.beneficiary, msg.reason, msg.jurisdiction)


def process_retire_credits(ctx: Context, msg: MsgRetireCredits) -> None:
    """Retire the owner's tradable credits for a beneficiary, claiming them in the claims registry."""
    batch = require_batch(ctx.store, msg.batch_id)
    pieces = select_tradable(ctx.store, batch.batch_id, msg.owner, msg.amount, msg.serials)

    retire_pieces(ctx, batch, msg.owner, pieces, msg.beneficiary, msg.reason, msg.jurisdiction)


def process_cancel_credits(ctx: Context, msg: MsgCancelCredits) -> None:
    """Cancel the owner's tradable credits for good (to another registry when a target is named)."""
    batch = require_batch(ctx.store, msg.batch_id)
    pieces = select_tradable(ctx.store, batch.batch_id, msg.owner, msg.amount, msg.serials)

    cancellation_id = f"CAN-{batch.batch_id}-{next_record_number(ctx.store, 'can', batch.batch_id):04d}"
    ranges = reassign(ctx.store, pieces, msg.owner, STATUS_CANCELLED, cancellation_id)
    change_balance(ctx.store, batch.batch_id, msg.owner, tradable=-msg.amount, cancelled=msg.amount)
    change_totals(ctx.store, batch.batch_id, tradable=-msg.amount, cancelled=msg.amount)
    record_movement(
        ctx, batch.batch_id, "cancel", msg.owner, msg.target_registry, msg.amount, ranges, cancellation_id
    )
    set_cancellation(
        ctx.store,
        Cancellation(
            cancellation_id, batch.batch_id, msg.owner, msg.amount, ranges, msg.reason,
            msg.target_registry, msg.target_reference, ctx.height, ctx.tx_hash,
        ),
    )  # fmt: skip

    ctx.emit(
        EventCancelCredits(
            cancellation_id=cancellation_id, batch_id=batch.batch_id, owner=msg.owner, amount=msg.amount,
            ranges=ranges, reason=msg.reason, target_registry=msg.target_registry,
            target_reference=msg.target_reference,
        )
    )  # fmt: skip


def process_escrow_credits(ctx: Context, msg: MsgEscrowCredits) -> None:
    """Lock the owner's tradable credits under an agent; they stay the owner's, but cannot move."""
    batch = require_batch(ctx.store, msg.batch_id)
    pieces = select_tradable(ctx.store, batch.batch_id, msg.owner, msg.amount, msg.serials)

    escrow_id = f"ESC-{batch.batch_id}-{next_record_number(ctx.store, 'esc', batch.batch_id):04d}"
    ranges = reassign(ctx.store, pieces, msg.owner, STATUS_ESCROWED, escrow_id)
    change_balance(ctx.store, batch.batch_id, msg.owner, tradable=-msg.amount, escrowed=msg.amount)
    change_totals(ctx.store, batch.batch_id, tradable=-msg.amount, escrowed=msg.amount)
    record_movement(ctx, batch.batch_id, "escrow", msg.owner, msg.agent, msg.amount, ranges, escrow_id)
    set_escrow(
        ctx.store,
        Escrow(
            escrow_id, batch.batch_id, msg.owner, msg.agent, msg.amount, ranges, msg.reference, ctx.height
        ),
    )

    ctx.emit(
        EventEscrowCredits(
            escrow_id=escrow_id, batch_id=batch.batch_id, owner=msg.owner, agent=msg.agent, amount=msg.amount,
            ranges=ranges,
        )
    )  # fmt: skip


def process_release_escrow(ctx: Context, msg: MsgReleaseEscrow) -> None:
    """The agent releases the escrowed serials as tradable credits of ``recipient`` (owner or buyer)."""
    escrow = get_escrow(ctx.store, msg.escrow_id)
    if escrow is None or batch_of(msg.escrow_id) != escrow.batch_id:
        raise EscrowNotFoundError(msg.escrow_id)
    if msg.agent != escrow.agent:
        raise NotEscrowAgentError(escrow.escrow_id, escrow.agent, msg.agent)
    pieces = []
    for first, last in escrow.ranges:
        stored = get_range(ctx.store, escrow.batch_id, first)
        assert stored is not None and stored.last == last and stored.ref == escrow.escrow_id
        pieces.append(Piece(stored, first, last))

    ranges = reassign(ctx.store, pieces, msg.recipient, STATUS_TRADABLE, "")
    change_balance(ctx.store, escrow.batch_id, escrow.owner, escrowed=-escrow.amount)
    change_balance(ctx.store, escrow.batch_id, msg.recipient, tradable=escrow.amount)
    change_totals(ctx.store, escrow.batch_id, escrowed=-escrow.amount, tradable=escrow.amount)
    record_movement(
        ctx, escrow.batch_id, "release", escrow.owner, msg.recipient, escrow.amount, ranges, escrow.escrow_id
    )
    delete_escrow(ctx.store, escrow.escrow_id)

    ctx.emit(
        EventReleaseEscrow(
            escrow_id=escrow.escrow_id, batch_id=escrow.batch_id, owner=escrow.owner, recipient=msg.recipient,
            amount=escrow.amount,
        )
    )  # fmt: skip
