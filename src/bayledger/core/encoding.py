"""Canonical bytes.

Everything that is signed or hashed is the RFC 8785 (JCS) canonical JSON form. On the hot path we encode
with ``msgspec`` with sorted keys, which gives the same bytes as JCS when the value holds no floats, every
integer is below 2**53 and every key is ASCII; ``tests/property`` proves the equality against the
``rfc8785`` reference library. Values that break those conditions are encoded with ``rfc8785`` itself.
"""

from __future__ import annotations

import base64
from typing import Any

import msgspec
import rfc8785

_ENCODER = msgspec.json.Encoder(order="sorted")
MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalEncodingError(ValueError):
    """The value cannot be canonically encoded (a float, or an integer beyond the JSON safe range)."""


def is_fast_path_safe(value: Any) -> bool:
    """True when msgspec's sorted output is guaranteed to equal RFC 8785 for ``value``.

    Exact type checks (not isinstance) on purpose: a subclass of str or int could encode differently.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if kind is dict:
        for key, sub in value.items():
            if type(key) is not str or not key.isascii() or not is_fast_path_safe(sub):
                return False
        return True
    if kind is list or kind is tuple:
        return all(is_fast_path_safe(item) for item in value)
    return False


def encode_sorted(value: Any) -> bytes:
    """msgspec JSON with sorted keys: equal to RFC 8785 only when ``is_fast_path_safe`` holds."""
    return _ENCODER.encode(value)


def canonical_json(value: Any) -> bytes:
    """Return the RFC 8785 canonical JSON bytes of a JSON-like value (dicts, lists, str, int, bool, None).

    Floats are refused: money and quantities are integers in minor units.
    """
    if is_fast_path_safe(value):
        return _ENCODER.encode(value)
    _refuse_floats_and_big_ints(value)
    return rfc8785.dumps(value)


def _refuse_floats_and_big_ints(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            raise CanonicalEncodingError("floats are not allowed in canonical values")
        if isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_SAFE_INTEGER:
            raise CanonicalEncodingError(f"integer {item} exceeds 2**53-1; encode it as a decimal string")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def b64encode(data: bytes) -> str:
    """Standard base64 with padding, as used for keys and signatures on the wire."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict base64 decoding; raises ``ValueError`` on any non-alphabet character."""
    return base64.b64decode(text.encode("ascii"), validate=True)
