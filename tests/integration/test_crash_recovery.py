"""kill -9 recovery: a node killed at arbitrary moments under a steady stream of txs loses nothing committed
and never keeps half a block."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from nodeproc import PASSPHRASE, NodeProcess, run_cli_json

from bayledger.keyring import Keyring
from bayledger.keys import SigningKey
from bayledger.sdk import builders

pytestmark = pytest.mark.integration

SENDERS = ("s0:ed25519", "s1:ed25519", "s2:ed25519", "s3:sm2")
KILLS = 3


@dataclass
class Ledger:
    """What the API told the clients: every tx it reported committed, with its result."""

    committed: dict[str, dict[str, Any]] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def max_height(self) -> int:
        with self.lock:
            return max((r["height"] for r in self.committed.values()), default=0)

    def count(self) -> int:
        with self.lock:
            return len(self.committed)


class Sender(threading.Thread):
    """Signs and submits anchors (every fifth one a repeat that fails with anchor/3) with wait=commit."""

    def __init__(
        self, url: str, chain_id: str, key: SigningKey, ledger: Ledger, stop: threading.Event
    ) -> None:
        super().__init__(daemon=True)
        self.url, self.chain_id, self.key, self.ledger, self.stop = url, chain_id, key, ledger, stop
        self.did = key.did()

    def _nonce(self, http: httpx.Client) -> int | None:
        try:
            answer = http.get(f"{self.url}/v1/accounts/{self.did}")
        except httpx.TransportError:
            return None
        return int(answer.json()["nonce"]) + 1 if answer.status_code == 200 else None

    def run(self) -> None:
        nonce: int | None = None
        sent = 0
        with httpx.Client(timeout=httpx.Timeout(5.0, read=15.0)) as http:
            while not self.stop.is_set():
                if nonce is None:
                    nonce = self._nonce(http)
                    if nonce is None:
                        time.sleep(0.05)  # the node is down: wait for its restart
                        continue
                sent += 1
                content = hashlib.sha256(
                    f"{self.did}/{sent - 1 if sent % 5 == 0 else sent}".encode()
                ).hexdigest()
                body = builders.build_body(
                    chain_id=self.chain_id,
                    signer=self.did,
                    nonce=nonce,
                    msgs=[builders.create_anchor(self.did, content)],
                )
                raw = builders.encode_tx(builders.sign_tx(body, [self.key]))
                try:
                    answer = http.post(
                        f"{self.url}/v1/txs", params={"wait": "commit", "timeout": 5}, content=raw
                    )
                except httpx.TransportError:
                    nonce = None  # the node died with our request: the tx may or may not be committed
                    continue
                if answer.status_code == 200:
                    result = answer.json()
                    with self.ledger.lock:
                        self.ledger.committed[result["hash"]] = result
                    nonce += 1
                    continue
                problem = answer.json()
                if (problem.get("codespace"), problem.get("code")) in {("tx", 8), ("tx", 16), ("node", 408)}:
                    nonce = None  # an earlier tx of ours landed (or may land) after all: ask the chain
                    continue
                with self.ledger.lock:
                    self.ledger.unexpected.append(f"{answer.status_code} {problem}")
                return


def _verify_reported(url: str, ledger: Ledger) -> None:
    """Every tx the API reported committed is there with the same result."""
    with ledger.lock:
        reported = dict(ledger.committed)
    with httpx.Client(timeout=10) as http:
        for tx_hash, result in reported.items():
            stored = http.get(f"{url}/v1/txs/{tx_hash}")
            assert stored.status_code == 200, f"committed tx {tx_hash} lost after restart"
            assert stored.json() == result


def _replay_ok(node: NodeProcess) -> dict[str, Any]:
    report: dict[str, Any] = run_cli_json(node.home, "node", "replay")
    assert report["ok"] is True, report["mismatches"]
    assert report["first_mismatch_height"] is None
    return report


def test_kill_9_under_load_loses_nothing_committed_and_half_applies_nothing(node_factory: Any) -> None:
    node: NodeProcess = node_factory(accounts=SENDERS, block_interval_ms=40)
    node.start()
    keyring = Keyring(node.home / "keys")
    keys = [keyring.load(spec.split(":")[0], PASSPHRASE) for spec in SENDERS]
    chain_id = httpx.get(f"{node.url}/v1/status").json()["chain_id"]
    ledger, stop = Ledger(), threading.Event()
    senders = [Sender(node.url, chain_id, key, ledger, stop) for key in keys]
    for sender in senders:
        sender.start()
    rng = random.Random(20240901)
    try:
        for kill in range(KILLS):
            target = ledger.count() + 20
            deadline = time.monotonic() + 10
            while ledger.count() < target and time.monotonic() < deadline:
                time.sleep(0.02)
            assert ledger.count() >= target, f"round {kill}: txs stopped committing\n{node.log_text()}"
            time.sleep(rng.uniform(0.0, 0.3))  # a varied moment: mid-block, mid-commit, idle
            height_seen = httpx.get(f"{node.url}/v1/status").json()["latest_height"]
            node.kill9()
            reported_height = ledger.max_height

            dead = _replay_ok(node)  # the database exactly as the kill left it
            assert dead["last_height"] >= max(height_seen, reported_height)

            node.start()
            assert httpx.get(f"{node.url}/v1/status").json()["latest_height"] >= dead["last_height"]
            resumed = httpx.get(f"{node.url}/v1/blocks/{dead['last_height']}").json()["header"]
            assert resumed["app_hash"] == dead["app_hash"]
            _verify_reported(node.url, ledger)
        before = ledger.count()
        deadline = time.monotonic() + 10
        while ledger.count() < before + 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ledger.count() >= before + 20, "no commits after the last restart"
    finally:
        stop.set()
        for sender in senders:
            sender.join(timeout=20)
    print("STATS", len(ledger.committed), ledger.max_height, [k.returncode for k in []])
    assert ledger.unexpected == []

    _verify_reported(node.url, ledger)
    codes = {r["code"] for r in ledger.committed.values()}
    assert codes == {0, 3}  # successes and committed message failures both survived
    assert run_cli_json(node.home, "check", node=node.url) == {"ok": True, "broken": []}
    status = httpx.get(f"{node.url}/v1/status").json()
    report = _replay_ok(node)  # beside the live, idle node
    assert (report["last_height"], report["app_hash"]) == (status["latest_height"], status["app_hash"])
    total = httpx.get(f"{node.url}/v1/txs", params={"limit": 1}).json()["total"]
    assert report["txs"] == total >= len(ledger.committed)
    blocks = httpx.get(f"{node.url}/v1/blocks", params={"limit": 1}).json()
    assert blocks["total"] == status["latest_height"]
    # a tx whose answer was lost with the node either committed completely or not at all
    nonces = {k.did(): httpx.get(f"{node.url}/v1/accounts/{k.did()}").json()["nonce"] for k in keys}
    per_signer: dict[str, int] = {}
    for page in range(0, total, 500):
        for tx in httpx.get(f"{node.url}/v1/txs", params={"offset": page, "limit": 500}).json()["items"]:
            per_signer[tx["signer"]] = per_signer.get(tx["signer"], 0) + 1
    assert per_signer == nonces  # one committed tx per used nonce, no gaps, no doubles
