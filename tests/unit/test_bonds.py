"""The bonds module on the reference case of issue 4 (HK$800m, 4.05% ACT/365F, semi-annual, HK$50,000,
T+1 DvP against HKD deposit tokens): framework and review, bookbuilding, pro-rata and discretionary
allocation, atomic DvP, exact coupons to holders of record, missed coupons, KPI step-up, transfers, DvP
offers, pledges, freezes, redemption, and every refusal changing nothing."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from bayledger.core.modules.bonds.errors import BondsError
from bayledger.core.modules.bonds.msgs import (
    MsgAcceptOffer,
    MsgAttestKpi,
    MsgCancelOffer,
    MsgCreateBond,
    MsgFreezeHolding,
    MsgOfferBond,
    MsgPayCoupon,
    MsgPledgeBond,
    MsgRedeemBond,
    MsgReleasePledge,
    MsgTransferBond,
    MsgUnfreezeHolding,
)
from bayledger.core.modules.bonds.state import (
    get_bond,
    get_coupon,
    get_history,
    get_holding,
    list_holdings,
)
from bayledger.core.modules.bonds.terms import Kpi
from bayledger.core.modules.cash.state import get_balance
from bondkit import (
    BOND,
    FACE,
    GOVT,
    HKD_MILLION,
    PRO,
    REVIEWER,
    UNIT,
    allocate,
    at,
    order,
    prepared_chain,
    review_msg,
    settle,
    settled_chain,
    terms,
)
from cashkit import ALICE, BOB, CAROL, HKD, REGULATOR, ok, refused, run
from corechain import Chain, content_hash

ALICE_UNITS, BOB_UNITS = 8889, 7111  # 16,000 denominations pro rata to orders of 10,000 and 8,000


def cash(chain: Chain, key: Any) -> int:
    return get_balance(chain.state, HKD, key.did())


def held(chain: Chain, key: Any) -> int:
    return get_holding(chain.state, BOND, key.did()).amount


def events(result: Any, kind: str) -> list[dict[str, Any]]:
    return [e for e in result.events if e["type"] == kind]


def pay(index: int) -> MsgPayCoupon:
    return MsgPayCoupon(issuer=GOVT.did(), bond_id=BOND, index=index)


def create(**changes: Any) -> MsgCreateBond:
    return MsgCreateBond(issuer=GOVT.did(), terms=terms(**changes))


# --- the reference case, end to end ------------------------------------------------------------------


def test_reference_case_pro_rata_allocation_and_atomic_dvp() -> None:
    chain = settled_chain()
    bond = get_bond(chain.state, BOND)
    assert bond is not None and bond.status == "active"
    assert held(chain, ALICE) == ALICE_UNITS * UNIT == 44_445_000_000  # HK$444,450,000.00
    assert held(chain, BOB) == BOB_UNITS * UNIT == 35_555_000_000
    assert bond.outstanding == bond.proceeds == FACE
    assert cash(chain, ALICE) == 500 * HKD_MILLION - 44_445_000_000
    assert cash(chain, BOB) == 400 * HKD_MILLION - 35_555_000_000
    assert cash(chain, GOVT) == FACE
    day = get_history(chain.state, BOND, ALICE.did())[0].day
    assert [(e.day, e.amount) for e in get_history(chain.state, BOND, ALICE.did())] == [(day, 44_445_000_000)]
    assert [p.payment_date.isoformat() for p in bond.schedule] == ["2024-05-16", "2024-11-18"]
    assert [p.record_date.isoformat() for p in bond.schedule] == ["2024-05-14", "2024-11-14"]


def test_reference_case_coupons_are_exact_and_remainders_accounted_for() -> None:
    chain = settled_chain()
    first = ok(chain, GOVT, [pay(1)], time=at("2024-05-16"))
    summary = events(first, "bonds/EventPayCoupon")[0]
    # 800,000,000.00 x 4.05% x 182/365 = 16,155,616.438… → HK$16,155,616.44 (half-even, once)
    assert (summary["total"], summary["paid"], summary["remainder"]) == (1_615_561_644, 1_615_561_643, 1)
    assert summary["rate"] == "0.0405" and summary["late"] is False
    payments = {e["holder"]: e["amount"] for e in events(first, "bonds/EventCouponPayment")}
    # each holder: floor(denominations x 50,000.00 x 4.05% x 182/365)
    assert payments == {ALICE.did(): 897_545_465, BOB.did(): 718_016_178}
    assert cash(chain, GOVT) == FACE - 1_615_561_643

    second = ok(chain, GOVT, [pay(2)], time=at("2024-11-18"))
    summary = events(second, "bonds/EventPayCoupon")[0]
    assert (summary["total"], summary["paid"], summary["remainder"]) == (1_633_315_068, 1_633_315_067, 1)
    assert (summary["record_date"], summary["payment_date"]) == ("2024-11-14", "2024-11-18")

    ok(chain, BANK_TOPUP[0], [BANK_TOPUP[1]], time=at("2024-11-18", 11))
    redeemed = ok(chain, GOVT, [MsgRedeemBond(issuer=GOVT.did(), bond_id=BOND)], time=at("2024-11-18", 12))
    assert events(redeemed, "bonds/EventRedeemBond")[0]["repaid"] == FACE
    assert list_holdings(chain.state, BOND) == []
    bond = get_bond(chain.state, BOND)
    assert bond is not None and (bond.status, bond.outstanding, bond.coupons_paid) == ("redeemed", 0, 2)
    assert cash(chain, ALICE) == 500 * HKD_MILLION + 897_545_465 + 907_408_602
    assert cash(chain, BOB) == 400 * HKD_MILLION + 718_016_178 + 725_906_465


def _topup() -> tuple[Any, Any]:
    from cashkit import BANK, issue

    return BANK, issue(GOVT, 40 * HKD_MILLION)  # the issuer's treasury funds the coupons beyond proceeds


BANK_TOPUP = _topup()


def test_coupon_goes_to_holders_of_record_not_to_later_buyers() -> None:
    chain = settled_chain()
    transfer = MsgTransferBond(sender=BOB.did(), bond_id=BOND, recipient=ALICE.did(), amount=BOB_UNITS * UNIT)
    ok(chain, BOB, [transfer], time=at("2024-05-15"))  # after the record date 2024-05-14
    result = ok(chain, GOVT, [pay(1)], time=at("2024-05-16"))
    payments = {e["holder"]: e["amount"] for e in events(result, "bonds/EventCouponPayment")}
    assert payments == {ALICE.did(): 897_545_465, BOB.did(): 718_016_178}
    assert held(chain, BOB) == 0 and held(chain, ALICE) == FACE


def test_missed_coupon_is_flagged_once_and_can_still_be_paid_late() -> None:
    chain = settled_chain()
    quiet = chain.apply([], time=at("2024-05-16", 23))
    assert quiet.end_block_events == []
    flagged = chain.apply([], time=at("2024-05-17"))
    assert [(e["type"], e["index"]) for e in flagged.end_block_events] == [("bonds/EventCouponMissed", 1)]
    assert chain.apply([], time=at("2024-05-20")).end_block_events == []
    record = get_coupon(chain.state, BOND, 1)
    assert record is not None and record.status == "missed"
    late = ok(chain, GOVT, [pay(1)], time=at("2024-05-21"))
    assert events(late, "bonds/EventPayCoupon")[0]["late"] is True
    record = get_coupon(chain.state, BOND, 1)
    assert record is not None and record.status == "paid" and record.missed_height > 0
    flagged = chain.apply([], time=at("2024-11-19"))
    assert [(e["type"], e["index"]) for e in flagged.end_block_events] == [("bonds/EventCouponMissed", 2)]


# --- refusals: a typed error each, nothing changed ---------------------------------------------------


def test_green_bond_needs_an_aligned_external_review() -> None:
    chain = prepared_chain()
    refused(chain, GOVT, [create(framework_id="GBF-000009")], "bonds", 7, time=at("2023-11-15", 10))
    refused(chain, REVIEWER, [review_msg()], "bonds", 5, time=at("2023-11-15", 10))  # reviewed once only
    refused(chain, GOVT, [review_msg(reviewer=GOVT)], "identity", 10, time=at("2023-11-15", 10))


def test_not_aligned_review_does_not_verify_a_framework() -> None:
    from bondkit import framework_msg

    chain = prepared_chain()
    ok(chain, GOVT, [framework_msg(doc=950)], time=at("2023-11-15", 10))
    not_aligned = msgspec.structs.replace(review_msg("not-aligned"), framework_id="GBF-000002")
    ok(chain, REVIEWER, [not_aligned], time=at("2023-11-15", 10))
    refused(chain, GOVT, [create(framework_id="GBF-000002")], "bonds", 7, time=at("2023-11-15", 11))
    stranger = MsgCreateBond(issuer=BOB.did(), terms=terms())  # GOVT's framework named by another issuer
    refused(chain, BOB, [stranger], "bonds", 7, time=at("2023-11-15", 11))


def test_wrong_isin_and_bad_terms_are_refused_before_anything_is_written() -> None:
    chain = prepared_chain()
    result = run(chain, GOVT, [create(isin="HK0000098762")], time=at("2023-11-15", 10))
    assert (result.codespace, result.code) == ("finance", 2)
    result = run(chain, GOVT, [create(specified_denomination=3_000_000)], time=at("2023-11-15", 10))
    assert (result.codespace, result.code) == ("bonds", 2)
    assert get_bond(chain.state, BOND) is None


def test_ineligible_investor_cannot_order_and_frozen_or_unfunded_investor_fails_dvp_whole() -> None:
    chain = prepared_chain()
    ok(chain, GOVT, [create()], time=at("2023-11-15", 10))
    refused(chain, CAROL, [order(CAROL, UNIT)], "bonds", 19, time=at("2023-11-15", 10))
    refused(chain, ALICE, [order(ALICE, UNIT + 1)], "bonds", 13, time=at("2023-11-15", 10))
    ok(chain, ALICE, [order(ALICE, 500 * HKD_MILLION)], time=at("2023-11-15", 11))
    ok(chain, BOB, [order(BOB, 300 * HKD_MILLION)], time=at("2023-11-15", 11))
    ok(chain, GOVT, [allocate()], time=at("2023-11-15", 17))
    refused(chain, GOVT, [settle()], "bonds", 17, time=at("2023-11-15", 18))  # T+1: not before 2023-11-16
    # bob spends his cash before settlement: the whole DvP fails, alice's leg included
    from cashkit import transfer

    ok(chain, BOB, [transfer(BOB, ALICE, 200 * HKD_MILLION)], time=at("2023-11-16", 9))
    result = refused(chain, GOVT, [settle()], "cash", 9, time=at("2023-11-16", 10))
    assert "insufficient" in result.log.lower() or BOB.did() in result.log
    assert held(chain, ALICE) == 0 and cash(chain, GOVT) == 0
    # the issuer re-allocates without bob and settles
    ok(chain, GOVT, [allocate("discretionary", {ALICE: 500 * HKD_MILLION})], time=at("2023-11-16", 11))
    ok(chain, GOVT, [settle()], time=at("2023-11-17", 10))  # re-allocation on the 16th: T+1 is the 17th
    bond = get_bond(chain.state, BOND)
    assert bond is not None and bond.outstanding == 500 * HKD_MILLION == held(chain, ALICE)


def test_discretionary_allocation_bounds() -> None:
    chain = prepared_chain()
    ok(chain, GOVT, [create()], time=at("2023-11-15", 10))
    ok(chain, ALICE, [order(ALICE, 10 * UNIT)], time=at("2023-11-15", 11))
    refused(
        chain, GOVT, [allocate("discretionary", {ALICE: 11 * UNIT})], "bonds", 15, time=at("2023-11-15", 12)
    )
    refused(chain, GOVT, [allocate("discretionary", {BOB: UNIT})], "bonds", 14, time=at("2023-11-15", 12))
    not_issuer = msgspec.structs.replace(allocate(), issuer=ALICE.did())
    refused(chain, ALICE, [not_issuer], "bonds", 11, time=at("2023-11-15", 12))
    refused(chain, BOB, [order(BOB, 0)], "bonds", 14, time=at("2023-11-15", 12))


def test_coupon_paid_twice_early_or_out_of_order_is_refused() -> None:
    chain = settled_chain()
    refused(chain, GOVT, [pay(1)], "bonds", 17, time=at("2024-05-15"))
    refused(chain, GOVT, [pay(2)], "bonds", 26, time=at("2024-05-16"))
    refused(chain, GOVT, [pay(3)], "bonds", 24, time=at("2024-05-16"))
    ok(chain, GOVT, [pay(1)], time=at("2024-05-16"))
    refused(chain, GOVT, [pay(1)], "bonds", 25, time=at("2024-05-16", 11))
    refused(
        chain,
        ALICE,
        [msgspec.structs.replace(pay(2), issuer=ALICE.did())],
        "bonds",
        11,
        time=at("2024-11-18"),
    )
    refused(chain, GOVT, [MsgRedeemBond(issuer=GOVT.did(), bond_id=BOND)], "bonds", 26, time=at("2024-11-18"))


def test_pledged_and_frozen_holdings_cannot_move() -> None:
    chain = settled_chain()
    pledge = MsgPledgeBond(holder=ALICE.did(), bond_id=BOND, pledgee=BOB.did(), amount=ALICE_UNITS * UNIT)
    ok(chain, ALICE, [pledge], time=at("2023-11-20"))
    move = MsgTransferBond(sender=ALICE.did(), bond_id=BOND, recipient=BOB.did(), amount=UNIT)
    refused(chain, ALICE, [move], "bonds", 20, time=at("2023-11-20", 11))
    release = MsgReleasePledge(pledgee=BOB.did(), bond_id=BOND, holder=ALICE.did(), amount=2 * UNIT)
    refused(
        chain,
        ALICE,
        [msgspec.structs.replace(release, pledgee=ALICE.did(), holder=BOB.did())],
        "bonds",
        23,
        time=at("2023-11-20", 11),
    )
    ok(chain, BOB, [release], time=at("2023-11-20", 12))
    ok(chain, ALICE, [move], time=at("2023-11-20", 13))  # the released denomination moves

    freeze = MsgFreezeHolding(authority=REGULATOR.did(), bond_id=BOND, holder=BOB.did(), reason="court order")
    refused(
        chain,
        ALICE,
        [msgspec.structs.replace(freeze, authority=ALICE.did())],
        "bonds",
        11,
        time=at("2023-11-21"),
    )
    ok(chain, REGULATOR, [freeze], time=at("2023-11-21"))
    refused(
        chain,
        BOB,
        [msgspec.structs.replace(move, sender=BOB.did(), recipient=ALICE.did())],
        "bonds",
        30,
        time=at("2023-11-21", 11),
    )
    refused(chain, ALICE, [move], "bonds", 30, time=at("2023-11-21", 11))  # nor receive
    unfreeze = MsgUnfreezeHolding(authority=GOVT.did(), bond_id=BOND, holder=BOB.did(), reason="order lifted")
    ok(chain, GOVT, [unfreeze], time=at("2023-11-22"))
    refused(chain, GOVT, [unfreeze], "bonds", 31, time=at("2023-11-22", 11))
    ok(chain, ALICE, [move], time=at("2023-11-22", 12))


def test_redemption_waits_for_pledges_to_be_released() -> None:
    chain = settled_chain()
    ok(
        chain,
        ALICE,
        [MsgPledgeBond(holder=ALICE.did(), bond_id=BOND, pledgee=BOB.did(), amount=UNIT)],
        time=at("2023-12-01"),
    )
    ok(chain, GOVT, [pay(1)], time=at("2024-05-16"))
    ok(chain, BANK_TOPUP[0], [BANK_TOPUP[1]], time=at("2024-11-18", 9))
    ok(chain, GOVT, [pay(2)], time=at("2024-11-18"))
    refused(chain, GOVT, [MsgRedeemBond(issuer=GOVT.did(), bond_id=BOND)], "bonds", 17, time=at("2024-11-15"))
    refused(
        chain, GOVT, [MsgRedeemBond(issuer=GOVT.did(), bond_id=BOND)], "bonds", 27, time=at("2024-11-18", 11)
    )


def test_dvp_offer_between_two_holders_settles_atomically() -> None:
    chain = settled_chain()
    offer = MsgOfferBond(seller=ALICE.did(), bond_id=BOND, buyer=BOB.did(), amount=2 * UNIT, cash=10_100_000)
    result = ok(chain, ALICE, [offer], time=at("2023-12-01"))
    offer_id = events(result, "bonds/EventOfferBond")[0]["offer_id"]
    assert offer_id == "OFR-00000001"
    assert get_holding(chain.state, BOND, ALICE.did()).escrowed == 2 * UNIT
    refused(
        chain,
        ALICE,
        [MsgAcceptOffer(buyer=ALICE.did(), offer_id=offer_id)],
        "bonds",
        22,
        time=at("2023-12-01", 11),
    )
    alice_cash, bob_cash = cash(chain, ALICE), cash(chain, BOB)
    ok(chain, BOB, [MsgAcceptOffer(buyer=BOB.did(), offer_id=offer_id)], time=at("2023-12-01", 12))
    assert held(chain, BOB) == (BOB_UNITS + 2) * UNIT and held(chain, ALICE) == (ALICE_UNITS - 2) * UNIT
    assert (cash(chain, ALICE), cash(chain, BOB)) == (alice_cash + 10_100_000, bob_cash - 10_100_000)
    refused(
        chain,
        BOB,
        [MsgAcceptOffer(buyer=BOB.did(), offer_id=offer_id)],
        "bonds",
        21,
        time=at("2023-12-01", 13),
    )

    # a buyer without the cash: the offer stays open and nothing moves; the seller cancels
    big = msgspec.structs.replace(offer, cash=10 * 400 * HKD_MILLION)
    offer_id = events(ok(chain, ALICE, [big], time=at("2023-12-02")), "bonds/EventOfferBond")[0]["offer_id"]
    refused(
        chain, BOB, [MsgAcceptOffer(buyer=BOB.did(), offer_id=offer_id)], "cash", 9, time=at("2023-12-02", 11)
    )
    ok(chain, ALICE, [MsgCancelOffer(signer=ALICE.did(), offer_id=offer_id)], time=at("2023-12-02", 12))
    assert get_holding(chain.state, BOND, ALICE.did()).escrowed == 0


def test_transfer_to_an_ineligible_holder_is_refused() -> None:
    chain = settled_chain()
    move = MsgTransferBond(sender=ALICE.did(), bond_id=BOND, recipient=CAROL.did(), amount=UNIT)
    refused(chain, ALICE, [move], "bonds", 19, time=at("2023-12-01"))


def test_professional_only_bond_needs_professional_investor_credential() -> None:
    chain = prepared_chain()
    ok(chain, GOVT, [create(professional_only=True)], time=at("2023-11-15", 10))
    refused(chain, ALICE, [order(ALICE, UNIT)], "bonds", 19, time=at("2023-11-15", 11))
    from cashkit import BANK, issue

    ok(chain, BANK, [issue(PRO, 10 * UNIT)], time=at("2023-11-15", 11))
    ok(chain, PRO, [order(PRO, 10 * UNIT)], time=at("2023-11-15", 12))


def test_sustainability_linked_coupon_steps_up_when_the_kpi_is_missed() -> None:
    kpi = Kpi(
        name="renewable share of government buildings' electricity",
        unit="%",
        direction="at-least",
        target_value=30,
        observation_date="2024-03-31",
        step_up_bps=25,
    )
    chain = prepared_chain()
    ok(chain, GOVT, [create(green=False, framework_id="", kpi=kpi)], time=at("2023-11-15", 10))
    ok(chain, ALICE, [order(ALICE, 100 * UNIT)], time=at("2023-11-15", 11))
    ok(chain, GOVT, [allocate()], time=at("2023-11-15", 12))
    ok(chain, GOVT, [settle()], time=at("2023-11-16"))
    attest = MsgAttestKpi(
        reviewer=REVIEWER.did(), bond_id=BOND, observed_value=28, evidence_hash=content_hash(7)
    )
    refused(chain, REVIEWER, [attest], "bonds", 17, time=at("2024-03-30"))
    refused(
        chain,
        GOVT,
        [msgspec.structs.replace(attest, reviewer=GOVT.did())],
        "identity",
        10,
        time=at("2024-04-01"),
    )
    result = ok(chain, REVIEWER, [attest], time=at("2024-04-01"))
    assert events(result, "bonds/EventAttestKpi")[0]["missed"] is True
    refused(chain, REVIEWER, [attest], "bonds", 29, time=at("2024-04-02"))
    first = events(ok(chain, GOVT, [pay(1)], time=at("2024-05-16")), "bonds/EventPayCoupon")[0]
    assert first["rate"] == "0.0405"  # accrual began before the observation date
    ok(chain, BANK_TOPUP[0], [BANK_TOPUP[1]], time=at("2024-11-18", 9))
    second = events(ok(chain, GOVT, [pay(2)], time=at("2024-11-18")), "bonds/EventPayCoupon")[0]
    assert second["rate"] == "0.043"  # stepped up by 25 bps
    # 5,000,000.00 x 4.30% x 184/365 = 108,383.56 (half-even)
    assert second["total"] == 10_838_356


def test_every_bonds_error_code_is_unique_and_stable() -> None:
    from bayledger.core.modules.bonds import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, BondsError)]
    codes = sorted(c.code for c in classes)
    assert codes == list(range(1, 34)) and all(c.codespace == "bonds" for c in classes)


@pytest.mark.parametrize("amount", [-UNIT, 0])
def test_negative_or_zero_transfer_is_refused_statelessly(amount: int) -> None:
    chain = settled_chain()
    move = MsgTransferBond(sender=ALICE.did(), bond_id=BOND, recipient=BOB.did(), amount=amount)
    result = run(chain, ALICE, [move], time=at("2023-12-01"))
    assert (result.codespace, result.code) == ("bonds", 2)


def test_fractional_amount_is_a_malformed_transaction() -> None:
    """A face amount of 1.5 cannot be signed by the SDK, and a tx whose bytes carry one is refused before
    any block (tx/2), whatever its signature."""
    from bayledger.core.errors import MalformedTxError

    chain = settled_chain()
    move = MsgTransferBond(sender=ALICE.did(), bond_id=BOND, recipient=BOB.did(), amount=UNIT)
    as_dict = {**msgspec.to_builtins(move), "amount": 1.5}
    with pytest.raises(MalformedTxError, match="float"):
        chain.tx(ALICE, [as_dict])
    raw = chain.tx(ALICE, [move]).replace(f'"amount":{UNIT}'.encode(), b'"amount":1.5')
    assert b'"amount":1.5' in raw
    with pytest.raises(MalformedTxError) as refused_tx:
        chain.check(raw)
    assert (refused_tx.value.codespace, refused_tx.value.code) == ("tx", 2)


def test_a_holder_who_cannot_be_paid_is_owed_not_a_blocker() -> None:
    """Bob's KYC is revoked after settlement: coupon 1 pays alice and withholds bob's share (owed, proven,
    announced); paying it fails while bob is still not KYC'd, and succeeds once he is onboarded again."""
    from bayledger.core.modules.bonds.msgs import MsgPayWithheld
    from bayledger.core.modules.bonds.state import get_withheld
    from bondkit import KYC_ISSUER, credential
    from cashkit import status

    chain = settled_chain()
    ok(chain, KYC_ISSUER, [status(KYC_ISSUER, "rev-1", "revocation", [12])], time=at("2024-01-10"))
    result = ok(chain, GOVT, [pay(1)], time=at("2024-05-16"))
    summary = events(result, "bonds/EventPayCoupon")[0]
    assert (summary["paid"], summary["withheld"], summary["remainder"]) == (897_545_465, 718_016_178, 1)
    [withheld] = events(result, "bonds/EventPaymentWithheld")
    assert (withheld["holder"], withheld["amount"], withheld["reason"]) == (
        BOB.did(),
        718_016_178,
        "no valid KycCredential",
    )
    assert get_withheld(chain.state, BOND, BOB.did()).coupons == 718_016_178
    assert cash(chain, BOB) == 400 * HKD_MILLION - 35_555_000_000  # nothing paid to bob
    record = get_coupon(chain.state, BOND, 1)
    assert record is not None and (record.paid, record.withheld, record.total) == (
        897_545_465,
        718_016_178,
        1_615_561_644,
    )
    settle_owed = MsgPayWithheld(issuer=GOVT.did(), bond_id=BOND, holder=BOB.did())
    refused(chain, GOVT, [settle_owed], "cash", 7, time=at("2024-05-17"))  # still not KYC'd
    refused(chain, GOVT, [msgspec.structs.replace(settle_owed, holder=ALICE.did())], "bonds", 33,
            time=at("2024-05-17"))  # fmt: skip
    ok(chain, KYC_ISSUER, [credential(KYC_ISSUER, BOB, "KycCredential", 14, "rev-1")], time=at("2024-05-18"))
    paid = ok(chain, GOVT, [settle_owed], time=at("2024-05-18", 11))
    assert events(paid, "bonds/EventPayWithheld")[0]["amount"] == 718_016_178
    assert get_withheld(chain.state, BOND, BOB.did()).amount == 0
    assert cash(chain, BOB) == 400 * HKD_MILLION - 35_555_000_000 + 718_016_178


