"""Messages of the cash module and their stateless checks.

Amounts and limits are integers in the token's minor units, at most 2^53 - 1 so they stay exact JSON
numbers everywhere (no big-number encoding is ever needed).
"""

from __future__ import annotations

import re
from typing import ClassVar

from bayledger.core.did import is_did_bid
from bayledger.core.encoding import MAX_SAFE_INTEGER
from bayledger.core.modules.cash.errors import InvalidCashMessageError
from bayledger.core.msg import Msg, Requirement
from bayledger.core.types import Did

KYC_CREDENTIAL = "KycCredential"
LICENSED_BANK_CREDENTIAL = "LicensedBankCredential"
REGULATOR_ROLE = "regulator"
MAX_AMOUNT = MAX_SAFE_INTEGER
MAX_NAME_LENGTH = 128
MAX_REASON_LENGTH = 256

CURRENCY_DECIMALS: dict[str, int] = {
    "HKD": 2,
    "CNY": 2,
    "CNH": 2,  # offshore renminbi (a market code, not ISO 4217), traded in Hong Kong
    "MOP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "JPY": 0,
    "SGD": 2,
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
}
"""Currencies a deposit token may be issued in, with their minor-unit exponent (ISO 4217)."""

_TOKEN_ID = re.compile(r"[A-Z]{3}-[A-Za-z0-9-]{1,72}")

_BANK = (Requirement("credential", LICENSED_BANK_CREDENTIAL),)


class MsgCreateToken(Msg, frozen=True, tag="cash/MsgCreateToken"):
    """A licensed bank creates its deposit token of ``currency`` (id ``<currency>-<bank DID suffix>``).

    Limits are minor units; 0 means no limit.
    """

    signer_field: ClassVar[str] = "bank"
    requires: ClassVar[tuple[Requirement, ...]] = _BANK
    bank: Did
    currency: str
    holder_limit: int
    daily_limit: int
    name_en: str
    name_zh: str


class MsgIssueCash(Msg, frozen=True, tag="cash/MsgIssueCash"):
    """The issuing bank mints ``amount`` of its token to a KYC'd recipient (a deposit comes in)."""

    signer_field: ClassVar[str] = "bank"
    requires: ClassVar[tuple[Requirement, ...]] = _BANK
    bank: Did
    token_id: str
    recipient: Did
    amount: int


class MsgRedeemCash(Msg, frozen=True, tag="cash/MsgRedeemCash"):
    """A holder redeems ``amount`` at the issuing bank: the tokens are burnt (the deposit is paid out)."""

    signer_field: ClassVar[str] = "holder"
    holder: Did
    token_id: str
    amount: int


class MsgTransferCash(Msg, frozen=True, tag="cash/MsgTransferCash"):
    """A KYC'd holder sends ``amount`` to another KYC'd holder, within the token's limits."""

    signer_field: ClassVar[str] = "sender"
    requires: ClassVar[tuple[Requirement, ...]] = (Requirement("credential", KYC_CREDENTIAL),)
    sender: Did
    token_id: str
    recipient: Did
    amount: int


class MsgFreezeAccount(Msg, frozen=True, tag="cash/MsgFreezeAccount"):
    """The token's issuing bank or a regulator freezes a holder: it can neither send nor receive the token."""

    signer_field: ClassVar[str] = "authority"
    authority: Did
    token_id: str
    holder: Did
    reason: str


class MsgUnfreezeAccount(Msg, frozen=True, tag="cash/MsgUnfreezeAccount"):
    """The token's issuing bank or a regulator lifts a freeze."""

    signer_field: ClassVar[str] = "authority"
    authority: Did
    token_id: str
    holder: Did
    reason: str


class MsgForceTransfer(Msg, frozen=True, tag="cash/MsgForceTransfer"):
    """The issuing bank or a regulator moves a holder's tokens without its signature (e.g. a court order).

    Allowed from a frozen account; the recipient must still be compliant. ``reason`` is required.
    """

    signer_field: ClassVar[str] = "authority"
    authority: Did
    token_id: str
    holder: Did
    recipient: Did
    amount: int
    reason: str


class MsgSetLimits(Msg, frozen=True, tag="cash/MsgSetLimits"):
    """The issuing bank sets the per-holder balance limit and per-day transfer limit (0 = no limit)."""

    signer_field: ClassVar[str] = "bank"
    requires: ClassVar[tuple[Requirement, ...]] = _BANK
    bank: Did
    token_id: str
    holder_limit: int
    daily_limit: int


# --- predicates and checks ---------------------------------------------------------------------------------


