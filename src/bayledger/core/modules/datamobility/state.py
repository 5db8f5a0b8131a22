"""State accessors of the datamobility module: assets, consents, filings, requests, grants, fingerprints,
the access log and settings, with the indexes the queries and the end-of-block expiry need."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.modules.datamobility.records import (
    Consent,
    DataAsset,
    DocumentFingerprint,
    Filing,
    Grant,
    LogEntry,
    Settings,
    TransferRequest,
)
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did, TimestampMs

P = b"datamobility/"
ASSET_PREFIX = P + b"a/"  # a/<asset_id> -> DataAsset
CONSENT_PREFIX = P + b"c/"  # c/<consent_id> -> Consent
SUBJECT_CONSENT_PREFIX = P + b"cs/"  # cs/<subject>/<consent_id> -> b"1"
EXPIRY_PREFIX = P + b"cx/"  # cx/<valid_until:016d>/<consent_id> -> b"1" while given
FILING_PREFIX = P + b"f/"  # f/<filing_id> -> Filing
PAIR_FILING_PREFIX = P + b"fp/"  # fp/<processor>/<recipient>/<filing_id> -> b"1"
REQUEST_PREFIX = P + b"r/"  # r/<request_id> -> TransferRequest
GRANT_PREFIX = P + b"g/"  # g/<grant_id> -> Grant
CONSENT_GRANT_PREFIX = P + b"gc/"  # gc/<consent_id>/<grant_id> -> b"1"
DOCUMENT_PREFIX = P + b"d/"  # d/<fingerprint_id> -> DocumentFingerprint
LOG_PREFIX = P + b"l/"  # l/<seq:012d> -> LogEntry
SUBJECT_LOG_PREFIX = P + b"ls/"  # ls/<subject>/<seq:012d> -> b"1"
SETTINGS_KEY = P + b"s"
SEQUENCE_PREFIX = P + b"n/"  # n/<kind> -> counter

T = TypeVar("T", bound=msgspec.Struct)


def _get(store: StateReader, key: bytes, record_type: type[T]) -> T | None:
    raw = store.get(key)
    return None if raw is None else decode_record(raw, record_type)


def _list(store: StateReader, prefix: bytes, record_type: type[T]) -> list[T]:
    return [decode_record(raw, record_type) for _, raw in store.iter_prefix(prefix)]


def _index_tail(store: StateReader, prefix: bytes) -> list[str]:
    return [key[len(prefix) :].decode() for key, _ in store.iter_prefix(prefix)]


def next_id(store: WritableState, kind: str, prefix: str) -> str:
    """The next deterministic id of a kind: ``DA-00000001``, ``CNS-00000001``, ``GBA-00000001`` …"""
    return f"{prefix}-{take_next_sequence(store, SEQUENCE_PREFIX + kind.encode()):08d}"


def asset_key(asset_id: str) -> bytes:
    """State key of a data asset (provable kind ``asset``)."""
    return ASSET_PREFIX + asset_id.encode()


def consent_key(consent_id: str) -> bytes:
    """State key of a consent (provable kind ``consent``)."""
    return CONSENT_PREFIX + consent_id.encode()


def filing_key(filing_id: str) -> bytes:
    """State key of a filing (provable kind ``filing``)."""
    return FILING_PREFIX + filing_id.encode()


def request_key(request_id: str) -> bytes:
    """State key of a transfer request and its decision (provable kind ``request``)."""
    return REQUEST_PREFIX + request_id.encode()


def grant_key(grant_id: str) -> bytes:
    """State key of a grant (provable kind ``grant``)."""
    return GRANT_PREFIX + grant_id.encode()


def document_key(fingerprint_id: str) -> bytes:
    """State key of an anchored document fingerprint (provable kind ``fingerprint``)."""
    return DOCUMENT_PREFIX + fingerprint_id.encode()


def log_key(seq: int) -> bytes:
    """State key of an access-log entry (provable kind ``log``, ident the decimal sequence number)."""
    return LOG_PREFIX + f"{seq:012d}".encode()


def log_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``log`` from the entry's sequence number."""
    return log_key(int(ident)) if ident.isdigit() else LOG_PREFIX + ident.encode()


# --- assets, consents, filings -----------------------------------------------------------------------------


def get_asset(store: StateReader, asset_id: str) -> DataAsset | None:
    """The data asset, or None."""
    return _get(store, asset_key(asset_id), DataAsset)


def set_asset(store: WritableState, asset: DataAsset) -> None:
    """Write a data asset."""
    store.set(asset_key(asset.asset_id), encode_record(asset))


def list_assets(store: StateReader) -> list[DataAsset]:
    """Every data asset in id order."""
    return _list(store, ASSET_PREFIX, DataAsset)


def get_consent(store: StateReader, consent_id: str) -> Consent | None:
    """The consent record, or None."""
    return _get(store, consent_key(consent_id), Consent)


def set_consent(store: WritableState, consent: Consent) -> None:
    """Write a consent, its subject index entry, and its expiry index entry while it is given."""
    store.set(consent_key(consent.consent_id), encode_record(consent))
    store.set(SUBJECT_CONSENT_PREFIX + f"{consent.subject}/{consent.consent_id}".encode(), b"1")
    expiry = EXPIRY_PREFIX + f"{consent.valid_until:016d}/{consent.consent_id}".encode()
    if consent.status == "given" and consent.valid_until > 0:
        store.set(expiry, b"1")
    else:
        store.delete(expiry)


def list_consents(store: StateReader) -> list[Consent]:
    """Every consent in id order."""
    return _list(store, CONSENT_PREFIX, Consent)


