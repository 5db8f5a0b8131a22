"""Typed events.

Each module declares its events as frozen ``msgspec.Struct`` classes with a ``tag`` of the form
``"<module>/Event<Verb><Noun>"``. Emitted events are kept typed in the context and turned into
``{"type": tag, **fields}`` dicts only when results are encoded, so the node can index them by type and
by attribute.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Event(msgspec.Struct, frozen=True, tag_field="type"):
    """Base class of every ledger event."""


def event_to_dict(event: Event) -> dict[str, Any]:
    """The event as a JSON-ready dict with its ``type`` tag first."""
    data = msgspec.to_builtins(event)
    assert isinstance(data, dict)
    return data


def event_type(event: Event) -> str:
    """The event's type tag, e.g. ``"anchor/EventCreateAnchor"``."""
    tag = type(event).__struct_config__.tag
    return str(tag)
