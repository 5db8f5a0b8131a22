"""The cash module: deposit tokens issued by licensed banks, KYC-gated transfers, freezes, forced transfers,
limits, the supply invariant, proofs, and the keeper API other modules call."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec
import pytest

from bayledger.core import smt
from bayledger.core.app import DEFAULT_MODULES
from bayledger.core.context import Context
from bayledger.core.errors import MalformedTxError
from bayledger.core.light import verify_state
from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.cash import MODULE as CASH
from bayledger.core.modules.cash import errors as cash_errors
from bayledger.core.modules.cash import get_balance, get_token, transfer_cash
from bayledger.core.modules.cash.invariants import check_indexes, check_supply
from bayledger.core.modules.cash.keeper import compute_day
from bayledger.core.modules.cash.msgs import (
    MAX_AMOUNT,
    MsgCreateToken,
    MsgForceTransfer,
    MsgIssueCash,
    MsgRedeemCash,
    MsgSetLimits,
    MsgTransferCash,
    validate_create_token,
    validate_force_transfer,
    validate_issue_cash,
    validate_redeem_cash,
    validate_set_limits,
    validate_transfer_cash,
)
from bayledger.core.modules.cash.state import (
    Balance,
    DailySpend,
    Freeze,
    Token,
    balance_key,
    compute_token_id,
    get_daily_spent,
    get_freeze,
    list_holder_balances,
    list_token_balances,
    list_tokens,
    set_balance,
    set_freeze,
    set_token,
    token_key,
)
from bayledger.core.msg import Module, Msg, Route
from bayledger.core.store import BlockState, DictState
from bayledger.keys import SigningKey
from cashkit import (
    ALICE,
    BANK,
    BANK2,
    BOB,
    CAROL,
    DAVE,
    HKD,
    HKD2,
    KYC_ISSUER,
    LICENSOR,
    OUTSIDER,
    REGULATOR,
    create_token,
    force,
    freeze,
    issue,
    ok,
    prepared_chain,
    redeem,
    refused,
    revoke_kyc,
    run,
    set_limits,
    status,
    transfer,
    unfreeze,
)
from corechain import BLOCK_INTERVAL_MS, Chain, ed_key, sign_header

HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS


@pytest.fixture
def chain() -> Chain:
    return prepared_chain()


@pytest.fixture
def funded(chain: Chain) -> Chain:
    """ALICE holds 100_000 (HK$1,000.00) and BOB 50_000 of BANK's HKD token."""
    ok(chain, BANK, [issue(ALICE, 100_000), issue(BOB, 50_000)])
    return chain


def balance(chain: Chain, key: SigningKey, token_id: str = HKD) -> int:
    return get_balance(chain.state, token_id, key.did())


def token(chain: Chain, token_id: str = HKD) -> Token:
    found = get_token(chain.state, token_id)
    assert found is not None
    return found


# --- MsgCreateToken -----------------------------------------------------------------------------------------


def test_create_token_records_the_token_with_deterministic_id(chain: Chain) -> None:
    assert BANK.did().replace("did:bid:", "HKD-") == HKD
    assert token(chain) == Token(
        token_id=HKD,
        issuer=BANK.did(),
        currency="HKD",
        decimals=2,
        supply=0,
        holder_limit=0,
        daily_limit=0,
        name_en="HKD deposit token",
        name_zh="存款代幣",
        created_height=3,
    )
    result = ok(chain, BANK, [create_token(currency="JPY", holder_limit=10, daily_limit=5)])
    jpy = compute_token_id("JPY", BANK.did())
    assert result.events == [
        {
            "type": "cash/EventCreateToken",
            "token_id": jpy,
            "issuer": BANK.did(),
            "currency": "JPY",
            "decimals": 0,
            "holder_limit": 10,
            "daily_limit": 5,
        }
    ]
    ok(chain, BANK2, [create_token(BANK2)])
    assert [t.token_id for t in list_tokens(chain.state)] == sorted([HKD, HKD2, jpy])
    assert token(chain, HKD2).issuer == BANK2.did() and HKD2 != HKD


