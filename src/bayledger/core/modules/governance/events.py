"""Events of the governance module."""

from __future__ import annotations

from bayledger.core.events import Event
from bayledger.core.modules.governance.state import PendingValidator


class EventSubmitProposal(Event, frozen=True, tag="governance/EventSubmitProposal"):
    """A member submitted a proposal; voting is open until ``voting_end_height`` (inclusive)."""

    proposal_id: str
    proposer: str
    kind: str
    title: str
    voting_end_height: int


class EventVote(Event, frozen=True, tag="governance/EventVote"):
    """A member voted on a proposal with its weight at vote time."""

    proposal_id: str
    voter: str
    option: str
    weight: int


class EventCloseProposal(Event, frozen=True, tag="governance/EventCloseProposal"):
    """A proposal was decided at end of block: passed (and executed), rejected, or failed to execute."""

    proposal_id: str
    kind: str
    status: str
    yes_weight: int
    no_weight: int
    abstain_weight: int
    total_weight: int
    log: str


class EventValidatorSetChange(Event, frozen=True, tag="governance/EventValidatorSetChange"):
    """The consortium adopted a new validator set (the full set) for the consensus driver to apply."""

    proposal_id: str
    height: int
    validators: list[PendingValidator]
