"""Handlers of the cash module: check, then mutate, then emit.

Shared checks (KYC, freezes, balance, limits, who may act) live in ``keeper.py``; ``MsgTransferCash`` is
the keeper's :func:`~bayledger.core.modules.cash.keeper.transfer_cash` itself.
"""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.cash.errors import (
    AlreadyFrozenError,
    NotFrozenError,
    SupplyOverflowError,
    TokenExistsError,
)
from bayledger.core.modules.cash.events import (
    EventCreateToken,
    EventForceTransfer,
    EventFreezeAccount,
    EventIssueCash,
    EventRedeemCash,
    EventSetLimits,
    EventUnfreezeAccount,
)
from bayledger.core.modules.cash.keeper import (
    check_authority,
    check_balance,
    check_compliant,
    check_holder_limit,
    check_issuer,
    check_not_frozen,
    require_token,
    transfer_cash,
)
from bayledger.core.modules.cash.msgs import (
    CURRENCY_DECIMALS,
    MAX_AMOUNT,
    MsgCreateToken,
    MsgForceTransfer,
    MsgFreezeAccount,
    MsgIssueCash,
    MsgRedeemCash,
    MsgSetLimits,
    MsgTransferCash,
    MsgUnfreezeAccount,
)
from bayledger.core.modules.cash.state import (
    Freeze,
    Token,
    compute_token_id,
    delete_freeze,
    get_freeze,
    get_token,
    set_balance,
    set_freeze,
    set_token,
)


def process_create_token(ctx: Context, msg: MsgCreateToken) -> None:
    """Create the bank's deposit token of a currency, with zero supply."""
    token_id = compute_token_id(msg.currency, msg.bank)
    if get_token(ctx.store, token_id) is not None:
        raise TokenExistsError(token_id)

    token = Token(
        token_id=token_id,
        issuer=msg.bank,
        currency=msg.currency,
        decimals=CURRENCY_DECIMALS[msg.currency],
        supply=0,
        holder_limit=msg.holder_limit,
        daily_limit=msg.daily_limit,
        name_en=msg.name_en,
        name_zh=msg.name_zh,
        created_height=ctx.height,
    )
    set_token(ctx.store, token)

    ctx.emit(
        EventCreateToken(
            token_id=token_id,
            issuer=msg.bank,
            currency=msg.currency,
            decimals=token.decimals,
            holder_limit=msg.holder_limit,
            daily_limit=msg.daily_limit,
        )
    )


def process_issue_cash(ctx: Context, msg: MsgIssueCash) -> None:
    """Mint ``amount`` to a compliant, unfrozen recipient within the holder limit and the supply maximum."""
    token = require_token(ctx.store, msg.token_id)
    check_issuer(token, msg.bank)
    check_compliant(ctx, token, "recipient", msg.recipient)
    check_not_frozen(ctx, token, msg.recipient)
    if token.supply + msg.amount > MAX_AMOUNT:
        raise SupplyOverflowError(token.token_id, token.supply, msg.amount, MAX_AMOUNT)
    balance = check_holder_limit(ctx, token, msg.recipient, msg.amount)

    set_balance(ctx.store, token.token_id, msg.recipient, balance + msg.amount)
    set_token(ctx.store, replace(token, supply=token.supply + msg.amount))

    ctx.emit(
        EventIssueCash(
            token_id=token.token_id,
            recipient=msg.recipient,
            amount=msg.amount,
            supply=token.supply + msg.amount,
        )
    )


def process_redeem_cash(ctx: Context, msg: MsgRedeemCash) -> None:
    """Burn ``amount`` of a compliant, unfrozen holder's balance: the bank pays the deposit out."""
    token = require_token(ctx.store, msg.token_id)
    check_compliant(ctx, token, "holder", msg.holder)
    check_not_frozen(ctx, token, msg.holder)
    balance = check_balance(ctx, token, msg.holder, msg.amount)

    set_balance(ctx.store, token.token_id, msg.holder, balance - msg.amount)
    set_token(ctx.store, replace(token, supply=token.supply - msg.amount))

    ctx.emit(
        EventRedeemCash(
            token_id=token.token_id, holder=msg.holder, amount=msg.amount, supply=token.supply - msg.amount
        )
    )


def process_transfer_cash(ctx: Context, msg: MsgTransferCash) -> None:
    """Move tokens between two compliant holders (the signer's own KYC is checked at admission too)."""
    transfer_cash(ctx, msg.token_id, msg.sender, msg.recipient, msg.amount)


def process_freeze_account(ctx: Context, msg: MsgFreezeAccount) -> None:
    """Freeze a holder for the token (by its issuing bank or a regulator)."""
    token = require_token(ctx.store, msg.token_id)
    check_authority(ctx, token, msg.authority)
    if get_freeze(ctx.store, token.token_id, msg.holder) is not None:
        raise AlreadyFrozenError(token.token_id, msg.holder)

    set_freeze(
        ctx.store,
        Freeze(
            token_id=token.token_id,
            holder=msg.holder,
            authority=msg.authority,
            reason=msg.reason,
            height=ctx.height,
        ),
    )

    ctx.emit(
        EventFreezeAccount(
            token_id=token.token_id, holder=msg.holder, authority=msg.authority, reason=msg.reason
        )
    )


def process_unfreeze_account(ctx: Context, msg: MsgUnfreezeAccount) -> None:
    """Lift a freeze (by the token's issuing bank or a regulator, whoever froze it)."""
    token = require_token(ctx.store, msg.token_id)
    check_authority(ctx, token, msg.authority)
    if get_freeze(ctx.store, token.token_id, msg.holder) is None:
        raise NotFrozenError(token.token_id, msg.holder)

    delete_freeze(ctx.store, token.token_id, msg.holder)

    ctx.emit(
        EventUnfreezeAccount(
            token_id=token.token_id, holder=msg.holder, authority=msg.authority, reason=msg.reason
        )
    )


def process_force_transfer(ctx: Context, msg: MsgForceTransfer) -> None:
    """Move a holder's tokens without its signature (frozen or not) to a compliant, unfrozen recipient."""
    token = require_token(ctx.store, msg.token_id)
    check_authority(ctx, token, msg.authority)
    check_compliant(ctx, token, "recipient", msg.recipient)
    check_not_frozen(ctx, token, msg.recipient)
    holder_balance = check_balance(ctx, token, msg.holder, msg.amount)
    recipient_balance = check_holder_limit(ctx, token, msg.recipient, msg.amount)

    set_balance(ctx.store, token.token_id, msg.holder, holder_balance - msg.amount)
    set_balance(ctx.store, token.token_id, msg.recipient, recipient_balance + msg.amount)

    ctx.emit(
        EventForceTransfer(
            token_id=token.token_id,
            holder=msg.holder,
            recipient=msg.recipient,
            amount=msg.amount,
            authority=msg.authority,
            reason=msg.reason,
        )
    )


def process_set_limits(ctx: Context, msg: MsgSetLimits) -> None:
    """Replace the token's per-holder and per-day limits (existing balances above a new cap stay)."""
    token = require_token(ctx.store, msg.token_id)
    check_issuer(token, msg.bank)

    set_token(ctx.store, replace(token, holder_limit=msg.holder_limit, daily_limit=msg.daily_limit))

    ctx.emit(
        EventSetLimits(token_id=token.token_id, holder_limit=msg.holder_limit, daily_limit=msg.daily_limit)
    )