def test_redemption_of_a_frozen_holding_is_withheld_until_the_freeze_is_lifted() -> None:
    from bayledger.core.modules.bonds.msgs import MsgPayWithheld
    from bayledger.core.modules.bonds.state import get_withheld

    chain = settled_chain()
    ok(chain, GOVT, [pay(1)], time=at("2024-05-16"))
    ok(chain, BANK_TOPUP[0], [BANK_TOPUP[1]], time=at("2024-11-18", 9))
    ok(chain, GOVT, [pay(2)], time=at("2024-11-18"))
    freeze = MsgFreezeHolding(authority=REGULATOR.did(), bond_id=BOND, holder=BOB.did(), reason="court order")
    ok(chain, REGULATOR, [freeze], time=at("2024-11-18", 11))
    redeemed = ok(chain, GOVT, [MsgRedeemBond(issuer=GOVT.did(), bond_id=BOND)], time=at("2024-11-18", 12))
    summary = events(redeemed, "bonds/EventRedeemBond")[0]
    assert (summary["repaid"], summary["withheld"]) == (ALICE_UNITS * UNIT, BOB_UNITS * UNIT)
    assert get_withheld(chain.state, BOND, BOB.did()).redemption == BOB_UNITS * UNIT
    owed = MsgPayWithheld(issuer=GOVT.did(), bond_id=BOND, holder=BOB.did())
    refused(chain, GOVT, [owed], "bonds", 30, time=at("2024-11-19"))
    unfreeze = MsgUnfreezeHolding(authority=REGULATOR.did(), bond_id=BOND, holder=BOB.did(), reason="lifted")
    ok(chain, REGULATOR, [unfreeze], time=at("2024-11-20"))
    before = cash(chain, BOB)
    ok(chain, GOVT, [owed], time=at("2024-11-20", 11))
    assert cash(chain, BOB) == before + BOB_UNITS * UNIT
