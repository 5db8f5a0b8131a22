"""State of the identity module: versioned DID documents, trusted issuers, credentials and status lists."""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState
from bayledger.core.types import Did, Height, TimestampMs

DID_PREFIX = b"identity/d/"  # identity/d/<did> -> DidPointer (latest version)
VERSION_PREFIX = b"identity/v/"  # identity/v/<did>/<version:08d> -> DidVersion
TRUSTED_PREFIX = b"identity/t/"  # identity/t/<credential_type>/<issuer> -> TrustedIssuer
CREDENTIAL_PREFIX = b"identity/c/"  # identity/c/<issuer>/<credential_id> -> Credential
SUBJECT_PREFIX = b"identity/s/"  # identity/s/<subject>/<type>/<issuer>/<credential_id> -> b"1"
STATUS_LIST_PREFIX = b"identity/l/"  # identity/l/<issuer>/<list_id> -> StatusList
STATUS_FLAG_PREFIX = b"identity/f/"  # identity/f/<issuer>/<list_id>/<index:010d> -> b"1"
REVOCATION = "revocation"
SUSPENSION = "suspension"


class DidVersion(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One version of a DID document: when it took effect and its canonical JSON."""

    version: int
    height: Height
    time: TimestampMs
    deactivated: bool
    document_json: str


class DidPointer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The latest version of a DID document (``deactivated`` copied from that version)."""

    did: Did
    version: int
    deactivated: bool


class TrustedIssuer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An issuer trusted for one credential type in some jurisdictions (set only by genesis or governance).

    A listed jurisdiction covers itself and its subdivisions: ``CN`` covers ``CN-GD``.
    """

    issuer: Did
    credential_type: str
    jurisdictions: list[str]
    added_height: Height


class Credential(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A credential registered on chain by its issuer: its hash, subject, validity and status entry."""

    issuer: Did
    credential_id: str
    credential_type: str
    subject: Did
    jurisdiction: str
    valid_from: TimestampMs
    valid_until: TimestampMs
    status_list_id: str
    status_index: int
    credential_hash: str
    registered_height: Height


class StatusFlag(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One flagged index of a status list (its key names the issuer and list; absent = not flagged)."""

    index: int


class StatusList(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An issuer's status list: its purpose, the last anchored hash, and how many indices it ever flagged.

    The flagged indices themselves are separate keys. ``flagged_total`` only grows: for a revocation list
    it equals the number of flagged indices (nothing is ever cleared).
    """

    issuer: Did
    list_id: str
    purpose: str
    list_hash: str
    flagged_total: int
    updated_height: Height


# --- DID documents -----------------------------------------------------------------------------------------


def did_key(did: Did) -> bytes:
    """State key of a DID's latest-version pointer (provable kind ``did``)."""
    return DID_PREFIX + did.encode()


def did_version_key(did: Did, version: int) -> bytes:
    """State key of one version of a DID document."""
    return VERSION_PREFIX + did.encode() + b"/" + f"{version:08d}".encode()


def did_version_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``did-version`` from ``<did>/<version>``.

    A malformed ident maps to a key that never holds a value, so its proof is one of absence.
    """
    did, _, version = ident.rpartition("/")
    if not did or not version.isdigit() or len(version) > 8:
        return VERSION_PREFIX + ident.encode()
    return did_version_key(did, int(version))


def get_did_pointer(store: StateReader, did: Did) -> DidPointer | None:
    """The pointer to a DID's latest version, or None when it has no document."""
    raw = store.get(did_key(did))
    return None if raw is None else decode_record(raw, DidPointer)


def get_did_version(store: StateReader, did: Did, version: int) -> DidVersion | None:
    """One version of a DID document, or None."""
    raw = store.get(did_version_key(did, version))
    return None if raw is None else decode_record(raw, DidVersion)


def get_latest_did(store: StateReader, did: Did) -> DidVersion | None:
    """The latest version of a DID document (deactivated or not), or None."""
    pointer = get_did_pointer(store, did)
    return None if pointer is None else get_did_version(store, did, pointer.version)


def list_did_versions(store: StateReader, did: Did) -> list[DidVersion]:
    """Every version of a DID document, oldest first."""
    prefix = VERSION_PREFIX + did.encode() + b"/"
    return [decode_record(raw, DidVersion) for _, raw in store.iter_prefix(prefix)]


def get_did_version_at_time(store: StateReader, did: Did, time_ms: TimestampMs) -> DidVersion | None:
    """The version in force at ``time_ms``: the last one whose block time is ≤ ``time_ms``, or None."""
    found = None
    for version in list_did_versions(store, did):
        if version.time > time_ms:
            break
        found = version
    return found


def set_did_version(store: WritableState, did: Did, version: DidVersion) -> None:
    """Write a new version of a DID document and move its latest pointer to it."""
    store.set(did_version_key(did, version.version), encode_record(version))
    store.set(
        did_key(did),
        encode_record(DidPointer(did=did, version=version.version, deactivated=version.deactivated)),
    )


def is_did_deactivated(store: StateReader, did: Did) -> bool:
    """True when the DID's latest document version is deactivated."""
    pointer = get_did_pointer(store, did)
    return pointer is not None and pointer.deactivated


def list_did_pointers(store: StateReader) -> list[DidPointer]:
    """Every DID with a document, in DID order."""
    return [decode_record(raw, DidPointer) for _, raw in store.iter_prefix(DID_PREFIX)]


# --- trusted issuers ---------------------------------------------------------------------------------------


def trusted_issuer_key(credential_type: str, issuer: Did) -> bytes:
    """State key of a trusted-issuer entry."""
    return TRUSTED_PREFIX + credential_type.encode() + b"/" + issuer.encode()


def trusted_issuer_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``trusted-issuer`` from ``<credential_type>/<issuer>``."""
    return TRUSTED_PREFIX + ident.encode()


def get_trusted_issuer(store: StateReader, credential_type: str, issuer: Did) -> TrustedIssuer | None:
    """The trusted-issuer entry of ``issuer`` for ``credential_type``, or None."""
    raw = store.get(trusted_issuer_key(credential_type, issuer))
    return None if raw is None else decode_record(raw, TrustedIssuer)


def set_trusted_issuer(store: WritableState, trusted: TrustedIssuer) -> None:
    """Add or replace a trusted-issuer entry (genesis and governance only)."""
    store.set(trusted_issuer_key(trusted.credential_type, trusted.issuer), encode_record(trusted))


def delete_trusted_issuer(store: WritableState, credential_type: str, issuer: Did) -> None:
    """Remove a trusted-issuer entry (governance only); credentials it issued stop counting as valid."""
    store.delete(trusted_issuer_key(credential_type, issuer))


def list_trusted_issuers(store: StateReader, credential_type: str | None = None) -> list[TrustedIssuer]:
    """Every trusted-issuer entry (of one credential type when given), in key order."""
    prefix = TRUSTED_PREFIX + (b"" if credential_type is None else credential_type.encode() + b"/")
    return [decode_record(raw, TrustedIssuer) for _, raw in store.iter_prefix(prefix)]


def is_jurisdiction_covered(jurisdictions: list[str], jurisdiction: str) -> bool:
    """True when ``jurisdiction`` is listed, or is a subdivision of a listed country (``CN`` ⊇ ``CN-GD``)."""
    return any(jurisdiction == j or jurisdiction.startswith(j + "-") for j in jurisdictions)


def is_trusted_issuer(store: StateReader, issuer: Did, credential_type: str, jurisdiction: str) -> bool:
    """True when ``issuer`` is trusted for ``credential_type`` in ``jurisdiction`` now."""
    trusted = get_trusted_issuer(store, credential_type, issuer)
    return trusted is not None and is_jurisdiction_covered(trusted.jurisdictions, jurisdiction)


# --- credentials -------------------------------------------------------------------------------------------


def credential_key(issuer: Did, credential_id: str) -> bytes:
    """State key of a registered credential."""
    return CREDENTIAL_PREFIX + issuer.encode() + b"/" + credential_id.encode()


def credential_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``credential`` from ``<issuer>/<credential_id>``."""
    return CREDENTIAL_PREFIX + ident.encode()


def _subject_prefix(subject: Did, credential_type: str) -> bytes:
    return SUBJECT_PREFIX + subject.encode() + b"/" + credential_type.encode() + b"/"


def get_credential(store: StateReader, issuer: Did, credential_id: str) -> Credential | None:
    """A registered credential, or None."""
    raw = store.get(credential_key(issuer, credential_id))
    return None if raw is None else decode_record(raw, Credential)


def set_credential(store: WritableState, credential: Credential) -> None:
    """Write a credential and its subject index entry."""
    store.set(credential_key(credential.issuer, credential.credential_id), encode_record(credential))
    index_key = (
        _subject_prefix(credential.subject, credential.credential_type)
        + credential.issuer.encode()
        + b"/"
        + credential.credential_id.encode()
    )
    store.set(index_key, b"1")


def list_credentials(store: StateReader) -> list[Credential]:
    """Every registered credential, in (issuer, id) order."""
    return [decode_record(raw, Credential) for _, raw in store.iter_prefix(CREDENTIAL_PREFIX)]


def list_subject_credentials(store: StateReader, subject: Did, credential_type: str) -> list[Credential]:
    """Every credential of ``credential_type`` registered for ``subject``, valid or not."""
    prefix = _subject_prefix(subject, credential_type)
    found = []
    for key, _ in store.iter_prefix(prefix):
        issuer, _, credential_id = key[len(prefix) :].decode().partition("/")
        credential = get_credential(store, issuer, credential_id)
        if credential is not None:
            found.append(credential)
    return found


# --- status lists ------------------------------------------------------------------------------------------


def status_list_key(issuer: Did, list_id: str) -> bytes:
    """State key of a status list record."""
    return STATUS_LIST_PREFIX + issuer.encode() + b"/" + list_id.encode()


def status_list_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``status-list`` from ``<issuer>/<list_id>``."""
    return STATUS_LIST_PREFIX + ident.encode()


def _flag_prefix(issuer: Did, list_id: str) -> bytes:
    return STATUS_FLAG_PREFIX + issuer.encode() + b"/" + list_id.encode() + b"/"


def status_flag_key(issuer: Did, list_id: str, index: int) -> bytes:
    """State key of one flagged index of a status list."""
    return _flag_prefix(issuer, list_id) + f"{index:010d}".encode()


def status_flag_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``status-flag`` from ``<issuer>/<list_id>/<index>`` (absent = not
    flagged); a malformed index gives a key no flag is stored under."""
    issuer, _, rest = ident.partition("/")  # a DID has no "/"; a list id may
    list_id, _, index = rest.rpartition("/")
    number = int(index) if index.isdigit() and len(index) <= 10 else -1
    return _flag_prefix(issuer, list_id) + (f"{number:010d}" if number >= 0 else "x").encode()


def get_status_list(store: StateReader, issuer: Did, list_id: str) -> StatusList | None:
    """A status list record, or None."""
    raw = store.get(status_list_key(issuer, list_id))
    return None if raw is None else decode_record(raw, StatusList)


def set_status_list(store: WritableState, status_list: StatusList) -> None:
    """Write a status list record."""
    store.set(status_list_key(status_list.issuer, status_list.list_id), encode_record(status_list))


def list_status_lists(store: StateReader) -> list[StatusList]:
    """Every status list, in (issuer, list id) order."""
    return [decode_record(raw, StatusList) for _, raw in store.iter_prefix(STATUS_LIST_PREFIX)]


def is_status_flagged(store: StateReader, issuer: Did, list_id: str, index: int) -> bool:
    """True when ``index`` of the list is flagged (revoked or suspended, by the list's purpose)."""
    return store.get(status_flag_key(issuer, list_id, index)) is not None


def set_status_flag(store: WritableState, issuer: Did, list_id: str, index: int) -> None:
    """Flag one index."""
    store.set(status_flag_key(issuer, list_id, index), encode_record(StatusFlag(index)))


def delete_status_flag(store: WritableState, issuer: Did, list_id: str, index: int) -> None:
    """Clear one index (suspension lists only)."""
    store.delete(status_flag_key(issuer, list_id, index))


def list_status_flags(store: StateReader, issuer: Did, list_id: str) -> list[int]:
    """The flagged indices of a list, ascending."""
    prefix = _flag_prefix(issuer, list_id)
    return [int(key[len(prefix) :]) for key, _ in store.iter_prefix(prefix)]


# --- lookups -----------------------------------------------------------------------------------------------


def is_credential_valid(store: StateReader, credential: Credential, time_ms: TimestampMs) -> bool:
    """True when the issuer is trusted now for its type and jurisdiction, ``time_ms`` is within validity,
    its status index is not flagged and the issuer's DID is not deactivated."""
    if not is_trusted_issuer(store, credential.issuer, credential.credential_type, credential.jurisdiction):
        return False
    if time_ms < credential.valid_from or (credential.valid_until and time_ms >= credential.valid_until):
        return False
    if credential.status_list_id and is_status_flagged(
        store, credential.issuer, credential.status_list_id, credential.status_index
    ):
        return False
    return not is_did_deactivated(store, credential.issuer)


def has_valid_credential(
    store: StateReader, subject: Did, credential_type: str, time_ms: TimestampMs
) -> bool:
    """True when ``subject`` holds at least one valid credential of ``credential_type`` at ``time_ms``."""
    return any(
        is_credential_valid(store, credential, time_ms)
        for credential in list_subject_credentials(store, subject, credential_type)
    )