def test_token_id_keeps_the_ac_code() -> None:
    assert compute_token_id("CNY", "did:bid:abcd:efXyz") == "CNY-abcd-efXyz"


def test_create_token_twice_is_cash_3(chain: Chain) -> None:
    refused(chain, BANK, [create_token()], "cash", 3)


def test_create_token_needs_a_bank_licence_identity_10(chain: Chain) -> None:
    result = refused(chain, ALICE, [create_token(ALICE)], "identity", 10)
    assert "'LicensedBankCredential'" in result.log


def test_a_revoked_bank_licence_stops_issuing_and_limit_changes(chain: Chain) -> None:
    ok(chain, BANK, [issue(ALICE, 10)])
    ok(chain, LICENSOR, [status(LICENSOR, "lic-rev", "revocation", [1])])
    refused(chain, BANK, [issue(ALICE, 10)], "identity", 10)
    refused(chain, BANK, [set_limits(1, 1)], "identity", 10)
    ok(chain, ALICE, [transfer(ALICE, BOB, 10)])  # holders still move what they hold


# --- MsgIssueCash -------------------------------------------------------------------------------------------


def test_issue_mints_to_kyc_holders_and_grows_supply(chain: Chain) -> None:
    result = ok(chain, BANK, [issue(ALICE, 100_000), issue(BOB, 50_000)])
    assert result.events == [
        {"type": "cash/EventIssueCash", "token_id": HKD, "recipient": ALICE.did(), "amount": 100_000,
         "supply": 100_000},
        {"type": "cash/EventIssueCash", "token_id": HKD, "recipient": BOB.did(), "amount": 50_000,
         "supply": 150_000},
    ]  # fmt: skip
    assert (balance(chain, ALICE), balance(chain, BOB), token(chain).supply) == (100_000, 50_000, 150_000)
    assert list_token_balances(chain.state, HKD) == sorted(
        [Balance(HKD, ALICE.did(), 100_000), Balance(HKD, BOB.did(), 50_000)], key=lambda b: b.holder
    )
    assert list_holder_balances(chain.state, ALICE.did()) == [Balance(HKD, ALICE.did(), 100_000)]


def test_issue_to_a_holder_without_kyc_is_cash_7(chain: Chain) -> None:
    result = refused(chain, BANK, [issue(CAROL, 1)], "cash", 7)
    assert f"the recipient {CAROL.did()} holds no valid 'KycCredential'" in result.log


def test_issue_by_another_bank_is_cash_5(chain: Chain) -> None:
    result = refused(chain, BANK2, [issue(ALICE, 1, bank=BANK2)], "cash", 5)
    assert BANK.did() in result.log


def test_issue_of_an_unknown_token_is_cash_4(chain: Chain) -> None:
    refused(chain, BANK2, [issue(ALICE, 1, token_id=HKD2, bank=BANK2)], "cash", 4)


def test_issue_to_a_frozen_account_is_cash_8(chain: Chain) -> None:
    ok(chain, BANK, [freeze(BANK, ALICE)])
    refused(chain, BANK, [issue(ALICE, 1)], "cash", 8)


def test_issue_past_the_holder_limit_is_cash_10(chain: Chain) -> None:
    ok(chain, BANK, [set_limits(1_000, 0), issue(ALICE, 600)])
    result = refused(chain, BANK, [issue(ALICE, 401)], "cash", 10)
    assert "per-holder limit 1000, balance 600, receiving 401" in result.log
    ok(chain, BANK, [issue(ALICE, 400)])
    assert balance(chain, ALICE) == 1_000


def test_supply_never_passes_2_53_minus_1_cash_12(chain: Chain) -> None:
    ok(chain, BANK, [issue(ALICE, MAX_AMOUNT - 5)])
    result = refused(chain, BANK, [issue(BOB, 6)], "cash", 12)
    assert str(MAX_AMOUNT) in result.log
    ok(chain, BANK, [issue(BOB, 5)])
    assert token(chain).supply == MAX_AMOUNT == 2**53 - 1


