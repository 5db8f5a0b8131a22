"""The governance module: members, proposals of every kind, weighted votes, end-block tally and execution."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from bayledger.core import smt
from bayledger.core.app import DEFAULT_MODULES
from bayledger.core.context import Context
from bayledger.core.encoding import b64encode
from bayledger.core.modules.governance import MODULE as GOVERNANCE
from bayledger.core.modules.governance import check_role
from bayledger.core.modules.governance.errors import RoleRequiredError
from bayledger.core.modules.governance.handlers import end_block
from bayledger.core.modules.governance.msgs import MsgSubmitProposal, MsgVote
from bayledger.core.modules.governance.state import (
    Member,
    PendingValidator,
    Proposal,
    Tally,
    UpgradePlan,
    Vote,
    compute_tally,
    get_config,
    get_effective_params,
    get_member,
    get_pending_validator_set,
    get_proposal,
    get_upgrade_plan,
    get_vote,
    list_members,
    list_open_proposal_ids,
    list_proposals,
    list_votes,
    total_weight,
)
from bayledger.core.modules.identity.state import TrustedIssuer, get_trusted_issuer, set_trusted_issuer
from bayledger.core.params import ConsensusParams
from bayledger.core.state_transition import check_invariants, init_chain
from bayledger.core.store import BlockState, DictState
from corechain import Chain, ed_key, make_genesis, sm2_key

HSBC, BOC, HKMA, NEWBANK, OUTSIDER = ed_key(1), ed_key(2), sm2_key(3), ed_key(4), ed_key(5)
VOTING_PERIOD = 5
MODULES = (*(m for m in DEFAULT_MODULES if m.name != "governance"), GOVERNANCE)
VALIDATOR = ed_key(901)


def member_entry(
    key: Any, weight: int = 1, roles: tuple[str, ...] = ("bank",), jur: str = "HK"
) -> dict[str, Any]:
    return {
        "did": key.did(),
        "name_en": f"Member {key.did()[-4:]}",
        "name_zh": "成员",
        "jurisdiction": jur,
        "roles": list(roles),
        "weight": weight,
    }


def new_chain(weights: tuple[int, int, int] = (1, 1, 1), voting_period: int = VOTING_PERIOD) -> Chain:
    genesis = make_genesis([HSBC, BOC, HKMA, NEWBANK, OUTSIDER])
    members = [
        member_entry(HSBC, weights[0], ("bank", "issuer")),
        member_entry(BOC, weights[1], ("bank",), "CN-GD"),
        member_entry(HKMA, weights[2], ("regulator", "reviewer")),
    ]
    app_state = dict(genesis.app_state, governance={"members": members, "voting_period": voting_period})
    return Chain(msgspec.structs.replace(genesis, app_state=app_state), modules=MODULES)


@pytest.fixture
def chain() -> Chain:
    return new_chain()


def submit(key: Any, kind: str, payload: dict[str, Any], title: str = "t") -> MsgSubmitProposal:
    return MsgSubmitProposal(proposer=key.did(), kind=kind, payload=payload, title=title, description="why")


def vote(key: Any, proposal_id: str = "PROP-000001", option: str = "yes") -> MsgVote:
    return MsgVote(voter=key.did(), proposal_id=proposal_id, option=option)


def run(chain: Chain, *txs: tuple[Any, Any]) -> list[Any]:
    """Apply one block of (key, msg) txs; return the results."""
    nonces: dict[str, int] = {}
    raws = []
    for key, msg in txs:
        did = key.did()
        nonces[did] = nonces.get(did, chain.next_nonce(did) - 1) + 1
        raws.append(chain.tx(key, [msg], nonce=nonces[did]))
    return chain.apply(raws).results


def ok(chain: Chain, *txs: tuple[Any, Any]) -> None:
    results = run(chain, *txs)
    assert [(r.code, r.log) for r in results] == [(0, "")] * len(results)


def code(chain: Chain, key: Any, msg: Any) -> tuple[str, int]:
    result = run(chain, (key, msg))[0]
    return (result.codespace, result.code)


def proposal(chain: Chain, proposal_id: str = "PROP-000001") -> Proposal:
    found = get_proposal(chain.state, proposal_id)
    assert found is not None
    return found


def pass_with_two(chain: Chain, key: Any, kind: str, payload: dict[str, Any]) -> Proposal:
    """Submit, then HSBC and BOC vote yes in the next block (2 of 3): passes at that block's end."""
    ok(chain, (key, submit(key, kind, payload)))
    proposal_id = f"PROP-{len(list_proposals(chain.state)):06d}"
    ok(chain, (HSBC, vote(HSBC, proposal_id)), (BOC, vote(BOC, proposal_id)))
    decided = proposal(chain, proposal_id)
    assert (decided.status, decided.executed_height, decided.log) == ("passed", chain.height, "executed")
    assert check_invariants(chain.app, chain.state) == []
    return decided


