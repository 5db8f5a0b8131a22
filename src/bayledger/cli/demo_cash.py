"""Demo steps 10 and 12 (HK zone): tokenised deposits, gated by the KYC credentials of steps 9 and 11.

Step 10 (before bob's KYC is revoked): the consortium trusts the regulator to license banks on chain, the
regulator registers Harbour Bank's ``LicensedBankCredential``, the bank creates its HKD deposit token and
issues HK$ to alice and bob, and alice pays bob. Step 12 (after the revocation): bob can neither send nor
receive; the regulator freezes him and returns his deposit to the bank under a remediation order; the bank
redeems it. Balances and the supply are read back with state proofs checked by the light client.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bayledger.cli import demo
from bayledger.cli.demo import DEMO_PASSPHRASE, DemoFailure, console
from bayledger.cli.demo_identity import _event, _expect_passed, _millis, _propose, _short, _vote
from bayledger.keyring import Keyring
from bayledger.sdk import cash as cb
from bayledger.sdk.wallet import Wallet
from bayledger.vc import issue_credential
from bayledger.vc.cryptosuites import jcs

LICENCE = "LicensedBankCredential"
LICENCE_ID = "licence-harbour-bank-2026"
HKD_DECIMALS = cb.decimals_of("HKD")


def _hkd(minor: int) -> str:
    return f"HK${cb.format_amount(minor, HKD_DECIMALS)}"


def _amount(text: str) -> int:
    return cb.parse_amount(text, HKD_DECIMALS)


@dataclass
class CashDemo:
    """What step 12 needs from step 10."""

    token_id: str
    bank: Wallet
    regulator: Wallet
    investors: dict[str, Wallet]


def deposit_tokens(w: dict[str, Wallet], keys: Keyring) -> CashDemo:
    """Step 10: licence, token, issuance to alice and bob, a transfer between them."""
    hkma, hkbank = w["hkma"], w["hkbank"]
    investors = {n: Wallet(hkma.client, [keys.load(n, DEMO_PASSPHRASE)]) for n in ("alice", "bob")}

    demo._step("10. the regulator licenses the bank; HKD deposit tokens for alice and bob")
    demo._expect_refused(
        "hkbank creating a deposit token before it holds a bank licence",
        lambda: hkbank.send(cb.create_token(hkbank.did, "HKD")),
        "identity",
        10,
    )
    change = {"action": "add", "issuer": hkma.did, "credential_type": LICENCE, "jurisdictions": ["HK"]}
    pid = _propose(hkma, "trusted-issuer-change", change, "Trust the HKMA to license banks on chain")
    _vote(hkma, "hkma", pid)
    _vote(w["reviewer"], "reviewer", pid)
    _expect_passed(hkma, pid, _vote(w["mlbank"], "mlbank", pid))
    _register_licence(hkma, hkbank.did, keys)

    holder_cap, daily_cap = _amount("1000000.00"), _amount("200000.00")
    res = hkbank.send(
        cb.create_token(
            hkbank.did,
            "HKD",
            holder_limit=holder_cap,
            daily_limit=daily_cap,
            name_en="Harbour Bank HKD deposit token (demo)",
            name_zh="港湾银行港元存款代币（演示）",
        )
    )
    token_id = str(_event(res, "cash/EventCreateToken")["token_id"])
    console.print(
        f"  token {token_id}: HKD, {HKD_DECIMALS} decimals, per-holder limit {_hkd(holder_cap)},"
        f" per-day limit {_hkd(daily_cap)} (UTC+8 day)"
    )
    alice, bob = investors["alice"], investors["bob"]
    hkbank.send(
        cb.issue_cash(hkbank.did, token_id, alice.did, _amount("50000.00")),
        cb.issue_cash(hkbank.did, token_id, bob.did, _amount("20000.00")),
    )
    console.print(
        f"  hkbank issues {_hkd(_amount('50000.00'))} to alice and {_hkd(_amount('20000.00'))} to bob"
    )
    res = alice.send(cb.transfer_cash(alice.did, token_id, bob.did, _amount("5000.00")))
    paid = _event(res, "cash/EventTransferCash")
    console.print(f"  [green]transfer ok[/] alice → bob {_hkd(paid['amount'])} at height {res['height']}")
    cash = CashDemo(token_id=token_id, bank=hkbank, regulator=hkma, investors=investors)
    _show_balances(cash, {"alice": _amount("45000.00"), "bob": _amount("25000.00")})
    return cash


def _register_licence(hkma: Wallet, bank: str, keys: Keyring) -> None:
    """The regulator signs a W3C licence credential for the bank and registers its hash on chain."""
    issued = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    credential = issue_credential(
        credential_type=LICENCE,
        subject={
            "id": bank,
            "legalName": "Harbour Bank HK (demo)",
            "licenceType": "licensed-bank",
            "regulator": "HKMA",
            "licenceNumber": "B-0001-DEMO",
            "jurisdiction": "HK",
        },
        issuer=hkma.did,
        signing_key=keys.load("hkma", DEMO_PASSPHRASE),
        verification_method=f"{hkma.did}#key-1",
        issued_at=issued,
        valid_until=issued + timedelta(days=365),
        credential_id=f"urn:bayledger:hkma:{LICENCE_ID}",
    )
    hkma.send(
        {
            "type": "identity/MsgRegisterCredential",
            "issuer": hkma.did,
            "credential_id": LICENCE_ID,
            "credential_type": LICENCE,
            "subject": bank,
            "jurisdiction": "HK",
            "valid_from": _millis(credential["validFrom"]),
            "valid_until": _millis(credential["validUntil"]),
            "status_list_id": "",
            "status_index": 0,
            "credential_hash": hashlib.sha256(jcs(credential)).hexdigest(),
        }
    )
    record = hkma.verified("identity", "credential", f"{hkma.did}/{LICENCE_ID}")
    console.print(
        f"  [green]verified[/] {LICENCE} {LICENCE_ID} → hkbank {_short(record['subject'])}, issued by hkma,"
        f" {credential['proof']['cryptosuite']}"
    )


def _show_balances(cash: CashDemo, expected: dict[str, int]) -> None:
    """Balances and supply proven against the genesis validators; fail the demo if they differ."""
    for name, want in expected.items():
        did = cash.investors[name].did if name in cash.investors else cash.bank.did
        record: Any = cash.bank.verified("cash", "balance", f"{cash.token_id}/{did}")
        have = 0 if record is None else int(record["amount"])
        if have != want:
            raise DemoFailure(f"{name} holds {have}, expected {want}")
        console.print(f"  [green]verified[/] balance {name:<6} {_hkd(have)}")
    token = cash.bank.verified("cash", "token", cash.token_id)
    if token["supply"] != sum(expected.values()):
        raise DemoFailure(f"supply {token['supply']} != balances {sum(expected.values())}")
    console.print(f"  [green]verified[/] supply {_hkd(token['supply'])} = sum of balances")


def after_revocation(cash: CashDemo) -> None:
    """Step 12: bob's revoked KYC stops his deposit tokens at once; the regulator remediates."""
    alice, bob = cash.investors["alice"], cash.investors["bob"]
    token_id, one_k = cash.token_id, _amount("1000.00")

    demo._step("12. the revoked KYC stops bob's deposit tokens at once")
    demo._expect_refused(
        "bob → alice HK$1,000.00 (sender's KYC revoked)",
        lambda: bob.send(cb.transfer_cash(bob.did, token_id, alice.did, one_k)),
        "identity",
        10,
    )
    demo._expect_refused(
        "alice → bob HK$1,000.00 (recipient's KYC revoked)",
        lambda: alice.send(cb.transfer_cash(alice.did, token_id, bob.did, one_k)),
        "cash",
        7,
    )
    _show_balances(cash, {"alice": _amount("45000.00"), "bob": _amount("25000.00")})
    regulator, bank = cash.regulator, cash.bank
    regulator.send(cb.freeze_account(regulator.did, token_id, bob.did, "KYC revoked: remediation"))
    frozen = regulator.verified("cash", "freeze", f"{token_id}/{bob.did}")
    console.print(f"  hkma (regulator) freezes bob for {token_id[:12]}…: {frozen['reason']!r}")
    order = "HKMA remediation order DEMO-2026-001: return of deposit"
    res = regulator.send(
        cb.force_transfer(regulator.did, token_id, bob.did, bank.did, _amount("25000.00"), order)
    )
    moved = _event(res, "cash/EventForceTransfer")
    console.print(f"  forced transfer bob → hkbank {_hkd(moved['amount'])}, reason {moved['reason']!r}")
    res = bank.send(cb.redeem_cash(bank.did, token_id, _amount("25000.00")))
    console.print(
        f"  hkbank redeems {_hkd(_event(res, 'cash/EventRedeemCash')['amount'])} (paid out off chain);"
        " tokens burnt"
    )
    _show_balances(cash, {"alice": _amount("45000.00"), "bob": 0, "hkbank": 0})
    invariants = bank.client.invariants()
    if not invariants["ok"]:
        raise DemoFailure(f"invariants broken: {invariants['broken']}")
    console.print("  all invariants hold (cash/supply: per token Σ balances = supply, …)")
