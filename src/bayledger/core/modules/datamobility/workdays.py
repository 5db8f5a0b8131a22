"""Working days for the GBA filing deadline: Monday to Friday, minus the zone's public holidays.

Pure arithmetic on dates; the "today" of a filing is the UTC+8 (Hong Kong / Beijing) calendar day of the
block time, never a clock. Holidays are the module setting (genesis, then ``MsgSetHolidays`` by a
regulator); a zone that lists none counts weekends only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta  # core-ok: calendar values only; no clock is ever read

from bayledger.core.finance.dates import add_business_days, is_business_day
from bayledger.core.types import TimestampMs

FILING_DEADLINE_WORKING_DAYS = 10
DAY_MS = 86_400_000
UTC8_OFFSET_MS = 8 * 3_600_000
_EPOCH = date(1970, 1, 1)


def compute_block_date(time_ms: TimestampMs) -> date:
    """The UTC+8 calendar date of a block time."""
    return _EPOCH + timedelta(days=(time_ms + UTC8_OFFSET_MS) // DAY_MS)


def count_working_days_after(start: date, end: date, holidays: Iterable[date]) -> int:
    """How many working days fall in ``(start, end]``: 0 when ``end`` is not after ``start``.

    Computed by whole weeks plus the remaining days, then minus the holidays in range that are weekdays,
    so it costs O(holidays), not O(days).
    """
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    for holiday in set(holidays):
        if start < holiday <= end and holiday.weekday() < 5:
            count -= 1
    return count


def compute_filing_deadline(effective: date, holidays: frozenset[date]) -> date:
    """The last day a filing is on time: 10 working days after the contract's effective date."""
    return add_business_days(effective, FILING_DEADLINE_WORKING_DAYS, holidays)


def is_filing_late(effective: date, filed: date, holidays: frozenset[date]) -> bool:
    """True when ``filed`` is after the 10th working day following ``effective``."""
    return filed > compute_filing_deadline(effective, holidays)


__all__ = [
    "FILING_DEADLINE_WORKING_DAYS",
    "compute_block_date",
    "compute_filing_deadline",
    "count_working_days_after",
    "is_business_day",
    "is_filing_late",
]
