"""Handlers of the governance module: check, then mutate, then emit; and the end-block tally."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.governance.errors import (
    AlreadyVotedError,
    InvalidProposalError,
    MemberExistsError,
    MemberNotFoundError,
    NotMemberError,
    ProposalNotFoundError,
    SelfProposalError,
    TrustedIssuerNotFoundError,
    VotingClosedError,
)
from bayledger.core.modules.governance.events import (
    EventCloseProposal,
    EventSubmitProposal,
    EventValidatorSetChange,
    EventVote,
)
from bayledger.core.modules.governance.msgs import (
    AddMemberPayload,
    MsgSubmitProposal,
    MsgVote,
    ParameterChangePayload,
    Payload,
    RemoveMemberPayload,
    SoftwareUpgradePayload,
    TrustedIssuerChangePayload,
    UpdateMemberRolesPayload,
    ValidatorSetChangePayload,
    decode_payload,
    payload_to_dict,
)
from bayledger.core.modules.governance.state import (
    STATUS_FAILED,
    STATUS_OPEN,
    STATUS_PASSED,
    STATUS_REJECTED,
    Member,
    PendingValidatorSet,
    Proposal,
    Tally,
    UpgradePlan,
    Vote,
    compute_tally,
    delete_member,
    get_config,
    get_effective_params,
    get_member,
    get_proposal,
    get_vote,
    is_supermajority,
    list_open_proposal_ids,
    next_proposal_id,
    set_member,
    set_param_override,
    set_pending_validator_set,
    set_proposal,
    set_upgrade_plan,
    set_vote,
    total_weight,
)
from bayledger.core.params import ConsensusParams
from bayledger.core.store import StateReader, WritableState
from bayledger.core.types import Height


def process_submit_proposal(ctx: Context, msg: MsgSubmitProposal) -> None:
    """Open a proposal of a member; its payload must apply to the current state."""
    if get_member(ctx.store, msg.proposer) is None:
        raise NotMemberError(msg.proposer)
    payload = decode_payload(msg.kind, msg.payload)
    if isinstance(payload, AddMemberPayload) and payload.did == msg.proposer:
        raise SelfProposalError(msg.proposer)
    check_payload_applies(ctx.store, ctx.chain.genesis_params, ctx.height, payload)

    proposal_id = next_proposal_id(ctx.store)
    voting_end_height = ctx.height + get_config(ctx.store).voting_period
    set_proposal(
        ctx.store,
        Proposal(
            id=proposal_id,
            proposer=msg.proposer,
            kind=msg.kind,
            payload=payload_to_dict(payload),
            title=msg.title,
            description=msg.description,
            submit_height=ctx.height,
            voting_end_height=voting_end_height,
            status=STATUS_OPEN,
        ),
    )

    ctx.emit(
        EventSubmitProposal(
            proposal_id=proposal_id,
            proposer=msg.proposer,
            kind=msg.kind,
            title=msg.title,
            voting_end_height=voting_end_height,
        )
    )


def process_vote(ctx: Context, msg: MsgVote) -> None:
    """Record a member's vote on an open proposal, with the member's current weight."""
    member = get_member(ctx.store, msg.voter)
    if member is None:
        raise NotMemberError(msg.voter)
    proposal = get_proposal(ctx.store, msg.proposal_id)
    if proposal is None:
        raise ProposalNotFoundError(msg.proposal_id)
    if proposal.status != STATUS_OPEN or ctx.height > proposal.voting_end_height:
        raise VotingClosedError(proposal.id, proposal.status, proposal.voting_end_height, ctx.height)
    previous = get_vote(ctx.store, msg.proposal_id, msg.voter)
    if previous is not None:
        raise AlreadyVotedError(msg.proposal_id, msg.voter, previous.option)

    set_vote(
        ctx.store,
        Vote(
            proposal_id=msg.proposal_id,
            voter=msg.voter,
            option=msg.option,
            weight=member.weight,
            height=ctx.height,
        ),
    )

    ctx.emit(EventVote(proposal_id=msg.proposal_id, voter=msg.voter, option=msg.option, weight=member.weight))


# --- stateful checks of a payload (at submission and again at execution) ------------------------------------


def check_payload_applies(
    store: StateReader, genesis_params: ConsensusParams, height: Height, payload: Payload
) -> None:
    """Raise a typed error unless ``payload`` can be applied to the current state at ``height``."""
    if isinstance(payload, AddMemberPayload):
        if get_member(store, payload.did) is not None:
            raise MemberExistsError(payload.did)
    elif isinstance(payload, RemoveMemberPayload):
        member = get_member(store, payload.did)
        if member is None:
            raise MemberNotFoundError(payload.did)
        if total_weight(store) - member.weight <= 0:
            raise InvalidProposalError(f"{payload.did} is the last member and cannot be removed")
    elif isinstance(payload, UpdateMemberRolesPayload):
        if get_member(store, payload.did) is None:
            raise MemberNotFoundError(payload.did)
    elif isinstance(payload, ParameterChangePayload):
        current = get_effective_params(store, genesis_params)
        try:
            replace(current, **{payload.key: payload.value}).validate()
        except ValueError as exc:
            raise InvalidProposalError(str(exc)) from None
    elif isinstance(payload, TrustedIssuerChangePayload) and payload.action == "remove":
        from bayledger.core.modules.identity.state import get_trusted_issuer  # at use: see below

        if get_trusted_issuer(store, payload.credential_type, payload.issuer) is None:
            raise TrustedIssuerNotFoundError(payload.issuer, payload.credential_type)
    elif isinstance(payload, SoftwareUpgradePayload) and payload.height <= height:
        raise InvalidProposalError(
            f"upgrade height {payload.height} must be above the current height {height}"
        )


# --- end of block: tally, then execute or reject ------------------------------------------------------------


def end_block(ctx: Context) -> None:
    """Decide every open proposal that reached two thirds of the total weight or the end of its period."""
    for proposal_id in list_open_proposal_ids(ctx.store):
        proposal = get_proposal(ctx.store, proposal_id)
        if proposal is None:  # the open index and the records are written together; never happens
            continue
        tally = compute_tally(ctx.store, proposal_id)
        if is_supermajority(tally.yes, tally.total):
            status, log = execute_proposal(ctx, proposal)
        elif ctx.height >= proposal.voting_end_height:
            status, log = STATUS_REJECTED, f"yes weight {tally.yes} of {tally.total} is below two thirds"
        else:
            continue
        close_proposal(ctx, proposal, tally, status, log)


def close_proposal(ctx: Context, proposal: Proposal, tally: Tally, status: str, log: str) -> None:
    """Record a proposal's final tally and outcome and emit EventCloseProposal."""
    set_proposal(
        ctx.store,
        replace(
            proposal,
            status=status,
            yes_weight=tally.yes,
            no_weight=tally.no,
            abstain_weight=tally.abstain,
            total_weight=tally.total,
            executed_height=ctx.height,
            log=log,
        ),
    )
    ctx.emit(
        EventCloseProposal(
            proposal_id=proposal.id,
            kind=proposal.kind,
            status=status,
            yes_weight=tally.yes,
            no_weight=tally.no,
            abstain_weight=tally.abstain,
            total_weight=tally.total,
            log=log,
        )
    )


