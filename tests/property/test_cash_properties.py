"""Property test of the cash module: random sequences of issue, transfer, redeem, freeze, unfreeze, forced
transfer, limit changes, KYC suspension and day changes, each in its own block.

A small model predicts every result exactly — success, or the failure's ``(codespace, code)`` — from the
rules in the module's README (check order included). After every block: the result matches the model, the
module invariants hold (per token Σ balances == supply, no non-positive balance, indexes), every balance
and the supply equal the model's, and a failed message left nothing but the signer's nonce changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.cash import get_balance, get_token
from bayledger.core.modules.cash.keeper import DAY_MS, compute_day
from bayledger.core.modules.cash.msgs import MAX_AMOUNT
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from cashkit import (
    ALICE,
    BANK,
    BOB,
    CAROL,
    DAVE,
    HKD,
    KYC_ISSUER,
    OUTSIDER,
    REGULATOR,
    force,
    freeze,
    issue,
    prepared_chain,
    redeem,
    set_limits,
    status,
    transfer,
    unfreeze,
)
from corechain import BLOCK_INTERVAL_MS

HOLDERS = [ALICE, BOB, CAROL, DAVE, BANK]  # CAROL has no KYC; DAVE's KYC can be suspended; BANK is the issuer
AUTHORITIES = [BANK, REGULATOR, OUTSIDER]
OK = ("", 0)

holder = st.sampled_from([0, 0, 0, 1, 1, 1, 2, 3, 3, 4])  # mostly the KYC'd ALICE and BOB
authority = st.integers(0, len(AUTHORITIES) - 1)
amount = st.one_of(
    *[st.integers(1, 6_000)] * 8, st.sampled_from([0, -1, MAX_AMOUNT, MAX_AMOUNT - 30_000, 12_000])
)
limit = st.sampled_from([2_000, 0, 5_000, 12_000])  # Hypothesis favours the first
# a sender and a different recipient (self-transfers are drawn separately, rarely)
pair = st.tuples(holder, st.integers(1, len(HOLDERS) - 1)).map(lambda p: (p[0], (p[0] + p[1]) % len(HOLDERS)))
operations = st.one_of(
    st.tuples(st.just("issue"), holder, amount),
    *[pair.flatmap(lambda p: st.tuples(st.just("transfer"), st.just(p[0]), st.just(p[1]), amount))] * 3,
    holder.flatmap(lambda h: st.tuples(st.just("transfer"), st.just(h), st.just(h), amount)),
    st.tuples(st.just("redeem"), holder, amount),
    st.tuples(st.just("freeze"), authority, holder),
    st.tuples(st.just("unfreeze"), authority, holder),
    pair.flatmap(lambda p: st.tuples(st.just("force"), authority, st.just(p[0]), st.just(p[1]), amount)),
    st.tuples(st.just("limits"), limit, limit),
    st.tuples(st.just("suspend")),
    st.tuples(st.just("next-day")),
)


@dataclass
class Model:
    """What the chain should hold, and the rules that predict each message's outcome."""

    balances: dict[str, int] = field(default_factory=dict)
    supply: int = 0
    frozen: set[str] = field(default_factory=set)
    dave_suspended: bool = False
    holder_limit: int = 0
    daily_limit: int = 0
    daily: dict[str, tuple[int, int]] = field(default_factory=dict)

    def bal(self, did: str) -> int:
        return self.balances.get(did, 0)

    def has_kyc(self, did: str) -> bool:
        return did in (ALICE.did(), BOB.did()) or (did == DAVE.did() and not self.dave_suspended)

    def compliant(self, did: str) -> bool:
        return did == BANK.did() or self.has_kyc(did)

    def spent(self, did: str, day: int) -> int:
        last_day, spent = self.daily.get(did, (day, 0))
        return spent if last_day == day else 0

    def over_cap(self, did: str, value: int) -> bool:
        return bool(self.holder_limit) and self.bal(did) + value > self.holder_limit

    def move(self, sender: str, recipient: str, value: int) -> None:
        self.balances[sender] = self.bal(sender) - value
        self.balances[recipient] = self.bal(recipient) + value

    def issue(self, to: str, value: int) -> tuple[str, int]:
        if not 0 < value <= MAX_AMOUNT:
            return ("cash", 2)
        if not self.compliant(to):
            return ("cash", 7)
        if to in self.frozen:
            return ("cash", 8)
        if self.supply + value > MAX_AMOUNT:
            return ("cash", 12)
        if self.over_cap(to, value):
            return ("cash", 10)
        self.balances[to] = self.bal(to) + value
        self.supply += value
        return OK

    def transfer(self, sender: str, recipient: str, value: int, day: int) -> tuple[str, int]:
        if not 0 < value <= MAX_AMOUNT or sender == recipient:
            return ("cash", 2)
        if not self.has_kyc(sender):
            return ("identity", 10)  # admission: the signer's own KycCredential
        if not self.compliant(recipient):
            return ("cash", 7)
        if sender in self.frozen or recipient in self.frozen:
            return ("cash", 8)
        if self.bal(sender) < value:
            return ("cash", 9)
        spent = self.spent(sender, day)
        if self.daily_limit and spent + value > self.daily_limit:
            return ("cash", 11)
        if self.over_cap(recipient, value):
            return ("cash", 10)
        self.move(sender, recipient, value)
        self.daily[sender] = (day, spent + value)
        return OK

    def redeem(self, did: str, value: int) -> tuple[str, int]:
        if not 0 < value <= MAX_AMOUNT:
            return ("cash", 2)
        if not self.compliant(did):
            return ("cash", 7)
        if did in self.frozen:
            return ("cash", 8)
        if self.bal(did) < value:
            return ("cash", 9)
        self.balances[did] = self.bal(did) - value
        self.supply -= value
        return OK

    def freeze(self, by: str, did: str, on: bool) -> tuple[str, int]:
        if by not in (BANK.did(), REGULATOR.did()):
            return ("cash", 6)
        if on == (did in self.frozen):
            return ("cash", 13) if on else ("cash", 14)
        (self.frozen.add if on else self.frozen.discard)(did)
        return OK

    def force(self, by: str, sender: str, recipient: str, value: int) -> tuple[str, int]:
        if not 0 < value <= MAX_AMOUNT or sender == recipient:
            return ("cash", 2)
        if by not in (BANK.did(), REGULATOR.did()):
            return ("cash", 6)
        if not self.compliant(recipient):
            return ("cash", 7)
        if recipient in self.frozen:
            return ("cash", 8)
        if self.bal(sender) < value:
            return ("cash", 9)
        if self.over_cap(recipient, value):
            return ("cash", 10)
        self.move(sender, recipient, value)
        return OK