# --- genesis and accessors ----------------------------------------------------------------------------------


def test_genesis_members_and_settings(chain: Chain) -> None:
    assert [m.did for m in list_members(chain.state)] == sorted(k.did() for k in (HSBC, BOC, HKMA))
    assert get_member(chain.state, BOC.did()) == Member(
        did=BOC.did(),
        name_en=f"Member {BOC.did()[-4:]}",
        name_zh="成员",
        jurisdiction="CN-GD",
        roles=["bank"],
        weight=1,
        joined_height=0,
    )
    assert get_member(chain.state, OUTSIDER.did()) is None
    assert total_weight(new_chain((2, 1, 1)).state) == 4
    assert get_config(chain.state).voting_period == VOTING_PERIOD
    assert check_invariants(chain.app, chain.state) == []


@pytest.mark.parametrize(
    "governance",
    [
        {"members": [member_entry(HSBC), member_entry(HSBC)]},
        {"members": [member_entry(HSBC, weight=0)]},
        {"members": [member_entry(HSBC, jur="Hong Kong")]},
        {"members": [dict(member_entry(HSBC), did="not-a-did")]},
        {"members": [], "voting_period": 0},
        {"members": [], "unknown": 1},
    ],
)
def test_bad_genesis_section_stops_the_chain(governance: dict[str, Any]) -> None:
    genesis = make_genesis([HSBC])
    genesis = msgspec.structs.replace(genesis, app_state=dict(genesis.app_state, governance=governance))
    with pytest.raises(ValueError):
        Chain(genesis, modules=MODULES)


def test_genesis_without_governance_writes_nothing() -> None:
    genesis = make_genesis([HSBC])
    outcome = init_chain(Chain(genesis, modules=MODULES).app, genesis, DictState(), smt.DictNodeStore())
    assert not any(key.startswith(b"governance/") for key in outcome.state_writes)


# --- proposals of each kind ---------------------------------------------------------------------------------


def test_add_member_submitted_voted_executed(chain: Chain) -> None:
    payload = member_entry(NEWBANK, weight=3, roles=("bank", "validator-operator"), jur="MO")
    outcome = chain.apply([chain.tx(HSBC, [submit(HSBC, "add-member", payload, title="Admit NewBank")])])
    assert outcome.results[0].events == [
        {
            "type": "governance/EventSubmitProposal",
            "proposal_id": "PROP-000001",
            "proposer": HSBC.did(),
            "kind": "add-member",
            "title": "Admit NewBank",
            "voting_end_height": 1 + VOTING_PERIOD,
        }
    ]
    assert proposal(chain).status == "open"
    assert list_open_proposal_ids(chain.state) == ["PROP-000001"]

    results = run(chain, (HSBC, vote(HSBC)))
    assert results[0].events == [
        {
            "type": "governance/EventVote",
            "proposal_id": "PROP-000001",
            "voter": HSBC.did(),
            "option": "yes",
            "weight": 1,
        }
    ]
    assert proposal(chain).status == "open"  # 1 of 3 is below two thirds
    ok(chain, (BOC, vote(BOC)))
    assert proposal(chain) == Proposal(
        id="PROP-000001",
        proposer=HSBC.did(),
        kind="add-member",
        payload=payload,
        title="Admit NewBank",
        description="why",
        submit_height=1,
        voting_end_height=1 + VOTING_PERIOD,
        status="passed",
        yes_weight=2,
        no_weight=0,
        abstain_weight=0,
        total_weight=3,
        executed_height=3,
        log="executed",
    )
    assert get_member(chain.state, NEWBANK.did()) == Member(
        did=NEWBANK.did(),
        name_en=payload["name_en"],
        name_zh="成员",
        jurisdiction="MO",
        roles=["bank", "validator-operator"],
        weight=3,
        joined_height=3,
    )
    assert total_weight(chain.state) == 6
    assert list_open_proposal_ids(chain.state) == []
    assert check_invariants(chain.app, chain.state) == []
    # the new member may now propose and vote
    ok(chain, (NEWBANK, submit(NEWBANK, "remove-member", {"did": HKMA.did()})))
    ok(chain, (NEWBANK, vote(NEWBANK, "PROP-000002")))


