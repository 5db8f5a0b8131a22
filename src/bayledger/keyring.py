"""A directory of encrypted keystore files, one ``<name>.json`` per key (used by the node, CLI and SDK).

Keys are encrypted at rest (scrypt + AES-256-GCM, see ``bayledger.keys``) and never logged or returned by
the API. Names are 1-64 of letters, digits, ``-`` and ``_``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from bayledger.keys import SigningKey, decrypt_key, encrypt_key

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class KeyringError(ValueError):
    """A key name is invalid, missing or already taken."""


class Keyring:
    """Encrypted keys in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise KeyringError(f"key name {name!r} must be 1-64 of letters, digits, '-' and '_'")
        return self.directory / f"{name}.json"

    def save(self, name: str, key: SigningKey, passphrase: str, *, overwrite: bool = False) -> Path:
        """Encrypt and store ``key`` under ``name`` (file mode 0600); refuses to overwrite by default."""
        path = self._path(name)
        if path.exists() and not overwrite:
            raise KeyringError(f"a key named {name!r} already exists")
        self.directory.mkdir(parents=True, exist_ok=True)
        blob = encrypt_key(key, passphrase)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(blob, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return path

    def load(self, name: str, passphrase: str) -> SigningKey:
        """Decrypt the key called ``name``.

        Raises KeyringError if it is missing, KeystoreError if the passphrase is wrong.
        """
        path = self._path(name)
        if not path.exists():
            raise KeyringError(f"no key named {name!r} in {self.directory}")
        return decrypt_key(json.loads(path.read_text()), passphrase)

    def public_info(self, name: str) -> dict[str, Any]:
        """Name, key type, public key and DID of a stored key, without decrypting it."""
        path = self._path(name)
        if not path.exists():
            raise KeyringError(f"no key named {name!r} in {self.directory}")
        blob = json.loads(path.read_text())
        return {
            "name": name,
            "key_type": blob.get("key_type"),
            "public_key": blob.get("public_key"),
            "did": blob.get("did"),
        }

    def names(self) -> list[str]:
        """Names of every stored key, sorted."""
        if not self.directory.exists():
            return []
        return sorted(p.stem for p in self.directory.glob("*.json"))
