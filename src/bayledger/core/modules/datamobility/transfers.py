"""Handlers of transfer requests and deliveries, and the end of a consent (withdrawal or expiry).

A request is always recorded with its decision: ``deny`` is a successful transaction carrying the reason
codes (so every refusal is on chain), ``allow`` also creates the grant. The data moves off chain; the
chain sees the holder's dispatch (fingerprint of the masked payload), the recipient's acknowledgement
(accepted, or refused with a reason) and the deletion confirmation.
"""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.datamobility.audit import record_access
from bayledger.core.modules.datamobility.decision import (
    FILING_NOT_EFFECTIVE,
    check_filing,
    check_recipient_credential,
    compute_transfer_decision,
    consent_status_at,
)
from bayledger.core.modules.datamobility.errors import (
    AssetNotFoundError,
    DeliveryStateError,
    GrantBasisLapsedError,
    GrantNotActiveError,
    GrantNotFoundError,
    InvalidDataMessageError,
    NotAuthorisedPartyError,
    WrongKeyTypeError,
)
from bayledger.core.modules.datamobility.events import (
    EventAcknowledgeDelivery,
    EventConfirmDeletion,
    EventDecideTransfer,
    EventDispatchTransfer,
    EventExpireConsent,
    EventRequireDeletion,
    EventWithdrawConsent,
)
from bayledger.core.modules.datamobility.msgs import (
    MsgAcknowledgeDelivery,
    MsgConfirmDeletion,
    MsgDispatchTransfer,
    MsgRequestTransfer,
)
from bayledger.core.modules.datamobility.records import (
    ALLOW,
    GIVEN,
    GRANT_ACTIVE,
    GRANT_DELETED,
    GRANT_DELIVERED,
    GRANT_DISPATCHED,
    GRANT_REFUSED,
    GRANT_REVOKED,
    Consent,
    DataAsset,
    Filing,
    Grant,
    StatusChange,
    TransferRequest,
)
from bayledger.core.modules.datamobility.state import (
    get_asset,
    get_consent,
    get_filing,
    get_grant,
    list_consent_grants,
    list_due_consent_ids,
    next_id,
    set_consent,
    set_filing,
    set_grant,
    set_request,
)

LIVE_GRANT_STATUSES = (GRANT_ACTIVE, GRANT_DISPATCHED, GRANT_DELIVERED, GRANT_REFUSED)


def end_consent(ctx: Context, consent: Consent, status: str, reason: str) -> None:
    """Mark a consent ``withdrawn`` or ``expired``, revoke its live grants, tell each recipient to delete."""
    history = [*consent.history, StatusChange(status=status, height=ctx.height, time=ctx.time, reason=reason)]
    set_consent(ctx.store, replace(consent, status=status, history=history))
    for grant in list_consent_grants(ctx.store, consent.consent_id):
        if grant.status in LIVE_GRANT_STATUSES:
            set_grant(ctx.store, replace(grant, status=GRANT_REVOKED, updated_height=ctx.height))
            ctx.emit(
                EventRequireDeletion(
                    grant_id=grant.grant_id,
                    recipient=grant.recipient,
                    asset_id=grant.asset_id,
                    consent_id=consent.consent_id,
                    reason=f"consent {status}",
                )
            )
    record_access(
        ctx,
        "withdraw_consent" if status == "withdrawn" else "expire_consent",
        actor=consent.subject if status == "withdrawn" else "",
        subject=consent.subject,
        counterparty=consent.recipient,
        outcome=status,
        ref=consent.consent_id,
    )
    if status == "withdrawn":
        ctx.emit(EventWithdrawConsent(consent_id=consent.consent_id, subject=consent.subject, reason=reason))
    else:
        ctx.emit(EventExpireConsent(consent_id=consent.consent_id, subject=consent.subject))


def expire_consents(ctx: Context) -> None:
    """End block: record the expiry of every given consent whose ``valid_until`` has passed."""
    for consent_id in list_due_consent_ids(ctx.store, ctx.time):
        consent = get_consent(ctx.store, consent_id)
        if consent is not None and consent.status == GIVEN:
            end_consent(ctx, consent, "expired", "")


