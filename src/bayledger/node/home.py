"""A node directory: ``config.toml``, ``genesis.json``, ``keys/`` (encrypted) and ``data/node.sqlite3``."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bayledger.core.did import did_from_public_key
from bayledger.core.errors import LedgerError
from bayledger.core.genesis import Genesis, GenesisValidator, decode_genesis, encode_genesis
from bayledger.core.modules.governance.msgs import check_member_fields
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
    members: tuple[FoundingMember, ...] = (),
) -> Genesis:
    """Create a node directory with a validator key, named account keys and a genesis listing them all.

    The validator's key is also a genesis account (the zone operator can act at once). ``members`` makes
    named accounts founding consortium members (governance); without them, governance has no members.
    """
    home = NodeHome(root)
    if home.genesis_path.exists():
        raise HomeError(f"{root} is already initialised")
    _check_members(members, {name for name, _ in accounts})
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
    app_state: dict[str, Any] = {"accounts": [_builtins(a) for a in genesis_accounts]}
    if members:
        app_state["governance"] = {"members": _member_entries(members, genesis_accounts, did_ac_code)}
    genesis = Genesis(
        chain_id=chain_id,
        genesis_time=int(time.time() * 1000) if genesis_time_ms is None else genesis_time_ms,
        hash_algorithm=hash_algorithm,
        validators=[
            GenesisValidator(
                name="validator", key_type=validator.key_type, public_key=validator.public_key, power=10
            )
        ],
        app_state=app_state,
        params=ConsensusParams(),
        did_ac_code=did_ac_code,
    )
    genesis.validate()
    home.genesis_path.write_bytes(encode_genesis(genesis))
    write_config(root, config or NodeConfig())
    return genesis


@dataclass(frozen=True)
class FoundingMember:
    """A genesis account that is a founding consortium member: its roles, jurisdiction and vote weight."""

    account: str
    jurisdiction: str
    roles: tuple[str, ...]
    weight: int = 1

    @classmethod
    def parse(cls, spec: str) -> FoundingMember:
        """Parse ``NAME:JURISDICTION:ROLE[,ROLE...][:WEIGHT]``, e.g. ``hkbank:HK:bank,issuer:2``."""
        parts = spec.split(":")
        if len(parts) not in (3, 4) or not all(parts):
            raise HomeError(f"member {spec!r}: expected NAME:JURISDICTION:ROLE[,ROLE...][:WEIGHT]")
        weight = parts[3] if len(parts) == 4 else "1"
        if not weight.isdigit() or int(weight) < 1:
            raise HomeError(f"member {spec!r}: the weight must be a positive integer")
        return cls(parts[0], parts[1], tuple(parts[2].split(",")), int(weight))


def _check_members(members: tuple[FoundingMember, ...], account_names: set[str]) -> None:
    """Refuse bad founding members before anything is written."""
    for member in members:
        if member.account not in account_names:
            raise HomeError(f"member {member.account!r} is not one of the accounts being created")
        try:
            check_member_fields(
                member.account, member.account, member.jurisdiction, list(member.roles), member.weight
            )
        except LedgerError as exc:
            raise HomeError(f"member {member.account!r}: {exc.message}") from None
    names = [m.account for m in members]
    if len(set(names)) != len(names):
        raise HomeError("a member is listed twice")


def _member_entries(
    members: tuple[FoundingMember, ...], accounts: list[dict[str, object]], ac_code: str | None
) -> list[dict[str, object]]:
    """Governance genesis entries of the founding members (names default to the account name)."""
    by_name = {str(a["name"]): a for a in accounts}
    entries = []
    for member in members:
        account = by_name[member.account]
        did = did_from_public_key(str(account["key_type"]), account["public_key"], ac_code)  # type: ignore[arg-type]
        entries.append(
            {
                "did": did,
                "name_en": member.account,
                "name_zh": member.account,
                "jurisdiction": member.jurisdiction,
                "roles": list(member.roles),
                "weight": member.weight,
            }
        )
    return entries


def _builtins(entry: dict[str, object]) -> dict[str, object]:
    out = dict(entry)
    out["public_key"] = base64.b64encode(entry["public_key"]).decode()  # type: ignore[arg-type]
    return out
