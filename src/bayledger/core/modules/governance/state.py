"""State of the governance module: members, proposals, votes, and what executed proposals decided."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.genesis import GenesisValidator
from bayledger.core.params import ConsensusParams
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did, Height

MEMBER_PREFIX = b"governance/m/"
PROPOSAL_PREFIX = b"governance/p/"
VOTE_PREFIX = b"governance/v/"
OPEN_PREFIX = b"governance/o/"  # governance/o/<proposal id> -> b"1" while the proposal is open
SEQUENCE_KEY = b"governance/seq"
CONFIG_KEY = b"governance/config"
VALIDATORS_KEY = b"governance/validators"
PARAMS_KEY = b"governance/params"
UPGRADE_KEY = b"governance/upgrade"

DEFAULT_VOTING_PERIOD = 100
"""Blocks a proposal stays open when genesis has no ``governance`` section."""

STATUS_OPEN = "open"
STATUS_PASSED = "passed"
STATUS_REJECTED = "rejected"
STATUS_FAILED = "failed"
STATUSES = (STATUS_OPEN, STATUS_PASSED, STATUS_REJECTED, STATUS_FAILED)
VOTE_OPTIONS = ("yes", "no", "abstain")


class Member(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A consortium member: who it is, where it is regulated, what it does, and its voting weight."""

    did: Did
    name_en: str
    name_zh: str
    jurisdiction: str  # ISO 3166-1 or 3166-2, e.g. "HK", "CN-GD"
    roles: list[str]  # e.g. "bank", "issuer", "reviewer", "regulator", "validator-operator"
    weight: int
    joined_height: Height


class GovernanceConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Governance settings fixed in genesis."""

    voting_period: int


class Proposal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A proposal and, once decided, its final tally and execution outcome.

    Voting is open from ``submit_height`` to ``voting_end_height`` inclusive. The tally fields are 0 and
    ``executed_height`` is 0 while the proposal is open; ``log`` explains a rejection or a failure.
    """

    id: str
    proposer: Did
    kind: str
    payload: dict[str, Any]
    title: str
    description: str
    submit_height: Height
    voting_end_height: Height
    status: str
    yes_weight: int = 0
    no_weight: int = 0
    abstain_weight: int = 0
    total_weight: int = 0
    executed_height: Height = 0
    log: str = ""