def compute_grant(
    ctx: Context,
    request_id: str,
    asset: DataAsset,
    msg: MsgRequestTransfer,
    consent: Consent,
    filing: Filing,
) -> Grant:
    """The grant of an allowed request (id ``DTG-`` + the request's number), ``active``."""
    return Grant(
        grant_id="DTG-" + request_id.removeprefix("DTR-"),
        request_id=request_id,
        asset_id=asset.asset_id,
        holder=asset.owner,
        recipient=msg.recipient,
        subject=asset.subject,
        purpose=msg.purpose,
        categories=list(msg.categories),
        masking_profile=msg.masking_profile,
        consent_id=consent.consent_id,
        filing_id=filing.filing_id,
        asset_fingerprint=asset.fingerprint,
        hash_algorithm=asset.hash_algorithm,
        recipient_key=msg.recipient_key,
        payload_fingerprint="",
        status=GRANT_ACTIVE,
        retention_days=min(consent.retention_days, filing.retention_days),
        issued_height=ctx.height,
        issued_time=ctx.time,
        expires=consent.valid_until,
        updated_height=ctx.height,
    )


def process_request_transfer(ctx: Context, msg: MsgRequestTransfer) -> None:
    """Decide the request from state and block time; record it (and the grant when allowed).

    In a national-crypto zone (SM3) the recipient key must be SM2 (the ``sm2-sm4gcm`` suite), else
    WrongKeyTypeError; a SHA-256 zone accepts X25519 and SM2 keys.
    """
    asset = get_asset(ctx.store, msg.asset_id)
    if asset is None:
        raise AssetNotFoundError(msg.asset_id)
    if asset.owner == msg.recipient:
        raise InvalidDataMessageError(f"{msg.recipient} already holds {msg.asset_id}")
    key_type = msg.recipient_key.partition(":")[0]
    if ctx.chain.hash_algorithm == "sm3" and key_type != "sm2":
        raise WrongKeyTypeError(key_type)
    decision = compute_transfer_decision(
        ctx.store, ctx.time, asset, msg.recipient, msg.purpose, list(msg.categories)
    )
    request_id = next_id(ctx.store, "request", "DTR")
    grant_id = ""
    if decision.decision == ALLOW:
        consent, filing = decision.consent, decision.filing
        assert consent is not None and filing is not None
        grant = compute_grant(ctx, request_id, asset, msg, consent, filing)
        grant_id = grant.grant_id
        set_grant(ctx.store, grant)
        set_filing(ctx.store, replace(filing, grants=filing.grants + 1))
    request = TransferRequest(
        request_id=request_id,
        asset_id=asset.asset_id,
        recipient=msg.recipient,
        purpose=msg.purpose,
        categories=list(msg.categories),
        masking_profile=msg.masking_profile,
        decision=decision.decision,
        reasons=list(decision.reasons),
        consent_id="" if decision.consent is None else decision.consent.consent_id,
        filing_id="" if decision.filing is None else decision.filing.filing_id,
        grant_id=grant_id,
        height=ctx.height,
        time=ctx.time,
    )
    set_request(ctx.store, request)
    record_access(
        ctx,
        "request_transfer",
        actor=msg.recipient,
        subject=asset.subject,
        counterparty=asset.owner,
        asset_id=asset.asset_id,
        purpose=msg.purpose,
        outcome=decision.decision,
        reasons=decision.reasons,
        ref=request_id,
    )
    ctx.emit(
        EventDecideTransfer(
            request_id=request_id,
            asset_id=asset.asset_id,
            recipient=msg.recipient,
            purpose=msg.purpose,
            decision=decision.decision,
            reasons=list(decision.reasons),
            grant_id=grant_id,
        )
    )


def _require_grant(ctx: Context, grant_id: str) -> Grant:
    grant = get_grant(ctx.store, grant_id)
    if grant is None:
        raise GrantNotFoundError(grant_id)
    return grant


def check_grant_basis(ctx: Context, grant: Grant) -> None:
    """Raise GrantBasisLapsedError unless the recipient's credential and the filing still hold now."""
    if check_recipient_credential(ctx.store, grant.recipient, ctx.time):
        raise GrantBasisLapsedError(
            grant.grant_id, f"{grant.recipient} no longer holds a valid DataRecipientCredential in the GBA"
        )
    filing = get_filing(ctx.store, grant.filing_id)
    if filing is None or filing.superseded_by:
        superseded = "" if filing is None else f" by {filing.superseded_by}"
        raise GrantBasisLapsedError(grant.grant_id, f"filing {grant.filing_id} is superseded{superseded}")
    if FILING_NOT_EFFECTIVE in check_filing(filing, grant.purpose, grant.categories, ctx.time):
        raise GrantBasisLapsedError(grant.grant_id, f"filing {grant.filing_id} is not effective")