def is_currency(text: str) -> bool:
    """True for a currency a deposit token may be issued in (see ``CURRENCY_DECIMALS``)."""
    return text in CURRENCY_DECIMALS


def is_token_id(text: str) -> bool:
    """True for the shape of a token id: three capitals, ``-``, then 1-72 of ``A-Za-z0-9-``."""
    return _TOKEN_ID.fullmatch(text) is not None


def is_amount(value: int) -> bool:
    """True for a positive amount of at most 2^53 - 1 minor units."""
    return 0 < value <= MAX_AMOUNT


def is_limit(value: int) -> bool:
    """True for a limit in 0..2^53 - 1 minor units (0 = no limit)."""
    return 0 <= value <= MAX_AMOUNT


def check_amount(amount: int) -> None:
    """Raise InvalidCashMessageError unless ``amount`` is in 1..2^53 - 1."""
    if not is_amount(amount):
        raise InvalidCashMessageError(f"amount must be 1..{MAX_AMOUNT} minor units, got {amount}")


def check_token_id(token_id: str) -> None:
    """Raise InvalidCashMessageError unless ``token_id`` is shaped like a token id."""
    if not is_token_id(token_id):
        raise InvalidCashMessageError(f"token_id {token_id!r} is not a token id like HKD-ef…")


def check_did(field: str, did: str) -> None:
    """Raise InvalidCashMessageError unless ``did`` is a did:bid."""
    if not is_did_bid(did):
        raise InvalidCashMessageError(f"{field} {did!r} is not a did:bid")


def _check_limits(holder_limit: int, daily_limit: int) -> None:
    if not is_limit(holder_limit) or not is_limit(daily_limit):
        raise InvalidCashMessageError(f"limits must be 0..{MAX_AMOUNT} minor units (0 = no limit)")


def _check_reason(reason: str, *, required: bool) -> None:
    if len(reason) > MAX_REASON_LENGTH or (required and not reason.strip()):
        low = 1 if required else 0
        raise InvalidCashMessageError(f"reason must be {low}-{MAX_REASON_LENGTH} characters")


def validate_create_token(msg: MsgCreateToken) -> None:
    """Stateless checks of MsgCreateToken."""
    if not is_currency(msg.currency):
        raise InvalidCashMessageError(
            f"currency {msg.currency!r} is not one of {', '.join(sorted(CURRENCY_DECIMALS))}"
        )
    _check_limits(msg.holder_limit, msg.daily_limit)
    if len(msg.name_en) > MAX_NAME_LENGTH or len(msg.name_zh) > MAX_NAME_LENGTH:
        raise InvalidCashMessageError(f"names are at most {MAX_NAME_LENGTH} characters")


def validate_issue_cash(msg: MsgIssueCash) -> None:
    """Stateless checks of MsgIssueCash."""
    check_token_id(msg.token_id)
    check_did("recipient", msg.recipient)
    check_amount(msg.amount)


def validate_redeem_cash(msg: MsgRedeemCash) -> None:
    """Stateless checks of MsgRedeemCash."""
    check_token_id(msg.token_id)
    check_amount(msg.amount)


def validate_transfer_cash(msg: MsgTransferCash) -> None:
    """Stateless checks of MsgTransferCash."""
    check_token_id(msg.token_id)
    check_did("recipient", msg.recipient)
    check_amount(msg.amount)
    if msg.recipient == msg.sender:
        raise InvalidCashMessageError("sender and recipient are the same account")


def validate_freeze_account(msg: MsgFreezeAccount) -> None:
    """Stateless checks of MsgFreezeAccount."""
    check_token_id(msg.token_id)
    check_did("holder", msg.holder)
    _check_reason(msg.reason, required=False)


def validate_unfreeze_account(msg: MsgUnfreezeAccount) -> None:
    """Stateless checks of MsgUnfreezeAccount."""
    check_token_id(msg.token_id)
    check_did("holder", msg.holder)
    _check_reason(msg.reason, required=False)


def validate_force_transfer(msg: MsgForceTransfer) -> None:
    """Stateless checks of MsgForceTransfer: a reason (e.g. the court order reference) is required."""
    check_token_id(msg.token_id)
    check_did("holder", msg.holder)
    check_did("recipient", msg.recipient)
    check_amount(msg.amount)
    if msg.recipient == msg.holder:
        raise InvalidCashMessageError("holder and recipient are the same account")
    _check_reason(msg.reason, required=True)


def validate_set_limits(msg: MsgSetLimits) -> None:
    """Stateless checks of MsgSetLimits."""
    check_token_id(msg.token_id)
    _check_limits(msg.holder_limit, msg.daily_limit)
