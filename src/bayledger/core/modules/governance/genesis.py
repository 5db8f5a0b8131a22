"""Genesis of the governance module: the founding members and the voting period."""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.context import Context
from bayledger.core.modules.governance.errors import GovernanceError
from bayledger.core.modules.governance.msgs import check_did, check_member_fields
from bayledger.core.modules.governance.state import (
    DEFAULT_VOTING_PERIOD,
    GovernanceConfig,
    Member,
    get_member,
    set_config,
    set_member,
)
from bayledger.core.store import WritableState
from bayledger.core.types import Did


class GenesisMember(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A founding member in genesis."""

    did: Did
    name_en: str
    jurisdiction: str
    roles: list[str]
    weight: int
    name_zh: str = ""


class GenesisGovernance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``app_state.governance``: the founding members and the voting period in blocks."""

    members: list[GenesisMember] = []
    voting_period: int = DEFAULT_VOTING_PERIOD


def init_genesis(store: WritableState, app_state: dict[str, Any], ctx: Context) -> None:
    """Write the founding members and settings; raises ValueError on a bad or duplicate entry.

    A genesis without a ``governance`` section writes nothing (defaults apply, nobody can propose).
    """
    if "governance" not in app_state:
        return
    try:
        section = msgspec.convert(app_state["governance"], type=GenesisGovernance)
    except msgspec.ValidationError as exc:
        raise ValueError(f"genesis governance: {exc}") from None
    if section.voting_period <= 0:
        raise ValueError(f"genesis governance: voting_period must be positive, got {section.voting_period}")
    set_config(store, GovernanceConfig(voting_period=section.voting_period))
    for entry in section.members:
        try:
            check_did(entry.did, "member")
            check_member_fields(entry.name_en, entry.name_zh, entry.jurisdiction, entry.roles, entry.weight)
        except GovernanceError as exc:  # the documented contract of init_chain is ValueError
            raise ValueError(f"genesis member {entry.did}: {exc.message}") from None
        if get_member(store, entry.did) is not None:
            raise ValueError(f"genesis lists member {entry.did} twice")
        set_member(
            store,
            Member(
                did=entry.did,
                name_en=entry.name_en,
                name_zh=entry.name_zh,
                jurisdiction=entry.jurisdiction,
                roles=entry.roles,
                weight=entry.weight,
                joined_height=0,
            ),
        )
