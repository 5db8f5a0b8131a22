"""A real node driven through the SDK and through the CLI, as an application and a user would."""

from __future__ import annotations

import hashlib
import json

import pytest
from nodeproc import Zone, free_port, run_cli, run_cli_json

from bayledger.core.genesis import decode_genesis
from bayledger.core.light import LightClientError
from bayledger.sdk import builders
from bayledger.sdk.client import ApiError
from bayledger.sdk.verify import verify_proof_answer
from bayledger.sdk.wallet import TxFailedError, Wallet

pytestmark = pytest.mark.integration


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_sdk_build_sign_submit_read_search_and_verify(zone: Zone) -> None:
    client = zone.client
    alice = Wallet(client, [zone.key("alice")])
    bob = Wallet(client, [zone.key("bob")])  # an SM2 account
    assert bob.did.startswith("did:bid:zf") and alice.did.startswith("did:bid:ef")

    created = alice.send(builders.create_anchor(alice.did, _hash("sdk report"), anchor_type="impact-report"))
    assert created["code"] == 0 and created["signer"] == alice.did
    anchor_id = created["events"][0]["anchor_id"]
    fetched = client.get_tx(created["hash"])
    for key in ("hash", "height", "index", "code", "events", "nonce"):
        assert fetched[key] == created[key], key
    assert fetched["tx"]["body"]["msgs"][0]["content_hash"] == _hash("sdk report")
    block = client.get_block(created["height"])
    assert created["hash"] in block["txs"]

    attested = bob.send(builders.attest_anchor(bob.did, anchor_id, "figures checked"))
    assert attested["events"][0] == {
        "type": "anchor/EventAttestAnchor",
        "anchor_id": anchor_id,
        "attester": bob.did,
        "statement": "figures checked",
    }
    anchor = client.get_anchor(anchor_id)
    assert anchor["attestation_count"] == 1 and anchor["attestations"][0]["attester"] == bob.did

    with pytest.raises(TxFailedError) as failed:  # the same content again: on chain with anchor/3
        alice.send(builders.create_anchor(alice.did, _hash("sdk report")))
    assert (failed.value.codespace, failed.value.code) == ("anchor", 3)
    assert client.get_tx(failed.value.result["hash"])["code"] == 3

    # pipelined submissions (no wait), then paging over the account's txs, newest first
    hashes = [
        alice.send(builders.create_anchor(alice.did, _hash(f"batch {n}")), wait=False)["hash"]
        for n in range(5)
    ]
    last = client.submit(alice.sign([builders.create_anchor(alice.did, _hash("batch end"))]))
    hashes.append(last["hash"])
    pages = [client.list_txs(account=alice.did, offset=offset, limit=3) for offset in (0, 3, 6)]
    assert {p["total"] for p in pages} == {8}
    listed = [t["hash"] for p in pages for t in p["items"]]
    assert len(listed) == 8 and len(set(listed)) == 8
    assert listed[:6] == hashes[::-1]
    assert [t["nonce"] for p in pages for t in p["items"]] == list(range(8, 0, -1))

    events = client.search_events(event_type="anchor/EventCreateAnchor", attribute="owner", value=alice.did)
    assert events["total"] == 7  # the failed tx emitted nothing
    assert events["items"][0]["event"]["anchor_id"] == anchor_id
    by_anchor = client.search_events(attribute="anchor_id", value=anchor_id)
    assert [e["event"]["type"] for e in by_anchor["items"]] == [
        "anchor/EventCreateAnchor",
        "anchor/EventAttestAnchor",
    ]

    # proofs, checked against the genesis read out of band from the node's home
    trusted = decode_genesis((zone.home / "genesis.json").read_bytes())
    proven = verify_proof_answer(trusted, client.get_proof("anchor", "anchor", anchor_id))
    assert (proven["owner"], proven["attestation_count"]) == (alice.did, 1)
    account = verify_proof_answer(trusted, client.get_proof("accounts", "account", alice.did))
    assert account["nonce"] == 8
    absent = client.get_proof("anchor", "anchor", "ANC-99999999")
    assert absent["value"] is None and verify_proof_answer(trusted, absent) is None
    forged = client.get_proof("anchor", "anchor", anchor_id)
    forged["value"] = dict(forged["value"], owner=bob.did)
    forged["value_raw"] = json.dumps(forged["value"], separators=(",", ":"), sort_keys=True).encode().hex()
    with pytest.raises(LightClientError):
        verify_proof_answer(trusted, forged)
    assert bob.verified("anchor", "anchor", anchor_id)["id"] == anchor_id


