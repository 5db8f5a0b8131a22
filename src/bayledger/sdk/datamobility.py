"""Message builders of the datamobility module, and fingerprints computed the way the chain expects.

Every builder returns the JSON object a tx body carries (``{"type": "datamobility/Msg…", …}``), built
through the structs of ``core/modules/datamobility/msgs.py`` (so a field missing or mistyped fails here).

>>> fp = record_fingerprint(record, "sha256")                      # what the vault stores and hashes
>>> bank.send(register_data_asset(bank.did, subject, "Credit file", ["identity"], fingerprint=fp))
>>> customer.send(give_consent(customer.did, bank.did, sz_bank, "Shenzhen Bank", …))
"""

from __future__ import annotations

from typing import Any

import rfc8785

from bayledger.core.hashing import get_hash_function
from bayledger.core.modules.datamobility.checks import GBA_CITIES, MASKING_PROFILES
from bayledger.core.modules.datamobility.decision import REASON_CODES
from bayledger.core.modules.datamobility.msgs import (
    MsgAcknowledgeDelivery,
    MsgAnchorFingerprint,
    MsgConfirmDeletion,
    MsgDispatchTransfer,
    MsgFileContract,
    MsgGiveConsent,
    MsgRegisterDataAsset,
    MsgRequestTransfer,
    MsgSetHolidays,
    MsgValidateDocument,
    MsgWithdrawAllConsents,
    MsgWithdrawConsent,
)
from bayledger.sdk.builders import msg_to_dict

__all__ = ["GBA_CITIES", "MASKING_PROFILES", "REASON_CODES"]


def document_fingerprint(data: bytes, algorithm: str = "sha256") -> str:
    """Hex SHA-256 or SM3 of a document's bytes (validation mode)."""
    return get_hash_function(algorithm)(data).hex()


def record_fingerprint(record: dict[str, Any], algorithm: str = "sha256") -> str:
    """Hex hash of a JSON record's RFC 8785 canonical bytes: the fingerprint of a data asset."""
    return document_fingerprint(bytes(rfc8785.dumps(record)), algorithm)


def register_data_asset(
    owner: str,
    subject: str,
    title: str,
    categories: list[str],
    *,
    fingerprint: str,
    hash_algorithm: str = "sha256",
    sensitive: bool = False,
    classification: str = "general",
    financial_grade: int = 3,
    storage_location: str = "HK",
) -> dict[str, Any]:
    """``MsgRegisterDataAsset`` (signed by the owner)."""
    return msg_to_dict(
        MsgRegisterDataAsset(
            owner=owner,
            subject=subject,
            title=title,
            categories=categories,
            sensitive=sensitive,
            classification=classification,
            financial_grade=financial_grade,
            storage_location=storage_location,
            fingerprint=fingerprint,
            hash_algorithm=hash_algorithm,
        )
    )


def give_consent(
    subject: str,
    controller: str,
    recipient: str,
    recipient_name: str,
    *,
    recipient_contact: str,
    recipient_jurisdiction: str,
    purposes: list[str],
    categories: list[str],
    notice_hash: str,
    processing_method: str = "automated processing",
    retention_days: int = 365,
    withdrawal_method: str = "bayledger data withdraw",
    rights_contact: str = "",
    notice_language: str = "en",
    valid_from: int = 0,
    valid_until: int = 0,
    cross_boundary: bool = True,
    sensitive: bool = False,
) -> dict[str, Any]:
    """``MsgGiveConsent`` (signed by the data subject). ``rights_contact`` defaults to the contact."""
    return msg_to_dict(
        MsgGiveConsent(
            subject=subject,
            controller=controller,
            recipient=recipient,
            recipient_name=recipient_name,
            recipient_contact=recipient_contact,
            recipient_jurisdiction=recipient_jurisdiction,
            purposes=purposes,
            categories=categories,
            processing_method=processing_method,
            retention_days=retention_days,
            withdrawal_method=withdrawal_method,
            rights_contact=rights_contact or recipient_contact,
            notice_hash=notice_hash,
            notice_language=notice_language,
            valid_from=valid_from,
            valid_until=valid_until,
            cross_boundary=cross_boundary,
            sensitive=sensitive,
        )
    )


def withdraw_consent(subject: str, consent_id: str, reason: str = "") -> dict[str, Any]:
    """``MsgWithdrawConsent`` (signed by the data subject)."""
    return msg_to_dict(MsgWithdrawConsent(subject=subject, consent_id=consent_id, reason=reason))


