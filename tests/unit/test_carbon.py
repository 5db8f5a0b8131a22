"""The carbon registry: types, classes, projects, serial-numbered issuance, transfers with range splits,
retirement with claims, cancellation and bridging, escrow, Article 6 fields, invariants and proofs."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from bayledger.core import smt
from bayledger.core.light import verify_state
from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.carbon import MODULE as CARBON
from bayledger.core.modules.carbon.errors import InvalidCarbonMessageError, PrecisionExceededError
from bayledger.core.modules.carbon.invariants import check_serials, check_supply
from bayledger.core.modules.carbon.ledger import (
    Balance,
    Retirement,
    SerialRange,
    get_balance,
    get_escrow,
    get_retirement,
    list_batch_ranges,
    list_beneficiary_retirements,
    list_movements,
    set_balance,
    set_range,
)
from bayledger.core.modules.carbon.msgs import MsgSetAdjustment, MsgUpdateClassIssuers
from bayledger.core.modules.carbon.rules import format_quantity, parse_quantity
from bayledger.core.modules.carbon.state import get_batch, get_class, get_project
from bayledger.core.modules.claims import get_claim
from bayledger.core.state_transition import check_invariants
from bayledger.core.store import BlockState
from bayledger.keys import SigningKey
from bayledger.sdk.cash import parse_amount
from carbonkit import (
    ALICE,
    BATCH,
    BOB,
    CAROL,
    CLASS_ADMIN,
    DEVELOPER,
    PROJECT,
    REGISTRAR,
    REGULATOR,
    REPORT,
    ROGUE,
    TONNE,
    VERIFIER,
    VERIFIER2,
    attest,
    bridge_in,
    cancel,
    create_class,
    create_project,
    credit_type,
    entry,
    escrow,
    issue,
    ok,
    prepared_chain,
    release,
    report,
    retire,
    run,
    transfer,
)
from corechain import Chain, ed_key, sign_header


def refused(chain: Chain, key: SigningKey, msgs: list[Any], codespace: str, code: int) -> Any:
    """Run a tx whose message fails: its code, no events, and only the signer's nonce changed."""
    before = dict(chain.state.data)
    result = run(chain, key, msgs)
    assert (result.codespace, result.code, result.events) == (codespace, code, []), result.log
    after = dict(chain.state.data)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {account_key(key.did())}
    assert check_invariants(chain.app, chain.state) == []
    return result


@pytest.fixture
def chain() -> Chain:
    return prepared_chain()


@pytest.fixture
def issued(chain: Chain) -> Chain:
    """ALICE 600 t tradable, BOB 200 t tradable, 100 t retired at issuance for ALICE's beneficiary."""
    ok(
        chain,
        VERIFIER,
        [issue([entry(ALICE, 600 * TONNE, 100 * TONNE, "Harbour Airlines Ltd"), entry(BOB, 200 * TONNE)])],
    )
    return chain


def ranges(chain: Chain) -> list[tuple[int, int, str, str]]:
    names = {k.did(): n for n, k in {"alice": ALICE, "bob": BOB, "carol": CAROL}.items()}
    return [(r.first, r.last, names[r.holder], r.status) for r in list_batch_ranges(chain.state, BATCH)]


def bal(chain: Chain, key: SigningKey) -> tuple[int, int, int, int]:
    b = get_balance(chain.state, BATCH, key.did())
    return (b.tradable, b.retired, b.cancelled, b.escrowed)


# --- structure ----------------------------------------------------------------------------------------------


def test_type_class_and_project_get_deterministic_ids(chain: Chain) -> None:
    credit_class = get_class(chain.state, "C01")
    assert credit_class is not None
    assert (credit_class.admin, credit_class.issuers, credit_class.project_count) == (
        CLASS_ADMIN.did(),
        [VERIFIER.did()],
        1,
    )
    project = get_project(chain.state, PROJECT)
    assert project is not None
    assert (project.developer, project.jurisdiction, project.name_zh) == (
        DEVELOPER.did(),
        "CN-GD",
        "肇慶紅樹林修復",
    )
    result = ok(chain, REGISTRAR, [create_class(), credit_type("BIO", 0, "ha")])
    assert result.events[0]["class_id"] == "C02"
    result = ok(chain, REGISTRAR, [create_class(credit="BIO")])
    assert result.events[0]["class_id"] == "BIO01"
    assert ok(chain, CLASS_ADMIN, [create_project(CLASS_ADMIN)]).events[0]["project_id"] == "C01-002"


