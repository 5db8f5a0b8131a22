"""Handlers of the accounts module: check, then mutate, then emit."""

from __future__ import annotations

from bayledger.core.context import Context
from bayledger.core.did import did_from_public_key
from bayledger.core.modules.accounts.errors import (
    AccountExistsError,
    AccountNotFoundError,
    InvalidSignerSetError,
)
from bayledger.core.modules.accounts.events import EventCreateAccount, EventUpdateSigners
from bayledger.core.modules.accounts.msgs import MsgCreateAccount, MsgUpdateSigners
from bayledger.core.modules.accounts.state import Account, Signer, get_account, set_account
from bayledger.core.modules.identity.errors import DidDeactivatedError
from bayledger.core.modules.identity.events import EventRotateKeys
from bayledger.core.modules.identity.state import (
    get_did_pointer,
)
from bayledger.core.modules.identity.versions import get_latest_services, write_did_version
from bayledger.core.types import Did


def process_create_account(ctx: Context, msg: MsgCreateAccount) -> None:
    """Create the account of ``msg.public_key`` with its signers and threshold."""
    did = did_from_public_key(msg.key_type, msg.public_key, ctx.chain.did_ac_code)
    if get_account(ctx.store, did) is not None:
        raise AccountExistsError(did)
    signers = msg.signers or [Signer(msg.key_type, msg.public_key, 1)]
    threshold = msg.threshold if msg.signers else 1
    _check_signer_limit(ctx, signers)

    set_account(
        ctx.store, Account(did=did, signers=signers, threshold=threshold, nonce=0, created_height=ctx.height)
    )

    ctx.emit(EventCreateAccount(did=did, creator=msg.creator, threshold=threshold, signer_count=len(signers)))


def process_update_signers(ctx: Context, msg: MsgUpdateSigners) -> None:
    """Replace the signer set and threshold of the signing account; when the account has a DID document
    (identity module), record a new version of it with the new keys and the previous services."""
    account = get_account(ctx.store, msg.account)
    if account is None:
        raise AccountNotFoundError(msg.account)
    _check_signer_limit(ctx, msg.signers)
    pointer = get_did_pointer(ctx.store, account.did)
    if pointer is not None and pointer.deactivated:  # only reachable later in the tx that deactivated it
        raise DidDeactivatedError(account.did, pointer.version)

    set_account(
        ctx.store,
        Account(
            did=account.did,
            signers=msg.signers,
            threshold=msg.threshold,
            nonce=account.nonce,
            created_height=account.created_height,
        ),
    )

    version = None if pointer is None else _record_did_version(ctx, account.did, pointer.version, msg.signers)

    ctx.emit(EventUpdateSigners(did=account.did, threshold=msg.threshold, signer_count=len(msg.signers)))
    if version is not None:
        ctx.emit(
            EventRotateKeys(
                did=account.did, version=version, threshold=msg.threshold, signer_count=len(msg.signers)
            )
        )


def _record_did_version(ctx: Context, did: Did, latest: int, signers: list[Signer]) -> int:
    """Write the next DID document version: ``signers`` as its keys, the latest version's services."""
    version = latest + 1
    write_did_version(ctx, did, version, signers, get_latest_services(ctx.store, did, latest))
    return version


def _check_signer_limit(ctx: Context, signers: list[Signer]) -> None:
    limit = ctx.chain.params.max_signers
    if len(signers) > limit:
        raise InvalidSignerSetError(f"{len(signers)} signers exceed the limit of {limit}")
