"""The transaction envelope: what is signed, how it is decoded and hashed.

Wire form (JSON)::

    {"body": {"chain_id": "bayledger-hk-1", "signer": "did:bid:...", "nonce": 1,
              "msgs": [{"type": "anchor/MsgCreateAnchor", ...}], "memo": "", "expiry_height": 0},
     "signatures": [{"key_type": "ed25519", "public_key": "<base64>", "signature": "<base64>"}]}

Every body field is required. The bytes signed are ``SIGN_DOMAIN + JCS(body)``; the body names the chain id,
so a signature cannot be replayed on another zone. The tx hash is the zone hash of ``JCS(tx)``.
``expiry_height`` 0 means the tx never expires.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.encoding import (
    MAX_SAFE_INTEGER,
    CanonicalEncodingError,
    canonical_json,
    encode_sorted,
    is_fast_path_safe,
)
from bayledger.core.errors import MalformedTxError, TxTooLargeError

SIGN_DOMAIN = b"bayledger/tx/v1\n"


class Signature(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One signature: the key that made it (type and raw public key) and the signature bytes."""

    key_type: str
    public_key: bytes
    signature: bytes


class TxBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the signer commits to. ``msgs`` stay JSON objects here; the router types them."""

    chain_id: str
    signer: str
    nonce: int
    msgs: list[dict[str, Any]]
    memo: str
    expiry_height: int


class Tx(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A signed transaction."""

    body: TxBody
    signatures: list[Signature]


_TX_DECODER = msgspec.json.Decoder(Tx)


def decode_tx(raw: bytes, max_tx_bytes: int) -> Tx:
    """Parse wire bytes into a Tx, refusing oversize input and malformed JSON with typed errors."""
    if len(raw) > max_tx_bytes:
        raise TxTooLargeError(len(raw), max_tx_bytes)
    try:
        return _TX_DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        raise MalformedTxError(f"malformed transaction: {exc}") from None


def body_bytes(body: TxBody) -> bytes:
    """RFC 8785 canonical bytes of the body.

    Fast path: the struct's own fields are ASCII names holding strings and integers, so msgspec's sorted
    encoding of the struct is JCS as long as the integers are safe and the free-form ``msgs`` are.
    """
    if (
        0 <= body.nonce <= MAX_SAFE_INTEGER
        and 0 <= body.expiry_height <= MAX_SAFE_INTEGER
        and is_fast_path_safe(body.msgs)
    ):
        return encode_sorted(body)
    try:
        return canonical_json(msgspec.to_builtins(body))
    except CanonicalEncodingError as exc:
        raise MalformedTxError(str(exc)) from None


def sign_bytes(body: TxBody) -> bytes:
    """The exact bytes every signer signs."""
    return SIGN_DOMAIN + body_bytes(body)


def tx_bytes(tx: Tx, canonical_body: bytes | None = None) -> bytes:
    """Canonical bytes of the whole signed tx, as stored in blocks.

    ``canonical_body`` (from :func:`body_bytes`) saves encoding the body twice. The result is JCS: the two
    keys ``body`` < ``signatures`` are in order and a signature's fields are ASCII names holding ASCII
    strings (base64 and key type names), which the sorted msgspec encoding writes exactly as RFC 8785 does.
    """
    body = body_bytes(tx.body) if canonical_body is None else canonical_body
    return b'{"body":' + body + b',"signatures":' + encode_sorted(tx.signatures) + b"}"
