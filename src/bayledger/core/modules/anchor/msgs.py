"""Messages of the anchor module and their stateless checks."""

from __future__ import annotations

import re
from typing import ClassVar

from bayledger.core.hashing import HASH_ALGORITHMS
from bayledger.core.modules.anchor.errors import InvalidAnchorError
from bayledger.core.msg import Msg
from bayledger.core.types import Did

MAX_URI_LENGTH = 512
MAX_METADATA_ENTRIES = 16
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 256
MAX_STATEMENT_LENGTH = 512
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ANCHOR_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class MsgCreateAnchor(Msg, frozen=True, tag="anchor/MsgCreateAnchor"):
    """Anchor a content hash (lower-case hex of SHA-256 or SM3) with its type, URI and metadata."""

    signer_field: ClassVar[str] = "owner"
    owner: Did
    content_hash: str
    hash_algorithm: str
    anchor_type: str
    uri: str
    metadata: dict[str, str]


class MsgAttestAnchor(Msg, frozen=True, tag="anchor/MsgAttestAnchor"):
    """A third party attests an anchor (e.g. a reviewer verifies a report), with optional evidence hash."""

    signer_field: ClassVar[str] = "attester"
    attester: Did
    anchor_id: str
    statement: str
    evidence_hash: str


def is_content_hash(text: str) -> bool:
    """True for 64 lower-case hex characters (a 32-byte SHA-256 or SM3 digest)."""
    return bool(_HEX64.match(text))


def validate_create_anchor(msg: MsgCreateAnchor) -> None:
    """Stateless checks of MsgCreateAnchor."""
    if not is_content_hash(msg.content_hash):
        raise InvalidAnchorError("content_hash must be 64 lower-case hex characters")
    if msg.hash_algorithm not in HASH_ALGORITHMS:
        raise InvalidAnchorError(f"hash_algorithm must be one of {HASH_ALGORITHMS}")
    if not _ANCHOR_TYPE.match(msg.anchor_type):
        raise InvalidAnchorError(
            "anchor_type must be 1-64 of a-z, 0-9 and '-', starting with a letter or digit"
        )
    if len(msg.uri) > MAX_URI_LENGTH:
        raise InvalidAnchorError(f"uri longer than {MAX_URI_LENGTH} characters")
    if len(msg.metadata) > MAX_METADATA_ENTRIES:
        raise InvalidAnchorError(f"more than {MAX_METADATA_ENTRIES} metadata entries")
    for key, value in msg.metadata.items():
        if not key or len(key) > MAX_METADATA_KEY or len(value) > MAX_METADATA_VALUE:
            raise InvalidAnchorError(
                f"metadata keys are 1-{MAX_METADATA_KEY} characters, values at most {MAX_METADATA_VALUE}"
            )


def validate_attest_anchor(msg: MsgAttestAnchor) -> None:
    """Stateless checks of MsgAttestAnchor."""
    if not msg.statement or len(msg.statement) > MAX_STATEMENT_LENGTH:
        raise InvalidAnchorError(f"statement must be 1-{MAX_STATEMENT_LENGTH} characters")
    if msg.evidence_hash and not is_content_hash(msg.evidence_hash):
        raise InvalidAnchorError("evidence_hash must be empty or 64 lower-case hex characters")
