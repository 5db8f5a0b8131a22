"""``did:bid`` derivation and syntax checks (``bayledger.core.did``)."""

from __future__ import annotations

import hashlib

import pytest

from bayledger.core import did
from bayledger.keys import Ed25519SigningKey, Sm2SigningKey

# Seed of RFC 8032 TEST 1 and the GM/T 0003.5 example scalar: fixed keys, fixed DIDs.
ED_KEY = Ed25519SigningKey.from_seed(
    bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
)
SM_KEY = Sm2SigningKey.from_private_bytes(
    bytes.fromhex("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8")
)


def test_ed25519_did_is_sha256_tail_in_bif_base58() -> None:
    value = did.did_from_public_key("ed25519", ED_KEY.public_key)
    assert value.startswith("did:bid:ef")
    tail = hashlib.sha256(ED_KEY.public_key).digest()[-22:]
    assert did.decode_suffix(value[len("did:bid:ef") :]) == tail
    assert value == did.did_from_public_key("ed25519", ED_KEY.public_key)  # deterministic


def test_sm2_did_is_sm3_tail_of_the_65_byte_key() -> None:
    value = did.did_from_public_key("sm2", SM_KEY.public_key)
    assert value.startswith("did:bid:zf")
    tail = hashlib.new("sm3", SM_KEY.public_key).digest()[-22:]
    assert did.decode_suffix(value[len("did:bid:zf") :]) == tail


def test_ac_code_is_joined_with_a_colon_and_keeps_the_key_letter() -> None:
    plain = did.did_from_public_key("sm2", SM_KEY.public_key)
    with_ac = did.did_from_public_key("sm2", SM_KEY.public_key, "hk01")
    assert with_ac == "did:bid:hk01:" + plain[len("did:bid:") :]
    assert did.is_did_bid(with_ac) is True
    assert ED_KEY.did("a1b2") == "did:bid:a1b2:" + ED_KEY.did()[len("did:bid:") :]


@pytest.mark.parametrize("ac_code", ["", "HK01", "hk0", "hk012", "hk:1", "hk_1", "ｈｋ01"])
def test_bad_ac_codes_are_refused(ac_code: str) -> None:
    with pytest.raises(ValueError, match="AC code"):
        did.did_from_public_key("ed25519", ED_KEY.public_key, ac_code)


@pytest.mark.parametrize(
    ("key_type", "public_key"),
    [
        ("ed25519", b"\x01" * 31),
        ("ed25519", bytes(32)),
        ("sm2", b"\x04" + b"\x01" * 64),
        ("sm2", b"\x01" * 32),
        ("secp256k1", b"\x02" * 33),
    ],
)
def test_bad_keys_are_refused(key_type: str, public_key: bytes) -> None:
    with pytest.raises(ValueError):
        did.did_from_public_key(key_type, public_key)


@pytest.mark.parametrize(
    "text",
    [
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "did:bid:zf2bbxDwdzm4g4fJNTH2ah6gbHu6PdAX2",
        "did:bid:ab12:zf2bbxDwdzm4g4fJNTH2ah6gbHu6PdAX2",
        "did:bid:ef" + "1" * 22,  # 22 zero bytes
    ],
)
def test_valid_dids(text: str) -> None:
    assert did.is_did_bid(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "did:bid:",
        "did:bid:ef",
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE ",
        " did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "DID:BID:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "did:bif:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "did:bid:sfdPP4ympm36RxTYQJPber1PRKmLWZE",  # secp256k1 letter: not supported
        "did:bid:esdPP4ympm36RxTYQJPber1PRKmLWZE",  # base64 encoding letter: not supported
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZ0",  # '0' is not Base58
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZl",  # 'l' is not Base58
        "did:bid:efdPP4ympm36RxTYQJ",  # too short: decodes to fewer than 22 bytes
        "did:bid:ef" + "z" * 31,  # too large for 22 bytes
        "did:bid:ef" + "1" * 23,  # 23 zero bytes
        "did:bid:AB12:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "did:bid:ab1:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "did:bid:ab12:cd34:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE\n",
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZÉ",
    ],
)
def test_invalid_dids(text: str) -> None:
    assert did.is_did_bid(text) is False


@pytest.mark.parametrize("value", [None, 42, b"did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE", ["did:bid:"]])
def test_non_strings_are_not_dids(value: object) -> None:
    assert did.is_did_bid(value) is False  # type: ignore[arg-type]


def test_key_type_of_did() -> None:
    assert did.key_type_of_did(ED_KEY.did()) == "ed25519"
    assert did.key_type_of_did(SM_KEY.did("hk01")) == "sm2"
    assert did.key_type_of_did("did:bid:xx") is None


def test_every_generated_did_passes_the_syntax_check() -> None:
    for _ in range(50):
        for key in (Ed25519SigningKey.generate(), Sm2SigningKey.generate()):
            assert did.is_did_bid(key.did()) is True
            assert did.is_did_bid(key.did("zz99")) is True
