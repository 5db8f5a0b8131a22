"""The demo's use-of-proceeds and impact step against an embedded node with a seeded, settled bond."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from impactzone import Zone

from bayledger.cli.demo_impact import use_of_proceeds_and_impact
from bayledger.sdk.wallet import Wallet
from impactkit import ALICE, BOB, BOND, ISSUER, REVIEWER, outside_seeded_bonds


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        built = Zone(tmp_path_factory.mktemp("impact-demo"), monkeypatch, projects=False)
    built.node.start(block_interval_ms=20)
    yield built
    built.node.stop()


def test_demo_step_allocates_verifies_and_attributes(zone: Zone) -> None:
    wallets = {name: Wallet(zone.client, [key]) for name, key in (("alice", ALICE), ("bob", BOB))}
    issuer, reviewer = Wallet(zone.client, [ISSUER]), Wallet(zone.client, [REVIEWER])
    attributed = use_of_proceeds_and_impact(
        issuer, reviewer, wallets, BOND, allocation_date="2023-01-15", period=("2023-01-01", "2023-06-30")
    )
    # solar farm: HK$300m of HK$600m (1/2) of 12,345.678 t; ALICE 1355/2896 of the bond, BOB 1541/2896
    assert attributed == {"alice": 2_888_190, "bob": 3_284_649}
    ledger = zone.client.get_bond_allocations(BOND)
    assert (ledger["allocated"], ledger["unallocated"]) == (70_000_000_000, 10_000_000_000)
    assert [a["refinancing"] for a in ledger["allocations"]] == [False, True]
    assert outside_seeded_bonds(zone.client.invariants()["broken"]) == []
