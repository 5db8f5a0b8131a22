"""Invariants of the governance module."""

from __future__ import annotations

from bayledger.core.modules.governance.state import (
    STATUS_OPEN,
    STATUSES,
    VOTE_OPTIONS,
    compute_tally,
    get_proposal,
    list_all_votes,
    list_members,
    list_open_proposal_ids,
    list_proposals,
    total_weight,
)
from bayledger.core.store import StateReader


def check_vote_weights(store: StateReader) -> list[str]:
    """Counted vote weights never exceed the total weight; every vote and member weight is positive."""
    broken = []
    total = total_weight(store)
    for member in list_members(store):
        if member.weight <= 0:
            broken.append(f"member {member.did}: non-positive weight {member.weight}")
    for proposal in list_proposals(store):
        if proposal.status == STATUS_OPEN:
            tally = compute_tally(store, proposal.id)
            counted, bound = tally.yes + tally.no + tally.abstain, total
        else:
            counted = proposal.yes_weight + proposal.no_weight + proposal.abstain_weight
            bound = proposal.total_weight
        if counted > bound:
            broken.append(f"{proposal.id}: vote weight {counted} exceeds total weight {bound}")
    for vote in list_all_votes(store):
        if vote.weight <= 0:
            broken.append(f"vote of {vote.voter} on {vote.proposal_id}: non-positive weight {vote.weight}")
        if vote.option not in VOTE_OPTIONS:
            broken.append(f"vote of {vote.voter} on {vote.proposal_id}: unknown option {vote.option!r}")
    return broken


def check_votes_belong(store: StateReader) -> list[str]:
    """Every vote belongs to an existing proposal and was cast while it was open."""
    broken = []
    for vote in list_all_votes(store):
        proposal = get_proposal(store, vote.proposal_id)
        if proposal is None:
            broken.append(f"vote of {vote.voter} on missing proposal {vote.proposal_id}")
            continue
        last = proposal.voting_end_height if proposal.status == STATUS_OPEN else proposal.executed_height
        if not proposal.submit_height <= vote.height <= last:
            broken.append(
                f"vote of {vote.voter} on {vote.proposal_id} at height {vote.height} outside its period"
            )
    return broken


def check_status_transitions(store: StateReader) -> list[str]:
    """Statuses are known; open proposals are undecided and indexed; decided ones were decided in time."""
    broken = []
    open_ids = set(list_open_proposal_ids(store))
    for proposal in list_proposals(store):
        if proposal.status not in STATUSES:
            broken.append(f"{proposal.id}: unknown status {proposal.status!r}")
        if proposal.voting_end_height <= proposal.submit_height:
            broken.append(f"{proposal.id}: voting ends at {proposal.voting_end_height}, before it opened")
        if proposal.status == STATUS_OPEN:
            if proposal.executed_height != 0 or proposal.log:
                broken.append(f"{proposal.id}: open but carries an outcome")
            if proposal.id not in open_ids:
                broken.append(f"{proposal.id}: open but missing from the open index")
        else:
            if not proposal.submit_height <= proposal.executed_height <= proposal.voting_end_height:
                broken.append(
                    f"{proposal.id}: decided at height {proposal.executed_height} outside its period"
                )
            if proposal.id in open_ids:
                broken.append(f"{proposal.id}: {proposal.status} but still in the open index")
    known = {proposal.id for proposal in list_proposals(store)}
    broken.extend(f"open index names missing proposal {pid}" for pid in sorted(open_ids - known))
    return broken
