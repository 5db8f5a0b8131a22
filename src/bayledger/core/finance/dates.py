"""Civil dates, month arithmetic and business-day rules.

On the wire a date is an ISO 8601 calendar date ``YYYY-MM-DD`` (exactly 10 ASCII characters). Inside, it is a
:class:`datetime.date`, used only as a proleptic Gregorian calendar value: nothing here reads a clock
(``date.today()``/``datetime.now()`` are never called), so every result depends on the arguments alone.

A business day is a Monday to Friday that is not in the ``holidays`` set the caller passes (the calendar of a
bond is data, agreed at issue, never looked up at run time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta  # core-ok: calendar values only; no clock is ever read

from bayledger.core.finance.errors import InvalidDateError, UnknownBusinessDayRuleError

UNADJUSTED = "unadjusted"
FOLLOWING = "following"
MODIFIED_FOLLOWING = "modified-following"
PRECEDING = "preceding"
MODIFIED_PRECEDING = "modified-preceding"
BUSINESS_DAY_RULES: tuple[str, ...] = (
    UNADJUSTED,
    FOLLOWING,
    MODIFIED_FOLLOWING,
    PRECEDING,
    MODIFIED_PRECEDING,
)

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ONE_DAY = timedelta(days=1)


def parse_date(text: object) -> date:
    """Parse a strict ``YYYY-MM-DD`` string; raise :class:`InvalidDateError` for anything else.

    No time, no time zone, no week dates, no ordinal dates, no surrounding spaces, no 2-digit years.
    """
    if not isinstance(text, str):
        raise InvalidDateError(f"a date is a 'YYYY-MM-DD' string, not {type(text).__name__}")
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        raise InvalidDateError(f"{text!r} is not a date of the form YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidDateError(f"{text!r} is not a calendar date: {exc}") from None


def format_date(value: date) -> str:
    """The wire form ``YYYY-MM-DD`` of a date (the inverse of :func:`parse_date`)."""
    return value.isoformat()


def parse_holidays(texts: Iterable[object]) -> frozenset[date]:
    """A holiday calendar from its wire form, a list of ``YYYY-MM-DD`` strings (duplicates are harmless)."""
    return frozenset(parse_date(text) for text in texts)


def is_leap_year(year: int) -> bool:
    """Whether ``year`` has 366 days in the proleptic Gregorian calendar."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def get_days_in_month(year: int, month: int) -> int:
    """The number of days (28 to 31) in ``month`` (1-12) of ``year``."""
    if month == 2:
        return 29 if is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_end_of_month(value: date) -> bool:
    """Whether ``value`` is the last day of its month."""
    return value.day == get_days_in_month(value.year, value.month)


def add_months(value: date, months: int, *, end_of_month: bool = False) -> date:
    """``value`` moved by ``months`` calendar months (negative goes back).

    The day of month is kept, clamped to the length of the target month (31 Jan + 1 month = 28/29 Feb).
    With ``end_of_month=True`` and ``value`` the last day of its month, the result is the last day of the
    target month (28 Feb 2023 + 1 month = 31 Mar 2023, not 28 Mar). Raises :class:`InvalidDateError` if the
    result falls outside years 1-9999.
    """
    index = value.year * 12 + (value.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise InvalidDateError(f"{value.isoformat()} moved by {months} months leaves the calendar")
    last = get_days_in_month(year, month0 + 1)
    day = last if end_of_month and is_end_of_month(value) else min(value.day, last)
    return date(year, month0 + 1, day)


def add_calendar_days(value: date, days: int) -> date:
    """``value`` moved by ``days`` calendar days (negative goes back); InvalidDateError on overflow."""
    try:
        return value + timedelta(days=days)
    except OverflowError:
        raise InvalidDateError(f"{value.isoformat()} moved by {days} days leaves the calendar") from None


def _step(value: date, forward: bool) -> date:
    """The next (or previous) calendar day; :class:`InvalidDateError` at the edges of the calendar."""
    return add_calendar_days(value, 1 if forward else -1)


def is_business_day(value: date, holidays: frozenset[date]) -> bool:
    """Whether ``value`` is a Monday to Friday that is not in ``holidays``."""
    return value.weekday() < 5 and value not in holidays


def _roll(value: date, forward: bool, holidays: frozenset[date]) -> date:
    """The first business day on or after (``forward``) or on or before ``value``."""
    while not is_business_day(value, holidays):
        value = _step(value, forward)
    return value


def adjust(value: date, rule: str, holidays: frozenset[date]) -> date:
    """Adjust ``value`` to a business day by ``rule`` (ISDA 2006 §4.12 business day conventions).

    * ``unadjusted``: ``value`` itself, business day or not;
    * ``following``: the first business day on or after ``value``;
    * ``modified-following``: following, unless that falls in the next month, then preceding;
    * ``preceding``: the last business day on or before ``value``;
    * ``modified-preceding``: preceding, unless that falls in the previous month, then following.

    Raises :class:`UnknownBusinessDayRuleError` for any other rule.
    """
    if rule == UNADJUSTED:
        return value
    if rule == FOLLOWING:
        return _roll(value, True, holidays)
    if rule == PRECEDING:
        return _roll(value, False, holidays)
    if rule == MODIFIED_FOLLOWING:
        moved = _roll(value, True, holidays)
        return moved if moved.month == value.month else _roll(value, False, holidays)
    if rule == MODIFIED_PRECEDING:
        moved = _roll(value, False, holidays)
        return moved if moved.month == value.month else _roll(value, True, holidays)
    raise UnknownBusinessDayRuleError(rule)


def validate_business_day_rule(rule: object) -> str:
    """Return ``rule`` if it is one of :data:`BUSINESS_DAY_RULES`, else raise UnknownBusinessDayRuleError."""
    if not isinstance(rule, str) or rule not in BUSINESS_DAY_RULES:
        raise UnknownBusinessDayRuleError(rule)
    return rule


def add_business_days(value: date, days: int, holidays: frozenset[date]) -> date:
    """``value`` moved by ``days`` business days; negative goes back (a record date 5 business days before
    a payment date is ``add_business_days(payment, -5, holidays)``).

    Each step moves to the next (or previous) business day, so the result of a non-zero move is always a
    business day, even when ``value`` is not. ``days == 0`` returns ``value`` unchanged.
    """
    forward = days > 0
    for _ in range(abs(days)):
        value = _roll(_step(value, forward), forward, holidays)
    return value


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def compute_day_of_date(value: date) -> int:
    """Days since 1970-01-01 of a calendar date: the day numbers the modules store (a UTC+8 block day is
    ``cash.keeper.compute_day``)."""
    return value.toordinal() - EPOCH_ORDINAL


def compute_date_of_day(day: int) -> date:
    """The calendar date of a day number (days since 1970-01-01)."""
    return date.fromordinal(day + EPOCH_ORDINAL)
