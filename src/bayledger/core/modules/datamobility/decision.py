"""The transfer decision: a pure function of state, block time and the request, with every reason code.

The flow must cross the boundary in the filed direction: the asset's storage side (``HK`` or Guangdong,
``CN-GD``) is the filing's processor side, and the recipient (its credentials, and the consent's recipient
jurisdiction) is on the other side, the filing's recipient side.

The chain looks up the consent and the filing itself (the requester cannot pick a convenient one): the
data subject's consents naming the asset's controller and this recipient, and the active filings between
the controller and this recipient. The first candidate that satisfies every rule is the basis of the
grant; when none does, the reasons of the most recent candidate are recorded. Reason codes are stable
strings (README, "Reason codes").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from bayledger.core.modules.datamobility.checks import (
    GBA_JURISDICTIONS,
    GBA_MAINLAND_CITIES,
    GBA_ROUTE_CLASSIFICATIONS,
    HONG_KONG,
)
from bayledger.core.modules.datamobility.records import ALLOW, DENY, GIVEN, Consent, DataAsset, Filing
from bayledger.core.modules.datamobility.state import list_pair_filings, list_subject_consents
from bayledger.core.modules.datamobility.workdays import compute_block_date
from bayledger.core.modules.identity.state import (
    is_credential_valid,
    is_jurisdiction_covered,
    list_subject_credentials,
)
from bayledger.core.store import StateReader
from bayledger.core.types import Did, TimestampMs

DATA_RECIPIENT_CREDENTIAL = "DataRecipientCredential"
R = TypeVar("R", Consent, Filing)
SIDE_HK = "HK"
SIDE_MAINLAND = "mainland"

IMPORTANT_DATA_EXCLUDED = "important_data_excluded"
ASSET_OUTSIDE_GBA = "asset_outside_gba"
CATEGORIES_NOT_IN_ASSET = "categories_not_in_asset"
RECIPIENT_NOT_CREDENTIALED = "recipient_not_credentialed"
RECIPIENT_OUTSIDE_GBA = "recipient_outside_gba"
NOT_CROSS_BOUNDARY = "not_cross_boundary"
NO_CONSENT = "no_consent"
CONSENT_WITHDRAWN = "consent_withdrawn"
CONSENT_EXPIRED = "consent_expired"
CONSENT_NOT_YET_VALID = "consent_not_yet_valid"
PURPOSE_NOT_CONSENTED = "purpose_not_consented"
CATEGORIES_NOT_CONSENTED = "categories_not_consented"
NO_CROSS_BOUNDARY_CONSENT = "no_separate_cross_boundary_consent"
NO_SENSITIVE_CONSENT = "no_separate_sensitive_consent"
NO_FILING = "no_filing"
FILING_NOT_EFFECTIVE = "filing_not_effective"
FILING_DIRECTION_MISMATCH = "filing_direction_mismatch"
RECIPIENT_CITY_MISMATCH = "recipient_city_mismatch"
PURPOSE_NOT_FILED = "purpose_not_filed"
CATEGORIES_NOT_FILED = "categories_not_filed"
FILING_VOLUME_EXCEEDED = "filing_volume_exceeded"

REASON_CODES = (
    IMPORTANT_DATA_EXCLUDED,
    ASSET_OUTSIDE_GBA,
    CATEGORIES_NOT_IN_ASSET,
    RECIPIENT_NOT_CREDENTIALED,
    RECIPIENT_OUTSIDE_GBA,
    NOT_CROSS_BOUNDARY,
    NO_CONSENT,
    CONSENT_WITHDRAWN,
    CONSENT_EXPIRED,
    CONSENT_NOT_YET_VALID,
    PURPOSE_NOT_CONSENTED,
    CATEGORIES_NOT_CONSENTED,
    NO_CROSS_BOUNDARY_CONSENT,
    NO_SENSITIVE_CONSENT,
    NO_FILING,
    FILING_NOT_EFFECTIVE,
    FILING_DIRECTION_MISMATCH,
    RECIPIENT_CITY_MISMATCH,
    PURPOSE_NOT_FILED,
    CATEGORIES_NOT_FILED,
    FILING_VOLUME_EXCEEDED,
)
"""Every reason code a deny decision may carry, in the order the checks run."""


@dataclass(frozen=True)
class Decision:
    """The outcome of a transfer request: ``allow`` or ``deny``, its reasons, and the records it rests on."""

    decision: str
    reasons: tuple[str, ...]
    consent: Consent | None
    filing: Filing | None


def side_of_jurisdiction(jurisdiction: str) -> str | None:
    """``HK``, ``mainland`` (Guangdong, ``CN-GD``), or None for a place outside the GBA route."""
    if is_jurisdiction_covered(["HK"], jurisdiction):
        return SIDE_HK
    if is_jurisdiction_covered(["CN-GD"], jurisdiction):
        return SIDE_MAINLAND
    return None


def side_of_city(city: str) -> str | None:
    """``HK`` for Hong Kong, ``mainland`` for the nine GBA cities, None otherwise."""
    if city == HONG_KONG:
        return SIDE_HK
    return SIDE_MAINLAND if city in GBA_MAINLAND_CITIES else None


def consent_status_at(consent: Consent, time_ms: TimestampMs) -> str:
    """``given``, ``withdrawn`` or ``expired`` at ``time_ms`` (expiry counts even before it is recorded)."""
    if consent.status == GIVEN and consent.valid_until and time_ms >= consent.valid_until:
        return "expired"
    return consent.status


def check_consent(
    consent: Consent, asset: DataAsset, purpose: str, categories: list[str], time_ms: TimestampMs
) -> list[str]:
    """The reasons this consent does not cover the request (empty when it does)."""
    reasons = []
    status = consent_status_at(consent, time_ms)
    if status == "withdrawn":
        reasons.append(CONSENT_WITHDRAWN)
    elif status == "expired":
        reasons.append(CONSENT_EXPIRED)
    elif time_ms < consent.valid_from:
        reasons.append(CONSENT_NOT_YET_VALID)
    if not is_jurisdiction_covered(list(GBA_JURISDICTIONS), consent.recipient_jurisdiction):
        reasons.append(RECIPIENT_OUTSIDE_GBA)
    recipient_side = side_of_jurisdiction(consent.recipient_jurisdiction)
    if recipient_side is not None and recipient_side == side_of_jurisdiction(asset.storage_location):
        reasons.append(NOT_CROSS_BOUNDARY)
    if purpose not in consent.purposes:
        reasons.append(PURPOSE_NOT_CONSENTED)
    if not set(categories) <= set(consent.categories):
        reasons.append(CATEGORIES_NOT_CONSENTED)
    if not consent.cross_boundary:
        reasons.append(NO_CROSS_BOUNDARY_CONSENT)
    if asset.sensitive and not consent.sensitive:
        reasons.append(NO_SENSITIVE_CONSENT)
    return reasons


def check_filing(
    filing: Filing,
    purpose: str,
    categories: list[str],
    time_ms: TimestampMs,
    asset_side: str | None = None,
    recipient_sides: frozenset[str] = frozenset(),
) -> list[str]:
    """The reasons this filing does not cover the request (empty when it does).

    ``asset_side`` is the side (``HK`` / ``mainland``) the asset is stored on: the filing's processor city
    must be on it (else its direction is not the flow's). ``recipient_sides`` are the sides of the
    recipient's valid DataRecipientCredentials: the filing's recipient city must be on one of them. An
    unknown side (None / empty) is not checked here: it is already denied for other reasons.
    """
    reasons = []
    if compute_block_date(time_ms).isoformat() < filing.effective_date:
        reasons.append(FILING_NOT_EFFECTIVE)
    if asset_side is not None and side_of_city(filing.processor_city) != asset_side:
        reasons.append(FILING_DIRECTION_MISMATCH)
    if recipient_sides and side_of_city(filing.recipient_city) not in recipient_sides:
        reasons.append(RECIPIENT_CITY_MISMATCH)
    if purpose not in filing.purposes:
        reasons.append(PURPOSE_NOT_FILED)
    if not set(categories) <= set(filing.categories):
        reasons.append(CATEGORIES_NOT_FILED)
    if filing.grants >= filing.volume:
        reasons.append(FILING_VOLUME_EXCEEDED)
    return reasons


def compute_recipient_sides(store: StateReader, recipient: Did, time_ms: TimestampMs) -> frozenset[str]:
    """The sides (``HK`` / ``mainland``) of the recipient's valid DataRecipientCredentials in the GBA."""
    sides = {
        side_of_jurisdiction(credential.jurisdiction)
        for credential in list_subject_credentials(store, recipient, DATA_RECIPIENT_CREDENTIAL)
        if is_credential_valid(store, credential, time_ms)
    }
    return frozenset(side for side in sides if side is not None)


def check_recipient_credential(store: StateReader, recipient: Did, time_ms: TimestampMs) -> list[str]:
    """``[]`` when the recipient holds a valid DataRecipientCredential issued for HK or Guangdong."""
    valid = [
        credential
        for credential in list_subject_credentials(store, recipient, DATA_RECIPIENT_CREDENTIAL)
        if is_credential_valid(store, credential, time_ms)
    ]
    if not valid:
        return [RECIPIENT_NOT_CREDENTIALED]
    if not any(is_jurisdiction_covered(list(GBA_JURISDICTIONS), c.jurisdiction) for c in valid):
        return [RECIPIENT_OUTSIDE_GBA]
    return []


def _best(candidates: list[tuple[R, list[str]]], none_reason: str) -> tuple[R | None, list[str]]:
    for record, reasons in candidates:
        if not reasons:
            return record, []
    if not candidates:
        return None, [none_reason]
    return candidates[-1]


def compute_transfer_decision(
    store: StateReader,
    time_ms: TimestampMs,
    asset: DataAsset,
    recipient: Did,
    purpose: str,
    categories: list[str],
) -> Decision:
    """Decide a transfer request from classification, credentials, consent and filing, deterministically."""
    reasons: list[str] = []
    if asset.classification not in GBA_ROUTE_CLASSIFICATIONS:
        reasons.append(IMPORTANT_DATA_EXCLUDED)
    if not is_jurisdiction_covered(list(GBA_JURISDICTIONS), asset.storage_location):
        reasons.append(ASSET_OUTSIDE_GBA)
    if not set(categories) <= set(asset.categories):
        reasons.append(CATEGORIES_NOT_IN_ASSET)
    reasons += check_recipient_credential(store, recipient, time_ms)
    asset_side = side_of_jurisdiction(asset.storage_location)
    recipient_sides = compute_recipient_sides(store, recipient, time_ms)
    if asset_side is not None and recipient_sides == {asset_side}:
        reasons.append(NOT_CROSS_BOUNDARY)
    consents = [
        (c, check_consent(c, asset, purpose, categories, time_ms))
        for c in list_subject_consents(store, asset.subject)
        if c.controller == asset.owner and c.recipient == recipient
    ]
    consent, consent_reasons = _best(consents, NO_CONSENT)
    filings = [
        (f, check_filing(f, purpose, categories, time_ms, asset_side, recipient_sides))
        for f in list_pair_filings(store, asset.owner, recipient)
        if not f.superseded_by
    ]
    filing, filing_reasons = _best(filings, NO_FILING)
    reasons += consent_reasons + filing_reasons
    unique = tuple(code for code in REASON_CODES if code in reasons)
    return Decision(decision=DENY if unique else ALLOW, reasons=unique, consent=consent, filing=filing)