def test_remove_member(chain: Chain) -> None:
    pass_with_two(chain, HSBC, "remove-member", {"did": HKMA.did()})
    assert get_member(chain.state, HKMA.did()) is None
    assert total_weight(chain.state) == 2
    assert code(chain, HKMA, submit(HKMA, "remove-member", {"did": BOC.did()})) == ("governance", 3)


def test_update_member_roles(chain: Chain) -> None:
    pass_with_two(chain, HKMA, "update-member-roles", {"did": BOC.did(), "roles": ["bank", "issuer"]})
    member = get_member(chain.state, BOC.did())
    assert member is not None
    assert (member.roles, member.weight, member.joined_height) == (["bank", "issuer"], 1, 0)


def test_validator_set_change_stores_the_set_and_emits_it(chain: Chain) -> None:
    entry = {
        "name": "hsbc-val",
        "key_type": "ed25519",
        "public_key": b64encode(VALIDATOR.public_key),
        "power": 7,
    }
    sm2_entry = {
        "name": "boc-val",
        "key_type": "sm2",
        "public_key": b64encode(sm2_key(902).public_key),
        "power": 3,
    }
    ok(chain, (HSBC, submit(HSBC, "validator-set-change", {"validators": [entry, sm2_entry]})))
    ok(chain, (HSBC, vote(HSBC)), (BOC, vote(BOC, option="no")))
    assert proposal(chain).status == "open"
    # end_block events are not part of BlockOutcome: run the hook directly over the next block's state
    block_state = BlockState(chain.state)
    ctx = Context(chain=chain.app.chain, height=chain.height + 1, time=chain.time, store=block_state)
    run_vote = Context(chain=chain.app.chain, height=ctx.height, time=ctx.time, store=block_state.begin_tx())
    from bayledger.core.modules.governance.handlers import process_vote

    run_vote.signer = HKMA.did()
    process_vote(run_vote, vote(HKMA))
    run_vote.store.commit()  # type: ignore[attr-defined]
    end_block(ctx)
    validators = [
        PendingValidator("hsbc-val", "ed25519", VALIDATOR.public_key, 7),
        PendingValidator("boc-val", "sm2", sm2_key(902).public_key, 3),
    ]
    assert [msgspec.to_builtins(e) for e in ctx.events] == [
        {
            "type": "governance/EventValidatorSetChange",
            "proposal_id": "PROP-000001",
            "height": 3,
            "validators": [entry, sm2_entry],
        },
        {
            "type": "governance/EventCloseProposal",
            "proposal_id": "PROP-000001",
            "kind": "validator-set-change",
            "status": "passed",
            "yes_weight": 2,
            "no_weight": 1,
            "abstain_weight": 0,
            "total_weight": 3,
            "log": "executed",
        },
    ]
    pending = get_pending_validator_set(block_state)
    assert pending is not None
    assert (pending.proposal_id, pending.height, pending.validators) == ("PROP-000001", 3, validators)


