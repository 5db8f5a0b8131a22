"""Bond routes, SDK client reads, proofs, the dev clock and the ``bayledger bonds`` CLI against an
embedded node running the reference bond (T+0 here, dated from today so no clock advance is needed to
settle; the dev clock then reaches the first coupon)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
import pytest
from fastapi.testclient import TestClient
from nodekit import signed

from bayledger.api.app import create_app
from bayledger.core.finance import add_months
from bayledger.core.genesis import encode_genesis
from bayledger.keys import SigningKey
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.sdk import bonds as bb
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.verify import verify_proof_answer
from bondkit import (
    BOND,
    FACE,
    GOVT,
    HKD_MILLION,
    LICENSOR,
    PRO,
    REVIEWER,
    UNIT,
    bond_genesis,
    credential,
    framework_msg,
    review_msg,
    terms,
)
from cashkit import ALICE, BANK, BOB, CAROL, KYC_ISSUER, create_token, issue, status
from corechain import ed_key

UTC8 = timezone(timedelta(hours=8))


def _dict(msg: Any) -> dict[str, Any]:
    data = msgspec.to_builtins(msg)
    assert isinstance(data, dict)
    return data


class BondZone:
    """The reference bond settled at T+0 today: alice HK$444.45m, bob HK$355.55m."""

    def __init__(self, home: Path) -> None:
        self.genesis = bond_genesis()
        home.mkdir(parents=True, exist_ok=True)
        NodeHome(home).genesis_path.write_bytes(encode_genesis(self.genesis))
        self.node = EmbeddedNode(home, ed_key(900), synchronous="NORMAL", dev_clock=True)
        self.http = TestClient(create_app(self.node))
        self.client = Client("", http=self.http)
        self.nonces: dict[str, int] = {}
        today = datetime.now(UTC8).date()
        self.terms = terms(
            issue_date=today.isoformat(), maturity_date=add_months(today, 12).isoformat(), settlement_lag=0
        )
        self.block(
            (LICENSOR, [status(LICENSOR, "lic-rev", "revocation", []),
                        credential(LICENSOR, BANK, "LicensedBankCredential", 1, "lic-rev"),
                        credential(LICENSOR, REVIEWER, "ExternalReviewerCredential", 2, "lic-rev")]),
            (KYC_ISSUER, [status(KYC_ISSUER, "rev-1", "revocation", []),
                          *(credential(KYC_ISSUER, k, "KycCredential", n, "rev-1")
                            for k, n in ((GOVT, 10), (ALICE, 11), (BOB, 12), (PRO, 13)))]),
        )  # fmt: skip
        self.block(
            (BANK, [create_token(), issue(ALICE, 500 * HKD_MILLION), issue(BOB, 400 * HKD_MILLION),
                    issue(GOVT, 40 * HKD_MILLION)]),
            (GOVT, [framework_msg()]),
        )  # fmt: skip
        self.block((REVIEWER, [review_msg()]), (GOVT, [bb.create_bond(GOVT.did(), self.terms)]))
        self.block(
            (ALICE, [bb.place_order(ALICE.did(), BOND, 500 * HKD_MILLION)]),
            (BOB, [bb.place_order(BOB.did(), BOND, 400 * HKD_MILLION)]),
        )
        self.block((GOVT, [bb.allocate_bond(GOVT.did(), BOND)]))
        results = self.block((GOVT, [bb.settle_bond(GOVT.did(), BOND)]))
        assert results[0]["code"] == 0, results[0]["log"]

    def block(self, *txs: tuple[SigningKey, list[Any]]) -> list[dict[str, Any]]:
        hashes = []
        for key, msgs in txs:
            nonce = self.nonces.get(key.did(), 0) + 1
            self.nonces[key.did()] = nonce
            raw = signed(key, nonce, *(m if isinstance(m, dict) else _dict(m) for m in msgs),
                         chain_id=self.genesis.chain_id)  # fmt: skip
            hashes.append(self.node.submit_tx(raw)["hash"])
        self.node.produce_block()
        return [self.node.get_tx(h) for h in hashes]


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BondZone]:
    built = BondZone(tmp_path_factory.mktemp("bond-zone"))
    yield built
    built.node.stop()


def test_bond_routes_and_client(zone: BondZone) -> None:
    listed = zone.client.list_bonds()
    assert [(b["bond_id"], b["status"], b["outstanding"], b["green"]) for b in listed["items"]] == [
        (BOND, "active", FACE, True)
    ]
    assert zone.client.list_bonds(issuer=ALICE.did())["total"] == 0
    bond = zone.client.get_bond(BOND)
    assert bond["terms"]["isin"] == zone.terms.isin and bond["terms"]["couponRate"] == 405
    assert [(a["investor"], a["amount"]) for a in bond["allotments"]] == sorted(
        [(ALICE.did(), 8889 * UNIT), (BOB.did(), 7111 * UNIT)]
    )
    holders = zone.client.list_bond_holdings(BOND)
    assert {h["holder"]: h["amount"] for h in holders["items"]} == {
        ALICE.did(): 8889 * UNIT,
        BOB.did(): 7111 * UNIT,
    }
    frameworks = zone.client.list_frameworks()["items"]
    assert [(f["framework_id"], [r["opinion"] for r in f["reviews"]]) for f in frameworks] == [
        ("GBF-000001", ["aligned"])
    ]
    with pytest.raises(ApiError) as err:
        zone.client.get_bond("BOND-XS0000000000")
    assert (err.value.status, err.value.codespace, err.value.code) == (404, "node", 404)


def test_holding_and_history_are_provable(zone: BondZone) -> None:
    proven = verify_proof_answer(
        zone.genesis, zone.client.get_proof("bonds", "holding", f"{BOND}/{ALICE.did()}")
    )
    assert proven["amount"] == 8889 * UNIT
    history = verify_proof_answer(
        zone.genesis, zone.client.get_proof("bonds", "history", f"{BOND}/{BOB.did()}")
    )
    assert [entry[1] for entry in history["entries"]] == [7111 * UNIT]
    absent = verify_proof_answer(
        zone.genesis, zone.client.get_proof("bonds", "holding", f"{BOND}/{CAROL.did()}")
    )
    assert absent is None


def test_dev_clock_reaches_the_coupon_and_the_statement_shows_it(zone: BondZone) -> None:
    coupon = zone.client.get_bond(BOND)["schedule"][0]
    payment = datetime.fromisoformat(f"{coupon['payment_date']}T10:00:00+08:00")
    now = zone.client.advance_clock(1)["clock_ms"]
    answer = zone.client.advance_clock(int(payment.timestamp() * 1000) - now)
    assert answer["clock_ms"] >= int(payment.timestamp() * 1000)
    result = zone.block((GOVT, [bb.pay_coupon(GOVT.did(), BOND, 1)]))[0]
    assert result["code"] == 0, result["log"]
    statement = zone.client.get_holder_statement(ALICE.did())
    [entry] = statement["bonds"]
    paid = {e["holder"]: e["amount"] for e in result["events"] if e["type"] == "bonds/EventCouponPayment"}
    assert entry["coupons_received"] == paid[ALICE.did()] > 0
    assert entry["coupons"][0]["holding_at_record"] == 8889 * UNIT
    with pytest.raises(ApiError) as err:
        zone.client.advance_clock(0)
    assert (err.value.status, err.value.codespace, err.value.code) == (400, "api", 1)


def test_dev_clock_is_refused_on_a_wall_clock_node(zone: BondZone) -> None:
    zone.node.dev_clock = False
    try:
        response = zone.http.post("/v1/dev/clock", json={"advance_ms": 1000})
    finally:
        zone.node.dev_clock = True
    assert response.status_code == 403
    assert (response.json()["codespace"], response.json()["code"]) == ("api", 9)


def test_cli_bonds_commands(zone: BondZone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bayledger.cli import bonds as bonds_cli
    from bayledger.cli import identity as identity_cli
    from bayledger.cli.main import app as cli
    from bayledger.keyring import Keyring

    for module in (bonds_cli, identity_cli):
        monkeypatch.setattr(module, "client", lambda: zone.client)
    monkeypatch.setenv("BAYLEDGER_PASSPHRASE", "pw")
    for name, key in (("alice", ALICE), ("bob", BOB), ("carol", CAROL), ("govt", GOVT)):
        Keyring(tmp_path / "keys").save(name, key, "pw")
    zone.node.start(block_interval_ms=20)
    runner = CliRunner()

    def run(*args: str, json_output: bool = True) -> tuple[int, Any]:
        flags = ["--json"] if json_output else []
        result = runner.invoke(cli, ["--home", str(tmp_path), *flags, "bonds", *args])
        if not json_output:
            return result.exit_code, result.stdout
        return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else None)

    monkeypatch.setattr(bonds_cli.console, "width", 200)
    code, human = run("list", json_output=False)
    assert code == 0 and BOND in human and "HKD 800,000,000.00" in human
    code, human = run("show", BOND, json_output=False)
    assert code == 0 and "paid" in human and "HKD 444,450,000.00" not in human
    code, result = run("transfer", BOND, BOB.did(), "100,000", "--from", "alice")
    assert code == 0 and result["code"] == 0
    assert [e for e in result["events"] if e["type"] == "bonds/EventTransferBond"] == [
        {"type": "bonds/EventTransferBond", "bond_id": BOND, "sender": ALICE.did(), "recipient": BOB.did(),
         "amount": 2 * UNIT},
    ]  # fmt: skip
    code, refused = run("transfer", BOND, CAROL.did(), "50000", "--from", "bob")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("bonds", 19)
    code, _ = run("transfer", BOND, CAROL.did(), "0.001", "--from", "bob")
    assert code == 2
    code, result = run("pledge", BOND, BOB.did(), "50000", "--from", "alice")
    assert code == 0 and result["events"][0]["pledged_total"] == UNIT
    code, statement = run("statement", ALICE.did())
    assert code == 0 and statement["bonds"][0]["holding"]["pledged"] == UNIT
    assert statement["bonds"][0]["withheld"] == {"bond_id": BOND, "holder": ALICE.did(), "coupons": 0,
                                                 "redemption": 0}  # fmt: skip
    code, human = run("statement", ALICE.did(), json_output=False)
    assert code == 0 and "owed (withheld)" in human and "HKD 0.00" in human
    code, refused = run("pay-withheld", BOND, BOB.did(), "--from", "govt")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("bonds", 33)
    assert zone.client.invariants() == {"ok": True, "broken": []}


def test_a_proof_of_another_record_is_refused(zone: BondZone) -> None:
    """A node answering "bob's holding?" with a valid proof of alice's holding is caught by the SDK."""
    from bayledger.core.light import LightClientError
    from bayledger.sdk.verify import verify_record_answer

    alice = zone.client.get_proof("bonds", "holding", f"{BOND}/{ALICE.did()}")
    assert (
        verify_record_answer(zone.genesis, alice, "bonds", "holding", f"{BOND}/{ALICE.did()}")["amount"] > 0
    )
    with pytest.raises(LightClientError, match="not the record asked for"):
        verify_record_answer(zone.genesis, alice, "bonds", "holding", f"{BOND}/{BOB.did()}")
    with pytest.raises(LightClientError, match="no provable record kind"):
        verify_record_answer(zone.genesis, alice, "bonds", "nope", BOND)
