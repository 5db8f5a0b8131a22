"""The bonds module: green-bond frameworks with external review, bond terms, bookbuilding, allocation,
atomic delivery versus payment against deposit tokens, coupons to holders of record, KPI step-ups,
secondary transfers and DvP offers, pledges, freezes and redemption. The spec is README.md.

Other modules read bonds through ``state.py``: :func:`get_bond`, :func:`get_history`,
:func:`list_histories`, :func:`get_outstanding_history`.
"""

from __future__ import annotations

from bayledger.core.modules.bonds import msgs as m
from bayledger.core.modules.bonds.handlers_issue import (
    process_allocate_bond,
    process_create_bond,
    process_place_order,
    process_publish_framework,
    process_record_review,
    process_settle_bond,
)
from bayledger.core.modules.bonds.handlers_servicing import (
    end_block,
    process_attest_kpi,
    process_pay_coupon,
    process_redeem_bond,
)
from bayledger.core.modules.bonds.handlers_trading import (
    process_accept_offer,
    process_cancel_offer,
    process_freeze_holding,
    process_offer_bond,
    process_pledge_bond,
    process_release_pledge,
    process_transfer_bond,
    process_unfreeze_holding,
)
from bayledger.core.modules.bonds.invariants import check_encumbrances, check_supply
from bayledger.core.modules.bonds.payments import process_pay_withheld
from bayledger.core.modules.bonds.state import (
    Bond,
    CouponRecord,
    Framework,
    History,
    Holding,
    Review,
    Withheld,
    bond_key,
    coupon_proof_key,
    framework_key,
    get_bond,
    get_history,
    get_outstanding_history,
    history_proof_key,
    holding_proof_key,
    list_histories,
    outstanding_proof_key,
    review_proof_key,
    withheld_proof_key,
)
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="bonds",
    routes=(
        Route(m.MsgPublishFramework, process_publish_framework, m.validate_publish_framework),
        Route(m.MsgRecordReview, process_record_review, m.validate_record_review),
        Route(m.MsgCreateBond, process_create_bond, m.validate_create_bond),
        Route(m.MsgPlaceOrder, process_place_order, m.validate_place_order),
        Route(m.MsgAllocateBond, process_allocate_bond, m.validate_allocate_bond),
        Route(m.MsgSettleBond, process_settle_bond, m.validate_bond_only),
        Route(m.MsgPayCoupon, process_pay_coupon, m.validate_pay_coupon),
        Route(m.MsgRedeemBond, process_redeem_bond, m.validate_bond_only),
        Route(m.MsgPayWithheld, process_pay_withheld, m.validate_pay_withheld),
        Route(m.MsgAttestKpi, process_attest_kpi, m.validate_attest_kpi),
        Route(m.MsgTransferBond, process_transfer_bond, m.validate_transfer_bond),
        Route(m.MsgOfferBond, process_offer_bond, m.validate_offer_bond),
        Route(m.MsgAcceptOffer, process_accept_offer, m.validate_offer_id),
        Route(m.MsgCancelOffer, process_cancel_offer, m.validate_offer_id),
        Route(m.MsgPledgeBond, process_pledge_bond, m.validate_pledge_bond),
        Route(m.MsgReleasePledge, process_release_pledge, m.validate_release_pledge),
        Route(m.MsgFreezeHolding, process_freeze_holding, m.validate_freeze),
        Route(m.MsgUnfreezeHolding, process_unfreeze_holding, m.validate_freeze),
    ),
    end_block=end_block,
    invariants=(("supply", check_supply), ("encumbrances", check_encumbrances)),
    provable={
        "framework": ProvableRecord(key=framework_key, record_type=Framework),
        "review": ProvableRecord(key=review_proof_key, record_type=Review),
        "bond": ProvableRecord(key=bond_key, record_type=Bond),
        "holding": ProvableRecord(key=holding_proof_key, record_type=Holding),
        "history": ProvableRecord(key=history_proof_key, record_type=History),
        "outstanding": ProvableRecord(key=outstanding_proof_key, record_type=History),
        "coupon": ProvableRecord(key=coupon_proof_key, record_type=CouponRecord),
        "withheld": ProvableRecord(key=withheld_proof_key, record_type=Withheld),
    },
)

__all__ = ["MODULE", "get_bond", "get_history", "get_outstanding_history", "list_histories"]
