"""The base of every message and the contract a module fulfils."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import msgspec

from bayledger.core.context import Context
from bayledger.core.store import StateReader, WritableState


@dataclass(frozen=True)
class Requirement:
    """Something the signer of a message must satisfy, checked by the router before the handler.

    ``kind`` names the checker (``"credential"`` from identity, ``"role"`` from governance); ``value`` is
    its argument (a credential type, a role name).
    """

    kind: str
    value: str


class Msg(msgspec.Struct, frozen=True, tag_field="type", forbid_unknown_fields=True):
    """Base of all messages.

    ``signer_field`` names the field that must equal the transaction's signer; ``requires`` lists what the
    signer must satisfy (each checked by the admission checker a module registers for its kind).
    """

    signer_field: ClassVar[str] = ""
    requires: ClassVar[tuple[Requirement, ...]] = ()


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


AdmissionChecker = Callable[[Context, str, str], None]
"""``checker(ctx, signer_did, value)``: returns when the signer satisfies the requirement, else raises a
typed MsgFailedError."""

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
    admission: dict[str, AdmissionChecker] = field(default_factory=dict)
