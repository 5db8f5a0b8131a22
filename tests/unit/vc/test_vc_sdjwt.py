"""SD-JWT VC issuance, selective presentation with key binding, and verification (``bayledger.vc.sdjwt``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bayledger.keys import Ed25519SigningKey
from bayledger.vc.errors import VcError
from bayledger.vc.multikey import Multikey
from bayledger.vc.sdjwt import (
    KB_JWT_TYP,
    SD_JWT_VC_TYP,
    SdJwt,
    b64url_decode,
    b64url_encode,
    create_key_binding_jwt,
    disclosure_digest,
    encode_disclosure,
    issue_sd_jwt_vc,
    parse_disclosure,
    parse_sd_jwt,
    present_sd_jwt_vc,
    verify_sd_jwt_vc,
)

ISSUER = Ed25519SigningKey.from_seed(bytes([1]) * 32)
HOLDER = Ed25519SigningKey.from_seed(bytes([2]) * 32)
OTHER = Ed25519SigningKey.from_seed(bytes([3]) * 32)
ISSUED = datetime(2025, 1, 1, tzinfo=UTC)
EXPIRES = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
AUD = "https://verifier.example.hk"
NONCE = "n-0S6_WzA2Mj"
VCT = "https://bayledger.example/vct/kyc/1"
KYC = {"name": "Chan Tai Man", "id_number": "A123456(7)", "jurisdiction": "HK", "kyc_level": 2}


def counter_salts() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"salt-{next(counter):04d}"


def issue(**overrides: Any) -> str:
    args: dict[str, Any] = {
        "issuer": ISSUER.did(),
        "vct": VCT,
        "signing_key": ISSUER,
        "holder_public_key": HOLDER.public_key,
        "issued_at": ISSUED,
        "expires_at": EXPIRES,
        "disclosable_claims": KYC,
        "salt_generator": counter_salts(),
    }
    args.update(overrides)
    return issue_sd_jwt_vc(**args)


def present(issued: str, disclose: tuple[str, ...] = ("jurisdiction", "kyc_level"), **overrides: Any) -> str:
    args: dict[str, Any] = {
        "disclose": disclose,
        "holder_key": HOLDER,
        "audience": AUD,
        "nonce": NONCE,
        "issued_at": NOW - timedelta(seconds=30),
    }
    args.update(overrides)
    return present_sd_jwt_vc(issued, **args)


def verify(presentation: str, **overrides: Any) -> Any:
    args: dict[str, Any] = {
        "issuer_public_key": ISSUER.public_key,
        "now": NOW,
        "audience": AUD,
        "nonce": NONCE,
        "expected_issuer": ISSUER.did(),
        "expected_vct": VCT,
    }
    args.update(overrides)
    return verify_sd_jwt_vc(presentation, **args)


def error_code(exc: pytest.ExceptionInfo[VcError]) -> tuple[str, int]:
    return exc.value.codespace, exc.value.code


def jws_part(jws: str, index: int) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(b64url_decode(jws.split(".")[index]))
    return decoded


def with_kb(presented_without_kb: str, **overrides: Any) -> str:
    args: dict[str, Any] = {
        "holder_key": HOLDER,
        "audience": AUD,
        "nonce": NONCE,
        "issued_at": NOW - timedelta(seconds=30),
    }
    args.update(overrides)
    return presented_without_kb + create_key_binding_jwt(presented_without_kb, **args)


# ------------------------------------------------------------------------------------------------- Issuance


def test_issued_sd_jwt_vc_has_the_registered_shape() -> None:
    issued = parse_sd_jwt(issue())
    assert issued.kb_jwt is None and len(issued.disclosures) == 4
    header, payload = jws_part(issued.issuer_jwt, 0), jws_part(issued.issuer_jwt, 1)
    assert header == {"alg": "EdDSA", "typ": SD_JWT_VC_TYP}
    assert payload["iss"] == ISSUER.did() and payload["vct"] == VCT
    assert payload["iat"] == int(ISSUED.timestamp()) and payload["exp"] == int(EXPIRES.timestamp())
    assert payload["_sd_alg"] == "sha-256"
    assert payload["cnf"] == {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(HOLDER.public_key)}}
    assert payload["_sd"] == sorted(disclosure_digest(d) for d in issued.disclosures)
    for claim in KYC:  # nothing disclosable is in clear
        assert claim not in payload
    assert {parse_disclosure(d).name for d in issued.disclosures} == set(KYC)


def test_issuance_is_deterministic_with_a_fixed_salt_generator() -> None:
    assert issue() == issue()
    first = parse_disclosure(parse_sd_jwt(issue()).disclosures[0])
    assert first.salt == "salt-0000"


def test_default_salts_are_random_and_long() -> None:
    issued_a = issue_sd_jwt_vc(
        issuer="did:example:i",
        vct=VCT,
        signing_key=ISSUER,
        holder_public_key=HOLDER.public_key,
        issued_at=ISSUED,
        expires_at=None,
        disclosable_claims={"a": 1},
    )
    issued_b = issue_sd_jwt_vc(
        issuer="did:example:i",
        vct=VCT,
        signing_key=ISSUER,
        holder_public_key=HOLDER.public_key,
        issued_at=ISSUED,
        expires_at=None,
        disclosable_claims={"a": 1},
    )
    salt_a = parse_disclosure(parse_sd_jwt(issued_a).disclosures[0]).salt
    salt_b = parse_disclosure(parse_sd_jwt(issued_b).disclosures[0]).salt
    assert salt_a != salt_b and len(b64url_decode(salt_a)) == 16


@pytest.mark.parametrize("claim", ["iss", "vct", "cnf", "exp", "_sd", "status"])
def test_reserved_claims_cannot_be_made_disclosable(claim: str) -> None:
    with pytest.raises(VcError) as exc:
        issue(disclosable_claims={claim: "x"})
    assert error_code(exc) == ("vc", 2)


def test_claim_both_visible_and_disclosable_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        issue(disclosable_claims={"a": 1}, visible_claims={"a": 2})
    assert error_code(exc) == ("vc", 2)


# ---------------------------------------------------------------------------------- Selective presentation


def test_holder_discloses_only_jurisdiction_and_kyc_level() -> None:
    presentation = present(issue())
    parts = parse_sd_jwt(presentation)
    assert len(parts.disclosures) == 2 and parts.kb_jwt is not None
    kb_header, kb_payload = jws_part(parts.kb_jwt, 0), jws_part(parts.kb_jwt, 1)
    assert kb_header == {"alg": "EdDSA", "typ": KB_JWT_TYP}
    assert set(kb_payload) == {"iat", "aud", "nonce", "sd_hash"}
    verified = verify(presentation)
    assert verified.claims == {"jurisdiction": "HK", "kyc_level": 2}
    assert verified.disclosed == ("jurisdiction", "kyc_level")
    assert verified.issuer == ISSUER.did() and verified.vct == VCT
    assert verified.expires_at == int(EXPIRES.timestamp())
    assert "Chan Tai Man" not in presentation and "A123456" not in json.dumps(verified.claims)


def test_visible_claims_are_returned_with_the_disclosed_ones() -> None:
    issued = issue(disclosable_claims={"kyc_level": 3}, visible_claims={"customer_type": "entity"})
    verified = verify(present(issued, ("kyc_level",)))
    assert verified.claims == {"customer_type": "entity", "kyc_level": 3}


def test_presenting_nothing_still_needs_key_binding() -> None:
    verified = verify(present(issue(), ()))
    assert verified.claims == {} and verified.disclosed == ()


def test_issuer_key_may_be_a_multikey() -> None:
    verified = verify(present(issue()), issuer_public_key=Multikey("ed25519", ISSUER.public_key))
    assert verified.claims["kyc_level"] == 2


def test_holder_cannot_ask_for_a_claim_it_has_no_disclosure_for() -> None:
    with pytest.raises(VcError) as exc:
        present(issue(), ("date_of_birth",))
    assert error_code(exc) == ("vc", 2)


# ----------------------------------------------------------------------------------------------- Refusals


def test_tampered_disclosure_is_refused() -> None:
    parts = parse_sd_jwt(present(issue()))
    forged = encode_disclosure("salt-0002", "jurisdiction", "MO").encoded  # same salt, other value
    tampered = SdJwt(parts.issuer_jwt, (forged, parts.disclosures[1])).without_key_binding()
    with pytest.raises(VcError) as exc:
        verify(with_kb(tampered))
    assert error_code(exc) == ("vc", 21)


def test_wrong_issuer_key_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        verify(present(issue()), issuer_public_key=OTHER.public_key)
    assert error_code(exc) == ("vc", 3)


def test_credential_signed_by_another_key_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        verify(present(issue(signing_key=OTHER)))
    assert error_code(exc) == ("vc", 3)


def test_tampered_issuer_payload_is_refused() -> None:
    parts = parse_sd_jwt(present(issue()))
    header, payload, signature = parts.issuer_jwt.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["exp"] = int((EXPIRES + timedelta(days=3650)).timestamp())
    forged = f"{header}.{b64url_encode(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(VcError) as exc:
        verify(with_kb(SdJwt(forged, parts.disclosures).without_key_binding()))
    assert error_code(exc) == ("vc", 3)


def test_wrong_kb_key_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        verify(present(issue(), holder_key=OTHER))
    assert error_code(exc) == ("vc", 23)


def test_missing_kb_jwt_is_refused() -> None:
    presentation = present(issue())
    without_kb = parse_sd_jwt(presentation).without_key_binding()
    with pytest.raises(VcError) as exc:
        verify(without_kb)
    assert error_code(exc) == ("vc", 23)


def test_wrong_nonce_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        verify(present(issue()), nonce="another-nonce")
    assert error_code(exc) == ("vc", 6)


def test_wrong_audience_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        verify(present(issue()), audience="https://other.example")
    assert error_code(exc) == ("vc", 7)


def test_expired_credential_is_refused() -> None:
    later = EXPIRES + timedelta(seconds=1)
    presentation = present(issue(), issued_at=later)
    with pytest.raises(VcError) as exc:
        verify(presentation, now=later)
    assert error_code(exc) == ("vc", 8)


def test_credential_issued_in_the_future_is_refused() -> None:
    with pytest.raises(VcError) as exc:
        verify(present(issue()), now=ISSUED - timedelta(days=1))
    assert error_code(exc) == ("vc", 9)


def test_stale_or_future_kb_jwt_is_refused() -> None:
    issued = issue()
    with pytest.raises(VcError) as stale:
        verify(present(issued, issued_at=NOW - timedelta(minutes=6)))
    with pytest.raises(VcError) as future:
        verify(present(issued, issued_at=NOW + timedelta(minutes=1)))
    assert error_code(stale) == error_code(future) == ("vc", 23)


def test_kb_jwt_replayed_onto_other_disclosures_is_refused() -> None:
    issued = issue()
    shown = parse_sd_jwt(present(issued, ("jurisdiction", "kyc_level")))
    all_disclosures = parse_sd_jwt(issued).disclosures
    name_disclosure = next(d for d in all_disclosures if parse_disclosure(d).name == "name")
    # The KB-JWT of one presentation, attached to a presentation that shows more (or fewer) claims.
    more = SdJwt(shown.issuer_jwt, (*shown.disclosures, name_disclosure), shown.kb_jwt).serialize()
    fewer = SdJwt(shown.issuer_jwt, shown.disclosures[:1], shown.kb_jwt).serialize()
    for replayed in (more, fewer):
        with pytest.raises(VcError) as exc:
            verify(replayed)
        assert error_code(exc) == ("vc", 24)


def test_kb_jwt_replayed_onto_another_credential_is_refused() -> None:
    first = parse_sd_jwt(present(issue()))
    other_issued = issue(issued_at=ISSUED + timedelta(days=1))  # same holder, another credential
    other = parse_sd_jwt(present(other_issued))
    spliced = SdJwt(other.issuer_jwt, other.disclosures, first.kb_jwt).serialize()
    with pytest.raises(VcError) as exc:
        verify(spliced)
    assert error_code(exc) == ("vc", 24)


def test_duplicate_disclosure_is_refused() -> None:
    parts = parse_sd_jwt(present(issue()))
    doubled = SdJwt(parts.issuer_jwt, (parts.disclosures[0], parts.disclosures[0])).without_key_binding()
    with pytest.raises(VcError) as exc:
        verify(with_kb(doubled))
    assert error_code(exc) == ("vc", 22)


def test_disclosure_of_a_visible_claim_name_is_refused() -> None:
    issued = issue(disclosable_claims={"kyc_level": 1}, visible_claims={"jurisdiction": "HK"})
    payload = parse_sd_jwt(issued).issuer_jwt.split(".")[1]
    # An issuer that signs a digest for a claim it also shows in clear: the verifier refuses the clash.
    clash = encode_disclosure("salt-9", "jurisdiction", "MO")
    claims = json.loads(b64url_decode(payload))
    claims["_sd"] = sorted([*claims["_sd"], clash.digest])
    resigned = issue_like(claims)
    with pytest.raises(VcError) as exc:
        verify(with_kb(SdJwt(resigned, (clash.encoded,)).without_key_binding()))
    assert error_code(exc) == ("vc", 22)


def issue_like(payload: dict[str, Any]) -> str:
    header = b64url_encode(json.dumps({"alg": "EdDSA", "typ": SD_JWT_VC_TYP}).encode())
    body = b64url_encode(json.dumps(payload).encode())
    return f"{header}.{body}.{b64url_encode(ISSUER.sign(f'{header}.{body}'.encode()))}"


def test_duplicate_digest_in_the_signed_payload_is_refused() -> None:
    parts = parse_sd_jwt(issue())
    claims = jws_part(parts.issuer_jwt, 1)
    claims["_sd"] = [*claims["_sd"], claims["_sd"][0]]
    with pytest.raises(VcError) as exc:
        verify(with_kb(SdJwt(issue_like(claims), ()).without_key_binding()))
    assert error_code(exc) == ("vc", 22)


def test_duplicate_json_member_is_refused() -> None:
    header = b64url_encode(b'{"alg":"EdDSA","typ":"dc+sd-jwt","typ":"dc+sd-jwt"}')
    body = b64url_encode(json.dumps(jws_part(parse_sd_jwt(issue()).issuer_jwt, 1)).encode())
    forged = f"{header}.{body}.{b64url_encode(ISSUER.sign(f'{header}.{body}'.encode()))}"
    with pytest.raises(VcError) as exc:
        verify(with_kb(SdJwt(forged, ()).without_key_binding()))
    assert error_code(exc) == ("vc", 22)


@pytest.mark.parametrize(
    "header",
    [{"alg": "none", "typ": SD_JWT_VC_TYP}, {"alg": "ES256", "typ": SD_JWT_VC_TYP}],
)
def test_other_algorithms_are_refused(header: dict[str, str]) -> None:
    parts = parse_sd_jwt(issue())
    _, body, signature = parts.issuer_jwt.split(".")
    forged = f"{b64url_encode(json.dumps(header).encode())}.{body}.{signature}"
    with pytest.raises(VcError) as exc:
        verify(with_kb(SdJwt(forged, ()).without_key_binding()))
    assert error_code(exc) == ("vc", 4)


def test_wrong_typ_is_refused() -> None:
    claims = jws_part(parse_sd_jwt(issue()).issuer_jwt, 1)
    header = b64url_encode(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    body = b64url_encode(json.dumps(claims).encode())
    forged = f"{header}.{body}.{b64url_encode(ISSUER.sign(f'{header}.{body}'.encode()))}"
    with pytest.raises(VcError) as exc:
        verify(with_kb(SdJwt(forged, ()).without_key_binding()))
    assert error_code(exc) == ("vc", 2)


def test_wrong_issuer_or_vct_is_refused() -> None:
    presentation = present(issue())
    with pytest.raises(VcError) as wrong_issuer:
        verify(presentation, expected_issuer="did:bid:someone-else")
    with pytest.raises(VcError) as wrong_vct:
        verify(presentation, expected_vct="https://other/vct")
    assert error_code(wrong_issuer) == ("vc", 13)
    assert error_code(wrong_vct) == ("vc", 2)


@pytest.mark.parametrize("text", ["no-tilde", "a.b.c~~", "~x~", "a.b.c~WyJ=~"])
def test_malformed_serializations_are_refused(text: str) -> None:
    with pytest.raises(VcError) as exc:
        verify(text)
    assert exc.value.code in (2, 4)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        verify(present(issue()), now=datetime(2025, 6, 1))