class _Staged(WritableState):
    """Writes of one proposal's execution over the block state; merged only when execution succeeds."""

    def __init__(self, target: WritableState) -> None:
        super().__init__(target)
        self.target = target

    def commit(self) -> None:
        """Apply the staged writes to the target state."""
        for key, value in self.writes.items():
            if value is None:
                self.target.delete(key)
            else:
                self.target.set(key, value)
        self.writes = {}


def execute_proposal(ctx: Context, proposal: Proposal) -> tuple[str, str]:
    """Apply a passed proposal; returns (status, log). A failure changes nothing but the proposal's record.

    Like a failed message, a failed execution rolls back only its own writes; an unexpected exception is
    recorded too, so a bad proposal can never stop the chain.
    """
    staged = _Staged(ctx.store)
    exec_ctx = Context(chain=ctx.chain, height=ctx.height, time=ctx.time, store=staged)
    try:
        payload = decode_payload(proposal.kind, proposal.payload)
        check_payload_applies(staged, ctx.chain.genesis_params, ctx.height, payload)
        _apply_payload(exec_ctx, proposal.id, payload)
    except Exception as exc:  # recorded on the proposal; the staged writes are dropped
        reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return STATUS_FAILED, f"execution failed: {reason}"
    staged.commit()
    ctx.events.extend(exec_ctx.events)
    return STATUS_PASSED, "executed"


def _apply_payload(ctx: Context, proposal_id: str, payload: Payload) -> None:
    store = ctx.store
    if isinstance(payload, AddMemberPayload):
        set_member(
            store,
            Member(
                did=payload.did,
                name_en=payload.name_en,
                name_zh=payload.name_zh,
                jurisdiction=payload.jurisdiction,
                roles=payload.roles,
                weight=payload.weight,
                joined_height=ctx.height,
            ),
        )
    elif isinstance(payload, RemoveMemberPayload):
        delete_member(store, payload.did)
    elif isinstance(payload, UpdateMemberRolesPayload):
        member = get_member(store, payload.did)
        assert member is not None  # checked by check_payload_applies
        set_member(store, replace(member, roles=payload.roles))
    elif isinstance(payload, ValidatorSetChangePayload):
        set_pending_validator_set(
            store,
            PendingValidatorSet(proposal_id=proposal_id, height=ctx.height, validators=payload.validators),
        )
        ctx.emit(
            EventValidatorSetChange(proposal_id=proposal_id, height=ctx.height, validators=payload.validators)
        )
    elif isinstance(payload, ParameterChangePayload):
        set_param_override(store, payload.key, payload.value)
    elif isinstance(payload, TrustedIssuerChangePayload):
        _apply_trusted_issuer_change(ctx, payload)
    else:
        set_upgrade_plan(
            store, UpgradePlan(name=payload.name, height=payload.height, proposal_id=proposal_id)
        )


def _apply_trusted_issuer_change(ctx: Context, payload: TrustedIssuerChangePayload) -> None:
    # imported at use: identity is a separate module that may itself import governance (role checks)
    from bayledger.core.modules.identity.state import (
        TrustedIssuer,
        delete_trusted_issuer,
        set_trusted_issuer,
    )

    if payload.action == "add":
        set_trusted_issuer(
            ctx.store,
            TrustedIssuer(
                issuer=payload.issuer,
                credential_type=payload.credential_type,
                jurisdictions=payload.jurisdictions,
                added_height=ctx.height,
            ),
        )
    else:
        delete_trusted_issuer(ctx.store, payload.credential_type, payload.issuer)
