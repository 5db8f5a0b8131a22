"""An embedded node with the impact worked example (bonds records seeded by ``bondseed`` messages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nodekit import CHAIN_ID, GENESIS_TIME, signed, validator_key

import bayledger.node.embedded as embedded
from bayledger.api.app import create_app
from bayledger.core.app import build_app
from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.keys import SigningKey
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.sdk.builders import msg_to_dict
from bayledger.sdk.client import Client
from bondseed import MsgSeedFramework
from impactkit import (
    ACCREDITOR,
    ALICE,
    BOB,
    CAROL,
    HK_BUILDING,
    ISSUER,
    MODULES,
    REVIEWER,
    allocate,
    hold,
    project,
    report,
    reviewer_credential,
    seed_bond,
    verify,
)

KEYS = (ISSUER, REVIEWER, ACCREDITOR, ALICE, BOB, CAROL)
SOLAR = {"ghg-emissions-avoided": 12_345_678, "renewable-energy-generated": 20_000_000}


def _genesis(home: Path) -> Genesis:
    validator = validator_key()
    trusted = [
        {"issuer": ACCREDITOR.did(), "credential_type": "ExternalReviewerCredential", "jurisdictions": ["HK"]}
    ]
    genesis = Genesis(
        chain_id=CHAIN_ID,
        genesis_time=GENESIS_TIME,
        hash_algorithm="sha256",
        validators=[GenesisValidator("validator", validator.key_type, validator.public_key, 10)],
        app_state={
            "accounts": [{"key_type": k.key_type, "public_key": b64encode(k.public_key)} for k in KEYS],
            "identity": {"trusted_issuers": trusted},
        },
    )
    genesis.validate()
    home.mkdir(parents=True, exist_ok=True)
    NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
    return genesis


class Zone:
    """The worked example: BOND financed HK$300m of solar C01-001 (of HK$600m) and HK$400m of building
    C01-002 (of HK$2,000m), HK$100m unallocated; ALICE sold HK$250m of her HK$500m to BOB on 2023-04-01.

    With ``projects=False`` only the reviewer's credential, the framework, the bond and the holdings exist.
    """

    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch, *, projects: bool = True) -> None:
        self.genesis = _genesis(home)
        monkeypatch.setattr(embedded, "build_app", lambda genesis: build_app(genesis, MODULES))
        self.node = EmbeddedNode(home, validator_key(), synchronous="NORMAL")
        self.http = TestClient(create_app(self.node))
        self.client = Client("", http=self.http)
        self.nonces: dict[str, int] = {}
        building = project("C01-002", category="green-buildings", total_financing=200_000_000_000,
                           taxonomy=[HK_BUILDING])  # fmt: skip
        self.block((ACCREDITOR, [reviewer_credential(REVIEWER, 1)]))
        self.block(
            (ISSUER, [MsgSeedFramework(ISSUER.did(), "GBF-000001", ["renewable-energy", "green-buildings"]),
                      seed_bond(), hold(ALICE, "2022-12-01", 50_000_000_000),
                      hold(BOB, "2022-12-01", 30_000_000_000)]),
        )  # fmt: skip
        sale = [hold(ALICE, "2023-04-01", 25_000_000_000), hold(BOB, "2023-04-01", 55_000_000_000)]
        if not projects:
            self.block((ISSUER, sale))
            return
        self.block((ISSUER, [project(), building]))
        self.block(
            (ISSUER, [allocate(30_000_000_000), allocate(40_000_000_000, "C01-002", taxonomy=[HK_BUILDING]),
                      *sale, report(SOLAR), report({"energy-saved": 3_000_000}, "C01-002")]),
        )  # fmt: skip
        self.block((REVIEWER, [verify("C01-001/R0001"), verify("C01-002/R0001", "rejected")]))

    def block(self, *txs: tuple[SigningKey, list[Any]]) -> list[dict[str, Any]]:
        hashes = []
        for key, msgs in txs:
            nonce = self.nonces.get(key.did(), 0) + 1
            self.nonces[key.did()] = nonce
            raw = signed(key, nonce, *(msg_to_dict(m) for m in msgs))
            hashes.append(self.node.submit_tx(raw)["hash"])
        self.node.produce_block()
        results = [self.node.get_tx(h) for h in hashes]
        assert all(r["code"] == 0 for r in results), results
        return results
