"""``bayledger localnet init``: N validator nodes on loopback ports, each with its own homes, keys, database.

Layout of ``DIR``::

    localnet.json            the manifest: chain id, ports, node ids (read by start/stop/status)
    node<i>/                 bayledger home: genesis.json, config.toml, keys/ (encrypted), data/node.sqlite3
    node<i>/cometbft/        CometBFT home: config/{config,genesis}.toml|json, priv_validator_key.json,
                             node_key.json, data/

The validators' consensus keys are the Ed25519 keys ``cometbft init`` made for each node; our genesis lists
them as its validators and CometBFT's genesis carries our whole genesis document as ``app_state`` (InitChain
checks both agree). Genesis accounts: ``operator`` and one founding consortium member ``member<i>`` per node,
so governance (2/3 of members) can change the validator set; every node's keyring holds all account keys.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import msgspec

from bayledger.cometbft.install import require_cometbft
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.core.params import ConsensusParams
from bayledger.node.config import NodeConfig, write_config
from bayledger.node.home import HomeError, NodeHome, generate_key

MANIFEST = "localnet.json"
PORTS_PER_NODE = 10  # p2p +0, rpc +1, abci +2, api +3


def node_ports(base_port: int, index: int) -> dict[str, int]:
    """The loopback ports of node ``index``."""
    first = base_port + PORTS_PER_NODE * index
    return {"p2p_port": first, "rpc_port": first + 1, "abci_port": first + 2, "api_port": first + 3}


def check_ports(base_port: int, nodes: int) -> None:
    """Refuse a port range reaching into the kernel's ephemeral range (outgoing connections could take a
    listening port of a node not started yet) or beyond 65535."""
    last = base_port + PORTS_PER_NODE * (nodes + 4)  # room for full nodes added later
    if base_port < 1024 or last > 65535:
        raise HomeError(f"ports {base_port}..{last} are outside 1024..65535")
    try:
        low, high = (int(p) for p in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        return
    if base_port <= high and last >= low:
        raise HomeError(
            f"ports {base_port}..{last} overlap the ephemeral port range {low}..{high}; choose a base "
            f"port such that the range stays below {low} (the default 27000 does)"
        )


def rfc3339_ms(ms: int) -> str:
    """Milliseconds since the epoch as CometBFT's RFC 3339 UTC time."""
    moment = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def patch_toml(text: str, changes: dict[tuple[str, str], str]) -> str:
    """Set ``key = value`` in ``[section]`` of a TOML file (``""`` is the top level); values are TOML text."""
    section = ""
    out = []
    for line in text.splitlines():
        header = re.match(r"^\[([^\]]+)\]\s*$", line)
        if header:
            section = header.group(1)
        else:
            match = re.match(r"^([A-Za-z0-9_]+)\s*=", line)
            if match and (section, match.group(1)) in changes:
                line = f"{match.group(1)} = {changes[(section, match.group(1))]}"
        out.append(line)
    return "\n".join(out) + "\n"


def _node_id(comet_home: Path) -> str:
    key = json.loads((comet_home / "config" / "node_key.json").read_text())
    public = base64.b64decode(key["priv_key"]["value"])[32:]
    return hashlib.sha256(public).digest()[:20].hex()


def _validator_key(comet_home: Path) -> bytes:
    key = json.loads((comet_home / "config" / "priv_validator_key.json").read_text())
    return base64.b64decode(key["pub_key"]["value"])


