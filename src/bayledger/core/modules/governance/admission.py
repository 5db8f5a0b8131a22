"""Admission checks other modules use to require a consortium role of a message's signer."""

from __future__ import annotations

from bayledger.core.context import Context
from bayledger.core.modules.governance.errors import RoleRequiredError
from bayledger.core.modules.governance.state import get_member
from bayledger.core.types import Did


def has_role(ctx: Context, did: Did, role: str) -> bool:
    """True when ``did`` is a consortium member holding ``role``."""
    member = get_member(ctx.store, did)
    return member is not None and role in member.roles


def check_role(ctx: Context, signer_did: Did, role: str) -> None:
    """Raise RoleRequiredError unless ``signer_did`` is a member holding ``role``."""
    if not has_role(ctx, signer_did, role):
        raise RoleRequiredError(signer_did, role)
