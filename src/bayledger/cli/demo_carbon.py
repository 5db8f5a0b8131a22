"""Demo step 14 (HK zone): the carbon-credit registry.

Governance makes the HKMA the carbon registrar and trusts it to accredit verifiers; it accredits Green
Review HK with a W3C ``CarbonVerifierCredential``; a credit type, a class and a project are registered; the
developer anchors its verification report, the verifier attests it and issues a serial-numbered batch; part
is sold and retired for a named beneficiary; the retirement certificate (W3C VC package + PDF, in the demo
data directory) is verified offline from the genesis alone; a second retirement of the same serials is
refused, and so is issuing above the verified quantity.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bayledger.cli import demo
from bayledger.cli.demo import DEMO_PASSPHRASE, DemoFailure, console
from bayledger.cli.demo_identity import _event, _expect_passed, _millis, _propose, _short, _vote
from bayledger.keyring import Keyring
from bayledger.reports.carbon_certificate import (
    build_certificate_package,
    render_certificate_pdf,
    verify_certificate,
)
from bayledger.sdk import builders
from bayledger.sdk import carbon as cb
from bayledger.sdk.client import Client
from bayledger.sdk.verify import genesis_from_json
from bayledger.sdk.wallet import Wallet
from bayledger.vc import issue_credential
from bayledger.vc.cryptosuites import jcs

VERIFIER = "CarbonVerifierCredential"
PRECISION = 3  # tCO2e with 3 decimals: one serial per kilogram
VINTAGE = ("2024-01-01", "2024-12-31")
BENEFICIARY = "Harbour Airlines Ltd 港灣航空"


def _t(units: int) -> str:
    return f"{cb.format_quantity(units, PRECISION)} tCO2e"


def _units(text: str) -> int:
    return cb.parse_quantity(text, PRECISION)


def carbon_registry(client: Client, keys: Keyring, out_dir: Path) -> None:
    """Step 14: registry set-up by governance, issuance, retirement with certificate, refusals."""
    names = ("hkma", "hkbank", "reviewer", "carbondev", "alice")
    w = {n: Wallet(client, [keys.load(n, DEMO_PASSPHRASE)]) for n in names}
    hkma, reviewer, dev, alice = w["hkma"], w["reviewer"], w["carbondev"], w["alice"]

    demo._step("14. carbon registry: a serial-numbered batch, a retirement certificate, no double counting")
    demo._expect_refused(
        "hkma registering a credit type before governance made it the registrar",
        lambda: hkma.send(cb.register_credit_type(hkma.did, "C", "Carbon", "tCO2e", PRECISION)),
        "governance",
        11,
    )
    member = hkma.verified("governance", "member", hkma.did)
    roles = {"did": hkma.did, "roles": [*member["roles"], "carbon-registrar"]}
    pid = _propose(hkma, "update-member-roles", roles, "Make the HKMA the carbon registrar")
    accredit = {
        "action": "add",
        "issuer": hkma.did,
        "credential_type": VERIFIER,
        "jurisdictions": ["HK", "CN"],
    }
    pid2 = _propose(hkma, "trusted-issuer-change", accredit, "Trust the HKMA to accredit carbon verifiers")
    for proposal in (pid, pid2):
        _vote(hkma, "hkma", proposal)
        _vote(reviewer, "reviewer", proposal)
        _expect_passed(hkma, proposal, _vote(w["hkbank"], "hkbank", proposal))
    _accredit(hkma, reviewer.did, keys)

    res = hkma.send(
        cb.register_credit_type(hkma.did, "C", "Carbon dioxide equivalent", "tCO2e", PRECISION),
        cb.create_class(
            hkma.did, "C", hkma.did, [reviewer.did], "CCER-14-001-V01", "Mangrove restoration", "红树林营造"
        ),
    )
    class_id = str(_event(res, "carbon/EventCreateClass")["class_id"])
    console.print(
        f"  credit type C (tCO2e, {PRECISION} decimals: 1 serial = 1 kg); class {class_id}, issuer reviewer"
    )
    res = reviewer.send(
        cb.create_project(
            reviewer.did,
            class_id,
            dev.did,
            jurisdiction="CN-GD",
            location="Zhanjiang, Guangdong",
            methodology="CCER-14-001-V01",
            name_en="Zhanjiang mangrove restoration",
            name_zh="湛江红树林修复",
            reference="CCER-14-2024-0001",
            documents=[("project design document", hashlib.sha256(b"PDD demo").hexdigest())],
        )
    )
    project_id = str(_event(res, "carbon/EventCreateProject")["project_id"])
    report = b"Verification report (demo): 12,000 tCO2e removed in 2024, ISO 14064-3"
    res = dev.send(
        builders.create_anchor(
            dev.did,
            hashlib.sha256(report).hexdigest(),
            anchor_type="verification-report",
            metadata={"verified_quantity": "12000", "standard": "ISO 14064-3"},
        )
    )
    anchor_id = str(res["events"][0]["anchor_id"])
    reviewer.send(builders.attest_anchor(reviewer.did, anchor_id, "verified: 12,000 tCO2e (ISO 14064-3)"))
    console.print(
        f"  project {project_id} (湛江红树林修复, CN-GD); report {anchor_id} attested by reviewer: 12,000 t"
    )

    issue = [cb.issuance_entry(dev.did, _units("10000"))]
    over = [cb.issuance_entry(dev.did, _units("12000.001"))]
    demo._expect_refused(
        "issuing 12,000.001 t against a report verifying 12,000 t",
        lambda: reviewer.send(cb.issue_batch(reviewer.did, project_id, *VINTAGE, anchor_id, over)),
        "carbon",
        10,
    )
    res = reviewer.send(cb.issue_batch(reviewer.did, project_id, *VINTAGE, anchor_id, issue))
    batch_id = str(_event(res, "carbon/EventIssueBatch")["batch_id"])
    batch = reviewer.verified("carbon", "batch", batch_id)
    console.print(
        f"  [green]verified[/] batch {batch_id}: {_t(batch['issued'])}, serials 1-{batch['issued']:,}"
    )

    res = dev.send(cb.transfer_credits(dev.did, alice.did, batch_id, _units("3000")))
    moved = _event(res, "carbon/EventTransferCredits")
    console.print(
        f"  carbondev → alice {_t(moved['amount'])},"
        f" serials {moved['ranges'][0][0]:,}-{moved['ranges'][0][1]:,}"
    )
    serials = [(1, _units("1000"))]
    retire = cb.retire_credits(
        alice.did,
        batch_id,
        _units("1000"),
        beneficiary=BENEFICIARY,
        reason="2025 scope 1 flights offset",
        jurisdiction="HK",
        serials=serials,
    )
    res = alice.send(retire)
    retired = _event(res, "carbon/EventRetireCredits")
    console.print(
        f"  alice retires {_t(retired['amount'])} (serials 1-{serials[0][1]:,}) for {BENEFICIARY!r}:"
        f" {retired['retirement_id']}, claim {retired['claim_id']}"
    )
    _certificate(client, hkma, keys, str(retired["retirement_id"]), out_dir)

    demo._expect_refused(
        "retiring serials 1-1,000,000 a second time",
        lambda: alice.send(retire),
        "carbon",
        13,
    )
    demo._expect_refused(
        "moving a retired serial (alice → carbondev, serial 500)",
        lambda: alice.send(cb.transfer_credits(alice.did, dev.did, batch_id, 1, serials=[(500, 500)])),
        "carbon",
        13,
    )
    _show(client, alice, batch_id, str(retired["retirement_id"]))


def _accredit(hkma: Wallet, verifier: str, keys: Keyring) -> None:
    """The HKMA signs a W3C CarbonVerifierCredential for the reviewer and registers its hash on chain."""
    issued = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    credential = issue_credential(
        credential_type=VERIFIER,
        subject={
            "id": verifier,
            "legalName": "Green Review HK (demo)",
            "accreditationBody": "HKAS",
            "standards": ["ISO 14064-3", "ISO 14065", "CCER"],
            "sectoralScopes": [14],
            "jurisdiction": "HK",
        },
        issuer=hkma.did,
        signing_key=keys.load("hkma", DEMO_PASSPHRASE),
        verification_method=f"{hkma.did}#key-1",
        issued_at=issued,
        valid_until=issued + timedelta(days=365),
        credential_id="urn:bayledger:hkma:vvb-green-review-2026",
    )
    hkma.send(
        {
            "type": "identity/MsgRegisterCredential",
            "issuer": hkma.did,
            "credential_id": "vvb-green-review-2026",
            "credential_type": VERIFIER,
            "subject": verifier,
            "jurisdiction": "HK",
            "valid_from": _millis(credential["validFrom"]),
            "valid_until": _millis(credential["validUntil"]),
            "status_list_id": "",
            "status_index": 0,
            "credential_hash": hashlib.sha256(jcs(credential)).hexdigest(),
        }
    )
    console.print(
        f"  [green]registered[/] {VERIFIER} → reviewer {_short(verifier)},"
        f" {credential['proof']['cryptosuite']}"
    )


def _certificate(client: Client, hkma: Wallet, keys: Keyring, retirement_id: str, out_dir: Path) -> None:
    """The registrar signs the certificate; it is verified offline; JSON and PDF go to ``out_dir``."""
    now = datetime.now(UTC).replace(microsecond=0)
    key = keys.load("hkma", DEMO_PASSPHRASE)
    package = build_certificate_package(
        client, retirement_id, issuer=hkma.did, signing_key=key, issued_at=now
    )
    verified = verify_certificate(package, genesis=genesis_from_json(client.genesis()), now=now)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{retirement_id}.json").write_text(json.dumps(package, indent=2, ensure_ascii=False))
    pdf = render_certificate_pdf(package["credential"])
    (out_dir / f"{retirement_id}.pdf").write_bytes(pdf)
    s = verified.subject
    console.print(
        f"  [green]certificate verified offline[/] {s['quantity']} {s['unit']} for {s['beneficiary']!r}:"
        f" {verified.credential['proof']['cryptosuite']} signature by hkma,"
        f" 5 records proven at block {verified.height}"
    )
    console.print(f"  written {out_dir / (retirement_id + '.json')} and .pdf ({len(pdf):,} bytes)")


def _show(client: Client, wallet: Wallet, batch_id: str, retirement_id: str) -> None:
    """Provenance of one serial, the retirement proven by the light client, invariants."""
    trail: dict[str, Any] = cb.CarbonApi(client).provenance(batch_id, 1)
    steps = " → ".join(f"{m['kind']}@{m['height']}" for m in trail["movements"])
    console.print(f"  provenance of serial 1: {steps}; now {trail['status']}")
    record = wallet.verified("carbon", "retirement", retirement_id)
    if record["beneficiary"] != BENEFICIARY:
        raise DemoFailure(f"retirement names {record['beneficiary']!r}")
    console.print(
        f"  [green]verified[/] {retirement_id} (light client): {_t(record['amount'])},"
        f" claim {record['claim_id']}"
    )
    invariants = client.invariants()
    if not invariants["ok"]:
        raise DemoFailure(f"invariants broken: {invariants['broken']}")
    console.print(
        "  all invariants hold (carbon/supply: issued = tradable + retired + cancelled + escrowed, …)"
    )
