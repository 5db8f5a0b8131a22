"""Messages of the identity module and their stateless checks."""

from __future__ import annotations

import re
from typing import ClassVar

from bayledger.core.did import is_did_bid
from bayledger.core.modules.accounts.msgs import check_signer_set
from bayledger.core.modules.accounts.state import Signer
from bayledger.core.modules.identity.document import DidService
from bayledger.core.modules.identity.errors import InvalidIdentityMessageError
from bayledger.core.msg import Msg
from bayledger.core.types import Did, TimestampMs

MAX_SERVICES = 16
MAX_SERVICE_TYPE = 64
MAX_SERVICE_ENDPOINT = 512
MAX_STATUS_INDICES = 1024
MAX_STATUS_INDEX = 2**32 - 1
MAX_TIMESTAMP_MS = 2**53 - 1
PURPOSES = ("revocation", "suspension")

_FRAGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")  # credential and status-list ids: no "/"
_CREDENTIAL_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_JURISDICTION = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")  # ISO 3166-1 alpha-2 or ISO 3166-2
_HEX64 = re.compile(r"[0-9a-f]{64}")


class MsgRegisterDid(Msg, frozen=True, tag="identity/MsgRegisterDid"):
    """Publish version 1 of the account's DID document: its signers as keys, plus ``services``."""

    signer_field: ClassVar[str] = "did"
    did: Did
    services: list[DidService]


class MsgUpdateDid(Msg, frozen=True, tag="identity/MsgUpdateDid"):
    """Publish a new version: ``services`` replace the old ones; keys are the account's current signers."""

    signer_field: ClassVar[str] = "did"
    did: Did
    services: list[DidService]


class MsgRotateKeys(Msg, frozen=True, tag="identity/MsgRotateKeys"):
    """Replace the account's signers and threshold (by its current threshold) and publish a version."""

    signer_field: ClassVar[str] = "did"
    did: Did
    signers: list[Signer]
    threshold: int


class MsgDeactivateDid(Msg, frozen=True, tag="identity/MsgDeactivateDid"):
    """Publish the final, deactivated version; later transactions signed by the DID are refused."""

    signer_field: ClassVar[str] = "did"
    did: Did


class MsgRegisterCredential(Msg, frozen=True, tag="identity/MsgRegisterCredential"):
    """A trusted issuer records a credential it issued, so the core can gate actions on it.

    Only its hash goes on chain. ``valid_until`` 0 means no expiry; ``status_list_id`` empty means the
    credential has no status entry.
    """

    signer_field: ClassVar[str] = "issuer"
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


class MsgSetStatusList(Msg, frozen=True, tag="identity/MsgSetStatusList"):
    """Anchor a new hash of an issuer's status list and flag (``set``) or unflag (``clear``) indices."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    list_id: str
    purpose: str
    list_hash: str
    set_indices: list[int]
    clear_indices: list[int]


def is_jurisdiction(text: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code (``HK``) or ISO 3166-2 subdivision (``CN-GD``)."""
    return _JURISDICTION.fullmatch(text) is not None


def is_credential_type(text: str) -> bool:
    """True for 1-64 of ``A-Za-z0-9._-`` starting with a letter or digit."""
    return _CREDENTIAL_TYPE.fullmatch(text) is not None


def is_identifier(text: str) -> bool:
    """True for a credential or status-list id: 1-128 of ``A-Za-z0-9._:-``, starting alphanumeric."""
    return _IDENT.fullmatch(text) is not None


def check_services(services: list[DidService]) -> None:
    """Raise InvalidIdentityMessageError unless the services are few, well formed and uniquely named."""
    if len(services) > MAX_SERVICES:
        raise InvalidIdentityMessageError(f"{len(services)} services exceed the limit of {MAX_SERVICES}")
    seen: set[str] = set()
    for service in services:
        if not _FRAGMENT.fullmatch(service.id):
            raise InvalidIdentityMessageError(
                f"service id {service.id!r} must be a fragment: 1-64 of A-Za-z0-9._- without '#'"
            )
        if service.id in seen:
            raise InvalidIdentityMessageError(f"service id {service.id!r} appears twice")
        seen.add(service.id)
        if not 1 <= len(service.type) <= MAX_SERVICE_TYPE:
            raise InvalidIdentityMessageError(f"service type must be 1-{MAX_SERVICE_TYPE} characters")
        if not 1 <= len(service.service_endpoint) <= MAX_SERVICE_ENDPOINT:
            raise InvalidIdentityMessageError(f"service endpoint must be 1-{MAX_SERVICE_ENDPOINT} characters")


