"""Pieces of ``bayledger localnet init`` that need no CometBFT: ports, times, config patching."""

from __future__ import annotations

import tomllib

import pytest

from bayledger.node.abci.localnet_init import check_ports, node_ports, patch_toml, rfc3339_ms
from bayledger.node.home import HomeError

CONFIG = """proxy_app = "tcp://127.0.0.1:26658"
moniker = "vm"

[rpc]
laddr = "tcp://127.0.0.1:26657"

[p2p]
laddr = "tcp://0.0.0.0:26656"
persistent_peers = ""

[consensus]
timeout_commit = "1s"
"""


def test_each_node_gets_four_ports_ten_apart() -> None:
    assert node_ports(27000, 0) == {
        "p2p_port": 27000,
        "rpc_port": 27001,
        "abci_port": 27002,
        "api_port": 27003,
    }
    assert node_ports(27000, 3)["api_port"] == 27033


def test_ports_must_stay_below_the_ephemeral_range() -> None:
    check_ports(27000, 4)
    with pytest.raises(HomeError, match="ephemeral"):
        check_ports(40000, 4)
    with pytest.raises(HomeError, match="outside"):
        check_ports(65500, 4)


def test_cometbft_times_are_rfc3339_utc_with_milliseconds() -> None:
    assert rfc3339_ms(1_700_000_000_123) == "2023-11-14T22:13:20.123Z"
    assert rfc3339_ms(5) == "1970-01-01T00:00:00.005Z"


def test_patch_toml_sets_keys_per_section_only() -> None:
    patched = patch_toml(
        CONFIG,
        {
            ("", "proxy_app"): '"tcp://127.0.0.1:27002"',
            ("rpc", "laddr"): '"tcp://127.0.0.1:27001"',
            ("p2p", "laddr"): '"tcp://127.0.0.1:27000"',
            ("consensus", "timeout_commit"): '"200ms"',
        },
    )
    config = tomllib.loads(patched)
    assert config["proxy_app"] == "tcp://127.0.0.1:27002"
    assert (config["rpc"]["laddr"], config["p2p"]["laddr"]) == (
        "tcp://127.0.0.1:27001",
        "tcp://127.0.0.1:27000",
    )
    assert config["consensus"]["timeout_commit"] == "200ms"
    assert config["moniker"] == "vm" and config["p2p"]["persistent_peers"] == ""
