"""The `did` and `gov` write commands as a user runs them, against a real node with founding members."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nodeproc import CHAIN_ID, NodeProcess, free_port, run_cli, run_cli_json

pytestmark = pytest.mark.integration


@pytest.fixture
def consortium(tmp_path: Path) -> Iterator[NodeProcess]:
    """A zone whose genesis makes hkbank (weight 1) and reviewer (weight 1) the founding members."""
    home = tmp_path / "home"
    port = free_port()
    run_cli(
        home,
        *("init", "--chain-id", CHAIN_ID, "--api-port", str(port)),
        *("--account", "hkbank:ed25519", "--account", "reviewer:ed25519", "--account", "mlbank:sm2"),
        *("--member", "hkbank:HK:bank,issuer", "--member", "reviewer:HK:reviewer"),
    )
    node = NodeProcess(home, port, block_interval_ms=50).start()
    try:
        yield node
    finally:
        node.stop()


def cli(node: NodeProcess, *args: str, expect: int = 0) -> Any:
    """``bayledger --json ARGS`` against the node; the decoded output."""
    return run_cli_json(node.home, *args, node=node.url, expect=expect)


def did_of(node: NodeProcess, key_name: str) -> str:
    return str(cli(node, "keys", "show", key_name)["did"])


def test_init_refuses_a_member_that_is_not_an_account(tmp_path: Path) -> None:
    done = run_cli(
        tmp_path / "bad",
        *("init", "--account", "hkbank:ed25519", "--member", "nobody:HK:bank"),
        expect=5,
    )
    assert "'nobody' is not one of the accounts" in done.stderr
    assert not (tmp_path / "bad" / "genesis.json").exists()


def test_did_register_update_rotate_and_deactivate(consortium: NodeProcess) -> None:
    node = consortium
    hkbank = did_of(node, "hkbank")
    registered = cli(
        node, "did", "register", "--from", "hkbank", "--service", "site:LinkedDomains:https://hk.example"
    )
    assert registered["code"] == 0 and registered["events"][0]["type"] == "identity/EventRegisterDid"
    updated = cli(
        node, "did", "update", "--from", "hkbank", "--service", "site:LinkedDomains:https://hk2.example"
    )
    assert updated["code"] == 0
    resolved = cli(node, "did", "resolve", hkbank)
    assert resolved["proofVerified"] is True
    assert resolved["didDocumentMetadata"]["versionId"] == "2"
    assert resolved["didDocument"]["service"][0]["serviceEndpoint"] == "https://hk2.example"
    first = cli(node, "did", "resolve", hkbank, "--version", "1")
    assert first["didDocument"]["service"][0]["serviceEndpoint"] == "https://hk.example"

    cli(node, "keys", "add", "hkbank-2025")
    rotated = cli(node, "did", "rotate", "--signer", "hkbank-2025:1", "--from", "hkbank")
    assert rotated["code"] == 0
    assert cli(node, "did", "resolve", hkbank)["didDocumentMetadata"]["versionId"] == "3"
    # the rotated-out key can no longer sign for the account; the new one can
    refused = cli(node, "did", "update", "--from", "hkbank", "--account", hkbank, expect=1)
    assert (refused["codespace"], refused["code"]) == ("tx", 6)  # no signature by a current signer
    assert cli(node, "did", "update", "--from", "hkbank-2025", "--account", hkbank)["code"] == 0

    mlbank = did_of(node, "mlbank")
    assert cli(node, "did", "register", "--from", "mlbank")["code"] == 0
    unconfirmed = run_cli(node.home, "did", "deactivate", "--from", "mlbank", node=node.url, expect=2)
    assert "--yes" in unconfirmed.stderr
    assert cli(node, "did", "deactivate", "--from", "mlbank", "--yes")["code"] == 0
    assert cli(node, "did", "resolve", mlbank)["didDocumentMetadata"]["deactivated"] is True
    after = cli(node, "did", "register", "--from", "mlbank", expect=1)
    assert (after["codespace"], after["code"]) == ("tx", 18)


def test_gov_propose_vote_and_bad_votes(consortium: NodeProcess, tmp_path: Path) -> None:
    node = consortium
    candidate = cli(node, "keys", "add", "gbabank", "--type", "sm2")["did"]
    # a non-member (here the candidate-to-be mlbank proposing itself) cannot propose
    own = member_payload(tmp_path / "self.json", did_of(node, "mlbank"))
    refused = cli(
        node,
        "gov",
        "propose",
        "add-member",
        "--payload-file",
        own,
        "--title",
        "me",
        "--from",
        "mlbank",
        expect=1,
    )
    assert (refused["codespace"], refused["code"]) == ("governance", 3)  # not a member
    payload = member_payload(tmp_path / "member.json", candidate)
    proposed = cli(
        node,
        "gov",
        "propose",
        "add-member",
        "--payload-file",
        payload,
        "--title",
        "Admit GBA Bank",
        "--from",
        "reviewer",
    )
    proposal_id = proposed["events"][0]["proposal_id"]
    assert cli(node, "gov", "vote", proposal_id, "yes", "--from", "reviewer")["code"] == 0
    assert cli(node, "gov", "proposal", proposal_id)["status"] == "open"  # 1 of 2 weight is not 2/3
    twice = cli(node, "gov", "vote", proposal_id, "no", "--from", "reviewer", expect=1)
    assert (twice["codespace"], twice["code"]) == ("governance", 9)  # already voted
    bad_option = run_cli(
        node.home, "gov", "vote", proposal_id, "maybe", "--from", "hkbank", node=node.url, expect=2
    )
    assert "yes, no or abstain" in bad_option.stderr
    assert cli(node, "gov", "vote", proposal_id, "yes", "--from", "hkbank")["code"] == 0
    shown = cli(node, "gov", "proposal", proposal_id)
    assert (shown["status"], shown["yes_weight"]) == ("passed", 2)
    members = cli(node, "gov", "members")
    assert members["total"] == 3 and candidate in {m["did"] for m in members["items"]}
    assert cli(node, "tx", "account", "create", "--key", "gbabank", "--from", "hkbank")["code"] == 0
    late = cli(node, "gov", "vote", proposal_id, "yes", "--from", "gbabank", expect=1)
    assert (late["codespace"], late["code"]) == ("governance", 8)  # voting closed


def member_payload(path: Path, did: str) -> str:
    """A JSON file with an ``add-member`` payload for ``did``; its path."""
    entry = {
        "did": did,
        "name_en": "GBA Bank",
        "name_zh": "大湾区银行",
        "jurisdiction": "CN-GD",
        "roles": ["bank"],
    }
    path.write_text(json.dumps({**entry, "weight": 1}), encoding="utf-8")
    return str(path)
