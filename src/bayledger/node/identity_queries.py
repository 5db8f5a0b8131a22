"""Read-side of the identity and governance modules: DID resolution, trusted issuers, credentials, members
and proposals, answered from committed state only.

``IdentityQueries`` extends :class:`~bayledger.node.queries.NodeQueries`; a node gains these reads by
listing it among its bases (``class EmbeddedNode(IdentityQueries, NodeQueries)``). Edges type their node as
:class:`IdentityService`.

DID resolution answers follow the DID Resolution / Universal Resolver shape::

    {"didDocument": {...}, "didResolutionMetadata": {"contentType": "application/did+ld+json"},
     "didDocumentMetadata": {"versionId": "2", "created": "…Z", "updated": "…Z", "deactivated": false,
                             "nextVersionId": "3"},        # nextVersionId only for a past version
     "proof": <proof answer of identity/did-version/<did>/<version>>}
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

import msgspec

from bayledger.core.modules.governance import state as gov
from bayledger.core.modules.identity import state as ids
from bayledger.node.queries import NodeQueries
from bayledger.node.service import NotFoundError
from bayledger.store.sqlite import ConnectionState

DID_CONTENT_TYPE = "application/did+ld+json"


class IdentityService(Protocol):
    """What a node offers the edges about identity and governance (implemented by ``IdentityQueries``)."""

    def status(self) -> dict[str, Any]:
        """Chain id, latest height/hash/app hash/time (see ``NodeService.status``)."""
        ...

    def prove(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        """Proof answer of a state record (see ``NodeService.prove``)."""
        ...

    def resolve_did(
        self, did: str, *, version_id: int | None = None, version_time: int | None = None
    ) -> dict[str, Any]:
        """Resolve ``did`` (latest, a version number, or the version in force at ``version_time`` ms);
        NotFoundError when the DID (or that version) has no document."""
        ...

    def list_trusted_issuers(self, *, credential_type: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Page of trusted-issuer entries, optionally of one credential type."""
        ...

    def get_credential(self, credential_id: str, *, issuer: str | None) -> dict[str, Any]:
        """A registered credential with its status; NotFoundError if unknown."""
        ...

    def list_members(self, *, offset: int, limit: int) -> dict[str, Any]:
        """Page of consortium members in DID order."""
        ...

    def list_proposals(self, *, status: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Page of proposals, newest first, optionally of one status."""
        ...

    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        """A proposal with its votes and current tally; NotFoundError if unknown."""
        ...


class StatusListHost(IdentityService, Protocol):
    """A node that also hosts issuers' signed status list credentials (``EmbeddedNode``)."""

    def get_status_list(self, issuer: str, list_id: str) -> dict[str, Any]:
        """The on-chain status list record of (issuer, list id); NotFoundError if unknown."""
        ...

    def put_status_list_credential(self, issuer: str, list_id: str, credential: dict[str, Any]) -> None:
        """Store (replace) the hosted status list credential of (issuer, list id), durably."""
        ...

    def get_status_list_credential(self, issuer: str, list_id: str) -> dict[str, Any]:
        """The hosted status list credential of (issuer, list id); NotFoundError if none is stored."""
        ...


def iso_time(ms: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (milliseconds kept when not zero) of a block time in ms."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if ms % 1000:
        text += f".{ms % 1000:03d}"
    return text + "Z"


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset, "limit": limit}


class IdentityQueries(NodeQueries):
    """Identity and governance reads on top of ``NodeQueries``."""

    def _latest_time(self, conn: Any) -> int:
        return int(self.db.get_meta("last_time", conn) or b"0")

    def resolve_did(
        self, did: str, *, version_id: int | None = None, version_time: int | None = None
    ) -> dict[str, Any]:
        """Resolve a DID document version with its metadata and a ``did-version`` state proof."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            versions = ids.list_did_versions(state, did)
            if not versions:
                raise NotFoundError(f"DID {did} has no document")
            if version_id is not None:
                chosen = next((v for v in versions if v.version == version_id), None)
                if chosen is None:
                    raise NotFoundError(f"DID {did} has no version {version_id}")
            elif version_time is not None:
                chosen = ids.get_did_version_at_time(state, did, version_time)
                if chosen is None:
                    raise NotFoundError(f"DID {did} had no document at {version_time} ms")
            else:
                chosen = versions[-1]
        metadata: dict[str, Any] = {
            "versionId": str(chosen.version),
            "created": iso_time(versions[0].time),
            "updated": iso_time(chosen.time),
            "deactivated": chosen.deactivated,
        }
        if chosen.version < versions[-1].version:
            metadata["nextVersionId"] = str(chosen.version + 1)
        return {
            "didDocument": msgspec.json.decode(chosen.document_json),
            "didResolutionMetadata": {"contentType": DID_CONTENT_TYPE},
            "didDocumentMetadata": metadata,
            "proof": self.prove("identity", "did-version", f"{did}/{chosen.version}"),
        }

    def list_trusted_issuers(self, *, credential_type: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Trusted-issuer entries in (type, issuer) order."""
        found = ids.list_trusted_issuers(self._reader_state(), credential_type)
        return _page([_builtins(t) for t in found], offset, limit)

    def get_credential(self, credential_id: str, *, issuer: str | None) -> dict[str, Any]:
        """A registered credential (by issuer and id, or the first with that id) and its status now.

        ``status``: ``{flagged, purpose, revoked, suspended, issuer_trusted, issuer_deactivated, valid,
        checked_at}`` where ``valid`` is the chain's own rule at the latest block time.
        """
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            if issuer is not None:
                credential = ids.get_credential(state, issuer, credential_id)
            else:
                credential = next(
                    (c for c in ids.list_credentials(state) if c.credential_id == credential_id), None
                )
            if credential is None:
                raise NotFoundError(f"no registered credential {credential_id}")
            now = self._latest_time(conn)
            status_list = (
                ids.get_status_list(state, credential.issuer, credential.status_list_id)
                if credential.status_list_id
                else None
            )
            flagged = bool(credential.status_list_id) and ids.is_status_flagged(
                state, credential.issuer, credential.status_list_id, credential.status_index
            )
            purpose = None if status_list is None else status_list.purpose
            data = _builtins(credential)
            data["status"] = {
                "flagged": flagged,
                "purpose": purpose,
                "revoked": flagged and purpose == ids.REVOCATION,
                "suspended": flagged and purpose == ids.SUSPENSION,
                "issuer_trusted": ids.is_trusted_issuer(
                    state, credential.issuer, credential.credential_type, credential.jurisdiction
                ),
                "issuer_deactivated": ids.is_did_deactivated(state, credential.issuer),
                "valid": ids.is_credential_valid(state, credential, now),
                "checked_at": now,
            }
            return data

    def get_status_list(self, issuer: str, list_id: str) -> dict[str, Any]:
        """The on-chain status list record (purpose, anchored ``list_hash``, …) of (issuer, list id)."""
        status_list = ids.get_status_list(self._reader_state(), issuer, list_id)
        if status_list is None:
            raise NotFoundError(f"no status list {list_id} of {issuer} on chain")
        return _builtins(status_list)

    def list_members(self, *, offset: int, limit: int) -> dict[str, Any]:
        """Members in DID order, with the total weight."""
        with self.db.snapshot() as conn:
            members = gov.list_members(ConnectionState(conn))
        answer = _page([_builtins(m) for m in members], offset, limit)
        answer["total_weight"] = sum(m.weight for m in members)
        return answer

    def list_proposals(self, *, status: str | None, offset: int, limit: int) -> dict[str, Any]:
        """Proposals, newest first."""
        proposals = gov.list_proposals(self._reader_state())
        items = [_builtins(p) for p in reversed(proposals) if status in (None, p.status)]
        return _page(items, offset, limit)

    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        """A proposal, its votes (voter order) and, while open, the current tally."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            proposal = gov.get_proposal(state, proposal_id)
            if proposal is None:
                raise NotFoundError(f"no proposal {proposal_id}")
            data = _builtins(proposal)
            data["votes"] = [_builtins(v) for v in gov.list_votes(state, proposal_id)]
            tally = gov.compute_tally(state, proposal_id)
            data["tally"] = _builtins(tally)
            return data
