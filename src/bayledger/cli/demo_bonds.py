"""Demo steps 13, 16 and 17 (HK zone): the reference green bond of issue 4.

Step 13: the government publishes its green-bond framework; the consortium trusts the HKMA to accredit
external reviewers; the reviewer signs a second-party opinion (a W3C credential) and records it; the bank
onboards the government and an institutional investor; a 1-year HK$800,000,000 green bond at 4.05%
ACT/365F, semi-annual, denomination HK$50,000, is offered, oversubscribed, allotted pro rata and settled
delivery-versus-payment at T+1 against HKD deposit tokens. Steps 16 and 17 (the last of the zone, because
they move the dev clock a year on): half a year later the proceeds are allocated to two projects and a
verified impact report is attributed to each holder (``demo_impact``); both coupons are paid to the holders
of record, exactly, and the bond redeems.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from bayledger.cli import demo
from bayledger.cli.demo import DEMO_PASSPHRASE, DemoFailure, console
from bayledger.cli.demo_cash import CashDemo, _amount, _hkd
from bayledger.cli.demo_identity import (
    _event,
    _expect_passed,
    _issue,
    _millis,
    _propose,
    _register_msg,
    _short,
    _vote,
)
from bayledger.cli.demo_impact import use_of_proceeds_and_impact
from bayledger.core.finance import add_months, compute_isin_check_digit
from bayledger.keyring import Keyring
from bayledger.sdk import bonds as bb
from bayledger.sdk import cash as cb
from bayledger.sdk.client import Client
from bayledger.sdk.wallet import Wallet
from bayledger.vc import StatusList, issue_credential
from bayledger.vc.cryptosuites import jcs

UTC8 = timezone(timedelta(hours=8))
REVIEWER_CREDENTIAL = "ExternalReviewerCredential"
FACE = _amount("800000000.00")
UNIT = _amount("50000.00")
ISIN = "HK0000098" + "76" + compute_isin_check_digit("HK000009876")
FRAMEWORK_TEXT = (
    "HKSAR Government Green Bond Framework (demo). Use of proceeds: renewable energy, green buildings. "
    "Project evaluation: Green Bond Steering Committee against the Hong Kong Taxonomy. Management of "
    "proceeds: Capital Works Reserve Fund, tracked per project. Reporting: annual allocation and impact."
)


@dataclass
class BondDemo:
    """What steps 16 and 17 need from step 13."""

    bond_id: str
    govt: Wallet
    reviewer: Wallet
    investors: dict[str, Wallet]
    cash: CashDemo
    settlement_date: str


def _today(client: Client) -> date:
    latest = int(client.status()["latest_time"])
    return datetime.fromtimestamp(latest / 1000, UTC8).date()


def _advance_to(client: Client, day: date, hour: int = 10) -> None:
    """Move the dev clock so the next block is at ``hour``:00 UTC+8 on ``day`` (or later)."""
    target = int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC8).timestamp() * 1000)
    clock = int(client.advance_clock(1)["clock_ms"])
    if target > clock:
        client.advance_clock(target - clock)
    console.print(f"  [dim]dev clock → {day.isoformat()} {hour:02d}:00 UTC+8[/]")


def _register_vc(
    issuer: Wallet, key: Any, kind: str, subject: dict[str, Any], credential_id: str
) -> dict[str, Any]:
    """Issue a W3C credential (eddsa-jcs-2022) and register its hash on chain; returns the credential."""
    issued = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    credential = issue_credential(
        credential_type=kind,
        subject=subject,
        issuer=issuer.did,
        signing_key=key,
        verification_method=f"{issuer.did}#key-1",
        issued_at=issued,
        valid_until=issued + timedelta(days=3 * 365),
        credential_id=f"urn:bayledger:demo:{credential_id}",
    )
    issuer.send(
        {
            "type": "identity/MsgRegisterCredential",
            "issuer": issuer.did,
            "credential_id": credential_id,
            "credential_type": kind,
            "subject": subject["id"],
            "jurisdiction": "HK",
            "valid_from": _millis(credential["validFrom"]),
            "valid_until": _millis(credential["validUntil"]),
            "status_list_id": "",
            "status_index": 0,
            "credential_hash": hashlib.sha256(jcs(credential)).hexdigest(),
        }
    )
    return credential


def _framework_and_review(w: dict[str, Wallet], govt: Wallet, keys: Keyring) -> str:
    hkma, reviewer = w["hkma"], w["reviewer"]
    document_hash = hashlib.sha256(FRAMEWORK_TEXT.encode()).hexdigest()
    res = govt.send(
        bb.publish_framework(
            govt.did,
            document_hash,
            name_en="HKSAR Government Green Bond Framework (demo)",
            name_zh="香港特區政府綠色債券框架（演示）",
            categories=["renewable-energy", "green-buildings"],
            project_evaluation="Steering Committee screens projects against the Hong Kong Taxonomy",
            management_of_proceeds="Capital Works Reserve Fund, tracked per project",
            reporting="Annual allocation and impact report, externally verified",
            uri="https://www.hkgb.gov.hk/en/framework.html",
        )
    )
    framework_id = str(_event(res, "bonds/EventPublishFramework")["framework_id"])
    console.print(
        f"  govt publishes {framework_id}: document sha256 {document_hash[:16]}…, ICMA GBP components"
    )

    change = {
        "action": "add",
        "issuer": hkma.did,
        "credential_type": REVIEWER_CREDENTIAL,
        "jurisdictions": ["HK"],
    }
    pid = _propose(hkma, "trusted-issuer-change", change, "Trust the HKMA to accredit external reviewers")
    _vote(hkma, "hkma", pid)
    _vote(w["hkbank"], "hkbank", pid)
    _expect_passed(hkma, pid, _vote(reviewer, "reviewer", pid))
    _register_vc(
        hkma,
        keys.load("hkma", DEMO_PASSPHRASE),
        REVIEWER_CREDENTIAL,
        {
            "id": reviewer.did,
            "legalName": "Green Review HK (demo)",
            "reviewTypes": ["second-party-opinion"],
            "jurisdiction": "HK",
        },
        "reviewer-accreditation-2026",
    )
    console.print("  hkma accredits the reviewer: ExternalReviewerCredential registered on chain")

    spo = issue_credential(
        credential_type="GreenBondReviewCredential",
        subject={
            "id": govt.did,
            "frameworkId": framework_id,
            "frameworkDocumentHash": document_hash,
            "reviewType": "second-party-opinion",
            "opinion": "aligned",
            "principles": "ICMA Green Bond Principles (June 2021, with June 2022 Appendix 1)",
            "summary": "The framework is aligned with the four core components of the GBP.",
        },
        issuer=reviewer.did,
        signing_key=keys.load("reviewer", DEMO_PASSPHRASE),
        verification_method=f"{reviewer.did}#key-1",
        issued_at=datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1),
        credential_id="urn:bayledger:demo:spo-hksar-gbf-2026",
    )
    spo_hash = hashlib.sha256(jcs(spo)).hexdigest()
    reviewer.send(bb.record_review(reviewer.did, framework_id, "aligned", "spo-hksar-gbf-2026", spo_hash))
    review = reviewer.verified("bonds", "review", f"{framework_id}/{reviewer.did}")
    console.print(
        f"  [green]verified[/] second-party opinion on {framework_id}: {review['opinion']}, credential "
        f"{review['credential_id']} ({spo['proof']['cryptosuite']}, sha256 {spo_hash[:12]}…)"
    )
    return framework_id


def issue_green_bond(
    w: dict[str, Wallet], keys: Keyring, cash: CashDemo, revocations: StatusList
) -> BondDemo:
    """Step 13: framework, review, onboarding, book, allocation and DvP at T+1."""
    client = w["hkma"].client
    govt = Wallet(client, [keys.load("govt", DEMO_PASSPHRASE)])
    carol = Wallet(client, [keys.load("carol", DEMO_PASSPHRASE)])
    alice, bob = cash.investors["alice"], cash.investors["bob"]
    hkbank = cash.bank
    demo._step("13. a verified green-bond framework; a HK$800,000,000 green bond settled DvP at T+1")

    today = _today(client)
    issue_date = today + timedelta(days=1)
    while issue_date.weekday() >= 5:
        issue_date += timedelta(days=1)
    terms_of: dict[str, Any] = dict(
        isin=ISIN,
        name_en="HKSAR Government Green Bond due (demo) — tokenised",
        name_zh="香港特區政府綠色債券（代幣化，演示）",
        currency="HKD",
        cash_token_id=cash.token_id,
        face=FACE,
        denomination=UNIT,
        coupon_rate=405,
        issue_date=issue_date.isoformat(),
        maturity_date=add_months(issue_date, 12).isoformat(),
        record_date_offset=2,
    )
    demo._expect_refused(
        "a green bond before its framework has an external review",
        lambda: govt.send(bb.create_bond(govt.did, bb.bond_terms(**terms_of, framework_id="GBF-000001"))),
        "bonds",
        7,
    )
    framework_id = _framework_and_review(w, govt, keys)

    bank_key = keys.load("hkbank", DEMO_PASSPHRASE)
    kycs = [
        _issue(bank_key, hkbank.did, n, wallet.did, i, revocations)
        for i, (n, wallet) in enumerate({"govt": govt, "carol": carol}.items(), start=2)
    ]
    hkbank.send(cb.set_limits(hkbank.did, cash.token_id, 0, 0), *(_register_msg(hkbank.did, k) for k in kycs))
    hkbank.send(
        cb.issue_cash(hkbank.did, cash.token_id, alice.did, _amount("500000000.00")),
        cb.issue_cash(hkbank.did, cash.token_id, carol.did, _amount("400000000.00")),
    )
    console.print(
        "  hkbank onboards govt and carol (Harbour Pension Fund) with KYC credentials, lifts the retail "
        f"limits for wholesale settlement, and credits alice {_hkd(_amount('500000000.00'))} and carol "
        f"{_hkd(_amount('400000000.00'))}"
    )

    terms = bb.bond_terms(**terms_of, framework_id=framework_id)
    res = govt.send(bb.create_bond(govt.did, terms))
    created = _event(res, "bonds/EventCreateBond")
    bond_id = str(created["bond_id"])
    bond = govt.client.get_bond(bond_id)
    console.print(
        f"  {bond_id} ({ISIN}): {_hkd(FACE)} at 4.05% ACT/365F semi-annual, denomination {_hkd(UNIT)}, "
        f"issue {terms.issue_date}, maturity {terms.maturity_date}; coupons "
        f"{[(p['payment_date'], p['record_date']) for p in bond['schedule']]} (payment, record)"
    )
    alice.send(bb.place_order(alice.did, bond_id, _amount("500000000.00")))
    carol.send(bb.place_order(carol.did, bond_id, _amount("400000000.00")))
    demo._expect_refused(
        "bob (KYC revoked) ordering", lambda: bob.send(bb.place_order(bob.did, bond_id, UNIT)), "bonds", 19
    )
    res = govt.send(bb.allocate_bond(govt.did, bond_id))
    allocated = _event(res, "bonds/EventAllocateBond")
    for allotment in govt.client.get_bond(bond_id)["allotments"]:
        name = "alice" if allotment["investor"] == alice.did else "carol"
        console.print(f"    allotted {name:<6} {_hkd(allotment['amount'])} for {_hkd(allotment['cash'])}")
    console.print(
        f"  book HK$900,000,000.00 for {_hkd(FACE)}: pro rata, settlement from {allocated['settlement_date']}"
    )
    demo._expect_refused(
        "settlement before T+1", lambda: govt.send(bb.settle_bond(govt.did, bond_id)), "bonds", 17
    )
    _advance_to(client, date.fromisoformat(str(allocated["settlement_date"])))
    res = govt.send(bb.settle_bond(govt.did, bond_id))
    settled = _event(res, "bonds/EventSettleBond")
    console.print(
        f"  [green]DvP settled[/] in one transaction at height {res['height']}: {_hkd(settled['delivered'])} "
        f"of bonds to {settled['investors']} investors, {_hkd(settled['proceeds'])} to the government"
    )
    investors = {"alice": alice, "carol": carol}
    for name, wallet in investors.items():
        holding = wallet.verified("bonds", "holding", f"{bond_id}/{wallet.did}")
        balance = wallet.verified("cash", "balance", f"{cash.token_id}/{wallet.did}")
        console.print(
            f"  [green]verified[/] {name:<6} holds {_hkd(holding['amount'])}, cash {_hkd(balance['amount'])}"
        )
    return BondDemo(
        bond_id=bond_id,
        govt=govt,
        reviewer=w["reviewer"],
        investors=investors,
        cash=cash,
        settlement_date=str(allocated["settlement_date"]),
    )


def service_to_maturity(bond: BondDemo) -> None:
    """Steps 16 and 17: half a year on, proceeds allocated and a verified impact report attributed to each
    holder (``demo_impact``); then coupons to the holders of record and redemption at maturity."""
    govt, client = bond.govt, bond.govt.client
    record = client.get_bond(bond.bond_id)
    first_payment = date.fromisoformat(record["schedule"][0]["payment_date"])
    _advance_to(client, first_payment)
    use_of_proceeds_and_impact(
        govt,
        bond.reviewer,
        bond.investors,
        bond.bond_id,
        allocation_date=bond.settlement_date,
        period=(bond.settlement_date, (first_payment - timedelta(days=1)).isoformat()),
    )
    demo._step("17. coupons paid exactly to the holders of record; the bond redeems at maturity")
    bond.cash.bank.send(
        cb.issue_cash(bond.cash.bank.did, bond.cash.token_id, govt.did, _amount("40000000.00"))
    )
    console.print(f"  the government's treasury funds {_hkd(_amount('40000000.00'))} for coupons")
    for period in record["schedule"]:
        _advance_to(client, date.fromisoformat(period["payment_date"]))
        res = govt.send(bb.pay_coupon(govt.did, bond.bond_id, period["index"]))
        paid = _event(res, "bonds/EventPayCoupon")
        console.print(
            f"  coupon {paid['index']} (record {paid['record_date']}, paid {paid['payment_date']}, rate "
            f"{paid['rate']}): total {_hkd(paid['total'])}, paid {_hkd(paid['paid'])}, rounding remainder "
            f"{paid['remainder']} cent(s) kept by the issuer"
        )
        for event in res["events"]:
            if event["type"] == "bonds/EventCouponPayment":
                console.print(
                    f"    → {_short(event['holder'])} holding {_hkd(event['holding'])}: "
                    f"{_hkd(event['amount'])}"
                )
        demo._expect_refused(
            f"coupon {period['index']} paid twice",
            lambda i=period["index"]: govt.send(bb.pay_coupon(govt.did, bond.bond_id, i)),
            "bonds",
            25,
        )
    res = govt.send(bb.redeem_bond(govt.did, bond.bond_id))
    redeemed = _event(res, "bonds/EventRedeemBond")
    console.print(f"  [green]redeemed[/] {_hkd(redeemed['repaid'])} to {redeemed['holders']} holders")
    verified = govt.verified("bonds", "bond", bond.bond_id)
    if verified["status"] != "redeemed" or verified["outstanding"] != 0:
        raise DemoFailure(f"bond not redeemed: {verified['status']}")
    for name, wallet in bond.investors.items():
        statement = client.get_holder_statement(wallet.did)["bonds"][0]
        coupon = wallet.verified("bonds", "coupon", f"{bond.bond_id}/1")
        console.print(
            f"  [green]verified[/] {name}: coupons received {_hkd(statement['coupons_received'])}, "
            f"holding now {_hkd(statement['holding']['amount'])}; coupon 1 record proven "
            f"(paid {_hkd(coupon['paid'])})"
        )
    invariants = client.invariants()
    if not invariants["ok"]:
        raise DemoFailure(f"invariants broken: {invariants['broken']}")
    console.print("  all invariants hold (bonds/supply, bonds/encumbrances, cash/supply, …)")
