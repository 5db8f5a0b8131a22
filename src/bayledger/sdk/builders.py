"""Build, sign and encode transactions (no network): the SDK's pure half."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from bayledger.core.modules.accounts.msgs import MsgCreateAccount, MsgUpdateSigners
from bayledger.core.modules.accounts.state import Signer
from bayledger.core.modules.anchor.msgs import MsgAttestAnchor, MsgCreateAnchor
from bayledger.core.msg import Msg
from bayledger.core.tx import Signature, Tx, TxBody, sign_bytes, tx_bytes
from bayledger.keys import SigningKey


def msg_to_dict(msg: Msg | dict[str, Any]) -> dict[str, Any]:
    """A message as the JSON object carried in a tx body."""
    if isinstance(msg, dict):
        return msg
    data = msgspec.to_builtins(msg)
    assert isinstance(data, dict)
    return data


def build_body(
    *,
    chain_id: str,
    signer: str,
    nonce: int,
    msgs: Sequence[Msg | dict[str, Any]],
    memo: str = "",
    expiry_height: int = 0,
) -> TxBody:
    """A transaction body ready to sign."""
    return TxBody(
        chain_id=chain_id,
        signer=signer,
        nonce=nonce,
        msgs=[msg_to_dict(m) for m in msgs],
        memo=memo,
        expiry_height=expiry_height,
    )


def sign_tx(body: TxBody, keys: Sequence[SigningKey]) -> Tx:
    """Sign ``body`` with each key (one key for a plain account, several for a multi-sig account)."""
    to_sign = sign_bytes(body)
    return Tx(
        body=body,
        signatures=[
            Signature(key_type=k.key_type, public_key=k.public_key, signature=k.sign(to_sign)) for k in keys
        ],
    )


def encode_tx(tx: Tx) -> bytes:
    """The canonical wire bytes of a signed transaction."""
    return tx_bytes(tx)


def signer_of(key: SigningKey, weight: int = 1) -> Signer:
    """A signer entry for ``key`` with ``weight``."""
    return Signer(key_type=key.key_type, public_key=key.public_key, weight=weight)


def create_account(
    creator: str, key: SigningKey | tuple[str, bytes], signers: Sequence[Signer] = (), threshold: int = 0
) -> MsgCreateAccount:
    """MsgCreateAccount for the DID of ``key`` (a SigningKey or a (key_type, public_key) pair)."""
    key_type, public_key = (key.key_type, key.public_key) if not isinstance(key, tuple) else key
    return MsgCreateAccount(
        creator=creator, key_type=key_type, public_key=public_key, signers=list(signers), threshold=threshold
    )


def update_signers(account: str, signers: Sequence[Signer], threshold: int) -> MsgUpdateSigners:
    """MsgUpdateSigners replacing the account's signers and threshold."""
    return MsgUpdateSigners(account=account, signers=list(signers), threshold=threshold)


def create_anchor(
    owner: str,
    content_hash: str,
    *,
    hash_algorithm: str = "sha256",
    anchor_type: str = "document",
    uri: str = "",
    metadata: dict[str, str] | None = None,
) -> MsgCreateAnchor:
    """MsgCreateAnchor of a content hash (64 lower-case hex characters)."""
    return MsgCreateAnchor(
        owner=owner,
        content_hash=content_hash,
        hash_algorithm=hash_algorithm,
        anchor_type=anchor_type,
        uri=uri,
        metadata=dict(metadata or {}),
    )


def attest_anchor(attester: str, anchor_id: str, statement: str, evidence_hash: str = "") -> MsgAttestAnchor:
    """MsgAttestAnchor by a third party."""
    return MsgAttestAnchor(
        attester=attester, anchor_id=anchor_id, statement=statement, evidence_hash=evidence_hash
    )
