"""Writing DID-document versions: shared by the identity handlers and by accounts/MsgUpdateSigners."""

from __future__ import annotations

from bayledger.core.context import Context
from bayledger.core.modules.accounts.state import Signer
from bayledger.core.modules.identity.document import (
    DidService,
    compute_did_document,
    compute_services,
    encode_did_document,
)
from bayledger.core.modules.identity.state import DidVersion, get_did_version, set_did_version
from bayledger.core.store import StateReader
from bayledger.core.types import Did


def get_latest_services(store: StateReader, did: Did, version: int) -> list[DidService]:
    """The services of version ``version`` of ``did`` (empty when that version does not exist)."""
    latest = get_did_version(store, did, version)
    return [] if latest is None else compute_services(did, latest.document_json)


def write_did_version(
    ctx: Context, did: Did, version: int, signers: list[Signer], services: list[DidService]
) -> None:
    """Record version ``version`` of the (active) DID document built from ``signers`` and ``services``."""
    document = compute_did_document(did, signers, services)
    set_did_version(
        ctx.store,
        did,
        DidVersion(
            version=version,
            height=ctx.height,
            time=ctx.time,
            deactivated=False,
            document_json=encode_did_document(document),
        ),
    )
