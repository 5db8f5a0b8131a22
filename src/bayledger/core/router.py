"""The explicit message router: message type tag → (validate_basic, handler)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from bayledger.core.context import Context
from bayledger.core.errors import MalformedTxError, UnauthorizedError, UnknownMessageTypeError
from bayledger.core.msg import AdmissionChecker, Module, Msg, Route


def message_tag(msg_type: type[Msg]) -> str:
    """The ``type`` tag of a message class, e.g. ``"anchor/MsgCreateAnchor"``."""
    return str(msg_type.__struct_config__.tag)


class Router:
    """Routes decoded messages to their module's handler. Built once from the app's modules."""

    def __init__(self, modules: Sequence[Module]) -> None:
        self.modules = tuple(modules)
        self._routes: dict[str, Route] = {}
        for module in self.modules:
            for route in module.routes:
                tag = message_tag(route.msg_type)
                if tag in self._routes:
                    raise ValueError(f"message type {tag} registered twice")
                self._routes[tag] = route
        self._admission: dict[str, AdmissionChecker] = {}
        for module in self.modules:
            for kind, checker in module.admission.items():
                if kind in self._admission:
                    raise ValueError(f"admission kind {kind!r} registered twice (again by {module.name})")
                self._admission[kind] = checker
        for tag, route in self._routes.items():
            for requirement in route.msg_type.requires:
                if requirement.kind not in self._admission:
                    raise ValueError(
                        f"{tag} requires {requirement.kind!r}={requirement.value!r}, "
                        f"but no module registers an admission checker for kind {requirement.kind!r}"
                    )

    @property
    def message_types(self) -> list[str]:
        """Every registered message type tag, sorted."""
        return sorted(self._routes)

    def decode(self, data: Any) -> Msg:
        """Turn a JSON message object into its typed message; typed errors for unknown or malformed ones."""
        if not isinstance(data, dict):
            raise MalformedTxError("each message must be a JSON object")
        tag = data.get("type")
        route = self._routes.get(tag) if isinstance(tag, str) else None
        if route is None:
            raise UnknownMessageTypeError(f"unknown message type {tag!r}")
        try:
            return msgspec.convert(data, type=route.msg_type)
        except msgspec.ValidationError as exc:
            raise MalformedTxError(f"{tag}: {exc}") from None

    def dispatch(self, ctx: Context, msg: Msg) -> None:
        """Stateless checks, signer check, admission requirements, then the handler.

        Raises MsgFailedError subclasses.
        """
        route = self._routes[message_tag(type(msg))]
        route.validate_basic(msg)
        field = msg.signer_field
        if field and getattr(msg, field) != ctx.signer:
            raise UnauthorizedError(
                f"{message_tag(type(msg))}.{field} is {getattr(msg, field)}, "
                f"but the tx is signed by {ctx.signer}"
            )
        for requirement in msg.requires:
            self._admission[requirement.kind](ctx, ctx.signer, requirement.value)
        route.handler(ctx, msg)
