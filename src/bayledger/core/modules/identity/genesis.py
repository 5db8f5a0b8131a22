"""Genesis of the identity module: the trusted issuers that exist before block 1."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.context import Context
from bayledger.core.did import is_did_bid
from bayledger.core.modules.identity.msgs import is_credential_type, is_jurisdiction
from bayledger.core.modules.identity.state import TrustedIssuer, get_trusted_issuer, set_trusted_issuer
from bayledger.core.store import WritableState


class GenesisTrustedIssuer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A trusted issuer in genesis: who, for which credential type, in which jurisdictions."""

    issuer: str
    credential_type: str
    jurisdictions: list[str]


class GenesisIdentity(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``app_state.identity``."""

    trusted_issuers: list[GenesisTrustedIssuer] = []


def init_genesis(store: WritableState, app_state: dict[str, Any], ctx: Context) -> None:
    """Write the genesis trusted issuers; raises ValueError on a malformed or duplicate entry."""
    try:
        identity = msgspec.convert(app_state.get("identity", {}), type=GenesisIdentity)
    except msgspec.ValidationError as exc:
        raise ValueError(f"app_state.identity: {exc}") from None
    for entry in identity.trusted_issuers:
        if not is_did_bid(entry.issuer):
            raise ValueError(f"genesis trusted issuer {entry.issuer!r} is not a did:bid")
        if not is_credential_type(entry.credential_type):
            raise ValueError(f"genesis trusted issuer {entry.issuer}: bad type {entry.credential_type!r}")
        if not entry.jurisdictions or not all(is_jurisdiction(j) for j in entry.jurisdictions):
            raise ValueError(
                f"genesis trusted issuer {entry.issuer}: bad jurisdictions {entry.jurisdictions}"
            )
        if get_trusted_issuer(store, entry.credential_type, entry.issuer) is not None:
            raise ValueError(f"genesis lists {entry.issuer} for {entry.credential_type!r} twice")
        set_trusted_issuer(
            store,
            TrustedIssuer(
                issuer=entry.issuer,
                credential_type=entry.credential_type,
                jurisdictions=list(entry.jurisdictions),
                added_height=ctx.height,
            ),
        )