def test_parameter_change_overrides_effective_params(chain: Chain) -> None:
    genesis_params = chain.app.chain.params
    assert get_effective_params(chain.state, genesis_params) == genesis_params
    pass_with_two(chain, BOC, "parameter-change", {"key": "max_memo_bytes", "value": 512})
    pass_with_two(chain, BOC, "parameter-change", {"key": "max_msgs_per_tx", "value": 8})
    assert get_effective_params(chain.state, genesis_params) == ConsensusParams(
        max_memo_bytes=512, max_msgs_per_tx=8
    )
    assert genesis_params == ConsensusParams()


def test_software_upgrade_is_planned(chain: Chain) -> None:
    pass_with_two(chain, HSBC, "software-upgrade", {"name": "v0.2.0", "height": 100})
    assert get_upgrade_plan(chain.state) == UpgradePlan(name="v0.2.0", height=100, proposal_id="PROP-000001")


def test_software_upgrade_whose_height_passed_fails_at_execution(chain: Chain) -> None:
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v0.2.0", "height": 3})))
    ok(chain, (HSBC, vote(HSBC)))  # height 2
    ok(chain, (BOC, vote(BOC)))  # height 3: passes, but the upgrade height is no longer ahead
    decided = proposal(chain)
    assert (decided.status, decided.executed_height, decided.yes_weight) == ("failed", 3, 2)
    assert decided.log == "execution failed: upgrade height 3 must be above the current height 3"
    assert get_upgrade_plan(chain.state) is None
    assert check_invariants(chain.app, chain.state) == []


def test_failed_execution_rolls_back_only_itself(chain: Chain) -> None:
    """Two proposals to admit the same member pass in one block: the first executes, the second fails."""
    payload = member_entry(NEWBANK)
    ok(chain, (HSBC, submit(HSBC, "add-member", payload)), (BOC, submit(BOC, "add-member", payload)))
    ok(
        chain,
        (HSBC, vote(HSBC, "PROP-000001")),
        (BOC, vote(BOC, "PROP-000001")),
        (HSBC, vote(HSBC, "PROP-000002")),
        (BOC, vote(BOC, "PROP-000002")),
        (HKMA, vote(HKMA, "PROP-000002")),  # 3 of the 4 weight once the first admitted NEWBANK
    )
    assert proposal(chain, "PROP-000001").status == "passed"
    second = proposal(chain, "PROP-000002")
    assert (second.status, second.log) == (
        "failed",
        f"execution failed: {NEWBANK.did()} is already a consortium member",
    )
    assert get_member(chain.state, NEWBANK.did()) is not None
    assert check_invariants(chain.app, chain.state) == []


def test_trusted_issuer_change_add_then_remove(chain: Chain) -> None:
    issuer = OUTSIDER.did()
    add = {
        "action": "add",
        "issuer": issuer,
        "credential_type": "KYCCredential",
        "jurisdictions": ["HK", "CN"],
    }
    pass_with_two(chain, HKMA, "trusted-issuer-change", add)
    assert get_trusted_issuer(chain.state, "KYCCredential", issuer) == TrustedIssuer(
        issuer=issuer, credential_type="KYCCredential", jurisdictions=["HK", "CN"], added_height=2
    )
    remove = {"action": "remove", "issuer": issuer, "credential_type": "KYCCredential"}
    pass_with_two(chain, HKMA, "trusted-issuer-change", remove)
    assert get_trusted_issuer(chain.state, "KYCCredential", issuer) is None
    # removing an issuer that is not trusted is refused at submission
    assert code(chain, HKMA, submit(HKMA, "trusted-issuer-change", remove)) == ("governance", 12)


