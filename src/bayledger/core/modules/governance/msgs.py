"""Messages of the governance module, the payload of each proposal kind, and their stateless checks."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import msgspec

from bayledger.core.crypto import KEY_TYPES, is_valid_public_key
from bayledger.core.did import is_did_bid
from bayledger.core.modules.governance.errors import InvalidProposalError, InvalidVoteError
from bayledger.core.modules.governance.state import VOTE_OPTIONS, PendingValidator
from bayledger.core.msg import Msg
from bayledger.core.params import ConsensusParams
from bayledger.core.types import Did

MAX_TITLE_LENGTH = 256
MAX_DESCRIPTION_LENGTH = 8_192
MAX_NAME_LENGTH = 256
MAX_ROLES = 16
MAX_WEIGHT = 2**32 - 1
MAX_VALIDATORS = 150
MAX_JURISDICTIONS = 64
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_ROLE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_CREDENTIAL_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9._:-]{0,63}$")
_UPGRADE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_PROPOSAL_ID = re.compile(r"^PROP-[0-9]{6,}$")
PARAMETER_NAMES: tuple[str, ...] = tuple(ConsensusParams.__struct_fields__)


class MsgSubmitProposal(Msg, frozen=True, tag="governance/MsgSubmitProposal"):
    """A member proposes a change; ``payload`` holds the fields of its ``kind`` (see ``PAYLOAD_TYPES``)."""

    signer_field: ClassVar[str] = "proposer"
    proposer: Did
    kind: str
    payload: dict[str, Any]
    title: str
    description: str


class MsgVote(Msg, frozen=True, tag="governance/MsgVote"):
    """A member votes yes, no or abstain on an open proposal, once."""

    signer_field: ClassVar[str] = "voter"
    voter: Did
    proposal_id: str
    option: str


# --- payloads of each proposal kind -------------------------------------------------------------------------


class AddMemberPayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``add-member``: admit a new member (not the proposer itself)."""

    did: Did
    name_en: str
    name_zh: str
    jurisdiction: str
    roles: list[str]
    weight: int


class RemoveMemberPayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``remove-member``: remove a member (never the last one)."""

    did: Did


class UpdateMemberRolesPayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``update-member-roles``: replace a member's roles."""

    did: Did
    roles: list[str]


class ValidatorSetChangePayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``validator-set-change``: the full new validator set (keys in base64)."""

    validators: list[PendingValidator]


class ParameterChangePayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``parameter-change``: set one consensus parameter."""

    key: str
    value: int


class TrustedIssuerChangePayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``trusted-issuer-change``: trust (``add``) or distrust (``remove``) an issuer for a credential type."""

    action: str
    issuer: Did
    credential_type: str
    jurisdictions: list[str] = []


class SoftwareUpgradePayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``software-upgrade``: nodes switch to the release ``name`` at ``height``."""

    name: str
    height: int


Payload = (
    AddMemberPayload
    | RemoveMemberPayload
    | UpdateMemberRolesPayload
    | ValidatorSetChangePayload
    | ParameterChangePayload
    | TrustedIssuerChangePayload
    | SoftwareUpgradePayload
)

PAYLOAD_TYPES: dict[str, type[Payload]] = {
    "add-member": AddMemberPayload,
    "remove-member": RemoveMemberPayload,
    "update-member-roles": UpdateMemberRolesPayload,
    "validator-set-change": ValidatorSetChangePayload,
    "parameter-change": ParameterChangePayload,
    "trusted-issuer-change": TrustedIssuerChangePayload,
    "software-upgrade": SoftwareUpgradePayload,
}
KINDS: tuple[str, ...] = tuple(PAYLOAD_TYPES)


# --- stateless checks ---------------------------------------------------------------------------------------


