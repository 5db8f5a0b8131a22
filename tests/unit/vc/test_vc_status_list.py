"""Bitstring Status List: lists, bits, encoding, list credentials, and status checks of credentials."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Collection
from typing import Any

import pytest
from vckit import ISSUED, NOW, VALID_UNTIL, ed_party, resolver, sm2_party, subject

from bayledger.vc import issue_credential, status_list, verify_credential
from bayledger.vc.errors import (
    InvalidProofError,
    RevokedCredentialError,
    StatusListError,
    SuspendedCredentialError,
    VcError,
)
from bayledger.vc.multikey import BASE64URL, encode_multibase

ISSUER = sm2_party(30)
HOLDER = ed_party(31)
KEYS = resolver(ISSUER, HOLDER)
REVOCATION_URL = "https://kyc.example/status/1"
SUSPENSION_URL = "https://kyc.example/status/2"


def _assert_code(error: VcError, code: int) -> None:
    assert (error.codespace, error.code) == ("vc", code)


def _list_credential(bits: status_list.StatusList, url: str) -> dict[str, Any]:
    return status_list.build_status_list_credential(
        bits,
        credential_id=url,
        issuer=ISSUER.did,
        signing_key=ISSUER.key,
        verification_method=ISSUER.vm,
        issued_at=ISSUED,
        valid_until=VALID_UNTIL,
        ttl_ms=300_000,
    )


def _credential(index: int) -> dict[str, Any]:
    return issue_credential(
        credential_type="KycCredential",
        subject=subject("KycCredential", HOLDER.did),
        issuer=ISSUER.did,
        signing_key=ISSUER.key,
        verification_method=ISSUER.vm,
        issued_at=ISSUED,
        credential_status=[
            status_list.status_list_entry(REVOCATION_URL, index, "revocation", f"{REVOCATION_URL}#{index}"),
            status_list.status_list_entry(SUSPENSION_URL, index, "suspension"),
        ],
    )


def test_new_list_is_minimum_size_and_empty() -> None:
    bits = status_list.create_status_list("revocation")
    assert bits.length == 131_072 and len(bits.bits) == 16_384 and not any(bits.bits)
    assert status_list.create_status_list("suspension", 131_080).length == 131_080
    for bad in (131_064, 131_073, 0):
        with pytest.raises(StatusListError):
            status_list.create_status_list("revocation", bad)
    with pytest.raises(StatusListError):
        status_list.create_status_list("refresh")


def test_bit_order_is_left_most_first() -> None:
    bits = status_list.create_status_list("suspension")
    bits.set(0)
    bits.set(9)
    bits.set(131_071)
    assert bits.bits[0] == 0x80 and bits.bits[1] == 0x40 and bits.bits[-1] == 0x01
    assert bits.get(0) and bits.get(9) and not bits.get(1)
    bits.clear(9)
    assert not bits.get(9) and bits.bits[1] == 0
    with pytest.raises(StatusListError) as caught:
        bits.get(131_072)
    _assert_code(caught.value, 17)
    with pytest.raises(StatusListError):
        bits.set(-1)


def test_revocation_cannot_be_cleared() -> None:
    bits = status_list.create_status_list("revocation")
    bits.set(5)
    with pytest.raises(StatusListError, match="not reversible"):
        bits.clear(5)
    assert bits.get(5)


def test_encoding_round_trip_and_determinism() -> None:
    bits = status_list.create_status_list("revocation")
    for index in (3, 777, 100_000):
        bits.set(index)
    encoded = bits.encode()
    assert encoded.startswith("uH4sIAAAAAAAA") and "=" not in encoded
    assert encoded == bits.encode()  # mtime 0: no clock in the output
    decoded = status_list.StatusList.decode(encoded, "revocation")
    assert decoded.bits == bits.bits
    assert [i for i in (2, 3, 4, 777, 100_000) if decoded.get(i)] == [3, 777, 100_000]


def test_decode_rejects_short_garbled_and_oversized_lists() -> None:
    short = encode_multibase(gzip.compress(bytes(1024), mtime=0), BASE64URL)
    with pytest.raises(StatusListError, match="fewer than"):
        status_list.StatusList.decode(short, "revocation")
    with pytest.raises(StatusListError):
        status_list.decode_bitstring("zNotBase64url")
    with pytest.raises(StatusListError):
        status_list.decode_bitstring(encode_multibase(b"not gzip", BASE64URL))
    truncated = gzip.compress(bytes(16_384), mtime=0)[:-4]
    with pytest.raises(StatusListError):
        status_list.decode_bitstring(encode_multibase(truncated, BASE64URL))
    bomb = encode_multibase(gzip.compress(bytes(status_list.MAX_BYTES + 1), mtime=0), BASE64URL)
    with pytest.raises(StatusListError, match="16 MiB"):
        status_list.decode_bitstring(bomb)


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_compute_list_hash(algorithm: str) -> None:
    bits = status_list.create_status_list("revocation")
    expected = hashlib.new(algorithm, b"bayledger/status-list/v1\nrevocation\n" + bytes(16_384)).hexdigest()
    assert status_list.compute_list_hash(bits, algorithm) == expected
    assert len(expected) == 64
    suspension = status_list.create_status_list("suspension")
    assert status_list.compute_list_hash(suspension, algorithm) != expected
    bits.set(42)
    assert status_list.compute_list_hash(bits, algorithm) != expected
    again = status_list.StatusList.decode(bits.encode(), "revocation")
    assert status_list.compute_list_hash(again, algorithm) == status_list.compute_list_hash(bits, algorithm)


def test_status_list_credential_shape_and_verification() -> None:
    credential = _list_credential(status_list.create_status_list("revocation"), REVOCATION_URL)
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert credential["credentialSubject"]["ttl"] == 300_000
    assert credential["proof"]["cryptosuite"] == "bayledger-sm2-jcs-2025"
    result = verify_credential(credential, resolve_key=KEYS, now=NOW)
    assert result.credential_type == "BitstringStatusListCredential"


def test_entry_shape() -> None:
    entry = status_list.status_list_entry(REVOCATION_URL, 94567, "revocation")
    assert entry == {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": REVOCATION_URL,
    }


def _lists(revoked: Collection[int] = (), suspended: Collection[int] = ()) -> dict[str, dict[str, Any]]:
    revocation, suspension = (
        status_list.create_status_list("revocation"),
        status_list.create_status_list("suspension"),
    )
    for index in revoked:
        revocation.set(index)
    for index in suspended:
        suspension.set(index)
    return {
        REVOCATION_URL: _list_credential(revocation, REVOCATION_URL),
        SUSPENSION_URL: _list_credential(suspension, SUSPENSION_URL),
    }


def test_credential_in_good_standing() -> None:
    result = verify_credential(_credential(1234), resolve_key=KEYS, now=NOW, status_lists=_lists({1}, {1235}))
    assert result.status_checked
    assert [(s.purpose, s.index, s.valid) for s in result.status] == [
        ("revocation", 1234, True),
        ("suspension", 1234, True),
    ]


def test_revoked_credential() -> None:
    with pytest.raises(RevokedCredentialError) as caught:
        verify_credential(_credential(1234), resolve_key=KEYS, now=NOW, status_lists=_lists(revoked={1234}))
    _assert_code(caught.value, 15)


def test_suspended_then_reinstated_credential() -> None:
    with pytest.raises(SuspendedCredentialError) as caught:
        verify_credential(_credential(7), resolve_key=KEYS, now=NOW, status_lists=_lists(suspended={7}))
    _assert_code(caught.value, 16)
    suspension = status_list.create_status_list("suspension")
    suspension.set(7)
    suspension.clear(7)
    lists = _lists()
    lists[SUSPENSION_URL] = _list_credential(suspension, SUSPENSION_URL)
    assert verify_credential(_credential(7), resolve_key=KEYS, now=NOW, status_lists=lists).status[1].valid


def test_missing_tampered_or_mismatched_lists() -> None:
    credential = _credential(7)
    lists = _lists()
    del lists[SUSPENSION_URL]
    with pytest.raises(StatusListError, match="not supplied") as caught:
        verify_credential(credential, resolve_key=KEYS, now=NOW, status_lists=lists)
    _assert_code(caught.value, 17)
    forged = _lists()
    forged[REVOCATION_URL]["credentialSubject"]["encodedList"] = status_list.create_status_list(
        "revocation"
    ).encode()
    forged[REVOCATION_URL]["credentialSubject"]["statusPurpose"] = "suspension"
    with pytest.raises(InvalidProofError):
        verify_credential(credential, resolve_key=KEYS, now=NOW, status_lists=forged)
    swapped = _lists()
    swapped[REVOCATION_URL], swapped[SUSPENSION_URL] = swapped[SUSPENSION_URL], swapped[REVOCATION_URL]
    with pytest.raises(StatusListError, match="purpose"):
        verify_credential(credential, resolve_key=KEYS, now=NOW, status_lists=swapped)


def test_anchored_hash_is_checked() -> None:
    revocation, suspension = (
        status_list.create_status_list("revocation"),
        status_list.create_status_list("suspension"),
    )
    lists = _lists()
    anchored = {
        REVOCATION_URL: status_list.compute_list_hash(revocation),
        SUSPENSION_URL: status_list.compute_list_hash(suspension),
    }
    credential = _credential(9)
    verify_credential(
        credential, resolve_key=KEYS, now=NOW, status_lists=lists, anchored_status_hashes=anchored
    )
    anchored[SUSPENSION_URL] = status_list.compute_list_hash(suspension, "sm3")
    with pytest.raises(StatusListError, match="anchored"):
        verify_credential(
            credential, resolve_key=KEYS, now=NOW, status_lists=lists, anchored_status_hashes=anchored
        )


def test_bad_entries() -> None:
    lists = _lists()
    for change in (
        {"statusListIndex": "-1"},
        {"statusListIndex": 5},
        {"statusSize": 2},
        {"type": "StatusList2021Entry"},
    ):
        entry = {**status_list.status_list_entry(REVOCATION_URL, 5, "revocation"), **change}
        with pytest.raises(StatusListError):
            status_list.check_status({"credentialStatus": entry}, lists)
    far = status_list.status_list_entry(REVOCATION_URL, 131_072, "revocation")
    with pytest.raises(StatusListError, match="RANGE_ERROR"):
        status_list.check_status({"credentialStatus": far}, lists)
