"""The governance module: consortium members, proposals, weighted votes and automatic execution."""

from __future__ import annotations

from bayledger.core.modules.governance.admission import check_role, has_role
from bayledger.core.modules.governance.genesis import init_genesis
from bayledger.core.modules.governance.handlers import end_block, process_submit_proposal, process_vote
from bayledger.core.modules.governance.invariants import (
    check_status_transitions,
    check_vote_weights,
    check_votes_belong,
)
from bayledger.core.modules.governance.msgs import (
    MsgSubmitProposal,
    MsgVote,
    validate_submit_proposal,
    validate_vote,
)
from bayledger.core.modules.governance.state import (
    Member,
    Proposal,
    Vote,
    get_effective_params,
    get_member,
    list_members,
    member_key,
    proposal_key,
    total_weight,
    vote_proof_key,
)
from bayledger.core.msg import AdmissionChecker, Module, ProvableRecord, Route

ADMISSION: dict[str, AdmissionChecker] = {"role": check_role}
"""Admission checks other modules may require of a signer (``"role"`` → :func:`check_role`)."""

MODULE = Module(
    name="governance",
    routes=(
        Route(MsgSubmitProposal, process_submit_proposal, validate_submit_proposal),
        Route(MsgVote, process_vote, validate_vote),
    ),
    init_genesis=init_genesis,
    end_block=end_block,
    invariants=(
        ("vote-weights", check_vote_weights),
        ("votes-belong", check_votes_belong),
        ("status-transitions", check_status_transitions),
    ),
    admission=ADMISSION,
    provable={
        "member": ProvableRecord(key=member_key, record_type=Member),
        "proposal": ProvableRecord(key=proposal_key, record_type=Proposal),
        "vote": ProvableRecord(key=vote_proof_key, record_type=Vote),
    },
)

__all__ = [
    "ADMISSION",
    "MODULE",
    "check_role",
    "get_effective_params",
    "get_member",
    "has_role",
    "list_members",
    "total_weight",
]
