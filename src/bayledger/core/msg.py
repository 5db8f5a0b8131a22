"""The base of every message and the contract a module fulfils."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import msgspec

from bayledger.core.context import Context
from bayledger.core.store import StateReader, WritableState


class Msg(msgspec.Struct, frozen=True, tag_field="type", forbid_unknown_fields=True):
    """Base of all messages. ``signer_field`` names the field that must equal the transaction's signer."""

    signer_field: ClassVar[str] = ""


@dataclass(frozen=True)
class Route:
    """How one message type is validated and handled."""

    msg_type: type[Msg]
    handler: Callable[[Context, Any], None]
    validate_basic: Callable[[Any], None]


@dataclass(frozen=True)
class ProvableRecord:
    """A kind of state record that can be proved: how to build its key and decode its value."""

    key: Callable[[str], bytes]
    record_type: type[msgspec.Struct]


Invariant = Callable[[StateReader], list[str]]
"""An invariant returns the list of violations it finds (empty when the state is sound)."""


@dataclass(frozen=True)
class Module:
    """Everything the core needs to know of a module."""

    name: str
    routes: tuple[Route, ...]
    init_genesis: Callable[[WritableState, dict[str, Any], Context], None] | None = None
    end_block: Callable[[Context], None] | None = None
    invariants: tuple[tuple[str, Invariant], ...] = ()
    provable: dict[str, ProvableRecord] = field(default_factory=dict)
