"""Admission checkers the identity module registers with the router (``Module.admission``)."""

from __future__ import annotations

from bayledger.core.context import Context
from bayledger.core.modules.identity.errors import CredentialRequiredError
from bayledger.core.modules.identity.state import has_valid_credential

CREDENTIAL = "credential"


def check_credential(ctx: Context, signer: str, credential_type: str) -> None:
    """Kind ``credential``: the signer holds a valid ``credential_type`` credential at the block time."""
    if not has_valid_credential(ctx.store, signer, credential_type, ctx.time):
        raise CredentialRequiredError(signer, credential_type)
