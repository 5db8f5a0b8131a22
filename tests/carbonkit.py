"""Shared set-up of the carbon and claims tests: a registrar, verifiers, a developer, holders.

A zone where ACCREDITOR is trusted for ``CarbonVerifierCredential`` (HK, CN); REGISTRAR is a consortium
member with role ``carbon-registrar`` and REGULATOR one with role ``regulator``. :func:`prepared_chain`
registers the verifier credentials of VERIFIER and VERIFIER2 (ROGUE has none), the credit type ``C``
(tCO2e, precision 3: 1 unit = 1 kg), the class ``C01`` (admin CLASS_ADMIN, issuer VERIFIER only), the
project ``C01-001`` (developer DEVELOPER, CN-GD) and the verification report ``ANC-00000001`` anchored
by DEVELOPER with ``verified_quantity`` 1000 tCO2e and attested by VERIFIER.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from bayledger.core.modules.anchor.msgs import MsgAttestAnchor, MsgCreateAnchor
from bayledger.core.modules.carbon.msgs import (
    MsgBridgeIn,
    MsgCancelCredits,
    MsgCreateClass,
    MsgCreateProject,
    MsgEscrowCredits,
    MsgIssueBatch,
    MsgRegisterCreditType,
    MsgReleaseEscrow,
    MsgRetireCredits,
    MsgTransferCredits,
)
from bayledger.core.modules.carbon.state import Document, IssuanceEntry
from bayledger.core.modules.identity.msgs import MsgRegisterCredential
from bayledger.core.msg import Module
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from corechain import Chain, content_hash, ed_key, make_genesis, sm2_key

REGISTRAR, REGULATOR, ACCREDITOR, CLASS_ADMIN = ed_key(70), ed_key(71), ed_key(72), ed_key(73)
VERIFIER, VERIFIER2, ROGUE, DEVELOPER = ed_key(74), sm2_key(75), ed_key(76), ed_key(77)
ALICE, BOB, CAROL = ed_key(78), ed_key(79), sm2_key(80)
ALL_KEYS = [
    REGISTRAR,
    REGULATOR,
    ACCREDITOR,
    CLASS_ADMIN,
    VERIFIER,
    VERIFIER2,
    ROGUE,
    DEVELOPER,
    ALICE,
    BOB,
    CAROL,
]
PROJECT = "C01-001"
BATCH = "C01-001-20240101-20241231-001"
REPORT = "ANC-00000001"
TONNE = 1_000  # units per tCO2e at precision 3


def _member(key: SigningKey, name: str, role: str) -> dict[str, Any]:
    return {"did": key.did(), "name_en": name, "jurisdiction": "HK", "roles": [role], "weight": 1}


def carbon_genesis() -> Any:
    genesis = make_genesis(ALL_KEYS)
    trusted = [
        {
            "issuer": ACCREDITOR.did(),
            "credential_type": "CarbonVerifierCredential",
            "jurisdictions": ["HK", "CN"],
        }
    ]
    members = [
        _member(REGISTRAR, "Registrar", "carbon-registrar"),
        _member(REGULATOR, "Regulator", "regulator"),
    ]
    app_state = dict(
        genesis.app_state,
        identity={"trusted_issuers": trusted},
        governance={"members": members, "voting_period": 10},
    )
    return msgspec.structs.replace(genesis, app_state=app_state)


def verifier_credential(key: SigningKey, n: int) -> MsgRegisterCredential:
    return MsgRegisterCredential(
        issuer=ACCREDITOR.did(),
        credential_id=f"vvb-{n}",
        credential_type="CarbonVerifierCredential",
        subject=key.did(),
        jurisdiction="HK",
        valid_from=0,
        valid_until=0,
        status_list_id="",
        status_index=0,
        credential_hash=content_hash(300 + n),
    )


def credit_type(abbreviation: str = "C", precision: int = 3, unit: str = "tCO2e") -> MsgRegisterCreditType:
    return MsgRegisterCreditType(
        authority=REGISTRAR.did(), abbreviation=abbreviation, name="Carbon", unit=unit, precision=precision
    )


def create_class(issuers: Sequence[SigningKey] = (VERIFIER,), credit: str = "C") -> MsgCreateClass:
    return MsgCreateClass(
        authority=REGISTRAR.did(),
        credit_type=credit,
        admin=CLASS_ADMIN.did(),
        issuers=[k.did() for k in issuers],
        methodology="VM0042",
        name_en="Improved agricultural land management",
        name_zh="改良農地管理",
    )


def create_project(creator: SigningKey = VERIFIER, class_id: str = "C01") -> MsgCreateProject:
    return MsgCreateProject(
        creator=creator.did(),
        class_id=class_id,
        developer=DEVELOPER.did(),
        jurisdiction="CN-GD",
        location="Zhaoqing, Guangdong",
        methodology="CCER-14-001-V01",
        name_en="Zhaoqing mangrove restoration",
        name_zh="肇慶紅樹林修復",
        reference="CCER-1234",
        documents=[Document(name="PDD", hash=content_hash(400))],
    )


def report(n: int, quantity: str = "1000") -> MsgCreateAnchor:
    return MsgCreateAnchor(
        owner=DEVELOPER.did(),
        content_hash=content_hash(500 + n),
        hash_algorithm="sha256",
        anchor_type="verification-report",
        uri="",
        metadata={"verified_quantity": quantity},
    )


def attest(anchor_id: str, key: SigningKey = VERIFIER) -> MsgAttestAnchor:
    return MsgAttestAnchor(attester=key.did(), anchor_id=anchor_id, statement="verified", evidence_hash="")


def entry(key: SigningKey, tradable: int, retired: int = 0, beneficiary: str = "") -> IssuanceEntry:
    return IssuanceEntry(
        recipient=key.did(),
        tradable_amount=tradable,
        retired_amount=retired,
        beneficiary=beneficiary,
        reason="offset" if retired else "",
        jurisdiction="HK" if retired else "",
    )


def issue(
    entries: Sequence[IssuanceEntry],
    *,
    issuer: SigningKey = VERIFIER,
    anchor_id: str = REPORT,
    project: str = PROJECT,
    vintage: tuple[str, str] = ("2024-01-01", "2024-12-31"),
    **article6: str,
) -> MsgIssueBatch:
    return MsgIssueBatch(
        issuer=issuer.did(),
        project_id=project,
        vintage_start=vintage[0],
        vintage_end=vintage[1],
        report_anchor_id=anchor_id,
        issuance=list(entries),
        **article6,
    )


def transfer(
    sender: SigningKey,
    recipient: SigningKey,
    amount: int,
    serials: Sequence[tuple[int, int]] = (),
    **retire: Any,
) -> MsgTransferCredits:
    return MsgTransferCredits(
        sender=sender.did(),
        recipient=recipient.did(),
        batch_id=BATCH,
        amount=amount,
        serials=list(serials),
        **retire,
    )


def retire(
    owner: SigningKey,
    amount: int,
    serials: Sequence[tuple[int, int]] = (),
    beneficiary: str = "Harbour Airlines Ltd",
    batch_id: str = BATCH,
) -> MsgRetireCredits:
    return MsgRetireCredits(
        owner=owner.did(),
        batch_id=batch_id,
        amount=amount,
        beneficiary=beneficiary,
        reason="2025 scope 1 offset",
        jurisdiction="HK",
        serials=list(serials),
    )


def cancel(owner: SigningKey, amount: int, target: tuple[str, str] = ("", "")) -> MsgCancelCredits:
    return MsgCancelCredits(
        owner=owner.did(),
        batch_id=BATCH,
        amount=amount,
        reason="bridge out",
        target_registry=target[0],
        target_reference=target[1],
    )


def escrow(owner: SigningKey, amount: int, agent: SigningKey = CAROL) -> MsgEscrowCredits:
    return MsgEscrowCredits(
        owner=owner.did(), batch_id=BATCH, amount=amount, agent=agent.did(), reference="order-1"
    )


def release(agent: SigningKey, escrow_id: str, recipient: SigningKey) -> MsgReleaseEscrow:
    return MsgReleaseEscrow(agent=agent.did(), escrow_id=escrow_id, recipient=recipient.did())


def bridge_in(
    reference: str, first: int, last: int, *, issuer: SigningKey = VERIFIER, recipient: SigningKey = ALICE
) -> MsgBridgeIn:
    return MsgBridgeIn(
        issuer=issuer.did(),
        project_id=PROJECT,
        vintage_start="2023-01-01",
        vintage_end="2023-12-31",
        origin_registry="verra",
        origin_batch="VCS-1234-2023",
        origin_reference=reference,
        origin_first=first,
        origin_last=last,
        recipient=recipient.did(),
    )


def run(chain: Chain, key: SigningKey, msgs: list[Any]) -> Any:
    """Apply one tx in its own block and return its result."""
    return chain.apply([chain.tx(key, msgs)]).results[0]


def ok(chain: Chain, key: SigningKey, msgs: list[Any]) -> Any:
    result = run(chain, key, msgs)
    assert (result.code, result.log) == (0, ""), result.log
    assert check_invariants(chain.app, chain.state) == []
    return result


def prepared_chain(modules: Sequence[Module] | None = None) -> Chain:
    """The zone with verifier credentials, type C, class C01, project C01-001 and an attested report."""
    chain = Chain(carbon_genesis(), modules=modules)
    ok(chain, ACCREDITOR, [verifier_credential(VERIFIER, 1), verifier_credential(VERIFIER2, 2)])
    ok(chain, REGISTRAR, [credit_type(), create_class()])
    ok(chain, VERIFIER, [create_project()])
    ok(chain, DEVELOPER, [report(1)])
    ok(chain, VERIFIER, [attest(REPORT)])
    return chain
