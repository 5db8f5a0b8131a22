"""The finance errors: message failures in codespace "finance" with codes that never change."""

from __future__ import annotations

import pytest

from bayledger.core.errors import MsgFailedError
from bayledger.core.finance import errors
from bayledger.core.finance.errors import (
    FinanceError,
    InvalidAmountError,
    InvalidDateError,
    InvalidFrequencyError,
    InvalidIsinError,
    InvalidPeriodError,
    InvalidRateError,
    InvalidScheduleError,
    UnknownBusinessDayRuleError,
    UnknownDayCountError,
    UnknownRoundingError,
)

# released codes: changing one breaks clients that switch on (codespace, code)
CODES: dict[type[FinanceError], int] = {
    FinanceError: 1,
    InvalidIsinError: 2,
    InvalidDateError: 3,
    InvalidRateError: 4,
    UnknownDayCountError: 5,
    UnknownBusinessDayRuleError: 6,
    InvalidFrequencyError: 7,
    InvalidScheduleError: 8,
    InvalidPeriodError: 9,
    InvalidAmountError: 10,
    UnknownRoundingError: 11,
}


@pytest.mark.parametrize(("error", "code"), CODES.items(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_codes_are_stable(error: type[FinanceError], code: int) -> None:
    assert issubclass(error, MsgFailedError)
    assert (error.codespace, error.code) == ("finance", code)


def test_every_error_is_listed_once() -> None:
    declared = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, FinanceError)
    }
    assert declared == set(CODES)
    assert len(set(CODES.values())) == len(CODES)


def test_to_dict_and_messages() -> None:
    assert UnknownDayCountError("ACT/365").to_dict() == {
        "codespace": "finance",
        "code": 5,
        "error": "UnknownDayCountError",
        "message": "unknown day-count convention 'ACT/365'",
    }
    assert "'nearest'" in UnknownBusinessDayRuleError("nearest").message
    assert "3" in InvalidFrequencyError(3).message
    assert "'half-up'" in UnknownRoundingError("half-up").message
