"""Stateless field checks shared by the carbon messages; each raises InvalidCarbonMessageError."""

from __future__ import annotations

from itertools import pairwise

from bayledger.core.did import is_did_bid
from bayledger.core.finance import compute_day_of_date
from bayledger.core.finance.dates import parse_date
from bayledger.core.finance.errors import InvalidDateError
from bayledger.core.modules.carbon.errors import InvalidCarbonMessageError
from bayledger.core.modules.carbon.rules import MAX_AMOUNT, MAX_SERIAL_RANGES, is_batch_id, is_ref
from bayledger.core.modules.governance.msgs import is_jurisdiction


def check_text(field: str, text: str, low: int, high: int) -> None:
    """``text`` has ``low``..``high`` characters and is not blank when required."""
    if not low <= len(text) <= high or (low and not text.strip()):
        raise InvalidCarbonMessageError(f"{field} must be {low}-{high} characters")


def check_did(field: str, did: str) -> None:
    """``did`` is a did:bid."""
    if not is_did_bid(did):
        raise InvalidCarbonMessageError(f"{field} {did!r} is not a did:bid")


def check_ref(field: str, text: str) -> None:
    """``text`` is an external reference (1-128 of ``A-Za-z0-9._:-``)."""
    if not is_ref(text):
        raise InvalidCarbonMessageError(f"{field} {text!r} must be 1-128 of A-Za-z0-9._:-")


def check_jurisdiction(text: str) -> None:
    """``text`` is ISO 3166-1 alpha-2 or ISO 3166-2 (``HK``, ``CN-GD``)."""
    if not is_jurisdiction(text):
        raise InvalidCarbonMessageError(f"jurisdiction {text!r} is not an ISO 3166 code like HK or CN-GD")


def check_amount(amount: int) -> None:
    """``amount`` is 1..2^53 - 1 smallest units."""
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidCarbonMessageError(f"amount must be 1..{MAX_AMOUNT} smallest units, got {amount}")


def check_batch_id(batch_id: str) -> None:
    """``batch_id`` has the shape ``C01-001-20240101-20241231-001``."""
    if not is_batch_id(batch_id):
        raise InvalidCarbonMessageError(
            f"batch_id {batch_id!r} is not a batch id like C01-001-20240101-20241231-001"
        )


def compute_vintage_days(start: str, end: str) -> tuple[int, int]:
    """The vintage as days since 1970-01-01, ``[start, end]`` inclusive; raises on bad dates."""
    try:
        first, last = compute_day_of_date(parse_date(start)), compute_day_of_date(parse_date(end))
    except InvalidDateError as exc:
        raise InvalidCarbonMessageError(f"vintage: {exc.message}") from None
    if not 0 <= first <= last:
        raise InvalidCarbonMessageError(f"vintage {start}..{end}: from 1970-01-01 on, start <= end")
    return first, last


def check_date_period(start: str, end: str) -> None:
    """A vintage period of two ``YYYY-MM-DD`` dates, start <= end, not before 1970."""
    compute_vintage_days(start, end)


def check_serials(serials: list[tuple[int, int]], amount: int) -> None:
    """Named serial ranges are inclusive, ascending-safe, non-overlapping and add up to ``amount``."""
    if not serials:
        return
    if len(serials) > MAX_SERIAL_RANGES:
        raise InvalidCarbonMessageError(f"at most {MAX_SERIAL_RANGES} serial ranges")
    ordered = sorted(serials)
    for first, last in ordered:
        if not 1 <= first <= last <= MAX_AMOUNT:
            raise InvalidCarbonMessageError(f"serial range {first}-{last}: need 1 <= first <= last")
    for (_, last), (first, _) in pairwise(ordered):
        if first <= last:
            raise InvalidCarbonMessageError(f"serial ranges overlap at serial {first}")
    total = sum(last - first + 1 for first, last in ordered)
    if total != amount:
        raise InvalidCarbonMessageError(f"the serial ranges hold {total} units, amount is {amount}")


def check_retirement_fields(beneficiary: str, reason: str, jurisdiction: str) -> None:
    """A retirement names a beneficiary (1-256), may give a reason (<= 512) and has a jurisdiction."""
    check_text("beneficiary", beneficiary, 1, 256)
    check_text("reason", reason, 0, 512)
    check_jurisdiction(jurisdiction)
