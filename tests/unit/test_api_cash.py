"""Cash routes, SDK client methods, proofs and the ``bayledger cash`` CLI against an embedded node."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from fastapi.testclient import TestClient
from nodekit import CHAIN_ID, GENESIS_TIME, ed_key, signed, validator_key

from bayledger.api.app import create_app
from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.keys import SigningKey
from bayledger.node.cash_queries import CashQueries, CashView
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.sdk import cash as cb
from bayledger.sdk import identity as idb
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.verify import genesis_from_json, verify_proof_answer

REG, BANK, ALICE, BOB, CAROL = ed_key(60), ed_key(61), ed_key(62), ed_key(63), ed_key(64)
KEYS = (REG, BANK, ALICE, BOB, CAROL)
HKD, USD = cb.token_id("HKD", BANK.did()), cb.token_id("USD", BANK.did())
LICENCE = "LicensedBankCredential"


def _genesis(home: Path) -> Genesis:
    validator = validator_key()
    genesis = Genesis(
        chain_id=CHAIN_ID,
        genesis_time=GENESIS_TIME,
        hash_algorithm="sha256",
        validators=[GenesisValidator("validator", validator.key_type, validator.public_key, 10)],
        app_state={
            "accounts": [{"key_type": k.key_type, "public_key": b64encode(k.public_key)} for k in KEYS],
            "identity": {
                "trusted_issuers": [
                    {"issuer": REG.did(), "credential_type": LICENCE, "jurisdictions": ["HK"]},
                    {"issuer": BANK.did(), "credential_type": "KycCredential", "jurisdictions": ["HK"]},
                ]
            },
            "governance": {
                "members": [
                    {"did": REG.did(), "name_en": "Regulator", "jurisdiction": "HK", "roles": ["regulator"],
                     "weight": 1},
                ],
                "voting_period": 10,
            },
        },
    )  # fmt: skip
    genesis.validate()
    home.mkdir(parents=True, exist_ok=True)
    NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
    return genesis


def _credential(issuer: SigningKey, subject: SigningKey, kind: str, n: int) -> dict[str, Any]:
    return idb.register_credential(
        issuer=issuer.did(),
        credential_id=f"cred-{n}",
        credential_type=kind,
        subject=subject.did(),
        jurisdiction="HK",
        valid_from=0,
        status_list_id="rev-1" if kind == "KycCredential" else "",
        status_index=n if kind == "KycCredential" else 0,
        credential_hash=f"{n:064x}",
    )


class Zone:
    """A bank with HKD and USD tokens; ALICE and BOB hold KYC and HKD; CAROL has no KYC."""

    def __init__(self, home: Path) -> None:
        self.genesis = _genesis(home)
        self.node = EmbeddedNode(home, validator_key(), synchronous="NORMAL")
        self.http = TestClient(create_app(self.node))
        self.client = Client("", http=self.http)
        self.nonces: dict[str, int] = {}
        status_list = idb.set_status_list(
            issuer=BANK.did(), list_id="rev-1", purpose="revocation", list_hash="ab" * 32
        )
        self.block(
            (REG, [_credential(REG, BANK, "LicensedBankCredential", 1)]),
            (BANK, [status_list, _credential(BANK, ALICE, "KycCredential", 2),
                    _credential(BANK, BOB, "KycCredential", 3)]),
        )  # fmt: skip
        self.block(
            (
                BANK,
                [
                    cb.create_token(
                        BANK.did(), "HKD", holder_limit=100_000_000, name_en="Bank HKD", name_zh="港元"
                    ),
                    cb.create_token(BANK.did(), "USD", daily_limit=50_000),
                    cb.issue_cash(BANK.did(), HKD, ALICE.did(), cb.parse_amount("50,000.00", 2)),
                    cb.issue_cash(BANK.did(), HKD, BOB.did(), 2_000_000),
                    cb.issue_cash(BANK.did(), USD, ALICE.did(), 10_000),
                ],
            )
        )
        self.block((ALICE, [cb.transfer_cash(ALICE.did(), HKD, BOB.did(), 500_000)]))
        self.block((REG, [cb.freeze_account(REG.did(), USD, BOB.did(), "sanctions screening")]))

    def block(self, *txs: tuple[SigningKey, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        hashes = []
        for key, msgs in txs:
            nonce = self.nonces.get(key.did(), 0) + 1
            self.nonces[key.did()] = nonce
            hashes.append(self.node.submit_tx(signed(key, nonce, *msgs))["hash"])
        self.node.produce_block()
        return [self.node.get_tx(h) for h in hashes]


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    built = Zone(tmp_path_factory.mktemp("cash-zone"))
    yield built
    built.node.stop()


def _problem(response: Any, status: int) -> tuple[str, int]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    return body["codespace"], body["code"]


def test_list_and_get_tokens(zone: Zone) -> None:
    answer = zone.http.get("/v1/cash/tokens").json()
    assert (answer["total"], [t["token_id"] for t in answer["items"]]) == (2, sorted([HKD, USD]))
    hkd = zone.http.get(f"/v1/cash/tokens/{HKD}").json()
    assert hkd == {
        "token_id": HKD,
        "issuer": BANK.did(),
        "currency": "HKD",
        "decimals": 2,
        "supply": 7_000_000,
        "holder_limit": 100_000_000,
        "daily_limit": 0,
        "name_en": "Bank HKD",
        "name_zh": "港元",
        "created_height": 2,
    }
    assert zone.client.get_cash_token(HKD) == hkd
    assert zone.client.list_cash_tokens(currency="USD")["items"][0]["token_id"] == USD
    assert zone.client.list_cash_tokens(issuer=ALICE.did())["total"] == 0
    assert zone.client.list_cash_tokens(limit=1, offset=1)["items"][0]["token_id"] == max(HKD, USD)
    assert _problem(zone.http.get("/v1/cash/tokens/HKD-nope"), 404) == ("node", 404)
    with pytest.raises(ApiError) as err:
        zone.client.get_cash_token("EUR-nope")
    assert (err.value.status, err.value.codespace, err.value.code) == (404, "node", 404)


def test_holder_balances_and_one_balance(zone: Zone) -> None:
    alice = zone.http.get(f"/v1/cash/balances/{ALICE.did()}").json()
    assert alice["items"] == sorted(
        [
            {"token_id": HKD, "holder": ALICE.did(), "amount": 4_500_000, "currency": "HKD", "decimals": 2,
             "issuer": BANK.did(), "frozen": False},
            {"token_id": USD, "holder": ALICE.did(), "amount": 10_000, "currency": "USD", "decimals": 2,
             "issuer": BANK.did(), "frozen": False},
        ],
        key=lambda b: b["token_id"],
    )  # fmt: skip
    assert zone.client.list_cash_balances(CAROL.did())["items"] == []
    bob = zone.client.get_cash_balance(HKD, BOB.did())
    assert (bob["amount"], bob["frozen"], bob["freeze"]) == (2_500_000, False, None)
    assert bob["daily"]["limit"] == 0 and bob["daily"]["remaining"] is None
    frozen = zone.client.get_cash_balance(USD, BOB.did())
    assert (frozen["amount"], frozen["frozen"]) == (0, True)
    assert frozen["freeze"]["reason"] == "sanctions screening" and frozen["freeze"]["authority"] == REG.did()
    assert frozen["daily"]["limit"] == 50_000 and frozen["daily"]["remaining"] == 50_000
    alice_hkd = zone.http.get(f"/v1/cash/tokens/{HKD}/balances/{ALICE.did()}").json()
    assert alice_hkd["daily"]["spent"] == 500_000 and alice_hkd["height"] == zone.node.height
    assert _problem(zone.http.get(f"/v1/cash/tokens/USD-nope/balances/{ALICE.did()}"), 404) == ("node", 404)


def test_reads_through_the_mixin_equal_the_api(zone: Zone) -> None:
    class MixedIn(CashQueries):
        def __init__(self, node: EmbeddedNode) -> None:
            self.db = node.db

    for reader in (MixedIn(zone.node), CashView(zone.node.db)):
        assert reader.get_cash_balance(HKD, BOB.did()) == zone.client.get_cash_balance(HKD, BOB.did())
        assert (
            reader.list_cash_tokens(issuer=None, currency=None, offset=0, limit=50)
            == zone.client.list_cash_tokens()
        )


def test_a_node_without_cash_reads_or_database_is_501() -> None:
    http = TestClient(create_app(object()))  # type: ignore[arg-type]
    assert _problem(http.get("/v1/cash/tokens"), 501) == ("api", 4)


def test_balance_and_token_proofs_verify_with_the_light_client(zone: Zone) -> None:
    genesis = genesis_from_json(zone.client.genesis())
    balance = verify_proof_answer(genesis, zone.client.get_proof("cash", "balance", f"{HKD}/{ALICE.did()}"))
    assert balance == {"token_id": HKD, "holder": ALICE.did(), "amount": 4_500_000}
    token = verify_proof_answer(genesis, zone.client.get_proof("cash", "token", HKD))
    assert token["supply"] == 7_000_000
    assert (
        verify_proof_answer(genesis, zone.client.get_proof("cash", "balance", f"{HKD}/{CAROL.did()}")) is None
    )
    freeze = verify_proof_answer(genesis, zone.client.get_proof("cash", "freeze", f"{USD}/{BOB.did()}"))
    assert freeze["holder"] == BOB.did()


def test_a_failed_transfer_is_recorded_with_its_code(zone: Zone) -> None:
    (result,) = zone.block((ALICE, [cb.transfer_cash(ALICE.did(), HKD, CAROL.did(), 1)]))
    assert (result["codespace"], result["code"], result["events"]) == ("cash", 7, [])
    (result,) = zone.block((BOB, [cb.transfer_cash(BOB.did(), USD, ALICE.did(), 1)]))
    assert (result["codespace"], result["code"]) == ("cash", 8)
    assert zone.client.get_cash_balance(HKD, ALICE.did())["amount"] == 4_500_000
    assert zone.client.invariants() == {"ok": True, "broken": []}


def test_cli_cash_commands(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bayledger.cli import cash as cash_cli
    from bayledger.cli import identity as identity_cli
    from bayledger.cli.main import app as cli
    from bayledger.keyring import Keyring

    for module in (cash_cli, identity_cli):
        monkeypatch.setattr(module, "client", lambda: zone.client)
    monkeypatch.setenv("BAYLEDGER_PASSPHRASE", "pw")
    for name, key in (("alice", ALICE), ("carol", CAROL), ("bank", BANK), ("reg", REG)):
        Keyring(tmp_path / "keys").save(name, key, "pw")
    zone.node.start(block_interval_ms=20)
    runner = CliRunner()

    def run(*args: str, json_output: bool = True) -> tuple[int, Any]:
        flags = ["--json"] if json_output else []
        result = runner.invoke(cli, ["--home", str(tmp_path), *flags, "cash", *args])
        if not json_output:
            return result.exit_code, result.stdout
        return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else None)

    code, tokens = run("tokens", "--currency", "HKD")
    assert code == 0 and [t["token_id"] for t in tokens["items"]] == [HKD]
    code, human = run("token", HKD, json_output=False)
    assert code == 0 and "HKD 70,000.00" in human and "HKD 1,000,000.00" in human
    before = zone.client.get_cash_balance(HKD, BOB.did())["amount"]
    code, result = run("transfer", HKD, BOB.did(), "1,000.50", "--from", "alice")
    assert code == 0 and result["code"] == 0
    assert result["events"] == [
        {"type": "cash/EventTransferCash", "token_id": HKD, "sender": ALICE.did(), "recipient": BOB.did(),
         "amount": 100_050},
    ]  # fmt: skip
    assert zone.client.get_cash_balance(HKD, BOB.did())["amount"] == before + 100_050
    code, human = run("balance", ALICE.did(), json_output=False)
    assert code == 0 and "HKD 43,999.50" in human and "USD 100.00" in human
    code, one = run("balance", BOB.did(), "--token", USD)
    assert code == 0 and (one["amount"], one["frozen"]) == (0, True)
    code, refused = run("transfer", HKD, ALICE.did(), "1", "--from", "carol")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("identity", 10)
    code, refused = run("issue", HKD, CAROL.did(), "5", "--from", "bank")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("cash", 7)
    code, _ = run("issue", HKD, ALICE.did(), "0.001", "--from", "bank")
    assert code == 2
    code, result = run(
        "force-transfer", HKD, BOB.did(), ALICE.did(), "10", "--reason", "HCMP 1/2026", "--from", "reg"
    )
    assert code == 0 and result["events"][0]["reason"] == "HCMP 1/2026"
    code, result = run("set-limits", HKD, "--holder-limit", "0", "--daily-limit", "250", "--from", "bank")
    assert code == 0 and result["events"][0]["daily_limit"] == 25_000
    code, result = run("redeem", HKD, "1", "--from", "alice")
    assert code == 0 and result["events"][0]["amount"] == 100
    code, result = run("unfreeze", USD, BOB.did(), "--from", "reg")
    assert code == 0 and result["events"][0]["type"] == "cash/EventUnfreezeAccount"
    code, result = run("freeze", USD, BOB.did(), "--reason", "again", "--from", "bank")
    assert code == 0 and result["events"][0]["authority"] == BANK.did()
    code, result = run("create-token", "CNY", "--daily-limit", "1000", "--from", "bank")
    assert code == 0 and result["events"][0]["token_id"] == cb.token_id("CNY", BANK.did())
    assert result["events"][0]["daily_limit"] == 100_000
    assert msgspec.json.decode(json.dumps(zone.client.invariants())) == {"ok": True, "broken": []}