# --- MsgRedeemCash ------------------------------------------------------------------------------------------


def test_redeem_burns_and_shrinks_supply(funded: Chain) -> None:
    result = ok(funded, ALICE, [redeem(ALICE, 30_000)])
    assert result.events == [
        {"type": "cash/EventRedeemCash", "token_id": HKD, "holder": ALICE.did(), "amount": 30_000,
         "supply": 120_000},
    ]  # fmt: skip
    ok(funded, BOB, [redeem(BOB, 50_000)])
    assert (balance(funded, ALICE), balance(funded, BOB), token(funded).supply) == (70_000, 0, 70_000)
    assert funded.state.get(balance_key(HKD, BOB.did())) is None  # a zero balance is deleted
    assert list_holder_balances(funded.state, BOB.did()) == []


def test_redeem_more_than_held_is_cash_9(funded: Chain) -> None:
    result = refused(funded, BOB, [redeem(BOB, 50_001)], "cash", 9)
    assert "holds 50000" in result.log and "50001 requested" in result.log


def test_redeem_while_frozen_is_cash_8(funded: Chain) -> None:
    ok(funded, REGULATOR, [freeze(REGULATOR, BOB)])
    refused(funded, BOB, [redeem(BOB, 1)], "cash", 8)


def test_redeem_after_kyc_revocation_is_cash_7(funded: Chain) -> None:
    ok(funded, KYC_ISSUER, [revoke_kyc("bob")])
    result = refused(funded, BOB, [redeem(BOB, 1)], "cash", 7)
    assert "the holder" in result.log


# --- MsgTransferCash ----------------------------------------------------------------------------------------


def test_transfer_moves_balances_and_emits(funded: Chain) -> None:
    result = ok(funded, ALICE, [transfer(ALICE, BOB, 25_000)])
    assert result.events == [
        {"type": "cash/EventTransferCash", "token_id": HKD, "sender": ALICE.did(), "recipient": BOB.did(),
         "amount": 25_000},
    ]  # fmt: skip
    assert (balance(funded, ALICE), balance(funded, BOB), token(funded).supply) == (75_000, 75_000, 150_000)
    ok(funded, ALICE, [transfer(ALICE, DAVE, 75_000)])
    assert balance(funded, ALICE) == 0 and balance(funded, DAVE) == 75_000


def test_transfer_more_than_held_is_cash_9(funded: Chain) -> None:
    refused(funded, BOB, [transfer(BOB, ALICE, 50_001)], "cash", 9)


def test_transfer_to_a_holder_without_kyc_is_cash_7(funded: Chain) -> None:
    result = refused(funded, ALICE, [transfer(ALICE, CAROL, 1)], "cash", 7)
    assert "the recipient" in result.log


def test_transfer_by_a_sender_without_kyc_is_identity_10_at_admission(funded: Chain) -> None:
    ok(funded, REGULATOR, [force(REGULATOR, ALICE, BOB, 1)])  # give CAROL nothing: she cannot even receive
    refused(funded, CAROL, [transfer(CAROL, ALICE, 1)], "identity", 10)


def test_transfer_from_or_to_a_frozen_account_is_cash_8(funded: Chain) -> None:
    ok(funded, BANK, [freeze(BANK, BOB, "suspicious activity")])
    result = refused(funded, BOB, [transfer(BOB, ALICE, 1)], "cash", 8)
    assert f"{BOB.did()} is frozen" in result.log
    refused(funded, ALICE, [transfer(ALICE, BOB, 1)], "cash", 8)
    ok(funded, BANK, [unfreeze(BANK, BOB, "cleared")])
    ok(funded, BOB, [transfer(BOB, ALICE, 1)])


def test_transfer_to_oneself_is_cash_2(funded: Chain) -> None:
    refused(funded, ALICE, [transfer(ALICE, ALICE, 1)], "cash", 2)


