"""Shared helpers of the node/store unit tests: deterministic keys, a genesis on disk, signed txs, a node."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.core.params import ConsensusParams
from bayledger.keys import Ed25519SigningKey, SigningKey, Sm2SigningKey
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.sdk import builders

CHAIN_ID = "bayledger-unit-1"
GENESIS_TIME = 1_700_000_000_000


def ed_key(n: int) -> Ed25519SigningKey:
    """A deterministic Ed25519 key number ``n``."""
    return Ed25519SigningKey.from_seed(n.to_bytes(4, "big") + b"\x5a" * 28)


def validator_key(key_type: str = "ed25519") -> SigningKey:
    """The deterministic validator key of the test zones."""
    if key_type == "sm2":
        return Sm2SigningKey.from_private_bytes(b"\x00" * 31 + b"\x07")
    return Ed25519SigningKey.from_seed(b"\x01" * 32)


def content(n: int) -> str:
    """A distinct 64-hex content hash."""
    return n.to_bytes(32, "big").hex()


def write_genesis(
    home: Path,
    users: list[SigningKey],
    *,
    validator: SigningKey | None = None,
    hash_algorithm: str = "sha256",
    params: ConsensusParams | None = None,
) -> Genesis:
    """Write ``home/genesis.json`` with ``users`` as genesis accounts; return the document."""
    validator = validator or validator_key()
    genesis = Genesis(
        chain_id=CHAIN_ID,
        genesis_time=GENESIS_TIME,
        hash_algorithm=hash_algorithm,
        validators=[GenesisValidator("validator", validator.key_type, validator.public_key, 10)],
        app_state={
            "accounts": [{"key_type": k.key_type, "public_key": b64encode(k.public_key)} for k in users]
        },
        params=params or ConsensusParams(),
    )
    genesis.validate()
    home.mkdir(parents=True, exist_ok=True)
    NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
    return genesis


def signed(key: SigningKey, nonce: int, *msgs: Any, chain_id: str = CHAIN_ID, memo: str = "") -> bytes:
    """Wire bytes of a tx by ``key``'s own account."""
    body = builders.build_body(chain_id=chain_id, signer=key.did(), nonce=nonce, msgs=list(msgs), memo=memo)
    return builders.encode_tx(builders.sign_tx(body, [key]))


def anchor_tx(key: SigningKey, nonce: int, n: int, *, chain_id: str = CHAIN_ID, **kwargs: Any) -> bytes:
    """A tx anchoring ``content(n)`` owned by ``key``'s account (``kwargs`` go to ``create_anchor``)."""
    return signed(key, nonce, builders.create_anchor(key.did(), content(n), **kwargs), chain_id=chain_id)


def open_node(home: Path, validator: SigningKey | None = None, **kwargs: Any) -> EmbeddedNode:
    """An embedded node on ``home`` (synchronous NORMAL: these tests do not pull the power plug)."""
    return EmbeddedNode(home, validator or validator_key(), synchronous="NORMAL", **kwargs)


TABLES = ("meta", "state", "tree", "blocks", "txs", "tx_accounts", "events", "event_attrs")


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a node database, through a separate connection (committed data only)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}
    finally:
        conn.close()
