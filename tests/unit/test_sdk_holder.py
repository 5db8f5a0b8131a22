"""The holder wallet: credential files, listing, W3C presentations and SD-JWT presentations."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bayledger.keys import Ed25519SigningKey
from bayledger.sdk.holder import HolderError, HolderWallet, credentials_dir
from bayledger.vc import StaticKeyResolver, encode_public_key, issue_credential, verify_presentation
from bayledger.vc.errors import ChallengeMismatchError, MalformedDocumentError
from bayledger.vc.sdjwt import issue_sd_jwt_vc, verify_sd_jwt_vc

ISSUER = Ed25519SigningKey.from_seed(b"\x0a" * 32)
HOLDER = Ed25519SigningKey.from_seed(b"\x0b" * 32)
ISSUER_DID, HOLDER_DID = ISSUER.did(), HOLDER.did()
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RESOLVER = StaticKeyResolver(
    {
        f"{ISSUER_DID}#key-1": encode_public_key("ed25519", ISSUER.public_key),
        f"{HOLDER_DID}#key-1": encode_public_key("ed25519", HOLDER.public_key),
    }
)


def kyc(credential_id: str = "urn:uuid:kyc-1") -> dict[str, Any]:
    return issue_credential(
        credential_type="KycCredential",
        subject={"id": HOLDER_DID, "kycLevel": 2, "jurisdiction": "HK", "expiry": "2099-01-01T00:00:00Z"},
        issuer=ISSUER_DID,
        signing_key=ISSUER,
        verification_method=f"{ISSUER_DID}#key-1",
        issued_at=NOW - timedelta(days=1),
        credential_id=credential_id,
    )


def sd_jwt() -> str:
    return issue_sd_jwt_vc(
        issuer=ISSUER_DID,
        vct="https://bayledger.dev/vct/kyc",
        signing_key=ISSUER,
        holder_public_key=HOLDER.public_key,
        issued_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=30),
        disclosable_claims={"jurisdiction": "HK", "kyc_level": 2, "name": "Chan Tai Man"},
    )


@pytest.fixture
def wallet(tmp_path: Path) -> HolderWallet:
    return HolderWallet(credentials_dir(tmp_path), HOLDER, HOLDER_DID)


def test_import_list_get_and_remove(wallet: HolderWallet, tmp_path: Path) -> None:
    assert wallet.list_credentials() == []
    ref = wallet.import_credential(kyc())
    assert wallet.import_credential(kyc()) == ref  # same credential, one file
    sd_ref = wallet.import_credential(sd_jwt())
    stored = {s.ref: s.to_dict() for s in wallet.list_credentials()}
    assert set(stored) == {ref, sd_ref}
    assert stored[ref]["format"] == "vc" and stored[ref]["types"] == ["VerifiableCredential", "KycCredential"]
    assert stored[ref]["issuer"] == ISSUER_DID and stored[ref]["subject"] == HOLDER_DID
    assert stored[ref]["id"] == "urn:uuid:kyc-1"
    assert stored[sd_ref]["format"] == "sd-jwt" and stored[sd_ref]["issuer"] == ISSUER_DID
    assert stored[sd_ref]["types"] == ["https://bayledger.dev/vct/kyc"]
    path = Path(stored[ref]["path"])
    assert path.parent == tmp_path / "credentials" and path.suffix == ".json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert wallet.get(ref[:6]) == kyc()
    wallet.remove(ref)
    assert [s.ref for s in wallet.list_credentials()] == [sd_ref]
    with pytest.raises(HolderError, match="no credential"):
        wallet.get(ref)


def test_import_file_and_refusals(wallet: HolderWallet, tmp_path: Path) -> None:
    source = tmp_path / "kyc.json"
    source.write_text(json.dumps(kyc("urn:uuid:kyc-2")))
    ref = wallet.import_file(source)
    assert wallet.get(ref)["id"] == "urn:uuid:kyc-2"  # type: ignore[index]
    text = tmp_path / "kyc.sdjwt"
    text.write_text(sd_jwt() + "\n")
    assert isinstance(wallet.get(wallet.import_file(text)), str)
    with pytest.raises(HolderError, match="not a verifiable credential"):
        wallet.import_credential({"type": ["Something"]})
    with pytest.raises(MalformedDocumentError):
        wallet.import_credential("not an sd-jwt")
    bad = tmp_path / "list.json"
    bad.write_text("[1]")
    with pytest.raises(HolderError):
        wallet.import_file(bad)


def test_ambiguous_prefix_is_refused(wallet: HolderWallet) -> None:
    refs = [wallet.import_credential(kyc(f"urn:uuid:kyc-{n}")) for n in range(40)]
    with pytest.raises(HolderError, match="matches"):
        wallet.get("")
    assert all(wallet.get(r) for r in refs)


def test_presentation_verifies_with_challenge_and_domain(wallet: HolderWallet) -> None:
    ref = wallet.import_credential(kyc())
    vp = wallet.present([ref], challenge="nonce-1", domain="bank.example", created=NOW)
    assert vp["holder"] == HOLDER_DID and vp["verifiableCredential"] == [kyc()]
    assert vp["proof"]["verificationMethod"] == f"{HOLDER_DID}#key-1"
    verified = verify_presentation(
        vp,
        resolve_key=RESOLVER,
        now=NOW,
        challenge="nonce-1",
        domain="bank.example",
        require_holder_is_subject=True,
    )
    assert verified.holder == HOLDER_DID and verified.credentials[0].credential_type == "KycCredential"
    with pytest.raises(ChallengeMismatchError):
        verify_presentation(vp, resolve_key=RESOLVER, now=NOW, challenge="other", domain="bank.example")


def test_sd_jwt_presentation_discloses_only_the_selected_claims(wallet: HolderWallet) -> None:
    ref = wallet.import_credential(sd_jwt())
    presented = wallet.present_sd_jwt(
        ref, disclose=["jurisdiction", "kyc_level"], audience="bank.example", nonce="n-1", issued_at=NOW
    )
    verified = verify_sd_jwt_vc(
        presented, issuer_public_key=ISSUER.public_key, now=NOW, audience="bank.example", nonce="n-1"
    )
    assert verified.claims == {"jurisdiction": "HK", "kyc_level": 2}
    assert "name" not in verified.claims and verified.issuer == ISSUER_DID


def test_formats_are_not_mixed(wallet: HolderWallet) -> None:
    vc_ref, sd_ref = wallet.import_credential(kyc()), wallet.import_credential(sd_jwt())
    with pytest.raises(HolderError, match="SD-JWT"):
        wallet.present([sd_ref], challenge="c", domain="d", created=NOW)
    with pytest.raises(HolderError, match="W3C"):
        wallet.present_sd_jwt(vc_ref, disclose=[], audience="a", nonce="n", issued_at=NOW)
