"""The SDK client against the real API app (through ``TestClient``) and against failing transports."""

from __future__ import annotations

import hashlib
import json
import queue
import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bayledger.api.app import create_app
from bayledger.core.errors import MalformedTxError, NonceTooLowError
from bayledger.node.service import NotFoundError, TimeoutWaitingError
from bayledger.sdk.client import ApiError, Client, NodeUnreachableError, iter_sse

ALICE = "did:bid:efAlice"

# Commit waits and streams pass per-request timeouts, which Starlette's TestClient ignores (and says so).
pytestmark = pytest.mark.filterwarnings("ignore:You should not use the 'timeout' argument")


class Sub:
    """Subscription preloaded with items; then it only times out."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items: queue.Queue[dict[str, Any]] = queue.Queue()
        for item in items:
            self.items.put(item)
        self.closed = False

    def get(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self.items.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.closed = True


class Node:
    """Minimal NodeService: commits every accepted tx at once, enforces nonces, records list calls."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}
        self.nonce = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commit = True
        self.feed: list[dict[str, Any]] = []
        self.subs: list[Sub] = []
        self.lock = threading.Lock()

    def status(self) -> dict[str, Any]:
        return {"chain_id": "hk-1", "latest_height": len(self.results), "mempool_size": 0}

    def submit_tx(self, raw: bytes) -> dict[str, Any]:
        try:
            tx = json.loads(raw)
        except ValueError as exc:
            raise MalformedTxError("not JSON") from exc
        if tx["nonce"] < self.nonce:
            raise NonceTooLowError(ALICE, self.nonce, tx["nonce"])
        tx_hash = hashlib.sha256(raw).hexdigest()
        if self.commit:
            with self.lock:
                self.nonce = tx["nonce"] + 1
                self.results[tx_hash] = {
                    "hash": tx_hash,
                    "height": len(self.results) + 1,
                    "index": 0,
                    "code": 0,
                    "codespace": "",
                    "log": "",
                    "events": [],
                    "signer": ALICE,
                    "nonce": tx["nonce"],
                    "tx": tx,
                }
        return {"hash": tx_hash}

    def wait_for_tx(self, tx_hash: str, timeout: float) -> dict[str, Any]:
        if tx_hash not in self.results:
            raise TimeoutWaitingError(f"tx {tx_hash} not committed within {timeout}s")
        return self.results[tx_hash]

    def get_tx(self, tx_hash: str) -> dict[str, Any]:
        if tx_hash not in self.results:
            raise NotFoundError(f"tx {tx_hash} not found")
        return self.results[tx_hash]

    def _record(self, name: str, **kwargs: Any) -> dict[str, Any]:
        self.calls.append((name, kwargs))
        return {"items": [], "total": 0, "offset": kwargs.get("offset"), "limit": kwargs.get("limit")}

    def list_txs(self, **kw: Any) -> dict[str, Any]:
        return self._record("list_txs", **kw)

    def list_blocks(self, **kw: Any) -> dict[str, Any]:
        return self._record("list_blocks", **kw)

    def search_events(self, **kw: Any) -> dict[str, Any]:
        return self._record("search_events", **kw)

    def list_anchors(self, **kw: Any) -> dict[str, Any]:
        return self._record("list_anchors", **kw)

    def get_block(self, ref: str | int) -> dict[str, Any]:
        return {"header": {"height": ref}, "hash": "aa", "txs": [], "signatures": []}

    def get_account(self, did: str) -> dict[str, Any]:
        return {"did": did, "signers": [], "threshold": 1, "nonce": self.nonce}

    def get_anchor(self, anchor_id: str) -> dict[str, Any]:
        raise NotFoundError(f"anchor {anchor_id} not found")

    def prove(self, module: str, kind: str, ident: str) -> dict[str, Any]:
        return {"height": 1, "key": ident, "value": None}

    def genesis(self) -> dict[str, Any]:
        return {"chain_id": "hk-1"}

    def check_invariants(self) -> dict[str, Any]:
        return {"ok": True, "broken": []}

    def subscribe(self) -> Sub:
        self.subs.append(Sub(self.feed))
        return self.subs[-1]


def raw_tx(nonce: int) -> bytes:
    return b'{"signer": "%s", "nonce": %d}' % (ALICE.encode(), nonce)


@pytest.fixture
def node() -> Node:
    return Node()


@pytest.fixture
def sdk(node: Node) -> Client:
    app = create_app(node, keepalive_seconds=0.05, poll_seconds=0.01)
    return Client("http://testserver", http=TestClient(app))


def test_submit_wait_and_no_wait(sdk: Client, node: Node) -> None:
    result = sdk.submit(raw_tx(0))
    assert (result["code"], result["nonce"], result["height"]) == (0, 0, 1)
    assert sdk.get_tx(result["hash"]) == result
    accepted = sdk.submit(raw_tx(1), wait=False)
    assert accepted == {"hash": hashlib.sha256(raw_tx(1)).hexdigest()}


