"""Python client for the bayledger REST API (``bayledger.api``), built on httpx.

>>> client = Client("http://127.0.0.1:8080")
>>> result = client.submit(signed_tx_bytes)            # waits for commit by default
>>> if result["code"] != 0: ...                         # a message failed; the tx is on chain
>>> try:
...     client.submit(replayed_tx_bytes)
... except ApiError as err:
...     if (err.codespace, err.code) == ("tx", 8): ...   # NonceTooLowError

Errors: a problem+json answer raises :class:`ApiError` (``status``, ``codespace``, ``code``, ``title``,
``detail``); a network failure raises :class:`NodeUnreachableError` naming the URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

DEFAULT_TIMEOUT = 10.0
STREAM_READ_TIMEOUT = 60.0  # the server sends a keepalive every ~15 s


class ClientError(Exception):
    """Base of the errors this client raises."""


class NodeUnreachableError(ClientError):
    """The node could not be reached (connection refused, DNS, timeout, connection dropped)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach bayledger node at {url}: {reason}")
        self.url = url
        self.reason = reason


class ApiError(ClientError):
    """The API answered with an error (RFC 9457 problem). Switch on ``(codespace, code)``."""

    def __init__(
        self,
        status: int,
        codespace: str,
        code: int,
        title: str,
        detail: str,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {title} [{codespace}/{code}]: {detail}")
        self.status = status
        self.codespace = codespace
        self.code = code
        self.title = title
        self.detail = detail
        self.body = body or {}

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """Build from an error response; a non-problem body (e.g. a proxy page) gets codespace ``"http"``."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and "codespace" in body and "code" in body:
            return cls(
                status=int(body.get("status", response.status_code)),
                codespace=str(body["codespace"]),
                code=int(body["code"]),
                title=str(body.get("title", "")),
                detail=str(body.get("detail", "")),
                body=body,
            )
        text = response.text[:200].strip()
        return cls(response.status_code, "http", response.status_code, response.reason_phrase, text)


def _seg(value: str | int) -> str:
    """One URL path segment, percent-encoded (``:`` and ``@`` kept, so DIDs stay readable)."""
    return quote(str(value), safe=":@")


def _page(offset: int, limit: int, **filters: Any) -> dict[str, Any]:
    """Query parameters for a list call, without the filters left as None."""
    params = {"offset": offset, "limit": limit}
    params.update({k: v for k, v in filters.items() if v is not None})
    return params


class Client:
    """Synchronous client of one node's REST API.

    ``http`` may be any ``httpx.Client`` (e.g. ``fastapi.testclient.TestClient``); the client then does not
    own it and ``close()`` leaves it open. ``base_url`` is prefixed to every path (use ``""`` to rely on
    ``http``'s own base URL).
    """

    def __init__(
        self, base_url: str = "", *, timeout: float = DEFAULT_TIMEOUT, http: httpx.Client | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout)

    # --- plumbing ---------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the underlying HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        """Use as a context manager; closes on exit."""
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close on leaving the ``with`` block."""
        self.close()

    def _url(self, path: str) -> str:
        """The absolute (or ``http``-relative) URL of an API path."""
        return f"{self.base_url}{path}"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send one request; map transport failures and error statuses to this module's errors."""
        url = self._url(path)
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            response = self._http.request(
                method,
                url,
                params=params,
                content=content,
                headers=headers,
                timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
            )
        except httpx.TransportError as exc:
            raise NodeUnreachableError(url, str(exc) or type(exc).__name__) from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response

    def _get(self, path: str, **params: Any) -> Any:
        """GET a JSON answer."""
        query = {k: v for k, v in params.items() if v is not None}
        return self._request("GET", path, params=query or None).json()

    # --- writes -----------------------------------------------------------------------------------

    def submit(self, raw: bytes, wait: bool = True, timeout: float = 10.0) -> dict[str, Any]:
        """Submit a signed tx's exact JSON bytes.

        With ``wait`` (default) block until it is committed and return its TxResult (``code`` 0 = success);
        otherwise return ``{"hash": ...}`` as soon as the mempool accepts it. A rejected tx raises
        :class:`ApiError` with codespace ``"tx"``; a commit wait that times out raises ``ApiError``
        (status 504, ``node/408``, ``body["hash"]`` names the tx).
        """
        params: dict[str, Any] = {"wait": "commit" if wait else "none"}
        if wait:
            params["timeout"] = timeout
        http_timeout = self.timeout + (timeout if wait else 0.0)
        answer: dict[str, Any] = self._request(
            "POST", "/v1/txs", params=params, content=bytes(raw), timeout=http_timeout
        ).json()
        return answer

    # --- reads ------------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Node status: chain id, latest height/hash, app hash, mempool size, validators."""
        answer: dict[str, Any] = self._get("/v1/status")
        return answer

    def health(self) -> dict[str, Any]:
        """Liveness: ``{"status": "ok", "height": n}``."""
        answer: dict[str, Any] = self._get("/health")
        return answer

    def genesis(self) -> dict[str, Any]:
        """The genesis document."""
        answer: dict[str, Any] = self._get("/v1/genesis")
        return answer

    def invariants(self) -> dict[str, Any]:
        """Run the module invariants: ``{"ok": bool, "broken": [...]}``."""
        answer: dict[str, Any] = self._get("/v1/invariants")
        return answer

    def get_tx(self, tx_hash: str) -> dict[str, Any]:
        """A committed tx's result by hash."""
        answer: dict[str, Any] = self._get(f"/v1/txs/{_seg(tx_hash)}")
        return answer

    def list_txs(self, account: str | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of tx results, newest first, optionally of one account."""
        answer: dict[str, Any] = self._get("/v1/txs", **_page(offset, limit, account=account))
        return answer

    def get_block(self, ref: str | int = "latest") -> dict[str, Any]:
        """A block by height, hash or ``"latest"``."""
        answer: dict[str, Any] = self._get(f"/v1/blocks/{_seg(ref)}")
        return answer

    def list_blocks(self, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of blocks, newest first."""
        answer: dict[str, Any] = self._get("/v1/blocks", **_page(offset, limit))
        return answer

    def search_events(
        self,
        event_type: str | None = None,
        attribute: str | None = None,
        value: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> dict[str, Any]:
        """A page of ``{height, tx_hash, index, event}`` hits by event type and/or ``attribute=value``."""
        params = _page(offset, limit, type=event_type, attribute=attribute, value=value)
        answer: dict[str, Any] = self._get("/v1/events", **params)
        return answer

    def get_account(self, did: str) -> dict[str, Any]:
        """An account record by DID."""
        answer: dict[str, Any] = self._get(f"/v1/accounts/{_seg(did)}")
        return answer

    def get_anchor(self, anchor_id: str) -> dict[str, Any]:
        """An anchor record with its attestations."""
        answer: dict[str, Any] = self._get(f"/v1/anchors/{_seg(anchor_id)}")
        return answer

    def list_anchors(
        self, owner: str | None = None, content_hash: str | None = None, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of anchors, optionally by owner and/or content hash."""
        params = _page(offset, limit, owner=owner, content_hash=content_hash)
        answer: dict[str, Any] = self._get("/v1/anchors", **params)
        return answer

    def get_proof(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        """A proof answer for a state record (value None with a non-membership proof if absent)."""
        answer: dict[str, Any] = self._get(f"/v1/proofs/{_seg(module)}/{_seg(kind)}/{_seg(ident)}")
        return answer

    # --- identity and governance ------------------------------------------------------------------

    def resolve_did(
        self, did: str, version_id: int | None = None, version_time: int | str | None = None
    ) -> dict[str, Any]:
        """Resolve a DID (Universal Resolver shape plus ``proof``); a deactivated DID answers normally
        (the API's 410 carries the resolution, with ``didDocumentMetadata.deactivated`` true)."""
        wanted = {"versionId": version_id, "versionTime": version_time}
        params = {k: v for k, v in wanted.items() if v is not None}
        url = self._url(f"/1.0/identifiers/{_seg(did)}")
        try:
            response = self._http.request("GET", url, params=params or None)
        except httpx.TransportError as exc:
            raise NodeUnreachableError(url, str(exc) or type(exc).__name__) from exc
        if response.status_code == 410:
            answer: dict[str, Any] = response.json()
            return answer
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        found: dict[str, Any] = response.json()
        return found

    def list_trusted_issuers(
        self, credential_type: str | None = None, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of the trusted-issuer registry, optionally of one credential type."""
        params = _page(offset, limit, credential_type=credential_type)
        answer: dict[str, Any] = self._get("/v1/identity/trusted-issuers", **params)
        return answer

    def get_credential(self, credential_id: str, issuer: str | None = None) -> dict[str, Any]:
        """A credential registered on chain with its status."""
        answer: dict[str, Any] = self._get(f"/v1/identity/credentials/{_seg(credential_id)}", issuer=issuer)
        return answer

    def list_members(self, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of consortium members."""
        answer: dict[str, Any] = self._get("/v1/governance/members", **_page(offset, limit))
        return answer

    def list_proposals(self, status: str | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of proposals, newest first."""
        answer: dict[str, Any] = self._get("/v1/governance/proposals", **_page(offset, limit, status=status))
        return answer

    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        """A proposal with its votes and tally."""
        answer: dict[str, Any] = self._get(f"/v1/governance/proposals/{_seg(proposal_id)}")
        return answer

    def verify_vc(
        self, document: dict[str, Any], challenge: str | None = None, domain: str | None = None
    ) -> dict[str, Any]:
        """Verify a credential or presentation against the chain: ``{verified, kind, checks, errors}``."""
        body = {"document": document, "challenge": challenge, "domain": domain}
        content = json.dumps(body).encode()
        answer: dict[str, Any] = self._request("POST", "/v1/vc/verify", content=content).json()
        return answer

    def metrics(self) -> str:
        """The node API's Prometheus metrics text."""
        return self._request("GET", "/metrics").text

    # --- live stream ------------------------------------------------------------------------------

    def stream(self, types: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Yield live items from ``/v1/stream``: ``{"kind": "block", "block": ...}`` and
        ``{"kind": "event", "height", "tx_hash", "event"}``. ``types`` narrows to ``["block"]`` or
        ``["event"]``. Closing the generator (or breaking out of the loop) closes the connection."""
        url = self._url("/v1/stream")
        params = {"types": ",".join(types)} if types else None
        timeout = httpx.Timeout(self.timeout, read=STREAM_READ_TIMEOUT)
        try:
            with self._http.stream("GET", url, params=params, timeout=timeout) as response:
                if response.status_code >= 400:
                    response.read()
                    raise ApiError.from_response(response)
                yield from iter_sse(response.iter_lines())
        except httpx.TransportError as exc:
            raise NodeUnreachableError(url, str(exc) or type(exc).__name__) from exc

    # --- cash ---------------------------------------------------------------------------------------

    def list_cash_tokens(
        self, issuer: str | None = None, currency: str | None = None, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of deposit tokens, optionally of one issuing bank and/or currency."""
        params = _page(offset, limit, issuer=issuer, currency=currency)
        answer: dict[str, Any] = self._get("/v1/cash/tokens", **params)
        return answer

    def get_cash_token(self, token_id: str) -> dict[str, Any]:
        """A deposit token (supply and limits in minor units, ``decimals`` per currency)."""
        answer: dict[str, Any] = self._get(f"/v1/cash/tokens/{_seg(token_id)}")
        return answer

    def list_cash_balances(self, did: str, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of a holder's non-zero balances of every token."""
        answer: dict[str, Any] = self._get(f"/v1/cash/balances/{_seg(did)}", **_page(offset, limit))
        return answer

    def get_cash_balance(self, token_id: str, did: str) -> dict[str, Any]:
        """A holder's balance of one token (0 when none), its freeze and today's spending."""
        answer: dict[str, Any] = self._get(f"/v1/cash/tokens/{_seg(token_id)}/balances/{_seg(did)}")
        return answer

    # --- bonds --------------------------------------------------------------------------------------

    def list_bonds(self, issuer: str | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of bond summaries, optionally of one issuer."""
        answer: dict[str, Any] = self._get("/v1/bonds", **_page(offset, limit, issuer=issuer))
        return answer

    def get_bond(self, bond_id: str) -> dict[str, Any]:
        """A bond with terms, schedule, book, allotments and coupon records."""
        answer: dict[str, Any] = self._get(f"/v1/bonds/{_seg(bond_id)}")
        return answer

    def list_bond_holdings(self, bond_id: str, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of a bond's holdings."""
        answer: dict[str, Any] = self._get(f"/v1/bonds/{_seg(bond_id)}/holdings", **_page(offset, limit))
        return answer

    def list_frameworks(self, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of green-bond frameworks with their reviews."""
        answer: dict[str, Any] = self._get("/v1/bonds/frameworks", **_page(offset, limit))
        return answer

    def get_holder_statement(self, did: str) -> dict[str, Any]:
        """A holder's bond statement: holdings, history, coupons received."""
        answer: dict[str, Any] = self._get(f"/v1/bonds/statements/{_seg(did)}")
        return answer

    def advance_clock(self, ms: int) -> dict[str, Any]:
        """Dev networks only (``dev_clock = 1``): move the node's block clock ``ms`` forward."""
        body = json.dumps({"advance_ms": ms}).encode()
        answer: dict[str, Any] = self._request("POST", "/v1/dev/clock", content=body).json()
        return answer

    # --- impact -------------------------------------------------------------------------------------

    def list_impact_projects(
        self, owner: str | None = None, category: str | None = None, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of green projects, optionally of one owner and/or ICMA category."""
        answer: dict[str, Any] = self._get(
            "/v1/impact/projects", **_page(offset, limit, owner=owner, category=category)
        )
        return answer

    def get_impact_project(self, project_id: str) -> dict[str, Any]:
        """A green project and the bonds that financed it."""
        answer: dict[str, Any] = self._get(f"/v1/impact/projects/{_seg(project_id)}")
        return answer

    def list_impact_reports(self, project_id: str, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of a project's impact reports, oldest first."""
        path = f"/v1/impact/projects/{_seg(project_id)}/reports"
        answer: dict[str, Any] = self._get(path, **_page(offset, limit))
        return answer

    def get_impact_report(self, report_id: str) -> dict[str, Any]:
        """One impact report (``C01-001/R0001``)."""
        answer: dict[str, Any] = self._get(f"/v1/impact/reports/{quote(report_id, safe='/')}")
        return answer

    def get_bond_allocations(self, bond_id: str) -> dict[str, Any]:
        """A bond's use-of-proceeds ledger, totals and unallocated balance."""
        answer: dict[str, Any] = self._get(f"/v1/impact/bonds/{_seg(bond_id)}/allocations")
        return answer

    def get_bond_impact(self, bond_id: str) -> dict[str, Any]:
        """Every verified report's impact split over the bond's holders, with the rounding remainder."""
        answer: dict[str, Any] = self._get(f"/v1/impact/bonds/{_seg(bond_id)}/impact")
        return answer

    def get_holder_impact(self, did: str, bond_id: str | None = None) -> dict[str, Any]:
        """What ``did``'s holdings financed and avoided, with the provable records used (not verified:
        see ``sdk.impact.verified_holder_impact``)."""
        answer: dict[str, Any] = self._get(f"/v1/impact/holders/{_seg(did)}", bond_id=bond_id)
        return answer

    # --- datamobility -------------------------------------------------------------------------------

    def list_data_records(
        self, kind: str, offset: int = 0, limit: int = 50, **filters: str
    ) -> dict[str, Any]:
        """A page of ``assets|consents|filings|requests|grants|fingerprints``, filtered on equal fields."""
        answer: dict[str, Any] = self._get(
            f"/v1/datamobility/{_seg(kind)}", **_page(offset, limit, **filters)
        )
        return answer

    def get_data_record(self, kind: str, ident: str) -> dict[str, Any]:
        """One data-mobility record (a consent carries ``status_now``)."""
        answer: dict[str, Any] = self._get(f"/v1/datamobility/{_seg(kind)}/{_seg(ident)}")
        return answer

    def check_document(self, fingerprint_id: str, presented_hash: str) -> dict[str, Any]:
        """Read-only check of a document hash against an anchored fingerprint: ``{match, reason, …}``."""
        path = f"/v1/datamobility/fingerprints/{_seg(fingerprint_id)}/check"
        answer: dict[str, Any] = self._get(path, hash=presented_hash)
        return answer

    def get_access_log(self, offset: int = 0, limit: int = 50, **filters: str) -> dict[str, Any]:
        """A page of the data-mobility access log with ``chain_intact``."""
        answer: dict[str, Any] = self._get("/v1/datamobility/audit", **_page(offset, limit, **filters))
        return answer

    def export_access_log(self, fmt: str = "csv") -> str:
        """The whole access log as CSV or JSON text."""
        return self._request("GET", "/v1/datamobility/audit/export", params={"format": fmt}).text

    def get_subject_view(self, did: str) -> dict[str, Any]:
        """A data subject's consents, recipients, purposes, transfers and log entries."""
        answer: dict[str, Any] = self._get(f"/v1/datamobility/subjects/{_seg(did)}")
        return answer


def iter_sse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Parse SSE lines into the JSON ``data`` of each event; comments (keepalives) are skipped."""
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield json.loads("\n".join(data))
                data = []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    # an event not terminated by a blank line is incomplete and dropped, as the SSE spec says
