"""Demo steps 7-12 (HK zone): consortium governance, DID documents, W3C KYC credentials and their gate;
steps 10 and 12 (deposit tokens gated by those credentials) are in ``demo_cash.py``.

Messages are plain dicts with the ``type`` tags and field names of the modules' ``msgs.py``; every state
the demo relies on is read back with a state proof checked by the light client (``Wallet.verified``).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from bayledger.cli import demo
from bayledger.cli.demo import DEMO_PASSPHRASE, DemoFailure, console
from bayledger.keyring import Keyring
from bayledger.keys import SigningKey
from bayledger.sdk.client import Client
from bayledger.sdk.wallet import Wallet
from bayledger.vc import (
    StaticKeyResolver,
    StatusList,
    build_status_list_credential,
    compute_list_hash,
    create_status_list,
    issue_credential,
    status_list_entry,
    verify_credential,
)
from bayledger.vc.cryptosuites import jcs
from bayledger.vc.timestamps import format_datetime

if TYPE_CHECKING:
    from bayledger.cli.demo_bonds import BondDemo

KYC = "KycCredential"
LIST_ID = "kyc-revocation-1"
LIST_URL = "https://hkbank.example/status/kyc-revocation-1"
VOTING_PERIOD = 50
# founding members: (key name, English name, Chinese name, jurisdiction, roles, weight)
FOUNDERS = (
    ("hkma", "Hong Kong Monetary Authority (demo)", "香港金融管理局（演示）", "HK", ["regulator"], 3),
    ("hkbank", "Harbour Bank HK (demo)", "港湾银行（演示）", "HK", ["bank", "issuer"], 2),
    ("reviewer", "Green Review HK (demo)", "绿色评审（演示）", "HK", ["reviewer"], 2),
)


def genesis_app_state(keys: Keyring, ac_code: str | None) -> dict[str, Any]:
    """The governance section of the HK genesis: founding members and the voting period (no trusted
    issuer: the bank becomes one by proposal)."""
    members = [
        {
            "did": keys.load(name, DEMO_PASSPHRASE).did(ac_code),
            "name_en": name_en,
            "name_zh": name_zh,
            "jurisdiction": jurisdiction,
            "roles": roles,
            "weight": weight,
        }
        for name, name_en, name_zh, jurisdiction, roles, weight in FOUNDERS
    ]
    return {"governance": {"members": members, "voting_period": VOTING_PERIOD}}


def _propose(wallet: Wallet, kind: str, payload: dict[str, Any], title: str) -> str:
    res = wallet.send(
        {
            "type": "governance/MsgSubmitProposal",
            "proposer": wallet.did,
            "kind": kind,
            "payload": payload,
            "title": title,
            "description": "",
        }
    )
    proposal_id = str(_event(res, "governance/EventSubmitProposal")["proposal_id"])
    console.print(f"  {proposal_id} [bold]{kind}[/] by {_short(wallet.did)}: {escape(title)}")
    console.print(f"    payload {escape(json.dumps(payload, ensure_ascii=False))}")
    return proposal_id


def _vote(wallet: Wallet, name: str, proposal_id: str, option: str = "yes") -> dict[str, Any]:
    wallet.send(
        {"type": "governance/MsgVote", "voter": wallet.did, "proposal_id": proposal_id, "option": option}
    )
    proposal: dict[str, Any] = wallet.verified("governance", "proposal", proposal_id)
    vote = wallet.verified("governance", "vote", f"{proposal_id}/{wallet.did}")
    console.print(
        f"    vote {name:<20} {vote['option']:<4} weight {vote['weight']} at height {vote['height']}"
        f" → {_status(proposal)}"
    )
    return proposal


def _status(proposal: dict[str, Any]) -> str:
    if proposal["status"] == "open":
        return f"[yellow]open[/] (voting until height {proposal['voting_end_height']})"
    return (
        f"[green]{proposal['status']}[/] at height {proposal['executed_height']}: yes "
        f"{proposal['yes_weight']} / total {proposal['total_weight']} (needs 3·yes ≥ 2·total)"
        + (f" {escape(proposal['log'])}" if proposal["log"] else "")
    )


def _event(result: dict[str, Any], event_type: str) -> dict[str, Any]:
    for event in result["events"]:
        if event.get("type") == event_type:
            return dict(event)
    raise DemoFailure(f"no {event_type} in {result['events']}")


def _short(did: str) -> str:
    return did if len(did) <= 26 else f"{did[:18]}…{did[-6:]}"


def _expect_passed(wallet: Wallet, proposal_id: str, proposal: dict[str, Any]) -> None:
    """``proposal`` as read after the deciding vote; it closes at the end of that vote's block."""
    if proposal["status"] == "open":
        for _ in range(25):
            time.sleep(0.2)
            proposal = wallet.verified("governance", "proposal", proposal_id)
            if proposal["status"] != "open":
                break
        console.print(f"    {proposal_id}: {_status(proposal)}")
    if proposal["status"] != "passed":
        raise DemoFailure(f"{proposal_id} ended {proposal['status']}: {proposal['log']}")


