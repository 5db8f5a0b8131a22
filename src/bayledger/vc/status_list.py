"""W3C Bitstring Status List v1.0: revocation and suspension of credentials by one bit each.

- A list is at least 131,072 bits (16 KiB); index 0 is the left-most (most significant) bit of byte 0.
- ``encodedList`` = ``u`` + base64url without padding of the GZIP (RFC 1952) of the bitstring. GZIP is
  made deterministic: ``mtime=0`` and compression level 6 (zlib's default, header XFL 0), with which an
  all-zero list encodes exactly as the spec's Example 3 (``uH4sIAAAAAAAAA-3BMQEAAADC…``).
- Entries (``BitstringStatusListEntry``) carry ``statusPurpose``, ``statusListIndex`` (a base-10 string)
  and ``statusListCredential``; only ``statusSize`` 1 is supported (allowed by §1.3).
- ``revocation`` cannot be undone (§2.1: "not reversible"), so ``clear`` refuses it; ``suspension`` can.
- ``compute_list_hash`` is what the chain anchors: a hash of the *uncompressed* bitstring, so it does not
  depend on the compressor's exact output.
- ``check_status`` reads bits from status list credentials that the caller has already verified
  (``credentials.verify_credential`` does both); nothing here fetches anything.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bayledger.core import hashing
from bayledger.keys import SigningKey
from bayledger.vc.data_integrity import add_proof
from bayledger.vc.errors import RevokedCredentialError, StatusListError, SuspendedCredentialError
from bayledger.vc.multikey import BASE64URL, decode_multibase, encode_multibase
from bayledger.vc.timestamps import format_datetime

MIN_LENGTH: Final = 131_072
MAX_BYTES: Final = 16 * 1024 * 1024  # refuse to inflate more than 16 MiB (gzip bombs)
PURPOSES: Final = ("revocation", "suspension")
ENTRY_TYPE: Final = "BitstringStatusListEntry"
LIST_TYPE: Final = "BitstringStatusList"
LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
VC_CONTEXT_V2: Final = "https://www.w3.org/ns/credentials/v2"
_HASH_TAG: Final = b"bayledger/status-list/v1\n"
_INDEX = re.compile(r"[0-9]+")


def encode_bitstring(bitstring: bytes) -> str:
    """``encodedList`` of raw bitstring bytes: deterministic GZIP, then multibase base64url."""
    return encode_multibase(gzip.compress(bitstring, compresslevel=6, mtime=0), BASE64URL)


def decode_bitstring(encoded: str) -> bytes:
    """Bitstring Expansion Algorithm (§3.4): multibase-decode, then GUNZIP (at most 16 MiB)."""
    try:
        compressed = decode_multibase(encoded, BASE64URL)
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(compressed, MAX_BYTES + 1)
    except (ValueError, zlib.error) as error:
        raise StatusListError(f"encodedList cannot be decoded: {error}") from None
    if len(raw) > MAX_BYTES or not inflater.eof or inflater.unused_data:
        raise StatusListError("encodedList is not one complete GZIP member of at most 16 MiB")
    return raw


@dataclass
class StatusList:
    """A mutable single-purpose bitstring (``statusSize`` 1)."""

    purpose: str
    bits: bytearray

    @property
    def length(self) -> int:
        """Number of entries (bits)."""
        return len(self.bits) * 8

    def _position(self, index: int) -> tuple[int, int]:
        if type(index) is not int or not 0 <= index < self.length:
            raise StatusListError(f"status index {index!r} outside 0..{self.length - 1} (RANGE_ERROR)")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        """True when the bit at ``index`` is set (the credential is revoked / suspended)."""
        byte, mask = self._position(index)
        return bool(self.bits[byte] & mask)

    def set(self, index: int) -> None:
        """Set the bit at ``index``: revoke or suspend that credential."""
        byte, mask = self._position(index)
        self.bits[byte] |= mask

    def clear(self, index: int) -> None:
        """Clear the bit at ``index`` (lift a suspension). Revocation is not reversible and is refused."""
        if self.purpose == "revocation":
            raise StatusListError("revocation is not reversible (Bitstring Status List §2.1)")
        byte, mask = self._position(index)
        self.bits[byte] &= ~mask & 0xFF

    def encode(self) -> str:
        """The ``encodedList`` value."""
        return encode_bitstring(bytes(self.bits))

    @classmethod
    def decode(cls, encoded: str, purpose: str, minimum_length: int = MIN_LENGTH) -> StatusList:
        """A list from its ``encodedList``; ``StatusListError`` when shorter than ``minimum_length`` bits."""
        raw = decode_bitstring(encoded)
        if len(raw) * 8 < minimum_length:
            raise StatusListError(f"status list has {len(raw) * 8} entries, fewer than {minimum_length}")
        return cls(_check_purpose(purpose), bytearray(raw))


def _check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise StatusListError(f"status purpose {purpose!r} is not one of {PURPOSES}")
    return purpose


def create_status_list(purpose: str, length: int = MIN_LENGTH) -> StatusList:
    """A new all-zero list for ``revocation`` or ``suspension``; ``length`` ≥ 131,072 and a multiple of 8."""
    if type(length) is not int or length < MIN_LENGTH or length % 8:
        raise StatusListError(f"a status list has a multiple of 8 entries, at least {MIN_LENGTH}")
    return StatusList(_check_purpose(purpose), bytearray(length // 8))


def compute_list_hash(status_list: StatusList, algorithm: str = "sha256") -> str:
    """Hex digest anchored on chain: ``H("bayledger/status-list/v1\\n" || purpose || "\\n" || bitstring)``.

    ``algorithm`` is the zone's hash (``sha256`` or ``sm3``); the bitstring is the uncompressed bytes.
    """
    digest = hashing.get_hash_function(algorithm)
    return digest(_HASH_TAG + status_list.purpose.encode("ascii") + b"\n" + bytes(status_list.bits)).hex()


def status_list_entry(
    status_list_credential: str, index: int, purpose: str, entry_id: str | None = None
) -> dict[str, Any]:
    """A ``credentialStatus`` entry pointing at bit ``index`` of the list credential at the given URL."""
    if type(index) is not int or index < 0:
        raise StatusListError("statusListIndex is a non-negative integer")
    entry: dict[str, Any] = {} if entry_id is None else {"id": entry_id}
    entry |= {
        "type": ENTRY_TYPE,
        "statusPurpose": _check_purpose(purpose),
        "statusListIndex": str(index),
        "statusListCredential": status_list_credential,
    }
    return entry


def build_status_list_credential(
    status_list: StatusList,
    *,
    credential_id: str,
    issuer: str,
    signing_key: SigningKey,
    verification_method: str,
    issued_at: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential`` (§2.2) publishing ``status_list`` at ``credential_id``."""
    subject: dict[str, Any] = {
        "id": f"{credential_id}#list",
        "type": LIST_TYPE,
        "statusPurpose": status_list.purpose,
        "encodedList": status_list.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": format_datetime(issued_at),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = subject
    return add_proof(credential, signing_key, verification_method=verification_method, created=issued_at)


def read_status_list(list_credential: Mapping[str, Any], purpose: str) -> StatusList:
    """The bitstring of a (verified) status list credential for ``purpose`` (§3.2 steps 5–9)."""
    types = list_credential.get("type")
    if not isinstance(types, list) or LIST_CREDENTIAL_TYPE not in types:
        raise StatusListError(f"status list credential type must include {LIST_CREDENTIAL_TYPE}")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != LIST_TYPE:
        raise StatusListError(f"status list credentialSubject must be a {LIST_TYPE}")
    purposes = subject.get("statusPurpose")
    purposes = [purposes] if isinstance(purposes, str) else purposes
    if not isinstance(purposes, list) or purpose not in purposes:
        raise StatusListError(f"status list purpose {subject.get('statusPurpose')!r} is not {purpose!r}")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("status list has no encodedList")
    return StatusList.decode(encoded, purpose)


@dataclass(frozen=True)
class StatusResult:
    """The status of one ``credentialStatus`` entry: ``valid`` is False when its bit is set."""

    purpose: str
    index: int
    status_list_credential: str
    valid: bool


def status_entries(credential: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The credential's ``credentialStatus`` entries (none, one object, or a list of objects)."""
    raw = credential.get("credentialStatus")
    entries = [] if raw is None else raw if isinstance(raw, list) else [raw]
    if not all(isinstance(entry, dict) for entry in entries):
        raise StatusListError("credentialStatus must be an object or an array of objects")
    return entries


def check_entry(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> StatusResult:
    """Validate Algorithm §3.2 for one entry against its (already verified) list credential."""
    if entry.get("type") != ENTRY_TYPE:
        raise StatusListError(f"credentialStatus type {entry.get('type')!r} is not supported")
    if entry.get("statusSize", 1) != 1:
        raise StatusListError("only statusSize 1 is supported")
    purpose = _check_purpose(str(entry.get("statusPurpose")))
    index_text = entry.get("statusListIndex")
    if not isinstance(index_text, str) or _INDEX.fullmatch(index_text) is None:
        raise StatusListError(f"statusListIndex {index_text!r} is not a base-10 string")
    index = int(index_text)
    bits = read_status_list(list_credential, purpose)
    return StatusResult(purpose, index, str(entry.get("statusListCredential")), not bits.get(index))


def check_status(
    credential: Mapping[str, Any],
    list_credentials: Mapping[str, Mapping[str, Any]],
    anchored_hashes: Mapping[str, str] | None = None,
    hash_algorithm: str = "sha256",
) -> tuple[StatusResult, ...]:
    """Check every status entry of ``credential``; raise ``RevokedCredentialError`` /
    ``SuspendedCredentialError`` when a bit is set.

    ``list_credentials`` maps each ``statusListCredential`` URL to its credential, verified by the caller.
    ``anchored_hashes``, when given, maps URLs to the hex hash anchored on chain; a list whose
    ``compute_list_hash`` differs is refused.
    """
    results = []
    for entry in status_entries(credential):
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or url not in list_credentials:
            raise StatusListError(f"status list credential {url!r} was not supplied (STATUS_RETRIEVAL_ERROR)")
        result = check_entry(entry, list_credentials[url])
        if anchored_hashes is not None:
            bits = read_status_list(list_credentials[url], result.purpose)
            if anchored_hashes.get(url) != compute_list_hash(bits, hash_algorithm):
                raise StatusListError(f"status list {url} does not match the hash anchored on chain")
        if not result.valid:
            error = RevokedCredentialError if result.purpose == "revocation" else SuspendedCredentialError
            raise error(
                f"credential is {'revoked' if result.purpose == 'revocation' else 'suspended'} "
                f"(index {result.index} of {url})"
            )
        results.append(result)
    return tuple(results)
