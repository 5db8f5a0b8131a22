"""ISO 6166 International Securities Identification Numbers (ISIN).

An ISIN is 12 characters: a 2-letter prefix (ISO 3166 country code, or ``XS``/``EU``/... for international
securities), a 9-character alphanumeric national security identifier, and one check digit. The check digit
is computed by turning each letter into two digits (A=10 ... Z=35), then running the Luhn (mod 10)
algorithm over the resulting digit string, doubling every second digit starting from the rightmost.

Only upper-case ASCII is accepted: an ISIN on the wire is canonical, and ``us0378331005`` is refused rather
than silently upper-cased, so two spellings can never name one security.
"""

from __future__ import annotations

import re

from bayledger.core.finance.errors import InvalidIsinError

ISIN_LENGTH = 12
_BODY = re.compile(r"[A-Z]{2}[A-Z0-9]{9}")
_ISIN = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")


def _to_digits(text: str) -> str:
    """Replace each letter by its two-digit value (A=10 ... Z=35); digits stay as they are."""
    return "".join(ch if "0" <= ch <= "9" else str(ord(ch) - ord("A") + 10) for ch in text)


def _luhn_check_digit(digits: str) -> int:
    """The Luhn digit that makes ``digits + check`` pass: double every second digit from the right."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = ord(ch) - ord("0")
        if position % 2 == 0:  # rightmost digit of the payload sits next to the check digit: doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def compute_isin_check_digit(first11: str) -> str:
    """The ISO 6166 check digit (one character ``0``-``9``) of the first 11 characters of an ISIN.

    Raises :class:`InvalidIsinError` if ``first11`` is not 2 upper-case letters then 9 upper-case
    alphanumerics.
    """
    if not isinstance(first11, str) or _BODY.fullmatch(first11) is None:
        raise InvalidIsinError(
            f"{first11!r} is not an ISIN body: 2 upper-case letters then 9 upper-case letters or digits"
        )
    return str(_luhn_check_digit(_to_digits(first11)))


def get_isin_problem(text: object) -> str | None:
    """Why ``text`` is not a valid ISIN, as a human sentence, or ``None`` if it is valid."""
    if not isinstance(text, str):
        return f"an ISIN is a string, not {type(text).__name__}"
    if len(text) != ISIN_LENGTH:
        return f"an ISIN has {ISIN_LENGTH} characters, {text!r} has {len(text)}"
    if text != text.upper():
        return f"{text!r} is not upper case; ISINs are canonical upper-case ASCII"
    if _ISIN.fullmatch(text) is None:
        if not ("A" <= text[0] <= "Z" and "A" <= text[1] <= "Z"):
            return f"{text!r} must start with a 2-letter country prefix"
        if not ("0" <= text[11] <= "9"):
            return f"{text!r} must end with a check digit 0-9"
        return f"{text!r} contains characters other than A-Z and 0-9"
    expected = compute_isin_check_digit(text[:11])
    if text[11] != expected:
        return f"{text!r} has check digit {text[11]}, expected {expected}"
    return None


def is_valid_isin(text: object) -> bool:
    """Whether ``text`` is a well-formed upper-case ISIN whose check digit is correct."""
    return get_isin_problem(text) is None


def validate_isin(text: object) -> str:
    """Return ``text`` unchanged if it is a valid ISIN; raise :class:`InvalidIsinError` with the reason."""
    problem = get_isin_problem(text)
    if problem is not None or not isinstance(text, str):
        raise InvalidIsinError(problem or "an ISIN is a string")
    return text
