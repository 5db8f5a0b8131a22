"""The cash module's API for other modules, and the compliance checks its handlers share.

Other modules (bonds' delivery-versus-payment, …) move deposit tokens only through :func:`transfer_cash`,
which runs every check a ``cash/MsgTransferCash`` runs (KYC of both sides, freezes, balance, the per-day
and per-holder limits), writes, and emits ``cash/EventTransferCash``. It raises the typed cash errors;
the calling message fails with them and the router rolls its transaction back.
"""

from __future__ import annotations

from bayledger.core.context import Context
from bayledger.core.modules.cash.errors import (
    AccountFrozenError,
    DailyLimitExceededError,
    HolderLimitExceededError,
    InsufficientBalanceError,
    InvalidCashMessageError,
    KycRequiredError,
    NotTokenAuthorityError,
    NotTokenIssuerError,
    TokenNotFoundError,
)
from bayledger.core.modules.cash.events import EventTransferCash
from bayledger.core.modules.cash.msgs import (
    KYC_CREDENTIAL,
    LICENSED_BANK_CREDENTIAL,
    REGULATOR_ROLE,
    check_amount,
)
from bayledger.core.modules.cash.state import (
    Token,
    get_balance,
    get_daily_spent,
    get_token,
    is_frozen,
    set_balance,
    set_daily_spent,
)
from bayledger.core.modules.governance.admission import has_role
from bayledger.core.modules.identity.state import has_valid_credential
from bayledger.core.store import StateReader
from bayledger.core.types import Did, TimestampMs

UTC8_OFFSET_MS = 8 * 3600 * 1000
DAY_MS = 86_400_000

__all__ = ["get_balance", "get_token", "transfer_cash"]


def compute_day(time_ms: TimestampMs) -> int:
    """The UTC+8 (Hong Kong / Beijing) calendar day of a block time, as days since 1970-01-01."""
    return (time_ms + UTC8_OFFSET_MS) // DAY_MS


def require_token(store: StateReader, token_id: str) -> Token:
    """The token, or TokenNotFoundError."""
    token = get_token(store, token_id)
    if token is None:
        raise TokenNotFoundError(token_id)
    return token


def is_compliant_party(store: StateReader, token: Token, did: Did, time_ms: TimestampMs) -> bool:
    """True when ``did`` may hold and move ``token`` at ``time_ms``: it holds a valid KycCredential, or it
    is the token's issuing bank and holds a valid LicensedBankCredential."""
    if did == token.issuer and has_valid_credential(store, did, LICENSED_BANK_CREDENTIAL, time_ms):
        return True
    return has_valid_credential(store, did, KYC_CREDENTIAL, time_ms)


def check_compliant(ctx: Context, token: Token, party: str, did: Did) -> None:
    """Raise KycRequiredError naming ``party`` (sender, recipient, holder) unless ``did`` is compliant."""
    if not is_compliant_party(ctx.store, token, did, ctx.time):
        raise KycRequiredError(token.token_id, party, did, KYC_CREDENTIAL)


def check_not_frozen(ctx: Context, token: Token, did: Did) -> None:
    """Raise AccountFrozenError when ``did`` is frozen for the token."""
    if is_frozen(ctx.store, token.token_id, did):
        raise AccountFrozenError(token.token_id, did)


def check_balance(ctx: Context, token: Token, did: Did, amount: int) -> int:
    """``did``'s balance, or InsufficientBalanceError when it is below ``amount``."""
    balance = get_balance(ctx.store, token.token_id, did)
    if balance < amount:
        raise InsufficientBalanceError(token.token_id, did, balance, amount)
    return balance


def check_holder_limit(ctx: Context, token: Token, did: Did, amount: int) -> int:
    """``did``'s balance, or HolderLimitExceededError when receiving ``amount`` would pass the limit."""
    balance = get_balance(ctx.store, token.token_id, did)
    if token.holder_limit and balance + amount > token.holder_limit:
        raise HolderLimitExceededError(token.token_id, did, token.holder_limit, balance, amount)
    return balance


def check_daily_limit(ctx: Context, token: Token, did: Did, amount: int) -> int:
    """What ``did`` already sent today, or DailyLimitExceededError when ``amount`` would pass the limit."""
    day = compute_day(ctx.time)
    spent = get_daily_spent(ctx.store, token.token_id, did, day)
    if token.daily_limit and spent + amount > token.daily_limit:
        raise DailyLimitExceededError(token.token_id, did, token.daily_limit, spent, amount, day)
    return spent


def check_issuer(token: Token, signer: Did) -> None:
    """Raise NotTokenIssuerError unless ``signer`` issued the token."""
    if signer != token.issuer:
        raise NotTokenIssuerError(token.token_id, token.issuer, signer)


def check_authority(ctx: Context, token: Token, signer: Did) -> None:
    """Raise NotTokenAuthorityError unless ``signer`` is the issuing bank or a member with role regulator."""
    if signer != token.issuer and not has_role(ctx, signer, REGULATOR_ROLE):
        raise NotTokenAuthorityError(token.token_id, signer)


def transfer_cash(ctx: Context, token_id: str, sender: Did, recipient: Did, amount: int) -> None:
    """Move ``amount`` minor units of ``token_id`` from ``sender`` to ``recipient`` with every compliance
    check, then emit ``cash/EventTransferCash``.

    Raises (all ``cash``): InvalidCashMessageError (2) for a bad amount or a self-transfer,
    TokenNotFoundError (4), KycRequiredError (7) naming the sender or the recipient, AccountFrozenError (8),
    InsufficientBalanceError (9), DailyLimitExceededError (11), HolderLimitExceededError (10).
    The caller is responsible for the sender's consent (its signature, or an escrow it agreed to).
    """
    check_amount(amount)
    if sender == recipient:
        raise InvalidCashMessageError("sender and recipient are the same account")
    token = require_token(ctx.store, token_id)
    check_compliant(ctx, token, "sender", sender)
    check_compliant(ctx, token, "recipient", recipient)
    check_not_frozen(ctx, token, sender)
    check_not_frozen(ctx, token, recipient)
    sender_balance = check_balance(ctx, token, sender, amount)
    spent = check_daily_limit(ctx, token, sender, amount)
    recipient_balance = check_holder_limit(ctx, token, recipient, amount)

    set_balance(ctx.store, token_id, sender, sender_balance - amount)
    set_balance(ctx.store, token_id, recipient, recipient_balance + amount)
    set_daily_spent(ctx.store, token_id, sender, compute_day(ctx.time), spent + amount)

    ctx.emit(EventTransferCash(token_id=token_id, sender=sender, recipient=recipient, amount=amount))
