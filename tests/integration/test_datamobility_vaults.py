"""End to end: a node process and two vault processes (an HK bank's and a Shenzhen bank's).

consent → GBA filing → request → grant → vault-to-vault encrypted transfer (X25519 and SM2/SM4) →
fingerprint checked against the chain by proof → a forged grant and a tampered payload refused →
withdrawal → the recipient vault deletes on its own → the next request refused; the access log exported.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from nodeproc import PASSPHRASE, NodeProcess, free_port, run_cli_json
from vaultproc import VaultProcess

from bayledger.core.genesis import decode_genesis, encode_genesis
from bayledger.keyring import Keyring
from bayledger.offchain.envelope import seal, sign_envelope
from bayledger.offchain.masking import apply_grant
from bayledger.offchain.vault import canonical, fingerprint
from bayledger.sdk import datamobility as dmb
from bayledger.sdk import identity as idb
from bayledger.sdk.client import Client
from bayledger.sdk.wallet import Wallet

pytestmark = pytest.mark.integration

ACCOUNTS = ("operator:ed25519", "hkbank:ed25519", "szbank:sm2", "customer:ed25519", "issuer:ed25519")
CATEGORIES = ["identity", "credit_history", "address"]
RECORD = {
    "identity": {"name": "CHAN Tai Man", "hkid": "A123456(7)", "date_of_birth": "1985-04-12"},
    "credit_history": {
        "credit_score": 742,
        "credit_grade": "B+",
        "total_outstanding": 12500000,
        "loans": [1, 2],
    },
    "address": {"flat": "12A", "building": "Harbour View", "street": "1 Queen's Road", "district": "Central"},
    "marketing": {"segment": "premium"},
}


@pytest.fixture
def world(node_factory: Callable[..., NodeProcess], tmp_path: Path) -> Iterator[dict[str, Any]]:
    node = node_factory(accounts=ACCOUNTS)
    keys = Keyring(node.home / "keys")
    genesis = decode_genesis((node.home / "genesis.json").read_bytes())
    issuer_did = keys.load("issuer", PASSPHRASE).did(genesis.did_ac_code)
    trusted = [
        {"issuer": issuer_did, "credential_type": "DataRecipientCredential", "jurisdictions": ["HK", "CN"]}
    ]
    genesis = msgspec.structs.replace(
        genesis, app_state={**genesis.app_state, "identity": {"trusted_issuers": trusted}}
    )
    genesis.validate()
    (node.home / "genesis.json").write_bytes(encode_genesis(genesis))
    node.start()
    client = Client(node.url)
    wallets = {
        n: Wallet(client, [keys.load(n, PASSPHRASE)]) for n in ("hkbank", "szbank", "customer", "issuer")
    }
    vaults = {
        name: VaultProcess(node.home, tmp_path / f"vault-{name}", free_port(), name, node.url).init().start()
        for name in ("hkbank", "szbank")
    }
    try:
        yield {"client": client, "w": wallets, "v": vaults}
    finally:
        for vault in vaults.values():
            vault.stop()
        client.close()


def _decision(result: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in result["events"] if e["type"] == "datamobility/EventDecideTransfer")


def _wait_for(check: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail("condition not reached in time")


def test_consent_filing_transfer_withdrawal_between_two_vault_processes(world: dict[str, Any]) -> None:
    client, w, v = world["client"], world["w"], world["v"]
    hk, sz, customer, issuer = w["hkbank"], w["szbank"], w["customer"], w["issuer"]
    issuer.send(
        idb.register_credential(
            issuer=issuer.did, credential_id="drc-sz-1", credential_type="DataRecipientCredential",
            subject=sz.did, jurisdiction="CN-GD", valid_from=0, credential_hash="ab" * 32,
        )
    )  # fmt: skip

    # the holder stores the record in its vault and registers the asset (fingerprint only)
    record_file = v["hkbank"].directory.parent / "record.json"
    record_file.write_text(json.dumps(RECORD))
    vault_args = ("--dir", str(v["hkbank"].directory), "--vault", v["hkbank"].url)
    stored = run_cli_json(v["hkbank"].home, "vault", "store", "credit-file-1", str(record_file), *vault_args)
    assert stored["fingerprint"] == fingerprint(canonical(RECORD), "sha256")
    raw_on_disk = (v["hkbank"].directory / "objects" / "credit-file-1.bin").read_bytes()
    assert b"A123456" not in raw_on_disk and b"CHAN" not in raw_on_disk  # encrypted at rest
    res = hk.send(
        dmb.register_data_asset(
            hk.did, customer.did, "Credit file", CATEGORIES, fingerprint=stored["fingerprint"]
        )
    )
    asset_id = res["events"][0]["asset_id"]

    notice = "11" * 32
    customer.send(
        dmb.give_consent(
            customer.did, hk.did, sz.did, "Shenzhen Example Bank", recipient_contact="dpo@sz.example",
            recipient_jurisdiction="CN-GD", purposes=["credit_assessment"], categories=CATEGORIES,
            notice_hash=notice, notice_language="zh-Hant",
        )
    )  # fmt: skip
    hk.send(
        dmb.file_contract(
            hk.did, sz.did, processor_name="Harbour Bank", processor_city="Hong Kong",
            recipient_name="Shenzhen Example Bank", recipient_city="Shenzhen", purposes=["credit_assessment"],
            categories=CATEGORIES, effective_date="2020-01-02", filing_reference="GBA-SC-0001",
        )
    )  # fmt: skip

    sz_keys = v["szbank"].keys()
    assert run_cli_json(v["szbank"].home, "vault", "keys", "--dir", str(v["szbank"].directory)) == sz_keys
    allowed = _decision(
        sz.send(dmb.request_transfer(sz.did, asset_id, "credit_assessment", CATEGORIES, sz_keys["x25519"]))
    )
    assert (allowed["decision"], allowed["reasons"]) == ("allow", [])
    grant_id = allowed["grant_id"]

    # vault to vault, encrypted to the recipient's X25519 key; the recipient checks the chain by proof
    sent = v["hkbank"].control(
        "POST",
        "/v1/vault/send",
        {"grant_id": grant_id, "asset_name": "credit-file-1", "recipient_vault": v["szbank"].url},
    )
    assert sent["sent"] is True and sent["recipient_answer"]["accepted"] is True, sent
    expected_payload = canonical(apply_grant(RECORD, CATEGORIES, "mask-id-numbers"))
    # the anchored fingerprint is hash(random salt || payload): not the payload's plain hash
    assert sent["payload_fingerprint"] != fingerprint(expected_payload, "sha256")
    assert sent["recipient_answer"]["fingerprint"] == sent["payload_fingerprint"]
    grant = client.get_data_record("grants", grant_id)
    assert (grant["status"], grant["payload_fingerprint"]) == ("delivered", sent["payload_fingerprint"])
    received = v["szbank"].control("GET", f"/v1/vault/records/received-{grant_id}")["record"]
    assert received["identity"]["hkid"] == "A******(7)" and "marketing" not in received

    # national-crypto suite: a second grant to the recipient's SM2 key, SM4-GCM payload
    sm = _decision(
        sz.send(
            dmb.request_transfer(
                sz.did, asset_id, "credit_assessment", ["credit_history"], sz_keys["sm2"], "credit-summary"
            )
        )
    )
    sent = run_cli_json(
        v["hkbank"].home,
        "vault",
        "send",
        sm["grant_id"],
        "credit-file-1",
        "--to",
        v["szbank"].url,
        *vault_args,
    )
    assert sent["recipient_answer"]["accepted"] is True, sent
    received = v["szbank"].control("GET", f"/v1/vault/records/received-{sm['grant_id']}")["record"]
    assert received == {
        "credit_history": {"credit_score": 742, "credit_grade": "B+", "total_outstanding": 12500000}
    }

    # a forged grant: refused and logged by the recipient vault, nothing stored
    forged = seal(b'{"x":1}', sz_keys["x25519"], {"grant_id": "DTG-00000099", "sender": hk.did})
    answer = httpx.post(v["szbank"].url + "/v1/vault/inbox", json=forged, timeout=30).json()
    assert (answer["accepted"], answer["reason"]) == (False, "forged_grant")

    # a tampered payload: the holder anchored one fingerprint, a different payload arrives
    tamper = _decision(
        sz.send(dmb.request_transfer(sz.did, asset_id, "credit_assessment", CATEGORIES, sz_keys["x25519"]))
    )
    hk.send(dmb.dispatch_transfer(hk.did, tamper["grant_id"], fingerprint(expected_payload, "sha256")))
    altered = canonical(
        {**apply_grant(RECORD, CATEGORIES, "mask-id-numbers"), "credit_history": {"credit_score": 850}}
    )
    envelope = seal(altered, sz_keys["x25519"], {"grant_id": tamper["grant_id"], "sender": hk.did})
    unsigned = httpx.post(v["szbank"].url + "/v1/vault/inbox", json=envelope, timeout=30).json()
    assert (unsigned["accepted"], unsigned["reason"]) == (False, "sender_not_holder")
    envelope = sign_envelope(envelope, hk.keys[0])  # the holder itself sends a payload it did not anchor
    answer = httpx.post(v["szbank"].url + "/v1/vault/inbox", json=envelope, timeout=30).json()
    assert (answer["accepted"], answer["reason"], answer["logged_on_chain"]) == (
        False,
        "fingerprint_mismatch",
        True,
    )
    assert client.get_data_record("grants", tamper["grant_id"])["status"] == "refused"
    log = run_cli_json(
        v["szbank"].home, "vault", "log", "--dir", str(v["szbank"].directory), "--vault", v["szbank"].url
    )
    assert log["problems"] == []
    assert [e["reason"] for e in log["entries"] if e["action"] == "delivery_refused"] == [
        "forged_grant",
        "sender_not_holder",
        "fingerprint_mismatch",
    ]
    assert not any(
        name.endswith(tamper["grant_id"])
        for name in v["szbank"].control("GET", "/v1/vault/records")["objects"]
    )

    # the subject sees everything and withdraws in one action; the recipient vault deletes by itself
    view = client.get_subject_view(customer.did)
    assert [r["name"] for r in view["recipients"]] == ["Shenzhen Example Bank"]
    assert len(view["grants"]) == 3
    customer.send(dmb.withdraw_all_consents(customer.did, "closing my account"))
    _wait_for(lambda: v["szbank"].control("GET", "/v1/vault/records")["held_grants"] == [])
    _wait_for(lambda: client.get_data_record("grants", grant_id)["status"] == "deleted")
    _wait_for(lambda: client.get_data_record("grants", sm["grant_id"])["status"] == "deleted")
    assert client.get_data_record("grants", tamper["grant_id"])["status"] == "revoked"  # nothing was received

    # after withdrawal: the next request is denied (recorded), and the holder vault sends nothing
    denied = _decision(
        sz.send(dmb.request_transfer(sz.did, asset_id, "credit_assessment", CATEGORIES, sz_keys["x25519"]))
    )
    assert (denied["decision"], denied["reasons"]) == ("deny", ["consent_withdrawn"])
    refused = v["hkbank"].control(
        "POST",
        "/v1/vault/send",
        {"grant_id": tamper["grant_id"], "asset_name": "credit-file-1", "recipient_vault": v["szbank"].url},
    )
    assert (refused["sent"], refused["reason"]) == (False, "grant_revoked")

    # the regulator's export: every decision, delivery, refusal and deletion, hash chain intact
    rows = list(csv.DictReader(io.StringIO(client.export_access_log("csv"))))
    outcomes = [(r["action"], r["outcome"]) for r in rows]
    assert ("request_transfer", "deny") in outcomes and ("acknowledge_delivery", "refused") in outcomes
    assert outcomes.count(("confirm_deletion", "deleted")) == 2
    assert client.get_access_log(limit=1)["chain_intact"] is True
    assert client.invariants()["ok"] is True
