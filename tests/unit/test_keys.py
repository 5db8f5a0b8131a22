"""Signing keys and the encrypted keystore (``bayledger.keys``)."""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bayledger.core import crypto, sm2
from bayledger.keys import (
    Ed25519SigningKey,
    KeystoreError,
    SigningKey,
    Sm2SigningKey,
    decrypt_key,
    encrypt_key,
    load_signing_key,
)

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")
FAST_N = 2**10  # keeps the keystore tests quick; the default is exercised once
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
GMT_SCALAR = bytes.fromhex("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8")


def openssl(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run(
        [OPENSSL, *map(str, args)], input=stdin, capture_output=True, check=False, timeout=60
    )


def both_keys() -> list[SigningKey]:
    return [Ed25519SigningKey.from_seed(RFC8032_SEED), Sm2SigningKey.from_private_bytes(GMT_SCALAR)]


def test_ed25519_key_basics() -> None:
    key = Ed25519SigningKey.from_seed(RFC8032_SEED)
    assert key.key_type == "ed25519"
    assert key.public_key.hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    assert key.private_bytes() == RFC8032_SEED
    assert load_signing_key("ed25519", RFC8032_SEED).public_key == key.public_key
    assert Ed25519SigningKey.generate().public_key != Ed25519SigningKey.generate().public_key


def test_sm2_key_basics() -> None:
    key = Sm2SigningKey.from_private_bytes(GMT_SCALAR)
    assert key.key_type == "sm2"
    assert len(key.public_key) == 65 and key.public_key[0] == 4
    assert key.public_key.hex().startswith(
        "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    )
    assert key.private_bytes() == GMT_SCALAR
    assert load_signing_key("sm2", GMT_SCALAR).public_key == key.public_key
    assert crypto.is_valid_public_key("sm2", Sm2SigningKey.generate().public_key)


def test_sm2_signatures_use_fresh_nonces_and_verify() -> None:
    key = Sm2SigningKey.generate()
    first, second = key.sign(b"same message"), key.sign(b"same message")
    assert first != second and len(first) == len(second) == 64
    for signature in (first, second):
        assert crypto.verify_signature("sm2", key.public_key, b"same message", signature) is True


@pytest.mark.parametrize(
    "scalar",
    [
        bytes(32),
        sm2.SM2_N.to_bytes(32, "big"),
        (sm2.SM2_N - 1).to_bytes(32, "big"),
        b"\xff" * 32,
        b"\x01" * 31,
    ],
)
def test_sm2_scalar_out_of_range_is_refused(scalar: bytes) -> None:
    with pytest.raises(ValueError):
        Sm2SigningKey.from_private_bytes(scalar)


def test_sm2_scalar_edges_are_accepted() -> None:
    for value in (1, sm2.SM2_N - 2):
        key = Sm2SigningKey.from_private_bytes(value.to_bytes(32, "big"))
        assert crypto.verify_signature("sm2", key.public_key, b"m", key.sign(b"m")) is True


@pytest.mark.parametrize(("key_type", "private"), [("ed25519", b"\x01" * 31), ("rsa", b"\x01" * 32)])
def test_load_signing_key_refuses_bad_input(key_type: str, private: bytes) -> None:
    with pytest.raises(ValueError):
        load_signing_key(key_type, private)


@pytest.mark.parametrize("key", both_keys(), ids=lambda k: k.key_type)
def test_repr_shows_did_not_private_key(key: SigningKey) -> None:
    text = repr(key)
    assert key.did() in text
    assert key.private_bytes().hex() not in text
    assert base64.b64encode(key.private_bytes()).decode() not in text


@needs_openssl
@pytest.mark.parametrize("key", both_keys(), ids=lambda k: k.key_type)
def test_pem_is_readable_by_openssl(key: SigningKey, tmp_path: Path) -> None:
    key_pem = tmp_path / "key.pem"
    key_pem.write_text(key.to_pem())
    assert key.to_pem().startswith("-----BEGIN PRIVATE KEY-----\n")
    result = openssl("pkey", "-in", key_pem, "-pubout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == key.public_pem()
    der = openssl("pkey", "-pubin", "-outform", "DER", stdin=key.public_pem().encode())
    assert der.returncode == 0 and der.stdout.endswith(key.public_key)


@pytest.mark.parametrize("key", both_keys(), ids=lambda k: k.key_type)
def test_pem_round_trip(key: SigningKey) -> None:
    loaded = type(key).from_pem(key.to_pem())
    assert loaded.private_bytes() == key.private_bytes()
    assert loaded.public_key == key.public_key


def test_sm2_pem_matches_openssl_layout() -> None:
    der = base64.b64decode("".join(Sm2SigningKey.from_private_bytes(GMT_SCALAR).to_pem().splitlines()[1:-1]))
    assert der[:27].hex() == "308187020100301306072a8648ce3d020106082a811ccf5501822d"
    assert der[-65:] == Sm2SigningKey.from_private_bytes(GMT_SCALAR).public_key


@needs_openssl
def test_sm2_from_pem_written_by_openssl_ecparam(tmp_path: Path) -> None:
    key_pem = tmp_path / "ec.pem"
    result = openssl("ecparam", "-name", "SM2", "-genkey", "-noout", "-out", key_pem)
    assert result.returncode == 0, result.stderr
    assert "PRIVATE KEY-----" in key_pem.read_text()  # OpenSSL 3 writes PKCS#8 for SM2 here
    key = Sm2SigningKey.from_pem(key_pem.read_text())
    public = openssl("pkey", "-in", key_pem, "-pubout", "-outform", "DER").stdout
    assert public.endswith(key.public_key)


def test_from_pem_refuses_the_wrong_algorithm() -> None:
    with pytest.raises(ValueError):
        Sm2SigningKey.from_pem(Ed25519SigningKey.generate().to_pem())
    with pytest.raises(ValueError):
        Ed25519SigningKey.from_pem(Sm2SigningKey.generate().to_pem())
    with pytest.raises(ValueError):
        Sm2SigningKey.from_pem("not a pem")


@pytest.mark.parametrize("key", both_keys(), ids=lambda k: k.key_type)
def test_keystore_round_trip_through_json(key: SigningKey) -> None:
    blob = json.loads(json.dumps(encrypt_key(key, "correct horse", scrypt_n=FAST_N)))
    assert blob["version"] == 1 and blob["key_type"] == key.key_type and blob["did"] == key.did()
    assert blob["kdf"]["name"] == "scrypt" and blob["kdf"]["n"] == FAST_N
    assert blob["cipher"]["name"] == "aes-256-gcm"
    assert base64.b64decode(blob["public_key"]) == key.public_key
    serialised = json.dumps(blob)
    assert key.private_bytes().hex() not in serialised
    assert base64.b64encode(key.private_bytes()).decode() not in serialised
    opened = decrypt_key(blob, "correct horse")
    assert type(opened) is type(key) and opened.private_bytes() == key.private_bytes()


def test_keystore_default_cost_and_fresh_salt() -> None:
    key = Ed25519SigningKey.from_seed(RFC8032_SEED)
    first, second = encrypt_key(key, "pw"), encrypt_key(key, "pw", scrypt_n=FAST_N)
    assert first["kdf"]["n"] == 2**15
    assert first["kdf"]["salt"] != second["kdf"]["salt"]
    assert first["ciphertext"] != second["ciphertext"]
    assert decrypt_key(first, "pw").private_bytes() == RFC8032_SEED


def test_keystore_wrong_passphrase() -> None:
    blob = encrypt_key(Sm2SigningKey.from_private_bytes(GMT_SCALAR), "right", scrypt_n=FAST_N)
    with pytest.raises(KeystoreError, match="wrong passphrase"):
        decrypt_key(blob, "wrong")


def test_keystore_passphrase_is_unicode_normalised() -> None:
    composed = unicodedata.normalize("NFC", "pâté")
    decomposed = unicodedata.normalize("NFD", "pâté")
    assert composed != decomposed
    blob = encrypt_key(Ed25519SigningKey.from_seed(RFC8032_SEED), composed, scrypt_n=FAST_N)
    assert decrypt_key(blob, decomposed).private_bytes() == RFC8032_SEED


def _flip_base64(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


TAMPERS: dict[str, Any] = {
    "ciphertext": lambda b: b.__setitem__("ciphertext", _flip_base64(b["ciphertext"])),
    "nonce": lambda b: b["cipher"].__setitem__("nonce", _flip_base64(b["cipher"]["nonce"])),
    "salt": lambda b: b["kdf"].__setitem__("salt", _flip_base64(b["kdf"]["salt"])),
    "scrypt_r": lambda b: b["kdf"].__setitem__("r", 4),
    "public_key": lambda b: b.__setitem__("public_key", _flip_base64(b["public_key"])),
    "did": lambda b: b.__setitem__("did", "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE"),
    "key_type": lambda b: b.__setitem__("key_type", "sm2"),
    "extra_field": lambda b: b.__setitem__("note", "added"),
}


@pytest.mark.parametrize("field", sorted(TAMPERS))
def test_keystore_tampering_is_detected(field: str) -> None:
    blob = encrypt_key(Ed25519SigningKey.from_seed(RFC8032_SEED), "pw", scrypt_n=FAST_N)
    tampered = copy.deepcopy(blob)
    TAMPERS[field](tampered)
    with pytest.raises(KeystoreError):
        decrypt_key(tampered, "pw")
    assert decrypt_key(blob, "pw").private_bytes() == RFC8032_SEED


MALFORMED: dict[str, Any] = {
    "not_a_dict": lambda b: "blob",
    "version": lambda b: {**b, "version": 2},
    "no_kdf": lambda b: {k: v for k, v in b.items() if k != "kdf"},
    "argon2": lambda b: {**b, "kdf": {**b["kdf"], "name": "argon2id"}},
    "huge_n": lambda b: {**b, "kdf": {**b["kdf"], "n": 2**30}},
    "n_not_power_of_two": lambda b: {**b, "kdf": {**b["kdf"], "n": 1536}},
    "n_as_string": lambda b: {**b, "kdf": {**b["kdf"], "n": "1024"}},
    "bad_base64": lambda b: {**b, "ciphertext": "@@@"},
    "no_cipher": lambda b: {k: v for k, v in b.items() if k != "cipher"},
    "cbc": lambda b: {**b, "cipher": {**b["cipher"], "name": "aes-256-cbc"}},
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_keystore_malformed_blobs(case: str) -> None:
    blob = encrypt_key(Ed25519SigningKey.from_seed(RFC8032_SEED), "pw", scrypt_n=FAST_N)
    with pytest.raises(KeystoreError):
        decrypt_key(MALFORMED[case](blob), "pw")


def test_encrypt_key_refuses_bad_parameters() -> None:
    key = Ed25519SigningKey.from_seed(RFC8032_SEED)
    with pytest.raises(ValueError):
        encrypt_key(key, "")
    with pytest.raises(ValueError):
        encrypt_key(key, "pw", scrypt_n=3000)
