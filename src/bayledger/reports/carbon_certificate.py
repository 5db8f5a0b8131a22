"""Carbon retirement certificates: a W3C Verifiable Credential (``CarbonRetirementCertificate``,
``eddsa-jcs-2022`` or the SM2 suite) built off chain from the on-chain retirement, and its PDF.

A **certificate package** is one JSON file anyone can verify offline, with nothing but the zone's
genesis: the credential, plus light-client proof answers (``GET /v1/proofs/...``) of the retirement, its
batch and project records and of the issuer's account (its public keys). :func:`verify_certificate`
checks the proofs against the genesis validators, the credential's signature with a key of the proven
issuer account, and that every field of the certificate equals the proven records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bayledger.core.encoding import b64decode
from bayledger.core.genesis import Genesis
from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.carbon.ledger import retirement_key
from bayledger.core.modules.carbon.rules import REGISTRAR_ROLE, format_quantity
from bayledger.core.modules.carbon.state import batch_key, project_key, type_key
from bayledger.core.modules.governance.state import member_key
from bayledger.keys import SigningKey
from bayledger.reports.pdf import PdfReport, Section, render_pdf
from bayledger.sdk.carbon import CarbonApi
from bayledger.sdk.client import Client
from bayledger.sdk.verify import verify_proof_answer
from bayledger.vc import issue_credential
from bayledger.vc.credentials import verify_credential
from bayledger.vc.data_integrity import StaticKeyResolver
from bayledger.vc.errors import VcError
from bayledger.vc.multikey import Multikey
from bayledger.vc.timestamps import format_datetime

CERTIFICATE_TYPE = "CarbonRetirementCertificate"
PACKAGE_TYPE = "BayledgerCarbonRetirementCertificatePackage"
PROOF_ATTEMPTS = 10


class CertificateError(ValueError):
    """A certificate package does not verify (the message says which check failed)."""


@dataclass(frozen=True)
class VerifiedCertificate:
    """A certificate whose signature, proofs and fields all checked out."""

    credential: dict[str, Any]
    subject: dict[str, Any]
    issuer: str
    height: int


def _block_time(ms: int) -> str:
    return format_datetime(datetime.fromtimestamp(ms // 1000, UTC) + timedelta(milliseconds=ms % 1000))


def certificate_subject(retirement: dict[str, Any], chain_id: str) -> dict[str, Any]:
    """The credentialSubject of a retirement answer (``GET /v1/carbon/retirements/{id}``)."""
    batch, project = retirement["batch"], retirement["project"]
    return {
        "id": retirement["owner"],
        "type": "CarbonRetirement",
        "retirementId": retirement["retirement_id"],
        "chainId": chain_id,
        "height": retirement["height"],
        "txHash": retirement["tx_hash"],
        "retiredAt": _block_time(retirement["time"]),
        "beneficiary": retirement["beneficiary"],
        "reason": retirement["reason"],
        "retirementJurisdiction": retirement["jurisdiction"],
        "batchId": retirement["batch_id"],
        "projectId": retirement["project_id"],
        "projectName": project["name_en"],
        "projectNameZh": project["name_zh"],
        "projectJurisdiction": project["jurisdiction"],
        "methodology": project["methodology"],
        "vintageStart": batch["vintage_start"],
        "vintageEnd": batch["vintage_end"],
        "creditType": batch["credit_type"],
        "unit": batch["unit"],
        "precision": batch["precision"],
        "quantity": format_quantity(retirement["amount"], batch["precision"]).replace(",", ""),
        "amount": retirement["amount"],
        "serialRanges": [f"{first}-{last}" for first, last in retirement["ranges"]],
        "claimId": retirement["claim_id"],
        "authorization": batch["authorization"],
        "hostCountry": batch["host_country"],
        "adjustmentStatus": batch["adjustment_status"],
    }


def issue_certificate(
    retirement: dict[str, Any],
    *,
    chain_id: str,
    issuer: str,
    signing_key: SigningKey,
    issued_at: datetime,
    verification_method: str | None = None,
) -> dict[str, Any]:
    """Sign the retirement's certificate as ``issuer`` (the registry operator) with ``signing_key``."""
    return issue_credential(
        credential_type=CERTIFICATE_TYPE,
        subject=certificate_subject(retirement, chain_id),
        issuer=issuer,
        signing_key=signing_key,
        verification_method=verification_method or f"{issuer}#key-1",
        issued_at=issued_at,
        credential_id=f"urn:bayledger:{chain_id}:carbon:certificate:{retirement['retirement_id']}",
        name="Carbon credit retirement certificate",
    )


