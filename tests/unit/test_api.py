"""REST API behaviour against an in-test node that implements ``NodeService`` with real semantics."""

from __future__ import annotations

import hashlib
import json
import queue
import threading
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

import bayledger
from bayledger.api.app import create_app
from bayledger.core.errors import DuplicateTxError, MalformedTxError, MempoolFullError, NonceTooLowError
from bayledger.node.service import NotFoundError, TimeoutWaitingError

ALICE = "did:bid:efAlice"


class FakeSubscription:
    """Queue-backed subscription; records whether it was closed."""

    def __init__(self, preload: list[dict[str, Any]]) -> None:
        self.items: queue.Queue[dict[str, Any]] = queue.Queue()
        self.closed = threading.Event()
        list(map(self.items.put, preload))

    def get(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self.items.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.closed.set()


class FakeNode:
    """A tiny in-memory node: mempool, blocks, nonces, events, subscriptions; raises the real errors."""

    def __init__(self, *, autocommit: float | None = None, mempool_cap: int = 100) -> None:
        self.autocommit, self.mempool_cap, self.cond = autocommit, mempool_cap, threading.Condition()
        self.raw_seen: list[bytes] = []  # exactly what submit_tx received
        self.block_refs: list[str | int] = []  # what get_block received
        self.calls: list[tuple[str, dict[str, Any]]] = []  # list calls and their filters
        self.mempool: dict[str, dict[str, Any]] = {}
        self.results: dict[str, dict[str, Any]] = {}
        self.blocks: list[dict[str, Any]] = []
        self.nonces: dict[str, int] = {}
        self.subs: list[FakeSubscription] = []
        self.preload: list[dict[str, Any]] = []  # items every new subscription starts with

    def status(self) -> dict[str, Any]:
        return dict(chain_id="hk-1", latest_height=len(self.blocks), mempool_size=len(self.mempool))

    def submit_tx(self, raw: bytes) -> dict[str, Any]:
        self.raw_seen.append(raw)
        try:
            tx = json.loads(raw)
        except ValueError as exc:
            raise MalformedTxError("not JSON") from exc
        tx_hash = hashlib.sha256(raw).hexdigest()
        with self.cond:
            if tx_hash in self.mempool or tx_hash in self.results:
                raise DuplicateTxError(f"tx {tx_hash} already known")
            if len(self.mempool) >= self.mempool_cap:
                raise MempoolFullError("mempool is full")
            expected = self.nonces.get(tx["signer"], 0)
            if tx["nonce"] < expected:
                raise NonceTooLowError(tx["signer"], expected, tx["nonce"])
            self.mempool[tx_hash] = tx
        if self.autocommit is not None:
            threading.Timer(self.autocommit, self.produce_block).start()
        return {"hash": tx_hash}

    def wait_for_tx(self, tx_hash: str, timeout: float) -> dict[str, Any]:
        with self.cond:
            if not self.cond.wait_for(lambda: tx_hash in self.results, timeout):
                raise TimeoutWaitingError(f"not committed within {timeout}s")
            return self.results[tx_hash]

    def produce_block(self) -> dict[str, Any] | None:
        with self.cond:
            if not self.mempool:
                return None
            height = len(self.blocks) + 1
            header = {"chain_id": "hk-1", "height": height}
            block = dict(header=header, hash=f"{height:064x}", txs=list(self.mempool), signatures=[])
            for index, (tx_hash, tx) in enumerate(self.mempool.items()):
                failed = bool(tx.get("fail"))
                events = [] if failed else [{"type": "anchor/EventCreateAnchor", "owner": tx["signer"]}]
                self.results[tx_hash] = dict(
                    hash=tx_hash, height=height, index=index, code=3 if failed else 0,
                    codespace="msg" if failed else "", log="", events=events, signer=tx["signer"],
                    nonce=tx["nonce"], tx=tx)  # fmt: skip
                self.nonces[tx["signer"]] = tx["nonce"] + 1
            self.mempool.clear()
            self.blocks.append(block)
            self.cond.notify_all()
        for sub in self.subs:
            sub.items.put({"kind": "block", "block": block})
        return block

    def get_tx(self, tx_hash: str) -> dict[str, Any]:
        if tx_hash not in self.results:
            raise NotFoundError(f"tx {tx_hash} not found")
        return self.results[tx_hash]

    def _page(self, items: list[Any], offset: int, limit: int) -> dict[str, Any]:
        return dict(items=items[offset : offset + limit], total=len(items), offset=offset, limit=limit)

    def list_txs(self, *, account: str | None, offset: int, limit: int) -> dict[str, Any]:
        self.calls.append(("list_txs", {"account": account, "offset": offset, "limit": limit}))
        items = [r for r in reversed(self.results.values()) if account in (None, r["signer"])]
        return self._page(items, offset, limit)

    def get_block(self, ref: str | int) -> dict[str, Any]:
        self.block_refs.append(ref)
        for block in self.blocks[-1:] if ref == "latest" else self.blocks:
            if ref in ("latest", block["header"]["height"], block["hash"]):
                return block
        raise NotFoundError(f"block {ref} not found")

    def list_blocks(self, *, offset: int, limit: int) -> dict[str, Any]:
        return self._page(list(reversed(self.blocks)), offset, limit)

    def search_events(
        self, *, event_type: str | None, attribute: str | None, value: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        hits = [
            {"height": r["height"], "tx_hash": r["hash"], "index": i, "event": e}
            for r in self.results.values()
            for i, e in enumerate(r["events"])
            if event_type in (None, e["type"]) and (attribute is None or e.get(attribute) == value)
        ]
        return self._page(hits, offset, limit)

    def get_account(self, did: str) -> dict[str, Any]:
        if did != ALICE:
            raise NotFoundError(f"account {did} not found")
        return {"did": did, "signers": [], "threshold": 1, "nonce": self.nonces.get(did, 0)}

    def get_anchor(self, anchor_id: str) -> dict[str, Any]:
        raise NotFoundError(f"anchor {anchor_id} not found")  # FakeNode keeps no anchors

    def list_anchors(
        self, *, owner: str | None, content_hash: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        self.calls.append(("list_anchors", {"owner": owner, "content_hash": content_hash}))
        return self._page([], offset, limit)

    def prove(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        key = f"{module}/{kind}/{ident}".encode().hex()
        return dict(height=len(self.blocks), key=key, value=None, value_raw=None, proof={})

    def genesis(self) -> dict[str, Any]:
        return {"chain_id": "hk-1", "validators": []}

    def subscribe(self) -> FakeSubscription:
        self.subs.append(FakeSubscription(self.preload))
        return self.subs[-1]

    def check_invariants(self) -> dict[str, Any]:
        return {"ok": True, "broken": []}


def tx_bytes(nonce: int = 0, **extra: Any) -> bytes:
    """Signed-tx-like bytes with deliberate spacing and key order (must reach the node unchanged)."""
    return json.dumps({"nonce": nonce, "signer": ALICE, **extra}, indent=1).encode()


@pytest.fixture
def node() -> FakeNode:
    return FakeNode(autocommit=0.01)


@pytest.fixture
def client(node: FakeNode) -> TestClient:
    return TestClient(create_app(node, keepalive_seconds=0.05, poll_seconds=0.01))


def assert_problem(resp: httpx.Response, status: int, codespace: str, code: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    body = resp.json()
    assert body["status"] == status
    assert (body["codespace"], body["code"]) == (codespace, code)
    assert body["type"] == f"https://bayledger.dev/errors/{codespace}/{code}"
    assert body["title"] and body["detail"]
    assert "Traceback" not in resp.text
    return body


def test_submit_returns_202_and_passes_bytes_unchanged(client: TestClient, node: FakeNode) -> None:
    raw = tx_bytes(0)
    resp = client.post("/v1/txs", content=raw)
    assert resp.status_code == 202
    tx_hash = hashlib.sha256(raw).hexdigest()
    assert resp.json() == {"hash": tx_hash}
    assert resp.headers["location"] == f"/v1/txs/{tx_hash}"
    assert node.raw_seen == [raw]


def test_submit_wait_commit_returns_result(client: TestClient) -> None:
    resp = client.post("/v1/txs?wait=commit&timeout=5", content=tx_bytes(0))
    assert resp.status_code == 200
    body = resp.json()
    assert (body["height"], body["code"], body["signer"]) == (1, 0, ALICE)
    assert client.get(f"/v1/txs/{body['hash']}").json() == body
    # a committed tx whose message failed is still a 200 carrying the failure code
    resp = client.post("/v1/txs", params={"wait": "commit"}, content=tx_bytes(1, fail=True))
    assert (resp.status_code, resp.json()["code"], resp.json()["codespace"]) == (200, 3, "msg")


def test_wait_timeout_is_504_with_hash() -> None:
    client = TestClient(create_app(FakeNode(autocommit=None)))
    raw = tx_bytes(0)
    body = assert_problem(client.post("/v1/txs?wait=commit&timeout=0.05", content=raw), 504, "node", 408)
    tx_hash = hashlib.sha256(raw).hexdigest()
    assert tx_hash in body["detail"] and body["hash"] == tx_hash
    assert "bayledger_tx_wait_timeouts_total 1.0" in client.get("/metrics").text


def test_rejections_map_to_statuses(client: TestClient, node: FakeNode) -> None:
    assert_problem(client.post("/v1/txs", content=b"{not json"), 400, "tx", 2)
    client.post("/v1/txs?wait=commit", content=tx_bytes(0))
    body = assert_problem(client.post("/v1/txs", content=tx_bytes(0)), 409, "tx", 16)
    assert body["title"] == "DuplicateTxError"
    replay = tx_bytes(0, memo="other bytes, same nonce")
    body = assert_problem(client.post("/v1/txs", content=replay), 400, "tx", 8)
    assert body["title"] == "NonceTooLowError" and "next nonce is 1" in body["detail"]
    node.mempool_cap, node.autocommit = 0, None
    resp = client.post("/v1/txs", content=tx_bytes(1))
    assert_problem(resp, 429, "tx", 17)
    assert resp.headers["retry-after"] == "1"


def test_not_found_unknown_routes_and_body_limit(client: TestClient) -> None:
    assert_problem(client.get("/v1/txs/" + "ab" * 32), 404, "node", 404)
    assert_problem(client.get("/v1/anchors/a1"), 404, "node", 404)
    assert_problem(client.get("/v1/accounts/did:bid:efNobody"), 404, "node", 404)
    assert_problem(client.get("/v1/nowhere"), 404, "api", 2)
    assert_problem(client.delete("/v1/txs"), 405, "api", 3)
    small = TestClient(create_app(FakeNode(), max_body_bytes=64))
    assert "64" in assert_problem(small.post("/v1/txs", content=b" " * 65), 413, "api", 6)["detail"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=abc"])
@pytest.mark.parametrize("path", ["/v1/txs", "/v1/blocks", "/v1/events", "/v1/anchors"])
def test_paging_bounds_are_400(client: TestClient, path: str, query: str) -> None:
    body = assert_problem(client.get(f"{path}?{query}"), 400, "api", 1)
    assert body["title"] == "InvalidRequest"
    assert "query." in body["detail"]


@pytest.mark.parametrize("query", ["wait=maybe", "timeout=61", "timeout=0"])
def test_submit_query_validation(client: TestClient, query: str) -> None:
    assert_problem(client.post(f"/v1/txs?{query}", content=tx_bytes(0)), 400, "api", 1)


def test_lists_pass_paging_and_filters(client: TestClient, node: FakeNode) -> None:
    for nonce in range(3):
        client.post("/v1/txs?wait=commit", content=tx_bytes(nonce))
    page = client.get("/v1/txs", params={"account": ALICE, "offset": 1, "limit": 500}).json()
    assert (page["total"], page["offset"], page["limit"], len(page["items"])) == (3, 1, 500, 2)
    assert [item["nonce"] for item in page["items"]] == [1, 0]
    assert node.calls[-1] == ("list_txs", {"account": ALICE, "offset": 1, "limit": 500})
    assert client.get("/v1/txs").json()["limit"] == 50
    blocks = client.get("/v1/blocks?limit=2").json()
    assert [b["header"]["height"] for b in blocks["items"]] == [3, 2]
    hits = client.get(
        "/v1/events", params={"type": "anchor/EventCreateAnchor", "attribute": "owner", "value": ALICE}
    ).json()
    assert hits["total"] == 3
    assert_problem(client.get("/v1/events?attribute=owner"), 400, "api", 1)
    client.get("/v1/anchors", params={"owner": ALICE, "content_hash": "beef"})
    assert node.calls[-1] == ("list_anchors", {"owner": ALICE, "content_hash": "beef"})


def test_reads(client: TestClient, node: FakeNode) -> None:
    client.post("/v1/txs?wait=commit", content=tx_bytes(0))
    assert client.get("/v1/blocks/1").json()["header"]["height"] == 1
    assert client.get("/v1/blocks/latest").json()["header"]["height"] == 1
    assert client.get(f"/v1/blocks/{1:064x}").json()["header"]["height"] == 1
    assert_problem(client.get("/v1/blocks/9"), 404, "node", 404)
    assert node.block_refs == [1, "latest", f"{1:064x}", 9]
    assert client.get(f"/v1/accounts/{ALICE}").json()["did"] == ALICE
    proof = client.get(f"/v1/proofs/accounts/account/{ALICE}").json()
    assert proof["value"] is None and bytes.fromhex(proof["key"]).decode() == f"accounts/account/{ALICE}"
    versioned = client.get(f"/v1/proofs/identity/did-version/{ALICE}/2").json()  # an ident with a "/"
    assert bytes.fromhex(versioned["key"]).decode() == f"identity/did-version/{ALICE}/2"
    assert client.get("/v1/status").json()["chain_id"] == "hk-1"
    assert client.get("/v1/genesis").json()["chain_id"] == "hk-1"
    assert client.get("/v1/invariants").json() == {"ok": True, "broken": []}
    assert client.get("/health").json() == {"status": "ok", "height": 1}


def test_health_503_and_500_without_traceback() -> None:
    class Broken(FakeNode):
        def status(self) -> dict[str, Any]:
            raise RuntimeError("db exploded at /secret/path")

        def genesis(self) -> dict[str, Any]:
            raise RuntimeError("db exploded at /secret/path")

    client = TestClient(create_app(Broken()), raise_server_exceptions=False)
    assert_problem(client.get("/health"), 503, "api", 7)
    resp = client.get("/v1/genesis")
    assert_problem(resp, 500, "api", 5)
    assert "secret" not in resp.text
    assert 'route="/v1/genesis",status="500"} 1.0' in client.get("/metrics").text


def test_metrics_counts(client: TestClient) -> None:
    client.post("/v1/txs?wait=commit", content=tx_bytes(0))
    client.post("/v1/txs", content=tx_bytes(0))  # duplicate
    client.post("/v1/txs", content=b"nope")
    client.get("/v1/txs/" + "00" * 32)
    client.get("/v1/nowhere")
    text = client.get("/metrics").text
    assert "bayledger_txs_submitted_total 1.0" in text
    assert 'bayledger_txs_rejected_total{code="16",codespace="tx"} 1.0' in text
    assert 'bayledger_txs_rejected_total{code="2",codespace="tx"} 1.0' in text
    assert 'bayledger_txs_committed_total{code="0"} 1.0' in text
    assert "bayledger_tx_commit_seconds_count 1.0" in text
    assert "bayledger_block_height 1.0" in text
    assert "bayledger_mempool_size 0.0" in text
    assert 'bayledger_http_requests_total{method="POST",route="/v1/txs",status="409"} 1.0' in text
    assert 'bayledger_http_requests_total{method="GET",route="/v1/txs/{tx_hash}",status="404"} 1.0' in text
    assert 'bayledger_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    # every app has its own registry: a second app in the same process starts from zero
    other = TestClient(create_app(FakeNode())).get("/metrics").text
    assert "bayledger_txs_submitted_total 0.0" in other


def test_sse_framing_keepalive_and_close(client: TestClient, node: FakeNode) -> None:
    block = {"header": {"height": 1}, "hash": "aa", "txs": [], "signatures": []}
    event = {"kind": "event", "height": 1, "tx_hash": "bb", "event": {"type": "anchor/EventCreateAnchor"}}
    node.preload = [{"kind": "block", "block": block}, event]
    lines: list[str] = []
    with client.stream("GET", "/v1/stream") as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            lines.append(line)
            if line == ": keepalive":
                break
    compact = {"separators": (",", ":")}
    assert lines[:8] == [
        ": connected", "",
        "event: block", "data: " + json.dumps({"kind": "block", "block": block}, **compact), "",
        "event: ledger-event", "data: " + json.dumps(event, **compact), "",
    ]  # fmt: skip
    assert lines[-1] == ": keepalive"
    assert node.subs[0].closed.wait(2.0), "subscription not closed after disconnect"


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "bayledger"
    assert spec["info"]["version"] == bayledger.__version__
    expected = (
        "/v1/txs /v1/txs/{tx_hash} /v1/blocks /v1/blocks/{height_or_hash} /v1/events /v1/accounts/{did} "
        "/v1/anchors /v1/anchors/{anchor_id} /v1/proofs/{module}/{kind}/{ident} /v1/status /v1/genesis "
        "/v1/invariants /v1/validators /v1/stream /health /metrics /1.0/identifiers/{did} "
        "/v1/identity/trusted-issuers "
        "/v1/identity/credentials/{credential_id} /v1/governance/members /v1/governance/proposals "
        "/v1/governance/proposals/{proposal_id} /v1/vc/verify /v1/vc/status-lists/{list_id} "
        "/v1/cash/tokens /v1/cash/tokens/{token_id} /v1/cash/tokens/{token_id}/balances/{did} "
        "/v1/cash/balances/{did} /v1/dev/clock /v1/bonds /v1/bonds/frameworks /v1/bonds/{bond_id} "
        "/v1/bonds/{bond_id}/holdings /v1/bonds/statements/{did}"
        " /v1/impact/projects /v1/impact/projects/{project_id} /v1/impact/projects/{project_id}/reports"
        " /v1/impact/reports/{report_id} /v1/impact/bonds/{bond_id}/allocations"
        " /v1/impact/bonds/{bond_id}/impact /v1/impact/holders/{did}"
        " /v1/carbon/registry /v1/carbon/batches /v1/carbon/batches/{batch_id}"
        " /v1/carbon/batches/{batch_id}/serials/{serial} /v1/carbon/supply /v1/carbon/balances/{did}"
        " /v1/carbon/retirements /v1/carbon/retirements/{retirement_id} /v1/carbon/export/{kind}.csv"
        " /v1/claims /v1/claims/{claim_id}"
        " /v1/datamobility/audit /v1/datamobility/audit/export /v1/datamobility/subjects/{did}"
        " /v1/datamobility/fingerprints/{fingerprint_id}/check /v1/datamobility/{kind}"
        " /v1/datamobility/{kind}/{ident}"
    )
    assert set(spec["paths"]) == set(expected.split())
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert op.get("summary"), f"{method} {path} lacks a summary"
            assert "200" in op["responses"] or "202" in op["responses"]
            assert "422" not in op["responses"]
    bad = spec["paths"]["/v1/txs"]["post"]["responses"]["409"]["content"]
    assert bad["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
    assert client.get("/docs").status_code == 200


def test_waiting_does_not_block_the_event_loop() -> None:
    """A request waiting for a commit (0.5 s away) must not hold up a health check sent after it."""
    app, finished = create_app(FakeNode(autocommit=0.5)), []

    async def call(method: str, url: str, delay: float, label: str) -> None:
        await anyio.sleep(delay)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            resp = await http.request(method, url, content=tx_bytes(0) if method == "POST" else None)
        assert resp.status_code == 200
        finished.append(label)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(call, "POST", "/v1/txs?wait=commit", 0.0, "commit")
            tg.start_soon(call, "GET", "/health", 0.05, "health")

    anyio.run(main)
    assert finished == ["health", "commit"]