def withdraw_all_consents(subject: str, reason: str = "") -> dict[str, Any]:
    """``MsgWithdrawAllConsents``: every consent of the subject, in one action."""
    return msg_to_dict(MsgWithdrawAllConsents(subject=subject, reason=reason))


def file_contract(
    processor: str,
    recipient: str,
    *,
    processor_name: str,
    processor_city: str,
    recipient_name: str,
    recipient_city: str,
    purposes: list[str],
    categories: list[str],
    effective_date: str,
    filing_reference: str,
    volume: int = 1000,
    retention_days: int = 365,
    pia_reference: str = "PIA",
    filing_authority: str = "Office of the Privacy Commissioner for Personal Data, Hong Kong",
    supersedes: str = "",
) -> dict[str, Any]:
    """``MsgFileContract`` (signed by the processor); onward transfer outside the GBA is always false."""
    return msg_to_dict(
        MsgFileContract(
            processor=processor,
            processor_name=processor_name,
            processor_city=processor_city,
            recipient=recipient,
            recipient_name=recipient_name,
            recipient_city=recipient_city,
            purposes=purposes,
            categories=categories,
            volume=volume,
            retention_days=retention_days,
            pia_reference=pia_reference,
            effective_date=effective_date,
            filing_authority=filing_authority,
            filing_reference=filing_reference,
            onward_transfer_outside_gba=False,
            supersedes=supersedes,
        )
    )


def request_transfer(
    recipient: str,
    asset_id: str,
    purpose: str,
    categories: list[str],
    recipient_key: str,
    masking_profile: str = "mask-id-numbers",
) -> dict[str, Any]:
    """``MsgRequestTransfer`` (signed by the recipient); ``recipient_key`` from its vault's ``/keys``."""
    return msg_to_dict(
        MsgRequestTransfer(
            recipient=recipient,
            asset_id=asset_id,
            purpose=purpose,
            categories=categories,
            masking_profile=masking_profile,
            recipient_key=recipient_key,
        )
    )


def dispatch_transfer(holder: str, grant_id: str, payload_fingerprint: str) -> dict[str, Any]:
    """``MsgDispatchTransfer`` (the holder's vault sends this itself)."""
    return msg_to_dict(
        MsgDispatchTransfer(holder=holder, grant_id=grant_id, payload_fingerprint=payload_fingerprint)
    )


def acknowledge_delivery(
    recipient: str, grant_id: str, accepted: bool, received_fingerprint: str, reason: str = ""
) -> dict[str, Any]:
    """``MsgAcknowledgeDelivery`` (the recipient's vault sends this itself)."""
    return msg_to_dict(
        MsgAcknowledgeDelivery(
            recipient=recipient,
            grant_id=grant_id,
            accepted=accepted,
            received_fingerprint=received_fingerprint,
            reason=reason,
        )
    )


def confirm_deletion(recipient: str, grant_id: str) -> dict[str, Any]:
    """``MsgConfirmDeletion``."""
    return msg_to_dict(MsgConfirmDeletion(recipient=recipient, grant_id=grant_id))


def anchor_fingerprint(
    provider: str,
    subject: str,
    document_type: str,
    fingerprint: str,
    hash_algorithm: str = "sha256",
    valid_until: int = 0,
) -> dict[str, Any]:
    """``MsgAnchorFingerprint`` (validation mode, signed by the provider)."""
    return msg_to_dict(
        MsgAnchorFingerprint(
            provider=provider,
            subject=subject,
            document_type=document_type,
            fingerprint=fingerprint,
            hash_algorithm=hash_algorithm,
            valid_until=valid_until,
        )
    )


def validate_document(
    verifier: str, fingerprint_id: str, presented_hash: str, hash_algorithm: str = "sha256"
) -> dict[str, Any]:
    """``MsgValidateDocument``: record the check of a presented document's hash on chain."""
    return msg_to_dict(
        MsgValidateDocument(
            verifier=verifier,
            fingerprint_id=fingerprint_id,
            presented_hash=presented_hash,
            hash_algorithm=hash_algorithm,
        )
    )


def set_holidays(authority: str, holidays: list[str]) -> dict[str, Any]:
    """``MsgSetHolidays`` (a regulator)."""
    return msg_to_dict(MsgSetHolidays(authority=authority, holidays=holidays))
