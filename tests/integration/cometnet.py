"""Helpers of the CometBFT network tests: a real localnet (CometBFT + app processes) on loopback ports.

A missing or wrong ``cometbft`` makes the test fail with the instruction to run ``make cometbft``; it is
never skipped.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bayledger.cometbft.install import find_cometbft
from bayledger.keyring import Keyring
from bayledger.node.abci.localnet import Localnet
from bayledger.node.abci.localnet_init import PORTS_PER_NODE, init_localnet
from bayledger.sdk import builders
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.wallet import Wallet

PASSPHRASE = "localnet-test-passphrase"


def require_cometbft() -> None:
    """Fail the test (not skip) with the install instruction when the pinned cometbft is missing."""
    problem = find_cometbft().problem()
    if problem is not None:
        pytest.fail(f"CometBFT network tests need the pinned cometbft: {problem}", pytrace=False)


def free_base_port(nodes: int) -> int:
    """A base port whose ``nodes * PORTS_PER_NODE`` ports on 127.0.0.1 are all free now.

    Below Linux's ephemeral range (32768+): there an outgoing connection of one node could take the
    listening port of a node not started yet.
    """
    start = 20000 + (int(time.time()) % 30) * 400
    for base in [*range(start, 32000, 400), *range(20000, start, 400)]:
        ports = range(base, base + (nodes + 2) * PORTS_PER_NODE)
        if all(_free(port) for port in ports):
            return base
    raise RuntimeError("no free port range on 127.0.0.1")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def make_localnet(directory: Path, validators: int = 4) -> Localnet:
    """Initialise (not start) a localnet of ``validators`` nodes with short block times."""
    require_cometbft()
    init_localnet(
        directory,
        validators=validators,
        passphrase=PASSPHRASE,
        base_port=free_base_port(validators),
        timeout_commit_ms=200,
        chain_id="bayledger-net-it-1",
    )
    return Localnet(directory)


def wallet(net: Localnet, index: int, account: str) -> Wallet:
    """A wallet of genesis account ``account`` talking to node ``index``."""
    key = Keyring(net.home(index) / "keys").load(account, PASSPHRASE)
    return Wallet(Client(net.api_url(index), timeout=30), [key])


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns a truthy value (which is returned); fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # unreachable node while it restarts, 404 before commit
            last_error = exc
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:g} s waiting for {what} (last error: {last_error})")


def height(net: Localnet, index: int) -> int:
    """Node ``index``'s last committed height (our database)."""
    return int(Client(net.api_url(index)).status()["latest_height"])


def wait_heights(net: Localnet, indices: list[int], at_least: int, timeout: float = 60) -> None:
    """Wait until every node in ``indices`` committed ``at_least``."""
    wait_until(
        lambda: all(height(net, i) >= at_least for i in indices), timeout, f"nodes {indices} at {at_least}"
    )


def block_hashes(net: Localnet, index: int, heights: range) -> list[str]:
    """Our header hashes of ``heights`` on node ``index`` (equal hashes: equal blocks, results, state)."""
    client = Client(net.api_url(index))
    return [client.get_block(h)["hash"] for h in heights]


def anchor_tx(w: Wallet, seed: str, nonce: int) -> bytes:
    """A signed anchor-creation tx of ``w`` with an explicit nonce (content hash from ``seed``)."""
    import hashlib

    content = hashlib.sha256(seed.encode()).hexdigest()
    return w.sign([builders.create_anchor(w.did, content, anchor_type="impact-report")], nonce=nonce)


def submit_expect_duplicate(client: Client, raw: bytes) -> str:
    """Submit ``raw`` again: accepted (hash) or refused as a duplicate (``tx/16``); anything else fails."""
    try:
        return str(client.submit(raw, wait=False)["hash"])
    except ApiError as exc:
        assert (exc.codespace, exc.code) == ("tx", 16), exc
        return "duplicate"
