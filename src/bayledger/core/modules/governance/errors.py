"""Errors of the governance module (codespace ``governance``). Codes never change once released."""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "governance"


class GovernanceError(MsgFailedError):
    """Base of the governance module's errors."""

    codespace = CODESPACE


class InvalidProposalError(GovernanceError):
    """A proposal's title, description, kind or payload is malformed or cannot apply to the state."""

    code = 2


class NotMemberError(GovernanceError):
    """The proposer or voter is not a consortium member."""

    code = 3

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} is not a consortium member")


class SelfProposalError(GovernanceError):
    """A member proposes adding itself (admission is decided by the other members)."""

    code = 4

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} cannot propose adding itself; another member must propose it")


class MemberExistsError(GovernanceError):
    """An add-member proposal names a DID that is already a member."""

    code = 5

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} is already a consortium member")


class MemberNotFoundError(GovernanceError):
    """A proposal names a member that does not exist."""

    code = 6

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} is not a consortium member")


class ProposalNotFoundError(GovernanceError):
    """No proposal has this id."""

    code = 7

    def __init__(self, proposal_id: str) -> None:
        super().__init__(f"proposal {proposal_id} does not exist")


class VotingClosedError(GovernanceError):
    """The proposal is no longer open: its voting period ended or it was already decided."""

    code = 8

    def __init__(self, proposal_id: str, status: str, voting_end_height: int, height: int) -> None:
        super().__init__(
            f"voting on {proposal_id} is closed (status {status}, voting ended at height "
            f"{voting_end_height}, current height {height})"
        )


class AlreadyVotedError(GovernanceError):
    """The member already voted on this proposal (one vote per member)."""

    code = 9

    def __init__(self, proposal_id: str, voter: str, option: str) -> None:
        super().__init__(f"{voter} already voted {option!r} on {proposal_id}")


class InvalidVoteError(GovernanceError):
    """The vote option is not one of yes, no, abstain."""

    code = 10


class RoleRequiredError(GovernanceError):
    """The signer is not a member holding the role a message requires (admission check)."""

    code = 11

    def __init__(self, did: str, role: str) -> None:
        super().__init__(f"{did} must be a consortium member with role {role!r}")


class TrustedIssuerNotFoundError(GovernanceError):
    """A trusted-issuer-change proposal removes an issuer that is not trusted for the credential type."""

    code = 12

    def __init__(self, issuer: str, credential_type: str) -> None:
        super().__init__(f"{issuer} is not a trusted issuer of {credential_type}")
