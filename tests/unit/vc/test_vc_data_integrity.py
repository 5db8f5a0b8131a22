"""Data Integrity proofs: eddsa-jcs-2022 and bayledger-sm2-jcs-2025, proof options, proof sets."""

from __future__ import annotations

import copy
import hashlib
from datetime import timedelta
from typing import Any

import pytest
import rfc8785
from vckit import ISSUED, NOW, Party, ed_party, resolver, sm2_party

from bayledger.core import crypto
from bayledger.vc import data_integrity as di
from bayledger.vc import multikey
from bayledger.vc.errors import (
    ChallengeMismatchError,
    DomainMismatchError,
    ExpiredProofError,
    InvalidProofError,
    MalformedDocumentError,
    ProofPurposeMismatchError,
    UnresolvableKeyError,
    UnsupportedCryptosuiteError,
    VcError,
)

DOCUMENT: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:bid:efexample",
    "credentialSubject": {"id": "did:bid:efholder", "name": "张三 (Zhang San)", "score": 7},
}
PARTIES = {"ed25519": ed_party(1), "sm2": sm2_party(1)}


def _sign(party: Party, document: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    return di.add_proof(
        document or DOCUMENT, party.key, verification_method=party.vm, created=ISSUED, **options
    )


def _code(error: VcError) -> tuple[str, int]:
    return error.codespace, error.code


@pytest.mark.parametrize(
    ("key_type", "suite"), [("ed25519", "eddsa-jcs-2022"), ("sm2", "bayledger-sm2-jcs-2025")]
)
def test_round_trip(key_type: str, suite: str) -> None:
    party = PARTIES[key_type]
    secured = _sign(party)
    proof = secured["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == suite
    assert proof["created"] == "2025-01-01T00:00:00Z" and proof["proofPurpose"] == "assertionMethod"
    assert proof["@context"] == DOCUMENT["@context"] and proof["proofValue"].startswith("z")
    assert len(multikey.decode_multibase(proof["proofValue"])) == 64
    (result,) = di.verify_proofs(
        secured, resolve_key=resolver(party), expected_proof_purpose="assertionMethod"
    )
    assert result.key == party.multikey and result.controller == party.did
    assert "proof" not in DOCUMENT  # the input is not modified


def test_sm2_proof_verified_independently_with_hashlib_sm3() -> None:
    """Recompute hashData = SM3(JCS(proof options)) || SM3(JCS(document)) outside the library."""
    party = PARTIES["sm2"]
    secured = _sign(party)
    proof = secured["proof"]
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    document = {name: value for name, value in secured.items() if name != "proof"}
    hash_data = (
        hashlib.new("sm3", rfc8785.dumps(options)).digest()
        + hashlib.new("sm3", rfc8785.dumps(document)).digest()
    )
    signature = multikey.decode_multibase(proof["proofValue"])
    assert crypto.verify_signature("sm2", party.key.public_key, hash_data, signature)
    sha_instead = (
        hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()
    )
    assert not crypto.verify_signature("sm2", party.key.public_key, sha_instead, signature)


def test_eddsa_proof_verified_independently_with_hashlib_sha256() -> None:
    party = PARTIES["ed25519"]
    secured = _sign(party)
    options = {name: value for name, value in secured["proof"].items() if name != "proofValue"}
    document = {name: value for name, value in secured.items() if name != "proof"}
    hash_data = (
        hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()
    )
    assert party.key.sign(hash_data) == multikey.decode_multibase(secured["proof"]["proofValue"])


@pytest.mark.parametrize("key_type", ["ed25519", "sm2"])
@pytest.mark.parametrize(
    "path",
    [("credentialSubject", "score"), ("issuer",), ("proof", "created"), ("proof", "proofPurpose")],
)
def test_tampering_breaks_the_proof(key_type: str, path: tuple[str, ...]) -> None:
    party = PARTIES[key_type]
    tampered = copy.deepcopy(_sign(party))
    target = tampered
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = 8 if path[-1] == "score" else "did:bid:efother" if path[-1] == "issuer" else "x"
    if path[-1] == "created":
        target["created"] = "2025-01-01T00:00:01Z"
    with pytest.raises(InvalidProofError) as caught:
        di.verify_proofs(tampered, resolve_key=resolver(party))
    assert _code(caught.value) == ("vc", 3)


@pytest.mark.parametrize("key_type", ["ed25519", "sm2"])
def test_wrong_key_fails(key_type: str) -> None:
    signer = PARTIES[key_type]
    impostor = ed_party(2) if key_type == "ed25519" else sm2_party(2)
    secured = _sign(signer)
    wrong = di.StaticKeyResolver({signer.vm: impostor.multikey})
    with pytest.raises(InvalidProofError) as caught:
        di.verify_proofs(secured, resolve_key=wrong)
    assert _code(caught.value) == ("vc", 3)


def test_key_of_the_other_type_is_refused() -> None:
    secured = _sign(PARTIES["ed25519"])
    crossed = di.StaticKeyResolver({PARTIES["ed25519"].vm: PARTIES["sm2"].multikey})
    with pytest.raises(InvalidProofError, match="needs a ed25519 key"):
        di.verify_proofs(secured, resolve_key=crossed)


def test_unresolvable_method() -> None:
    with pytest.raises(UnresolvableKeyError) as caught:
        di.verify_proofs(_sign(PARTIES["ed25519"]), resolve_key=di.StaticKeyResolver({}))
    assert _code(caught.value) == ("vc", 12)


@pytest.mark.parametrize(
    ("field", "value"), [("cryptosuite", "ecdsa-jcs-2019"), ("type", "Ed25519Signature2020")]
)
def test_unsupported_cryptosuite(field: str, value: str) -> None:
    secured = _sign(PARTIES["ed25519"])
    secured["proof"][field] = value
    with pytest.raises(UnsupportedCryptosuiteError) as caught:
        di.verify_proofs(secured, resolve_key=resolver(PARTIES["ed25519"]))
    assert _code(caught.value) == ("vc", 4)


def test_suite_must_fit_the_signing_key() -> None:
    with pytest.raises(UnsupportedCryptosuiteError):
        _sign(PARTIES["sm2"], cryptosuite="eddsa-jcs-2022")


def test_proof_purpose_mismatch() -> None:
    secured = _sign(PARTIES["ed25519"])
    with pytest.raises(ProofPurposeMismatchError) as caught:
        di.verify_proofs(
            secured, resolve_key=resolver(PARTIES["ed25519"]), expected_proof_purpose="authentication"
        )
    assert _code(caught.value) == ("vc", 5)


@pytest.mark.parametrize("key_type", ["ed25519", "sm2"])
def test_challenge_and_domain(key_type: str) -> None:
    party = PARTIES[key_type]
    secured = _sign(party, proof_purpose="authentication", challenge="nonce-123", domain="verifier.example")
    assert secured["proof"]["challenge"] == "nonce-123" and secured["proof"]["domain"] == "verifier.example"
    keys = resolver(party)
    di.verify_proofs(secured, resolve_key=keys, challenge="nonce-123", domain="verifier.example")
    di.verify_proofs(secured, resolve_key=keys, domain=["verifier.example"])
    with pytest.raises(ChallengeMismatchError) as challenge:
        di.verify_proofs(secured, resolve_key=keys, challenge="nonce-124", domain="verifier.example")
    assert _code(challenge.value) == ("vc", 6)
    with pytest.raises(DomainMismatchError) as domain:
        di.verify_proofs(secured, resolve_key=keys, challenge="nonce-123", domain="evil.example")
    assert _code(domain.value) == ("vc", 7)
    unbound = _sign(party, proof_purpose="authentication")
    with pytest.raises(ChallengeMismatchError):
        di.verify_proofs(unbound, resolve_key=keys, challenge="nonce-123")
    with pytest.raises(DomainMismatchError):
        di.verify_proofs(unbound, resolve_key=keys, domain="verifier.example")


def test_domain_list_matches_as_a_set() -> None:
    secured = _sign(PARTIES["ed25519"], domain=["a.example", "b.example"])
    keys = resolver(PARTIES["ed25519"])
    di.verify_proofs(secured, resolve_key=keys, domain=["b.example", "a.example"])
    with pytest.raises(DomainMismatchError):
        di.verify_proofs(secured, resolve_key=keys, domain="a.example")


def test_proof_expires() -> None:
    secured = _sign(PARTIES["ed25519"], expires=NOW)
    assert secured["proof"]["expires"] == "2025-06-01T12:00:00Z"
    keys = resolver(PARTIES["ed25519"])
    di.verify_proofs(secured, resolve_key=keys, now=NOW)
    with pytest.raises(ExpiredProofError) as caught:
        di.verify_proofs(secured, resolve_key=keys, now=NOW + timedelta(seconds=1))
    assert _code(caught.value) == ("vc", 14)


def test_proof_set_of_both_suites() -> None:
    ed, sm = PARTIES["ed25519"], PARTIES["sm2"]
    both = _sign(sm, _sign(ed))
    assert isinstance(both["proof"], list) and len(both["proof"]) == 2
    assert both["proof"][0] == _sign(ed)["proof"]  # Ed25519 is deterministic: the first proof is unchanged
    results = di.verify_proofs(both, resolve_key=resolver(ed, sm))
    assert [r.cryptosuite.name for r in results] == ["eddsa-jcs-2022", "bayledger-sm2-jcs-2025"]
    three = _sign(ed_party(5), both)
    assert len(three["proof"]) == 3
    assert len(di.verify_proofs(three, resolve_key=resolver(ed, sm, ed_party(5)))) == 3
    broken = copy.deepcopy(both)
    broken["proof"][1]["proofValue"] = both["proof"][0]["proofValue"]
    with pytest.raises(InvalidProofError):
        di.verify_proofs(broken, resolve_key=resolver(ed, sm))


def test_context_check_of_verify_proof() -> None:
    party = PARTIES["ed25519"]
    secured = _sign(party)
    changed = copy.deepcopy(secured)
    changed["@context"] = ["https://example.org/other"]
    with pytest.raises(InvalidProofError, match="@context"):
        di.verify_proofs(changed, resolve_key=resolver(party))


def test_malformed_proofs() -> None:
    party = PARTIES["ed25519"]
    keys = resolver(party)
    with pytest.raises(InvalidProofError):
        di.verify_proofs(dict(DOCUMENT), resolve_key=keys)
    no_purpose = _sign(party)
    del no_purpose["proof"]["proofPurpose"]
    with pytest.raises(MalformedDocumentError) as caught:
        di.verify_proofs(no_purpose, resolve_key=keys)
    assert _code(caught.value) == ("vc", 2)
    bad_value = _sign(party)
    bad_value["proof"]["proofValue"] = "u" + bad_value["proof"]["proofValue"][1:]
    with pytest.raises(InvalidProofError):
        di.verify_proofs(bad_value, resolve_key=keys)
    chained = _sign(party)
    chained["proof"]["previousProof"] = "urn:uuid:1"
    with pytest.raises(InvalidProofError, match="previousProof"):
        di.verify_proofs(chained, resolve_key=keys)
    with pytest.raises(MalformedDocumentError):
        di.create_proof(_sign(party), party.key, verification_method=party.vm)


def test_floats_are_canonicalised_as_jcs() -> None:
    party = PARTIES["ed25519"]
    document = {**DOCUMENT, "credentialSubject": {"id": "did:bid:efholder", "ratio": 0.1}}
    secured = _sign(party, document)
    assert di.verify_proofs(secured, resolve_key=resolver(party))
    secured["credentialSubject"]["ratio"] = 0.10000000000000002
    with pytest.raises(InvalidProofError):
        di.verify_proofs(secured, resolve_key=resolver(party))


def test_naive_times_are_refused() -> None:
    party = PARTIES["ed25519"]
    with pytest.raises(ValueError, match="timezone-aware"):
        di.create_proof(
            DOCUMENT, party.key, verification_method=party.vm, created=ISSUED.replace(tzinfo=None)
        )
