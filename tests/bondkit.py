"""Shared set-up of the bonds tests: the cash zone of ``cashkit`` plus a government issuer (GOVT, KYC'd),
an external reviewer (REVIEWER, trusted ExternalReviewerCredential), and the reference case of issue 4:
a 1-year HK$800,000,000 green bond at 4.05% ACT/365F, semi-annual, denomination HK$50,000, T+1.

Dates: the zone starts on 2023-11-15 (UTC+8); :func:`at` gives the block time of 10:00 UTC+8 on a date.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from bayledger.core.modules.bonds.msgs import (
    AllotmentLine,
    MsgAllocateBond,
    MsgCreateBond,
    MsgPlaceOrder,
    MsgPublishFramework,
    MsgRecordReview,
    MsgSettleBond,
)
from bayledger.core.modules.bonds.terms import BondTerms, compute_bond_id
from bayledger.core.modules.identity.msgs import MsgRegisterCredential
from bayledger.keys import SigningKey
from cashkit import ALICE, BANK, BOB, HKD, KYC_ISSUER, LICENSOR, cash_genesis, issue, ok, status
from corechain import Chain, content_hash, ed_key, genesis_account

GOVT, REVIEWER, PRO = ed_key(60), ed_key(61), ed_key(62)
ISIN = "HK0000098761"
BOND = compute_bond_id(ISIN)
HKD_MILLION = 100_000_000  # HK$1,000,000 in cents
FACE = 800 * HKD_MILLION
UNIT = 5_000_000  # HK$50,000


def at(day: str, hour: int = 10) -> int:
    """Block time (ms) of ``hour``:00 UTC+8 on ``day`` (YYYY-MM-DD)."""
    moment = datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")
    return int(moment.astimezone(UTC).timestamp() * 1000)


def bond_genesis() -> Any:
    """cashkit's zone with GOVT, REVIEWER and PRO accounts; LICENSOR is also trusted for reviews and
    professional-investor status."""
    genesis = cash_genesis()
    accounts = [*genesis.app_state["accounts"], *(genesis_account(k) for k in (GOVT, REVIEWER, PRO))]
    identity = dict(genesis.app_state["identity"])
    identity["trusted_issuers"] = [
        *identity["trusted_issuers"],
        {"issuer": LICENSOR.did(), "credential_type": "ExternalReviewerCredential", "jurisdictions": ["HK"]},
        {
            "issuer": LICENSOR.did(),
            "credential_type": "ProfessionalInvestorCredential",
            "jurisdictions": ["HK"],
        },
    ]
    app_state = {**genesis.app_state, "accounts": accounts, "identity": identity}
    return msgspec.structs.replace(genesis, app_state=app_state)


def credential(
    issuer: SigningKey, subject: SigningKey, kind: str, n: int, list_id: str
) -> MsgRegisterCredential:
    """A credential record of ``kind`` with status entry ``n`` in ``list_id``."""
    return MsgRegisterCredential(
        issuer=issuer.did(),
        credential_id=f"{kind}-{n}",
        credential_type=kind,
        subject=subject.did(),
        jurisdiction="HK",
        valid_from=0,
        valid_until=0,
        status_list_id=list_id,
        status_index=n,
        credential_hash=content_hash(500 + n),
    )


def terms(**changes: Any) -> BondTerms:
    """The reference bond's terms, with ``changes``."""
    base = BondTerms(
        isin=ISIN,
        name_en="HKSAR Government Green Bond 2024 (tokenised)",
        name_zh="香港特區政府綠色債券 2024（代幣化）",
        specified_currency="HKD",
        cash_token_id=HKD,
        aggregate_nominal_amount=FACE,
        specified_denomination=UNIT,
        coupon_rate=405,
        day_count_fraction="ACT/365F",
        interest_payment_frequency=2,
        business_day_convention="modified-following",
        issue_date="2023-11-16",
        maturity_date="2024-11-16",
        settlement_lag=1,
        record_date_offset=2,
        green=True,
        framework_id="GBF-000001",
    )
    return msgspec.structs.replace(base, **changes)


