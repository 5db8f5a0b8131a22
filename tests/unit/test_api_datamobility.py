"""Data-mobility routes, SDK client methods and proofs against an embedded node."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from fastapi.testclient import TestClient
from nodekit import signed, validator_key, write_genesis

from bayledger.api.app import create_app
from bayledger.core.genesis import encode_genesis
from bayledger.core.modules.identity.msgs import MsgRegisterCredential
from bayledger.keys import SigningKey
from bayledger.node.datamobility_queries import DataMobilityQueries, DataMobilityView
from bayledger.node.embedded import EmbeddedNode
from bayledger.node.home import NodeHome
from bayledger.sdk import datamobility as dmb
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.verify import genesis_from_json, verify_proof_answer
from datakit import BJBANK, CUSTOMER, HKBANK, ISSUER, SZBANK, X25519_KEY, asset, consent, filing, request

KEYS: tuple[SigningKey, ...] = (HKBANK, SZBANK, BJBANK, CUSTOMER, ISSUER)
DOC_HASH = "ee" * 32


class Zone:
    """An HK bank's asset, a customer's consent to a Shenzhen bank, a filing; one allowed and one denied
    request; a document fingerprint with one matching and one tampered check."""

    def __init__(self, home: Path) -> None:
        genesis = write_genesis(home, list(KEYS))
        trusted = [
            {
                "issuer": ISSUER.did(),
                "credential_type": "DataRecipientCredential",
                "jurisdictions": ["HK", "CN"],
            }
        ]
        genesis = msgspec.structs.replace(
            genesis, app_state={**genesis.app_state, "identity": {"trusted_issuers": trusted}}
        )
        NodeHome(home).genesis_path.write_bytes(encode_genesis(genesis))
        self.node = EmbeddedNode(home, validator_key(), synchronous="NORMAL")
        self.http = TestClient(create_app(self.node))
        self.client = Client("", http=self.http)
        self.nonces: dict[str, int] = {}
        credential = MsgRegisterCredential(
            issuer=ISSUER.did(), credential_id="drc-1", credential_type="DataRecipientCredential",
            subject=SZBANK.did(), jurisdiction="CN-GD", valid_from=0, valid_until=0, status_list_id="",
            status_index=0, credential_hash="ab" * 32,
        )  # fmt: skip
        self.block((ISSUER, [credential]), (HKBANK, [asset(), asset("important")]), (CUSTOMER, [consent()]))
        self.block((HKBANK, [filing(effective_date="2020-01-02")]))
        self.block((SZBANK, [request(), request(purpose="marketing")]))
        self.block(
            (HKBANK, [dmb.anchor_fingerprint(HKBANK.did(), CUSTOMER.did(), "bank_statement", DOC_HASH)]),
            (SZBANK, [dmb.validate_document(SZBANK.did(), "DFP-00000001", DOC_HASH),
                      dmb.validate_document(SZBANK.did(), "DFP-00000001", "ef" * 32)]),
        )  # fmt: skip

    def block(self, *txs: tuple[SigningKey, list[Any]]) -> None:
        hashes = []
        for key, msgs in txs:
            nonce = self.nonces.get(key.did(), 0) + 1
            self.nonces[key.did()] = nonce
            hashes.append(self.node.submit_tx(signed(key, nonce, *msgs))["hash"])
        self.node.produce_block()
        for tx_hash in hashes:
            assert self.node.get_tx(tx_hash)["code"] == 0, self.node.get_tx(tx_hash)


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zone]:
    built = Zone(tmp_path_factory.mktemp("dm-zone"))
    yield built
    built.node.stop()


def test_records_are_listed_filtered_and_fetched(zone: Zone) -> None:
    assets = zone.client.list_data_records("assets")
    assert [(a["asset_id"], a["classification"]) for a in assets["items"]] == [
        ("DA-00000001", "general"),
        ("DA-00000002", "important"),
    ]
    denied = zone.client.list_data_records("requests", decision="deny")
    assert [(r["request_id"], r["reasons"]) for r in denied["items"]] == [
        ("DTR-00000002", ["purpose_not_consented", "purpose_not_filed"])
    ]
    consent_record = zone.client.get_data_record("consents", "CNS-00000001")
    assert (consent_record["status"], consent_record["status_now"], consent_record["recipient"]) == (
        "given",
        "given",
        SZBANK.did(),
    )
    grant = zone.client.get_data_record("grants", "DTG-00000001")
    assert (grant["recipient_key"], grant["status"]) == (X25519_KEY, "active")
    with pytest.raises(ApiError) as missing:
        zone.client.get_data_record("grants", "DTG-00000002")
    assert missing.value.status == 404
    assert zone.http.get("/v1/datamobility/wallets").status_code == 400


def test_grant_is_proven_by_the_light_client(zone: Zone) -> None:
    genesis = genesis_from_json(zone.client.genesis())
    proven = verify_proof_answer(genesis, zone.client.get_proof("datamobility", "grant", "DTG-00000001"))
    assert proven["grant_id"] == "DTG-00000001" and proven["holder"] == HKBANK.did()
    assert (
        verify_proof_answer(genesis, zone.client.get_proof("datamobility", "grant", "DTG-00000002")) is None
    )
    entry = verify_proof_answer(genesis, zone.client.get_proof("datamobility", "log", "6"))
    assert (entry["action"], entry["outcome"]) == ("request_transfer", "deny")


def test_document_check_and_recorded_validations(zone: Zone) -> None:
    assert zone.client.check_document("DFP-00000001", DOC_HASH)["match"] is True
    tampered = zone.client.check_document("DFP-00000001", "ef" * 32)
    assert (tampered["match"], tampered["reason"]) == (False, "fingerprint_mismatch")
    validations = zone.client.get_access_log(action="validate_document")
    assert [e["outcome"] for e in validations["items"]] == ["match", "mismatch"]
    assert zone.http.get("/v1/datamobility/fingerprints/DFP-00000001/check?hash=zz").status_code == 400


def test_access_log_page_and_export(zone: Zone) -> None:
    page = zone.client.get_access_log(limit=3)
    assert (page["total"], page["chain_intact"], len(page["items"])) == (9, True, 3)
    rows = list(csv.DictReader(io.StringIO(zone.client.export_access_log("csv"))))
    assert [r["action"] for r in rows][:6] == [
        "register_asset", "register_asset", "give_consent", "file_contract", "request_transfer",
        "request_transfer",
    ]  # fmt: skip
    assert rows[5]["reasons"] == "purpose_not_consented;purpose_not_filed"
    assert all(int(r["retain_until"]) - int(r["time"]) == 1096 * 86_400_000 for r in rows)
    exported = json.loads(zone.client.export_access_log("json"))
    assert exported["chain_intact"] is True and len(exported["entries"]) == 9
    assert zone.http.get("/v1/datamobility/audit/export?format=xml").status_code == 400


def test_subject_view(zone: Zone) -> None:
    view = zone.client.get_subject_view(CUSTOMER.did())
    assert view["live_consents"] == ["CNS-00000001"]
    assert view["recipients"] == [
        {
            "recipient": SZBANK.did(),
            "name": "Shenzhen Example Bank",
            "jurisdiction": "CN-GD",
            "purposes": ["credit_assessment"],
            "consents": ["CNS-00000001"],
        }
    ]
    assert [(r["request_id"], r["decision"]) for r in view["requests"]] == [
        ("DTR-00000001", "allow"),
        ("DTR-00000002", "deny"),
    ]
    assert [g["grant_id"] for g in view["grants"]] == ["DTG-00000001"]
    assert len(view["log"]) == 8  # every entry but the filing, which names no subject


def test_view_and_mixin_agree(zone: Zone) -> None:
    view = DataMobilityView(zone.node.db)
    assert isinstance(view, DataMobilityQueries)
    assert view.get_subject_view(CUSTOMER.did()) == zone.client.get_subject_view(CUSTOMER.did())
