"""XML Schema date-times as VC 2.0 and Data Integrity use them, with no clock reads.

``validFrom``/``validUntil``/``expires`` are ``xsd:dateTimeStamp`` (a time zone is required); a proof's
``created`` is ``xsd:dateTime`` (time zone optional). Every comparison takes the caller's ``now``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?"
)


def _parse(text: str) -> tuple[datetime, bool]:
    if not isinstance(text, str):
        raise ValueError("a date-time is a string")
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an XML Schema dateTime")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0") if match["fraction"] else ""
    zone = match["zone"]
    iso = f"{match['date']}T{match['time']}" + (f".{fraction}" if fraction else "")
    iso += "+00:00" if zone == "Z" else (zone or "")
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid date-time: {error}") from None
    return parsed, zone is not None


def is_xsd_datetime(text: object) -> bool:
    """True when ``text`` is an ``xsd:dateTime`` (time zone optional), e.g. a proof's ``created``."""
    try:
        _parse(text)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def parse_datetime_stamp(text: str) -> datetime:
    """Parse an ``xsd:dateTimeStamp`` (time zone required) into an aware ``datetime``; ``ValueError`` else."""
    parsed, has_zone = _parse(text)
    if not has_zone:
        raise ValueError(f"{text!r} has no time zone (xsd:dateTimeStamp requires one)")
    return parsed


def format_datetime(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` in UTC for an aware ``datetime``."""
    require_aware(moment)
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def require_aware(moment: datetime) -> datetime:
    """Return ``moment``; raise ``ValueError`` when it is not a timezone-aware ``datetime``."""
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware datetime values (e.g. datetime(..., tzinfo=UTC))")
    return moment
