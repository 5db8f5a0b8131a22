"""Demo step 15 (reference scenario step 7, HK zone): a Mainland bank asks for an HK customer's credit data.

The consortium trusts the HKMA to admit data recipients; Pearl River Bank (SM2 keys, Guangzhou) receives a
``DataRecipientCredential``. Harbour Bank keeps alice's credit file in its vault (encrypted at rest) and
registers its fingerprint; alice gives separate cross-boundary consent and the bank files the GBA Standard
Contract. The chain allows the request and the file moves vault to vault, masked and encrypted to the
recipient's SM2 key (SM4-GCM), the recipient vault checking the fingerprint on chain by proof. A request
outside the purpose and one for important data are refused and logged; alice sees every recipient and
withdraws in one action, the recipient vault deletes on its own and the next request is refused. Validation
mode: a genuine bank statement matches its anchored SM3 fingerprint, a tampered one does not. The access
log is exported for the regulator, its hash chain intact.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from rich.markup import escape
from rich.table import Table

from bayledger.cli import demo
from bayledger.cli.demo import DEMO_PASSPHRASE, DemoFailure, console
from bayledger.cli.demo_identity import _event, _expect_passed, _propose, _short, _vote
from bayledger.keyring import Keyring
from bayledger.sdk import datamobility as dmb
from bayledger.sdk import identity as idb
from bayledger.sdk.client import Client
from bayledger.sdk.wallet import Wallet

RECIPIENT_CREDENTIAL = "DataRecipientCredential"
CATEGORIES = ["identity", "credit_history", "address"]
CREDIT_FILE = {
    "identity": {"name": "Alice CHAN", "hkid": "A123456(7)", "date_of_birth": "1988-03-14"},
    "credit_history": {"credit_score": 742, "credit_grade": "B+", "total_outstanding": 12_500_000,
                       "delinquencies_12m": 0, "accounts_open": 3, "as_of": "2026-11-30",
                       "facilities": [{"type": "mortgage", "limit": 500_000_000}]},
    "address": {"flat": "12A", "building": "Harbour View", "street": "1 Queen's Road Central",
                "district": "Central and Western", "city": "Hong Kong"},
    "marketing": {"segment": "premium"},
}  # fmt: skip
STATEMENT = (
    "Harbour Bank statement (demo) — Alice CHAN — November 2026 — closing balance HK$182,400.00".encode()
)


class _Vaults:
    """The two vault processes (holder and recipient) of the demo."""

    def __init__(self, home: Path, node_url: str, port: int) -> None:
        self.home, self.node_url, self.port = home, node_url, port
        self.processes: list[subprocess.Popen[bytes]] = []
        self.dirs: dict[str, Path] = {}
        self.urls: dict[str, str] = {}

    def _cli(self) -> list[str]:
        return [sys.executable, "-m", "bayledger.cli.main", "--home", str(self.home), "--node", self.node_url]

    def start(self, name: str, offset: int) -> None:
        env = {**os.environ, "BAYLEDGER_PASSPHRASE": DEMO_PASSPHRASE}
        directory = self.home.parent / f"vault-{name}"
        subprocess.run(
            [*self._cli(), "vault", "init", "--dir", str(directory)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = self.port + offset
        log = (self.home.parent / f"vault-{name}.log").open("wb")
        command = [
            *self._cli(),
            "vault",
            "start",
            "--dir",
            str(directory),
            "--port",
            str(port),
            "--key",
            name,
            "--poll-seconds",
            "0.5",
        ]
        self.processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
        self.dirs[name], self.urls[name] = directory, f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.processes[-1].poll() is not None:
                raise DemoFailure(f"vault {name} exited (log in {log.name})")
            try:
                httpx.get(self.urls[name] + "/health", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise DemoFailure(f"vault {name} did not start")

    def call(self, name: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        token = (self.dirs[name] / "api-token").read_text().strip()
        response = httpx.request(
            method,
            self.urls[name] + path,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def _vaults(home: Path, node_url: str, port: int) -> Iterator[_Vaults]:
    vaults = _Vaults(home, node_url, port)
    try:
        vaults.start("hkbank", 0)
        vaults.start("mlbank", 1)
        yield vaults
    finally:
        vaults.stop()


def _decision(
    wallet: Wallet, asset_id: str, purpose: str, key: str, categories: list[str] = CATEGORIES
) -> dict[str, Any]:
    msg = dmb.request_transfer(wallet.did, asset_id, purpose, categories, key, "mask-id-numbers")
    decision = _event(wallet.send(msg), "datamobility/EventDecideTransfer")
    ref = f"{decision['request_id']} ({purpose} of {asset_id})"
    if decision["decision"] == "allow":
        console.print(f"  [green]allowed[/] {ref} → grant {decision['grant_id']}")
    else:
        console.print(f"  [yellow]refused and recorded on chain[/] {ref}: {', '.join(decision['reasons'])}")
    return decision


def _admit_recipient(w: dict[str, Wallet]) -> None:
    hkma, mlbank = w["hkma"], w["mlbank"]
    change = {
        "action": "add",
        "issuer": hkma.did,
        "credential_type": RECIPIENT_CREDENTIAL,
        "jurisdictions": ["HK", "CN"],
    }
    pid = _propose(hkma, "trusted-issuer-change", change, "Trust the HKMA to admit GBA data recipients")
    _vote(hkma, "hkma", pid)
    _vote(w["reviewer"], "reviewer", pid)
    _expect_passed(hkma, pid, _vote(w["hkbank"], "hkbank", pid))
    hkma.send(
        idb.register_credential(
            issuer=hkma.did, credential_id="drc-pearl-river-2026", credential_type=RECIPIENT_CREDENTIAL,
            subject=mlbank.did, jurisdiction="CN-GD", valid_from=0,
            credential_hash=hashlib.sha256(b"DataRecipientCredential Pearl River Bank").hexdigest(),
        )
    )  # fmt: skip
    console.print(
        f"  {RECIPIENT_CREDENTIAL} for mlbank {_short(mlbank.did)} (registered in Guangzhou, CN-GD)"
    )


def _register_assets(hkbank: Wallet, alice: Wallet, vaults: _Vaults) -> tuple[str, str]:
    body = {"name": "alice-credit-file", "record": CREDIT_FILE}
    stored = vaults.call("hkbank", "POST", "/v1/vault/assets", body)
    msg = dmb.register_data_asset(
        hkbank.did, alice.did, "Credit file of Alice CHAN", CATEGORIES, fingerprint=stored["fingerprint"]
    )
    asset_id = str(_event(hkbank.send(msg), "datamobility/EventRegisterDataAsset")["asset_id"])
    msg = dmb.register_data_asset(
        hkbank.did, alice.did, "Large-exposure register extract", ["credit_history"],
        fingerprint="0f" * 32, classification="important", financial_grade=4,
    )  # fmt: skip
    important_id = str(_event(hkbank.send(msg), "datamobility/EventRegisterDataAsset")["asset_id"])
    console.print(
        f"  {asset_id}: alice's credit file, AES-256-GCM in hkbank's vault; on chain only its sha256 "
        f"{stored['fingerprint'][:16]}…"
    )
    console.print(f"  {important_id}: 'important' data (GB/T 43697-2024), never eligible for the GBA route")
    return asset_id, important_id


def _consent_and_filing(hkbank: Wallet, mlbank: Wallet, alice: Wallet) -> None:
    notice = hashlib.sha256("跨境个人信息处理告知书（演示）".encode()).hexdigest()
    res = alice.send(
        dmb.give_consent(
            alice.did, hkbank.did, mlbank.did, "Pearl River Bank (Guangzhou, demo)",
            recipient_contact="dpo@pearlriver.example", recipient_jurisdiction="CN-GD",
            purposes=["credit_assessment"], categories=CATEGORIES, notice_language="zh-Hant",
            notice_hash=notice, retention_days=365,
        )
    )  # fmt: skip
    consent_id = _event(res, "datamobility/EventGiveConsent")["consent_id"]
    console.print(
        f"  alice signs {consent_id}: separate cross-boundary consent, Pearl River Bank, credit_assessment"
    )
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    res = hkbank.send(
        dmb.file_contract(
            hkbank.did, mlbank.did, processor_name="Harbour Bank HK (demo)", processor_city="Hong Kong",
            recipient_name="Pearl River Bank (demo)", recipient_city="Guangzhou",
            purposes=["credit_assessment"], categories=CATEGORIES, effective_date=today,
            filing_reference="GBA-SC-HK-2026-0007", pia_reference="PIA-HB-2026-031",
        )
    )  # fmt: skip
    filing = _event(res, "datamobility/EventFileContract")
    console.print(
        f"  {filing['filing_id']}: GBA Standard Contract {filing['direction']}, effective {today},"
        f" late={filing['late']}"
    )


def _transfer(mlbank: Wallet, vaults: _Vaults, asset_id: str, key: str) -> str:
    allowed = _decision(mlbank, asset_id, "credit_assessment", key)
    if allowed["decision"] != "allow":
        raise DemoFailure(f"the transfer should be allowed: {allowed['reasons']}")
    grant_id = str(allowed["grant_id"])
    body = {"grant_id": grant_id, "asset_name": "alice-credit-file", "recipient_vault": vaults.urls["mlbank"]}
    sent = vaults.call("hkbank", "POST", "/v1/vault/send", body)
    if not sent.get("recipient_answer", {}).get("accepted"):
        raise DemoFailure(f"the recipient vault refused the delivery: {sent}")
    grant = mlbank.verified("datamobility", "grant", grant_id)
    received = vaults.call("mlbank", "GET", f"/v1/vault/records/received-{grant_id}")["record"]
    console.print(
        f"  hkbank's vault → mlbank's vault, masked (mask-id-numbers), SM2-wrapped SM4-GCM key;"
        f" payload {sent['payload_fingerprint'][:16]}…"
    )
    console.print(
        f"  [green]verified[/] by mlbank's vault against the chain (proof): {grant_id} {grant['status']};"
        f" hkid arrives as {received['identity']['hkid']}, no marketing data: {'marketing' not in received}"
    )
    return grant_id


def _withdraw(client: Client, mlbank: Wallet, alice: Wallet, vaults: _Vaults, grant_id: str) -> None:
    view = client.get_subject_view(alice.did)
    for r in view["recipients"]:
        transfers = ", ".join(f"{g['grant_id']} {g['status']}" for g in view["grants"])
        console.print(
            f"  alice's view: {escape(r['name'])} ({r['jurisdiction']}), {r['purposes']}; {transfers}"
        )
    res = alice.send(dmb.withdraw_all_consents(alice.did, "I closed my account"))
    told = [e for e in res["events"] if e["type"] == "datamobility/EventRequireDeletion"]
    console.print(f"  alice withdraws every consent in one action: {len(told)} recipient(s) told to delete")
    deadline = time.monotonic() + 20
    while mlbank.verified("datamobility", "grant", grant_id)["status"] != "deleted":
        if time.monotonic() > deadline:
            raise DemoFailure("the recipient vault did not delete the data after the withdrawal")
        time.sleep(0.3)
    held = vaults.call("mlbank", "GET", "/v1/vault/records")["held_grants"]
    console.print(
        f"  [green]verified[/] mlbank's vault deleted by itself, confirmed on chain; it now holds {held}"
    )


def data_mobility(client: Client, keys: Keyring, home: Path, port: int) -> None:
    """Step 15: consent, filing, an allowed vault-to-vault transfer, refusals, withdrawal, validation,
    audit."""
    names = ("hkma", "hkbank", "reviewer", "mlbank", "alice")
    w = {n: Wallet(client, [keys.load(n, DEMO_PASSPHRASE)]) for n in names}
    hkbank, mlbank, alice = w["hkbank"], w["mlbank"], w["alice"]
    demo._step("15. a Mainland bank asks for an HK customer's credit data (cross-boundary data mobility)")
    _admit_recipient(w)
    with _vaults(home, client.base_url, port + 2) as vaults:
        asset_id, important_id = _register_assets(hkbank, alice, vaults)
        _consent_and_filing(hkbank, mlbank, alice)
        sm2_key = str(httpx.get(vaults.urls["mlbank"] + "/v1/vault/keys", timeout=10).json()["sm2"])
        grant_id = _transfer(mlbank, vaults, asset_id, sm2_key)
        _decision(mlbank, asset_id, "marketing", sm2_key)
        _decision(mlbank, important_id, "credit_assessment", sm2_key, ["credit_history"])
        _withdraw(client, mlbank, alice, vaults, grant_id)
        if _decision(mlbank, asset_id, "credit_assessment", sm2_key)["reasons"] != ["consent_withdrawn"]:
            raise DemoFailure("the request after the withdrawal should be refused with consent_withdrawn")
        vault_log = vaults.call("mlbank", "GET", "/v1/vault/log")
        intact = not vault_log["problems"]
        console.print(
            f"  mlbank's vault log: {len(vault_log['entries'])} hash-chained entries, intact: {intact}"
        )
    _validation(hkbank, mlbank, alice)
    _audit(client, home, {wallet.did: name for name, wallet in w.items()})


def _validation(hkbank: Wallet, mlbank: Wallet, alice: Wallet) -> None:
    genuine = hashlib.new("sm3", STATEMENT).hexdigest()
    res = hkbank.send(dmb.anchor_fingerprint(hkbank.did, alice.did, "bank_statement", genuine, "sm3"))
    fid = _event(res, "datamobility/EventAnchorFingerprint")["fingerprint_id"]
    console.print(f"  validation mode: hkbank anchors {fid} = SM3 {genuine[:16]}… of alice's bank statement")
    for label, document in (("genuine", STATEMENT), ("tampered", STATEMENT.replace(b"182,400", b"982,400"))):
        presented = hashlib.new("sm3", document).hexdigest()
        msg = dmb.validate_document(mlbank.did, fid, presented, "sm3")
        check = _event(mlbank.send(msg), "datamobility/EventValidateDocument")
        colour = "green" if check["match"] else "yellow"
        console.print(
            f"  [{colour}]{label} document: {check['reason']}[/] (only its hash crossed; check recorded)"
        )
        if check["match"] != (label == "genuine"):
            raise DemoFailure(f"the {label} document gave {check['reason']}")


def _audit(client: Client, home: Path, names: dict[str, str]) -> None:
    log = client.get_access_log(limit=500)
    table = Table("seq", "action", "actor", "outcome", "reasons", "ref")
    for e in log["items"][-12:]:
        actor = names.get(e["actor"], _short(e["actor"])) if e["actor"] else "(chain)"
        table.add_row(str(e["seq"]), e["action"], actor, e["outcome"], ", ".join(e["reasons"]), e["ref"])
    console.print(table)
    export = home.parent / "datamobility-access-log.csv"
    export.write_text(client.export_access_log("csv"))
    if not log["chain_intact"]:
        raise DemoFailure(f"the access log hash chain is broken: {log['problems']}")
    console.print(
        f"  [green]access log[/]: {log['total']} entries, hash chain intact, kept ≥ 3 years;"
        f" CSV export for the regulator: {export.name}"
    )