def process_dispatch_transfer(ctx: Context, msg: MsgDispatchTransfer) -> None:
    """Anchor the masked payload's fingerprint: only the holder, only while the grant, the consent, the
    recipient's credential and the filing all still hold (else a typed error: nothing is dispatched)."""
    grant = _require_grant(ctx, msg.grant_id)
    if grant.holder != msg.holder:
        raise NotAuthorisedPartyError(f"dispatching {grant.grant_id}", grant.holder, msg.holder)
    consent = get_consent(ctx.store, grant.consent_id)
    if consent is None or consent_status_at(consent, ctx.time) != GIVEN:
        raise GrantNotActiveError(grant.grant_id, "without a consent in force")
    if grant.status not in (GRANT_ACTIVE, GRANT_REFUSED):
        raise GrantNotActiveError(grant.grant_id, grant.status)
    check_grant_basis(ctx, grant)
    set_grant(
        ctx.store,
        replace(
            grant,
            payload_fingerprint=msg.payload_fingerprint,
            status=GRANT_DISPATCHED,
            updated_height=ctx.height,
        ),
    )
    record_access(
        ctx,
        "dispatch",
        actor=msg.holder,
        subject=grant.subject,
        counterparty=grant.recipient,
        asset_id=grant.asset_id,
        purpose=grant.purpose,
        outcome=GRANT_DISPATCHED,
        ref=grant.grant_id,
    )
    ctx.emit(
        EventDispatchTransfer(
            grant_id=grant.grant_id,
            holder=msg.holder,
            recipient=grant.recipient,
            payload_fingerprint=msg.payload_fingerprint,
            masking_profile=grant.masking_profile,
        )
    )


def process_acknowledge_delivery(ctx: Context, msg: MsgAcknowledgeDelivery) -> None:
    """Record the recipient vault's verdict on a dispatched payload (accepted only if the hashes agree)."""
    grant = _require_grant(ctx, msg.grant_id)
    if grant.recipient != msg.recipient:
        raise NotAuthorisedPartyError(f"acknowledging {grant.grant_id}", grant.recipient, msg.recipient)
    if grant.status != GRANT_DISPATCHED:
        raise DeliveryStateError(
            f"{grant.grant_id} is {grant.status}; only a dispatched grant is acknowledged"
        )
    if msg.accepted and msg.received_fingerprint != grant.payload_fingerprint:
        raise DeliveryStateError(
            f"{grant.grant_id}: accepted a payload hashing to {msg.received_fingerprint}, "
            f"but the holder anchored {grant.payload_fingerprint}"
        )
    status = GRANT_DELIVERED if msg.accepted else GRANT_REFUSED
    set_grant(ctx.store, replace(grant, status=status, updated_height=ctx.height))
    record_access(
        ctx,
        "acknowledge_delivery",
        actor=msg.recipient,
        subject=grant.subject,
        counterparty=grant.holder,
        asset_id=grant.asset_id,
        purpose=grant.purpose,
        outcome="accepted" if msg.accepted else "refused",
        reasons=[] if msg.accepted else [msg.reason],
        ref=grant.grant_id,
    )
    ctx.emit(
        EventAcknowledgeDelivery(
            grant_id=grant.grant_id,
            recipient=msg.recipient,
            accepted=msg.accepted,
            received_fingerprint=msg.received_fingerprint,
            reason=msg.reason,
        )
    )


def process_confirm_deletion(ctx: Context, msg: MsgConfirmDeletion) -> None:
    """Record that the recipient deleted the data of a revoked (or delivered) grant."""
    grant = _require_grant(ctx, msg.grant_id)
    if grant.recipient != msg.recipient:
        raise NotAuthorisedPartyError(f"deleting under {grant.grant_id}", grant.recipient, msg.recipient)
    if grant.status not in (GRANT_REVOKED, GRANT_DELIVERED):
        raise DeliveryStateError(f"{grant.grant_id} is {grant.status}; there is nothing to delete")
    set_grant(ctx.store, replace(grant, status=GRANT_DELETED, updated_height=ctx.height))
    record_access(
        ctx,
        "confirm_deletion",
        actor=msg.recipient,
        subject=grant.subject,
        counterparty=grant.holder,
        asset_id=grant.asset_id,
        outcome=GRANT_DELETED,
        ref=grant.grant_id,
    )
    ctx.emit(EventConfirmDeletion(grant_id=grant.grant_id, recipient=msg.recipient))