@dataclass
class _Kyc:
    name: str
    subject: str
    index: int
    credential_id: str
    credential: dict[str, Any]


def identity_and_governance(client: Client, keys: Keyring) -> BondDemo:
    """Steps 7-13 of the HK zone; returns the settled green bond for steps 16 and 17."""
    from bayledger.cli import demo_bonds, demo_cash  # they import this module's helpers

    w = {n: Wallet(client, [keys.load(n, DEMO_PASSPHRASE)]) for n in ("hkma", "hkbank", "reviewer", "mlbank")}
    investors = {
        n: keys.load(n, DEMO_PASSPHRASE).did(w["hkma"].genesis.did_ac_code) for n in ("alice", "bob")
    }

    demo._step("7. governance: the consortium admits a member by a 2/3-weight vote")
    table = Table("member", "did", "roles", "weight", "joined")
    for name, *_ in FOUNDERS:
        member = w[name].verified("governance", "member", w[name].did)
        table.add_row(
            name, _short(member["did"]), ",".join(member["roles"]), str(member["weight"]), "genesis"
        )
    console.print(table)
    demo._expect_refused(
        "hkbank proposing to add itself",
        lambda: _propose(w["hkbank"], "add-member", _member_payload(w["hkbank"].did), "add myself"),
        "governance",
        4,
    )
    mainland = _member_payload(w["mlbank"].did)
    demo._expect_refused(
        "mlbank (not a member yet) proposing",
        lambda: _propose(w["mlbank"], "add-member", mainland, "add a mainland bank"),
        "governance",
        3,
    )
    pid = _propose(w["hkma"], "add-member", mainland, "Admit Pearl River Bank (SM2 keys) as a member")
    _vote(w["hkma"], "hkma", pid)
    _expect_passed(w["hkma"], pid, _vote(w["hkbank"], "hkbank", pid))
    demo._expect_refused(
        "a vote after the decision", lambda: _vote(w["reviewer"], "reviewer", pid), "governance", 8
    )
    member = w["mlbank"].verified("governance", "member", w["mlbank"].did)
    console.print(
        f"  [green]verified[/] member {member['name_en']} ({member['jurisdiction']},"
        f" weight {member['weight']}) joined at height {member['joined_height']}"
    )

    demo._step("8. members publish DID documents; a verifier resolves one")
    for name, wallet in w.items():
        wallet.send(
            {
                "type": "identity/MsgRegisterDid",
                "did": wallet.did,
                "services": [
                    {"id": "web", "type": "LinkedDomains", "service_endpoint": f"https://{name}.example"}
                ],
            }
        )
    console.print(f"  {', '.join(w)} registered version 1 of their DID documents")
    document = _resolve(w["reviewer"], w["hkbank"].did)
    _resolve(w["reviewer"], w["mlbank"].did)

    demo._step("9. the bank becomes a trusted KYC issuer and issues W3C VC 2.0 credentials")
    hkbank = w["hkbank"]
    bank_key = keys.load("hkbank", DEMO_PASSPHRASE)
    revocations = create_status_list("revocation")
    kycs = [
        _issue(bank_key, hkbank.did, n, did, i, revocations) for i, (n, did) in enumerate(investors.items())
    ]
    demo._expect_refused(
        "registering a credential before the bank is trusted",
        lambda: hkbank.send(_register_msg(hkbank.did, kycs[0])),
        "identity",
        6,
    )
    change = {"action": "add", "issuer": hkbank.did, "credential_type": KYC, "jurisdictions": ["HK"]}
    pid = _propose(w["hkma"], "trusted-issuer-change", change, "Trust Harbour Bank for KYC in HK")
    _vote(w["hkma"], "hkma", pid)
    _vote(w["reviewer"], "reviewer", pid)
    _expect_passed(w["hkma"], pid, _vote(w["mlbank"], "mlbank (new member)", pid))
    trusted = hkbank.verified("identity", "trusted-issuer", f"{KYC}/{hkbank.did}")
    console.print(f"  [green]verified[/] trusted issuer of {KYC} in {trusted['jurisdictions']}")
    hkbank.send(_status_msg(hkbank.did, revocations, []), *(_register_msg(hkbank.did, k) for k in kycs))
    for kyc in kycs:
        proof = kyc.credential["proof"]
        console.print(
            f"  {kyc.credential_id} → {kyc.name} {_short(kyc.subject)}: {proof['cryptosuite']} by "
            f"{proof['verificationMethod'][-6:]}, status index {kyc.index}, registered on chain"
        )
    console.print(f"  status list {LIST_ID} anchored: {compute_list_hash(revocations)[:20]}…")

    cash = demo_cash.deposit_tokens(w, keys)

    demo._step("11. bob's KYC is revoked; the KYC gate refuses bob and admits alice")
    revocations.set(kycs[1].index)
    hkbank.send(_status_msg(hkbank.did, revocations, [kycs[1].index]))
    console.print(f"  hkbank flags index {kycs[1].index} of {LIST_ID}; new list hash anchored on chain")
    list_vc = build_status_list_credential(
        revocations,
        credential_id=LIST_URL,
        issuer=hkbank.did,
        signing_key=bank_key,
        verification_method=f"{hkbank.did}#key-1",
        issued_at=datetime.now(UTC),
    )
    resolver = StaticKeyResolver({m["id"]: m["publicKeyMultibase"] for m in document["verificationMethod"]})
    anchored = hkbank.verified("identity", "status-list", f"{hkbank.did}/{LIST_ID}")
    for kyc in kycs:

        def gate(kyc: _Kyc = kyc) -> None:
            verify_credential(
                kyc.credential,
                resolve_key=resolver,
                now=datetime.now(UTC),
                status_lists={LIST_URL: list_vc},
                anchored_status_hashes={LIST_URL: anchored["list_hash"]},
                trusted_issuers={trusted["issuer"]},
            )

        if kyc.name == "bob":
            demo._expect_refused("the off-chain VC gate for bob", gate, "vc", 15)
        else:
            gate()
            console.print(
                f"  [green]admitted[/] by the off-chain VC gate: {kyc.name} (proof, trusted issuer, schema,"
                " validity, status all ok)"
            )
    for kyc in kycs:
        valid = _proved_has_valid_credential(hkbank, kyc, revocations)
        if valid != (kyc.name == "alice"):
            raise DemoFailure(f"has_valid_credential({kyc.name}) = {valid}")
        colour = "green" if valid else "yellow"
        console.print(f"  [{colour}]verified on chain[/] has_valid_credential({kyc.name}, {KYC}) = {valid}")
    invariants = client.invariants()
    if not invariants["ok"]:
        raise DemoFailure(f"invariants broken: {invariants['broken']}")
    console.print("  all invariants hold (did-versions, status-lists, vote-weights, …)")

    demo_cash.after_revocation(cash)
    return demo_bonds.issue_green_bond(w, keys, cash, revocations)


