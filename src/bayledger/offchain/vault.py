"""A vault: one party's data, encrypted at rest in a directory, with its own keys and access log.

Layout of a vault directory:

* ``vault.json`` — the vault's secrets (a 256-bit storage key, an X25519 key and an SM2 key for
  receiving) encrypted with AES-256-GCM under a key derived from the passphrase with scrypt
  (N = 2^15 by default, r = 8, p = 1), plus the public keys in clear.
* ``objects/<name>.bin`` — each object as ``nonce || AES-256-GCM(storage key, bytes, aad = name)``.
* ``access-log.jsonl`` — the vault's own tamper-evident log: each line carries the SHA-256 of the previous
  line's hash and its own canonical JSON, so an edited or dropped line is detected by :meth:`verify_log`.
* ``api-token`` — the bearer token the vault's control endpoints require.

The directory and ``objects/`` are mode 0700 and every file 0600 (the log names grants and DIDs), set
explicitly whatever the umask; opening a vault tightens a directory or log created looser (before this
rule or by hand).

Nothing here talks to the chain; ``vault_service.py`` does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from bayledger.core.hashing import get_hash_function
from bayledger.keys import Sm2SigningKey
from bayledger.offchain.envelope import b64, sm2_public_text, unb64, x25519_public_text

DEFAULT_SCRYPT_N = 2**15
SALT_BYTES = 32
"""Size of the random salt a payload fingerprint is computed with (``salted_fingerprint``)."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_LOG_DOMAIN = b"bayledger/vault-log/v1\n"


class VaultError(Exception):
    """The vault cannot do this: wrong passphrase, unknown object, bad name, corrupt file."""


def canonical(record: Any) -> bytes:
    """RFC 8785 canonical JSON bytes of a record (what fingerprints are computed over)."""
    return bytes(rfc8785.dumps(record))


def fingerprint(data: bytes, algorithm: str) -> str:
    """Hex SHA-256 or SM3 of ``data`` (the zone's hash)."""
    return get_hash_function(algorithm)(data).hex()


def salted_fingerprint(salt: bytes, payload: bytes, algorithm: str) -> str:
    """Hex zone hash of ``salt || payload``: the payload fingerprint anchored on chain at dispatch.

    A masked payload may have little entropy (a year of birth, a score, a district): its plain hash on a
    public ledger could be reversed by trying every value. With 32 random bytes, known only to the holder
    and (inside the encrypted envelope) the recipient, it cannot.
    """
    if len(salt) != SALT_BYTES:
        raise VaultError(f"a fingerprint salt is {SALT_BYTES} bytes")
    return fingerprint(salt + payload, algorithm)


def _derive(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode())