def test_transfer_past_the_holder_limit_is_cash_10(funded: Chain) -> None:
    ok(funded, BANK, [set_limits(60_000, 0)])  # lowering a cap below a balance is allowed
    refused(funded, ALICE, [transfer(ALICE, BOB, 10_001)], "cash", 10)
    ok(funded, ALICE, [transfer(ALICE, BOB, 10_000)])
    assert (balance(funded, ALICE), balance(funded, BOB)) == (90_000, 60_000)
    refused(funded, BOB, [transfer(BOB, ALICE, 1)], "cash", 10)  # ALICE holds more than the new cap


def test_daily_limit_per_sender_resets_on_the_next_utc8_day(funded: Chain) -> None:
    ok(funded, BANK, [set_limits(0, 10_000)])
    day = compute_day(funded.time)
    next_midnight = (day + 1) * DAY_MS - 8 * HOUR_MS  # 00:00 HKT as UTC ms
    ok(funded, ALICE, [transfer(ALICE, BOB, 6_000)], time=next_midnight - 3 * BLOCK_INTERVAL_MS)
    ok(funded, BOB, [transfer(BOB, ALICE, 9_000)], time=next_midnight - 2 * BLOCK_INTERVAL_MS)  # own limit
    result = refused(
        funded, ALICE, [transfer(ALICE, BOB, 4_001)], "cash", 11, time=next_midnight - BLOCK_INTERVAL_MS
    )
    assert "per-day limit 10000, used 6000, requested 4001" in result.log
    assert get_daily_spent(funded.state, HKD, ALICE.did(), day) == 6_000
    ok(funded, ALICE, [transfer(ALICE, BOB, 10_000)], time=next_midnight)  # a new day in Hong Kong
    assert get_daily_spent(funded.state, HKD, ALICE.did(), day + 1) == 10_000
    assert get_daily_spent(funded.state, HKD, ALICE.did(), day) == 0  # one record per sender: the last day
    refused(funded, ALICE, [transfer(ALICE, BOB, 1)], "cash", 11)


def test_compute_day_is_the_utc8_calendar_day() -> None:
    midnight_hkt = 1_700_000_000_000 - (1_700_000_000_000 + 8 * HOUR_MS) % DAY_MS
    assert compute_day(midnight_hkt) == compute_day(midnight_hkt - 1) + 1
    assert compute_day(midnight_hkt) == compute_day(midnight_hkt + DAY_MS - 1)
    assert compute_day(16 * HOUR_MS) == 1  # 1970-01-02 00:00 HKT
    assert compute_day(16 * HOUR_MS - 1) == 0


def test_a_failed_message_rolls_back_the_whole_tx(funded: Chain) -> None:
    before = dict(funded.state.data)
    result = run(funded, ALICE, [transfer(ALICE, BOB, 50_000), transfer(ALICE, CAROL, 1)])
    assert (result.codespace, result.code) == ("cash", 7) and result.log.startswith("message 1: ")
    changed = {k for k in set(before) | set(funded.state.data) if before.get(k) != funded.state.data.get(k)}
    assert changed == {account_key(ALICE.did())}
    assert balance(funded, BOB) == 50_000


# --- KYC revocation and suspension --------------------------------------------------------------------------


def test_a_revoked_kyc_stops_the_holder_at_once(funded: Chain) -> None:
    ok(funded, ALICE, [transfer(ALICE, BOB, 5_000)])
    ok(funded, KYC_ISSUER, [revoke_kyc("bob")])
    result = refused(funded, BOB, [transfer(BOB, ALICE, 1_000)], "identity", 10)
    assert "holds no valid 'KycCredential' credential" in result.log
    result = refused(funded, ALICE, [transfer(ALICE, BOB, 1_000)], "cash", 7)
    assert f"the recipient {BOB.did()}" in result.log
    refused(funded, BANK, [issue(BOB, 1)], "cash", 7)
    assert (balance(funded, ALICE), balance(funded, BOB)) == (95_000, 55_000)