def list_subject_consents(store: StateReader, subject: Did) -> list[Consent]:
    """The consents a data subject gave, in id order."""
    ids = _index_tail(store, SUBJECT_CONSENT_PREFIX + subject.encode() + b"/")
    return [c for c in (get_consent(store, i) for i in ids) if c is not None]


def list_due_consent_ids(store: StateReader, time_ms: TimestampMs) -> list[str]:
    """Ids of given consents whose ``valid_until`` is at or before ``time_ms`` (the expiry index)."""
    due = []
    for key, _ in store.iter_prefix(EXPIRY_PREFIX):
        until, _, consent_id = key[len(EXPIRY_PREFIX) :].decode().partition("/")
        if int(until) > time_ms:
            break
        due.append(consent_id)
    return due


def get_filing(store: StateReader, filing_id: str) -> Filing | None:
    """The filing, or None."""
    return _get(store, filing_key(filing_id), Filing)


def set_filing(store: WritableState, filing: Filing) -> None:
    """Write a filing and its (processor, recipient) index entry."""
    store.set(filing_key(filing.filing_id), encode_record(filing))
    pair = f"{filing.processor}/{filing.recipient}/{filing.filing_id}"
    store.set(PAIR_FILING_PREFIX + pair.encode(), b"1")


def list_filings(store: StateReader) -> list[Filing]:
    """Every filing in id order."""
    return _list(store, FILING_PREFIX, Filing)


def list_pair_filings(store: StateReader, processor: Did, recipient: Did) -> list[Filing]:
    """The filings between a processor and a recipient, in id order (superseded ones included)."""
    ids = _index_tail(store, PAIR_FILING_PREFIX + f"{processor}/{recipient}/".encode())
    return [f for f in (get_filing(store, i) for i in ids) if f is not None]


# --- requests and grants -----------------------------------------------------------------------------------


def get_request(store: StateReader, request_id: str) -> TransferRequest | None:
    """The transfer request with its decision, or None."""
    return _get(store, request_key(request_id), TransferRequest)


def set_request(store: WritableState, request: TransferRequest) -> None:
    """Write a transfer request."""
    store.set(request_key(request.request_id), encode_record(request))


def list_requests(store: StateReader) -> list[TransferRequest]:
    """Every transfer request in id order."""
    return _list(store, REQUEST_PREFIX, TransferRequest)


def get_grant(store: StateReader, grant_id: str) -> Grant | None:
    """The grant, or None."""
    return _get(store, grant_key(grant_id), Grant)


def set_grant(store: WritableState, grant: Grant) -> None:
    """Write a grant and its consent index entry."""
    store.set(grant_key(grant.grant_id), encode_record(grant))
    store.set(CONSENT_GRANT_PREFIX + f"{grant.consent_id}/{grant.grant_id}".encode(), b"1")


def list_grants(store: StateReader) -> list[Grant]:
    """Every grant in id order."""
    return _list(store, GRANT_PREFIX, Grant)


def list_consent_grants(store: StateReader, consent_id: str) -> list[Grant]:
    """The grants made under a consent, in id order."""
    ids = _index_tail(store, CONSENT_GRANT_PREFIX + consent_id.encode() + b"/")
    return [g for g in (get_grant(store, i) for i in ids) if g is not None]


# --- validation mode ---------------------------------------------------------------------------------------


def get_document(store: StateReader, fingerprint_id: str) -> DocumentFingerprint | None:
    """The anchored document fingerprint, or None."""
    return _get(store, document_key(fingerprint_id), DocumentFingerprint)


def set_document(store: WritableState, document: DocumentFingerprint) -> None:
    """Write an anchored document fingerprint."""
    store.set(document_key(document.fingerprint_id), encode_record(document))


def list_documents(store: StateReader) -> list[DocumentFingerprint]:
    """Every anchored document fingerprint in id order."""
    return _list(store, DOCUMENT_PREFIX, DocumentFingerprint)


# --- access log and settings -------------------------------------------------------------------------------


def get_log_head(store: StateReader) -> tuple[int, str]:
    """The last log sequence number and its entry hash (``(0, "")`` for an empty log)."""
    raw = store.get(SEQUENCE_PREFIX + b"log")
    if raw is None:
        return 0, ""
    seq = int(raw)
    entry = _get(store, log_key(seq), LogEntry)
    return seq, "" if entry is None else entry.entry_hash


def append_log_entry(store: WritableState, entry: LogEntry) -> None:
    """Write the next log entry (its ``seq`` must be the head + 1) and its subject index entry."""
    take_next_sequence(store, SEQUENCE_PREFIX + b"log")
    store.set(log_key(entry.seq), encode_record(entry))
    if entry.subject:
        store.set(SUBJECT_LOG_PREFIX + f"{entry.subject}/{entry.seq:012d}".encode(), b"1")


def list_log(store: StateReader) -> list[LogEntry]:
    """The whole access log in sequence order."""
    return _list(store, LOG_PREFIX, LogEntry)


def list_subject_log(store: StateReader, subject: Did) -> list[LogEntry]:
    """The log entries about one data subject, in sequence order."""
    seqs = _index_tail(store, SUBJECT_LOG_PREFIX + subject.encode() + b"/")
    return [e for e in (_get(store, log_key(int(s)), LogEntry) for s in seqs) if e is not None]


def get_settings(store: StateReader) -> Settings:
    """The module settings (defaults when genesis set none)."""
    return _get(store, SETTINGS_KEY, Settings) or Settings()


def set_settings(store: WritableState, settings: Settings) -> None:
    """Write the module settings."""
    store.set(SETTINGS_KEY, encode_record(settings))
