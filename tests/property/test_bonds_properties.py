"""Property test of the bonds module: random sequences of transfers, DvP offers (accept, cancel), pledges
and releases, freezes and unfreezes, KYC revocation and coupon payments on the settled reference bond,
each in its own block.

After every block: the bonds and cash invariants hold (Σ holdings == outstanding, encumbrances match the
pledges and offers, Σ balances == supply); the face amount outstanding never changes; cash only moves
between the parties (Σ of every balance is the token's supply, unchanged by bond operations); a failed
message changed nothing but the signer's nonce; and a holder's free amount never goes negative.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.bonds.msgs import (
    MsgAcceptOffer,
    MsgCancelOffer,
    MsgFreezeHolding,
    MsgOfferBond,
    MsgPayCoupon,
    MsgPledgeBond,
    MsgReleasePledge,
    MsgTransferBond,
    MsgUnfreezeHolding,
)
from bayledger.core.modules.bonds.state import get_bond, list_holdings, list_offers, list_pledges
from bayledger.core.modules.cash import get_token
from bayledger.core.state_transition import check_invariants
from bondkit import BOND, FACE, GOVT, KYC_ISSUER, PRO, UNIT, at, settled_chain
from cashkit import ALICE, BOB, CAROL, HKD, REGULATOR, run, status

COUPON_DATES = {1: at("2024-05-16"), 2: at("2024-11-18")}
PARTIES = [ALICE, BOB, PRO, CAROL]  # PRO is KYC'd but holds no bonds or cash at first; CAROL has no KYC
party = st.sampled_from([0, 0, 1, 1, 2, 3])
# two different parties (a self-transfer is refused statelessly; the unit tests cover it)
pair = st.tuples(party, st.integers(1, len(PARTIES) - 1)).map(lambda p: (p[0], (p[0] + p[1]) % len(PARTIES)))
units = st.sampled_from([1, 1, 2, 5, 100, 0])
operations = st.one_of(
    *[pair.map(lambda p: ("transfer", p[0], p[1])).flatmap(lambda t: units.map(lambda u: (*t, u)))] * 3,
    *[
        st.tuples(pair, units, st.integers(1, 3)).map(
            lambda a: ("offer", a[0][0], a[0][1], a[1], a[2] * 1_000_000)
        )
    ]
    * 2,
    *[st.tuples(st.just("accept"), party, st.integers(0, 3))] * 2,
    st.tuples(st.just("cancel"), party, st.integers(0, 3)),
    *[pair.flatmap(lambda p: units.map(lambda u: ("pledge", p[0], p[1], u)))] * 2,
    pair.flatmap(lambda p: units.map(lambda u: ("release", p[0], p[1], u))),
    st.tuples(st.just("freeze"), party),
    st.tuples(st.just("unfreeze"), party),
    st.tuples(st.just("revoke-bob")),
    st.tuples(st.just("coupon")),
)


def _message(chain: Any, op: tuple[Any, ...]) -> tuple[Any, Any] | None:
    kind = op[0]
    if kind == "transfer":
        a, b = PARTIES[op[1]], PARTIES[op[2]]
        return a, MsgTransferBond(sender=a.did(), bond_id=BOND, recipient=b.did(), amount=op[3] * UNIT)
    if kind == "offer":
        a, b = PARTIES[op[1]], PARTIES[op[2]]
        return a, MsgOfferBond(seller=a.did(), bond_id=BOND, buyer=b.did(), amount=op[3] * UNIT, cash=op[4])
    if kind in ("accept", "cancel"):
        offers = list_offers(chain.state)
        offer_id = offers[op[2] % len(offers)].offer_id if offers else "OFR-00000099"
        a = PARTIES[op[1]]
        if kind == "accept":  # mostly the offer's own buyer; party 3 (no KYC) stands for a stranger
            if offers and op[1] != 3:
                a = next(p for p in PARTIES if p.did() == offers[op[2] % len(offers)].buyer)
            return a, MsgAcceptOffer(buyer=a.did(), offer_id=offer_id)
        return a, MsgCancelOffer(signer=a.did(), offer_id=offer_id)
    if kind == "pledge":
        a, b = PARTIES[op[1]], PARTIES[op[2]]
        return a, MsgPledgeBond(holder=a.did(), bond_id=BOND, pledgee=b.did(), amount=op[3] * UNIT)
    if kind == "release":  # mostly an existing pledge
        pledges = list_pledges(chain.state, BOND)
        a, b = PARTIES[op[1]], PARTIES[op[2]]
        if pledges and op[1] != 3:
            chosen = pledges[op[2] % len(pledges)]
            a, b = (next(p for p in PARTIES if p.did() == did) for did in (chosen.holder, chosen.pledgee))
        return b, MsgReleasePledge(pledgee=b.did(), bond_id=BOND, holder=a.did(), amount=op[3] * UNIT)
    if kind in ("freeze", "unfreeze"):
        holder = PARTIES[op[1]].did()
        cls = MsgFreezeHolding if kind == "freeze" else MsgUnfreezeHolding
        return REGULATOR, cls(authority=REGULATOR.did(), bond_id=BOND, holder=holder, reason="order")
    if kind == "revoke-bob":
        return KYC_ISSUER, status(KYC_ISSUER, "rev-1", "revocation", [12])
    if kind == "coupon":
        bond = get_bond(chain.state, BOND)
        index = bond.coupons_paid + 1 if bond is not None else 1
        return GOVT, MsgPayCoupon(issuer=GOVT.did(), bond_id=BOND, index=index)
    return None


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(operations, min_size=1, max_size=25))
def test_random_bond_operations_keep_supply_and_encumbrances(ops: list[tuple[Any, ...]]) -> None:
    chain = settled_chain()
    token = get_token(chain.state, HKD)
    assert token is not None
    supply = token.supply
    clock = at("2023-11-20")
    for op in ops:
        built = _message(chain, op)
        assert built is not None
        signer, msg = built
        if op[0] == "coupon":  # jump to the coupon's payment date (the schedule of the reference bond)
            clock = max(clock, COUPON_DATES.get(msg.index, clock))
        clock += 60_000
        before = dict(chain.state.data)
        result = run(chain, signer, [msg], time=clock)
        event(f"{op[0]}: {'ok' if result.code == 0 else f'{result.codespace}/{result.code}'}")
        if result.code != 0:
            after = dict(chain.state.data)
            changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            assert changed == {account_key(signer.did())}, (op, result.log)
        assert check_invariants(chain.app, chain.state) == [], op
        bond = get_bond(chain.state, BOND)
        assert bond is not None and bond.outstanding == FACE
        holdings = list_holdings(chain.state, BOND)
        assert sum(h.amount for h in holdings) == FACE
        assert all(h.available >= 0 for h in holdings)
        token = get_token(chain.state, HKD)
        assert token is not None and token.supply == supply  # bonds never mint or burn cash
