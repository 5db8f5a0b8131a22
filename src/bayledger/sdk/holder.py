"""A holder's credential wallet: credentials kept as JSON files, presented with the holder's key.

The store is a directory next to the keyring (``<home>/credentials`` beside ``<home>/keys``): one file per
credential, ``<sha256 of the credential>.json`` for a W3C credential (JSON) and ``<sha256>.sdjwt`` for an
SD-JWT VC (its compact ``~`` form). Entries are named by that hash prefix (``ref``), so importing the same
credential twice keeps one file.

>>> holder = HolderWallet(home / "credentials", holder_key, did)
>>> ref = holder.import_credential(credential)
>>> vp = holder.present([ref], challenge="c-123", domain="verifier.example", created=now)
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bayledger.keys import SigningKey
from bayledger.vc import create_presentation
from bayledger.vc.cryptosuites import jcs
from bayledger.vc.sdjwt import b64url_decode, parse_sd_jwt, present_sd_jwt_vc

CREDENTIALS_DIR = "credentials"
JSON_SUFFIX = ".json"
SDJWT_SUFFIX = ".sdjwt"


class HolderError(ValueError):
    """A credential file is missing, ambiguous or not a credential."""


@dataclass(frozen=True)
class StoredCredential:
    """One entry of the wallet: its reference, format (``vc`` or ``sd-jwt``) and a short summary."""

    ref: str
    format: str
    path: Path
    types: tuple[str, ...]
    issuer: str
    subject: str | None
    credential_id: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "ref": self.ref,
            "format": self.format,
            "path": str(self.path),
            "types": list(self.types),
            "issuer": self.issuer,
            "subject": self.subject,
            "id": self.credential_id,
        }


def credentials_dir(home: Path) -> Path:
    """The wallet directory of a node home / CLI home: next to ``keys``."""
    return home / CREDENTIALS_DIR


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, atomically."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class HolderWallet:
    """The credentials of one holder DID and the key that signs its presentations."""

    def __init__(
        self,
        directory: Path,
        holder_key: SigningKey | None,
        holder: str,
        verification_method: str | None = None,
    ) -> None:
        """``holder_key`` may be None for a wallet that only stores and lists credentials."""
        self.directory = directory
        self.holder_key = holder_key
        self.holder = holder
        self.verification_method = verification_method or f"{holder}#key-1"

    # --- store -----------------------------------------------------------------------------------

    def import_credential(self, credential: dict[str, Any] | str) -> str:
        """Store a W3C credential (a JSON object) or an SD-JWT VC (compact text); return its ``ref``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if isinstance(credential, str):
            text = credential.strip()
            parse_sd_jwt(text)  # refuses what is not an SD-JWT
            data, suffix = text.encode(), SDJWT_SUFFIX
        else:
            types = credential.get("type")
            if not isinstance(types, list) or "VerifiableCredential" not in types:
                raise HolderError("not a verifiable credential: its type must list VerifiableCredential")
            data = json.dumps(credential, indent=2, ensure_ascii=False).encode()
            suffix = JSON_SUFFIX
        ref = hashlib.sha256(jcs(credential) if suffix == JSON_SUFFIX else data).hexdigest()[:16]
        _write_private(self.directory / f"{ref}{suffix}", data)
        return ref

    def import_file(self, path: Path) -> str:
        """Store the credential in ``path`` (JSON credential, or SD-JWT text)."""
        text = path.read_text(encoding="utf-8").strip()
        if text.startswith(("{", "[")):
            document = json.loads(text)
            if not isinstance(document, dict):
                raise HolderError(f"{path} does not hold a JSON object")
            return self.import_credential(document)
        return self.import_credential(text)

    def _files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if p.suffix in (JSON_SUFFIX, SDJWT_SUFFIX))

    def list_credentials(self) -> list[StoredCredential]:
        """Every stored credential, in ``ref`` order."""
        return [self._describe(path) for path in self._files()]

    def _find(self, ref: str) -> Path:
        matches = [p for p in self._files() if p.stem.startswith(ref)]
        if not matches:
            raise HolderError(f"no credential {ref!r} in {self.directory}")
        if len(matches) > 1:
            raise HolderError(f"{ref!r} matches {len(matches)} credentials; give more characters")
        return matches[0]

    def _describe(self, path: Path) -> StoredCredential:
        if path.suffix == SDJWT_SUFFIX:
            issuer_jwt = parse_sd_jwt(path.read_text(encoding="utf-8").strip()).issuer_jwt
            payload = json.loads(b64url_decode(issuer_jwt.split(".")[1]))
            return StoredCredential(
                ref=path.stem,
                format="sd-jwt",
                path=path,
                types=(str(payload.get("vct", "")),),
                issuer=str(payload.get("iss", "")),
                subject=payload.get("sub"),
                credential_id=None,
            )
        document = json.loads(path.read_text(encoding="utf-8"))
        issuer = document.get("issuer")
        subject = document.get("credentialSubject")
        return StoredCredential(
            ref=path.stem,
            format="vc",
            path=path,
            types=tuple(document.get("type", [])),
            issuer=issuer.get("id", "") if isinstance(issuer, dict) else str(issuer),
            subject=subject.get("id") if isinstance(subject, dict) else None,
            credential_id=document.get("id"),
        )

    def get(self, ref: str) -> dict[str, Any] | str:
        """The stored credential (a dict, or the SD-JWT text) by ``ref`` or a unique prefix of it."""
        path = self._find(ref)
        if path.suffix == SDJWT_SUFFIX:
            return path.read_text(encoding="utf-8").strip()
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return document

    def remove(self, ref: str) -> None:
        """Delete a stored credential."""
        self._find(ref).unlink()

    # --- present ---------------------------------------------------------------------------------

    def _key(self) -> SigningKey:
        if self.holder_key is None:
            raise HolderError("this wallet has no holder key: it cannot sign presentations")
        return self.holder_key

    def present(self, refs: list[str], *, challenge: str, domain: str, created: datetime) -> dict[str, Any]:
        """A Verifiable Presentation of the W3C credentials ``refs``, signed by the holder key
        (``authentication``, bound to the verifier's ``challenge`` and ``domain``)."""
        credentials = []
        for ref in refs:
            stored = self.get(ref)
            if not isinstance(stored, dict):
                raise HolderError(f"{ref!r} is an SD-JWT VC: present it with present_sd_jwt")
            credentials.append(stored)
        return create_presentation(
            credentials,
            holder=self.holder,
            signing_key=self._key(),
            verification_method=self.verification_method,
            challenge=challenge,
            domain=domain,
            created=created,
        )

    def present_sd_jwt(
        self, ref: str, *, disclose: list[str], audience: str, nonce: str, issued_at: datetime
    ) -> str:
        """An SD-JWT VC presentation revealing only the ``disclose`` claims, with a KB-JWT by the holder
        key for ``audience`` and ``nonce``."""
        stored = self.get(ref)
        if not isinstance(stored, str):
            raise HolderError(f"{ref!r} is a W3C credential: present it with present")
        return present_sd_jwt_vc(
            stored,
            disclose=disclose,
            holder_key=self._key(),
            audience=audience,
            nonce=nonce,
            issued_at=issued_at,
        )
