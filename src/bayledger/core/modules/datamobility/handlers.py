"""Handlers of assets, consents, filings, validation mode and settings: check, then mutate, then emit.

Transfer requests and deliveries are in ``transfers.py``. Every handler that changes what happens to a
subject's data also appends to the access log (``audit.record_access``).
"""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.finance.dates import parse_date, parse_holidays
from bayledger.core.modules.datamobility.audit import record_access
from bayledger.core.modules.datamobility.checks import direction_of
from bayledger.core.modules.datamobility.decision import consent_status_at
from bayledger.core.modules.datamobility.errors import (
    ConsentNotActiveError,
    ConsentNotFoundError,
    FilingNotFoundError,
    FilingSupersedeError,
    FingerprintNotFoundError,
    NotAuthorisedPartyError,
    WrongHashAlgorithmError,
)
from bayledger.core.modules.datamobility.events import (
    EventAnchorFingerprint,
    EventFileContract,
    EventGiveConsent,
    EventRegisterDataAsset,
    EventSetHolidays,
    EventValidateDocument,
)
from bayledger.core.modules.datamobility.msgs import (
    MsgAnchorFingerprint,
    MsgFileContract,
    MsgGiveConsent,
    MsgRegisterDataAsset,
    MsgSetHolidays,
    MsgValidateDocument,
    MsgWithdrawAllConsents,
    MsgWithdrawConsent,
)
from bayledger.core.modules.datamobility.records import (
    GIVEN,
    Consent,
    DataAsset,
    DocumentFingerprint,
    Filing,
    StatusChange,
)
from bayledger.core.modules.datamobility.state import (
    get_consent,
    get_document,
    get_filing,
    get_settings,
    list_subject_consents,
    next_id,
    set_asset,
    set_consent,
    set_document,
    set_filing,
    set_settings,
)
from bayledger.core.modules.datamobility.transfers import end_consent
from bayledger.core.modules.datamobility.workdays import (
    compute_block_date,
    count_working_days_after,
    is_filing_late,
)


def process_register_data_asset(ctx: Context, msg: MsgRegisterDataAsset) -> None:
    """Register an asset held in the owner's vault; its fingerprint uses the zone's hash."""
    if msg.hash_algorithm != ctx.chain.hash_algorithm:
        raise WrongHashAlgorithmError(
            f"this zone fingerprints assets with {ctx.chain.hash_algorithm}, not {msg.hash_algorithm}"
        )
    asset = DataAsset(
        asset_id=next_id(ctx.store, "asset", "DA"),
        owner=msg.owner,
        subject=msg.subject,
        title=msg.title,
        categories=list(msg.categories),
        sensitive=msg.sensitive,
        classification=msg.classification,
        financial_grade=msg.financial_grade,
        storage_location=msg.storage_location,
        fingerprint=msg.fingerprint,
        hash_algorithm=msg.hash_algorithm,
        registered_height=ctx.height,
    )
    set_asset(ctx.store, asset)
    record_access(ctx, "register_asset", actor=msg.owner, subject=msg.subject, asset_id=asset.asset_id)
    ctx.emit(
        EventRegisterDataAsset(
            asset_id=asset.asset_id,
            owner=msg.owner,
            subject=msg.subject,
            classification=msg.classification,
            sensitive=msg.sensitive,
            fingerprint=msg.fingerprint,
        )
    )


def process_give_consent(ctx: Context, msg: MsgGiveConsent) -> None:
    """Record the subject's consent with its first status entry ``given``."""
    consent = Consent(
        consent_id=next_id(ctx.store, "consent", "CNS"),
        subject=msg.subject,
        controller=msg.controller,
        recipient=msg.recipient,
        recipient_name=msg.recipient_name,
        recipient_contact=msg.recipient_contact,
        recipient_jurisdiction=msg.recipient_jurisdiction,
        purposes=list(msg.purposes),
        categories=list(msg.categories),
        processing_method=msg.processing_method,
        retention_days=msg.retention_days,
        withdrawal_method=msg.withdrawal_method,
        rights_contact=msg.rights_contact,
        notice_hash=msg.notice_hash,
        notice_language=msg.notice_language,
        valid_from=msg.valid_from,
        valid_until=msg.valid_until,
        cross_boundary=msg.cross_boundary,
        sensitive=msg.sensitive,
        status=GIVEN,
        history=[StatusChange(status=GIVEN, height=ctx.height, time=ctx.time, reason="")],
    )
    set_consent(ctx.store, consent)
    record_access(
        ctx,
        "give_consent",
        actor=msg.subject,
        subject=msg.subject,
        counterparty=msg.recipient,
        purpose=",".join(msg.purposes),
        outcome=GIVEN,
        ref=consent.consent_id,
    )
    ctx.emit(
        EventGiveConsent(
            consent_id=consent.consent_id,
            subject=msg.subject,
            controller=msg.controller,
            recipient=msg.recipient,
            purposes=list(msg.purposes),
            cross_boundary=msg.cross_boundary,
            sensitive=msg.sensitive,
        )
    )


def process_withdraw_consent(ctx: Context, msg: MsgWithdrawConsent) -> None:
    """Withdraw one consent: its live grants are revoked and each recipient is told to delete."""
    consent = get_consent(ctx.store, msg.consent_id)
    if consent is None:
        raise ConsentNotFoundError(msg.consent_id)
    if consent.subject != msg.subject:
        raise NotAuthorisedPartyError(f"withdrawing {msg.consent_id}", consent.subject, msg.subject)
    status = consent_status_at(consent, ctx.time)
    if status != GIVEN:
        raise ConsentNotActiveError(msg.consent_id, status)
    end_consent(ctx, consent, "withdrawn", msg.reason)