def validate_register_did(msg: MsgRegisterDid) -> None:
    """Stateless checks of MsgRegisterDid."""
    check_services(msg.services)


def validate_update_did(msg: MsgUpdateDid) -> None:
    """Stateless checks of MsgUpdateDid."""
    check_services(msg.services)


def validate_rotate_keys(msg: MsgRotateKeys) -> None:
    """Stateless checks of MsgRotateKeys (accounts' signer-set rules; their error is accounts/3)."""
    check_signer_set(msg.signers, msg.threshold)


def validate_deactivate_did(msg: MsgDeactivateDid) -> None:
    """MsgDeactivateDid has no stateless checks beyond its type."""


def validate_register_credential(msg: MsgRegisterCredential) -> None:
    """Stateless checks of MsgRegisterCredential."""
    if not is_identifier(msg.credential_id):
        raise InvalidIdentityMessageError(
            f"credential_id {msg.credential_id!r} must be 1-128 of A-Za-z0-9._:- starting alphanumeric"
        )
    if not is_credential_type(msg.credential_type):
        raise InvalidIdentityMessageError(
            f"credential_type {msg.credential_type!r} must be 1-64 of A-Za-z0-9._- starting alphanumeric"
        )
    if not is_did_bid(msg.subject):
        raise InvalidIdentityMessageError(f"subject {msg.subject!r} is not a did:bid")
    if not is_jurisdiction(msg.jurisdiction):
        raise InvalidIdentityMessageError(
            f"jurisdiction {msg.jurisdiction!r} must be ISO 3166-1 alpha-2 or ISO 3166-2 (HK, CN-GD)"
        )
    if not 0 <= msg.valid_from <= MAX_TIMESTAMP_MS or not 0 <= msg.valid_until <= MAX_TIMESTAMP_MS:
        raise InvalidIdentityMessageError("valid_from and valid_until are milliseconds in 0..2^53-1")
    if msg.valid_until and msg.valid_until <= msg.valid_from:
        raise InvalidIdentityMessageError("valid_until must be after valid_from (or 0 for no expiry)")
    if msg.status_list_id and not is_identifier(msg.status_list_id):
        raise InvalidIdentityMessageError(f"status_list_id {msg.status_list_id!r} is malformed")
    if not 0 <= msg.status_index <= MAX_STATUS_INDEX:
        raise InvalidIdentityMessageError(f"status_index must be in 0..{MAX_STATUS_INDEX}")
    if not msg.status_list_id and msg.status_index:
        raise InvalidIdentityMessageError("status_index must be 0 without a status_list_id")
    if not _HEX64.fullmatch(msg.credential_hash):
        raise InvalidIdentityMessageError("credential_hash must be 64 lower-case hex characters")


def validate_set_status_list(msg: MsgSetStatusList) -> None:
    """Stateless checks of MsgSetStatusList."""
    if not is_identifier(msg.list_id):
        raise InvalidIdentityMessageError(f"list_id {msg.list_id!r} is malformed")
    if msg.purpose not in PURPOSES:
        raise InvalidIdentityMessageError(f"purpose must be one of {PURPOSES}, got {msg.purpose!r}")
    if not _HEX64.fullmatch(msg.list_hash):
        raise InvalidIdentityMessageError("list_hash must be 64 lower-case hex characters")
    count = len(msg.set_indices) + len(msg.clear_indices)
    if count > MAX_STATUS_INDICES:
        raise InvalidIdentityMessageError(f"{count} indices exceed the limit of {MAX_STATUS_INDICES}")
    for index in (*msg.set_indices, *msg.clear_indices):
        if not 0 <= index <= MAX_STATUS_INDEX:
            raise InvalidIdentityMessageError(f"status index {index} outside 0..{MAX_STATUS_INDEX}")
    if len(set(msg.set_indices)) != len(msg.set_indices) or len(set(msg.clear_indices)) != len(
        msg.clear_indices
    ):
        raise InvalidIdentityMessageError("an index appears twice in set_indices or clear_indices")
    if set(msg.set_indices) & set(msg.clear_indices):
        raise InvalidIdentityMessageError("an index cannot be both set and cleared")