def test_rejection_raises_api_error_with_codes(sdk: Client) -> None:
    sdk.submit(raw_tx(0))
    with pytest.raises(ApiError) as info:
        sdk.submit(raw_tx(0) + b" ")
    err = info.value
    assert (err.status, err.codespace, err.code, err.title) == (400, "tx", 8, "NonceTooLowError")
    assert "next nonce is 1" in err.detail
    assert "[tx/8]" in str(err)
    with pytest.raises(ApiError) as info:
        sdk.submit(b"garbage")
    assert (info.value.codespace, info.value.code) == ("tx", 2)


def test_wait_timeout_error_names_the_tx(sdk: Client, node: Node) -> None:
    node.commit = False
    with pytest.raises(ApiError) as info:
        sdk.submit(raw_tx(0), timeout=0.1)
    err = info.value
    assert (err.status, err.codespace, err.code) == (504, "node", 408)
    assert err.body["hash"] == hashlib.sha256(raw_tx(0)).hexdigest()


def test_not_found_and_validation(sdk: Client) -> None:
    with pytest.raises(ApiError) as info:
        sdk.get_tx("ff" * 32)
    assert (info.value.status, info.value.codespace, info.value.code) == (404, "node", 404)
    with pytest.raises(ApiError) as info:
        sdk.get_anchor("a-1")
    assert info.value.title == "NotFoundError"
    with pytest.raises(ApiError) as info:
        sdk.list_blocks(limit=501)
    assert (info.value.status, info.value.codespace, info.value.code) == (400, "api", 1)


def test_list_calls_send_filters_and_paging(sdk: Client, node: Node) -> None:
    sdk.list_txs(account=ALICE, offset=5, limit=7)
    sdk.list_blocks(offset=1, limit=2)
    sdk.search_events(event_type="anchor/EventCreateAnchor", attribute="owner", value=ALICE)
    sdk.list_anchors(content_hash="beef")
    assert node.calls == [
        ("list_txs", {"account": ALICE, "offset": 5, "limit": 7}),
        ("list_blocks", {"offset": 1, "limit": 2}),
        (
            "search_events",
            {
                "event_type": "anchor/EventCreateAnchor",
                "attribute": "owner",
                "value": ALICE,
                "offset": 0,
                "limit": 50,
            },
        ),
        ("list_anchors", {"owner": None, "content_hash": "beef", "offset": 0, "limit": 50}),
    ]


def test_reads(sdk: Client) -> None:
    assert sdk.status()["chain_id"] == "hk-1"
    assert sdk.health() == {"status": "ok", "height": 0}
    assert sdk.genesis() == {"chain_id": "hk-1"}
    assert sdk.invariants()["ok"] is True
    assert sdk.get_block(7)["header"]["height"] == 7
    assert sdk.get_block()["header"]["height"] == "latest"
    assert sdk.get_account(ALICE)["did"] == ALICE
    assert sdk.get_proof("accounts", "account", ALICE)["key"] == ALICE
    assert "bayledger_http_requests_total" in sdk.metrics()


def test_relative_base_url_uses_the_http_clients_base(node: Node) -> None:
    sdk = Client("", http=TestClient(create_app(node)))
    assert sdk.status()["chain_id"] == "hk-1"


def test_stream_yields_node_items(sdk: Client, node: Node) -> None:
    node.feed = [
        {"kind": "block", "block": {"hash": "aa"}},
        {"kind": "event", "height": 1, "tx_hash": "bb", "event": {"type": "t"}},
    ]
    stream = sdk.stream()
    items = [next(stream), next(stream)]
    stream.close()
    assert items == node.feed
    assert node.subs[0].closed


def test_stream_filter_and_errors(sdk: Client, node: Node) -> None:
    event = {"kind": "event", "height": 1, "tx_hash": "bb", "event": {"type": "t"}}
    node.feed = [{"kind": "block", "block": {"hash": "aa"}}, event, {"kind": "block", "block": {}}, event]
    stream = sdk.stream(types=["event"])
    assert [next(stream), next(stream)] == [event, event]
    stream.close()
    with pytest.raises(ApiError) as info:
        next(sdk.stream(types=["nonsense"]))
    assert (info.value.status, info.value.codespace, info.value.code) == (400, "api", 1)
    full = Client("http://testserver", http=TestClient(create_app(node, max_streams=0)))
    with pytest.raises(ApiError) as info:
        next(full.stream())
    assert (info.value.status, info.value.codespace, info.value.code) == (503, "api", 8)


def test_unreachable_node_names_the_url() -> None:
    with Client("http://127.0.0.1:1", timeout=2) as sdk, pytest.raises(NodeUnreachableError) as info:
        sdk.status()
    assert "http://127.0.0.1:1/v1/status" in str(info.value)


def test_non_problem_error_body() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(502, text="<html>bad gateway</html>"))
    sdk = Client("http://proxy", http=httpx.Client(transport=transport))
    with pytest.raises(ApiError) as info:
        sdk.status()
    assert (info.value.status, info.value.codespace, info.value.code) == (502, "http", 502)
    assert "bad gateway" in info.value.detail


def test_iter_sse_parsing() -> None:
    lines = [
        ": connected",
        "",
        "event: block",
        'data: {"a":',
        "data: 1}",
        "",
        ": keepalive",
        "",
        'data:{"b":2}',
        "",
        'data: {"cut": true}',
    ]
    assert list(iter_sse(iter(lines))) == [{"a": 1}, {"b": 2}]
