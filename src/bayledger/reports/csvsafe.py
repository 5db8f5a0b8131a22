"""CSV cells a spreadsheet will not run: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with ``'`` (OWASP's advice against CSV formula injection); numbers stay numbers."""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?")


def csv_cell(value: object) -> str:
    """``value`` as CSV cell text, neutralised when a spreadsheet would read it as a formula."""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