def _member_payload(did: str) -> dict[str, Any]:
    return {
        "did": did,
        "name_en": "Pearl River Bank (demo)",
        "name_zh": "珠江银行（演示）",
        "jurisdiction": "CN-GD",
        "roles": ["bank"],
        "weight": 1,
    }


def _resolve(wallet: Wallet, did: str) -> dict[str, Any]:
    pointer = wallet.verified("identity", "did", did)
    version = wallet.verified("identity", "did-version", f"{did}/{pointer['version']}")
    document: dict[str, Any] = json.loads(version["document_json"])
    console.print(
        f"  [green]verified[/] {_short(did)} version {version['version']} (height {version['height']},"
        f" deactivated={version['deactivated']})"
    )
    for method in document["verificationMethod"]:
        console.print(f"    {method['id'][-6:]} {method['type']} {method['publicKeyMultibase']}")
    console.print(
        f"    assertionMethod {[m[-6:] for m in document['assertionMethod']]}, services "
        f"{[s['serviceEndpoint'] for s in document.get('service', [])]}"
    )
    return document


def _issue(key: SigningKey, issuer: str, name: str, subject: str, i: int, revocations: StatusList) -> _Kyc:
    issued = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    index = 7 + 35 * i
    credential_id = f"kyc-{name}-2026"
    credential = issue_credential(
        credential_type=KYC,
        subject={
            "id": subject,
            "kycLevel": 2,
            "jurisdiction": "HK",
            "customerType": "individual",
            "expiry": format_datetime(issued + timedelta(days=730)),
        },
        issuer=issuer,
        signing_key=key,
        verification_method=f"{issuer}#key-1",
        issued_at=issued,
        valid_until=issued + timedelta(days=730),  # two years: the demo bond lives one year and a day
        credential_id=f"urn:bayledger:hkbank:{credential_id}",
        credential_status=status_list_entry(LIST_URL, index, revocations.purpose),
    )
    return _Kyc(name, subject, index, credential_id, credential)