def test_a_suspended_kyc_blocks_until_it_is_lifted(funded: Chain) -> None:
    ok(funded, ALICE, [transfer(ALICE, DAVE, 10_000)])
    ok(funded, KYC_ISSUER, [status(KYC_ISSUER, "sus-1", "suspension", [3])])
    refused(funded, DAVE, [transfer(DAVE, ALICE, 1)], "identity", 10)
    refused(funded, ALICE, [transfer(ALICE, DAVE, 1)], "cash", 7)
    ok(funded, KYC_ISSUER, [status(KYC_ISSUER, "sus-1", "suspension", [], [3])])
    ok(funded, DAVE, [transfer(DAVE, ALICE, 1)])
    ok(funded, ALICE, [transfer(ALICE, DAVE, 1)])
    assert balance(funded, DAVE) == 10_000


# --- MsgFreezeAccount / MsgUnfreezeAccount ------------------------------------------------------------------


def test_the_issuing_bank_and_a_regulator_freeze_and_unfreeze(funded: Chain) -> None:
    result = ok(funded, REGULATOR, [freeze(REGULATOR, BOB, "HKMA notice 7")])
    assert result.events == [
        {"type": "cash/EventFreezeAccount", "token_id": HKD, "holder": BOB.did(),
         "authority": REGULATOR.did(), "reason": "HKMA notice 7"},
    ]  # fmt: skip
    assert get_freeze(funded.state, HKD, BOB.did()) == Freeze(
        HKD, BOB.did(), REGULATOR.did(), "HKMA notice 7", 5
    )
    result = ok(funded, BANK, [unfreeze(BANK, BOB, "resolved")])
    assert result.events == [
        {"type": "cash/EventUnfreezeAccount", "token_id": HKD, "holder": BOB.did(), "authority": BANK.did(),
         "reason": "resolved"},
    ]  # fmt: skip
    assert get_freeze(funded.state, HKD, BOB.did()) is None


def test_freeze_by_anyone_else_is_cash_6(funded: Chain) -> None:
    refused(funded, OUTSIDER, [freeze(OUTSIDER, BOB)], "cash", 6)
    refused(funded, BANK2, [freeze(BANK2, BOB)], "cash", 6)  # another bank is not this token's authority
    refused(funded, ALICE, [unfreeze(ALICE, BOB)], "cash", 6)


def test_freeze_twice_is_cash_13_and_unfreeze_unfrozen_is_cash_14(funded: Chain) -> None:
    ok(funded, BANK, [freeze(BANK, BOB)])
    refused(funded, REGULATOR, [freeze(REGULATOR, BOB)], "cash", 13)
    refused(funded, BANK, [unfreeze(BANK, ALICE)], "cash", 14)


def test_a_freeze_is_per_token(funded: Chain) -> None:
    ok(funded, BANK2, [create_token(BANK2), issue(ALICE, 500, token_id=HKD2, bank=BANK2)])
    ok(funded, BANK, [freeze(BANK, ALICE)])
    ok(funded, ALICE, [transfer(ALICE, BOB, 500, token_id=HKD2)])
    refused(funded, ALICE, [transfer(ALICE, BOB, 1)], "cash", 8)


# --- MsgForceTransfer ---------------------------------------------------------------------------------------


def test_force_transfer_from_a_frozen_account_with_a_reason(funded: Chain) -> None:
    ok(funded, REGULATOR, [freeze(REGULATOR, BOB, "court injunction")])
    result = ok(funded, REGULATOR, [force(REGULATOR, BOB, ALICE, 20_000, "HCMP 1234/2026")])
    assert result.events == [
        {"type": "cash/EventForceTransfer", "token_id": HKD, "holder": BOB.did(), "recipient": ALICE.did(),
         "amount": 20_000, "authority": REGULATOR.did(), "reason": "HCMP 1234/2026"},
    ]  # fmt: skip
    assert (balance(funded, ALICE), balance(funded, BOB), token(funded).supply) == (120_000, 30_000, 150_000)
    assert get_freeze(funded.state, HKD, BOB.did()) is not None  # still frozen