# --- the two-thirds rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "yes_voters", "passes"),
    [
        ((1, 1, 1), (HSBC,), False),
        ((1, 1, 1), (HSBC, BOC), True),  # 3·2 = 6 ≥ 2·3
        ((2, 1, 1), (HSBC,), False),  # 3·2 = 6 < 2·4
        ((2, 1, 1), (BOC, HKMA), False),
        ((2, 1, 1), (HSBC, BOC), True),  # 3·3 = 9 ≥ 8
        ((3, 1, 2), (HSBC, BOC), True),  # 4 of 6, exactly two thirds: 3·4 = 12 ≥ 12
        ((3, 1, 3), (HSBC, BOC), False),  # 4 of 7: 12 < 14
    ],
)
def test_two_thirds_of_total_weight_passes_early(
    weights: tuple[int, int, int], yes_voters: tuple[Any, ...], passes: bool
) -> None:
    chain = new_chain(weights)
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})))
    ok(chain, *[(key, vote(key)) for key in yes_voters])
    yes = sum(w for key, w in zip((HSBC, BOC, HKMA), weights, strict=True) if key in yes_voters)
    assert (3 * yes >= 2 * sum(weights)) is passes
    assert proposal(chain).status == ("passed" if passes else "open")


def test_below_two_thirds_is_rejected_when_the_period_ends() -> None:
    chain = new_chain((2, 1, 1))
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})))  # height 1
    ok(chain, (HSBC, vote(HSBC)), (BOC, vote(BOC, option="no")), (HKMA, vote(HKMA, option="abstain")))
    for _ in range(VOTING_PERIOD - 2):  # heights 3..5: still open
        ok(chain)
        assert proposal(chain).status == "open"
    ok(chain)  # height 6 = submit height + voting period: the period ends
    decided = proposal(chain)
    assert (decided.status, decided.executed_height) == ("rejected", 1 + VOTING_PERIOD)
    assert (decided.yes_weight, decided.no_weight, decided.abstain_weight, decided.total_weight) == (
        2,
        1,
        1,
        4,
    )
    assert decided.log == "yes weight 2 of 4 is below two thirds"
    assert get_upgrade_plan(chain.state) is None
    assert check_invariants(chain.app, chain.state) == []


def test_a_vote_on_the_last_block_of_the_period_counts() -> None:
    chain = new_chain()
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})), (HSBC, vote(HSBC)))
    for _ in range(VOTING_PERIOD - 1):
        ok(chain)
    assert chain.height == VOTING_PERIOD  # the next block is the period's last
    ok(chain, (BOC, vote(BOC)))
    assert (proposal(chain).status, proposal(chain).executed_height) == ("passed", 1 + VOTING_PERIOD)


def test_votes_of_a_removed_member_stop_counting(chain: Chain) -> None:
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})), (HKMA, vote(HKMA)))
    pass_with_two(chain, HSBC, "remove-member", {"did": HKMA.did()})
    assert compute_tally(chain.state, "PROP-000001") == Tally(yes=0, no=0, abstain=0, total=2)
    assert get_vote(chain.state, "PROP-000001", HKMA.did()) is not None  # history is kept
    assert check_invariants(chain.app, chain.state) == []


# --- refusals -----------------------------------------------------------------------------------------------


def test_self_add_refused(chain: Chain) -> None:
    result = run(chain, (OUTSIDER, submit(OUTSIDER, "add-member", member_entry(OUTSIDER))))[0]
    assert (result.codespace, result.code) == ("governance", 3)  # not a member at all
    # a member proposing to add itself again (e.g. with a new weight) is refused as self-proposal
    result = run(chain, (BOC, submit(BOC, "add-member", member_entry(BOC, weight=9))))[0]
    assert (result.codespace, result.code) == ("governance", 4)
    assert (
        result.log == f"message 0: {BOC.did()} cannot propose adding itself; another member must propose it"
    )


def test_double_vote_refused(chain: Chain) -> None:
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})), (HSBC, vote(HSBC)))
    result = run(chain, (HSBC, vote(HSBC, option="no")))[0]
    assert (result.codespace, result.code) == ("governance", 9)
    assert result.log == f"message 0: {HSBC.did()} already voted 'yes' on PROP-000001"
    assert [v.option for v in list_votes(chain.state, "PROP-000001")] == ["yes"]


def test_late_vote_refused() -> None:
    chain = new_chain(voting_period=2)
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})))
    ok(chain)
    ok(chain)  # height 3: rejected
    assert proposal(chain).status == "rejected"
    result = run(chain, (BOC, vote(BOC)))[0]
    assert (result.codespace, result.code) == ("governance", 8)
    assert result.log == (
        "message 0: voting on PROP-000001 is closed "
        "(status rejected, voting ended at height 3, current height 4)"
    )
    assert list_votes(chain.state, "PROP-000001") == []