def init_localnet(
    directory: Path,
    *,
    validators: int = 4,
    passphrase: str,
    chain_id: str = "bayledger-localnet-1",
    hash_algorithm: str = "sha256",
    base_port: int = 27000,
    timeout_commit_ms: int = 300,
    genesis_time_ms: int | None = None,
    accounts: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Create the localnet in ``directory`` (which must not hold one); returns the manifest.

    ``accounts`` names extra genesis accounts (beside ``operator`` and the members), ``NAME`` (Ed25519) or
    ``NAME:sm2``.
    """
    if not 1 <= validators <= 16:
        raise HomeError("a localnet has 1 to 16 validators")
    if (directory / MANIFEST).exists():
        raise HomeError(f"{directory} already holds a localnet; stop it and remove the directory first")
    check_ports(base_port, validators)
    binary = require_cometbft()
    directory.mkdir(parents=True, exist_ok=True)
    nodes: list[dict[str, Any]] = []
    for index in range(validators):
        comet_home = directory / f"node{index}" / "cometbft"
        subprocess.run([binary, "init", "--home", str(comet_home)], check=True, capture_output=True)
        nodes.append(
            {
                "name": f"node{index}",
                "home": f"node{index}",
                "comet_home": f"node{index}/cometbft",
                "node_id": _node_id(comet_home),
                **node_ports(base_port, index),
            }
        )
    genesis = _genesis(directory, nodes, chain_id, hash_algorithm, genesis_time_ms)
    specs = [("operator", "ed25519"), *[(f"member{i}", "ed25519") for i in range(validators)]]
    specs += [(a.split(":")[0], a.split(":")[1] if ":" in a else "ed25519") for a in accounts]
    if len({name for name, _ in specs}) != len(specs):
        raise HomeError("an account name is given twice")
    keys = {name: generate_key(key_type) for name, key_type in specs}
    genesis = msgspec.structs.replace(genesis, app_state=_app_state(keys, validators))
    genesis.validate()
    comet_genesis = _comet_genesis(directory / nodes[0]["comet_home"], genesis)
    for node in nodes:
        home = directory / node["home"]
        (home / "data").mkdir(parents=True, exist_ok=True)
        NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
        write_config(home, NodeConfig(api_port=node["api_port"]))
        keyring = NodeHome(home).keyring
        for name, key in keys.items():
            keyring.save(name, key, passphrase)
        comet_config = directory / node["comet_home"] / "config"
        (comet_config / "genesis.json").write_text(json.dumps(comet_genesis, indent=2))
        peers = ",".join(f"{p['node_id']}@127.0.0.1:{p['p2p_port']}" for p in nodes if p is not node)
        config_path = comet_config / "config.toml"
        config_path.write_text(
            patch_toml(config_path.read_text(), _comet_settings(node, peers, timeout_commit_ms))
        )
    manifest = {
        "chain_id": chain_id,
        "validators": validators,
        "base_port": base_port,
        "timeout_commit_ms": timeout_commit_ms,
        "nodes": nodes,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def add_node(directory: Path) -> dict[str, Any]:
    """Add a non-validator (full) node to a localnet: fresh CometBFT keys, the same two genesis documents,
    every existing node as a peer, a copy of node0's keyring. It becomes a validator only if governance
    adopts a validator set naming its key (``validator_public_key`` in the returned node entry, base64).
    """
    path = directory / MANIFEST
    manifest = json.loads(path.read_text())
    nodes: list[dict[str, Any]] = manifest["nodes"]
    index = len(nodes)
    name = f"node{index}"
    comet_home = directory / name / "cometbft"
    subprocess.run([require_cometbft(), "init", "--home", str(comet_home)], check=True, capture_output=True)
    node: dict[str, Any] = {
        "name": name,
        "home": name,
        "comet_home": f"{name}/cometbft",
        "node_id": _node_id(comet_home),
        "validator_public_key": base64.b64encode(_validator_key(comet_home)).decode(),
        **node_ports(int(manifest["base_port"]), index),
    }
    first = directory / nodes[0]["home"]
    home = directory / name
    (home / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(NodeHome(first).genesis_path, NodeHome(home).genesis_path)
    shutil.copytree(first / "keys", home / "keys")
    write_config(home, NodeConfig(api_port=node["api_port"]))
    shutil.copy(
        directory / nodes[0]["comet_home"] / "config" / "genesis.json", comet_home / "config" / "genesis.json"
    )
    peers = ",".join(f"{p['node_id']}@127.0.0.1:{p['p2p_port']}" for p in nodes)
    config_path = comet_home / "config" / "config.toml"
    settings = _comet_settings(node, peers, int(manifest["timeout_commit_ms"]))
    config_path.write_text(patch_toml(config_path.read_text(), settings))
    nodes.append(node)
    path.write_text(json.dumps(manifest, indent=2))
    return node


def _genesis(
    directory: Path,
    nodes: list[dict[str, Any]],
    chain_id: str,
    hash_algorithm: str,
    genesis_time_ms: int | None,
) -> Genesis:
    return Genesis(
        chain_id=chain_id,
        genesis_time=int(time.time() * 1000) if genesis_time_ms is None else genesis_time_ms,
        hash_algorithm=hash_algorithm,
        validators=[
            GenesisValidator(
                name=node["name"],
                key_type="ed25519",
                public_key=_validator_key(directory / node["comet_home"]),
                power=10,
            )
            for node in nodes
        ],
        app_state={},
        params=ConsensusParams(),
    )


def _app_state(keys: dict[str, Any], validators: int) -> dict[str, Any]:
    accounts = [
        {"name": name, "key_type": key.key_type, "public_key": base64.b64encode(key.public_key).decode()}
        for name, key in keys.items()
    ]
    members = [
        {
            "did": keys[f"member{i}"].did(None),
            "name_en": f"member{i}",
            "name_zh": f"member{i}",
            "jurisdiction": "HK" if i % 2 == 0 else "CN",
            "roles": ["validator-operator"],
            "weight": 1,
        }
        for i in range(validators)
    ]
    return {"accounts": accounts, "governance": {"members": members, "voting_period": 20}}


def _comet_genesis(comet_home: Path, genesis: Genesis) -> dict[str, Any]:
    """CometBFT's genesis: its defaults from ``cometbft init``, our chain id, time, validators, app state."""
    comet: dict[str, Any] = json.loads((comet_home / "config" / "genesis.json").read_text())
    comet["genesis_time"] = rfc3339_ms(genesis.genesis_time)
    comet["chain_id"] = genesis.chain_id
    comet["initial_height"] = "1"
    comet["validators"] = [
        {
            "address": hashlib.sha256(v.public_key).digest()[:20].hex().upper(),
            "pub_key": {"type": "tendermint/PubKeyEd25519", "value": base64.b64encode(v.public_key).decode()},
            "power": str(v.power),
            "name": v.name,
        }
        for v in genesis.validators
    ]
    comet["app_hash"] = ""
    comet["app_state"] = msgspec.to_builtins(genesis)
    return comet


def _comet_settings(node: dict[str, Any], peers: str, timeout_commit_ms: int) -> dict[tuple[str, str], str]:
    return {
        ("", "proxy_app"): f'"tcp://127.0.0.1:{node["abci_port"]}"',
        ("", "moniker"): f'"{node["name"]}"',
        ("", "log_level"): '"main:info,state:info,consensus:error,p2p:error,*:error"',
        ("rpc", "laddr"): f'"tcp://127.0.0.1:{node["rpc_port"]}"',
        ("p2p", "laddr"): f'"tcp://127.0.0.1:{node["p2p_port"]}"',
        ("p2p", "persistent_peers"): f'"{peers}"',
        ("p2p", "addr_book_strict"): "false",
        ("p2p", "allow_duplicate_ip"): "true",
        ("p2p", "flush_throttle_timeout"): '"10ms"',
        ("consensus", "timeout_propose"): '"1s"',
        ("consensus", "timeout_prevote"): '"300ms"',
        ("consensus", "timeout_precommit"): '"300ms"',
        ("consensus", "timeout_commit"): f'"{timeout_commit_ms}ms"',
        ("consensus", "create_empty_blocks"): "false",
        ("consensus", "peer_gossip_sleep_duration"): '"10ms"',
        ("tx_index", "indexer"): '"null"',
    }