def test_cli_as_a_user(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> None:
    home, url = zone.home, zone.url
    carol = run_cli_json(home, "keys", "add", "carol")
    assert carol["name"] == "carol" and carol["did"].startswith("did:bid:ef")
    names = [k["name"] for k in run_cli_json(home, "keys", "list")]
    assert {"validator", "operator", "alice", "bob", "carol"} <= set(names)
    assert "private" not in run_cli(home, "keys", "show", "carol").stdout.lower()

    created = run_cli_json(home, "tx", "account", "create", "--key", "carol", "--from", "operator", node=url)
    assert created["code"] == 0
    assert created["events"][0]["type"] == "accounts/EventCreateAccount"
    assert created["events"][0]["did"] == carol["did"]

    report = tmp_path_factory.mktemp("files") / "report.pdf"
    report.write_bytes(b"%PDF-1.7 green bond allocation report 2024")
    anchored = run_cli_json(
        home, "tx", "anchor", "create", "--from", "carol", "--file", str(report), "--type", "report",
        "--meta", "year=2024", node=url,
    )  # fmt: skip
    assert anchored["code"] == 0
    anchor_id = anchored["events"][0]["anchor_id"]
    assert anchored["events"][0]["content_hash"] == hashlib.sha256(report.read_bytes()).hexdigest()
    attested = run_cli_json(
        home, "tx", "anchor", "attest", anchor_id, "--statement", "verified", "--from", "alice", node=url
    )
    assert attested["events"][0]["attester"] == zone.key("alice").did()

    tx = run_cli_json(home, "query", "tx", anchored["hash"], node=url)
    assert (tx["height"], tx["signer"], tx["code"]) == (anchored["height"], carol["did"], 0)
    anchor = run_cli_json(home, "query", "anchor", anchor_id, node=url)
    assert (anchor["owner"], anchor["metadata"], anchor["attestation_count"]) == (
        carol["did"],
        {"year": "2024"},
        1,
    )
    page = run_cli_json(home, "query", "txs", "--account", carol["did"], "--limit", "1", node=url)
    assert page["total"] == 2 and [t["hash"] for t in page["items"]] == [anchored["hash"]]
    older = run_cli_json(
        home, "query", "txs", "--account", carol["did"], "--limit", "1", "--offset", "1", node=url
    )
    assert [t["hash"] for t in older["items"]] == [created["hash"]]  # named in the CreateAccount event
    events = run_cli_json(
        home, "query", "events", "--type", "anchor/EventAttestAnchor", "--attribute", "anchor_id",
        "--value", anchor_id, node=url,
    )  # fmt: skip
    assert [e["tx_hash"] for e in events["items"]] == [attested["hash"]]
    proof = run_cli_json(home, "query", "proof", "anchor", "anchor", anchor_id, node=url)
    assert proof["verified"] is True and proof["value"]["id"] == anchor_id

    status = run_cli_json(home, "status", node=url)
    api_status = zone.client.status()
    assert status["chain_id"] == api_status["chain_id"] == "bayledger-it-1"
    assert status["latest_height"] == api_status["latest_height"] >= attested["height"]
    assert run_cli_json(home, "check", node=url) == {"ok": True, "broken": []}
    human = run_cli(home, "status", node=url).stdout
    assert "latest_height" in human and str(api_status["latest_height"]) in human

    # exit codes that mean something
    again = run_cli_json(
        home, "tx", "anchor", "create", "--from", "carol", "--file", str(report), node=url, expect=1
    )
    assert (again["codespace"], again["code"]) == ("anchor", 3)
    missing = run_cli_json(home, "query", "tx", "00" * 32, node=url, expect=4)
    assert (missing["codespace"], missing["code"]) == ("node", 404)
    run_cli(home, "status", node=f"http://127.0.0.1:{free_port()}", expect=3)
    with pytest.raises(ApiError):
        zone.client.get_tx("00" * 32)