def to_tx(model: Model, op: tuple[Any, ...], day: int) -> tuple[SigningKey, Any, tuple[str, int]]:
    """The signer and message of an operation, and the outcome the model predicts (model updated)."""
    kind = op[0]
    if kind == "issue":
        to, value = HOLDERS[op[1]], op[2]
        return BANK, issue(to, value), model.issue(to.did(), value)
    if kind == "transfer":
        sender, recipient, value = HOLDERS[op[1]], HOLDERS[op[2]], op[3]
        return (
            sender,
            transfer(sender, recipient, value),
            model.transfer(sender.did(), recipient.did(), value, day),
        )
    if kind == "redeem":
        did, value = HOLDERS[op[1]], op[2]
        return did, redeem(did, value), model.redeem(did.did(), value)
    if kind in ("freeze", "unfreeze"):
        by, did = AUTHORITIES[op[1]], HOLDERS[op[2]]
        msg = freeze(by, did, "check") if kind == "freeze" else unfreeze(by, did)
        return by, msg, model.freeze(by.did(), did.did(), kind == "freeze")
    if kind == "force":
        by, sender, recipient, value = AUTHORITIES[op[1]], HOLDERS[op[2]], HOLDERS[op[3]], op[4]
        return (
            by,
            force(by, sender, recipient, value),
            model.force(by.did(), sender.did(), recipient.did(), value),
        )
    if kind == "limits":
        model.holder_limit, model.daily_limit = op[1], op[2]
        return BANK, set_limits(op[1], op[2]), OK
    assert kind == "suspend"
    on = not model.dave_suspended
    model.dave_suspended = on
    msg = status(KYC_ISSUER, "sus-1", "suspension", [3] if on else [], [] if on else [3])
    return KYC_ISSUER, msg, OK


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limit, limit, st.lists(operations, min_size=1, max_size=40))
def test_random_cash_operations_match_the_model_and_keep_the_invariants(
    holder_limit: int, daily_limit: int, ops: list[tuple[Any, ...]]
) -> None:
    chain = prepared_chain()
    model = Model()
    # ALICE and BOB start with 10_000 each, then the drawn limits apply
    ops = [("issue", 0, 10_000), ("issue", 1, 10_000), ("limits", holder_limit, daily_limit), *ops]
    for op in ops:
        time = chain.time + (DAY_MS if op[0] == "next-day" else BLOCK_INTERVAL_MS)
        if op[0] == "next-day":
            chain.apply([], time=time)
            continue
        key, msg, expected = to_tx(model, op, compute_day(time))
        before = dict(chain.state.data)
        result = chain.apply([chain.tx(key, [msg])], time=time).results[0]
        assert (result.codespace, result.code) == expected, (op, result.log)
        event(f"{op[0]} -> {expected[0] or 'ok'}/{expected[1]}")
        if expected != OK:
            assert result.events == []
            after = chain.state.data
            changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            assert changed == {account_key(key.did())}
        assert check_invariants(chain.app, chain.state) == []
        token = get_token(chain.state, HKD)
        assert token is not None and token.supply == model.supply
        for holder_key in HOLDERS:
            assert get_balance(chain.state, HKD, holder_key.did()) == model.bal(holder_key.did()) >= 0