def _millis(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _register_msg(issuer: str, kyc: _Kyc) -> dict[str, Any]:
    return {
        "type": "identity/MsgRegisterCredential",
        "issuer": issuer,
        "credential_id": kyc.credential_id,
        "credential_type": KYC,
        "subject": kyc.subject,
        "jurisdiction": "HK",
        "valid_from": _millis(kyc.credential["validFrom"]),
        "valid_until": _millis(kyc.credential["validUntil"]),
        "status_list_id": LIST_ID,
        "status_index": kyc.index,
        "credential_hash": hashlib.sha256(jcs(kyc.credential)).hexdigest(),
    }


def _status_msg(issuer: str, revocations: StatusList, newly_set: list[int]) -> dict[str, Any]:
    return {
        "type": "identity/MsgSetStatusList",
        "issuer": issuer,
        "list_id": LIST_ID,
        "purpose": revocations.purpose,
        "list_hash": compute_list_hash(revocations),
        "set_indices": newly_set,
        "clear_indices": [],
    }


def _proved_has_valid_credential(wallet: Wallet, kyc: _Kyc, revocations: StatusList) -> bool:
    """``identity.state.has_valid_credential`` recomputed by a light client from proven records only."""
    issuer = wallet.did
    credential = wallet.verified("identity", "credential", f"{issuer}/{kyc.credential_id}")
    if credential is None or credential["subject"] != kyc.subject:
        return False
    if credential["credential_hash"] != hashlib.sha256(jcs(kyc.credential)).hexdigest():
        raise DemoFailure("the credential shown is not the one registered on chain")
    trusted = wallet.verified("identity", "trusted-issuer", f"{KYC}/{issuer}")
    jurisdiction = credential["jurisdiction"]
    covered = trusted is not None and any(
        jurisdiction == j or jurisdiction.startswith(f"{j}-") for j in trusted["jurisdictions"]
    )
    now = int(time.time() * 1000)
    in_time = credential["valid_from"] <= now and (
        not credential["valid_until"] or now < credential["valid_until"]
    )
    status = wallet.verified("identity", "status-list", f"{issuer}/{credential['status_list_id']}")
    if status is None or status["list_hash"] != compute_list_hash(revocations):
        raise DemoFailure("the status list held off chain does not match the hash anchored on chain")
    flag = f"{issuer}/{credential['status_list_id']}/{credential['status_index']}"
    flagged = wallet.verified("identity", "status-flag", flag) is not None  # proven flag, or proven absence
    if flagged != revocations.get(credential["status_index"]):
        raise DemoFailure("the proven status flag disagrees with the status list held off chain")
    pointer = wallet.verified("identity", "did", issuer)
    deactivated = pointer is not None and pointer["deactivated"]
    console.print(
        f"    {kyc.name}: credential {kyc.credential_id} proven, issuer trusted for {jurisdiction}={covered},"
        f" in validity={in_time}, index {kyc.index} flagged={flagged} (proven; list hash matches the proven"
        f" {status['list_hash'][:12]}…), issuer deactivated={deactivated}"
    )
    return covered and in_time and not flagged and not deactivated