def process_withdraw_all_consents(ctx: Context, msg: MsgWithdrawAllConsents) -> None:
    """Withdraw every consent the subject has given and that is still in force, in one action."""
    live = [
        c for c in list_subject_consents(ctx.store, msg.subject) if consent_status_at(c, ctx.time) == GIVEN
    ]
    if not live:
        raise ConsentNotActiveError("(all consents of the subject)", "none given")
    for consent in live:
        end_consent(ctx, consent, "withdrawn", msg.reason)


def process_file_contract(ctx: Context, msg: MsgFileContract) -> None:
    """Record a GBA Standard Contract filing; flag it ``late`` past 10 working days after it took effect."""
    if msg.supersedes:
        old = get_filing(ctx.store, msg.supersedes)
        if old is None:
            raise FilingNotFoundError(msg.supersedes)
        if (old.processor, old.recipient) != (msg.processor, msg.recipient) or old.superseded_by:
            raise FilingSupersedeError(
                f"{msg.supersedes} is not an active filing between {msg.processor} and {msg.recipient}"
            )
    holidays = parse_holidays(get_settings(ctx.store).holidays)
    effective, filed = parse_date(msg.effective_date), compute_block_date(ctx.time)
    after = count_working_days_after(effective, filed, holidays)
    direction = direction_of(msg.processor_city, msg.recipient_city)
    assert direction is not None  # validate_file_contract refused anything else
    filing = Filing(
        filing_id=next_id(ctx.store, "filing", "GBA"),
        processor=msg.processor,
        processor_name=msg.processor_name,
        processor_city=msg.processor_city,
        recipient=msg.recipient,
        recipient_name=msg.recipient_name,
        recipient_city=msg.recipient_city,
        direction=direction,
        purposes=list(msg.purposes),
        categories=list(msg.categories),
        volume=msg.volume,
        retention_days=msg.retention_days,
        pia_reference=msg.pia_reference,
        effective_date=msg.effective_date,
        filed_date=filed.isoformat(),
        working_days_after=after,
        late=is_filing_late(effective, filed, holidays),
        filing_authority=msg.filing_authority,
        filing_reference=msg.filing_reference,
        supersedes=msg.supersedes,
        superseded_by="",
        grants=0,
        filed_height=ctx.height,
    )
    set_filing(ctx.store, filing)
    if msg.supersedes:
        old_filing = get_filing(ctx.store, msg.supersedes)
        assert old_filing is not None
        set_filing(ctx.store, replace(old_filing, superseded_by=filing.filing_id))
    record_access(
        ctx,
        "file_contract",
        actor=msg.processor,
        counterparty=msg.recipient,
        purpose=",".join(msg.purposes),
        outcome="late" if filing.late else "on_time",
        ref=filing.filing_id,
    )
    ctx.emit(
        EventFileContract(
            filing_id=filing.filing_id,
            processor=msg.processor,
            recipient=msg.recipient,
            direction=direction,
            effective_date=msg.effective_date,
            filed_date=filing.filed_date,
            working_days_after=after,
            late=filing.late,
            supersedes=msg.supersedes,
        )
    )


def process_anchor_fingerprint(ctx: Context, msg: MsgAnchorFingerprint) -> None:
    """Anchor a document fingerprint a provider issued to a subject (validation mode)."""
    document = DocumentFingerprint(
        fingerprint_id=next_id(ctx.store, "fingerprint", "DFP"),
        provider=msg.provider,
        subject=msg.subject,
        document_type=msg.document_type,
        fingerprint=msg.fingerprint,
        hash_algorithm=msg.hash_algorithm,
        valid_until=msg.valid_until,
        anchored_height=ctx.height,
        checks=0,
    )
    set_document(ctx.store, document)
    record_access(
        ctx, "anchor_fingerprint", actor=msg.provider, subject=msg.subject, ref=document.fingerprint_id
    )
    ctx.emit(
        EventAnchorFingerprint(
            fingerprint_id=document.fingerprint_id,
            provider=msg.provider,
            subject=msg.subject,
            document_type=msg.document_type,
            hash_algorithm=msg.hash_algorithm,
        )
    )


def process_validate_document(ctx: Context, msg: MsgValidateDocument) -> None:
    """Record a check of a presented document's hash: ``match`` only for the anchored, unexpired hash."""
    document = get_document(ctx.store, msg.fingerprint_id)
    if document is None:
        raise FingerprintNotFoundError(msg.fingerprint_id)
    if msg.hash_algorithm != document.hash_algorithm:
        raise WrongHashAlgorithmError(
            f"{msg.fingerprint_id} is a {document.hash_algorithm} fingerprint, not {msg.hash_algorithm}"
        )
    if document.valid_until and ctx.time >= document.valid_until:
        match, reason = False, "fingerprint_expired"
    elif msg.presented_hash != document.fingerprint:
        match, reason = False, "fingerprint_mismatch"
    else:
        match, reason = True, "match"
    set_document(ctx.store, replace(document, checks=document.checks + 1))
    record_access(
        ctx,
        "validate_document",
        actor=msg.verifier,
        subject=document.subject,
        counterparty=document.provider,
        outcome="match" if match else "mismatch",
        reasons=[] if match else [reason],
        ref=msg.fingerprint_id,
    )
    ctx.emit(
        EventValidateDocument(
            fingerprint_id=msg.fingerprint_id, verifier=msg.verifier, match=match, reason=reason
        )
    )


def process_set_holidays(ctx: Context, msg: MsgSetHolidays) -> None:
    """Replace the holiday list (a regulator, by admission)."""
    set_settings(ctx.store, replace(get_settings(ctx.store), holidays=sorted(msg.holidays)))
    ctx.emit(EventSetHolidays(count=len(msg.holidays), authority=msg.authority))
