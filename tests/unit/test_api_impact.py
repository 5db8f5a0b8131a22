"""Impact routes, SDK client methods and the light-client check of a holder's impact against an embedded
node (bonds records seeded by the test-only ``bondseed`` messages)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from impactzone import SOLAR, Zone

from bayledger.core.light import LightClientError
from bayledger.reports import fetch
from bayledger.reports.bond_reports import to_csv, to_json
from bayledger.sdk import impact as ib
from bayledger.sdk.builders import msg_to_dict
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.verify import genesis_from_json
from impactkit import (
    ALICE,
    BOB,
    BOND,
    CAROL,
    ISSUER,
    REVIEWER,
    allocate,
    outside_seeded_bonds,
    report,
    verify,
)


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        built = Zone(tmp_path_factory.mktemp("impact-zone"), monkeypatch)
    yield built
    built.node.stop()


def _problem(response: Any, status: int) -> tuple[str, int]:
    assert response.status_code == status, response.text
    body = response.json()
    return body["codespace"], body["code"]


def test_projects_and_reports(zone: Zone) -> None:
    page = zone.http.get("/v1/impact/projects").json()
    assert (page["total"], [p["project_id"] for p in page["items"]]) == (2, ["C01-001", "C01-002"])
    assert zone.client.list_impact_projects(category="green-buildings")["items"][0]["project_id"] == "C01-002"
    solar = zone.client.get_impact_project("C01-001")
    assert (solar["allocated"], solar["report_count"]) == (30_000_000_000, 1)
    assert solar["financed_by"] == [{"bond_id": BOND, "amount": 30_000_000_000}]
    reports = zone.client.list_impact_reports("C01-002")
    assert [(r["report_id"], r["status"]) for r in reports["items"]] == [("C01-002/R0001", "rejected")]
    one = zone.client.get_impact_report("C01-001/R0001")
    assert (one["status"], one["reviewer"], one["indicators"][0]["value"]) == (
        "verified",
        REVIEWER.did(),
        12_345_678,
    )
    assert _problem(zone.http.get("/v1/impact/projects/C09-009"), 404) == ("node", 404)
    assert _problem(zone.http.get("/v1/impact/reports/C01-001/R0009"), 404) == ("node", 404)
    with pytest.raises(ApiError) as err:
        zone.client.list_impact_reports("C09-009")
    assert err.value.status == 404


def test_bond_ledger_totals_and_unallocated(zone: Zone) -> None:
    ledger = zone.client.get_bond_allocations(BOND)
    assert {
        k: ledger[k] for k in ("proceeds", "allocated", "unallocated", "allocation_count", "currency")
    } == {
        "proceeds": 80_000_000_000,
        "allocated": 70_000_000_000,
        "unallocated": 10_000_000_000,
        "allocation_count": 2,
        "currency": "HKD",
    }
    assert [a["allocation_id"] for a in ledger["allocations"]] == [f"{BOND}/A0001", f"{BOND}/A0002"]
    assert ledger["allocations"][0]["taxonomy"][0] == {
        "taxonomy": "HK-TAXONOMY",
        "version": "2024",
        "code": "1.1",
    }
    assert ledger["by_project"][1] == {
        "project_id": "C01-002",
        "amount": 40_000_000_000,
        "category": "green-buildings",
        "total_financing": 200_000_000_000,
    }
    assert _problem(zone.http.get("/v1/impact/bonds/BOND-NOPE/allocations"), 404) == ("node", 404)


def test_holder_impact_answer_lists_its_proofs(zone: Zone) -> None:
    answer = zone.http.get(f"/v1/impact/holders/{ALICE.did()}").json()
    (bond,) = answer["bonds"]
    assert bond["bond_id"] == BOND and bond["currency"] == "HKD"
    assert [r["report_id"] for r in bond["reports"]] == ["C01-001/R0001"]  # the rejected one does not count
    ghg = bond["reports"][0]["indicators"][0]
    assert (ghg["indicator"], ghg["bond"], ghg["holder"]) == ("ghg-emissions-avoided", 6_172_839, 2_888_190)
    assert {(p["kind"], p["ident"]) for p in bond["proofs"]} == {
        ("totals", BOND), ("outstanding", BOND), ("history", f"{BOND}/{ALICE.did()}"),
        ("financing", f"{BOND}/C01-001"), ("project", "C01-001"), ("financing", f"{BOND}/C01-002"),
        ("project", "C01-002"), ("report", "C01-001/R0001"), ("report", "C01-002/R0001"),
    }  # fmt: skip
    assert zone.client.get_holder_impact(CAROL.did())["bonds"] == []  # never held anything
    split = zone.client.get_bond_impact(BOND)["reports"][0]
    assert {h["holder"]: h["values"][0]["value"] for h in split["holders"]} == {
        ALICE.did(): 2_888_190,
        BOB.did(): 3_284_649,
    }
    assert split["remainder"][0]["value"] == 0


def test_verified_holder_impact_recomputes_from_proofs(zone: Zone) -> None:
    genesis = genesis_from_json(zone.client.genesis())
    verified = ib.verified_holder_impact(zone.client, genesis, ALICE.did(), BOND)
    assert verified.proven == 9 and verified.height == zone.node.height
    totals = {(t.indicator, t.basis): t.value for t in verified.impact.totals}
    assert totals == {
        ("ghg-emissions-avoided", "ex-post"): 2_888_190,
        ("renewable-energy-generated", "ex-post"): 4_678_867,
    }
    bob = ib.verified_holder_impact(zone.client, genesis, BOB.did(), BOND)
    assert bob.impact.totals[0].value == 3_284_649


class _DroppingClient(Client):
    """A node that leaves the building project out of the records it lists."""

    def get_holder_impact(self, did: str, bond_id: str | None = None) -> dict[str, Any]:
        answer = super().get_holder_impact(did, bond_id)
        for bond in answer["bonds"]:
            bond["proofs"] = [p for p in bond["proofs"] if "C01-002" not in p["ident"]]
        return answer


class _OtherKeyClient(Client):
    """A node that answers every project proof with the proof of another project."""

    def get_proof(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        if kind == "project":
            ident = "C01-002"
        return super().get_proof(module, kind, ident)


@pytest.mark.parametrize(
    ("client_type", "error", "message"),
    [
        (_DroppingClient, ib.ImpactProofError, "do not add up"),
        (_OtherKeyClient, LightClientError, "not the record asked for"),
    ],
)
def test_verified_holder_impact_catches_a_lying_node(
    zone: Zone, client_type: type[Client], error: type[Exception], message: str
) -> None:
    genesis = genesis_from_json(zone.client.genesis())
    with pytest.raises(error, match=message):
        ib.verified_holder_impact(client_type("", http=zone.http), genesis, ALICE.did(), BOND)


def test_builders_and_indicator_text() -> None:
    codes = [ib.taxonomy_code("HK-TAXONOMY", "2024", "1.1"), ib.taxonomy_code("CGT", "2022", "D.1.1")]
    msg = ib.allocate_proceeds(ISSUER.did(), BOND, "C01-001", 5, "2023-01-15", taxonomy=codes)
    assert msg == msg_to_dict(allocate(5))
    expected = report(SOLAR)
    built = ib.submit_impact_report(
        ISSUER.did(), "C01-001", "2023-01-01", "2023-06-30", SOLAR,
        method=expected.method, document_hash=expected.document_hash,
    )  # fmt: skip
    assert built == msg_to_dict(expected)
    review_hash = verify("C01-001/R0001").review_hash
    built = ib.verify_impact_report(REVIEWER.did(), "C01-001/R0001", "verified", review_hash)
    assert built == msg_to_dict(verify("C01-001/R0001"))
    assert ib.parse_indicator("ghg-emissions-avoided", "12,345.678") == 12_345_678
    assert ib.format_indicator("ghg-emissions-avoided", 2_888_190) == "2,888.190 tCO2e"
    assert ib.format_indicator("green-floor-area", 5_849) == "5,849 m2"
    with pytest.raises(ValueError):
        ib.parse_indicator("water-saved", "1.5")


def test_allocation_impact_and_holder_reports(zone: Zone) -> None:
    allocation = fetch.fetch_allocation_report(zone.client, BOND)
    assert allocation.title == f"Allocation report — {BOND}"
    assert allocation.subject["currency"] == "HKD" and allocation.subject["issuer"] == ISSUER.did()
    entries, by_project, summary = allocation.sections
    assert [(r["allocation_id"], r["project"], r["amount"], r["taxonomy"]) for r in entries.rows] == [
        (f"{BOND}/A0001", "Tuen Mun solar farm", "300000000.00", "HK-TAXONOMY 2024 1.1; CGT 2022 D.1.1"),
        (f"{BOND}/A0002", "Tuen Mun solar farm", "400000000.00", "HK-TAXONOMY 2024 7.1"),
    ]
    assert entries.totals == {"amount": "700000000.00"}
    assert [(r["share_of_project"], r["share_of_proceeds"]) for r in by_project.rows] == [
        ("50.00%", "37.50%"),
        ("20.00%", "50.00%"),
    ]
    assert summary.rows[-1] == {"item": "unallocated", "amount": "100000000.00", "share": "12.50%"}
    lines = list(csv.reader(io.StringIO(to_csv(allocation))))
    assert lines[0] == [allocation.title]
    assert [f"{BOND}/A0002", "2023-01-15", "C01-002"] == lines[lines.index(["Allocations"]) + 3][:3]
    assert ["total", "", "", "", "", "", "", "700000000.00"] in lines
    assert json.loads(to_json(allocation))["sections"][2]["rows"][1]["share"] == "87.50%"

    impact = fetch.fetch_impact_report(zone.client, BOND)
    by_report, totals, holders = impact.sections
    assert [
        (r["indicator"], r["reported"], r["share_of_project"], r["attributed"]) for r in by_report.rows
    ] == [
        ("ghg-emissions-avoided", "12345.678", "50.00%", "6172.839"),
        ("renewable-energy-generated", "20000.000", "50.00%", "10000.000"),
    ]
    assert totals.rows[0] == {"indicator": "ghg-emissions-avoided", "basis": "ex-post", "unit": "tCO2e",
                              "value": "6172.839"}  # fmt: skip
    alice_ghg = [
        r for r in holders.rows if r["holder"] == ALICE.did() and r["indicator"] == "ghg-emissions-avoided"
    ]
    ghg = "ghg-emissions-avoided"
    assert alice_ghg == [
        {"report_id": "C01-001/R0001", "holder": ALICE.did(), "indicator": ghg, "value": "2888.190"}
    ]
    assert {r["value"] for r in holders.rows if r["holder"] == "(rounding remainder)"} == {"0.000"}

    statement = fetch.fetch_holder_statement(zone.client, ALICE.did())
    financed, rows, holder_totals = statement.sections
    assert (rows.rows[0]["holder_share"], rows.rows[0]["attributed"]) == ("46.79%", "2888.190")  # 1355/2896
    assert holder_totals.rows[0]["value"] == "2888.190"
    # ALICE holds HK$250m of HK$800m now: 5/16 of HK$300m and of HK$400m
    assert [(r["project_id"], r["amount"], r["share_of_project"]) for r in financed.rows] == [
        ("C01-001", "93750000.00", "15.62%"),  # 15.625 %: the tie goes to the even 15.62
        ("C01-002", "125000000.00", "6.25%"),
    ]
    assert f"/v1/proofs/bonds/history/{BOND}/{ALICE.did()}" in statement.notes


def test_cli_impact_commands(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs last: it starts the node's block producer and adds an allocation and a report."""
    from typer.testing import CliRunner

    from bayledger.cli import common
    from bayledger.cli import identity as identity_cli
    from bayledger.cli import impact as impact_cli
    from bayledger.cli.main import app as cli
    from bayledger.keyring import Keyring

    for module in (impact_cli, identity_cli):
        monkeypatch.setattr(module, "client", lambda: zone.client)
    monkeypatch.setenv("BAYLEDGER_PASSPHRASE", "pw")
    monkeypatch.setattr(common.console, "width", 250)  # wide tables stay on one line each
    for name, key in (("issuer", ISSUER), ("reviewer", REVIEWER), ("alice", ALICE)):
        Keyring(tmp_path / "keys").save(name, key, "pw")
    zone.node.start(block_interval_ms=20)
    runner = CliRunner()

    def run(*args: str, json_output: bool = True) -> tuple[int, Any]:
        flags = ["--json"] if json_output else []
        result = runner.invoke(cli, ["--home", str(tmp_path), *flags, "impact", *args])
        if not json_output:
            return result.exit_code, result.stdout
        return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else None)

    code, projects = run("projects", "--category", "renewable-energy")
    assert code == 0 and [p["project_id"] for p in projects["items"]] == ["C01-001"]
    code, human = run("projects", json_output=False)
    assert code == 0 and "HKD 600,000,000.00" in human and "Tuen Mun solar farm" in human
    code, result = run(
        "register-project", "clean-transportation", "1,000,000.00", "--name-en", "EV buses",
        "--location", "Kowloon", "--document-hash", "cd" * 32, "--taxonomy", "CGT:2022:H.6",
        "--from", "issuer",
    )  # fmt: skip
    assert code == 0 and result["events"][0]["project_id"] == "PRJ-000001"
    code, refused = run("allocate", BOND, "PRJ-000001", "1.00", "--date", "2023-02-01", "--from", "issuer")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("impact", 16)  # not in the framework
    code, refused = run(
        "allocate", BOND, "C01-002", "100,000,000.01", "--date", "2023-02-01", "--from", "issuer"
    )
    assert code == 1 and (refused["codespace"], refused["code"]) == ("impact", 7)
    code, result = run(
        "allocate", BOND, "C01-002", "100,000,000.00", "--date", "2023-02-01", "--refinancing",
        "--taxonomy", "HK-TAXONOMY:2024:7.1", "--from", "issuer",
    )  # fmt: skip
    assert code == 0 and (result["events"][0]["amount"], result["events"][0]["unallocated"]) == (
        10_000_000_000,
        0,
    )
    code, _ = run("allocate", BOND, "C01-002", "1.001", "--date", "2023-02-01", "--from", "issuer")
    assert code == 2
    code, _ = run(
        "allocate", BOND, "C01-002", "1", "--date", "2023-02-01", "--taxonomy", "HK:1", "--from", "issuer"
    )
    assert code == 2
    code, result = run(
        "report", "submit", "C01-001", "--start", "2023-07-01", "--end", "2023-09-30",
        "--indicator", "ghg-emissions-avoided=1,000.5", "--method", "metered", "--document-hash", "ef" * 32,
        "--from", "issuer",
    )  # fmt: skip
    assert code == 0 and result["events"][0]["report_id"] == "C01-001/R0002"
    bad = ["--indicator", "co2=1", "--method", "m", "--document-hash", "ef" * 32, "--from", "issuer"]
    code, _ = run("report", "submit", "C01-001", "--start", "2023-07-01", "--end", "2023-09-30", *bad)
    assert code == 2
    code, refused = run("report", "verify", "C01-001/R0002", "--review-hash", "01" * 32, "--from", "alice")
    assert code == 1 and (refused["codespace"], refused["code"]) == ("identity", 10)
    code, result = run("report", "verify", "C01-001/R0002", "--review-hash", "01" * 32, "--from", "reviewer")
    assert code == 0 and result["events"][-1]["verdict"] == "verified"
    assert zone.client.get_impact_report("C01-001/R0002")["indicators"][0]["value"] == 1_000_500
    code, text = run("project", "C01-002", json_output=False)
    assert code == 0 and "HK-TAXONOMY 2024 7.1" in text and "HKD 500,000,000.00" in text  # 400m + 100m
    code, text = run("reports", "C01-001", json_output=False)
    assert code == 0 and "1,000.500 tCO2e" in text and "verified" in text
    code, data = run("reports", "C01-002")
    assert code == 0 and [r["status"] for r in data["items"]] == ["rejected"]
    code, _ = run("project", "C09-009")
    assert code == 4  # not found
    code, text = run("allocation-report", BOND, "--csv", json_output=False)
    assert code == 0 and "unallocated,0.00,0.00%" in text and f"{BOND}/A0003,2023-02-01,C01-002" in text
    code, data = run("allocation-report", BOND)
    assert code == 0 and data["sections"][0]["totals"] == {"amount": "800000000.00"}
    code, text = run("impact-report", BOND, json_output=False)
    assert code == 0 and "6172.839" in text
    pdf_path = tmp_path / "allocation.pdf"
    code, text = run("allocation-report", BOND, "--pdf", str(pdf_path), json_output=False)
    assert code == 0 and "wrote" in text
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(str(pdf_path)).pages)
    assert "800,000,000.00" in pdf_text and "A0003" in pdf_text and "unallocated" in pdf_text
    code, _ = run("impact-report", BOND, "--pdf", str(tmp_path / "no-such-dir" / "x.pdf"), json_output=False)
    assert code == 5  # a local problem: the file cannot be written
    code, text = run("holder-impact", ALICE.did(), "--bond", BOND, "--verify", json_output=False)
    assert code == 0 and "verified: 10 records proven" in text and "2888.190" in text
    code, text = run("holder-impact", ALICE.did(), "--csv", json_output=False)
    assert code == 0 and "Holder impact statement" in text.splitlines()[0]
    code, _ = run("holder-impact", ALICE.did(), "--verify")
    assert code == 2
    assert outside_seeded_bonds(zone.client.invariants()["broken"]) == []