def test_vote_after_early_pass_refused(chain: Chain) -> None:
    pass_with_two(chain, HSBC, "software-upgrade", {"name": "v1", "height": 1000})
    assert code(chain, HKMA, vote(HKMA)) == ("governance", 8)


MEMBER_NEW = member_entry(NEWBANK)
INVALID = ("governance", 2)
REFUSALS: dict[str, tuple[Any, Any, tuple[str, int]]] = {
    "non-member-proposes": (
        OUTSIDER,
        submit(OUTSIDER, "remove-member", {"did": HKMA.did()}),
        ("governance", 3),
    ),
    "non-member-votes": (OUTSIDER, vote(OUTSIDER), ("governance", 3)),
    "proposer-is-not-signer": (BOC, submit(HSBC, "remove-member", {"did": HKMA.did()}), ("msg", 3)),
    "unknown-proposal": (BOC, vote(BOC, "PROP-000009"), ("governance", 7)),
    "bad-option": (BOC, vote(BOC, option="maybe"), ("governance", 10)),
    "bad-proposal-id": (BOC, vote(BOC, "1"), ("governance", 10)),
    "unknown-kind": (HSBC, submit(HSBC, "dissolve", {}), INVALID),
    "empty-title": (HSBC, submit(HSBC, "remove-member", {"did": HKMA.did()}, title=""), INVALID),
    "add-existing-member": (HSBC, submit(HSBC, "add-member", member_entry(BOC)), ("governance", 5)),
    "add-missing-field": (HSBC, submit(HSBC, "add-member", {"did": NEWBANK.did()}), INVALID),
    "add-extra-field": (HSBC, submit(HSBC, "add-member", dict(MEMBER_NEW, extra=1)), INVALID),
    "add-zero-weight": (HSBC, submit(HSBC, "add-member", dict(MEMBER_NEW, weight=0)), INVALID),
    "add-bad-jurisdiction": (HSBC, submit(HSBC, "add-member", dict(MEMBER_NEW, jurisdiction="hk")), INVALID),
    "add-bad-role": (HSBC, submit(HSBC, "add-member", dict(MEMBER_NEW, roles=["Bank"])), INVALID),
    "add-duplicate-role": (
        HSBC,
        submit(HSBC, "add-member", dict(MEMBER_NEW, roles=["bank", "bank"])),
        INVALID,
    ),
    "add-bad-did": (HSBC, submit(HSBC, "add-member", dict(MEMBER_NEW, did="did:web:x")), INVALID),
    "remove-unknown": (HSBC, submit(HSBC, "remove-member", {"did": NEWBANK.did()}), ("governance", 6)),
    "roles-unknown-member": (
        HSBC,
        submit(HSBC, "update-member-roles", {"did": NEWBANK.did(), "roles": []}),
        ("governance", 6),
    ),
    "validators-empty": (HSBC, submit(HSBC, "validator-set-change", {"validators": []}), INVALID),
    "validators-bad-key": (
        HSBC,
        submit(
            HSBC,
            "validator-set-change",
            {"validators": [{"name": "v", "key_type": "ed25519", "public_key": "AAAA", "power": 1}]},
        ),
        INVALID,
    ),
    "validators-zero-power": (
        HSBC,
        submit(
            HSBC,
            "validator-set-change",
            {
                "validators": [
                    {
                        "name": "v",
                        "key_type": "ed25519",
                        "public_key": b64encode(VALIDATOR.public_key),
                        "power": 0,
                    }
                ]
            },
        ),
        INVALID,
    ),
    "param-unknown-key": (HSBC, submit(HSBC, "parameter-change", {"key": "gas_price", "value": 1}), INVALID),
    "param-zero": (HSBC, submit(HSBC, "parameter-change", {"key": "max_tx_bytes", "value": 0}), INVALID),
    "param-not-int": (HSBC, submit(HSBC, "parameter-change", {"key": "max_tx_bytes", "value": "1"}), INVALID),
    "issuer-bad-action": (
        HSBC,
        submit(
            HSBC,
            "trusted-issuer-change",
            {"action": "replace", "issuer": NEWBANK.did(), "credential_type": "KYC", "jurisdictions": ["HK"]},
        ),
        INVALID,
    ),
    "issuer-add-no-jurisdiction": (
        HSBC,
        submit(
            HSBC,
            "trusted-issuer-change",
            {"action": "add", "issuer": NEWBANK.did(), "credential_type": "KYC"},
        ),
        INVALID,
    ),
    "upgrade-in-the-past": (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1}), INVALID),
    "upgrade-bad-name": (HSBC, submit(HSBC, "software-upgrade", {"name": "V 1", "height": 100}), INVALID),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refused_message_has_its_code_and_changes_nothing(name: str) -> None:
    chain = new_chain()
    ok(chain, (HKMA, submit(HKMA, "software-upgrade", {"name": "v1", "height": 1000})))
    key, msg, expected = REFUSALS[name]
    proposals_before = list_proposals(chain.state)
    result = run(chain, (key, msg))[0]
    assert (result.codespace, result.code) == expected, result.log
    assert result.events == []
    assert list_proposals(chain.state) == proposals_before
    assert list_votes(chain.state, "PROP-000001") == []


