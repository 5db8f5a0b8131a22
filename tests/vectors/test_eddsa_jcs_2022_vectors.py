"""W3C "Data Integrity EdDSA Cryptosuites v1.0" Appendix B.3 (eddsa-jcs-2022), reproduced byte for byte."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bayledger.core import crypto
from bayledger.keys import Ed25519SigningKey
from bayledger.vc import cryptosuites, data_integrity, multikey
from bayledger.vc.errors import InvalidProofError

V: dict[str, Any] = json.loads((Path(__file__).parent / "eddsa_jcs_2022.json").read_text(encoding="utf-8"))
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
SUITE = cryptosuites.CRYPTOSUITES["eddsa-jcs-2022"]


@pytest.fixture(scope="module")
def key() -> Ed25519SigningKey:
    key_type, seed = multikey.decode_secret_key(V["key_pair"]["secretKeyMultibase"])
    assert key_type == "ed25519"
    return Ed25519SigningKey.from_seed(seed)


def test_key_pair_multikeys(key: Ed25519SigningKey) -> None:
    public = V["key_pair"]["publicKeyMultibase"]
    assert multikey.encode_public_key("ed25519", key.public_key) == public
    assert multikey.decode_public_key(public) == multikey.Multikey("ed25519", key.public_key)
    assert multikey.encode_secret_key("ed25519", key.private_bytes()) == V["key_pair"]["secretKeyMultibase"]


def test_canonical_credential_and_its_hash() -> None:
    transformed = cryptosuites.transform(V["credential_without_proof"], V["proof_options"])
    assert transformed == V["canonical_credential_without_proof"].encode("utf-8")
    assert hashlib.sha256(transformed).hexdigest() == V["hash_of_canonical_credential_hex"]


def test_canonical_proof_options_and_their_hash() -> None:
    canonical = cryptosuites.proof_configuration(V["proof_options"])
    assert canonical == V["canonical_proof_options"].encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == V["hash_of_canonical_proof_options_hex"]


def test_combined_hash_signature_and_proof_value(key: Ed25519SigningKey) -> None:
    combined = SUITE.hash_data(
        V["canonical_credential_without_proof"].encode("utf-8"), V["canonical_proof_options"].encode("utf-8")
    )
    assert combined.hex() == V["combined_hashes_hex"]
    signature = key.sign(combined)
    assert signature.hex() == V["signature_hex"]
    assert multikey.encode_multibase(signature) == V["signature_base58btc"]
    assert crypto.verify_signature("ed25519", key.public_key, combined, signature)


def test_create_proof_reproduces_the_signed_credential(key: Ed25519SigningKey) -> None:
    options = V["proof_options"]
    proof = data_integrity.create_proof(
        V["credential_without_proof"],
        key,
        verification_method=options["verificationMethod"],
        proof_purpose=options["proofPurpose"],
        created=CREATED,
    )
    assert (
        proof["proofValue"]
        == "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
    )
    assert proof == V["signed_credential"]["proof"]
    assert {
        k: v for k, v in proof.items() if k != "proofValue"
    } == options  # @context copied from the document
    secured = data_integrity.add_proof(
        V["credential_without_proof"], key, verification_method=options["verificationMethod"], created=CREATED
    )
    assert secured == V["signed_credential"]


def test_published_signed_credential_verifies() -> None:
    (result,) = data_integrity.verify_proofs(
        V["signed_credential"],
        resolve_key=data_integrity.did_key_resolver,
        expected_proof_purpose="assertionMethod",
    )
    assert result.key.multibase == V["key_pair"]["publicKeyMultibase"]
    assert result.cryptosuite.name == "eddsa-jcs-2022"


def test_published_signed_credential_tampered_fails() -> None:
    tampered = copy.deepcopy(V["signed_credential"])
    tampered["credentialSubject"]["alumniOf"] = "The School of Counter-Examples"
    with pytest.raises(InvalidProofError) as caught:
        data_integrity.verify_proofs(tampered, resolve_key=data_integrity.did_key_resolver)
    assert (caught.value.codespace, caught.value.code) == ("vc", 3)
