"""ABCI socket framing: each protobuf message is preceded by its length as an unsigned varint.

This is CometBFT's ``libs/protoio`` delimited format (``binary.PutUvarint`` of the length, then the bytes),
used on every ABCI socket connection and for the canonical vote bytes validators sign.
"""

from __future__ import annotations

import asyncio

MAX_MESSAGE_BYTES = 104_857_600
"""CometBFT's ABCI limit on one message (100 MiB)."""


class FramingError(ValueError):
    """A length prefix is malformed or announces a message over the limit."""


def encode_uvarint(value: int) -> bytes:
    """The unsigned LEB128 varint of ``value`` (``value >= 0``)."""
    if value < 0:
        raise ValueError("a uvarint is non-negative")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_uvarint(data: bytes, offset: int = 0) -> tuple[int, int]:
    """Decode a uvarint at ``offset``; returns ``(value, offset after it)``."""
    value = shift = 0
    for index in range(offset, min(len(data), offset + 10)):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index + 1
        shift += 7
    raise FramingError("truncated or over-long varint")


def frame(payload: bytes) -> bytes:
    """``payload`` with its uvarint length prefix (protoio ``MarshalDelimited``)."""
    return encode_uvarint(len(payload)) + payload


async def read_frame(reader: asyncio.StreamReader, limit: int = MAX_MESSAGE_BYTES) -> bytes | None:
    """The next framed message, or None when the peer closed the connection cleanly between messages."""
    value = shift = 0
    for count in range(10):
        chunk = await reader.read(1)
        if not chunk:
            if count == 0:
                return None
            raise FramingError("connection closed inside a length prefix")
        byte = chunk[0]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    else:
        raise FramingError("over-long varint")
    if value > limit:
        raise FramingError(f"message of {value} bytes is over the {limit}-byte limit")
    return await reader.readexactly(value)
