"""Carbon routes, SDK reads, proofs, retirement certificates (VC package + PDF) and the ``bayledger
carbon`` CLI against an embedded node."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nodekit import CHAIN_ID, GENESIS_TIME, ed_key, signed, validator_key
from pypdf import PdfReader

from bayledger.api.app import create_app
from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.keys import SigningKey, Sm2SigningKey
from bayledger.node.carbon_queries import CarbonView
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.reports.carbon_certificate import (
    CertificateError,
    build_certificate_package,
    render_certificate_pdf,
    verify_certificate,
)
from bayledger.sdk import builders
from bayledger.sdk import carbon as cb
from bayledger.sdk import identity as idb
from bayledger.sdk.client import Client
from bayledger.sdk.verify import genesis_from_json, verify_proof_answer

REG, ACCR, VER, DEV, ALICE, BOB = ed_key(90), ed_key(91), ed_key(92), ed_key(93), ed_key(94), ed_key(95)
SM2_REG = Sm2SigningKey.from_private_bytes((2_000).to_bytes(32, "big"))  # a national-crypto registry operator
KEYS = (REG, ACCR, VER, DEV, ALICE, BOB, SM2_REG)
BATCH = "C01-001-20240101-20241231-001"
T = 1_000  # units per tCO2e


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
                    {
                        "issuer": ACCR.did(),
                        "credential_type": "CarbonVerifierCredential",
                        "jurisdictions": ["HK"],
                    },
                ]
            },
            "governance": {
                "members": [
                    {
                        "did": REG.did(),
                        "name_en": "Registrar",
                        "jurisdiction": "HK",
                        "roles": ["carbon-registrar"],
                        "weight": 1,
                    },
                ],
                "voting_period": 10,
            },
        },
    )
    genesis.validate()
    home.mkdir(parents=True, exist_ok=True)
    NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
    return genesis


class Zone:
    """Class C01, project C01-001; ALICE 600 t and BOB 100 t issued, 50 t retired at issuance for
    Harbour Airlines; ALICE sent BOB 10 t and retired serials 100001-125000 for Harbour Airlines."""

    def __init__(self, home: Path) -> None:
        self.genesis = _genesis(home)
        self.node = EmbeddedNode(home, validator_key(), synchronous="NORMAL")
        self.http = TestClient(create_app(self.node))
        self.client = Client("", http=self.http)
        self.nonces: dict[str, int] = {}
        credential = idb.register_credential(
            issuer=ACCR.did(),
            credential_id="vvb-1",
            credential_type="CarbonVerifierCredential",
            subject=VER.did(),
            jurisdiction="HK",
            valid_from=0,
            credential_hash="ab" * 32,
        )
        self.block(
            (ACCR, [credential]),
            (
                REG,
                [
                    cb.register_credit_type(REG.did(), "C", "Carbon", "tCO2e", 3),
                    cb.create_class(REG.did(), "C", REG.did(), [VER.did()], "VM0042", "Land use", "土地利用"),
                ],
            ),
            (
                DEV,
                [
                    builders.create_anchor(
                        DEV.did(),
                        "cd" * 32,
                        anchor_type="verification-report",
                        metadata={"verified_quantity": "800"},
                    )
                ],
            ),
        )
        project = cb.create_project(
            VER.did(),
            "C01",
            DEV.did(),
            jurisdiction="CN-GD",
            location="Zhaoqing",
            methodology="CCER-14-001",
            name_en="Zhaoqing mangroves",
            name_zh="肇慶紅樹林",
        )
        self.block((VER, [project, builders.attest_anchor(VER.did(), "ANC-00000001", "verified")]))
        entries = [
            cb.issuance_entry(ALICE.did(), 600 * T),
            cb.issuance_entry(BOB.did(), 100 * T, 50 * T, beneficiary="Harbour Airlines", jurisdiction="HK"),
        ]
        self.block(
            (VER, [cb.issue_batch(VER.did(), "C01-001", "2024-01-01", "2024-12-31", "ANC-00000001", entries)])
        )
        self.block(
            (
                ALICE,
                [
                    cb.transfer_credits(ALICE.did(), BOB.did(), BATCH, 10 * T),
                    cb.retire_credits(
                        ALICE.did(),
                        BATCH,
                        25 * T,
                        beneficiary="Harbour Airlines",
                        reason="2025",
                        jurisdiction="HK",
                        serials=[(100_001, 125_000)],
                    ),
                ],
            ),
        )

    def block(self, *txs: tuple[SigningKey, list[Any]]) -> list[dict[str, Any]]:
        hashes = []
        for key, msgs in txs:
            nonce = self.nonces.get(key.did(), 0) + 1
            self.nonces[key.did()] = nonce
            hashes.append(self.node.submit_tx(signed(key, nonce, *msgs))["hash"])
        self.node.produce_block()
        results = [self.node.get_tx(h) for h in hashes]
        return results


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    built = Zone(tmp_path_factory.mktemp("carbon-zone"))
    yield built
    built.node.stop()


def test_setup_committed(zone: Zone) -> None:
    assert zone.client.invariants() == {"ok": True, "broken": []}
    batch = cb.CarbonApi(zone.client).batch(BATCH)
    assert (batch["issued"], batch["tradable"], batch["retired"], batch["precision"]) == (
        750 * T,
        675 * T,
        75 * T,
        3,
    )


def test_registry_batches_and_supply(zone: Zone) -> None:
    api = cb.CarbonApi(zone.client)
    registry = api.registry()
    assert [c["class_id"] for c in registry["classes"]] == ["C01"]
    assert registry["projects"][0]["name_zh"] == "肇慶紅樹林"
    assert [b["batch_id"] for b in api.batches(project_id="C01-001")["items"]] == [BATCH]
    assert api.batches(class_id="C02")["total"] == 0
    by_vintage = api.supply("vintage")["items"]
    assert by_vintage == [
        {
            "key": "2024-01-01/2024-12-31",
            "credit_type": "C",
            "precision": 3,
            "issued": 750 * T,
            "tradable": 675 * T,
            "retired": 75 * T,
            "cancelled": 0,
            "escrowed": 0,
        },
    ]
    assert api.supply("class")["items"][0]["key"] == "C01"
    assert zone.http.get("/v1/carbon/supply", params={"group_by": "planet"}).status_code == 400
    assert zone.http.get("/v1/carbon/batches/C01-001-20240101-20241231-009").status_code == 404


def test_balances_retirements_and_provenance(zone: Zone) -> None:
    api = cb.CarbonApi(zone.client)
    [alice] = api.balances(ALICE.did())["items"]
    assert (alice["tradable"], alice["retired"]) == (565 * T, 25 * T)
    assert [(r["first"], r["last"], r["status"]) for r in alice["ranges"]] == [
        (10_001, 100_000, "tradable"),
        (100_001, 125_000, "retired"),
        (125_001, 600_000, "tradable"),
    ]
    found = api.retirements(beneficiary="Harbour Airlines")["items"]
    assert [(r["retirement_id"], r["amount"]) for r in found] == [
        (f"RET-{BATCH}-0001", 50 * T),
        (f"RET-{BATCH}-0002", 25 * T),
    ]
    assert api.retirements(beneficiary="Nobody")["total"] == 0
    trail = api.provenance(BATCH, 5)
    assert (trail["holder"], trail["status"]) == (BOB.did(), "tradable")
    assert [(m["kind"], m["recipient"]) for m in trail["movements"]] == [
        ("issue", ALICE.did()),
        ("transfer", BOB.did()),
    ]
    retired = api.provenance(BATCH, 100_001)
    assert [m["kind"] for m in retired["movements"]] == ["issue", "retire"]
    assert retired["retirement"]["beneficiary"] == "Harbour Airlines"
    assert zone.http.get(f"/v1/carbon/batches/{BATCH}/serials/750001").status_code == 404


def test_csv_export_and_claims(zone: Zone) -> None:
    api = cb.CarbonApi(zone.client)
    rows = list(csv.DictReader(io.StringIO(api.export_csv("retirements"))))
    assert [(r["retirement_id"], r["ranges"], r["beneficiary"]) for r in rows] == [
        (f"RET-{BATCH}-0001", "700001-750000", "Harbour Airlines"),
        (f"RET-{BATCH}-0002", "100001-125000", "Harbour Airlines"),
    ]
    response = zone.http.get("/v1/carbon/export/balances.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert {r["holder"]: r["tradable"] for r in csv.DictReader(io.StringIO(response.text))} == {
        ALICE.did(): "565000",
        BOB.did(): "110000",
    }
    claims = api.claims(project_ref="C01-001")["items"]
    assert [(c["claim_id"], c["kind"], c["ranges"]) for c in claims] == [
        ("CLM-00000001", "serial-range", [[700_001, 750_000]]),
        ("CLM-00000002", "serial-range", [[100_001, 125_000]]),
    ]
    assert api.claim("CLM-00000002")["claimant"] == ALICE.did()


def test_a_retirement_is_proven_to_a_light_client(zone: Zone) -> None:
    genesis = genesis_from_json(zone.client.genesis())
    record = verify_proof_answer(genesis, zone.client.get_proof("carbon", "retirement", f"RET-{BATCH}-0002"))
    assert (record["beneficiary"], record["ranges"], record["claim_id"]) == (
        "Harbour Airlines",
        [[100_001, 125_000]],
        "CLM-00000002",
    )
    held = verify_proof_answer(genesis, zone.client.get_proof("carbon", "range", f"{BATCH}/100001"))
    assert (held["status"], held["holder"]) == ("retired", ALICE.did())
    claim = verify_proof_answer(genesis, zone.client.get_proof("claims", "claim", "CLM-00000002"))
    assert claim["batch_ref"] == BATCH
    assert verify_proof_answer(genesis, zone.client.get_proof("carbon", "origin", "verra/VCS-1")) is None


def test_certificate_package_verifies_offline_and_renders(zone: Zone) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    package = build_certificate_package(
        zone.client, f"RET-{BATCH}-0002", issuer=REG.did(), signing_key=REG, issued_at=now
    )
    genesis = genesis_from_json(json.loads(json.dumps(zone.client.genesis())))
    offline = json.loads(json.dumps(package))  # only JSON travels
    verified = verify_certificate(offline, genesis=genesis, now=now)
    subject = verified.subject
    assert (
        subject["quantity"],
        subject["serialRanges"],
        subject["beneficiary"],
        subject["projectNameZh"],
    ) == ("25.000", ["100001-125000"], "Harbour Airlines", "肇慶紅樹林")
    assert verified.credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    tampered = json.loads(json.dumps(package))
    tampered["credential"]["credentialSubject"]["beneficiary"] = "Someone Else"
    with pytest.raises(CertificateError, match="signed"):
        verify_certificate(tampered, genesis=genesis, now=now)
    with pytest.raises(CertificateError, match="not trusted"):
        verify_certificate(offline, genesis=genesis, now=now, trusted_issuers={ALICE.did()})
    wrong = json.loads(json.dumps(package))
    wrong["proofs"]["retirement"] = zone.client.get_proof("carbon", "retirement", f"RET-{BATCH}-0001")
    with pytest.raises(CertificateError, match="no proof of the retirement"):
        verify_certificate(wrong, genesis=genesis, now=now)
    pdf = render_certificate_pdf(package["credential"])
    assert pdf == render_certificate_pdf(package["credential"])  # reproducible bytes
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Carbon Credit Retirement Certificate" in text and f"RET-{BATCH}-0002" in text
    assert "25.000 tCO2e" in text and "100001-125000" in text


def test_a_certificate_signed_with_sm2_verifies_with_the_sm2_suite(zone: Zone) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    package = build_certificate_package(
        zone.client, f"RET-{BATCH}-0001", issuer=SM2_REG.did(), signing_key=SM2_REG, issued_at=now
    )
    assert package["credential"]["proof"]["cryptosuite"] == "bayledger-sm2-jcs-2025"
    genesis = genesis_from_json(zone.client.genesis())
    with pytest.raises(CertificateError, match="issuerMember record does not exist"):
        verify_certificate(json.loads(json.dumps(package)), genesis=genesis, now=now)  # not the registrar
    trusted = {SM2_REG.did()}  # a verifier may name the issuers it trusts instead
    verified = verify_certificate(
        json.loads(json.dumps(package)), genesis=genesis, now=now, trusted_issuers=trusted
    )
    assert (verified.issuer, verified.subject["quantity"]) == (SM2_REG.did(), "50.000")
    swapped = json.loads(json.dumps(package))
    swapped["proofs"]["issuerAccount"] = zone.client.get_proof("accounts", "account", REG.did())
    with pytest.raises(CertificateError, match="issuerAccount"):
        verify_certificate(swapped, genesis=genesis, now=now, trusted_issuers=trusted)


def test_a_certificate_whose_proofs_are_of_several_heights_is_refused(zone: Zone) -> None:
    """An account proof from another height could lend a rotated-out key to a new certificate."""
    now = datetime.now(UTC).replace(microsecond=0)
    package = build_certificate_package(
        zone.client, f"RET-{BATCH}-0002", issuer=REG.did(), signing_key=REG, issued_at=now
    )
    genesis = genesis_from_json(zone.client.genesis())
    mixed = json.loads(json.dumps(package))
    mixed["proofs"]["issuerAccount"]["height"] -= 1  # as if taken from an earlier block
    with pytest.raises(CertificateError, match="several heights"):
        verify_certificate(mixed, genesis=genesis, now=now)
    retyped = json.loads(json.dumps(package))
    retyped["credential"]["type"] = ["VerifiableCredential"]
    with pytest.raises(CertificateError, match="not a CarbonRetirementCertificate"):
        verify_certificate(retyped, genesis=genesis, now=now)


def test_reads_through_the_view_equal_the_api(zone: Zone) -> None:
    view = CarbonView(zone.node.db)
    assert view.get_carbon_batch(BATCH) == cb.CarbonApi(zone.client).batch(BATCH)


def test_cli_carbon_commands(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bayledger.cli import carbon as carbon_cli
    from bayledger.cli import carbon_tx
    from bayledger.cli import identity as identity_cli
    from bayledger.cli.main import app as cli
    from bayledger.keyring import Keyring

    for module in (carbon_cli, carbon_tx, identity_cli):
        monkeypatch.setattr(module, "client", lambda: zone.client)
    monkeypatch.setenv("BAYLEDGER_PASSPHRASE", "pw")
    for name, key in (("alice", ALICE), ("bob", BOB), ("reg", REG), ("ver", VER), ("dev", DEV)):
        Keyring(tmp_path / "keys").save(name, key, "pw")
    zone.node.start(block_interval_ms=20)
    runner = CliRunner()

    def run(*args: str, json_output: bool = True) -> tuple[int, Any]:
        flags = ["--json"] if json_output else []
        result = runner.invoke(cli, ["--home", str(tmp_path), *flags, "carbon", *args])
        if not json_output:
            return result.exit_code, result.stdout
        return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else None)

    retire = ("retire", BATCH, "1.5", "--beneficiary", "HK Electric", "--jurisdiction", "HK", "--from", "bob")
    code, result = run(*retire, "--serials", "1-1500")
    assert code == 0 and result["events"][-1]["retirement_id"] == f"RET-{BATCH}-0003"
    code, refused = run(*retire, "--serials", "1-1500")  # the same serials again
    assert code == 1 and (refused["codespace"], refused["code"]) == ("carbon", 13)
    code, _ = run(*retire[:2], "1.0005", *retire[3:])  # more decimals than the type's precision
    assert code == 2
    code, result = run("transfer", BATCH, ALICE.did(), "2", "--from", "bob")
    assert code == 0 and result["events"][0]["ranges"] == [[1_501, 3_500]]
    code, human = run("supply", "--by", "project", json_output=False)
    assert code == 0 and "C01-001" in human and "76.500" in human
    code, human = run("provenance", BATCH, "1000", json_output=False)
    assert code == 0 and "retire" in human and "transfer" in human
    out = tmp_path / "batches.csv"
    code, _ = run("export", "batches", "--out", str(out), json_output=False)
    assert code == 0 and out.read_text().startswith("batch_id,")
    code, made = run(
        "certificate", f"RET-{BATCH}-0003", "--from", "reg", "--out-dir", str(tmp_path / "certs")
    )
    assert code == 0 and Path(made["pdf"]).read_bytes().startswith(b"%PDF-")
    (tmp_path / "genesis.json").write_text(json.dumps(zone.client.genesis()))
    code, valid = run("verify-certificate", made["package"], "--genesis", str(tmp_path / "genesis.json"))
    assert code == 0 and (valid["valid"], valid["quantity"], valid["beneficiary"]) == (
        True,
        "1.500 tCO2e",
        "HK Electric",
    )
    _cli_registry_and_issuance(run, zone)
    assert zone.client.invariants() == {"ok": True, "broken": []}


def _cli_registry_and_issuance(run: Any, zone: Zone) -> None:
    """Every other transaction command, through the CLI against the running node."""
    code, result = run("register-type", "BIO", "Biodiversity", "ha", "0", "--from", "reg")
    assert code == 0 and result["events"][0]["abbreviation"] == "BIO"
    code, result = run(
        "create-class",
        "C",
        "--admin",
        REG.did(),
        "--issuer",
        VER.did(),
        "--methodology",
        "VM0033",
        "--name-en",
        "Tidal wetlands",
        "--from",
        "reg",
    )
    assert code == 0 and result["events"][0]["class_id"] == "C02"
    code, result = run("class-issuers", "C02", "--add", BOB.did(), "--from", "reg")
    assert code == 0 and result["events"][0]["issuers"] == sorted([VER.did(), BOB.did()])
    code, result = run(
        "create-project",
        "C02",
        "--developer",
        DEV.did(),
        "--jurisdiction",
        "HK",
        "--location",
        "Mai Po",
        "--methodology",
        "VM0033",
        "--name-en",
        "Mai Po wetlands",
        "--name-zh",
        "米埔濕地",
        "--document",
        f"PDD={'ee' * 32}",
        "--from",
        "ver",
    )
    assert code == 0 and result["events"][0]["project_id"] == "C02-001"
    from bayledger.sdk.wallet import Wallet

    anchor = builders.create_anchor(DEV.did(), "ef" * 32, metadata={"verified_quantity": "100.5"})
    anchor_id = Wallet(zone.client, [DEV]).send(anchor)["events"][0]["anchor_id"]
    Wallet(zone.client, [VER]).send(builders.attest_anchor(VER.did(), anchor_id, "verified"))
    issue = (
        "issue",
        "C02-001",
        "--vintage-start",
        "2025-01-01",
        "--vintage-end",
        "2025-06-30",
        "--report",
        anchor_id,
    )
    code, refused = run(*issue, "--to", f"{ALICE.did()}=100.501", "--from", "ver")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("carbon", 10)
    code, result = run(
        *issue,
        "--to",
        f"{ALICE.did()}=90",
        "--retired",
        f"{BOB.did()}=10.5",
        "--beneficiary",
        "Mai Po Trust",
        "--jurisdiction",
        "HK",
        "--authorization",
        "ndc",
        "--host-country",
        "HK",
        "--adjustment",
        "pending",
        "--from",
        "ver",
    )
    batch = "C02-001-20250101-20250630-001"
    assert code == 0 and result["events"][0]["batch_id"] == batch and result["events"][0]["retired"] == 10_500
    code, result = run("escrow", batch, "5", "--agent", BOB.did(), "--from", "alice")
    escrow_id = result["events"][0]["escrow_id"]
    assert code == 0 and escrow_id == f"ESC-{batch}-0001"
    code, result = run("release", escrow_id, BOB.did(), "--from", "bob")
    assert code == 0 and result["events"][0]["recipient"] == BOB.did()
    code, result = run(
        "cancel",
        batch,
        "1",
        "--reason",
        "bridge out",
        "--target-registry",
        "verra",
        "--target-reference",
        "VCS-77",
        "--from",
        "alice",
    )
    assert code == 0 and result["events"][0]["target_registry"] == "verra"
    code, result = run("set-adjustment", batch, "applied", "--reference", "HK-CA-2025-1", "--from", "reg")
    assert code == 1 and (result["codespace"], result["code"]) == ("carbon", 22)  # reg is no regulator
    code, result = run(
        "bridge-in",
        "C02-001",
        "--vintage-start",
        "2023-01-01",
        "--vintage-end",
        "2023-12-31",
        "--origin-registry",
        "verra",
        "--origin-batch",
        "VCS-9-2023",
        "--origin-reference",
        "VCS-9-1-20",
        "--origin-first",
        "1",
        "--origin-last",
        "20",
        "--to",
        ALICE.did(),
        "--from",
        "ver",
    )
    assert code == 0 and result["events"][-1]["origin_reference"] == "VCS-9-1-20"
    code, human = run("batch", batch, json_output=False)
    assert code == 0 and "escrowed" not in human and "cancelled" in human
    code, human = run("registry", json_output=False)
    assert code == 0 and "米埔濕地" in human and "BIO" in human
