"""Bond terms (ICMA Bond Data Taxonomy names on the wire), the sustainability-linked KPI, and their checks.

On the wire the terms use the lowerCamelCase form of the ICMA Bond Data Taxonomy (BDT v1.2) element names
where the BDT has one (``SpecifiedCurrency`` → ``specifiedCurrency``, ``AggregateNominalAmount``,
``SpecifiedDenomination``, ``IssuePrice``, ``IssueDate``, ``MaturityDate``, ``DayCountFraction``,
``BusinessDayConvention``, ``InterestPaymentFrequency``); the other fields (``cashTokenId``, ``holidays``,
``settlementLag``, ``recordDateOffset``, ``professionalOnly``, ``green``, ``frameworkId``, ``kpi``) are
bayledger extensions.
Values are bayledger's: amounts in minor units, the price in basis points of par, frequencies as payments a
year, day counts and business-day rules as named by :mod:`bayledger.core.finance`. See README.md.
"""

from __future__ import annotations

from fractions import Fraction

import msgspec

from bayledger.core.encoding import MAX_SAFE_INTEGER
from bayledger.core.finance import (
    BPS_PER_UNIT,
    MAX_RATE,
    CouponPeriod,
    compute_coupon_schedule,
    parse_date,
    parse_holidays,
    parse_rate,
    round_half_even,
    validate_day_count,
    validate_isin,
)
from bayledger.core.modules.bonds.errors import InvalidBondMessageError
from bayledger.core.modules.cash.msgs import is_currency, is_token_id

PAR_BPS = BPS_PER_UNIT  # an issue price of 10_000 basis points of par is par
MAX_ISSUE_PRICE_BPS = 2 * PAR_BPS
SETTLEMENT_LAGS: tuple[int, ...] = (0, 1)  # T+0 or T+1 business days after allocation
MAX_HOLIDAYS = 1_000
MAX_NAME_LENGTH = 256
MAX_UNIT_LENGTH = 32
AT_MOST, AT_LEAST = "at-most", "at-least"
KPI_DIRECTIONS: tuple[str, ...] = (AT_MOST, AT_LEAST)
BOND_ID_PREFIX = "BOND-"


