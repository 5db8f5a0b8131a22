"""Identity, governance and verifier routes against an embedded node with the identity queries."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nodekit import CHAIN_ID, GENESIS_TIME, ed_key, signed, validator_key

from bayledger.api.app import create_app
from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator, encode_genesis
from bayledger.core.multikey import encode_public_key
from bayledger.keys import SigningKey
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.sdk import builders
from bayledger.sdk import identity as idb
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.holder import HolderWallet
from bayledger.sdk.verify import genesis_from_json, verify_proof_answer
from bayledger.vc import issue_credential
from bayledger.vc.status_list import build_status_list_credential, compute_list_hash, create_status_list

ISSUER, HOLDER, OTHER, MEMBER, NEW_KEY = ed_key(10), ed_key(1), ed_key(11), ed_key(12), ed_key(30)
LIST_HASH = "ab" * 32
NOW = datetime.now(UTC)


def _genesis(home: Path) -> Genesis:
    validator = validator_key()
    genesis = Genesis(
        chain_id=CHAIN_ID,
        genesis_time=GENESIS_TIME,
        hash_algorithm="sha256",
        validators=[GenesisValidator("validator", validator.key_type, validator.public_key, 10)],
        app_state={
            "accounts": [
                {"key_type": k.key_type, "public_key": b64encode(k.public_key)}
                for k in (ISSUER, HOLDER, OTHER, MEMBER)
            ],
            "identity": {
                "trusted_issuers": [
                    {
                        "issuer": ISSUER.did(),
                        "credential_type": "KycCredential",
                        "jurisdictions": ["HK", "CN"],
                    }
                ]
            },
            "governance": {
                "members": [
                    {
                        "did": ISSUER.did(),
                        "name_en": "Issuer Bank",
                        "name_zh": "發行銀行",
                        "jurisdiction": "HK",
                        "roles": ["bank", "issuer"],
                        "weight": 2,
                    },
                    {
                        "did": MEMBER.did(),
                        "name_en": "Member Bank",
                        "jurisdiction": "CN-GD",
                        "roles": ["bank"],
                        "weight": 1,
                    },
                ],
                "voting_period": 10,
            },
        },
    )
    genesis.validate()
    home.mkdir(parents=True, exist_ok=True)
    NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
    return genesis


def kyc(
    issuer: SigningKey, credential_id: str, *, level: int = 2, jurisdiction: str = "HK"
) -> dict[str, Any]:
    return issue_credential(
        credential_type="KycCredential",
        subject={
            "id": HOLDER.did(),
            "kycLevel": level,
            "jurisdiction": jurisdiction,
            "expiry": "2099-01-01T00:00:00Z",
        },
        issuer=issuer.did(),
        signing_key=issuer,
        verification_method=f"{issuer.did()}#key-1",
        issued_at=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=365),
        credential_id=credential_id,
    )


def register(credential: dict[str, Any], index: int) -> dict[str, Any]:
    return idb.register_credential(
        issuer=ISSUER.did(),
        credential_id=idb.chain_credential_id(credential["id"]),
        credential_type="KycCredential",
        subject=HOLDER.did(),
        jurisdiction="HK",
        valid_from=0,
        status_list_id="rev-1",
        status_index=index,
        credential_hash=idb.credential_hash(credential),
    )


class Zone:
    """A node with DIDs, credentials, a revocation, a rotation, a deactivation and a proposal."""

    def __init__(self, home: Path) -> None:
        self.genesis = _genesis(home)
        self.node = EmbeddedNode(home, validator_key(), synchronous="NORMAL")
        self.http = TestClient(create_app(self.node))
        self.client = Client("", http=self.http)
        self.nonces: dict[str, int] = {}
        self.good, self.revoked = kyc(ISSUER, "urn:uuid:cred-1"), kyc(ISSUER, "urn:uuid:cred-2")
        hub = idb.service("hub", "LinkedDomains", "https://holder.example")
        self.block(
            (ISSUER, [idb.register_did(ISSUER.did())]),
            (HOLDER, [idb.register_did(HOLDER.did(), [hub])]),
            (OTHER, [idb.register_did(OTHER.did())]),
        )
        self.block(
            (
                ISSUER,
                [
                    idb.set_status_list(
                        issuer=ISSUER.did(), list_id="rev-1", purpose="revocation", list_hash=LIST_HASH
                    ),
                    register(self.good, 7),
                    register(self.revoked, 8),
                ],
            )
        )
        self.block(
            (
                ISSUER,
                [
                    idb.set_status_list(
                        issuer=ISSUER.did(),
                        list_id="rev-1",
                        purpose="revocation",
                        list_hash="cd" * 32,
                        set_indices=[8],
                    )
                ],
            )
        )
        self.v1_time = self.node.resolve_did(HOLDER.did())["didDocumentMetadata"]["updated"]
        self.block((HOLDER, [idb.rotate_keys(HOLDER.did(), [builders.signer_of(NEW_KEY)], 1)]))
        self.block((OTHER, [idb.deactivate_did(OTHER.did())]))
        payload = {
            "did": HOLDER.did(),
            "name_en": "Holder Ltd",
            "name_zh": "",
            "jurisdiction": "HK",
            "roles": ["issuer"],
            "weight": 1,
        }
        self.block((ISSUER, [idb.submit_proposal(ISSUER.did(), "add-member", payload, "Admit Holder")]))
        self.block((MEMBER, [idb.vote(MEMBER.did(), "PROP-000001", "no")]))

    def block(self, *txs: tuple[SigningKey, list[dict[str, Any]]]) -> None:
        hashes = []
        for key, msgs in txs:
            nonce = self.nonces.get(key.did(), 0) + 1
            self.nonces[key.did()] = nonce
            hashes.append(self.node.submit_tx(signed(key, nonce, *msgs))["hash"])
        self.node.produce_block()
        for tx_hash in hashes:
            result = self.node.get_tx(tx_hash)
            assert result["code"] == 0, result

    def verify(self, document: dict[str, Any], **extra: Any) -> dict[str, Any]:
        response = self.http.post("/v1/vc/verify", json={"document": document, **extra})
        assert response.status_code == 200
        answer: dict[str, Any] = response.json()
        return answer


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    built = Zone(tmp_path_factory.mktemp("zone"))
    yield built
    built.node.stop()


# --- DID resolution -----------------------------------------------------------------------------------------


def test_resolve_latest_has_the_resolver_shape_and_a_verifiable_proof(zone: Zone) -> None:
    response = zone.http.get(f"/1.0/identifiers/{HOLDER.did()}")
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"didDocument", "didResolutionMetadata", "didDocumentMetadata", "proof"}
    assert answer["didResolutionMetadata"] == {"contentType": "application/did+ld+json"}
    meta = answer["didDocumentMetadata"]
    assert set(meta) == {"versionId", "created", "updated", "deactivated"}
    assert meta["versionId"] == "2" and meta["deactivated"] is False
    assert meta["created"] < meta["updated"]
    did = HOLDER.did()
    assert answer["didDocument"]["verificationMethod"] == [
        {
            "id": f"{did}#key-1",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": encode_public_key(NEW_KEY.key_type, NEW_KEY.public_key),
        }
    ]
    assert answer["didDocument"]["service"] == [
        {"id": f"{did}#hub", "type": "LinkedDomains", "serviceEndpoint": "https://holder.example"}
    ]
    proven = verify_proof_answer(genesis_from_json(zone.client.genesis()), answer["proof"])
    assert proven["version"] == 2 and proven["deactivated"] is False
    assert json.loads(proven["document_json"]) == answer["didDocument"]


def test_resolve_past_version_by_id_and_by_time(zone: Zone) -> None:
    did = HOLDER.did()
    by_id = zone.client.resolve_did(did, version_id=1)
    meta = by_id["didDocumentMetadata"]
    assert meta["versionId"] == "1" and meta["nextVersionId"] == "2" and meta["created"] == meta["updated"]
    key = by_id["didDocument"]["verificationMethod"][0]["publicKeyMultibase"]
    assert key == encode_public_key(HOLDER.key_type, HOLDER.public_key)
    assert verify_proof_answer(zone.genesis, by_id["proof"])["version"] == 1
    by_time = zone.client.resolve_did(did, version_time=zone.v1_time)
    assert by_time["didDocumentMetadata"]["versionId"] == "1"
    v1_ms = by_id["proof"]["value"]["time"]
    assert zone.client.resolve_did(did, version_time=v1_ms)["didDocument"] == by_id["didDocument"]
    with pytest.raises(ApiError) as err:
        zone.client.resolve_did(did, version_id=9)
    assert (err.value.status, err.value.codespace, err.value.code) == (404, "node", 404)


def test_resolve_deactivated_is_410_with_metadata(zone: Zone) -> None:
    response = zone.http.get(f"/1.0/identifiers/{OTHER.did()}")
    assert response.status_code == 410
    answer = response.json()
    assert answer["didDocumentMetadata"]["deactivated"] is True
    assert answer["didDocumentMetadata"]["versionId"] == "2"
    assert answer["didDocument"]["verificationMethod"] == []
    assert zone.client.resolve_did(OTHER.did())["didDocumentMetadata"]["deactivated"] is True


def test_resolve_unknown_is_404_problem(zone: Zone) -> None:
    response = zone.http.get(f"/1.0/identifiers/{ed_key(99).did()}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["codespace"], body["code"], body["status"]) == ("node", 404, 404)
    bad = zone.http.get(f"/1.0/identifiers/{HOLDER.did()}?versionTime=yesterday")
    assert (bad.status_code, bad.json()["codespace"], bad.json()["code"]) == (400, "api", 1)


# --- registry, credentials, governance ----------------------------------------------------------------------


def test_trusted_issuers_and_credential_status(zone: Zone) -> None:
    page = zone.client.list_trusted_issuers()
    assert page["total"] == 1
    assert page["items"][0] == {
        "issuer": ISSUER.did(),
        "credential_type": "KycCredential",
        "jurisdictions": ["HK", "CN"],
        "added_height": 0,
    }
    assert zone.client.list_trusted_issuers(credential_type="other")["items"] == []
    good = zone.client.get_credential("urn:uuid:cred-1", issuer=ISSUER.did())
    assert good["status"]["revoked"] is False and good["status"]["valid"] is True
    revoked = zone.client.get_credential("urn:uuid:cred-2")
    assert revoked["status"]["revoked"] is True and revoked["status"]["valid"] is False
    assert revoked["status"]["purpose"] == "revocation"
    with pytest.raises(ApiError) as err:
        zone.client.get_credential("urn:uuid:nope")
    assert (err.value.status, err.value.codespace, err.value.code) == (404, "node", 404)


def test_status_flags_are_provable_present_and_absent(zone: Zone) -> None:
    """A light client proves a flagged index (revoked #8) and the absence of a flag (#7) of rev-1."""
    flagged = zone.client.get_proof("identity", "status-flag", f"{ISSUER.did()}/rev-1/8")
    assert verify_proof_answer(zone.genesis, flagged) == {"index": 8}
    clear = zone.client.get_proof("identity", "status-flag", f"{ISSUER.did()}/rev-1/7")
    assert verify_proof_answer(zone.genesis, clear) is None
    malformed = zone.client.get_proof("identity", "status-flag", f"{ISSUER.did()}/rev-1/x8")
    assert verify_proof_answer(zone.genesis, malformed) is None


def test_governance_lists_members_and_the_proposal(zone: Zone) -> None:
    members = zone.client.list_members()
    assert members["total"] == 2 and members["total_weight"] == 3
    assert {m["did"] for m in members["items"]} == {ISSUER.did(), MEMBER.did()}
    proposals = zone.client.list_proposals()
    assert proposals["total"] == 1
    assert proposals["items"][0]["id"] == "PROP-000001"
    assert proposals["items"][0]["status"] == "open"
    assert zone.client.list_proposals(status="passed")["total"] == 0
    detail = zone.client.get_proposal("PROP-000001")
    assert detail["kind"] == "add-member" and detail["proposer"] == ISSUER.did()
    assert [(v["voter"], v["option"], v["weight"]) for v in detail["votes"]] == [(MEMBER.did(), "no", 1)]
    assert detail["tally"] == {"yes": 0, "no": 1, "abstain": 0, "total": 3}
    with pytest.raises(ApiError) as err:
        zone.client.get_proposal("PROP-000009")
    assert (err.value.status, err.value.codespace, err.value.code) == (404, "node", 404)


# --- verifier -----------------------------------------------------------------------------------------------


def test_verify_accepts_a_good_credential_from_a_trusted_issuer(zone: Zone) -> None:
    answer = zone.verify(zone.good)
    assert answer == {
        "verified": True,
        "kind": "credential",
        "checks": [
            "shape",
            "proof",
            "validity",
            "schema",
            "issuer-trusted",
            "issuer-active",
            "onchain-status",
        ],
        "errors": [],
    }
    bare = zone.http.post("/v1/vc/verify", json=zone.good).json()  # the credential itself as the body
    assert bare["verified"] is True


def _codes(answer: dict[str, Any]) -> list[tuple[str, int]]:
    assert answer["verified"] is False
    return [(e["codespace"], e["code"]) for e in answer["errors"]]


def test_verify_refuses_untrusted_revoked_and_tampered(zone: Zone) -> None:
    assert _codes(zone.verify(kyc(OTHER, "urn:uuid:other-1"))) == [("vc", 12)]  # deactivated: no keys
    untrusted = zone.verify(kyc(MEMBER, "urn:uuid:member-1"))
    assert _codes(untrusted) == [("vc", 12)]  # MEMBER has no DID document: its key is unknown
    outside = zone.verify(kyc(ISSUER, "urn:uuid:sg-1", jurisdiction="MO"))
    assert _codes(outside) == [("vc", 19)]
    assert outside["checks"] == ["shape", "proof", "validity", "schema"]
    assert _codes(zone.verify(zone.revoked)) == [("vc", 15)]
    tampered = copy.deepcopy(zone.good)
    tampered["credentialSubject"]["kycLevel"] = 3
    assert _codes(zone.verify(tampered)) == [("vc", 3)]


def test_verify_untrusted_issuer_with_a_document(zone: Zone) -> None:
    # HOLDER has a DID document but is not in the registry.
    credential = issue_credential(
        credential_type="KycCredential",
        subject={"id": ISSUER.did(), "kycLevel": 1, "jurisdiction": "HK", "expiry": "2099-01-01T00:00:00Z"},
        issuer=HOLDER.did(),
        signing_key=NEW_KEY,
        verification_method=f"{HOLDER.did()}#key-1",
        issued_at=NOW,
    )
    answer = zone.verify(credential)
    assert _codes(answer) == [("vc", 19)]
    assert answer["errors"][0]["detail"].startswith(f"issuer '{HOLDER.did()}' is not trusted")


def test_verify_presentation_from_the_holder_wallet(zone: Zone, tmp_path: Path) -> None:
    wallet = HolderWallet(tmp_path / "credentials", NEW_KEY, HOLDER.did())
    ref = wallet.import_credential(zone.good)
    vp = wallet.present([ref], challenge="c-1", domain="verifier.example", created=datetime.now(UTC))
    answer = zone.client.verify_vc(vp, challenge="c-1", domain="verifier.example")
    assert answer["verified"] is True and answer["kind"] == "presentation"
    assert answer["checks"][-1] == "onchain-status"
    wrong = zone.client.verify_vc(vp, challenge="c-2", domain="verifier.example")
    assert _codes(wrong) == [("vc", 6)]
    missing = zone.client.verify_vc(vp)
    assert _codes(missing) == [("vc", 2)]


def test_openapi_documents_the_new_routes(zone: Zone) -> None:
    paths = zone.http.get("/openapi.json").json()["paths"]
    for path in (
        "/1.0/identifiers/{did}",
        "/v1/identity/trusted-issuers",
        "/v1/identity/credentials/{credential_id}",
        "/v1/governance/members",
        "/v1/governance/proposals",
        "/v1/governance/proposals/{proposal_id}",
        "/v1/vc/verify",
    ):
        assert path in paths
    assert "410" in paths["/1.0/identifiers/{did}"]["get"]["responses"]


# --- CLI ----------------------------------------------------------------------------------------------------


def test_cli_did_gov_vc_and_wallet(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bayledger.cli import gov as gov_cli
    from bayledger.cli import identity as identity_cli
    from bayledger.cli import vc as vc_cli
    from bayledger.cli.main import app as cli
    from bayledger.keyring import Keyring

    for module in (identity_cli, gov_cli, vc_cli):
        monkeypatch.setattr(module, "client", lambda: zone.client)
    monkeypatch.setenv("BAYLEDGER_PASSPHRASE", "pw")
    Keyring(tmp_path / "keys").save("holder", NEW_KEY, "pw")
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(cli, ["--home", str(tmp_path), "--json", *args])
        return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else None)

    code, resolved = run("did", "resolve", HOLDER.did(), "--version", "1")
    assert code == 0 and resolved["didDocumentMetadata"]["nextVersionId"] == "2"
    assert resolved["proofVerified"] is True
    code, missing = run("did", "resolve", ed_key(98).did())
    assert code == 4 and (missing["codespace"], missing["code"]) == ("node", 404)
    assert run("gov", "members")[1]["total_weight"] == 3
    assert run("gov", "proposals", "--status", "open")[1]["items"][0]["id"] == "PROP-000001"
    good, revoked = tmp_path / "good.json", tmp_path / "revoked.json"
    good.write_text(json.dumps(zone.good))
    revoked.write_text(json.dumps(zone.revoked))
    assert run("vc", "verify", str(good))[1]["verified"] is True
    code, refused = run("vc", "verify", str(revoked))
    assert code == 1 and refused["errors"][0]["code"] == 15
    code, stored = run("wallet", "import", str(good))
    assert code == 0
    assert [s["ref"] for s in run("wallet", "list")[1]] == [stored["ref"]]
    vp_path = tmp_path / "vp.json"
    code, _ = run(
        "wallet", "present", stored["ref"], "--key", "holder", "--did", HOLDER.did(),
        "--challenge", "c-9", "--domain", "v.example", "--out", str(vp_path),
    )  # fmt: skip
    assert code == 0
    assert run("vc", "verify", str(vp_path), "--challenge", "c-9", "--domain", "v.example")[1]["verified"]


# --- hosted status lists ------------------------------------------------------------------------------------


def _list_credential(bits: list[int], *, key: SigningKey = ISSUER) -> dict[str, Any]:
    status_list = create_status_list("revocation")
    for index in bits:
        status_list.set(index)
    return build_status_list_credential(
        status_list,
        credential_id="https://node.example/v1/vc/status-lists/hosted-1",
        issuer=ISSUER.did(),
        signing_key=key,
        verification_method=f"{ISSUER.did()}#key-1",
        issued_at=NOW - timedelta(minutes=1),
    )


def _hash_of(bits: list[int]) -> str:
    status_list = create_status_list("revocation")
    for index in bits:
        status_list.set(index)
    return compute_list_hash(status_list, "sha256")


def _problem(response: Any, status: int) -> tuple[str, int]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    return body["codespace"], body["code"]


def test_hosted_status_list_put_checks_proof_and_chain_hash_then_serves_it(zone: Zone) -> None:
    url, issuer = "/v1/vc/status-lists/hosted-1", {"issuer": ISSUER.did()}
    assert _problem(zone.http.put(url, params=issuer, json=_list_credential([3])), 404) == ("node", 404)
    assert _problem(zone.http.get(url, params=issuer), 404) == ("node", 404)
    anchor = idb.set_status_list(
        issuer=ISSUER.did(),
        list_id="hosted-1",
        purpose="revocation",
        list_hash=_hash_of([3]),
        set_indices=[3],
    )
    zone.block((ISSUER, [anchor]))

    good = _list_credential([3])
    forged = _list_credential([3], key=OTHER)  # names the issuer's key, signed by another
    tampered = copy.deepcopy(good)
    tampered["credentialSubject"]["encodedList"] = _list_credential([])["credentialSubject"]["encodedList"]
    assert _problem(zone.http.put(url, params=issuer, json=forged), 400) == ("vc", 3)
    assert _problem(zone.http.put(url, params=issuer, json=tampered), 400) == ("vc", 3)
    stale = _list_credential([])  # well signed, but not the list anchored on chain
    assert _problem(zone.http.put(url, params=issuer, json=stale), 400) == ("vc", 17)
    assert _problem(zone.http.get(url, params=issuer), 404) == ("node", 404)  # nothing stored by refusals

    stored = zone.http.put(url, params=issuer, json=good)
    assert stored.status_code == 200, stored.text
    assert stored.json() == {"issuer": ISSUER.did(), "list_id": "hosted-1", "list_hash": _hash_of([3])}
    served = zone.http.get(url, params=issuer)
    assert served.status_code == 200
    assert served.json() == good
    files = list(NodeHome(zone.node.home.root).status_lists_dir.glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_bytes())["credential"] == good  # durable, on disk
    assert _problem(zone.http.get(url, params={"issuer": OTHER.did()}), 404) == ("node", 404)
    paths = zone.http.get("/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/v1/vc/status-lists/{list_id}"])
