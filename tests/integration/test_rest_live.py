"""REST details of a real node: problem+json errors, OpenAPI, health, metrics and the SSE stream."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import httpx
import pytest
from nodeproc import Zone
from prometheus_client.parser import text_string_to_metric_families

from bayledger.sdk import builders
from bayledger.sdk.wallet import Wallet

pytestmark = pytest.mark.integration


def _problem(response: httpx.Response, status: int, codespace: str, code: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["codespace"], body["code"]) == (status, codespace, code)
    assert body["type"] == f"https://bayledger.dev/errors/{codespace}/{code}"
    assert body["title"] and body["detail"]
    return body


def test_bad_transactions_are_problems_with_codespace_and_code(zone: Zone) -> None:
    url = zone.url
    alice = Wallet(zone.client, [zone.key("alice")])
    malformed = httpx.post(
        f"{url}/v1/txs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert _problem(malformed, 400, "tx", 2)["title"] == "MalformedTxError"

    good = alice.sign([builders.create_anchor(alice.did, "ab" * 32)])
    tx = json.loads(good)
    signature = base64.b64decode(tx["signatures"][0]["signature"])
    tx["signatures"][0]["signature"] = base64.b64encode(bytes([signature[0] ^ 1]) + signature[1:]).decode()
    forged = httpx.post(f"{url}/v1/txs", content=json.dumps(tx).encode())
    _problem(forged, 400, "tx", 5)

    committed = httpx.post(f"{url}/v1/txs", params={"wait": "commit"}, content=good, timeout=20)
    assert committed.status_code == 200 and committed.json()["code"] == 0
    duplicate = httpx.post(f"{url}/v1/txs", content=good)
    assert "already committed" in _problem(duplicate, 409, "tx", 16)["detail"]
    replay = alice.sign([builders.create_anchor(alice.did, "cd" * 32)], nonce=1)
    _problem(httpx.post(f"{url}/v1/txs", content=replay), 400, "tx", 8)

    other_chain = json.loads(good)
    other_chain["body"]["chain_id"] = "another-zone-1"
    _problem(httpx.post(f"{url}/v1/txs", content=json.dumps(other_chain).encode()), 400, "tx", 4)
    _problem(httpx.get(f"{url}/v1/txs/{'00' * 32}"), 404, "node", 404)
    _problem(httpx.get(f"{url}/v1/blocks", params={"limit": 501}), 400, "api", 1)
    _problem(httpx.get(f"{url}/v1/nowhere"), 404, "api", 2)


def test_openapi_health_and_metrics(zone: Zone) -> None:
    url = zone.url
    spec = httpx.get(f"{url}/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in ("/v1/txs", "/v1/txs/{tx_hash}", "/v1/blocks/{height_or_hash}", "/v1/events", "/v1/stream"):
        assert path in paths, path
    assert "application/problem+json" in paths["/v1/txs/{tx_hash}"]["get"]["responses"]["404"]["content"]
    # outside /v1: probes, and the DID resolver at the path the Universal Resolver defines
    assert {p for p in paths if not p.startswith("/v1/")} == {"/health", "/metrics", "/1.0/identifiers/{did}"}

    Wallet(zone.client, [zone.key("bob")]).send(builders.create_anchor(zone.key("bob").did(), "ef" * 32))
    height = zone.client.status()["latest_height"]
    assert height >= 1
    assert httpx.get(f"{url}/health").json() == {"status": "ok", "height": height}
    metrics = httpx.get(f"{url}/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(metrics.text)
        for sample in family.samples
    }
    assert samples["bayledger_block_height"] == height
    assert samples["bayledger_mempool_size"] == 0
    assert samples["bayledger_txs_submitted_total"] >= 1


def test_sse_stream_delivers_the_next_block_and_its_events(zone: Zone) -> None:
    url = zone.url
    bob = Wallet(zone.client, [zone.key("bob")])
    content_hash = "5e" * 32
    frames: list[tuple[str, dict[str, Any]]] = []
    connected = threading.Event()
    deadline = time.monotonic() + 20

    def read() -> None:
        timeout = httpx.Timeout(5.0, read=10.0)
        with httpx.stream("GET", f"{url}/v1/stream", timeout=timeout) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            event = ""
            for line in response.iter_lines():
                if line == ": connected":
                    connected.set()
                elif line.startswith("event: "):
                    event = line[len("event: ") :]
                elif line.startswith("data: "):
                    frames.append((event, json.loads(line[len("data: ") :])))
                    if any(f[0] == "ledger-event" for f in frames) or time.monotonic() > deadline:
                        return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert connected.wait(10), "the stream did not open"
    result = bob.send(builders.create_anchor(bob.did, content_hash))
    reader.join(timeout=20)
    assert not reader.is_alive(), f"no event arrived; frames so far: {frames}"
    blocks = [data for name, data in frames if name == "block"]
    events = [data for name, data in frames if name == "ledger-event"]
    assert any(result["hash"] in b["block"]["txs"] for b in blocks)
    block = next(b["block"] for b in blocks if result["hash"] in b["block"]["txs"])
    assert block["header"]["height"] == result["height"]
    assert events[0]["tx_hash"] == result["hash"] and events[0]["height"] == result["height"]
    assert events[0]["event"]["content_hash"] == content_hash
    assert events[0]["event"]["type"] == "anchor/EventCreateAnchor"
