"""Message builders of the identity and governance modules, and the helpers that tie off-chain credentials
(``bayledger.vc``) to their on-chain records.

Every builder returns the JSON object a tx body carries: ``{"type": "<module>/<Msg…>", …fields}`` with the
field names of the structs in ``core/modules/identity/msgs.py`` and ``core/modules/governance/msgs.py``
(built through those structs, so a misspelt field fails here rather than on chain).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bayledger.core.modules.accounts.state import Signer
from bayledger.core.modules.governance.msgs import MsgSubmitProposal, MsgVote
from bayledger.core.modules.identity.document import DidService
from bayledger.core.modules.identity.msgs import (
    MsgDeactivateDid,
    MsgRegisterCredential,
    MsgRegisterDid,
    MsgRotateKeys,
    MsgSetStatusList,
    MsgUpdateDid,
)
from bayledger.sdk.builders import msg_to_dict
from bayledger.vc.cryptosuites import jcs

PROPOSAL_KINDS = (
    "add-member",
    "remove-member",
    "update-member-roles",
    "validator-set-change",
    "parameter-change",
    "trusted-issuer-change",
    "software-upgrade",
)
VOTE_OPTIONS = ("yes", "no", "abstain")
_LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

ServiceLike = DidService | Mapping[str, str]


def service(service_id: str, service_type: str, endpoint: str) -> DidService:
    """A DID document service (``service_id`` is a fragment: the document writes ``<did>#<id>``)."""
    return DidService(id=service_id, type=service_type, service_endpoint=endpoint)


def _services(services: Iterable[ServiceLike]) -> list[DidService]:
    out = []
    for s in services:
        if isinstance(s, DidService):
            out.append(s)
        else:
            endpoint = s.get("service_endpoint", s.get("serviceEndpoint", ""))
            out.append(DidService(id=s["id"], type=s["type"], service_endpoint=endpoint))
    return out


# --- identity -----------------------------------------------------------------------------------------------


def register_did(did: str, services: Iterable[ServiceLike] = ()) -> dict[str, Any]:
    """``identity/MsgRegisterDid``: version 1 of the account's DID document."""
    return msg_to_dict(MsgRegisterDid(did=did, services=_services(services)))


def update_did(did: str, services: Iterable[ServiceLike] = ()) -> dict[str, Any]:
    """``identity/MsgUpdateDid``: a new version with ``services`` (keys re-read from the account)."""
    return msg_to_dict(MsgUpdateDid(did=did, services=_services(services)))


def rotate_keys(did: str, signers: Sequence[Signer], threshold: int) -> dict[str, Any]:
    """``identity/MsgRotateKeys``: replace the account's signers and threshold, new document version."""
    return msg_to_dict(MsgRotateKeys(did=did, signers=list(signers), threshold=threshold))


def deactivate_did(did: str) -> dict[str, Any]:
    """``identity/MsgDeactivateDid``: the final version; later txs signed by the DID are refused."""
    return msg_to_dict(MsgDeactivateDid(did=did))


def register_credential(
    *,
    issuer: str,
    credential_id: str,
    credential_type: str,
    subject: str,
    jurisdiction: str,
    valid_from: int,
    valid_until: int = 0,
    status_list_id: str = "",
    status_index: int = 0,
    credential_hash: str,
) -> dict[str, Any]:
    """``identity/MsgRegisterCredential``: a trusted issuer records a credential's hash on chain."""
    return msg_to_dict(
        MsgRegisterCredential(
            issuer=issuer,
            credential_id=credential_id,
            credential_type=credential_type,
            subject=subject,
            jurisdiction=jurisdiction,
            valid_from=valid_from,
            valid_until=valid_until,
            status_list_id=status_list_id,
            status_index=status_index,
            credential_hash=credential_hash,
        )
    )


def set_status_list(
    *,
    issuer: str,
    list_id: str,
    purpose: str,
    list_hash: str,
    set_indices: Sequence[int] = (),
    clear_indices: Sequence[int] = (),
) -> dict[str, Any]:
    """``identity/MsgSetStatusList``: anchor a status list hash and flag / clear indices."""
    return msg_to_dict(
        MsgSetStatusList(
            issuer=issuer,
            list_id=list_id,
            purpose=purpose,
            list_hash=list_hash,
            set_indices=list(set_indices),
            clear_indices=list(clear_indices),
        )
    )


# --- governance ---------------------------------------------------------------------------------------------


def submit_proposal(
    proposer: str, kind: str, payload: Mapping[str, Any], title: str, description: str = ""
) -> dict[str, Any]:
    """``governance/MsgSubmitProposal`` of one ``kind`` (see ``PROPOSAL_KINDS``) with its payload."""
    return msg_to_dict(
        MsgSubmitProposal(
            proposer=proposer, kind=kind, payload=dict(payload), title=title, description=description
        )
    )


def vote(voter: str, proposal_id: str, option: str) -> dict[str, Any]:
    """``governance/MsgVote``: ``yes``, ``no`` or ``abstain``."""
    return msg_to_dict(MsgVote(voter=voter, proposal_id=proposal_id, option=option))


# --- off-chain credentials and their on-chain records -------------------------------------------------------


def credential_hash(credential: Mapping[str, Any]) -> str:
    """The ``credential_hash`` an issuer registers: hex SHA-256 of the JCS (RFC 8785) form of the whole
    secured credential (proof included), so any change to the document changes the hash."""
    return hashlib.sha256(jcs(dict(credential))).hexdigest()


def chain_credential_id(vc_id: str) -> str:
    """The on-chain credential id of a VC ``id``: the id itself when it is a valid local id (``urn:uuid:…``),
    else its last ``/`` or ``#`` segment (URL ids: on-chain ids cannot contain ``/``)."""
    if _LOCAL_ID.fullmatch(vc_id):
        return vc_id
    return re.split(r"[/#]", vc_id.rstrip("/"))[-1]
