"""Errors of the bond maths (codespace ``finance``). Codes never change once released.

A message handler that calls into :mod:`bayledger.core.finance` lets these propagate: they are
:class:`~bayledger.core.errors.MsgFailedError` subclasses, so the message fails with its code and its writes
roll back. As in the modules, the base class keeps code 1 (a generic finance failure, never raised itself)
and the concrete errors take 2, 3, ...
"""

from __future__ import annotations

from typing import ClassVar

from bayledger.core.errors import MsgFailedError

CODESPACE = "finance"


class FinanceError(MsgFailedError):
    """Base of the finance errors (code 1: generic, never raised directly)."""

    codespace: ClassVar[str] = CODESPACE
    code: ClassVar[int] = 1


class InvalidIsinError(FinanceError):
    """A string is not a well-formed ISO 6166 ISIN (length, characters, country prefix or check digit)."""

    code = 2


class InvalidDateError(FinanceError):
    """A date is not a strict ISO 8601 calendar date ``YYYY-MM-DD``, or date arithmetic left the calendar."""

    code = 3


class InvalidRateError(FinanceError):
    """A rate is not an accepted form (basis points int or decimal-fraction string) or is out of range."""

    code = 4


class UnknownDayCountError(FinanceError):
    """The day-count convention is not one of :data:`bayledger.core.finance.DAY_COUNT_CONVENTIONS`."""

    code = 5

    def __init__(self, convention: object) -> None:
        super().__init__(f"unknown day-count convention {convention!r}")


class UnknownBusinessDayRuleError(FinanceError):
    """The business-day rule is not one of :data:`bayledger.core.finance.BUSINESS_DAY_RULES`."""

    code = 6

    def __init__(self, rule: object) -> None:
        super().__init__(f"unknown business-day rule {rule!r}")


class InvalidFrequencyError(FinanceError):
    """A coupon frequency is not one of 0 (zero coupon), 1, 2, 4 or 12 payments a year."""

    code = 7

    def __init__(self, frequency: object) -> None:
        super().__init__(f"coupon frequency {frequency!r} is not one of 0, 1, 2, 4, 12")


class InvalidScheduleError(FinanceError):
    """Schedule inputs are unusable (maturity not after issue, negative record offset, too many periods)."""

    code = 8


class InvalidPeriodError(FinanceError):
    """An accrual period is unusable for a day count (end before start, missing or inconsistent reference
    period for ACT/ACT-ICMA)."""

    code = 9


class InvalidAmountError(FinanceError):
    """An amount, weight or holding is not a non-negative integer, or an allocation has nothing to weigh."""

    code = 10


class UnknownRoundingError(FinanceError):
    """The rounding rule is not one of :data:`bayledger.core.finance.ROUNDING_RULES`."""

    code = 11

    def __init__(self, rounding: object) -> None:
        super().__init__(f"unknown rounding rule {rounding!r}")