def test_force_transfer_to_the_issuing_bank_then_it_redeems(funded: Chain) -> None:
    ok(funded, KYC_ISSUER, [revoke_kyc("bob")])
    ok(funded, BANK, [force(BANK, BOB, BANK, 50_000, "KYC lapsed: funds returned")])
    assert balance(funded, BANK) == 50_000  # the bank holds its own token under its licence, without KYC
    ok(funded, BANK, [redeem(BANK, 50_000)])
    assert (token(funded).supply, balance(funded, BANK)) == (100_000, 0)
    refused(funded, BANK2, [issue(BANK, 1, token_id=HKD, bank=BANK2)], "cash", 5)


def test_force_transfer_failures(funded: Chain) -> None:
    refused(funded, OUTSIDER, [force(OUTSIDER, BOB, ALICE, 1)], "cash", 6)
    refused(funded, REGULATOR, [force(REGULATOR, BOB, CAROL, 1)], "cash", 7)
    refused(funded, REGULATOR, [force(REGULATOR, BOB, ALICE, 50_001)], "cash", 9)
    refused(funded, REGULATOR, [force(REGULATOR, BOB, ALICE, 1, reason=" ")], "cash", 2)
    ok(funded, BANK, [freeze(BANK, ALICE)])
    refused(funded, REGULATOR, [force(REGULATOR, BOB, ALICE, 1)], "cash", 8)
    ok(funded, BANK, [set_limits(100_000, 0), unfreeze(BANK, ALICE)])
    refused(funded, REGULATOR, [force(REGULATOR, BOB, ALICE, 1)], "cash", 10)


# --- MsgSetLimits -------------------------------------------------------------------------------------------


def test_set_limits_by_the_issuer(chain: Chain) -> None:
    result = ok(chain, BANK, [set_limits(5_000_000, 1_000_000)])
    assert result.events == [
        {"type": "cash/EventSetLimits", "token_id": HKD, "holder_limit": 5_000_000, "daily_limit": 1_000_000}
    ]
    assert (token(chain).holder_limit, token(chain).daily_limit) == (5_000_000, 1_000_000)
    refused(chain, BANK2, [set_limits(0, 0, bank=BANK2)], "cash", 5)


# --- stateless checks ---------------------------------------------------------------------------------------


def _create(**fields: Any) -> MsgCreateToken:
    values: dict[str, Any] = {"bank": BANK.did(), "currency": "USD", "holder_limit": 0, "daily_limit": 0,
                              "name_en": "", "name_zh": ""}  # fmt: skip
    return MsgCreateToken(**{**values, **fields})


