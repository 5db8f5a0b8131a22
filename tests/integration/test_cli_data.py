"""``bayledger data`` as a user runs it against a real node: asset, consent, filing, an allowed and a denied
request (exit codes 0 and 1), withdrawal of everything, the subject view, validation and the audit export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nodeproc import PASSPHRASE, NodeProcess, run_cli, run_cli_json
from vaultproc import trust_recipient_issuer

from bayledger.keyring import Keyring
from bayledger.sdk import identity as idb
from bayledger.sdk.client import Client
from bayledger.sdk.wallet import Wallet

pytestmark = pytest.mark.integration

ACCOUNTS = ("operator:ed25519", "hkbank:ed25519", "szbank:sm2", "alice:ed25519", "issuer:ed25519")
KEY = "x25519:" + "B" * 43 + "="


def test_data_commands(node_factory: Callable[..., NodeProcess], tmp_path: Path) -> None:
    node = node_factory(accounts=ACCOUNTS)
    trust_recipient_issuer(node.home, "issuer")
    node.start()
    keys = Keyring(node.home / "keys")
    did = {n: keys.public_info(n)["did"] for n in ("hkbank", "szbank", "alice")}
    issuer = Wallet(Client(node.url), [keys.load("issuer", PASSPHRASE)])
    issuer.send(
        idb.register_credential(
            issuer=issuer.did, credential_id="drc-1", credential_type="DataRecipientCredential",
            subject=did["szbank"], jurisdiction="CN-GD", valid_from=0, credential_hash="ab" * 32,
        )
    )  # fmt: skip

    def cli(*args: str, expect: int = 0) -> Any:
        return run_cli_json(node.home, "data", *args, node=node.url, expect=expect)

    cats = ("--category", "identity", "--category", "credit_history")
    res = cli(
        "register-asset", "--subject", did["alice"], "--title", "Credit file", *cats,
        "--fingerprint", "3f" * 32, "--from", "hkbank",
    )  # fmt: skip
    assert res["events"][0]["asset_id"] == "DA-00000001"
    notice = tmp_path / "notice.txt"
    notice.write_text("跨境个人信息处理告知书")
    res = cli(
        "consent", "--controller", did["hkbank"], "--recipient", did["szbank"], "--recipient-name", "SZ Bank",
        "--recipient-contact", "dpo@sz.example", "--recipient-jurisdiction", "CN-GD",
        "--purpose", "credit_assessment", *cats, "--notice", str(notice), "--language", "zh-Hant",
        "--from", "alice",
    )  # fmt: skip
    assert res["events"][0]["consent_id"] == "CNS-00000001"
    res = cli(
        "file-contract", "--recipient", did["szbank"], "--processor-name", "Harbour Bank",
        "--processor-city", "Hong Kong", "--recipient-name", "SZ Bank", "--recipient-city", "Shenzhen",
        "--purpose", "credit_assessment", *cats, "--effective-date", "2020-01-02", "--reference", "GBA-1",
        "--pia", "PIA-1", "--from", "hkbank",
    )  # fmt: skip
    assert (res["events"][0]["filing_id"], res["events"][0]["late"]) == ("GBA-00000001", True)
    outside = cli(
        "file-contract", "--recipient", did["szbank"], "--processor-name", "Harbour Bank",
        "--processor-city", "Hong Kong", "--recipient-name", "BJ Bank", "--recipient-city", "Beijing",
        "--purpose", "credit_assessment", *cats, "--effective-date", "2020-01-02", "--reference", "GBA-2",
        "--pia", "PIA-1", "--from", "hkbank", expect=1,
    )  # fmt: skip
    assert (outside["codespace"], outside["code"]) == ("datamobility", 2)

    req = ("request", "DA-00000001", *cats, "--recipient-key", KEY, "--from", "szbank")
    assert cli(*req, "--purpose", "credit_assessment")["decision"]["grant_id"] == "DTG-00000001"
    denied = cli(*req, "--purpose", "marketing", expect=1)["decision"]
    assert denied["reasons"] == ["purpose_not_consented", "purpose_not_filed"]

    withdrawn = cli("withdraw", "--all", "--from", "alice")
    assert [e["type"] for e in withdrawn["events"]] == [
        "datamobility/EventRequireDeletion",
        "datamobility/EventWithdrawConsent",
    ]
    assert cli(*req, "--purpose", "credit_assessment", expect=1)["decision"]["reasons"] == [
        "consent_withdrawn"
    ]
    view = cli("subject", did["alice"])
    assert (view["live_consents"], [g["status"] for g in view["grants"]]) == ([], ["revoked"])
    assert [r["decision"] for r in cli("list", "requests")["items"]] == ["allow", "deny", "deny"]

    document = tmp_path / "statement.txt"
    document.write_text("closing balance HK$182,400.00")
    anchored = cli(
        "anchor", str(document), "--subject", did["alice"], "--type", "bank_statement", "--from", "hkbank"
    )
    fid = anchored["events"][0]["fingerprint_id"]
    genuine = cli("validate", fid, str(document))
    assert (genuine["match"], genuine["proven"]) == (True, True)  # read with its proof, not trusted
    assert cli("validate", "DFP-00000009", str(document), expect=4)["error"].startswith("no document")
    document.write_text("closing balance HK$982,400.00")
    tampered = cli("validate", fid, str(document), "--record", "--from", "szbank", expect=1)
    assert (tampered["match"], tampered["reason"]) == (False, "fingerprint_mismatch")

    exported = run_cli(node.home, "data", "audit", "--export", "csv", node=node.url).stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["outcome"] for r in rows if r["action"] == "request_transfer"] == ["allow", "deny", "deny"]
    assert rows[-1]["action"] == "validate_document" and rows[-1]["reasons"] == "fingerprint_mismatch"
    assert cli("audit")["chain_intact"] is True