# --- history and admission ----------------------------------------------------------------------------------


def test_full_history_is_queryable(chain: Chain) -> None:
    pass_with_two(chain, HSBC, "add-member", member_entry(NEWBANK))
    ok(
        chain,
        (BOC, submit(BOC, "software-upgrade", {"name": "v2", "height": 1000})),
        (HKMA, vote(HKMA, "PROP-000002", "no")),
    )
    for _ in range(VOTING_PERIOD):
        ok(chain)
    history = list_proposals(chain.state)
    assert [(p.id, p.kind, p.status) for p in history] == [
        ("PROP-000001", "add-member", "passed"),
        ("PROP-000002", "software-upgrade", "rejected"),
    ]
    assert list_votes(chain.state, "PROP-000001") == sorted(
        [Vote("PROP-000001", HSBC.did(), "yes", 1, 2), Vote("PROP-000001", BOC.did(), "yes", 1, 2)],
        key=lambda v: v.voter,
    )
    assert get_vote(chain.state, "PROP-000002", HKMA.did()) == Vote("PROP-000002", HKMA.did(), "no", 1, 3)
    assert list_open_proposal_ids(chain.state) == []
    assert check_invariants(chain.app, chain.state) == []


def test_check_role(chain: Chain) -> None:
    ctx = Context(chain=chain.app.chain, height=1, time=chain.time, store=BlockState(chain.state))
    check_role(ctx, HSBC.did(), "issuer")
    check_role(ctx, HKMA.did(), "regulator")
    with pytest.raises(RoleRequiredError) as refused:
        check_role(ctx, BOC.did(), "issuer")
    assert (refused.value.codespace, refused.value.code) == ("governance", 11)
    with pytest.raises(RoleRequiredError):
        check_role(ctx, OUTSIDER.did(), "bank")
    assert GOVERNANCE.admission == {"role": check_role}


def test_invariants_catch_a_corrupted_state(chain: Chain) -> None:
    ok(chain, (HSBC, submit(HSBC, "software-upgrade", {"name": "v1", "height": 1000})))
    block_state = BlockState(chain.state)
    from bayledger.core.modules.governance.state import set_proposal, set_vote

    set_vote(block_state, Vote("PROP-000042", HSBC.did(), "yes", 1, 1))
    set_vote(block_state, Vote("PROP-000001", BOC.did(), "yes", 50, 1))
    set_proposal(block_state, msgspec.structs.replace(proposal(chain), executed_height=1))
    set_trusted_issuer(block_state, TrustedIssuer(HSBC.did(), "KYC", ["HK"], 1))  # unrelated: ignored
    broken = check_invariants(chain.app, block_state)
    assert any("missing proposal PROP-000042" in b for b in broken)
    assert any("open but carries an outcome" in b for b in broken)