@dataclass
class Vault:
    """An opened vault: its directory and decrypted keys."""

    directory: Path
    storage_key: bytes
    x25519: X25519PrivateKey
    sm2: Sm2SigningKey

    # --- creation and opening ------------------------------------------------------------------------------

    @classmethod
    def create(cls, directory: Path, passphrase: str, *, scrypt_n: int = DEFAULT_SCRYPT_N) -> Vault:
        """Create a new vault in an empty (or missing) directory; VaultError if one exists there."""
        if (directory / "vault.json").exists():
            raise VaultError(f"a vault already exists in {directory}")
        if not passphrase:
            raise VaultError("a vault needs a non-empty passphrase")
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "objects").mkdir(exist_ok=True)
        _restrict_modes(directory)
        vault = cls(directory, secrets.token_bytes(32), X25519PrivateKey.generate(), Sm2SigningKey.generate())
        x_raw = vault.x25519.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        secret = json.dumps(
            {
                "storage_key": b64(vault.storage_key),
                "x25519": b64(x_raw),
                "sm2": b64(vault.sm2.private_bytes()),
            }
        ).encode()
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        public = vault.public_keys()
        aad = canonical(public)
        sealed = AESGCM(_derive(passphrase, salt, scrypt_n)).encrypt(nonce, secret, aad)
        blob = {
            "version": 1,
            "kdf": {"name": "scrypt", "n": scrypt_n, "r": 8, "p": 1, "salt": b64(salt)},
            "cipher": "aes-256-gcm",
            "nonce": b64(nonce),
            "ciphertext": b64(sealed),
            "public": public,
        }
        _write_private(directory / "vault.json", json.dumps(blob, indent=2).encode())
        _write_private(directory / "api-token", secrets.token_urlsafe(32).encode())
        return vault

    @classmethod
    def open(cls, directory: Path, passphrase: str) -> Vault:
        """Open an existing vault; VaultError for a wrong passphrase or a damaged key file."""
        try:
            blob = json.loads((directory / "vault.json").read_text())
            kdf = blob["kdf"]
            key = _derive(passphrase, unb64(kdf["salt"]), int(kdf["n"]))
            secret = json.loads(
                AESGCM(key).decrypt(
                    unb64(blob["nonce"]), unb64(blob["ciphertext"]), canonical(blob["public"])
                )
            )
        except FileNotFoundError:
            raise VaultError(f"no vault in {directory} (run `bayledger vault init`)") from None
        except InvalidTag:
            raise VaultError("wrong vault passphrase (or vault.json was altered)") from None
        except (KeyError, ValueError) as exc:
            raise VaultError(f"damaged vault.json: {exc}") from None
        _restrict_modes(directory)
        return cls(
            directory,
            unb64(secret["storage_key"]),
            X25519PrivateKey.from_private_bytes(unb64(secret["x25519"])),
            Sm2SigningKey.from_private_bytes(unb64(secret["sm2"])),
        )

    def public_keys(self) -> dict[str, str]:
        """The receiving keys a grant may name: ``{"x25519": "x25519:…", "sm2": "sm2:…"}``."""
        return {"x25519": x25519_public_text(self.x25519), "sm2": sm2_public_text(self.sm2)}

    def api_token(self) -> str:
        """The bearer token of the control endpoints."""
        return (self.directory / "api-token").read_text().strip()

    # --- objects encrypted at rest -------------------------------------------------------------------------

    def _object_path(self, name: str) -> Path:
        if _NAME.fullmatch(name) is None:
            raise VaultError(f"object name {name!r} must be 1-128 of A-Z a-z 0-9 . _ -")
        return self.directory / "objects" / f"{name}.bin"

    def put(self, name: str, data: bytes) -> None:
        """Store ``data`` under ``name``, encrypted (replaces an older object of that name)."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.storage_key).encrypt(nonce, data, name.encode())
        _write_private(self._object_path(name), nonce + sealed)

    def get(self, name: str) -> bytes:
        """The decrypted object; VaultError if missing or altered."""
        path = self._object_path(name)
        try:
            raw = path.read_bytes()
            return AESGCM(self.storage_key).decrypt(raw[:12], raw[12:], name.encode())
        except FileNotFoundError:
            raise VaultError(f"no object {name!r} in the vault") from None
        except InvalidTag:
            raise VaultError(f"object {name!r} was altered on disk") from None

    def delete(self, name: str) -> bool:
        """Delete an object (overwritten with zeros first); False if there was none."""
        path = self._object_path(name)
        if not path.exists():
            return False
        path.write_bytes(b"\0" * path.stat().st_size)
        path.unlink()
        return True

    def names(self) -> list[str]:
        """Names of the stored objects, sorted."""
        return sorted(p.stem for p in (self.directory / "objects").glob("*.bin"))

    def put_record(self, name: str, record: dict[str, Any]) -> bytes:
        """Store a JSON record in canonical form; returns the canonical bytes (to fingerprint)."""
        data = canonical(record)
        self.put(name, data)
        return data

    def get_record(self, name: str) -> dict[str, Any]:
        """A stored JSON record."""
        value = json.loads(self.get(name))
        if not isinstance(value, dict):
            raise VaultError(f"object {name!r} is not a JSON record")
        return value

    # --- the vault's own hash-chained log ------------------------------------------------------------------

    def log(self, action: str, **fields: Any) -> dict[str, Any]:
        """Append an entry (with the wall-clock time: this is the edge, not the core) and return it."""
        entries = self.read_log()
        prev = entries[-1]["entry_hash"] if entries else ""
        entry = {
            "seq": len(entries) + 1,
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "action": action,
            **fields,
            "prev_hash": prev,
        }
        entry["entry_hash"] = _entry_hash(entry)
        fd = os.open(self.directory / "access-log.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        return entry

    def read_log(self) -> list[dict[str, Any]]:
        """Every log entry, oldest first."""
        path = self.directory / "access-log.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def verify_log(self) -> list[str]:
        """Problems in the log's hash chain (empty when intact)."""
        problems, prev = [], ""
        for number, entry in enumerate(self.read_log(), start=1):
            if entry.get("seq") != number or entry.get("prev_hash") != prev:
                problems.append(f"entry {number}: does not link to the entry before it")
            if _entry_hash(entry) != entry.get("entry_hash"):
                problems.append(f"entry {number}: entry_hash does not match its content")
            prev = entry.get("entry_hash", "")
        return problems


def _entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "entry_hash"}
    return hashlib.sha256(_LOG_DOMAIN + canonical(body)).hexdigest()


def _restrict_modes(directory: Path) -> None:
    """The vault directory and ``objects/`` 0700, the log 0600 (explicitly: ``mkdir`` obeys the umask)."""
    os.chmod(directory, 0o700)
    os.chmod(directory / "objects", 0o700)
    log = directory / "access-log.jsonl"
    if log.exists():
        os.chmod(log, 0o600)


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by the owner only (atomically: a temp file renamed over)."""
    temp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a temp file left over from a crash keeps its old mode otherwise
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)
