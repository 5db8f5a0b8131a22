"""A node directory: ``config.toml``, ``genesis.json``, ``keys/`` (encrypted) and ``data/node.sqlite3``."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from pathlib import Path

from bayledger.core.genesis import Genesis, GenesisValidator, decode_genesis, encode_genesis
from bayledger.core.params import ConsensusParams
from bayledger.keyring import Keyring
from bayledger.keys import Ed25519SigningKey, SigningKey, Sm2SigningKey
from bayledger.node.config import NodeConfig, write_config


class HomeError(ValueError):
    """The node directory is missing, incomplete or already initialised."""


@dataclass(frozen=True)
class NodeHome:
    """Paths inside a node directory."""

    root: Path

    @property
    def genesis_path(self) -> Path:
        """The genesis document."""
        return self.root / "genesis.json"

    @property
    def database_path(self) -> Path:
        """The SQLite database."""
        return self.root / "data" / "node.sqlite3"

    @property
    def status_lists_dir(self) -> Path:
        """Hosted status list credentials (``PUT /v1/vc/status-lists/…``), one JSON file per list."""
        return self.root / "data" / "status-lists"

    @property
    def keyring(self) -> Keyring:
        """The node's encrypted keys."""
        return Keyring(self.root / "keys")

    def read_genesis(self) -> Genesis:
        """Parse and validate ``genesis.json``."""
        if not self.genesis_path.exists():
            raise HomeError(f"{self.root} is not a node directory (no genesis.json); run `bayledger init`")
        return decode_genesis(self.genesis_path.read_bytes())


def generate_key(key_type: str) -> SigningKey:
    """A fresh signing key of ``key_type`` ("ed25519" or "sm2")."""
    if key_type == "ed25519":
        return Ed25519SigningKey.generate()
    if key_type == "sm2":
        return Sm2SigningKey.generate()
    raise HomeError(f"unknown key type {key_type!r}; use ed25519 or sm2")


def init_home(
    root: Path,
    *,
    chain_id: str,
    hash_algorithm: str,
    passphrase: str,
    validator_key_type: str = "ed25519",
    accounts: tuple[tuple[str, str], ...] = (("operator", "ed25519"),),
    did_ac_code: str | None = None,
    genesis_time_ms: int | None = None,
    config: NodeConfig | None = None,
) -> Genesis:
    """Create a node directory with a validator key, named account keys and a genesis listing them all.

    The validator's key is also a genesis account (the zone operator can act at once).
    """
    home = NodeHome(root)
    if home.genesis_path.exists():
        raise HomeError(f"{root} is already initialised")
    root.mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    keyring = home.keyring
    validator = generate_key(validator_key_type)
    keyring.save("validator", validator, passphrase)
    genesis_accounts: list[dict[str, object]] = [
        {"key_type": validator.key_type, "public_key": validator.public_key, "name": "validator"}
    ]
    for name, key_type in accounts:
        key = generate_key(key_type)
        keyring.save(name, key, passphrase)
        genesis_accounts.append({"key_type": key.key_type, "public_key": key.public_key, "name": name})
    genesis = Genesis(
        chain_id=chain_id,
        genesis_time=int(time.time() * 1000) if genesis_time_ms is None else genesis_time_ms,
        hash_algorithm=hash_algorithm,
        validators=[
            GenesisValidator(
                name="validator", key_type=validator.key_type, public_key=validator.public_key, power=10
            )
        ],
        app_state={"accounts": [_builtins(a) for a in genesis_accounts]},
        params=ConsensusParams(),
        did_ac_code=did_ac_code,
    )
    genesis.validate()
    home.genesis_path.write_bytes(encode_genesis(genesis))
    write_config(root, config or NodeConfig())
    return genesis


def _builtins(entry: dict[str, object]) -> dict[str, object]:
    out = dict(entry)
    out["public_key"] = base64.b64encode(entry["public_key"]).decode()  # type: ignore[arg-type]
    return out