def is_jurisdiction(text: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code or an ISO 3166-2 subdivision, e.g. ``HK``, ``CN-GD``."""
    return bool(_JURISDICTION.match(text))


def check_did(did: str, what: str) -> None:
    """Raise InvalidProposalError unless ``did`` is a syntactically valid ``did:bid``."""
    if not is_did_bid(did):
        raise InvalidProposalError(f"{what} {did!r} is not a did:bid identifier")


def check_roles(roles: list[str]) -> None:
    """Raise InvalidProposalError unless the roles are well formed and distinct."""
    if len(roles) > MAX_ROLES:
        raise InvalidProposalError(f"more than {MAX_ROLES} roles")
    for role in roles:
        if not _ROLE.match(role):
            raise InvalidProposalError(
                f"role {role!r} must be 1-32 of a-z, 0-9 and '-', starting with a letter"
            )
    if len(set(roles)) != len(roles):
        raise InvalidProposalError("a role is listed twice")


def check_member_fields(name_en: str, name_zh: str, jurisdiction: str, roles: list[str], weight: int) -> None:
    """Raise InvalidProposalError unless a member's descriptive fields and weight are valid."""
    if not name_en or len(name_en) > MAX_NAME_LENGTH:
        raise InvalidProposalError(f"name_en must be 1-{MAX_NAME_LENGTH} characters")
    if len(name_zh) > MAX_NAME_LENGTH:
        raise InvalidProposalError(f"name_zh must be at most {MAX_NAME_LENGTH} characters")
    if not is_jurisdiction(jurisdiction):
        raise InvalidProposalError(f"jurisdiction {jurisdiction!r} is not an ISO 3166 code like HK or CN-GD")
    check_roles(roles)
    if not 1 <= weight <= MAX_WEIGHT:
        raise InvalidProposalError(f"member weight {weight} outside 1..{MAX_WEIGHT}")


def _check_add_member(payload: AddMemberPayload) -> None:
    check_did(payload.did, "member")
    check_member_fields(payload.name_en, payload.name_zh, payload.jurisdiction, payload.roles, payload.weight)


def _check_validator_set(payload: ValidatorSetChangePayload) -> None:
    validators = payload.validators
    if not 1 <= len(validators) <= MAX_VALIDATORS:
        raise InvalidProposalError(f"a validator set has 1 to {MAX_VALIDATORS} validators")
    names: set[str] = set()
    keys: set[bytes] = set()
    for validator in validators:
        if not validator.name or len(validator.name) > MAX_NAME_LENGTH:
            raise InvalidProposalError(f"validator names are 1-{MAX_NAME_LENGTH} characters")
        if validator.key_type not in KEY_TYPES:
            raise InvalidProposalError(
                f"validator {validator.name!r}: unknown key type {validator.key_type!r}"
            )
        if not is_valid_public_key(validator.key_type, validator.public_key):
            raise InvalidProposalError(
                f"validator {validator.name!r}: invalid {validator.key_type} public key"
            )
        if not 1 <= validator.power <= MAX_WEIGHT:
            raise InvalidProposalError(
                f"validator {validator.name!r}: power {validator.power} outside 1..{MAX_WEIGHT}"
            )
        if validator.name in names or validator.public_key in keys:
            raise InvalidProposalError(f"validator {validator.name!r} (or its key) is listed twice")
        names.add(validator.name)
        keys.add(validator.public_key)


def _check_parameter_change(payload: ParameterChangePayload) -> None:
    if payload.key not in PARAMETER_NAMES:
        raise InvalidProposalError(
            f"unknown consensus parameter {payload.key!r}; expected one of {PARAMETER_NAMES}"
        )
    if payload.value <= 0:
        raise InvalidProposalError(f"consensus parameter {payload.key} must be positive, got {payload.value}")


def _check_trusted_issuer_change(payload: TrustedIssuerChangePayload) -> None:
    if payload.action not in ("add", "remove"):
        raise InvalidProposalError(f"action must be 'add' or 'remove', got {payload.action!r}")
    check_did(payload.issuer, "issuer")
    if not _CREDENTIAL_TYPE.match(payload.credential_type):
        raise InvalidProposalError(f"credential_type {payload.credential_type!r} is malformed")
    if len(payload.jurisdictions) > MAX_JURISDICTIONS:
        raise InvalidProposalError(f"more than {MAX_JURISDICTIONS} jurisdictions")
    for jurisdiction in payload.jurisdictions:
        if not is_jurisdiction(jurisdiction):
            raise InvalidProposalError(
                f"jurisdiction {jurisdiction!r} is not an ISO 3166 code like HK or CN-GD"
            )
    if len(set(payload.jurisdictions)) != len(payload.jurisdictions):
        raise InvalidProposalError("a jurisdiction is listed twice")
    if payload.action == "add" and not payload.jurisdictions:
        raise InvalidProposalError("an added trusted issuer needs at least one jurisdiction")


def _check_software_upgrade(payload: SoftwareUpgradePayload) -> None:
    if not _UPGRADE_NAME.match(payload.name):
        raise InvalidProposalError(
            f"upgrade name {payload.name!r} must be 1-64 of a-z, 0-9, '.', '_' and '-'"
        )
    if payload.height <= 0:
        raise InvalidProposalError(f"upgrade height must be positive, got {payload.height}")


def decode_payload(kind: str, payload: dict[str, Any]) -> Payload:
    """The typed payload of a proposal kind, after its stateless checks; raises InvalidProposalError."""
    payload_type = PAYLOAD_TYPES.get(kind)
    if payload_type is None:
        raise InvalidProposalError(f"unknown proposal kind {kind!r}; expected one of {KINDS}")
    try:
        typed = msgspec.convert(payload, type=payload_type)
    except msgspec.ValidationError as exc:
        raise InvalidProposalError(f"{kind} payload: {exc}") from None
    if isinstance(typed, AddMemberPayload):
        _check_add_member(typed)
    elif isinstance(typed, (RemoveMemberPayload, UpdateMemberRolesPayload)):
        check_did(typed.did, "member")
        if isinstance(typed, UpdateMemberRolesPayload):
            check_roles(typed.roles)
    elif isinstance(typed, ValidatorSetChangePayload):
        _check_validator_set(typed)
    elif isinstance(typed, ParameterChangePayload):
        _check_parameter_change(typed)
    elif isinstance(typed, TrustedIssuerChangePayload):
        _check_trusted_issuer_change(typed)
    else:
        _check_software_upgrade(typed)
    return typed


def payload_to_dict(payload: Payload) -> dict[str, Any]:
    """The canonical JSON form of a typed payload (keys in base64), as stored on the proposal."""
    data = msgspec.to_builtins(payload)
    assert isinstance(data, dict)
    return data


def validate_submit_proposal(msg: MsgSubmitProposal) -> None:
    """Stateless checks of MsgSubmitProposal: title, description and the kind's payload."""
    if not msg.title or len(msg.title) > MAX_TITLE_LENGTH:
        raise InvalidProposalError(f"title must be 1-{MAX_TITLE_LENGTH} characters")
    if len(msg.description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidProposalError(f"description longer than {MAX_DESCRIPTION_LENGTH} characters")
    decode_payload(msg.kind, msg.payload)


def validate_vote(msg: MsgVote) -> None:
    """Stateless checks of MsgVote."""
    if msg.option not in VOTE_OPTIONS:
        raise InvalidVoteError(f"option must be one of {VOTE_OPTIONS}, got {msg.option!r}")
    if not _PROPOSAL_ID.match(msg.proposal_id):
        raise InvalidVoteError(f"proposal id {msg.proposal_id!r} is not of the form PROP-000001")
