"""Encoding of state records: canonical JSON (sorted keys) of frozen ``msgspec`` structs.

Records are small, ASCII-keyed and float-free, so msgspec's sorted output is their RFC 8785 form; a light
client hashes exactly these bytes when it checks a state proof.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder(order="sorted")


def encode_record(record: msgspec.Struct) -> bytes:
    """Canonical bytes of a state record."""
    return _ENCODER.encode(record)


def decode_record(data: bytes, record_type: type[T]) -> T:
    """Decode state bytes written by :func:`encode_record` back into ``record_type``."""
    return msgspec.json.decode(data, type=record_type)
