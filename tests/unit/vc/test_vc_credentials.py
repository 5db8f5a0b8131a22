"""VC Data Model 2.0 credentials and presentations: issue, verify, and each typed failure."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from vckit import ISSUED, NOW, VALID_UNTIL, Party, ed_party, resolver, sm2_party, subject

from bayledger.vc import (
    CREDENTIAL_TYPES,
    StaticKeyResolver,
    add_proof,
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from bayledger.vc.errors import (
    ChallengeMismatchError,
    DomainMismatchError,
    ExpiredCredentialError,
    HolderMismatchError,
    InvalidProofError,
    IssuerMismatchError,
    MalformedDocumentError,
    NotYetValidError,
    ProofPurposeMismatchError,
    SchemaViolationError,
    UnknownCredentialTypeError,
    UntrustedIssuerError,
    VcError,
)

ISSUERS = {"ed25519": ed_party(10), "sm2": sm2_party(10)}
HOLDER = ed_party(20)
SM2_HOLDER = sm2_party(20)
KEYS = resolver(*ISSUERS.values(), HOLDER, SM2_HOLDER)
USER_TYPES = [name for name in CREDENTIAL_TYPES if name != "BitstringStatusListCredential"]


def _issue(issuer: Party, credential_type: str = "KycCredential", **options: Any) -> dict[str, Any]:
    body = options.pop("subject", None) or subject(credential_type, HOLDER.did)
    return issue_credential(
        credential_type=credential_type,
        subject=body,
        issuer=issuer.did,
        signing_key=issuer.key,
        verification_method=issuer.vm,
        issued_at=ISSUED,
        valid_until=options.pop("valid_until", VALID_UNTIL),
        **options,
    )


def _assert_code(error: VcError, code: int) -> None:
    assert (error.codespace, error.code) == ("vc", code)
    assert error.to_dict()["code"] == code and error.to_dict()["codespace"] == "vc"


@pytest.mark.parametrize("key_type", ["ed25519", "sm2"])
@pytest.mark.parametrize("credential_type", USER_TYPES)
def test_issue_and_verify_every_type_with_both_suites(key_type: str, credential_type: str) -> None:
    issuer = ISSUERS[key_type]
    credential = _issue(issuer, credential_type, credential_id="urn:bayledger:vc:0001", name="KYC")
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", credential_type]
    assert credential["issuer"] == issuer.did and credential["validFrom"] == "2025-01-01T00:00:00Z"
    assert credential["validUntil"] == "2026-01-01T00:00:00Z"
    result = verify_credential(credential, resolve_key=KEYS, now=NOW)
    assert result.credential_type == credential_type and result.issuer == issuer.did
    assert result.subjects[0]["id"] == HOLDER.did
    assert result.proofs[0].cryptosuite.key_type == key_type
    assert result.status == () and result.status_checked is False


@pytest.mark.parametrize("key_type", ["ed25519", "sm2"])
def test_tampered_credential(key_type: str) -> None:
    credential = _issue(ISSUERS[key_type])
    credential["credentialSubject"]["kycLevel"] = 3
    with pytest.raises(InvalidProofError) as caught:
        verify_credential(credential, resolve_key=KEYS, now=NOW)
    _assert_code(caught.value, 3)


@pytest.mark.parametrize("key_type", ["ed25519", "sm2"])
def test_wrong_key(key_type: str) -> None:
    issuer = ISSUERS[key_type]
    other = ed_party(11) if key_type == "ed25519" else sm2_party(11)
    credential = _issue(issuer)
    lying = StaticKeyResolver({issuer.vm: other.multikey})  # the issuer's method resolves to another key
    with pytest.raises(InvalidProofError) as caught:
        verify_credential(credential, resolve_key=lying, now=NOW)
    _assert_code(caught.value, 3)


def test_signed_by_someone_other_than_the_issuer() -> None:
    mallory = ed_party(66)
    credential = _issue(ISSUERS["ed25519"])
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    forged = add_proof(unsigned, mallory.key, verification_method=mallory.vm, created=ISSUED)
    with pytest.raises(IssuerMismatchError) as caught:
        verify_credential(forged, resolve_key=resolver(mallory), now=NOW)
    _assert_code(caught.value, 13)
    with pytest.raises(IssuerMismatchError):
        issue_credential(
            credential_type="KycCredential",
            subject=subject("KycCredential", HOLDER.did),
            issuer=ISSUERS["ed25519"].did,
            signing_key=mallory.key,
            verification_method=mallory.vm,
            issued_at=ISSUED,
        )


def test_expired_and_not_yet_valid() -> None:
    credential = _issue(ISSUERS["sm2"])
    verify_credential(credential, resolve_key=KEYS, now=VALID_UNTIL)  # validUntil is inclusive
    with pytest.raises(ExpiredCredentialError) as expired:
        verify_credential(credential, resolve_key=KEYS, now=VALID_UNTIL + timedelta(seconds=1))
    _assert_code(expired.value, 8)
    verify_credential(credential, resolve_key=KEYS, now=ISSUED)
    with pytest.raises(NotYetValidError) as early:
        verify_credential(credential, resolve_key=KEYS, now=ISSUED - timedelta(seconds=1))
    _assert_code(early.value, 9)


def test_kyc_subject_expiry_is_enforced() -> None:
    body = {**subject("KycCredential", HOLDER.did), "expiry": "2025-03-01T00:00:00+08:00"}
    credential = _issue(ISSUERS["ed25519"], subject=body)
    with pytest.raises(ExpiredCredentialError) as caught:
        verify_credential(credential, resolve_key=KEYS, now=NOW)
    _assert_code(caught.value, 8)


@pytest.mark.parametrize(
    ("credential_type", "change"),
    [
        ("KycCredential", {"kycLevel": 4}),
        ("KycCredential", {"kycLevel": "2"}),
        ("KycCredential", {"jurisdiction": "US"}),
        ("KycCredential", {"expiry": "2027-01-01"}),
        ("KycCredential", {"nickname": "extra field"}),
        ("DataRecipientCredential", {"registeredCity": "Beijing"}),
        ("ExternalReviewerCredential", {"reviewTypes": []}),
        ("CarbonVerifierCredential", {"sectoralScopes": [17]}),
        ("LicensedBankCredential", {"regulator": "SEC"}),
        ("ProfessionalInvestorCredential", {"assessmentDate": "15/12/2024"}),
        ("KycCredential", {"id": "not a did"}),
    ],
)
def test_schema_violation_on_issue(credential_type: str, change: dict[str, Any]) -> None:
    body = {**subject(credential_type, HOLDER.did), **change}
    with pytest.raises(SchemaViolationError) as caught:
        _issue(ISSUERS["ed25519"], credential_type, subject=body)
    _assert_code(caught.value, 10)


def test_schema_violation_on_verify_of_a_signed_credential() -> None:
    issuer = ISSUERS["sm2"]
    credential = _issue(issuer)
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    del unsigned["credentialSubject"]["jurisdiction"]
    signed = add_proof(unsigned, issuer.key, verification_method=issuer.vm, created=ISSUED)
    with pytest.raises(SchemaViolationError, match="jurisdiction") as caught:
        verify_credential(signed, resolve_key=KEYS, now=NOW)
    _assert_code(caught.value, 10)


def test_unknown_credential_type() -> None:
    issuer = ISSUERS["ed25519"]
    credential = _issue(issuer)
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    unsigned["type"] = ["VerifiableCredential", "AlumniCredential"]
    signed = add_proof(unsigned, issuer.key, verification_method=issuer.vm, created=ISSUED)
    with pytest.raises(UnknownCredentialTypeError) as caught:
        verify_credential(signed, resolve_key=KEYS, now=NOW)
    _assert_code(caught.value, 11)
    with pytest.raises(UnknownCredentialTypeError):
        _issue(issuer, "AlumniCredential", subject={"id": HOLDER.did})


def test_malformed_credentials() -> None:
    credential = _issue(ISSUERS["ed25519"])
    for name, value in [
        ("@context", ["https://www.w3.org/2018/credentials/v1"]),
        ("type", ["KycCredential"]),
        ("issuer", 42),
        ("credentialSubject", []),
        ("validFrom", "2025-01-01"),
    ]:
        broken = copy.deepcopy(credential)
        broken[name] = value
        with pytest.raises(MalformedDocumentError) as caught:
            verify_credential(broken, resolve_key=KEYS, now=NOW)
        _assert_code(caught.value, 2)


def test_issuer_object_form_and_trusted_issuers() -> None:
    issuer = ISSUERS["ed25519"]
    credential = _issue(issuer)
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    unsigned["issuer"] = {"id": issuer.did, "name": "Bay KYC Ltd"}
    signed = add_proof(unsigned, issuer.key, verification_method=issuer.vm, created=ISSUED)
    assert (
        verify_credential(signed, resolve_key=KEYS, now=NOW, trusted_issuers={issuer.did}).issuer
        == issuer.did
    )
    with pytest.raises(UntrustedIssuerError) as caught:
        verify_credential(signed, resolve_key=KEYS, now=NOW, trusted_issuers={ISSUERS["sm2"].did})
    _assert_code(caught.value, 19)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_credential(_issue(ISSUERS["ed25519"]), resolve_key=KEYS, now=NOW.replace(tzinfo=None))


# --- presentations ------------------------------------------------------------------------------------


def _present(holder: Party, credentials: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return create_presentation(
        credentials,
        holder=holder.did,
        signing_key=holder.key,
        verification_method=holder.vm,
        challenge=options.pop("challenge", "c-0001"),
        domain=options.pop("domain", "bank.example"),
        created=NOW,
        **options,
    )


@pytest.mark.parametrize("holder", [HOLDER, SM2_HOLDER], ids=["ed25519", "sm2"])
def test_presentation_round_trip(holder: Party) -> None:
    kyc = _issue(ISSUERS["sm2"], subject=subject("KycCredential", holder.did))
    pi = _issue(
        ISSUERS["ed25519"],
        "ProfessionalInvestorCredential",
        subject=subject("ProfessionalInvestorCredential", holder.did),
    )
    presentation = _present(holder, [kyc, pi])
    proof = presentation["proof"]
    assert proof["proofPurpose"] == "authentication"
    assert (proof["challenge"], proof["domain"]) == ("c-0001", "bank.example")
    result = verify_presentation(
        presentation,
        resolve_key=KEYS,
        now=NOW,
        challenge="c-0001",
        domain="bank.example",
        require_holder_is_subject=True,
    )
    assert result.holder == holder.did
    assert [c.credential_type for c in result.credentials] == [
        "KycCredential",
        "ProfessionalInvestorCredential",
    ]


def test_presentation_wrong_challenge_or_domain() -> None:
    presentation = _present(HOLDER, [_issue(ISSUERS["ed25519"])])
    with pytest.raises(ChallengeMismatchError) as challenge:
        verify_presentation(
            presentation, resolve_key=KEYS, now=NOW, challenge="c-0002", domain="bank.example"
        )
    _assert_code(challenge.value, 6)
    with pytest.raises(DomainMismatchError) as domain:
        verify_presentation(
            presentation, resolve_key=KEYS, now=NOW, challenge="c-0001", domain="evil.example"
        )
    _assert_code(domain.value, 7)


def test_presentation_must_be_signed_by_the_holder() -> None:
    presentation = _present(HOLDER, [_issue(ISSUERS["ed25519"])])
    presentation["holder"] = SM2_HOLDER.did
    with pytest.raises(InvalidProofError):  # holder is signed: changing it breaks the proof
        verify_presentation(
            presentation, resolve_key=KEYS, now=NOW, challenge="c-0001", domain="bank.example"
        )
    thief = ed_party(99)
    stolen = _present(thief, [_issue(ISSUERS["ed25519"])])
    unsigned = {name: value for name, value in stolen.items() if name != "proof"}
    unsigned["holder"] = HOLDER.did
    relabelled = add_proof(
        unsigned,
        thief.key,
        verification_method=thief.vm,
        proof_purpose="authentication",
        created=NOW,
        challenge="c-0001",
        domain="bank.example",
    )
    with pytest.raises(IssuerMismatchError) as caught:
        verify_presentation(
            relabelled,
            resolve_key=resolver(thief, *ISSUERS.values()),
            now=NOW,
            challenge="c-0001",
            domain="bank.example",
        )
    _assert_code(caught.value, 13)
    with pytest.raises(HolderMismatchError) as holder:
        verify_presentation(
            stolen,
            resolve_key=resolver(thief, *ISSUERS.values()),
            now=NOW,
            challenge="c-0001",
            domain="bank.example",
            require_holder_is_subject=True,
        )
    _assert_code(holder.value, 20)


def test_presentation_checks_every_embedded_credential() -> None:
    good = _issue(ISSUERS["ed25519"])
    bad = _issue(
        ISSUERS["sm2"], "DataRecipientCredential", subject=subject("DataRecipientCredential", HOLDER.did)
    )
    bad["credentialSubject"]["registeredCity"] = "Zhuhai"
    presentation = _present(HOLDER, [good, bad])
    with pytest.raises(InvalidProofError):
        verify_presentation(
            presentation, resolve_key=KEYS, now=NOW, challenge="c-0001", domain="bank.example"
        )
    expired = _present(HOLDER, [good])
    with pytest.raises(ExpiredCredentialError):
        verify_presentation(
            expired,
            resolve_key=KEYS,
            now=VALID_UNTIL + timedelta(days=1),
            challenge="c-0001",
            domain="bank.example",
        )


def test_a_credential_proof_cannot_serve_as_a_presentation_proof() -> None:
    credential = _issue(ISSUERS["ed25519"])
    with pytest.raises(MalformedDocumentError):
        verify_presentation(credential, resolve_key=KEYS, now=NOW, challenge="c-0001", domain="bank.example")
    presentation = _present(HOLDER, [credential])
    unsigned = {name: value for name, value in presentation.items() if name != "proof"}
    asserted = add_proof(unsigned, HOLDER.key, verification_method=HOLDER.vm, created=NOW)
    with pytest.raises(ProofPurposeMismatchError) as caught:
        verify_presentation(asserted, resolve_key=KEYS, now=NOW, challenge="c-0001", domain="bank.example")
    _assert_code(caught.value, 5)
