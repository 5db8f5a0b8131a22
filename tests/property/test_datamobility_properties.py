"""Properties of the datamobility working-day arithmetic and the access log."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bayledger.core.finance.dates import is_business_day
from bayledger.core.modules.datamobility.workdays import (
    compute_block_date,
    count_working_days_after,
    is_filing_late,
)

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DATES, st.integers(min_value=-30, max_value=400), st.frozensets(DATES, max_size=20))
def test_working_days_match_a_day_by_day_count(start: date, span: int, holidays: frozenset[date]) -> None:
    end = start + timedelta(days=span)
    brute = sum(1 for n in range(1, span + 1) if is_business_day(start + timedelta(days=n), holidays))
    assert count_working_days_after(start, end, holidays) == brute


@settings(max_examples=200, deadline=None)
@given(DATES, st.integers(min_value=0, max_value=60), st.frozensets(DATES, max_size=20))
def test_late_exactly_after_the_tenth_working_day(start: date, span: int, holidays: frozenset[date]) -> None:
    filed = start + timedelta(days=span)
    tenth = next(
        start + timedelta(days=n)
        for n in range(1, 400)
        if is_business_day(start + timedelta(days=n), holidays)
        and count_working_days_after(start, start + timedelta(days=n), holidays) == 10
    )
    assert is_filing_late(start, filed, holidays) == (filed > tenth)


def test_block_date_is_the_utc8_day() -> None:
    assert compute_block_date(1_700_000_000_000).isoformat() == "2023-11-15"  # 22:13 UTC is 06:13 UTC+8
    assert compute_block_date(1_699_977_599_999).isoformat() == "2023-11-14"  # 23:59:59.999 UTC+8
    assert compute_block_date(1_699_977_600_000).isoformat() == "2023-11-15"
