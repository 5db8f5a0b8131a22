"""Multikey / Multibase encoding of Ed25519 and SM2 public keys."""

from __future__ import annotations

import base58
import pytest
from vckit import ed_party, sm2_party

from bayledger.core import sm2
from bayledger.vc import multikey
from bayledger.vc.data_integrity import did_key_resolver
from bayledger.vc.errors import InvalidMultikeyError, UnresolvableKeyError


@pytest.mark.parametrize(
    ("value", "encoded"), [(0, "00"), (0x7F, "7f"), (0xED, "ed01"), (0x1206, "8624"), (0x1300, "8026")]
)
def test_varint(value: int, encoded: str) -> None:
    assert multikey.encode_varint(value).hex() == encoded
    assert multikey.decode_varint(bytes.fromhex(encoded) + b"\xff") == (value, len(encoded) // 2)


def test_varint_rejects_non_minimal_and_truncated() -> None:
    with pytest.raises(ValueError):
        multikey.decode_varint(b"\x80\x00")
    with pytest.raises(ValueError):
        multikey.decode_varint(b"\x80")


def test_ed25519_multikey_round_trip() -> None:
    party = ed_party(1)
    text = multikey.encode_public_key("ed25519", party.key.public_key)
    assert text.startswith("z6Mk")
    assert base58.b58decode(text[1:])[:2] == b"\xed\x01"
    assert multikey.decode_public_key(text) == multikey.Multikey("ed25519", party.key.public_key)


def test_sm2_multikey_is_compressed_with_header_0x1206() -> None:
    party = sm2_party(7)
    text = multikey.encode_public_key("sm2", party.key.public_key)
    raw = base58.b58decode(text[1:])
    assert raw[:2] == b"\x86\x24" and len(raw) == 2 + 33
    assert raw[2] in (2, 3) and raw[3:] == party.key.public_key[1:33]
    assert raw[2] & 1 == party.key.public_key[-1] & 1
    decoded = multikey.decode_public_key(text)
    assert decoded == multikey.Multikey("sm2", party.key.public_key)


@pytest.mark.parametrize("scalar", [1, 2, 3, 12345, sm2.SM2_N - 2])
def test_sm2_point_decompression_recovers_y(scalar: int) -> None:
    public = sm2_party(scalar).key.public_key
    assert multikey.decompress_sm2_point(multikey.compress_sm2_point(public)) == public


def test_decode_rejects_bad_multikeys() -> None:
    ed = ed_party(1).key.public_key
    with pytest.raises(InvalidMultikeyError):  # private-key header, as the spec warns about
        multikey.decode_public_key(multikey.encode_secret_key("ed25519", bytes(32)))
    with pytest.raises(InvalidMultikeyError):  # wrong length
        multikey.decode_public_key(multikey.encode_multibase(b"\xed\x01" + ed[:31]))
    with pytest.raises(InvalidMultikeyError):  # not base58btc
        multikey.decode_public_key("u7QE")
    bad_x = bytes([2]) + (5).to_bytes(32, "big")  # x = 5 is not on the SM2 curve
    with pytest.raises(InvalidMultikeyError) as caught:
        multikey.decode_public_key(multikey.encode_multibase(b"\x86\x24" + bad_x))
    assert (caught.value.codespace, caught.value.code) == ("vc", 18)


def test_multibase_base64url_has_no_padding() -> None:
    text = multikey.encode_multibase(b"\xff\xfe", multikey.BASE64URL)
    assert text == "u__4"
    assert multikey.decode_multibase(text) == b"\xff\xfe"
    with pytest.raises(ValueError):
        multikey.decode_multibase("u__4=")


def test_did_key_resolver() -> None:
    key = ed_party(3).multikey
    assert did_key_resolver(key.did_key_verification_method()) == key
    assert did_key_resolver(key.did_key()) == key
    with pytest.raises(UnresolvableKeyError) as caught:
        did_key_resolver("did:bid:efabc#key-1")
    assert caught.value.code == 12
    with pytest.raises(UnresolvableKeyError):
        did_key_resolver(key.did_key() + "#z6MkOther")