class Vote(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One member's vote on one proposal, with the member's weight when it voted."""

    proposal_id: str
    voter: Did
    option: str
    weight: int
    height: Height


class Tally(msgspec.Struct, frozen=True):
    """Vote weights of a proposal against the total member weight (all integers)."""

    yes: int
    no: int
    abstain: int
    total: int


class PendingValidator(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A validator of the set adopted by governance (``public_key`` is base64 on the wire)."""

    name: str
    key_type: str
    public_key: bytes
    power: int


class PendingValidatorSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The full validator set adopted by a proposal, for the consensus driver to apply."""

    proposal_id: str
    height: Height
    validators: list[PendingValidator]


class ParamOverrides(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Consensus parameters changed by governance (field name → value), over the genesis values."""

    values: dict[str, int]


class UpgradePlan(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A software upgrade scheduled by governance: nodes switch binaries at ``height``."""

    name: str
    height: Height
    proposal_id: str


# --- keys ---------------------------------------------------------------------------------------------------


def member_key(did: Did) -> bytes:
    """State key of a member record."""
    return MEMBER_PREFIX + did.encode()


def proposal_key(proposal_id: str) -> bytes:
    """State key of a proposal record."""
    return PROPOSAL_PREFIX + proposal_id.encode()


def vote_key(proposal_id: str, voter: Did) -> bytes:
    """State key of one vote."""
    return VOTE_PREFIX + proposal_id.encode() + b"/" + voter.encode()


def vote_proof_key(ref: str) -> bytes:
    """State key of a vote named ``<proposal id>/<voter did>`` (the form used by proof queries)."""
    proposal_id, _, voter = ref.partition("/")
    return vote_key(proposal_id, voter)


def _open_key(proposal_id: str) -> bytes:
    return OPEN_PREFIX + proposal_id.encode()


# --- members ------------------------------------------------------------------------------------------------


def get_member(store: StateReader, did: Did) -> Member | None:
    """The member with ``did`` or None."""
    raw = store.get(member_key(did))
    return None if raw is None else decode_record(raw, Member)


def set_member(store: WritableState, member: Member) -> None:
    """Write a member record."""
    store.set(member_key(member.did), encode_record(member))


def delete_member(store: WritableState, did: Did) -> None:
    """Remove a member record."""
    store.delete(member_key(did))


def list_members(store: StateReader) -> list[Member]:
    """Every member, in DID order."""
    return [decode_record(raw, Member) for _, raw in store.iter_prefix(MEMBER_PREFIX)]


def total_weight(store: StateReader) -> int:
    """The sum of all members' weights."""
    return sum(member.weight for member in list_members(store))


# --- config -------------------------------------------------------------------------------------------------


def get_config(store: StateReader) -> GovernanceConfig:
    """The governance settings (defaults when genesis had no ``governance`` section)."""
    raw = store.get(CONFIG_KEY)
    if raw is None:
        return GovernanceConfig(voting_period=DEFAULT_VOTING_PERIOD)
    return decode_record(raw, GovernanceConfig)


def set_config(store: WritableState, config: GovernanceConfig) -> None:
    """Write the governance settings."""
    store.set(CONFIG_KEY, encode_record(config))


# --- proposals and votes ------------------------------------------------------------------------------------


def next_proposal_id(store: WritableState) -> str:
    """Take the next proposal id from the module sequence: ``PROP-000001``, ``PROP-000002``, …"""
    number = take_next_sequence(store, SEQUENCE_KEY)
    return f"PROP-{number:06d}"


def get_proposal(store: StateReader, proposal_id: str) -> Proposal | None:
    """The proposal with ``proposal_id`` or None."""
    raw = store.get(proposal_key(proposal_id))
    return None if raw is None else decode_record(raw, Proposal)


def set_proposal(store: WritableState, proposal: Proposal) -> None:
    """Write a proposal and keep the open-proposal index in step with its status."""
    store.set(proposal_key(proposal.id), encode_record(proposal))
    if proposal.status == STATUS_OPEN:
        store.set(_open_key(proposal.id), b"1")
    elif store.get(_open_key(proposal.id)) is not None:
        store.delete(_open_key(proposal.id))


def list_proposals(store: StateReader) -> list[Proposal]:
    """Every proposal ever submitted, in id order (the full history)."""
    return [decode_record(raw, Proposal) for _, raw in store.iter_prefix(PROPOSAL_PREFIX)]


def list_open_proposal_ids(store: StateReader) -> list[str]:
    """Ids of the proposals still open for voting, in id order."""
    return [key[len(OPEN_PREFIX) :].decode() for key, _ in store.iter_prefix(OPEN_PREFIX)]


def get_vote(store: StateReader, proposal_id: str, voter: Did) -> Vote | None:
    """One member's vote on a proposal, or None."""
    raw = store.get(vote_key(proposal_id, voter))
    return None if raw is None else decode_record(raw, Vote)


def set_vote(store: WritableState, vote: Vote) -> None:
    """Write a vote."""
    store.set(vote_key(vote.proposal_id, vote.voter), encode_record(vote))


def list_votes(store: StateReader, proposal_id: str) -> list[Vote]:
    """Every vote on a proposal, in voter order."""
    prefix = VOTE_PREFIX + proposal_id.encode() + b"/"
    return [decode_record(raw, Vote) for _, raw in store.iter_prefix(prefix)]


def list_all_votes(store: StateReader) -> list[Vote]:
    """Every vote on every proposal, in (proposal id, voter) order."""
    return [decode_record(raw, Vote) for _, raw in store.iter_prefix(VOTE_PREFIX)]


def compute_tally(store: StateReader, proposal_id: str) -> Tally:
    """The current tally of a proposal.

    A vote counts with the weight it was cast with, never more than the voter holds now; a voter who has
    left the consortium counts zero. So the counted weights never exceed the current total weight.
    """
    counted = {option: 0 for option in VOTE_OPTIONS}
    for vote in list_votes(store, proposal_id):
        member = get_member(store, vote.voter)
        if member is not None:
            counted[vote.option] += min(vote.weight, member.weight)
    return Tally(yes=counted["yes"], no=counted["no"], abstain=counted["abstain"], total=total_weight(store))


def is_supermajority(yes: int, total: int) -> bool:
    """True when ``yes`` is at least two thirds of ``total`` (integer arithmetic: 3·yes ≥ 2·total)."""
    return total > 0 and 3 * yes >= 2 * total


# --- what executed proposals decided ------------------------------------------------------------------------


def get_pending_validator_set(store: StateReader) -> PendingValidatorSet | None:
    """The validator set last adopted by governance, or None."""
    raw = store.get(VALIDATORS_KEY)
    return None if raw is None else decode_record(raw, PendingValidatorSet)


def set_pending_validator_set(store: WritableState, validator_set: PendingValidatorSet) -> None:
    """Record the validator set adopted by governance."""
    store.set(VALIDATORS_KEY, encode_record(validator_set))


def get_active_validators(
    store: StateReader, genesis_validators: Sequence[GenesisValidator]
) -> tuple[GenesisValidator, ...]:
    """The validator set that signs the next block on top of ``store``: the set governance adopted last,
    or the genesis set when it never changed one."""
    adopted = get_pending_validator_set(store)
    if adopted is None:
        return tuple(genesis_validators)
    return tuple(
        GenesisValidator(name=v.name, key_type=v.key_type, public_key=v.public_key, power=v.power)
        for v in adopted.validators
    )


def get_param_overrides(store: StateReader) -> dict[str, int]:
    """Consensus parameters changed by governance (empty when none)."""
    raw = store.get(PARAMS_KEY)
    return {} if raw is None else dict(decode_record(raw, ParamOverrides).values)


def set_param_override(store: WritableState, key: str, value: int) -> None:
    """Record that governance set consensus parameter ``key`` to ``value``."""
    values = get_param_overrides(store)
    values[key] = value
    store.set(PARAMS_KEY, encode_record(ParamOverrides(values=values)))


def get_effective_params(store: StateReader, genesis_params: ConsensusParams) -> ConsensusParams:
    """The consensus parameters in force: the genesis values with governance overrides applied."""
    overrides = get_param_overrides(store)
    if not overrides:
        return genesis_params
    return msgspec.structs.replace(genesis_params, **overrides)


def get_upgrade_plan(store: StateReader) -> UpgradePlan | None:
    """The software upgrade scheduled by governance, or None."""
    raw = store.get(UPGRADE_KEY)
    return None if raw is None else decode_record(raw, UpgradePlan)


def set_upgrade_plan(store: WritableState, plan: UpgradePlan) -> None:
    """Schedule a software upgrade (replacing any earlier plan)."""
    store.set(UPGRADE_KEY, encode_record(plan))
