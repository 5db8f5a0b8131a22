"""Amounts typed and shown in major units (``1,000.50`` is HK$1,000.50), shared by the CLI groups that move
money or face amounts. Bad input exits with the usage code."""

from __future__ import annotations

from bayledger.cli.common import EXIT_USAGE, fail
from bayledger.sdk import cash as cb


def parse_major(text: str, currency: str) -> int:
    """``text`` in major units of ``currency`` as minor units; exits 2 for an unknown currency or text
    that is not a non-negative decimal with at most the currency's decimals."""
    if currency not in cb.CURRENCIES:
        fail(f"currency {currency!r} is not one of {', '.join(cb.CURRENCIES)}", EXIT_USAGE)
    try:
        return cb.parse_amount(text, cb.decimals_of(currency))
    except ValueError as exc:
        fail(f"amount {text!r} in {currency}: {exc}", EXIT_USAGE)
    raise AssertionError("unreachable")


def money_text(amount: int, decimals: int, currency: str) -> str:
    """Minor units as ``HKD 1,000.50``."""
    return f"{currency} {cb.format_amount(amount, decimals)}"