def framework_msg(issuer: SigningKey = GOVT, doc: int = 900) -> MsgPublishFramework:
    return MsgPublishFramework(
        issuer=issuer.did(),
        document_hash=content_hash(doc),
        uri="https://www.hkgb.gov.hk/green-bond-framework.pdf",
        name_en="HKSAR Green Bond Framework",
        name_zh="香港特區政府綠色債券框架",
        categories=["renewable-energy", "green-buildings"],
        project_evaluation="Projects screened by the Green Bond Steering Committee against the HK Taxonomy",
        management_of_proceeds="Proceeds credited to the Capital Works Reserve Fund and tracked per project",
        reporting="Annual allocation and impact report, externally verified",
    )


def review_msg(opinion: str = "aligned", reviewer: SigningKey = REVIEWER) -> MsgRecordReview:
    return MsgRecordReview(
        reviewer=reviewer.did(),
        framework_id="GBF-000001",
        opinion=opinion,
        credential_id="spo-2023-001",
        credential_hash=content_hash(901),
    )


def order(investor: SigningKey, amount: int, bond_id: str = BOND) -> MsgPlaceOrder:
    return MsgPlaceOrder(investor=investor.did(), bond_id=bond_id, amount=amount)


def allocate(method: str = "pro-rata", lines: dict[SigningKey, int] | None = None) -> MsgAllocateBond:
    allotments = [AllotmentLine(investor=k.did(), amount=a) for k, a in (lines or {}).items()]
    return MsgAllocateBond(issuer=GOVT.did(), bond_id=BOND, method=method, allotments=allotments)


def settle() -> MsgSettleBond:
    return MsgSettleBond(issuer=GOVT.did(), bond_id=BOND)


def prepared_chain() -> Chain:
    """The zone on 2023-11-15 with KYC for GOVT, ALICE and BOB, REVIEWER's credential, HK$500m for alice
    and HK$400m for bob, the framework published and reviewed "aligned"."""
    chain = Chain(bond_genesis())
    day = at("2023-11-15", 9)
    ok(
        chain,
        LICENSOR,
        [
            status(LICENSOR, "lic-rev", "revocation", []),
            credential(LICENSOR, BANK, "LicensedBankCredential", 1, "lic-rev"),
            credential(LICENSOR, REVIEWER, "ExternalReviewerCredential", 2, "lic-rev"),
            credential(LICENSOR, PRO, "ProfessionalInvestorCredential", 3, "lic-rev"),
        ],
        time=day,
    )
    ok(
        chain,
        KYC_ISSUER,
        [
            status(KYC_ISSUER, "rev-1", "revocation", []),
            credential(KYC_ISSUER, GOVT, "KycCredential", 10, "rev-1"),
            credential(KYC_ISSUER, ALICE, "KycCredential", 11, "rev-1"),
            credential(KYC_ISSUER, BOB, "KycCredential", 12, "rev-1"),
            credential(KYC_ISSUER, PRO, "KycCredential", 13, "rev-1"),
        ],
        time=day + 1000,
    )
    from cashkit import create_token

    ok(
        chain,
        BANK,
        [create_token(), issue(ALICE, 500 * HKD_MILLION), issue(BOB, 400 * HKD_MILLION)],
        time=day + 2000,
    )
    ok(chain, GOVT, [framework_msg()], time=day + 3000)
    ok(chain, REVIEWER, [review_msg()], time=day + 4000)
    return chain


def settled_chain() -> Chain:
    """The reference bond created, ordered (alice HK$500m, bob HK$400m: oversubscribed), allotted pro
    rata on 2023-11-15 and settled DvP on 2023-11-16 (T+1)."""
    chain = prepared_chain()
    ok(chain, GOVT, [MsgCreateBond(issuer=GOVT.did(), terms=terms())], time=at("2023-11-15", 10))
    ok(chain, ALICE, [order(ALICE, 500 * HKD_MILLION)], time=at("2023-11-15", 11))
    ok(chain, BOB, [order(BOB, 400 * HKD_MILLION)], time=at("2023-11-15", 12))
    ok(chain, GOVT, [allocate()], time=at("2023-11-15", 17))
    ok(chain, GOVT, [settle()], time=at("2023-11-16", 10))
    return chain


__all__ = ["ALICE", "BOB", "GOVT", "HKD", "PRO", "REVIEWER"]