INVALID: dict[str, tuple[SigningKey, Msg]] = {
    "currency-unknown": (BANK, _create(currency="XAU")),
    "currency-lower": (BANK, _create(currency="hkd")),
    "limit-negative": (BANK, _create(holder_limit=-1)),
    "name-too-long": (BANK, _create(name_en="x" * 129)),
    "amount-zero": (BANK, issue(ALICE, 0)),
    "amount-negative": (ALICE, transfer(ALICE, BOB, -5)),
    "token-id": (ALICE, redeem(ALICE, 1, token_id="not a token")),
    "recipient-not-did": (BANK, MsgIssueCash(bank=BANK.did(), token_id=HKD, recipient="alice", amount=1)),
    "force-to-self": (REGULATOR, force(REGULATOR, BOB, BOB, 1)),
    "force-no-reason": (REGULATOR, force(REGULATOR, BOB, ALICE, 1, reason="")),
    "reason-too-long": (BANK, freeze(BANK, BOB, "r" * 257)),
    "set-limits-negative": (BANK, set_limits(-1, 0)),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_stateless_checks_are_cash_2(funded: Chain, name: str) -> None:
    key, msg = INVALID[name]
    refused(funded, key, [msg], "cash", 2)


def test_amounts_above_2_53_minus_1_fail_validate_basic(chain: Chain) -> None:
    big = MAX_AMOUNT + 1
    with pytest.raises(MalformedTxError, match="exceeds 2\\*\\*53-1"):  # not even a tx can carry one
        chain.tx(BANK, [issue(ALICE, big)])
    checks: list[tuple[Any, Msg]] = [
        (validate_issue_cash, MsgIssueCash(bank=BANK.did(), token_id=HKD, recipient=ALICE.did(), amount=big)),
        (validate_redeem_cash, MsgRedeemCash(holder=ALICE.did(), token_id=HKD, amount=big)),
        (validate_transfer_cash, MsgTransferCash(sender=ALICE.did(), token_id=HKD, recipient=BOB.did(),
                                                 amount=big)),
        (validate_force_transfer, MsgForceTransfer(authority=BANK.did(), token_id=HKD, holder=ALICE.did(),
                                                   recipient=BOB.did(), amount=big, reason="x")),
        (validate_set_limits, MsgSetLimits(bank=BANK.did(), token_id=HKD, holder_limit=big, daily_limit=0)),
        (validate_create_token, _create(holder_limit=big)),
    ]  # fmt: skip
    for validate, msg in checks:
        with pytest.raises(cash_errors.InvalidCashMessageError):
            validate(msg)
    validate_issue_cash(MsgIssueCash(bank=BANK.did(), token_id=HKD, recipient=ALICE.did(), amount=MAX_AMOUNT))


def test_signer_fields_must_be_the_signer(funded: Chain) -> None:
    refused(funded, BOB, [transfer(ALICE, BOB, 1)], "msg", 3)
    refused(funded, REGULATOR, [freeze(BANK, BOB)], "msg", 3)


def test_cash_error_codes_are_2_to_14_and_unique() -> None:
    classes = [
        obj
        for obj in vars(cash_errors).values()
        if isinstance(obj, type)
        and issubclass(obj, cash_errors.CashError)
        and obj is not cash_errors.CashError
    ]
    codes = sorted(c.code for c in classes)
    assert codes == list(range(2, 15)) and all(c.codespace == "cash" for c in classes)


# --- the keeper API -----------------------------------------------------------------------------------------


class MsgDeliver(Msg, frozen=True, tag="dvp/MsgDeliver"):
    """Stands in for a module (bonds' DvP) that pays with deposit tokens through ``transfer_cash``."""

    signer_field: ClassVar[str] = "buyer"
    buyer: str
    seller: str
    token_id: str
    price: int


def process_deliver(ctx: Context, msg: MsgDeliver) -> None:
    transfer_cash(ctx, msg.token_id, msg.buyer, msg.seller, msg.price)


DVP = Module(name="dvp", routes=(Route(MsgDeliver, process_deliver, lambda msg: None),))


def test_keeper_transfer_cash_applies_every_check_for_another_module() -> None:
    chain = prepared_chain((*DEFAULT_MODULES, DVP))
    ok(chain, BANK, [issue(ALICE, 1_000), set_limits(0, 600)])

    def deliver(key: SigningKey, seller: SigningKey, price: int) -> MsgDeliver:
        return MsgDeliver(buyer=key.did(), seller=seller.did(), token_id=HKD, price=price)

    result = ok(chain, ALICE, [deliver(ALICE, BOB, 500)])
    assert result.events == [
        {"type": "cash/EventTransferCash", "token_id": HKD, "sender": ALICE.did(), "recipient": BOB.did(),
         "amount": 500},
    ]  # fmt: skip
    refused(chain, ALICE, [deliver(ALICE, BOB, 101)], "cash", 11)
    refused(chain, ALICE, [deliver(ALICE, CAROL, 1)], "cash", 7)
    refused(chain, CAROL, [deliver(CAROL, ALICE, 1)], "cash", 7)  # no admission here: the keeper checks
    refused(chain, BOB, [deliver(BOB, ALICE, 501)], "cash", 9)
    refused(chain, BOB, [deliver(BOB, ALICE, 0)], "cash", 2)
    refused(chain, BOB, [deliver(BOB, BOB, 1)], "cash", 2)
    refused(chain, BOB, [MsgDeliver(buyer=BOB.did(), seller=ALICE.did(), token_id=HKD2, price=1)], "cash", 4)
    ok(chain, BANK, [freeze(BANK, BOB)])
    refused(chain, BOB, [deliver(BOB, ALICE, 1)], "cash", 8)
    assert (balance(chain, ALICE), balance(chain, BOB)) == (500, 500)


def test_keeper_readers() -> None:
    chain = prepared_chain()
    assert get_token(chain.state, HKD2) is None
    assert get_balance(chain.state, HKD, ALICE.did()) == 0
    assert get_token(chain.state, HKD) == token(chain)


# --- proofs and invariants ----------------------------------------------------------------------------------


def test_balance_token_and_freeze_proofs_verify(funded: Chain) -> None:
    ok(funded, BANK, [freeze(BANK, BOB, "check")])
    signed = sign_header(funded.hash_fn, funded.headers[-1], [ed_key(900)])
    provable = CASH.provable
    key = provable["balance"].key(f"{HKD}/{ALICE.did()}")
    assert key == balance_key(HKD, ALICE.did())
    value = funded.state.get(key)
    assert value is not None
    verify_state(funded.genesis, signed, key, value, smt.prove(funded.tree, funded.hash_fn, key))
    assert msgspec.json.decode(value, type=provable["balance"].record_type) == Balance(
        HKD, ALICE.did(), 100_000
    )
    tkey = provable["token"].key(HKD)
    assert tkey == token_key(HKD)
    tvalue = funded.state.get(tkey)
    assert tvalue is not None
    verify_state(funded.genesis, signed, tkey, tvalue, smt.prove(funded.tree, funded.hash_fn, tkey))
    assert msgspec.json.decode(tvalue, type=Token).supply == 150_000
    fkey = provable["freeze"].key(f"{HKD}/{BOB.did()}")
    assert msgspec.json.decode(funded.state.get(fkey) or b"", type=Freeze).authority == BANK.did()
    absent = provable["balance"].key(f"{HKD}/{CAROL.did()}")  # a zero balance: proof of absence
    assert funded.state.get(absent) is None
    verify_state(funded.genesis, signed, absent, None, smt.prove(funded.tree, funded.hash_fn, absent))


def test_invariants_catch_a_broken_supply_and_index(funded: Chain) -> None:
    state = BlockState(DictState(dict(funded.state.data)))
    set_token(state, msgspec.structs.replace(token(funded), supply=149_999))
    assert check_supply(state) == [f"{HKD}: balances add up to 150000, supply is 149999"]
    state = BlockState(DictState(dict(funded.state.data)))
    state.set(balance_key(HKD, CAROL.did()), msgspec.json.encode(Balance(HKD, CAROL.did(), -1)))
    problems = check_supply(state)
    assert f"{HKD}/{CAROL.did()}: stored balance -1" in problems
    assert f"{HKD}/{CAROL.did()}: balance missing from the holder index" in check_indexes(state)
    state = BlockState(DictState(dict(funded.state.data)))
    set_balance(state, "USD-x", ALICE.did(), 5)
    set_freeze(state, Freeze("USD-x", BOB.did(), BANK.did(), "", 1))
    assert "USD-x/" + ALICE.did() + ": balance of an unknown token" in check_supply(state)
    assert check_indexes(state) == [f"USD-x/{BOB.did()}: freeze of an unknown token"]
    state = BlockState(DictState(dict(funded.state.data)))
    state.delete(b"cash/h/" + ALICE.did().encode() + b"/" + HKD.encode())
    assert check_indexes(state) == [f"{HKD}/{ALICE.did()}: balance missing from the holder index"]
    assert DailySpend(day=1, spent=2).spent == 2
