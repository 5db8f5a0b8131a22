"""Fixtures of the integration tests: real ``bayledger`` processes on free ports in temporary homes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from nodeproc import NodeProcess, Zone, free_port, init_home

from bayledger.sdk.client import Client

ZONE_ACCOUNTS = ("operator:ed25519", "alice:ed25519", "bob:sm2")


@pytest.fixture
def node_factory(tmp_path: Path) -> Iterator[Callable[..., NodeProcess]]:
    """Make initialised (not started) nodes in fresh homes; every node is stopped at teardown."""
    nodes: list[NodeProcess] = []

    def make(accounts: tuple[str, ...] = ZONE_ACCOUNTS, block_interval_ms: int = 100) -> NodeProcess:
        home = tmp_path / f"home-{len(nodes)}"
        port = free_port()
        init_home(home, port, accounts)
        node = NodeProcess(home, port, block_interval_ms)
        nodes.append(node)
        return node

    yield make
    for node in nodes:
        node.stop()


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    """One running zone shared by a module's tests (each test uses its own content and keys)."""
    home = tmp_path_factory.mktemp("zone") / "home"
    port = free_port()
    init_home(home, port, ZONE_ACCOUNTS)
    node = NodeProcess(home, port, block_interval_ms=50).start()
    client = Client(node.url)
    try:
        yield Zone(node, client)
    finally:
        client.close()
        node.stop()
