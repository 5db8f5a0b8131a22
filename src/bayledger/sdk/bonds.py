"""Message builders of the bonds module. Every builder returns the JSON object a tx body carries
(``{"type": "bonds/Msg…", …}``), built through the structs of ``core/modules/bonds/msgs.py`` so the
stateless checks are the ledger's own. Amounts are minor units of the bond's currency.

>>> terms = bond_terms(isin="HK0000098761", name_en="Green Bond", currency="HKD", cash_token_id=hkd,
...                    face=80_000_000_000, denomination=5_000_000, coupon_rate=405,
...                    issue_date="2026-12-02", maturity_date="2027-12-02", framework_id="GBF-000001")
>>> govt.send(create_bond(govt.did, terms))
"""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.modules.bonds import msgs as m
from bayledger.core.modules.bonds.terms import BondTerms, Kpi, compute_bond_id
from bayledger.sdk.builders import msg_to_dict

__all__ = ["BondTerms", "Kpi", "compute_bond_id"]


def bond_terms(
    *,
    isin: str,
    name_en: str,
    currency: str,
    cash_token_id: str,
    face: int,
    denomination: int,
    coupon_rate: int | str,
    issue_date: str,
    maturity_date: str,
    framework_id: str = "",
    name_zh: str = "",
    day_count: str = "ACT/365F",
    frequency: int = 2,
    business_day_rule: str = "modified-following",
    settlement_lag: int = 1,
    record_date_offset: int = 0,
    kpi: Kpi | None = None,
    professional_only: bool = False,
) -> BondTerms:
    """Bond terms with the common defaults (ACT/365F, semi-annual, modified following, T+1); a
    ``framework_id`` makes the bond green."""
    return BondTerms(
        isin=isin,
        name_en=name_en,
        name_zh=name_zh,
        specified_currency=currency,
        cash_token_id=cash_token_id,
        aggregate_nominal_amount=face,
        specified_denomination=denomination,
        coupon_rate=coupon_rate,
        day_count_fraction=day_count,
        interest_payment_frequency=frequency,
        business_day_convention=business_day_rule,
        issue_date=issue_date,
        maturity_date=maturity_date,
        settlement_lag=settlement_lag,
        record_date_offset=record_date_offset,
        professional_only=professional_only,
        green=bool(framework_id),
        framework_id=framework_id,
        kpi=kpi,
    )


def publish_framework(
    issuer: str,
    document_hash: str,
    *,
    name_en: str,
    categories: list[str],
    project_evaluation: str,
    management_of_proceeds: str,
    reporting: str,
    uri: str = "",
    name_zh: str = "",
) -> dict[str, Any]:
    """``bonds/MsgPublishFramework``: the four ICMA GBP components and the document's hash."""
    return msg_to_dict(
        m.MsgPublishFramework(
            issuer=issuer,
            document_hash=document_hash,
            uri=uri,
            name_en=name_en,
            name_zh=name_zh,
            categories=categories,
            project_evaluation=project_evaluation,
            management_of_proceeds=management_of_proceeds,
            reporting=reporting,
        )
    )


def record_review(
    reviewer: str, framework_id: str, opinion: str, credential_id: str, credential_hash: str
) -> dict[str, Any]:
    """``bonds/MsgRecordReview``: a second-party opinion (a VC signed off chain) on a framework."""
    return msg_to_dict(m.MsgRecordReview(reviewer, framework_id, opinion, credential_id, credential_hash))


def create_bond(issuer: str, terms: BondTerms) -> dict[str, Any]:
    """``bonds/MsgCreateBond``: create the bond and open its book."""
    return msg_to_dict(m.MsgCreateBond(issuer=issuer, terms=terms))


def place_order(investor: str, bond_id: str, amount: int) -> dict[str, Any]:
    """``bonds/MsgPlaceOrder``: an order (0 withdraws it)."""
    return msg_to_dict(m.MsgPlaceOrder(investor=investor, bond_id=bond_id, amount=amount))