def test_registration_needs_the_registrar_role_given_by_governance(chain: Chain) -> None:
    rogue_type = msgspec.structs.replace(credit_type("X"), authority=ROGUE.did())
    refused(chain, ROGUE, [rogue_type], "governance", 11)
    refused(chain, REGISTRAR, [credit_type()], "carbon", 3)
    refused(chain, REGISTRAR, [create_class(credit="Z")], "carbon", 4)


def test_projects_are_created_by_the_class_admin_or_an_issuer_only(chain: Chain) -> None:
    refused(chain, ROGUE, [create_project(ROGUE)], "carbon", 7)
    refused(chain, VERIFIER, [create_project(class_id="C09")], "carbon", 5)


def test_the_class_admin_manages_issuers(chain: Chain) -> None:
    add = MsgUpdateClassIssuers(admin=CLASS_ADMIN.did(), class_id="C01", add=[VERIFIER2.did()], remove=[])
    refused(chain, VERIFIER, [msgspec.structs.replace(add, admin=VERIFIER.did())], "carbon", 6)
    ok(chain, CLASS_ADMIN, [add])
    credit_class = get_class(chain.state, "C01")
    assert credit_class is not None and credit_class.issuers == sorted([VERIFIER.did(), VERIFIER2.did()])


# --- issuance -----------------------------------------------------------------------------------------------


def test_issuance_to_several_recipients_assigns_serials_in_order(issued: Chain) -> None:
    batch = get_batch(issued.state, BATCH)
    assert batch is not None
    assert (batch.issued, batch.tradable, batch.retired, batch.verified_amount) == (
        900_000,
        800_000,
        100_000,
        1_000_000,
    )
    assert (batch.report_anchor_id, batch.vintage_start, batch.vintage_end) == (
        REPORT,
        "2024-01-01",
        "2024-12-31",
    )
    assert ranges(issued) == [
        (1, 600_000, "alice", "tradable"),
        (600_001, 700_000, "alice", "retired"),
        (700_001, 900_000, "bob", "tradable"),
    ]
    assert bal(issued, ALICE) == (600_000, 100_000, 0, 0)
    retirement = get_retirement(issued.state, f"RET-{BATCH}-0001")
    assert retirement is not None
    assert (retirement.beneficiary, retirement.ranges, retirement.amount) == (
        "Harbour Airlines Ltd",
        [(600_001, 700_000)],
        100_000,
    )
    claim = get_claim(issued.state, retirement.claim_id)
    assert claim is not None
    assert (claim.kind, claim.batch_ref, claim.ranges, claim.unit, claim.project_ref) == (
        "serial-range",
        BATCH,
        [(600_001, 700_000)],
        "tCO2e/1000",
        PROJECT,
    )
    assert (claim.period_start, claim.period_end) == (19723, 20088)  # 2024-01-01 .. 2024-12-31


def test_issuing_above_the_verified_quantity_is_refused(chain: Chain) -> None:
    refused(chain, VERIFIER, [issue([entry(ALICE, 900 * TONNE), entry(BOB, 100 * TONNE + 1)])], "carbon", 10)
    ok(
        chain, VERIFIER, [issue([entry(ALICE, 900 * TONNE), entry(BOB, 100 * TONNE)])]
    )  # exactly the verified 1000 t


def test_issuing_from_an_unauthorised_issuer_is_refused(chain: Chain) -> None:
    refused(
        chain, ROGUE, [issue([entry(ALICE, TONNE)], issuer=ROGUE)], "identity", 10
    )  # no verifier credential
    refused(
        chain, VERIFIER2, [issue([entry(ALICE, TONNE)], issuer=VERIFIER2)], "carbon", 7
    )  # not of the class


def test_the_report_must_be_attested_by_the_issuer_and_backs_one_batch(chain: Chain) -> None:
    ok(chain, DEVELOPER, [report(2)])  # ANC-00000002, not attested
    refused(chain, VERIFIER, [issue([entry(ALICE, TONNE)], anchor_id="ANC-00000002")], "carbon", 20)
    refused(chain, VERIFIER, [issue([entry(ALICE, TONNE)], anchor_id="ANC-00000099")], "carbon", 20)
    ok(chain, VERIFIER, [issue([entry(ALICE, TONNE)])])
    refused(
        chain, VERIFIER, [issue([entry(ALICE, TONNE)], vintage=("2025-01-01", "2025-12-31"))], "carbon", 21
    )


