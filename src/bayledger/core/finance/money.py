"""Rates, coupon amounts, rounding and exact allocation of integer minor units.

Amounts are ``int`` minor units (cents, fen); rates and year fractions are exact :class:`fractions.Fraction`.
Nothing is rounded until the final amount, and then by a named rule:

* ``half-even`` (:func:`round_half_even`): to the nearest integer, ties to the even one (2.5 -> 2, 3.5 -> 4);
* ``down`` (:func:`round_down`): toward zero (2.9 -> 2, -2.9 -> -2), like ``decimal.ROUND_DOWN``.

A rate on the wire is either a JSON **integer of basis points** (``405`` = 4.05% = 405/10000) or a JSON
**string holding a decimal fraction** (``"0.0405"`` = 4.05%). Percent strings (``"4.05%"``), exponents,
signs, spaces and floats are refused. Rates are between 0 and 1 (100% a year) inclusive.
"""

from __future__ import annotations

import re
from fractions import Fraction

from bayledger.core.finance.errors import InvalidAmountError, InvalidRateError, UnknownRoundingError

HALF_EVEN = "half-even"
DOWN = "down"
ROUNDING_RULES: tuple[str, ...] = (HALF_EVEN, DOWN)
BPS_PER_UNIT = 10_000
MAX_RATE = Fraction(1)  # 100% a year
MAX_RATE_DECIMALS = 12  # "0.040500000000" at most; more digits are refused, not rounded

_DECIMAL_RATE = re.compile(rf"(0|[1-9][0-9]*)(?:\.([0-9]{{1,{MAX_RATE_DECIMALS}}}))?")


def round_half_even(value: Fraction) -> int:
    """``value`` rounded to the nearest integer, exact ties to the even neighbour (banker's rounding)."""
    floor, remainder = divmod(value.numerator, value.denominator)  # 0 <= remainder < denominator
    twice = 2 * remainder
    if twice > value.denominator or (twice == value.denominator and floor % 2 == 1):
        return floor + 1
    return floor


def round_down(value: Fraction) -> int:
    """``value`` truncated toward zero (``ROUND_DOWN``): 7/2 -> 3 and -7/2 -> -3."""
    magnitude = abs(value.numerator) // value.denominator
    return magnitude if value.numerator >= 0 else -magnitude


def compute_rounded(value: Fraction, rounding: str) -> int:
    """``value`` rounded by the named rule (:data:`ROUNDING_RULES`); UnknownRoundingError otherwise."""
    if rounding == HALF_EVEN:
        return round_half_even(value)
    if rounding == DOWN:
        return round_down(value)
    raise UnknownRoundingError(rounding)


def parse_rate(value: object) -> Fraction:
    """An annual rate from its wire form: ``int`` basis points or a decimal-fraction ``str``.

    ``405`` and ``"0.0405"`` both give ``Fraction(81, 2000)``. Raises :class:`InvalidRateError` for a bool,
    float, negative value, a value above 100%, more than :data:`MAX_RATE_DECIMALS` decimals, or any other
    spelling (``"4.05%"``, ``".05"``, ``"5e-2"``, ``"+0.05"``, ``" 0.05"``).
    """
    if isinstance(value, bool):
        raise InvalidRateError("a rate is basis points (integer) or a decimal string, not a boolean")
    if isinstance(value, int):
        rate = Fraction(value, BPS_PER_UNIT)
    elif isinstance(value, str):
        match = _DECIMAL_RATE.fullmatch(value)
        if match is None:
            raise InvalidRateError(
                f"{value!r} is not a decimal fraction such as '0.0405' "
                f"(digits, optional '.', at most {MAX_RATE_DECIMALS} decimals; no %, sign or exponent)"
            )
        whole, decimals = match.group(1), match.group(2) or ""
        rate = Fraction(int(whole + decimals), 10 ** len(decimals))
    else:
        kind = type(value).__name__
        raise InvalidRateError(f"a rate is basis points (integer) or a decimal string, not {kind}")
    if not 0 <= rate <= MAX_RATE:
        raise InvalidRateError(f"rate {value!r} is outside 0 to 100% a year")
    return rate


