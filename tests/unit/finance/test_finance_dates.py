"""Civil dates: strict parsing, month arithmetic with end-of-month rules, business days and adjustments."""

from __future__ import annotations

from datetime import date

import pytest

from bayledger.core.finance import (
    BUSINESS_DAY_RULES,
    InvalidDateError,
    UnknownBusinessDayRuleError,
    add_business_days,
    add_calendar_days,
    add_months,
    adjust,
    format_date,
    get_days_in_month,
    is_business_day,
    is_end_of_month,
    is_leap_year,
    parse_date,
    parse_holidays,
    validate_business_day_rule,
)

# Hong Kong general holidays around Easter 2024 (Easter Sunday was 31 March 2024): Good Friday 29 Mar,
# the day following Good Friday 30 Mar, Easter Monday 1 Apr, Ching Ming Festival 4 Apr.
HK_EASTER_2024 = parse_holidays(["2024-03-29", "2024-03-30", "2024-04-01", "2024-04-04"])
NONE: frozenset[date] = frozenset()


def test_parse_and_format_round_trip() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("0001-01-01") == date(1, 1, 1)
    assert parse_date("9999-12-31") == date(9999, 12, 31)
    assert format_date(date(2024, 2, 9)) == "2024-02-09"
    assert format_date(date(1, 1, 1)) == "0001-01-01"


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29",  # not a leap year
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "0000-01-01",  # there is no year 0
        "2024-2-29",
        "20240229",
        "2024/02/29",
        "2024-02-29T00:00:00",
        "2024-02-29Z",
        " 2024-02-29",
        "2024-02-29\n",
        "２０２４-02-29",  # full-width digits
        "24-02-29",
        "",
    ],
)
def test_parse_date_is_strict(text: str) -> None:
    with pytest.raises(InvalidDateError) as caught:
        parse_date(text)
    assert (caught.value.codespace, caught.value.code) == ("finance", 3)


@pytest.mark.parametrize("value", [None, 20240229, date(2024, 2, 29), b"2024-02-29"])
def test_parse_date_wants_a_string(value: object) -> None:
    with pytest.raises(InvalidDateError, match="string"):
        parse_date(value)


def test_parse_holidays_refuses_a_bad_entry() -> None:
    assert parse_holidays(["2024-12-25", "2024-12-25"]) == frozenset({date(2024, 12, 25)})
    with pytest.raises(InvalidDateError):
        parse_holidays(["2024-12-25", "2024-12-32"])


def test_calendar_facts() -> None:
    assert [is_leap_year(y) for y in (1900, 2000, 2023, 2024)] == [False, True, False, True]
    lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert [get_days_in_month(2024, m) for m in range(1, 13)] == lengths
    assert get_days_in_month(2023, 2) == 28
    assert is_end_of_month(date(2024, 2, 29)) and not is_end_of_month(date(2024, 2, 28))
    assert is_end_of_month(date(2023, 2, 28)) and is_end_of_month(date(2024, 4, 30))


@pytest.mark.parametrize(
    ("start", "months", "eom", "expected"),
    [
        (date(2024, 1, 15), 1, False, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, False, date(2024, 2, 29)),  # clamped to the shorter month
        (date(2023, 1, 31), 1, False, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, False, date(2025, 2, 28)),
        (date(2024, 2, 29), 1, False, date(2024, 3, 29)),  # day kept without the end-of-month rule
        (date(2024, 2, 29), 1, True, date(2024, 3, 31)),  # last day stays last day with it
        (date(2023, 4, 30), 1, True, date(2023, 5, 31)),
        (date(2023, 4, 29), 1, True, date(2023, 5, 29)),  # not the last day: the rule does not apply
        (date(2024, 3, 31), -1, False, date(2024, 2, 29)),
        (date(2024, 1, 15), -13, False, date(2022, 12, 15)),
        (date(2024, 11, 30), 3, True, date(2025, 2, 28)),
        (date(2024, 8, 31), -6, False, date(2024, 2, 29)),
        (date(2024, 5, 17), 0, True, date(2024, 5, 17)),
    ],
)
def test_add_months(start: date, months: int, eom: bool, expected: date) -> None:
    assert add_months(start, months, end_of_month=eom) == expected


@pytest.mark.parametrize(("start", "months"), [(date(9999, 12, 15), 1), (date(1, 1, 1), -1)])
def test_add_months_outside_the_calendar(start: date, months: int) -> None:
    with pytest.raises(InvalidDateError, match="leaves the calendar"):
        add_months(start, months)


def test_add_calendar_days() -> None:
    assert add_calendar_days(date(2024, 2, 28), 2) == date(2024, 3, 1)
    assert add_calendar_days(date(2024, 3, 1), -1) == date(2024, 2, 29)
    with pytest.raises(InvalidDateError):
        add_calendar_days(date(9999, 12, 31), 1)