def test_the_same_report_anchored_again_backs_no_second_batch(chain: Chain) -> None:
    """One verification report is one report whoever anchors it again: its content hash backs one batch."""
    ok(chain, VERIFIER, [issue([entry(ALICE, 1000 * TONNE)])])  # ANC-00000001: content_hash(501), 1000 t
    again = msgspec.structs.replace(report(1), owner=VERIFIER.did())  # the verifier re-anchors it itself
    ok(chain, VERIFIER, [again])
    refused(chain, VERIFIER, [issue([entry(BOB, 1000 * TONNE)], anchor_id="ANC-00000002")], "carbon", 21)


@pytest.mark.parametrize("text", ["1,5", "12,5", "1_0.5", "1,,,0", "1,0000", ",100"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused(text: str) -> None:
    with pytest.raises(InvalidCarbonMessageError):
        parse_quantity(text, 3)
    with pytest.raises(ValueError):
        parse_amount(text, 2)
    assert parse_quantity("12,500,000.25", 3) == 12_500_000_250


def test_a_verified_quantity_beyond_the_type_precision_is_refused(chain: Chain) -> None:
    ok(chain, DEVELOPER, [report(3, "1000.0005")])
    ok(chain, VERIFIER, [attest("ANC-00000002")])
    refused(chain, VERIFIER, [issue([entry(ALICE, TONNE)], anchor_id="ANC-00000002")], "carbon", 12)
    with pytest.raises(PrecisionExceededError) as info:
        parse_quantity("12.3456", 3)
    assert (info.value.codespace, info.value.code) == ("carbon", 12)
    assert parse_quantity("1,250.5", 3) == 1_250_500
    assert format_quantity(1_250_500, 3) == "1,250.500"


def test_stateless_checks_refuse_bad_messages(chain: Chain) -> None:
    refused(
        chain, VERIFIER, [issue([entry(ALICE, TONNE)], vintage=("2024-12-31", "2024-01-01"))], "carbon", 2
    )
    refused(chain, VERIFIER, [issue([entry(ALICE, 0)])], "carbon", 2)
    refused(
        chain, VERIFIER, [issue([entry(ALICE, TONNE)], authorization="ndc")], "carbon", 2
    )  # no host country


# --- transfers, retirements ---------------------------------------------------------------------------------


def test_partial_transfers_split_serial_ranges(issued: Chain) -> None:
    ok(issued, ALICE, [transfer(ALICE, CAROL, 1_500)])
    ok(issued, ALICE, [transfer(ALICE, CAROL, 500, serials=[(10_001, 10_500)])])
    assert ranges(issued)[:5] == [
        (1, 1_500, "carol", "tradable"),
        (1_501, 10_000, "alice", "tradable"),
        (10_001, 10_500, "carol", "tradable"),
        (10_501, 600_000, "alice", "tradable"),
        (600_001, 700_000, "alice", "retired"),
    ]
    assert bal(issued, CAROL) == (2_000, 0, 0, 0)
    ok(issued, CAROL, [transfer(CAROL, BOB, 1_800)])  # takes the lowest serials first, across two ranges
    assert ranges(issued)[:4] == [
        (1, 1_500, "bob", "tradable"),
        (1_501, 10_000, "alice", "tradable"),
        (10_001, 10_300, "bob", "tradable"),
        (10_301, 10_500, "carol", "tradable"),
    ]


def test_transferring_retired_escrowed_or_missing_credits_is_refused(issued: Chain) -> None:
    refused(issued, ALICE, [transfer(ALICE, BOB, 10, serials=[(600_001, 600_010)])], "carbon", 13)
    ok(issued, ALICE, [escrow(ALICE, 1_000)])
    refused(issued, ALICE, [transfer(ALICE, BOB, 10, serials=[(1, 10)])], "carbon", 14)
    refused(issued, ALICE, [transfer(ALICE, BOB, 599_001)], "carbon", 11)  # 599,000 tradable left
    refused(issued, ALICE, [transfer(ALICE, BOB, 10, serials=[(700_001, 700_010)])], "carbon", 16)  # bob's
    refused(
        issued, ALICE, [transfer(ALICE, BOB, 10, serials=[(899_995, 900_004)])], "carbon", 16
    )  # not issued
    refused(issued, ALICE, [transfer(ALICE, BOB, 20, serials=[(1_001, 1_010), (1_005, 1_014)])], "carbon", 2)
    refused(issued, ALICE, [transfer(ALICE, BOB, 5, serials=[(1_001, 1_010)])], "carbon", 2)  # 10 != 5
    refused(issued, ALICE, [transfer(ALICE, BOB, 1, serials=[], beneficiary="x")], "carbon", 2)


def test_a_second_retirement_of_the_same_serials_is_refused(issued: Chain) -> None:
    result = ok(
        issued, ALICE, [retire(ALICE, 2_000, serials=[(2_001, 4_000)], beneficiary="港燈 HK Electric")]
    )
    event = result.events[-1]
    assert (event["retirement_id"], event["ranges"]) == (f"RET-{BATCH}-0002", [(2_001, 4_000)])
    refused(issued, ALICE, [retire(ALICE, 2_000, serials=[(2_001, 4_000)])], "carbon", 13)
    refused(issued, ALICE, [retire(ALICE, 10, serials=[(3_995, 4_004)])], "carbon", 13)  # partly retired
    [found] = list_beneficiary_retirements(issued.state, "港燈 HK Electric")
    assert (found.amount, found.owner, found.jurisdiction) == (2_000, ALICE.did(), "HK")
    assert bal(issued, ALICE) == (598_000, 102_000, 0, 0)


def test_transfer_and_retire_retires_for_the_recipient(issued: Chain) -> None:
    msg = transfer(
        BOB, CAROL, 5 * TONNE, retire=True, beneficiary="Carol Ltd", reason="CSR", jurisdiction="CN-GD"
    )
    result = ok(issued, BOB, [msg])
    assert [e["type"] for e in result.events] == [
        "carbon/EventTransferCredits",
        "claims/EventRegisterClaim",
        "carbon/EventRetireCredits",
    ]
    assert bal(issued, CAROL) == (0, 5_000, 0, 0)
    assert bal(issued, BOB) == (195_000, 0, 0, 0)
    refused(issued, CAROL, [transfer(CAROL, BOB, 1)], "carbon", 11)  # retired credits never move again


def test_provenance_lists_issuance_transfers_and_retirement(issued: Chain) -> None:
    ok(issued, ALICE, [transfer(ALICE, CAROL, 50, serials=[(101, 150)])])
    ok(issued, CAROL, [retire(CAROL, 20, serials=[(121, 140)])])
    serial = 130
    trail = [
        m for m in list_movements(issued.state, BATCH) if any(f <= serial <= last for f, last in m.ranges)
    ]
    assert [(m.kind, m.recipient) for m in trail] == [
        ("issue", ALICE.did()),
        ("transfer", CAROL.did()),
        ("retire", CAROL.did()),
    ]


# --- cancellation, bridging, escrow, Article 6 --------------------------------------------------------------


def test_cancelled_credits_never_move_again(issued: Chain) -> None:
    result = ok(issued, BOB, [cancel(BOB, 10 * TONNE, ("gold-standard", "GS-2024-77"))])
    assert result.events[0]["cancellation_id"] == f"CAN-{BATCH}-0001"
    assert bal(issued, BOB) == (190_000, 0, 10_000, 0)
    refused(issued, BOB, [transfer(BOB, ALICE, 10, serials=[(700_001, 700_010)])], "carbon", 15)
    refused(issued, BOB, [retire(BOB, 10, serials=[(700_001, 700_010)])], "carbon", 15)
    batch = get_batch(issued.state, BATCH)
    assert batch is not None and (batch.cancelled, batch.tradable) == (10_000, 790_000)


def test_bridge_in_once_per_origin_reference_and_never_overlapping(chain: Chain) -> None:
    result = ok(chain, VERIFIER, [bridge_in("VCS-1234-2023-1-500", 1, 500)])
    batch_id = result.events[1]["batch_id"]  # after the claim of the origin serials
    assert batch_id == "C01-001-20230101-20231231-001"
    batch = get_batch(chain.state, batch_id)
    assert batch is not None and (batch.issued, batch.origin_registry) == (500 * TONNE, "verra")
    assert get_balance(chain.state, batch_id, ALICE.did()).tradable == 500 * TONNE
    refused(chain, VERIFIER, [bridge_in("VCS-1234-2023-1-500", 1, 500)], "carbon", 17)  # replay
    refused(
        chain, VERIFIER, [bridge_in("VCS-1234-2023-400-600", 400, 600)], "claims", 3
    )  # origin serials again
    recased = msgspec.structs.replace(
        bridge_in("vcs-1234-2023-1-500-again", 1, 500), origin_batch="vcs-1234-2023"
    )
    refused(chain, VERIFIER, [recased], "claims", 3)  # the same origin serials, spelt in another case
    ok(chain, VERIFIER, [bridge_in("VCS-1234-2023-501-600", 501, 600)])
    refused(chain, VERIFIER2, [bridge_in("VCS-1234-2023-601-700", 601, 700, issuer=VERIFIER2)], "carbon", 7)


def test_escrow_locks_until_the_agent_releases(issued: Chain) -> None:
    result = ok(issued, ALICE, [escrow(ALICE, 3_000)])
    escrow_id = result.events[0]["escrow_id"]
    assert bal(issued, ALICE) == (597_000, 100_000, 0, 3_000)
    refused(issued, BOB, [release(BOB, escrow_id, BOB)], "carbon", 19)
    refused(issued, CAROL, [release(CAROL, f"ESC-{BATCH}-0009", BOB)], "carbon", 18)
    ok(issued, CAROL, [release(CAROL, escrow_id, BOB)])  # delivered to the buyer
    assert bal(issued, ALICE) == (597_000, 100_000, 0, 0)
    assert bal(issued, BOB) == (203_000, 0, 0, 0)
    assert get_escrow(issued.state, escrow_id) is None
    refused(issued, CAROL, [release(CAROL, escrow_id, BOB)], "carbon", 18)


def test_corresponding_adjustment_is_recorded_by_a_regulator(chain: Chain) -> None:
    ok(
        chain,
        VERIFIER,
        [issue([entry(ALICE, TONNE)], authorization="ndc", host_country="CN", adjustment_status="pending")],
    )
    msg = MsgSetAdjustment(
        authority=REGULATOR.did(), batch_id=BATCH, adjustment_status="applied", reference="CN-NDC-2025-1"
    )
    refused(chain, ALICE, [msgspec.structs.replace(msg, authority=ALICE.did())], "carbon", 22)
    ok(chain, REGULATOR, [msg])
    batch = get_batch(chain.state, BATCH)
    assert batch is not None
    assert (batch.authorization, batch.host_country, batch.adjustment_status) == ("ndc", "CN", "applied")


# --- invariants and proofs ----------------------------------------------------------------------------------


def test_invariants_catch_a_broken_supply_and_overlapping_serials(issued: Chain) -> None:
    block = BlockState(issued.state)
    set_balance(block, Balance(BATCH, ALICE.did(), tradable=600_001, retired=100_000))
    assert any("tradable total 800000 != balances 800001" in b for b in check_supply(block))
    block = BlockState(issued.state)
    set_range(block, SerialRange(BATCH, 650_000, 650_010, BOB.did(), "tradable", ""))
    assert any("where serial" in b for b in check_serials(block))


def test_a_retirement_is_provable_to_a_light_client(issued: Chain) -> None:
    signed = sign_header(issued.hash_fn, issued.headers[-1], [ed_key(900)])
    key = CARBON.provable["retirement"].key(f"RET-{BATCH}-0001")
    value = issued.state.get(key)
    assert value is not None
    verify_state(issued.genesis, signed, key, value, smt.prove(issued.tree, issued.hash_fn, key))
    record = msgspec.json.decode(value, type=Retirement)
    assert (record.beneficiary, record.amount) == ("Harbour Airlines Ltd", 100_000)
    rkey = CARBON.provable["range"].key(f"{BATCH}/600001")
    assert msgspec.json.decode(issued.state.get(rkey) or b"", type=SerialRange).status == "retired"
    absent = CARBON.provable["origin"].key("verra/VCS-1")
    verify_state(issued.genesis, signed, absent, None, smt.prove(issued.tree, issued.hash_fn, absent))


def test_a_retirement_spanning_too_many_ranges_is_refused_clearly(issued: Chain) -> None:
    from bayledger.core.context import Context
    from bayledger.core.modules.carbon.keeper import retire_pieces, select_tradable
    from bayledger.core.modules.carbon.ledger import delete_range, get_range

    ctx = Context(
        chain=issued.app.chain, height=issued.height + 1, time=issued.time, store=BlockState(issued.state)
    )
    whole = get_range(ctx.store, BATCH, 1)
    assert whole is not None
    delete_range(ctx.store, whole)
    for n in range(1025):  # alice's 600,000 tradable serials fragmented into 1025 ranges
        last = 600_000 if n == 1024 else n + 1
        set_range(ctx.store, SerialRange(BATCH, n + 1, last, ALICE.did(), "tradable", ""))
    batch = get_batch(ctx.store, BATCH)
    assert batch is not None
    pieces = select_tradable(ctx.store, BATCH, ALICE.did(), 1025, [])
    assert len(pieces) == 1025
    with pytest.raises(InvalidCarbonMessageError, match="span 1025 serial ranges"):
        retire_pieces(ctx, batch, ALICE.did(), pieces, "B", "", "HK")
    assert len(retire_pieces(ctx, batch, ALICE.did(), pieces[:1024], "B", "", "HK").ranges) == 1024
