"""Message builders of the cash module (deposit tokens), and amount conversion for people.

Every builder returns the JSON object a tx body carries (``{"type": "cash/Msg…", …fields}``), built through
the structs of ``core/modules/cash/msgs.py``. Amounts on chain are integers in the currency's minor units;
:func:`parse_amount` and :func:`format_amount` convert from and to decimal text without floats.

>>> hkd = token_id("HKD", bank.did)
>>> bank.send(issue_cash(bank.did, hkd, alice_did, parse_amount("50000.00", 2)))
"""

from __future__ import annotations

import re
from typing import Any

from bayledger.core.finance import ungroup_decimal
from bayledger.core.modules.cash.msgs import (
    CURRENCY_DECIMALS,
    MsgCreateToken,
    MsgForceTransfer,
    MsgFreezeAccount,
    MsgIssueCash,
    MsgRedeemCash,
    MsgSetLimits,
    MsgTransferCash,
    MsgUnfreezeAccount,
)
from bayledger.core.modules.cash.state import compute_token_id
from bayledger.sdk.builders import msg_to_dict

CURRENCIES = tuple(sorted(CURRENCY_DECIMALS))
_DECIMAL = re.compile(r"(?P<whole>\d+)(?:\.(?P<frac>\d*))?")


def token_id(currency: str, bank: str) -> str:
    """The id of ``bank``'s deposit token of ``currency`` (``HKD-<bank DID suffix>``)."""
    return compute_token_id(currency, bank)


def decimals_of(currency: str) -> int:
    """The minor-unit exponent of a supported currency (HKD 2, JPY 0); KeyError for others."""
    return CURRENCY_DECIMALS[currency]


def parse_amount(text: str, decimals: int) -> int:
    """Decimal text in major units (``"1,234.5"``, ``"1000"``) as minor units (``123450``); ValueError
    for negative, malformed or over-precise input (``"0.001"`` for HKD)."""
    plain = ungroup_decimal(text)  # "1,5" is refused, never read as 15
    match = None if plain is None else _DECIMAL.fullmatch(plain)
    if match is None:
        raise ValueError(f"amount {text!r} is not a non-negative decimal number")
    whole, frac = str(match["whole"]), str(match["frac"] or "").rstrip("0")
    if len(frac) > decimals:
        raise ValueError(f"amount {text!r} has more than {decimals} decimal places")
    scale: int = 10**decimals
    return int(whole) * scale + int(frac.ljust(decimals, "0") or "0")


def format_amount(minor: int, decimals: int) -> str:
    """Minor units as decimal text in major units with thousands separators: ``123450`` → ``"1,234.50"``."""
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**decimals)
    return f"{sign}{whole:,}" + (f".{frac:0{decimals}d}" if decimals else "")


def create_token(
    bank: str,
    currency: str,
    *,
    holder_limit: int = 0,
    daily_limit: int = 0,
    name_en: str = "",
    name_zh: str = "",
) -> dict[str, Any]:
    """``cash/MsgCreateToken``: the bank's deposit token of ``currency`` (limits in minor units, 0 = none)."""
    return msg_to_dict(
        MsgCreateToken(
            bank=bank,
            currency=currency,
            holder_limit=holder_limit,
            daily_limit=daily_limit,
            name_en=name_en,
            name_zh=name_zh,
        )
    )


def issue_cash(bank: str, token: str, recipient: str, amount: int) -> dict[str, Any]:
    """``cash/MsgIssueCash``: the issuing bank mints ``amount`` minor units to a KYC'd recipient."""
    return msg_to_dict(MsgIssueCash(bank=bank, token_id=token, recipient=recipient, amount=amount))


def redeem_cash(holder: str, token: str, amount: int) -> dict[str, Any]:
    """``cash/MsgRedeemCash``: the holder's tokens are burnt at the issuing bank."""
    return msg_to_dict(MsgRedeemCash(holder=holder, token_id=token, amount=amount))


def transfer_cash(sender: str, token: str, recipient: str, amount: int) -> dict[str, Any]:
    """``cash/MsgTransferCash``: send ``amount`` minor units to another KYC'd holder."""
    return msg_to_dict(MsgTransferCash(sender=sender, token_id=token, recipient=recipient, amount=amount))


def freeze_account(authority: str, token: str, holder: str, reason: str = "") -> dict[str, Any]:
    """``cash/MsgFreezeAccount``: by the token's issuing bank or a regulator."""
    return msg_to_dict(MsgFreezeAccount(authority=authority, token_id=token, holder=holder, reason=reason))


def unfreeze_account(authority: str, token: str, holder: str, reason: str = "") -> dict[str, Any]:
    """``cash/MsgUnfreezeAccount``: by the token's issuing bank or a regulator."""
    return msg_to_dict(MsgUnfreezeAccount(authority=authority, token_id=token, holder=holder, reason=reason))


def force_transfer(
    authority: str, token: str, holder: str, recipient: str, amount: int, reason: str
) -> dict[str, Any]:
    """``cash/MsgForceTransfer``: move a (possibly frozen) holder's tokens; ``reason`` is required."""
    return msg_to_dict(
        MsgForceTransfer(
            authority=authority,
            token_id=token,
            holder=holder,
            recipient=recipient,
            amount=amount,
            reason=reason,
        )
    )


def set_limits(bank: str, token: str, holder_limit: int, daily_limit: int) -> dict[str, Any]:
    """``cash/MsgSetLimits``: per-holder balance and per-day transfer limits in minor units (0 = none)."""
    return msg_to_dict(
        MsgSetLimits(bank=bank, token_id=token, holder_limit=holder_limit, daily_limit=daily_limit)
    )
