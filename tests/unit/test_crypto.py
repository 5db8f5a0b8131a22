"""Signature verification (``bayledger.core.crypto``) and interoperability with the ``openssl`` command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bayledger.core import crypto, sm2
from bayledger.keys import Ed25519SigningKey, Sm2SigningKey

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")
DISTID = "distid:1234567812345678"
MESSAGE = b'{"chain_id":"bay-1","nonce":7,"msg":"transfer"}'


def openssl(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *map(str, args)], capture_output=True, check=False, timeout=60)


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("ascii") if isinstance(data, str) else data)
    return path


def openssl_public_key(tmp_path: Path, key_pem: Path, size: int) -> bytes:
    """The raw public key openssl derives from a private key PEM (last bytes of the SPKI DER)."""
    result = openssl("pkey", "-in", key_pem, "-pubout", "-outform", "DER", "-out", tmp_path / "pub.der")
    assert result.returncode == 0, result.stderr
    return (tmp_path / "pub.der").read_bytes()[-size:]


@needs_openssl
def test_sm2_signed_by_bayledger_verifies_with_openssl(tmp_path: Path) -> None:
    key = Sm2SigningKey.generate()
    signature = key.sign(MESSAGE)
    assert crypto.verify_signature("sm2", key.public_key, MESSAGE, signature) is True
    pub = write(tmp_path / "pub.pem", key.public_pem())
    sig = write(tmp_path / "sig.der", sm2.rs_to_der(signature))
    msg = write(tmp_path / "msg", MESSAGE)
    dgst = openssl("dgst", "-sm3", "-verify", pub, "-sigopt", DISTID, "-signature", sig, msg)
    assert dgst.returncode == 0 and b"Verified OK" in dgst.stdout, dgst.stderr
    pkeyutl = ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3", "-pkeyopt", DISTID]
    result = openssl(*pkeyutl, "-in", msg, "-sigfile", sig)
    assert result.returncode == 0 and b"Signature Verified Successfully" in result.stdout, result.stderr
    tampered = write(tmp_path / "tampered", MESSAGE + b" ")
    assert openssl(*pkeyutl, "-in", tampered, "-sigfile", sig).returncode != 0


@needs_openssl
def test_sm2_signed_by_openssl_verifies_with_bayledger(tmp_path: Path) -> None:
    key_pem = tmp_path / "key.pem"
    assert openssl("genpkey", "-algorithm", "SM2", "-out", key_pem).returncode == 0
    msg = write(tmp_path / "msg", MESSAGE)
    sig = tmp_path / "sig.der"
    result = openssl("dgst", "-sm3", "-sign", key_pem, "-sigopt", DISTID, "-out", sig, msg)
    assert result.returncode == 0, result.stderr
    public_key = openssl_public_key(tmp_path, key_pem, 65)
    signature = sm2.der_to_rs(sig.read_bytes())
    assert crypto.verify_signature("sm2", public_key, MESSAGE, signature) is True
    assert crypto.verify_signature("sm2", public_key, MESSAGE[:-1], signature) is False
    # The same key loaded from openssl's PEM has the same public key and signs interoperably.
    loaded = Sm2SigningKey.from_pem(key_pem.read_text())
    assert loaded.public_key == public_key
    assert crypto.verify_signature("sm2", public_key, MESSAGE, loaded.sign(MESSAGE)) is True


@needs_openssl
def test_ed25519_signed_by_openssl_verifies_with_bayledger(tmp_path: Path) -> None:
    key_pem = tmp_path / "key.pem"
    assert openssl("genpkey", "-algorithm", "ed25519", "-out", key_pem).returncode == 0
    msg = write(tmp_path / "msg", MESSAGE)
    sig = tmp_path / "sig"
    result = openssl("pkeyutl", "-sign", "-rawin", "-inkey", key_pem, "-in", msg, "-out", sig)
    assert result.returncode == 0, result.stderr
    public_key = openssl_public_key(tmp_path, key_pem, 32)
    signature = sig.read_bytes()
    assert len(signature) == 64
    assert crypto.verify_signature("ed25519", public_key, MESSAGE, signature) is True
    # Ed25519 is deterministic: our key loaded from the same PEM produces the very same bytes.
    assert Ed25519SigningKey.from_pem(key_pem.read_text()).sign(MESSAGE) == signature


@needs_openssl
def test_ed25519_signed_by_bayledger_verifies_with_openssl(tmp_path: Path) -> None:
    key = Ed25519SigningKey.generate()
    pub = write(tmp_path / "pub.pem", key.public_pem())
    msg = write(tmp_path / "msg", MESSAGE)
    sig = write(tmp_path / "sig", key.sign(MESSAGE))
    verify = ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-sigfile", sig]
    result = openssl(*verify, "-in", msg)
    assert result.returncode == 0 and b"Signature Verified Successfully" in result.stdout, result.stderr
    assert openssl(*verify, "-in", write(tmp_path / "other", b"other")).returncode != 0


@pytest.mark.parametrize("key_class", [Ed25519SigningKey, Sm2SigningKey])
def test_tampering_is_rejected(key_class: type[Ed25519SigningKey] | type[Sm2SigningKey]) -> None:
    key, other = key_class.generate(), key_class.generate()
    signature = key.sign(MESSAGE)
    kt = key.key_type
    assert crypto.verify_signature(kt, key.public_key, MESSAGE, signature) is True
    assert crypto.verify_signature(kt, key.public_key, MESSAGE + b"x", signature) is False
    assert crypto.verify_signature(kt, key.public_key, b"", signature) is False
    for index in (0, 31, 32, 63):
        flipped = bytearray(signature)
        flipped[index] ^= 0x01
        assert crypto.verify_signature(kt, key.public_key, MESSAGE, bytes(flipped)) is False
    assert crypto.verify_signature(kt, other.public_key, MESSAGE, signature) is False
    wrong_type = "sm2" if kt == "ed25519" else "ed25519"
    assert crypto.verify_signature(wrong_type, key.public_key, MESSAGE, signature) is False


@pytest.mark.parametrize(
    ("key_type", "public_key", "signature"),
    [
        ("ed25519", b"", b""),
        ("ed25519", b"\x00" * 31, b"\x00" * 64),
        ("ed25519", b"\x01" * 32, b"\x00" * 63),
        ("sm2", b"\x04" + b"\x01" * 64, b"\x01" * 64),  # not on the curve
        ("sm2", b"\x02" + b"\x01" * 32, b"\x01" * 64),  # compressed form is not the wire format
        ("rsa", b"\x01" * 32, b"\x01" * 64),
        ("ed25519", None, b"\x00" * 64),
        ("sm2", "04" * 65, "00" * 64),
    ],
)
def test_bad_input_returns_false_without_raising(
    key_type: str, public_key: object, signature: object
) -> None:
    assert crypto.verify_signature(key_type, public_key, MESSAGE, signature) is False  # type: ignore[arg-type]


def test_sm2_signature_scalars_out_of_range_are_rejected() -> None:
    key = Sm2SigningKey.generate()
    good = key.sign(MESSAGE)
    n = sm2.SM2_N.to_bytes(32, "big")
    for bad in (bytes(32) + good[32:], good[:32] + bytes(32), n + good[32:], good[:32] + n):
        assert crypto.verify_signature("sm2", key.public_key, MESSAGE, bad) is False
    assert crypto.verify_signature("sm2", key.public_key, None, good) is False  # type: ignore[arg-type]


def test_is_valid_public_key() -> None:
    ed, sm = Ed25519SigningKey.generate(), Sm2SigningKey.generate()
    assert crypto.is_valid_public_key("ed25519", ed.public_key) is True
    assert crypto.is_valid_public_key("sm2", sm.public_key) is True
    assert crypto.is_valid_public_key("ed25519", bytes(32)) is False  # small-order point
    assert crypto.is_valid_public_key("ed25519", ed.public_key[:31]) is False
    assert crypto.is_valid_public_key("sm2", sm.public_key[:-1] + bytes([sm.public_key[-1] ^ 1])) is False
    assert crypto.is_valid_public_key("sm2", b"\x04" + sm2.SM2_P.to_bytes(32, "big") * 2) is False
    assert crypto.is_valid_public_key("sm2", ed.public_key) is False
    assert crypto.is_valid_public_key("dsa", ed.public_key) is False
    assert crypto.KEY_TYPES == ("ed25519", "sm2")


@pytest.mark.parametrize(
    "signature_hex",
    [
        "00" * 31 + "01" + "00" * 31 + "02",  # tiny integers
        "80" + "00" * 31 + "ff" * 32,  # high bits set: DER needs a 0x00 pad
        "7f" + "ff" * 31 + "00" * 31 + "7f",
    ],
)
def test_der_round_trip(signature_hex: str) -> None:
    signature = bytes.fromhex(signature_hex)
    der = sm2.rs_to_der(signature)
    assert der[0] == 0x30 and der[1] == len(der) - 2
    assert sm2.der_to_rs(der) == signature


def test_der_round_trip_known_encoding() -> None:
    signature = bytes(31) + b"\x01" + b"\x80" + bytes(31)
    assert sm2.rs_to_der(signature).hex() == "302602010102210080" + "00" * 31


@pytest.mark.parametrize(
    "der_hex",
    [
        "",
        "3000",
        "300602010102",
        "3006020101020101ff",
        "30070201010202007f",
        "3006020181020101",
        "31060201010201 01",
    ],
)
def test_der_to_rs_rejects_malformed(der_hex: str) -> None:
    with pytest.raises(ValueError):
        sm2.der_to_rs(bytes.fromhex(der_hex.replace(" ", "")))
