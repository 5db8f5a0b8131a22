"""Shared keys, identities, times and sample subjects for the ``bayledger.vc`` unit tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bayledger.keys import Ed25519SigningKey, SigningKey, Sm2SigningKey
from bayledger.vc import Multikey, StaticKeyResolver

ISSUED = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
VALID_UNTIL = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Party:
    """A key with its did:bid and verification method id."""

    key: SigningKey

    @property
    def did(self) -> str:
        return self.key.did()

    @property
    def vm(self) -> str:
        return f"{self.did}#key-1"

    @property
    def multikey(self) -> Multikey:
        return Multikey(self.key.key_type, self.key.public_key)


def ed_party(n: int) -> Party:
    return Party(Ed25519SigningKey.from_seed(bytes([n]) * 32))


def sm2_party(n: int) -> Party:
    return Party(Sm2SigningKey.from_private_bytes(n.to_bytes(32, "big")))


def resolver(*parties: Party) -> StaticKeyResolver:
    return StaticKeyResolver({party.vm: party.multikey for party in parties})


def subject(credential_type: str, holder: str) -> dict[str, Any]:
    """A valid credentialSubject of ``credential_type`` about ``holder``."""
    samples: dict[str, dict[str, Any]] = {
        "KycCredential": {
            "kycLevel": 2,
            "jurisdiction": "HK",
            "expiry": "2027-01-01T00:00:00Z",
            "customerType": "individual",
        },
        "ProfessionalInvestorCredential": {
            "investorCategory": "individual",
            "jurisdiction": "HK",
            "assessmentDate": "2024-12-15",
            "legalBasis": "SFO Cap. 571 Sch. 1 Pt. 1; Cap. 571D s. 5",
        },
        "LicensedBankCredential": {
            "legalName": "Harbour Bank Limited",
            "licenceType": "licensed-bank",
            "regulator": "HKMA",
            "licenceNumber": "HKMA-LB-0042",
            "jurisdiction": "HK",
        },
        "ExternalReviewerCredential": {
            "legalName": "Pearl River Green Review Co.",
            "reviewTypes": ["second-party-opinion", "verification"],
            "accreditations": ["HKQAA Green Finance Certification Scheme"],
            "jurisdiction": "CN-SZ",
        },
        "CarbonVerifierCredential": {
            "legalName": "Bay Carbon Verification Ltd",
            "accreditationBody": "CNAS",
            "standards": ["ISO 14064-3", "ISO 14065", "CCER"],
            "sectoralScopes": [1, 3, 14],
            "jurisdiction": "CN-GD",
        },
        "CarbonRetirementCertificate": {
            "type": "CarbonRetirement",
            "retirementId": "RET-C01-001-20240101-20241231-001-0001",
            "chainId": "bayledger-hk-1",
            "height": 12,
            "beneficiary": "Harbour Airlines Ltd",
            "retirementJurisdiction": "HK",
            "batchId": "C01-001-20240101-20241231-001",
            "projectId": "C01-001",
            "vintageStart": "2024-01-01",
            "vintageEnd": "2024-12-31",
            "creditType": "C",
            "unit": "tCO2e",
            "precision": 3,
            "quantity": "100.000",
            "amount": 100000,
            "serialRanges": ["600001-700000"],
            "claimId": "CLM-00000001",
        },
        "DataRecipientCredential": {
            "legalName": "Qianhai Data Services Co., Ltd.",
            "registeredCity": "Shenzhen",
            "registrationNumber": "91440300MA5FXXXX1X",
        },
        "GreenBondReviewCredential": {
            "frameworkId": "GBF-000001",
            "frameworkDocumentHash": "ab" * 32,
            "reviewType": "second-party-opinion",
            "opinion": "aligned",
            "principles": "ICMA Green Bond Principles (June 2021, with June 2022 Appendix 1)",
        },
    }
    return {"id": holder, **samples[credential_type]}