def test_business_days() -> None:
    assert is_business_day(date(2024, 3, 28), HK_EASTER_2024)  # Thursday
    assert not is_business_day(date(2024, 3, 29), HK_EASTER_2024)  # Good Friday
    assert is_business_day(date(2024, 3, 29), NONE)
    assert not is_business_day(date(2024, 3, 30), NONE)  # Saturday
    assert not is_business_day(date(2024, 3, 31), NONE)  # Sunday


@pytest.mark.parametrize(
    ("day", "rule", "holidays", "expected"),
    [
        # Saturday 31 Aug 2024: following leaves the month, so modified-following goes back to Friday 30th
        (date(2024, 8, 31), "unadjusted", NONE, date(2024, 8, 31)),
        (date(2024, 8, 31), "following", NONE, date(2024, 9, 2)),
        (date(2024, 8, 31), "modified-following", NONE, date(2024, 8, 30)),
        (date(2024, 8, 31), "preceding", NONE, date(2024, 8, 30)),
        (date(2024, 8, 31), "modified-preceding", NONE, date(2024, 8, 30)),
        # Saturday 1 Jun 2024: preceding leaves the month, so modified-preceding goes forward to Monday 3rd
        (date(2024, 6, 1), "preceding", NONE, date(2024, 5, 31)),
        (date(2024, 6, 1), "modified-preceding", NONE, date(2024, 6, 3)),
        (date(2024, 6, 1), "modified-following", NONE, date(2024, 6, 3)),
        # Good Friday 29 Mar 2024 in Hong Kong: Sat 30 holiday, Sun 31, Mon 1 Apr holiday -> Tue 2 Apr
        (date(2024, 3, 29), "following", HK_EASTER_2024, date(2024, 4, 2)),
        (date(2024, 3, 29), "modified-following", HK_EASTER_2024, date(2024, 3, 28)),
        (date(2024, 3, 29), "preceding", HK_EASTER_2024, date(2024, 3, 28)),
        (date(2024, 4, 1), "modified-preceding", HK_EASTER_2024, date(2024, 4, 2)),
        # a business day never moves
        (date(2024, 3, 28), "following", HK_EASTER_2024, date(2024, 3, 28)),
        (date(2024, 3, 28), "modified-preceding", HK_EASTER_2024, date(2024, 3, 28)),
    ],
)
def test_adjust(day: date, rule: str, holidays: frozenset[date], expected: date) -> None:
    assert adjust(day, rule, holidays) == expected


@pytest.mark.parametrize("rule", ["nearest", "Following", "modified following", "", None])
def test_unknown_business_day_rule(rule: object) -> None:
    with pytest.raises(UnknownBusinessDayRuleError) as caught:
        adjust(date(2024, 8, 31), rule, NONE)  # type: ignore[arg-type]
    assert (caught.value.codespace, caught.value.code) == ("finance", 6)
    with pytest.raises(UnknownBusinessDayRuleError):
        validate_business_day_rule(rule)


def test_known_business_day_rules() -> None:
    assert BUSINESS_DAY_RULES == (
        "unadjusted",
        "following",
        "modified-following",
        "preceding",
        "modified-preceding",
    )
    assert all(validate_business_day_rule(rule) == rule for rule in BUSINESS_DAY_RULES)


def test_add_business_days_across_hong_kong_easter() -> None:
    # Mon 8 Apr 2024 back 5 business days: Fri 5 (1), Thu 4 Ching Ming skipped, Wed 3 (2), Tue 2 (3),
    # Mon 1 / Sun 31 / Sat 30 / Fri 29 skipped, Thu 28 Mar (4), Wed 27 Mar (5).
    assert add_business_days(date(2024, 4, 8), -5, HK_EASTER_2024) == date(2024, 3, 27)
    assert add_business_days(date(2024, 3, 27), 5, HK_EASTER_2024) == date(2024, 4, 8)
    assert add_business_days(date(2024, 3, 28), 1, HK_EASTER_2024) == date(2024, 4, 2)
    # without holidays only the weekend is skipped
    assert add_business_days(date(2024, 4, 8), -5, NONE) == date(2024, 4, 1)


def test_add_business_days_from_a_non_business_day() -> None:
    saturday = date(2024, 3, 30)
    assert add_business_days(saturday, 0, HK_EASTER_2024) == saturday  # zero never moves
    assert add_business_days(saturday, 1, HK_EASTER_2024) == date(2024, 4, 2)
    assert add_business_days(saturday, -1, HK_EASTER_2024) == date(2024, 3, 28)
