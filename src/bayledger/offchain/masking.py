"""Masking and de-identification profiles a grant names, as pure functions of a JSON record.

A record is a JSON object keyed by category (``{"identity": {...}, "credit_history": {...},
"address": {...}}``). :func:`apply_grant` keeps only the categories the grant covers, then applies the
profile. Profiles (``datamobility.checks.MASKING_PROFILES`` lists exactly these names):

* ``none`` — nothing changed beyond the category selection.
* ``mask-id-numbers`` — identity numbers, account and phone numbers keep their first and last character,
  every other letter or digit becomes ``*`` (``A123456(7)`` → ``A******(7)``). Field names match
  whatever their case (``HKID``, ``Phone``) and in the plural (``id_numbers``, ``phones``); a number
  stored as a JSON number is masked as its decimal text (``85291234567`` → ``"8*********7"``), and a list
  or object under such a field has every value in it masked.
* ``generalise-address`` — an address keeps only its district, city and region (a string address keeps
  its last two comma-separated parts).
* ``credit-summary`` — ``mask-id-numbers`` and ``generalise-address``, and the credit history is cut to its
  summary fields (score, grade, outstanding, delinquencies, open accounts, as-of date).
* ``de-identified`` — direct identifiers (names, numbers, contact, flat/building/street; matched as in
  ``mask-id-numbers``, any case, singular or plural) dropped, the address generalised to its district,
  date of birth cut to the year; what is left cannot name the person without other data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

ID_FIELDS = frozenset(
    {
        "hkid",
        "id_number",
        "resident_id",
        "passport_number",
        "account_number",
        "card_number",
        "phone",
        "mobile",
        "id_no",
        "national_id",
    }
)
DIRECT_IDENTIFIERS = frozenset(
    ID_FIELDS | {"name", "name_en", "name_zh", "full_name", "email", "street", "flat", "building"}
)
ADDRESS_KEEP = ("district", "city", "region", "country")
CREDIT_SUMMARY_FIELDS = frozenset(
    {"credit_score", "credit_grade", "total_outstanding", "delinquencies_12m", "accounts_open", "as_of"}
)
_ALNUM = re.compile(r"[A-Za-z0-9]")

Record = dict[str, Any]


def mask_identifier(value: str) -> str:
    """Keep the first and last letter/digit of ``value``; every letter or digit between becomes ``*``."""
    positions = [m.start() for m in _ALNUM.finditer(value)]
    if len(positions) <= 2:
        return _ALNUM.sub("*", value)
    keep = {positions[0], positions[-1]}
    return "".join("*" if i in positions and i not in keep else ch for i, ch in enumerate(value))


def field_name(key: str) -> str:
    """The name a field is matched by: lower case, a plural ``s`` dropped (``HKIDs`` → ``hkid``)."""
    lowered = key.lower()
    return lowered[:-1] if lowered.endswith("s") and lowered[:-1] in DIRECT_IDENTIFIERS else lowered


def mask_value(value: Any) -> Any:
    """Mask an identifier whatever its JSON type: strings and numbers (as text), and lists/objects of them.

    ``None`` and booleans carry no identifier and are kept.
    """
    if isinstance(value, str):
        return mask_identifier(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return mask_identifier(str(value))
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    return value


def _walk(value: Any, on_field: Callable[[str, Any], tuple[bool, Any]]) -> Any:
    """Rebuild nested dicts/lists; ``on_field(key, value)`` returns (keep, new value) for each field."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            keep, new = on_field(key, item)
            if keep:
                out[key] = _walk(new, on_field)
        return out
    if isinstance(value, list):
        return [_walk(item, on_field) for item in value]
    return value


def mask_id_numbers(record: Record) -> Record:
    """Mask every identity, account and phone number field, at any depth."""

    def on_field(key: str, value: Any) -> tuple[bool, Any]:
        if field_name(key) in ID_FIELDS:
            return True, mask_value(value)
        return True, value

    result: Record = _walk(record, on_field)
    return result


def generalise_address_value(value: Any) -> Any:
    """An address reduced to district/city/region/country (dict) or its last two parts (string)."""
    if isinstance(value, dict):
        return {k: value[k] for k in ADDRESS_KEEP if k in value}
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        return ", ".join(parts[-2:])
    return value


def generalise_address(record: Record) -> Record:
    """Generalise every ``address`` field and the ``address`` category."""

    def on_field(key: str, value: Any) -> tuple[bool, Any]:
        return True, generalise_address_value(value) if key.lower() == "address" else value

    result: Record = _walk(record, on_field)
    return result


def credit_summary(record: Record) -> Record:
    """Masked numbers, generalised address, and the credit history cut to its summary fields."""
    out = generalise_address(mask_id_numbers(record))
    history = out.get("credit_history")
    if isinstance(history, dict):
        out["credit_history"] = {k: v for k, v in history.items() if k in CREDIT_SUMMARY_FIELDS}
    return out


def de_identify(record: Record) -> Record:
    """Drop direct identifiers everywhere, generalise addresses, keep only the year of a date of birth."""

    def on_field(key: str, value: Any) -> tuple[bool, Any]:
        if field_name(key) in DIRECT_IDENTIFIERS:
            return False, None
        if key.lower() == "date_of_birth" and isinstance(value, str):
            return True, value[:4]
        return True, value

    result: Record = _walk(generalise_address(record), on_field)
    return result


PROFILES: dict[str, Callable[[Record], Record]] = {
    "none": lambda record: record,
    "mask-id-numbers": mask_id_numbers,
    "generalise-address": generalise_address,
    "credit-summary": credit_summary,
    "de-identified": de_identify,
}


def select_categories(record: Record, categories: Iterable[str]) -> Record:
    """Only the top-level categories the grant covers."""
    wanted = set(categories)
    return {key: value for key, value in record.items() if key in wanted}


def apply_grant(record: Record, categories: Iterable[str], profile: str) -> Record:
    """The payload a grant allows: the covered categories, masked by ``profile`` (KeyError if unknown)."""
    return PROFILES[profile](select_categories(record, categories))
