"""Property test of the carbon registry: random sequences of transfers (by amount or by named serials,
some overlapping or out of the batch), transfer-and-retire, retirements (some of serials already
retired), cancellations, escrows and releases, each in its own block.

A per-serial model predicts every result exactly — success, or the failure's ``(codespace, code)`` —
from the README's rules. After every block: the result matches the model, every invariant holds (per
batch ``issued == tradable + retired + cancelled + escrowed``, the serial ranges partition the batch so
no serial has two holders, balances equal the ranges), the stored ranges give every serial exactly the
holder and status of the model, and a failed message changed nothing but the signer's nonce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.carbon.errors import PrecisionExceededError
from bayledger.core.modules.carbon.ledger import get_balance, list_batch_ranges
from bayledger.core.modules.carbon.msgs import MsgCancelCredits, MsgEscrowCredits, MsgRetireCredits
from bayledger.core.modules.carbon.rules import format_quantity, parse_quantity
from bayledger.core.modules.carbon.state import get_batch
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from carbonkit import (
    ALICE,
    BATCH,
    BOB,
    CAROL,
    DEVELOPER,
    VERIFIER,
    entry,
    issue,
    ok,
    prepared_chain,
    release,
    transfer,
)

HOLDERS = [ALICE, BOB, CAROL, DEVELOPER]
START = [(ALICE, 30), (BOB, 20), (CAROL, 10)]  # serials 1-30, 31-50, 51-60 (smallest units)
ISSUED = sum(n for _, n in START)
OK = ("", 0)
ERROR_OF_STATUS = {"retired": 13, "escrowed": 14, "cancelled": 15}

who = st.integers(0, len(HOLDERS) - 1)
amount = st.one_of(st.integers(1, 12), st.integers(1, 12), st.sampled_from([0, 35]))
span = st.tuples(st.integers(1, ISSUED + 3), st.integers(0, 6)).map(lambda s: (s[0], s[0] + s[1]))
spans = st.lists(span, min_size=1, max_size=3)
# (amount, named serials): by amount, by named serials adding up to it, or (rarely) not adding up
selection = st.one_of(
    amount.map(lambda a: (a, [])),
    amount.map(lambda a: (a, [])),
    spans.map(lambda r: (sum(last - first + 1 for first, last in r), r)),
    spans.map(lambda r: (sum(last - first + 1 for first, last in r), r)),
    st.tuples(amount, spans),
)
operations = st.one_of(
    st.tuples(st.just("transfer"), who, who, selection, st.booleans()),
    st.tuples(st.just("retire"), who, selection),
    st.tuples(st.just("retire"), who, selection),
    st.tuples(st.just("cancel"), who, selection),
    st.tuples(st.just("escrow"), who, who, selection),
    st.tuples(st.just("release"), who, st.integers(0, 3), who),
    # name a serial that was retired, escrowed or cancelled (the model picks one, if any) and move it
    st.tuples(st.just("touch"), who, st.sampled_from(["retired", "escrowed", "cancelled"]), st.booleans()),
)


@dataclass
class Model:
    """Each serial's holder and status, and the open escrows (id -> owner, agent, serials)."""

    holder: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    escrows: dict[str, tuple[str, str, list[int]]] = field(default_factory=dict)
    escrow_count: int = 0

    def tradable_of(self, did: str) -> list[int]:
        return [s for s in range(1, ISSUED + 1) if self.holder[s] == did and self.status[s] == "tradable"]

    def count(self, did: str, status: str) -> int:
        return sum(1 for s in range(1, ISSUED + 1) if self.holder[s] == did and self.status[s] == status)

    def take(
        self, did: str, value: int, named: list[tuple[int, int]], stateless_ok: bool = True
    ) -> tuple[list[int], tuple[str, int]]:
        """The serials an operation takes, or the error it fails with (stateless checks first)."""
        ordered = sorted(named)
        if value <= 0 or not stateless_ok or any(b[0] <= a[1] for a, b in pairwise(ordered)):
            return [], ("carbon", 2)
        if named and sum(last - first + 1 for first, last in ordered) != value:
            return [], ("carbon", 2)
        if not named:
            tradable = self.tradable_of(did)
            return (tradable[:value], OK) if len(tradable) >= value else ([], ("carbon", 11))
        chosen = [s for first, last in ordered for s in range(first, last + 1)]
        for s in chosen:
            if s > ISSUED:
                return [], ("carbon", 16)
            if self.status[s] != "tradable":
                return [], ("carbon", ERROR_OF_STATUS[self.status[s]])
            if self.holder[s] != did:
                return [], ("carbon", 16)
        return chosen, OK

    def assign(self, chosen: list[int], did: str, status: str) -> None:
        for s in chosen:
            self.holder[s], self.status[s] = did, status


def _release(model: Model, op: tuple[Any, ...]) -> tuple[SigningKey, Any, tuple[str, int]]:
    """A release by a random signer of a random (open or unknown) escrow."""
    signer, pick, recipient = HOLDERS[op[1]], op[2], HOLDERS[op[3]]
    ids = sorted(model.escrows)
    escrow_id = ids[pick] if pick < len(ids) else f"ESC-{BATCH}-{9000 + pick:04d}"
    if escrow_id not in model.escrows:
        return signer, release(signer, escrow_id, recipient), ("carbon", 18)
    _, agent, chosen = model.escrows[escrow_id]
    if signer.did() != agent:
        return signer, release(signer, escrow_id, recipient), ("carbon", 19)
    model.assign(chosen, recipient.did(), "tradable")
    del model.escrows[escrow_id]
    return signer, release(signer, escrow_id, recipient), OK