class Kpi(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel", kw_only=True):
    """A sustainability-linked KPI: if at ``observationDate`` the observed value misses the target (above
    it for ``at-most``, below it for ``at-least``), every coupon period whose accrual starts on or after
    the observation date pays ``stepUpBps`` more."""

    name: str
    unit: str = ""
    direction: str
    target_value: int
    observation_date: str
    step_up_bps: int


class BondTerms(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel", kw_only=True):
    """The terms of a fixed-rate (or zero-coupon) bond as the issuer submits them (see module docstring)."""

    isin: str
    name_en: str
    name_zh: str = ""
    specified_currency: str
    cash_token_id: str
    aggregate_nominal_amount: int  # face amount, the total issue size, minor units
    specified_denomination: int  # minor units; the face amount and every bond amount are multiples
    issue_price: int = PAR_BPS  # basis points of par
    coupon_rate: int | str  # basis points (int) or a decimal-fraction string, as finance.parse_rate reads
    day_count_fraction: str
    interest_payment_frequency: int  # payments a year: 1, 2, 4, 12, or 0 for a zero-coupon bond
    business_day_convention: str
    holidays: list[str] = []
    issue_date: str  # also the interest commencement date
    maturity_date: str
    settlement_lag: int = 1  # business days from allocation to settlement: 0 (T+0) or 1 (T+1)
    record_date_offset: int = 0  # business days from the record date to the payment date
    end_of_month: bool = False
    professional_only: bool = False  # holders need a ProfessionalInvestorCredential besides KYC
    green: bool = False
    framework_id: str = ""
    kpi: Kpi | None = None


def compute_bond_id(isin: str) -> str:
    """The deterministic bond id of an ISIN: ``BOND-<ISIN>``."""
    return BOND_ID_PREFIX + isin


def compute_schedule(terms: BondTerms) -> list[CouponPeriod]:
    """The coupon periods of the terms (finance.compute_coupon_schedule); finance errors when unusable."""
    return compute_coupon_schedule(
        parse_date(terms.issue_date),
        parse_date(terms.maturity_date),
        terms.interest_payment_frequency,
        business_day_rule=terms.business_day_convention,
        holidays=parse_holidays(terms.holidays),
        record_offset_business_days=terms.record_date_offset,
        end_of_month=terms.end_of_month,
    )


def compute_price_cash(amount: int, price_bps: int) -> int:
    """Cash for ``amount`` face at ``price_bps`` basis points of par, rounded half-even to a minor unit."""
    return round_half_even(Fraction(amount * price_bps, PAR_BPS))


def is_kpi_missed(kpi: Kpi, observed_value: int) -> bool:
    """True when the observed value misses the KPI's target in its direction."""
    if kpi.direction == AT_MOST:
        return observed_value > kpi.target_value
    return observed_value < kpi.target_value


def _check_name(field: str, text: str, *, required: bool, limit: int = MAX_NAME_LENGTH) -> None:
    if len(text) > limit or (required and not text.strip()):
        raise InvalidBondMessageError(f"{field} must be {1 if required else 0}-{limit} characters")


def _check_amounts(terms: BondTerms) -> None:
    face, unit = terms.aggregate_nominal_amount, terms.specified_denomination
    if not 0 < unit <= face <= MAX_SAFE_INTEGER:
        raise InvalidBondMessageError(
            f"specifiedDenomination {unit} and aggregateNominalAmount {face} must satisfy "
            f"0 < denomination <= face <= {MAX_SAFE_INTEGER}"
        )
    if face % unit:
        raise InvalidBondMessageError(f"aggregateNominalAmount {face} is not a multiple of {unit}")
    if not 0 < terms.issue_price <= MAX_ISSUE_PRICE_BPS:
        raise InvalidBondMessageError(f"issuePrice must be 1..{MAX_ISSUE_PRICE_BPS} basis points of par")


def _check_kpi(kpi: Kpi, terms: BondTerms, rate: Fraction) -> None:
    _check_name("kpi.name", kpi.name, required=True)
    _check_name("kpi.unit", kpi.unit, required=False, limit=MAX_UNIT_LENGTH)
    if kpi.direction not in KPI_DIRECTIONS:
        raise InvalidBondMessageError(f"kpi.direction must be one of {KPI_DIRECTIONS}")
    if abs(kpi.target_value) > MAX_SAFE_INTEGER:
        raise InvalidBondMessageError(f"kpi.targetValue must be within ±{MAX_SAFE_INTEGER}")
    observed = parse_date(kpi.observation_date)
    if not parse_date(terms.issue_date) <= observed < parse_date(terms.maturity_date):
        raise InvalidBondMessageError("kpi.observationDate must be on or after issueDate and before maturity")
    if not 0 < kpi.step_up_bps <= PAR_BPS or rate + Fraction(kpi.step_up_bps, PAR_BPS) > MAX_RATE:
        raise InvalidBondMessageError("kpi.stepUpBps must be positive and keep the coupon rate at most 100%")
    if terms.interest_payment_frequency == 0:
        raise InvalidBondMessageError("a zero-coupon bond has no coupon to step up: it cannot carry a kpi")


def validate_terms(terms: BondTerms) -> list[CouponPeriod]:
    """Stateless checks of bond terms; returns the coupon schedule they give.

    Raises InvalidBondMessageError, or the finance errors (codespace ``finance``) for the ISIN, a date, the
    rate, the day count, the business-day rule, the frequency or the schedule.
    """
    validate_isin(terms.isin)
    _check_name("nameEn", terms.name_en, required=True)
    _check_name("nameZh", terms.name_zh, required=False)
    if not is_currency(terms.specified_currency):
        raise InvalidBondMessageError(f"specifiedCurrency {terms.specified_currency!r} is not supported")
    if not is_token_id(terms.cash_token_id):
        raise InvalidBondMessageError(f"cashTokenId {terms.cash_token_id!r} is not a deposit token id")
    _check_amounts(terms)
    rate = parse_rate(terms.coupon_rate)
    validate_day_count(terms.day_count_fraction)
    if len(terms.holidays) > MAX_HOLIDAYS:
        raise InvalidBondMessageError(f"at most {MAX_HOLIDAYS} holidays")
    if terms.settlement_lag not in SETTLEMENT_LAGS:
        raise InvalidBondMessageError(f"settlementLag must be one of {SETTLEMENT_LAGS} business days")
    schedule = compute_schedule(terms)
    if terms.interest_payment_frequency == 0 and rate != 0:
        raise InvalidBondMessageError("a zero-coupon bond (frequency 0) must have couponRate 0")
    if terms.green != bool(terms.framework_id):
        raise InvalidBondMessageError(
            "a green bond names its frameworkId; a bond that is not green names none"
        )
    if terms.kpi is not None:
        _check_kpi(terms.kpi, terms, rate)
    return schedule