def allocate_bond(
    issuer: str, bond_id: str, method: str = "pro-rata", lines: dict[str, int] | None = None
) -> dict[str, Any]:
    """``bonds/MsgAllocateBond``: pro rata to the book, or discretionary ``{investor: amount}``."""
    allotments = [m.AllotmentLine(investor=did, amount=amount) for did, amount in (lines or {}).items()]
    return msg_to_dict(
        m.MsgAllocateBond(issuer=issuer, bond_id=bond_id, method=method, allotments=allotments)
    )


def settle_bond(issuer: str, bond_id: str) -> dict[str, Any]:
    """``bonds/MsgSettleBond``: DvP for every allotment at once."""
    return msg_to_dict(m.MsgSettleBond(issuer=issuer, bond_id=bond_id))


def pay_coupon(issuer: str, bond_id: str, index: int) -> dict[str, Any]:
    """``bonds/MsgPayCoupon``: coupon ``index`` to the holders of record."""
    return msg_to_dict(m.MsgPayCoupon(issuer=issuer, bond_id=bond_id, index=index))


def redeem_bond(issuer: str, bond_id: str) -> dict[str, Any]:
    """``bonds/MsgRedeemBond``: repay the face amount to every holder."""
    return msg_to_dict(m.MsgRedeemBond(issuer=issuer, bond_id=bond_id))


def pay_withheld(issuer: str, bond_id: str, holder: str) -> dict[str, Any]:
    """``bonds/MsgPayWithheld``: pay a holder what was withheld from it (coupons, redemption)."""
    return msg_to_dict(m.MsgPayWithheld(issuer=issuer, bond_id=bond_id, holder=holder))


def transfer_bond(sender: str, bond_id: str, recipient: str, amount: int) -> dict[str, Any]:
    """``bonds/MsgTransferBond``: free of payment to another eligible holder."""
    return msg_to_dict(m.MsgTransferBond(sender=sender, bond_id=bond_id, recipient=recipient, amount=amount))


def offer_bond(seller: str, bond_id: str, buyer: str, amount: int, cash: int) -> dict[str, Any]:
    """``bonds/MsgOfferBond``: escrow bonds in a DvP offer to one buyer."""
    return msg_to_dict(m.MsgOfferBond(seller=seller, bond_id=bond_id, buyer=buyer, amount=amount, cash=cash))


def accept_offer(buyer: str, offer_id: str) -> dict[str, Any]:
    """``bonds/MsgAcceptOffer``: settle an offer DvP."""
    return msg_to_dict(m.MsgAcceptOffer(buyer=buyer, offer_id=offer_id))


def pledge_bond(holder: str, bond_id: str, pledgee: str, amount: int) -> dict[str, Any]:
    """``bonds/MsgPledgeBond``: pledge bonds as repo collateral."""
    return msg_to_dict(m.MsgPledgeBond(holder=holder, bond_id=bond_id, pledgee=pledgee, amount=amount))


def release_pledge(pledgee: str, bond_id: str, holder: str, amount: int) -> dict[str, Any]:
    """``bonds/MsgReleasePledge``: the pledgee releases pledged bonds."""
    return msg_to_dict(m.MsgReleasePledge(pledgee=pledgee, bond_id=bond_id, holder=holder, amount=amount))


def attest_kpi(reviewer: str, bond_id: str, observed_value: int, evidence_hash: str) -> dict[str, Any]:
    """``bonds/MsgAttestKpi``: a reviewer attests a sustainability-linked KPI."""
    return msg_to_dict(m.MsgAttestKpi(reviewer, bond_id, observed_value, evidence_hash))


def terms_to_dict(terms: BondTerms) -> dict[str, Any]:
    """Terms as their wire JSON (ICMA BDT camelCase names)."""
    data = msgspec.to_builtins(terms)
    assert isinstance(data, dict)
    return data
