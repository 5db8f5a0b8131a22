"""Stateless checks (``validate_basic``) of the datamobility messages, and the vocabularies they use."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from bayledger.core.did import is_did_bid
from bayledger.core.finance.dates import parse_date
from bayledger.core.finance.errors import InvalidDateError
from bayledger.core.modules.datamobility.errors import InvalidDataMessageError
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

GBA_MAINLAND_CITIES = (
    "Guangzhou",
    "Shenzhen",
    "Zhuhai",
    "Foshan",
    "Huizhou",
    "Dongguan",
    "Zhongshan",
    "Jiangmen",
    "Zhaoqing",
)
HONG_KONG = "Hong Kong"
GBA_CITIES = (*GBA_MAINLAND_CITIES, HONG_KONG)
"""The places a GBA Standard Contract party may be registered in (Macao is outside this route)."""
GBA_JURISDICTIONS = ("HK", "CN-GD")
"""ISO 3166 codes of the GBA route: Hong Kong, and Guangdong (whose nine GBA cities are listed above)."""
HK_TO_MAINLAND = "hk-to-mainland"
MAINLAND_TO_HK = "mainland-to-hk"
CLASSIFICATIONS = ("general", "important", "core")  # GB/T 43697-2024
GBA_ROUTE_CLASSIFICATIONS = ("general",)
HASH_ALGORITHMS = ("sha256", "sm3")
MASKING_PROFILES = ("none", "mask-id-numbers", "generalise-address", "credit-summary", "de-identified")
"""Masking profiles a grant may name; ``bayledger.offchain.masking`` implements exactly these."""
KEY_TYPES = {"x25519": 32, "sm2": 65}
"""Recipient vault key types (``<type>:<base64>``) and their public key sizes."""
MAX_ITEMS = 32
MAX_TEXT = 256
MAX_TIME_MS = 2**53 - 1
MAX_RETENTION_DAYS = 36_500
MAX_VOLUME = 2**53 - 1
MAX_HOLIDAYS = 1024

_TOKEN = re.compile(r"[a-z][a-z0-9_.-]{0,63}")  # purposes, categories, document types
_JURISDICTION = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"[A-Z]{2,3}-[0-9]{8}")


def _fail(message: str) -> InvalidDataMessageError:
    return InvalidDataMessageError(message)


def check_did(field: str, did: str) -> None:
    """Raise unless ``did`` is a did:bid."""
    if not is_did_bid(did):
        raise _fail(f"{field} {did!r} is not a did:bid")


def check_id(field: str, value: str, prefix: str) -> None:
    """Raise unless ``value`` is a record id like ``<prefix>-00000001``."""
    if _ID.fullmatch(value) is None or not value.startswith(prefix + "-"):
        raise _fail(f"{field} {value!r} is not an id like {prefix}-00000001")


def check_text(field: str, value: str, *, required: bool = True, limit: int = MAX_TEXT) -> None:
    """Raise unless ``value`` has at most ``limit`` characters (and is not blank when required)."""
    if len(value) > limit or (required and not value.strip()):
        raise _fail(f"{field} must be {1 if required else 0}-{limit} characters")


def check_tokens(field: str, values: Sequence[str], *, limit: int = MAX_ITEMS) -> None:
    """Raise unless ``values`` is 1..limit distinct lower-case tokens like ``credit_history``."""
    if not 1 <= len(values) <= limit:
        raise _fail(f"{field} must list 1-{limit} entries")
    if len(set(values)) != len(values):
        raise _fail(f"{field} lists an entry twice")
    for value in values:
        if _TOKEN.fullmatch(value) is None:
            raise _fail(f"{field} entry {value!r} is not a lower-case token like credit_history")


def check_hash(field: str, value: str) -> None:
    """Raise unless ``value`` is 64 lower-case hex digits (a SHA-256 or SM3 digest)."""
    if _HEX64.fullmatch(value) is None:
        raise _fail(f"{field} must be 64 lower-case hex digits (SHA-256 or SM3)")


def check_hash_algorithm(value: str) -> None:
    """Raise unless ``value`` is ``sha256`` or ``sm3``."""
    if value not in HASH_ALGORITHMS:
        raise _fail(f"hash_algorithm {value!r} is not one of {', '.join(HASH_ALGORITHMS)}")


def check_time(field: str, value: int) -> None:
    """Raise unless ``value`` is a millisecond timestamp in 0..2^53-1."""
    if not 0 <= value <= MAX_TIME_MS:
        raise _fail(f"{field} must be 0..{MAX_TIME_MS} ms")


def check_retention(value: int) -> None:
    """Raise unless a retention period is 1..36500 days."""
    if not 1 <= value <= MAX_RETENTION_DAYS:
        raise _fail(f"retention_days must be 1..{MAX_RETENTION_DAYS}")


def check_city(field: str, city: str) -> None:
    """Raise unless ``city`` is one of the nine GBA cities or Hong Kong."""
    if city not in GBA_CITIES:
        raise _fail(f"{field} {city!r} is outside the Greater Bay Area route ({', '.join(GBA_CITIES)})")


def check_recipient_key(value: str) -> None:
    """Raise unless ``value`` is ``x25519:<base64 32 bytes>`` or ``sm2:<base64 65 bytes 04||X||Y>``."""
    kind, _, encoded = value.partition(":")
    try:
        raw = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _fail("recipient_key is not base64") from None
    size = KEY_TYPES.get(kind)
    if size is None or len(raw) != size or (kind == "sm2" and raw[0] != 4):
        raise _fail("recipient_key must be x25519:<32 bytes base64> or sm2:<65 bytes 04||X||Y base64>")


def direction_of(processor_city: str, recipient_city: str) -> str | None:
    """``hk-to-mainland``, ``mainland-to-hk``, or None when the transfer does not cross the boundary."""
    if processor_city == HONG_KONG and recipient_city in GBA_MAINLAND_CITIES:
        return HK_TO_MAINLAND
    if processor_city in GBA_MAINLAND_CITIES and recipient_city == HONG_KONG:
        return MAINLAND_TO_HK
    return None


def validate_register_data_asset(msg: MsgRegisterDataAsset) -> None:
    """Stateless checks of MsgRegisterDataAsset."""
    check_did("subject", msg.subject)
    check_text("title", msg.title)
    check_tokens("categories", msg.categories)
    if msg.classification not in CLASSIFICATIONS:
        raise _fail(f"classification {msg.classification!r} is not one of {', '.join(CLASSIFICATIONS)}")
    if not 1 <= msg.financial_grade <= 5:
        raise _fail("financial_grade is the JR/T 0197 level 1..5")
    if _JURISDICTION.fullmatch(msg.storage_location) is None:
        raise _fail(f"storage_location {msg.storage_location!r} is not an ISO 3166 code like HK or CN-GD")
    check_hash("fingerprint", msg.fingerprint)
    check_hash_algorithm(msg.hash_algorithm)


def validate_give_consent(msg: MsgGiveConsent) -> None:
    """Stateless checks of MsgGiveConsent (every ISO/IEC 27560 field a recipient must be named by)."""
    check_did("controller", msg.controller)
    check_did("recipient", msg.recipient)
    if msg.recipient == msg.subject:
        raise _fail("the recipient cannot be the data subject")
    for field in ("recipient_name", "recipient_contact", "processing_method", "withdrawal_method"):
        check_text(field, getattr(msg, field))
    check_text("rights_contact", msg.rights_contact)
    if _JURISDICTION.fullmatch(msg.recipient_jurisdiction) is None:
        raise _fail(f"recipient_jurisdiction {msg.recipient_jurisdiction!r} is not an ISO 3166 code")
    check_tokens("purposes", msg.purposes)
    check_tokens("categories", msg.categories)
    check_retention(msg.retention_days)
    check_hash("notice_hash", msg.notice_hash)
    if _LANGUAGE.fullmatch(msg.notice_language) is None:
        raise _fail(f"notice_language {msg.notice_language!r} is not a language tag like zh-Hant or en")
    check_time("valid_from", msg.valid_from)
    check_time("valid_until", msg.valid_until)
    if msg.valid_until and msg.valid_until <= msg.valid_from:
        raise _fail("valid_until must be after valid_from (or 0 for until withdrawn)")


def validate_withdraw_consent(msg: MsgWithdrawConsent) -> None:
    """Stateless checks of MsgWithdrawConsent."""
    check_id("consent_id", msg.consent_id, "CNS")
    check_text("reason", msg.reason, required=False)


def validate_withdraw_all_consents(msg: MsgWithdrawAllConsents) -> None:
    """Stateless checks of MsgWithdrawAllConsents."""
    check_text("reason", msg.reason, required=False)


def validate_file_contract(msg: MsgFileContract) -> None:
    """Stateless checks of MsgFileContract: GBA cities, a boundary crossed, no onward transfer, dates."""
    check_did("recipient", msg.recipient)
    if msg.recipient == msg.processor:
        raise _fail("processor and recipient are the same party")
    check_city("processor_city", msg.processor_city)
    check_city("recipient_city", msg.recipient_city)
    if direction_of(msg.processor_city, msg.recipient_city) is None:
        raise _fail("a GBA filing is for a transfer between Hong Kong and a Mainland GBA city")
    if msg.onward_transfer_outside_gba:
        raise _fail("the GBA Standard Contract forbids onward transfer outside the Greater Bay Area")
    for field in ("processor_name", "recipient_name", "pia_reference", "filing_authority"):
        check_text(field, getattr(msg, field))
    check_text("filing_reference", msg.filing_reference)
    check_tokens("purposes", msg.purposes)
    check_tokens("categories", msg.categories)
    if not 1 <= msg.volume <= MAX_VOLUME:
        raise _fail("volume (number of data subjects) must be positive")
    check_retention(msg.retention_days)
    try:
        parse_date(msg.effective_date)
    except InvalidDateError as exc:
        raise _fail(f"effective_date: {exc.message}") from None
    if msg.supersedes:
        check_id("supersedes", msg.supersedes, "GBA")


def validate_request_transfer(msg: MsgRequestTransfer) -> None:
    """Stateless checks of MsgRequestTransfer."""
    check_id("asset_id", msg.asset_id, "DA")
    check_tokens("purpose", [msg.purpose], limit=1)
    check_tokens("categories", msg.categories)
    if msg.masking_profile not in MASKING_PROFILES:
        raise _fail(f"masking_profile {msg.masking_profile!r} is not one of {', '.join(MASKING_PROFILES)}")
    check_recipient_key(msg.recipient_key)


def validate_dispatch_transfer(msg: MsgDispatchTransfer) -> None:
    """Stateless checks of MsgDispatchTransfer."""
    check_id("grant_id", msg.grant_id, "DTG")
    check_hash("payload_fingerprint", msg.payload_fingerprint)


def validate_acknowledge_delivery(msg: MsgAcknowledgeDelivery) -> None:
    """Stateless checks of MsgAcknowledgeDelivery: a refusal must say why."""
    check_id("grant_id", msg.grant_id, "DTG")
    check_hash("received_fingerprint", msg.received_fingerprint)
    check_text("reason", msg.reason, required=not msg.accepted)


def validate_confirm_deletion(msg: MsgConfirmDeletion) -> None:
    """Stateless checks of MsgConfirmDeletion."""
    check_id("grant_id", msg.grant_id, "DTG")


def validate_anchor_fingerprint(msg: MsgAnchorFingerprint) -> None:
    """Stateless checks of MsgAnchorFingerprint."""
    check_did("subject", msg.subject)
    check_tokens("document_type", [msg.document_type], limit=1)
    check_hash("fingerprint", msg.fingerprint)
    check_hash_algorithm(msg.hash_algorithm)
    check_time("valid_until", msg.valid_until)


def validate_validate_document(msg: MsgValidateDocument) -> None:
    """Stateless checks of MsgValidateDocument."""
    check_id("fingerprint_id", msg.fingerprint_id, "DFP")
    check_hash("presented_hash", msg.presented_hash)
    check_hash_algorithm(msg.hash_algorithm)


def validate_set_holidays(msg: MsgSetHolidays) -> None:
    """Stateless checks of MsgSetHolidays: up to 1024 distinct ISO dates."""
    if len(msg.holidays) > MAX_HOLIDAYS or len(set(msg.holidays)) != len(msg.holidays):
        raise _fail(f"holidays must be at most {MAX_HOLIDAYS} distinct dates")
    for text in msg.holidays:
        try:
            parse_date(text)
        except InvalidDateError as exc:
            raise _fail(f"holiday: {exc.message}") from None
