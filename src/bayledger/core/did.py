"""``did:bid`` identifiers derived from public keys exactly as the BIF (星火·链网) SDKs do.

CONTRACT (owned by the crypto helper; keep these names and signatures):
- ``did_from_public_key(key_type, public_key, ac_code=None) -> str``
- ``is_did_bid(text) -> bool`` (syntax check)
"""

from __future__ import annotations


def did_from_public_key(key_type: str, public_key: bytes, ac_code: str | None = None) -> str:
    """Derive the ``did:bid`` of a raw public key (see module docstring)."""
    raise NotImplementedError


def is_did_bid(text: str) -> bool:
    """True when ``text`` is a syntactically valid ``did:bid`` identifier."""
    raise NotImplementedError