def to_tx(model: Model, op: tuple[Any, ...]) -> tuple[SigningKey, Any, tuple[str, int]]:
    """The signer and message of an operation, and the outcome the model predicts (model updated)."""
    kind = op[0]
    if kind == "transfer":
        sender, recipient, (value, named), and_retire = HOLDERS[op[1]], HOLDERS[op[2]], op[3], op[4]
        fields = dict(beneficiary="B", reason="r", jurisdiction="HK") if and_retire else {}
        msg = transfer(sender, recipient, value, named, retire=and_retire, **fields)
        chosen, outcome = model.take(sender.did(), value, named, stateless_ok=sender != recipient)
        if outcome == OK:
            model.assign(chosen, recipient.did(), "retired" if and_retire else "tradable")
        return sender, msg, outcome
    if kind == "release":
        return _release(model, op)
    if kind == "touch":
        found = [n for n in range(1, ISSUED + 1) if model.status[n] == op[2]]
        serial = found[len(found) // 2] if found else 1
        kind, op = ("retire", (op[0], op[1], (1, [(serial, serial)]))) if op[3] else ("transfer", op)
        if kind == "transfer":
            op = ("transfer", op[1], (op[1] + 1) % len(HOLDERS), (1, [(serial, serial)]), False)
            return to_tx(model, op)
    owner, (value, named) = HOLDERS[op[1]], op[-1]
    if kind == "retire":
        msg: Any = MsgRetireCredits(
            owner=owner.did(),
            batch_id=BATCH,
            amount=value,
            beneficiary="B",
            reason="",
            jurisdiction="HK",
            serials=named,
        )
        chosen, outcome = model.take(owner.did(), value, named)
        if outcome == OK:
            model.assign(chosen, owner.did(), "retired")
        return owner, msg, outcome
    if kind == "cancel":
        msg = MsgCancelCredits(
            owner=owner.did(), batch_id=BATCH, amount=value, reason="bridge out", serials=named
        )
        chosen, outcome = model.take(owner.did(), value, named)
        if outcome == OK:
            model.assign(chosen, owner.did(), "cancelled")
        return owner, msg, outcome
    if kind == "escrow":
        agent = HOLDERS[op[2]]
        msg = MsgEscrowCredits(
            owner=owner.did(), batch_id=BATCH, amount=value, agent=agent.did(), reference="", serials=named
        )
        chosen, outcome = model.take(owner.did(), value, named, stateless_ok=agent != owner)
        if outcome == OK:
            model.assign(chosen, owner.did(), "escrowed")
            model.escrow_count += 1
            model.escrows[f"ESC-{BATCH}-{model.escrow_count:04d}"] = (owner.did(), agent.did(), chosen)
        return owner, msg, outcome


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=3, max_size=30))
def test_random_carbon_operations_match_the_model_and_keep_the_invariants(ops: list[tuple[Any, ...]]) -> None:
    chain = prepared_chain()
    ok(chain, VERIFIER, [issue([entry(key, n) for key, n in START])])
    model = Model(holder=[""], status=[""])
    for key, n in START:
        model.holder += [key.did()] * n
        model.status += ["tradable"] * n
    for op in ops:
        key, msg, expected = to_tx(model, op)
        before = dict(chain.state.data)
        result = chain.apply([chain.tx(key, [msg])]).results[0]
        assert (result.codespace, result.code) == expected, (op, result.log)
        event(f"{op[0]} -> {expected[0] or 'ok'}/{expected[1]}")
        if expected != OK:
            assert result.events == []
            changed = {
                k for k in set(before) | set(chain.state.data) if before.get(k) != chain.state.data.get(k)
            }
            assert changed == {account_key(key.did())}
        assert check_invariants(chain.app, chain.state) == []
        batch = get_batch(chain.state, BATCH)
        assert batch is not None
        assert batch.issued == batch.tradable + batch.retired + batch.cancelled + batch.escrowed == ISSUED
        owners: list[tuple[str, str]] = [("", "")]
        for r in list_batch_ranges(chain.state, BATCH):
            owners += [(r.holder, r.status)] * (r.last - r.first + 1)
        assert owners == list(zip(model.holder, model.status, strict=True))  # one holder per serial
        for holder in HOLDERS:
            b = get_balance(chain.state, BATCH, holder.did())
            assert (b.tradable, b.retired, b.cancelled, b.escrowed) == tuple(
                model.count(holder.did(), s) for s in ("tradable", "retired", "cancelled", "escrowed")
            )


@given(st.integers(0, 2**53 - 1), st.integers(0, 6))
def test_quantity_text_round_trips_and_extra_decimals_are_refused(units: int, precision: int) -> None:
    text = format_quantity(units, precision)
    assert parse_quantity(text, precision) == units
    if precision < 6:
        with pytest.raises(PrecisionExceededError):
            parse_quantity(text.replace(",", "") + ("1" if precision else ".1"), precision)