def certificate_package(
    credential: dict[str, Any],
    *,
    retirement_proof: dict[str, Any],
    batch_proof: dict[str, Any],
    project_proof: dict[str, Any],
    credit_type_proof: dict[str, Any],
    issuer_account_proof: dict[str, Any],
    issuer_member_proof: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The one JSON document a verifier needs (with the zone's genesis) to check a certificate offline.
    All proofs must come from one height; ``issuer_member_proof`` proves the issuer's consortium role."""
    return {
        "type": PACKAGE_TYPE,
        "credential": credential,
        "proofs": {
            "retirement": retirement_proof,
            "batch": batch_proof,
            "project": project_proof,
            "creditType": credit_type_proof,
            "issuerAccount": issuer_account_proof,
            **({"issuerMember": issuer_member_proof} if issuer_member_proof is not None else {}),
        },
    }


def _proven(genesis: Genesis, package: dict[str, Any], name: str, key: bytes) -> dict[str, Any]:
    answer = package.get("proofs", {}).get(name)
    if not isinstance(answer, dict) or answer.get("key") != key.hex():
        raise CertificateError(f"the package has no proof of the {name} record {key.decode()!r}")
    try:
        value = verify_proof_answer(genesis, answer)
    except Exception as exc:  # LightClientError and malformed answers alike
        raise CertificateError(f"the {name} proof does not verify: {exc}") from None
    if not isinstance(value, dict):
        raise CertificateError(f"the {name} record does not exist on chain")
    return value


def _check_one_height(package: dict[str, Any]) -> None:
    """Every proof of the package is of one height: the issuer's keys and role are those in force with the
    records shown (an old account proof cannot lend a rotated-out key to a new certificate)."""
    proofs = package.get("proofs")
    heights = (
        {p.get("height") for p in proofs.values() if isinstance(p, dict)}
        if isinstance(proofs, dict)
        else set()
    )
    if len(heights) != 1:
        raise CertificateError(f"the package's proofs are of several heights {sorted(map(str, heights))}")


def _issuer_keys(account: dict[str, Any]) -> list[Multikey]:
    """Keys of the issuer account that can act alone (weight >= threshold)."""
    return [
        Multikey(s["key_type"], b64decode(s["public_key"]))
        for s in account["signers"]
        if s["weight"] >= account["threshold"]
    ]


def _verify_signature(credential: dict[str, Any], account: dict[str, Any], now: datetime) -> Any:
    proofs = credential.get("proof")
    method = proofs.get("verificationMethod") if isinstance(proofs, dict) else None
    if not isinstance(method, str):
        raise CertificateError("the credential has no single proof with a verificationMethod")
    for key in _issuer_keys(account):
        try:
            return verify_credential(credential, resolve_key=StaticKeyResolver({method: key}), now=now)
        except VcError:
            continue
    raise CertificateError("no key of the proven issuer account signed this certificate")


def verify_certificate(
    package: dict[str, Any], *, genesis: Genesis, now: datetime, trusted_issuers: set[str] | None = None
) -> VerifiedCertificate:
    """Verify a certificate package offline against ``genesis``; raise CertificateError on any failure."""
    credential = package.get("credential")
    if package.get("type") != PACKAGE_TYPE or not isinstance(credential, dict):
        raise CertificateError(f"not a {PACKAGE_TYPE}")
    subject = credential.get("credentialSubject")
    issuer = credential.get("issuer")
    if not isinstance(subject, dict) or not isinstance(issuer, str):
        raise CertificateError("the credential has no single subject or issuer")
    types = credential.get("type")
    if not isinstance(types, list) or CERTIFICATE_TYPE not in types:
        raise CertificateError(f"the credential is not a {CERTIFICATE_TYPE}")
    _check_one_height(package)
    if trusted_issuers is not None:
        if issuer not in trusted_issuers:
            raise CertificateError(f"issuer {issuer} is not trusted to issue certificates")
    else:  # by default only the registry's registrar (a proven consortium role) issues certificates
        member = _proven(genesis, package, "issuerMember", member_key(issuer))  # absent: not a member
        if REGISTRAR_ROLE not in member.get("roles", []):
            raise CertificateError(f"issuer {issuer} is not a consortium member with role {REGISTRAR_ROLE!r}")
    account = _proven(genesis, package, "issuerAccount", account_key(issuer))
    _verify_signature(credential, account, now)
    retirement = _proven(genesis, package, "retirement", retirement_key(str(subject.get("retirementId"))))
    batch = _proven(genesis, package, "batch", batch_key(retirement["batch_id"]))
    project = _proven(genesis, package, "project", project_key(retirement["project_id"]))
    credit_type = _proven(genesis, package, "creditType", type_key(batch["credit_type"]))
    expected = certificate_subject(
        {
            **retirement,
            "batch": {**batch, "precision": credit_type["precision"], "unit": credit_type["unit"]},
            "project": project,
        },
        genesis.chain_id,
    )
    differing = sorted(
        name for name in set(expected) | set(subject) if expected.get(name) != subject.get(name)
    )
    if differing:
        raise CertificateError(f"certificate fields differ from the proven records: {', '.join(differing)}")
    return VerifiedCertificate(credential, subject, issuer, int(retirement["height"]))


def render_certificate_pdf(credential: dict[str, Any]) -> bytes:
    """The certificate as a one-page PDF (reproducible bytes), with a QR code of its identifiers."""
    s = credential["credentialSubject"]
    proof = credential.get("proof", {})
    quantity = f"{s['quantity']} {s['unit']}"
    return render_pdf(
        PdfReport(
            title="Carbon Credit Retirement Certificate",
            subtitle=f"碳信用註銷證書 | {quantity} retired for {s['beneficiary']}",
            subject=s["retirementId"],
            qr_payload=f"{s['chainId']}/{s['retirementId']}/{s['claimId']}",
            sections=[
                Section(
                    "Retirement",
                    rows=[
                        ("Retirement id", s["retirementId"]),
                        ("Beneficiary", s["beneficiary"]),
                        ("Quantity", f"{quantity} ({s['amount']:,} serials)"),
                        ("Reason", s["reason"] or "-"),
                        ("Jurisdiction", s["retirementJurisdiction"]),
                        ("Retired by", s["id"]),
                        ("Retired at", f"{s['retiredAt']} (block {s['height']} of {s['chainId']})"),
                        ("Transaction", s.get("txHash", "")),
                        ("Claim", f"{s['claimId']} (claims registry: never counted twice)"),
                    ],
                ),
                Section(
                    "Credits",
                    rows=[
                        ("Batch", s["batchId"]),
                        ("Serials", ", ".join(s["serialRanges"])),
                        ("Project", f"{s['projectId']} {s.get('projectName', '')}"),
                        ("項目名稱", s.get("projectNameZh", "") or "-"),
                        ("Project jurisdiction", s.get("projectJurisdiction", "")),
                        ("Methodology", s.get("methodology", "")),
                        ("Vintage", f"{s['vintageStart']} to {s['vintageEnd']}"),
                        ("Credit type", f"{s['creditType']} ({s['unit']}, {s['precision']} decimals)"),
                        (
                            "Paris Art. 6",
                            f"{s.get('authorization', '')} {s.get('hostCountry', '')} "
                            f"{s.get('adjustmentStatus', '')}".strip(),
                        ),
                    ],
                ),
                Section(
                    "Verification",
                    rows=[
                        ("Issuer", credential["issuer"]),
                        ("Credential", credential.get("id", "")),
                        ("Proof", f"{proof.get('type', '')} {proof.get('cryptosuite', '')}"),
                        ("Signed", proof.get("created", "")),
                    ],
                    paragraphs=[
                        "This PDF shows a W3C Verifiable Credential. Verify the certificate package (JSON) "
                        "offline with the zone's genesis: bayledger carbon verify-certificate <package.json> "
                        "--genesis genesis.json. It checks the signature and proves every field against "
                        "a block header signed by the zone's validators."
                    ],
                ),
            ],
            footer=f"bayledger | {s['chainId']} | proofValue {str(proof.get('proofValue', ''))[:40]}...",
        )
    )


def build_certificate_package(
    client: Client, retirement_id: str, *, issuer: str, signing_key: SigningKey, issued_at: datetime
) -> dict[str, Any]:
    """Fetch a retirement and the proofs of its records from a node, sign its certificate as ``issuer``,
    and return the package (verify it with :func:`verify_certificate`)."""
    retirement = CarbonApi(client).retirement(retirement_id)
    chain_id = str(client.status()["chain_id"])
    credential = issue_certificate(
        retirement, chain_id=chain_id, issuer=issuer, signing_key=signing_key, issued_at=issued_at
    )
    wanted = {
        "retirement_proof": ("carbon", "retirement", retirement_id),
        "batch_proof": ("carbon", "batch", retirement["batch_id"]),
        "project_proof": ("carbon", "project", retirement["project_id"]),
        "credit_type_proof": ("carbon", "type", retirement["batch"]["credit_type"]),
        "issuer_account_proof": ("accounts", "account", issuer),
        "issuer_member_proof": ("governance", "member", issuer),
    }
    for _ in range(PROOF_ATTEMPTS):  # blocks may commit between the reads: retry until one height
        proofs = {name: client.get_proof(*where) for name, where in wanted.items()}
        if len({answer["height"] for answer in proofs.values()}) == 1:
            return certificate_package(credential, **proofs)
    raise CertificateError(
        f"the node kept committing blocks while the proofs were read ({PROOF_ATTEMPTS} tries)"
    )
