"""Handlers of the identity module: check, then mutate, then emit."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.accounts.errors import AccountNotFoundError, InvalidSignerSetError
from bayledger.core.modules.accounts.events import EventUpdateSigners
from bayledger.core.modules.accounts.state import Account, get_account, set_account
from bayledger.core.modules.identity.document import (
    compute_did_document,
    encode_did_document,
)
from bayledger.core.modules.identity.errors import (
    CredentialExistsError,
    DidDeactivatedError,
    DidExistsError,
    DidNotFoundError,
    RevocationIrreversibleError,
    StatusPurposeMismatchError,
    UntrustedIssuerError,
)
from bayledger.core.modules.identity.events import (
    EventDeactivateDid,
    EventRegisterCredential,
    EventRegisterDid,
    EventRotateKeys,
    EventSetStatusList,
    EventUpdateDid,
)
from bayledger.core.modules.identity.msgs import (
    MsgDeactivateDid,
    MsgRegisterCredential,
    MsgRegisterDid,
    MsgRotateKeys,
    MsgSetStatusList,
    MsgUpdateDid,
)
from bayledger.core.modules.identity.state import (
    REVOCATION,
    Credential,
    DidVersion,
    StatusList,
    delete_status_flag,
    get_credential,
    get_did_pointer,
    get_status_list,
    is_status_flagged,
    is_trusted_issuer,
    set_credential,
    set_did_version,
    set_status_flag,
    set_status_list,
)
from bayledger.core.modules.identity.versions import get_latest_services, write_did_version
from bayledger.core.types import Did


def process_register_did(ctx: Context, msg: MsgRegisterDid) -> None:
    """Publish version 1 of the DID document of the signing account."""
    if get_did_pointer(ctx.store, msg.did) is not None:
        raise DidExistsError(msg.did)
    account = _get_account(ctx, msg.did)

    write_did_version(ctx, msg.did, 1, account.signers, msg.services)

    ctx.emit(
        EventRegisterDid(
            did=msg.did, version=1, key_count=len(account.signers), service_count=len(msg.services)
        )
    )


def process_update_did(ctx: Context, msg: MsgUpdateDid) -> None:
    """Publish a new version with ``msg.services`` and the account's current signers."""
    version = _next_version(ctx, msg.did)
    account = _get_account(ctx, msg.did)

    write_did_version(ctx, msg.did, version, account.signers, msg.services)

    ctx.emit(
        EventUpdateDid(
            did=msg.did, version=version, key_count=len(account.signers), service_count=len(msg.services)
        )
    )


def process_rotate_keys(ctx: Context, msg: MsgRotateKeys) -> None:
    """Replace the account's signers and threshold, then publish a version with the new keys."""
    version = _next_version(ctx, msg.did)
    account = _get_account(ctx, msg.did)
    limit = ctx.chain.params.max_signers
    if len(msg.signers) > limit:
        raise InvalidSignerSetError(f"{len(msg.signers)} signers exceed the limit of {limit}")
    services = get_latest_services(ctx.store, msg.did, version - 1)

    set_account(ctx.store, replace(account, signers=msg.signers, threshold=msg.threshold))
    write_did_version(ctx, msg.did, version, msg.signers, services)

    ctx.emit(EventUpdateSigners(did=msg.did, threshold=msg.threshold, signer_count=len(msg.signers)))
    ctx.emit(
        EventRotateKeys(did=msg.did, version=version, threshold=msg.threshold, signer_count=len(msg.signers))
    )


def process_deactivate_did(ctx: Context, msg: MsgDeactivateDid) -> None:
    """Publish the final, deactivated version; the DID's later transactions are refused (tx/18)."""
    version = _next_version(ctx, msg.did)

    document = compute_did_document(msg.did, [], [], deactivated=True)
    set_did_version(
        ctx.store,
        msg.did,
        DidVersion(
            version=version,
            height=ctx.height,
            time=ctx.time,
            deactivated=True,
            document_json=encode_did_document(document),
        ),
    )

    ctx.emit(EventDeactivateDid(did=msg.did, version=version))


def process_register_credential(ctx: Context, msg: MsgRegisterCredential) -> None:
    """Record a credential issued by a trusted issuer of its type and jurisdiction."""
    if not is_trusted_issuer(ctx.store, msg.issuer, msg.credential_type, msg.jurisdiction):
        raise UntrustedIssuerError(msg.issuer, msg.credential_type, msg.jurisdiction)
    if get_credential(ctx.store, msg.issuer, msg.credential_id) is not None:
        raise CredentialExistsError(msg.issuer, msg.credential_id)

    set_credential(
        ctx.store,
        Credential(
            issuer=msg.issuer,
            credential_id=msg.credential_id,
            credential_type=msg.credential_type,
            subject=msg.subject,
            jurisdiction=msg.jurisdiction,
            valid_from=msg.valid_from,
            valid_until=msg.valid_until,
            status_list_id=msg.status_list_id,
            status_index=msg.status_index,
            credential_hash=msg.credential_hash,
            registered_height=ctx.height,
        ),
    )

    ctx.emit(
        EventRegisterCredential(
            issuer=msg.issuer,
            credential_id=msg.credential_id,
            credential_type=msg.credential_type,
            subject=msg.subject,
            jurisdiction=msg.jurisdiction,
        )
    )


def process_set_status_list(ctx: Context, msg: MsgSetStatusList) -> None:
    """Anchor the list's new hash; flag ``set_indices`` and clear ``clear_indices`` (never on revocation)."""
    existing = get_status_list(ctx.store, msg.issuer, msg.list_id)
    if existing is not None and existing.purpose != msg.purpose:
        raise StatusPurposeMismatchError(msg.issuer, msg.list_id, existing.purpose, msg.purpose)
    if msg.purpose == REVOCATION and msg.clear_indices:
        raise RevocationIrreversibleError(msg.issuer, msg.list_id, sorted(msg.clear_indices))
    newly_set = [i for i in msg.set_indices if not is_status_flagged(ctx.store, msg.issuer, msg.list_id, i)]

    for index in newly_set:
        set_status_flag(ctx.store, msg.issuer, msg.list_id, index)
    for index in msg.clear_indices:
        delete_status_flag(ctx.store, msg.issuer, msg.list_id, index)
    set_status_list(
        ctx.store,
        StatusList(
            issuer=msg.issuer,
            list_id=msg.list_id,
            purpose=msg.purpose,
            list_hash=msg.list_hash,
            flagged_total=(0 if existing is None else existing.flagged_total) + len(newly_set),
            updated_height=ctx.height,
        ),
    )

    ctx.emit(
        EventSetStatusList(
            issuer=msg.issuer,
            list_id=msg.list_id,
            purpose=msg.purpose,
            list_hash=msg.list_hash,
            set_count=len(msg.set_indices),
            clear_count=len(msg.clear_indices),
        )
    )


def _get_account(ctx: Context, did: Did) -> Account:
    account = get_account(ctx.store, did)
    if account is None:  # the signer check makes this unreachable from a tx; kept for direct callers
        raise AccountNotFoundError(did)
    return account


def _next_version(ctx: Context, did: Did) -> int:
    """The next version number of a registered, active DID (DidNotFoundError, DidDeactivatedError)."""
    pointer = get_did_pointer(ctx.store, did)
    if pointer is None:
        raise DidNotFoundError(did)
    if pointer.deactivated:
        raise DidDeactivatedError(did, pointer.version)
    return pointer.version + 1