def format_rate(rate: Fraction) -> str:
    """The decimal-fraction wire form of a rate (``Fraction(81, 2000)`` -> ``"0.0405"``).

    The inverse of :func:`parse_rate` for strings. Raises :class:`InvalidRateError` for a rate outside 0..1
    or one whose decimal expansion needs more than :data:`MAX_RATE_DECIMALS` places (``1/3``).
    """
    if not 0 <= rate <= MAX_RATE:
        raise InvalidRateError(f"rate {rate} is outside 0 to 100% a year")
    scale = 0
    while 10**scale % rate.denominator != 0:
        scale += 1
        if scale > MAX_RATE_DECIMALS:
            raise InvalidRateError(f"{rate} has no decimal form of at most {MAX_RATE_DECIMALS} places")
    digits = str(rate.numerator * 10**scale // rate.denominator).rjust(scale + 1, "0")
    return digits if scale == 0 else f"{digits[:-scale]}.{digits[-scale:]}"


def _require_amount(value: object, what: str) -> int:
    """``value`` if it is a non-negative ``int`` (not a bool), else raise InvalidAmountError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidAmountError(f"{what} must be a non-negative integer, not {value!r}")
    return value


def compute_coupon_amount(face_minor: int, rate: Fraction, year_fraction: Fraction, rounding: str) -> int:
    """The coupon in minor units: ``face_minor x rate x year_fraction``, rounded once by ``rounding``.

    Raises :class:`InvalidAmountError` (negative face), :class:`InvalidRateError` (rate outside 0..1),
    :class:`UnknownRoundingError`, or InvalidAmountError for a negative year fraction.
    """
    _require_amount(face_minor, "face amount")
    if not 0 <= rate <= MAX_RATE:
        raise InvalidRateError(f"rate {rate} is outside 0 to 100% a year")
    if year_fraction < 0:
        raise InvalidAmountError(f"year fraction {year_fraction} is negative")
    return compute_rounded(face_minor * rate * year_fraction, rounding)


def allocate_pro_rata(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` minor units in proportion to ``weights`` so the shares sum exactly to ``total``.

    Largest-remainder (Hamilton) method: each key first gets ``floor(total x w / W)``; the units left over
    (fewer than the number of keys) go one each to the largest remainders, ties broken by the larger weight,
    then by key in ascending code-point order (never by dict insertion order, which a JSON decoder may not
    preserve). Each share is within 1 of the exact share. The result lists keys in ascending order.
    Raises :class:`InvalidAmountError` for a negative total or weight, or a positive total with zero weights.
    """
    _require_amount(total, "total")
    for key, weight in weights.items():
        _require_amount(weight, f"weight of {key!r}")
    whole = sum(weights.values())
    keys = sorted(weights)
    if whole == 0:
        if total:
            raise InvalidAmountError(f"cannot allocate {total} over weights that sum to 0")
        return {key: 0 for key in keys}
    shares: dict[str, int] = {}
    remainders: dict[str, int] = {}
    for key in keys:
        shares[key], remainders[key] = divmod(total * weights[key], whole)
    left = total - sum(shares.values())
    for key in sorted(keys, key=lambda k: (-remainders[k], -weights[k], k))[:left]:
        shares[key] += 1
    return shares


def split_with_remainder(
    total_minor: int, holdings: dict[str, int], per_unit: Fraction
) -> tuple[dict[str, int], int]:
    """Pay each holder ``round_down(holding x per_unit)`` out of ``total_minor``; return the payments (keys
    ascending) and the undistributed remainder ``total_minor - sum(payments)``.

    For a coupon, ``per_unit`` is the exact coupon of one unit (``unit_face x rate x year_fraction``) and
    ``total_minor`` what the issuer funded; the remainder (never negative) stays explicit, it is not
    silently spread. Raises :class:`InvalidAmountError` for negative inputs or if the payments would exceed
    ``total_minor``.
    """
    _require_amount(total_minor, "total")
    if per_unit < 0:
        raise InvalidAmountError(f"amount per unit {per_unit} is negative")
    payments = {
        key: round_down(_require_amount(holdings[key], f"holding of {key!r}") * per_unit)
        for key in sorted(holdings)
    }
    paid = sum(payments.values())
    if paid > total_minor:
        raise InvalidAmountError(f"holders are owed {paid} but only {total_minor} was funded")
    return payments, total_minor - paid


_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def ungroup_decimal(text: str) -> str | None:
    """Decimal text a person typed, without its thousands separators: ``"1,250.5"`` → ``"1250.5"``;
    text without commas is returned stripped. None when commas are not thousands groups (``"1,5"`` is
    a decimal comma, never 15; ``"1,,0"``, ``"12,50"``) or when ``_`` appears."""
    text = text.strip()
    if "_" in text:
        return None
    if "," not in text:
        return text
    return text.replace(",", "") if _GROUPED.fullmatch(text) else None
