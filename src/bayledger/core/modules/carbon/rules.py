"""Constants, id shapes and predicates of the carbon registry, and quantity text conversion.

Ids are deterministic (DESIGN.md §3): class ``C01`` (type abbreviation + a per-type sequence), project
``C01-001`` (class + a per-class sequence), batch ``C01-001-20240101-20241231-001`` (project, vintage
start and end, a per-project sequence), and per batch ``RET-<batch>-0001`` (retirement),
``CAN-<batch>-0001`` (cancellation), ``ESC-<batch>-0001`` (escrow).
"""

from __future__ import annotations

import re

from bayledger.core.encoding import MAX_SAFE_INTEGER
from bayledger.core.finance import ungroup_decimal
from bayledger.core.modules.carbon.errors import InvalidCarbonMessageError, PrecisionExceededError

CARBON_VERIFIER_CREDENTIAL = "CarbonVerifierCredential"
REGISTRAR_ROLE = "carbon-registrar"
REGULATOR_ROLE = "regulator"
MAX_AMOUNT = MAX_SAFE_INTEGER
MAX_ISSUERS = 32
MAX_DOCUMENTS = 16
MAX_ISSUANCE_ENTRIES = 64
MAX_SERIAL_RANGES = 64
VERIFIED_QUANTITY_KEY = "verified_quantity"  # report anchor metadata: decimal text in the type's unit

STATUS_TRADABLE = "tradable"
STATUS_ESCROWED = "escrowed"
STATUS_RETIRED = "retired"
STATUS_CANCELLED = "cancelled"
STATUSES = (STATUS_TRADABLE, STATUS_ESCROWED, STATUS_RETIRED, STATUS_CANCELLED)

AUTHORIZATIONS = ("unauthorized", "ndc", "oimp")  # Art. 6.2: for NDC use / other international purposes
ADJUSTMENT_STATUSES = ("not-required", "pending", "applied")

_ABBREVIATION = re.compile(r"[A-Z]{1,3}")
_CLASS_ID = re.compile(r"[A-Z]{1,3}[0-9]{2,6}")
_PROJECT_ID = re.compile(r"[A-Z]{1,3}[0-9]{2,6}-[0-9]{3,6}")
_BATCH_ID = re.compile(r"[A-Z]{1,3}[0-9]{2,6}-[0-9]{3,6}-[0-9]{8}-[0-9]{8}-[0-9]{3,6}")
_RECORD_ID = re.compile(
    r"(RET|CAN|ESC)-([A-Z]{1,3}[0-9]{2,6}-[0-9]{3,6}-[0-9]{8}-[0-9]{8}-[0-9]{3,6})-[0-9]{4,8}"
)
_REGISTRY = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_HASH = re.compile(r"[0-9a-f]{64}")
_QUANTITY = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]*))?")


def is_abbreviation(text: str) -> bool:
    """True for a credit type abbreviation: 1-3 capital letters (``C``, ``BIO``)."""
    return _ABBREVIATION.fullmatch(text) is not None


def is_class_id(text: str) -> bool:
    """True for a class id such as ``C01``."""
    return _CLASS_ID.fullmatch(text) is not None


def is_project_id(text: str) -> bool:
    """True for a project id such as ``C01-001``."""
    return _PROJECT_ID.fullmatch(text) is not None


def is_batch_id(text: str) -> bool:
    """True for a batch id such as ``C01-001-20240101-20241231-001``."""
    return _BATCH_ID.fullmatch(text) is not None


def is_escrow_id(text: str) -> bool:
    """True for an escrow id such as ``ESC-C01-001-20240101-20241231-001-0001``."""
    match = _RECORD_ID.fullmatch(text)
    return match is not None and match.group(1) == "ESC"


def batch_of_record_id(record_id: str) -> str:
    """The batch id inside a retirement, cancellation or escrow id ("" when it is none of them)."""
    match = _RECORD_ID.fullmatch(record_id)
    return "" if match is None else match.group(2)


def is_registry(text: str) -> bool:
    """True for a registry name: 1-32 of ``a-z0-9-`` (``verra``, ``gold-standard``, ``ccer``)."""
    return _REGISTRY.fullmatch(text) is not None


def is_ref(text: str) -> bool:
    """True for an external reference: 1-128 of ``A-Za-z0-9._:-``, starting alphanumeric."""
    return _REF.fullmatch(text) is not None


def is_hash(text: str) -> bool:
    """True for 64 lower-case hex digits (a SHA-256 or SM3 digest)."""
    return _HASH.fullmatch(text) is not None


def compute_units_per_credit(precision: int) -> int:
    """Smallest units in one whole credit of a type with ``precision`` decimals (``10**precision``)."""
    return int(10**precision)


def parse_quantity(text: str, precision: int) -> int:
    """Decimal text in the type's unit (``"1250.5"`` tCO2e) as smallest units (``1250500`` at precision 3).

    Raises PrecisionExceededError (``carbon/12``) for more decimals than ``precision`` and
    InvalidCarbonMessageError (``carbon/2``) for text that is not a non-negative decimal or too large.
    """
    plain = ungroup_decimal(text)  # "1,5" is refused, never read as 15
    match = None if plain is None else _QUANTITY.fullmatch(plain)
    if match is None:
        raise InvalidCarbonMessageError(f"quantity {text!r} is not a non-negative decimal number")
    whole, frac = str(match["whole"]), str(match["frac"] or "").rstrip("0")
    if len(frac) > precision:
        raise PrecisionExceededError(text, precision)
    value = int(whole) * compute_units_per_credit(precision) + int(frac.ljust(precision, "0") or "0")
    if value > MAX_AMOUNT:
        raise InvalidCarbonMessageError(f"quantity {text!r} exceeds {MAX_AMOUNT} smallest units")
    return value


def format_quantity(units: int, precision: int) -> str:
    """Smallest units as decimal text in the type's unit with separators: ``1250500`` → ``"1,250.500"``."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), compute_units_per_credit(precision))
    return f"{sign}{whole:,}" + (f".{frac:0{precision}d}" if precision else "")
