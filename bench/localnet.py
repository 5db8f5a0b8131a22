"""Network benchmark (a report, not a test): a 4-validator CometBFT localnet against the embedded node.

Both are measured in this one run, the same way, through the REST API (``POST /v1/txs``, no wait), with
one submitting thread per sender and commit times taken from the live block stream (``/v1/stream``):

- ``embedded``: one ``bayledger node start`` process (block interval ``BLOCK_MS``);
- ``localnet``: 4 validators on loopback (``timeout_commit`` = ``BLOCK_MS``), sender *i* submitting to node
  *i mod 4*'s API, the stream read from node 0.

Figures: committed ``tx_per_s`` (txs / time from the first submit to the last commit) and
``commit_latency_ms`` p50/p99 (submit -> block seen on the stream); ``throughput_ratio`` = localnet /
embedded. Targets (issue 7): ratio >= 0.5, localnet p99 < 3000 ms. Loopback only, bounded in time.

Usage: python bench/localnet.py [--txs-per-sender N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bayledger import __version__
from bayledger.cometbft.install import require_cometbft
from bayledger.keyring import Keyring
from bayledger.keys import SigningKey
from bayledger.node.abci.localnet import Localnet
from bayledger.node.abci.localnet_init import init_localnet
from bayledger.node.config import NodeConfig
from bayledger.node.home import init_home
from bayledger.sdk import builders
from bayledger.sdk.client import ApiError, Client

PASSPHRASE = "bench-only-passphrase"
SENDERS = 16
BLOCK_MS = 200
DEADLINE_S = 120.0


def signed_txs(chain_id: str, key: SigningKey, count: int, tag: str) -> list[bytes]:
    """``count`` anchor txs of ``key`` with nonces 1..count."""
    did = key.did(None)
    out = []
    for nonce in range(1, count + 1):
        content = hashlib.sha256(f"{tag}-{nonce}".encode()).hexdigest()
        msg = builders.create_anchor(did, content, anchor_type="bench")
        body = builders.build_body(chain_id=chain_id, signer=did, nonce=nonce, msgs=[msg])
        out.append(builders.encode_tx(builders.sign_tx(body, [key])))
    return out


def run_load(stream_url: str, targets: list[str], batches: list[list[bytes]]) -> dict[str, Any]:
    """Submit batch *i* to ``targets[i]`` from its own thread; time every tx until it is in a block."""
    submitted: dict[str, float] = {}
    committed: dict[str, float] = {}
    total = sum(len(b) for b in batches)
    ready = threading.Event()
    lock = threading.Lock()

    def watch() -> None:
        with Client(stream_url, timeout=DEADLINE_S) as client:
            stream = client.stream(["block"])
            ready.set()
            for item in stream:
                now = time.perf_counter()
                with lock:
                    for tx_hash in item["block"]["txs"]:
                        committed.setdefault(tx_hash, now)
                    if len(committed) >= total:
                        return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ready.wait(10)
    time.sleep(0.3)  # the stream subscription is open before the first tx

    retries = [0]

    def submit(url: str, txs: list[bytes]) -> None:
        with Client(url, timeout=30) as client:
            for raw in txs:
                sent = time.perf_counter()
                for attempt in range(20):
                    try:
                        tx_hash = client.submit(raw, wait=False)["hash"]
                        break
                    except ApiError as exc:  # a nonce race of the node under load: count it, retry
                        if (exc.codespace, exc.code) not in (("tx", 8), ("tx", 9)) or attempt == 19:
                            raise
                        with lock:
                            retries[0] += 1
                        time.sleep(0.05)
                with lock:
                    submitted[tx_hash] = sent

    begin = time.perf_counter()
    threads = [threading.Thread(target=submit, args=(u, b)) for u, b in zip(targets, batches, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    watcher.join(timeout=max(1.0, DEADLINE_S - (time.perf_counter() - begin)))
    with lock:
        done = {h: committed[h] for h in submitted if h in committed}
        latencies = sorted((done[h] - submitted[h]) * 1000 for h in done)
    if not latencies:
        return {"txs": total, "committed": 0}
    return {
        "txs": total,
        "committed": len(done),
        "nonce_retries": retries[0],
        "tx_per_s": round(len(done) / (max(done.values()) - begin), 1),
        "commit_latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p99": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 1),
        },
    }


def measure_embedded(work: Path, per_sender: int) -> dict[str, Any]:
    """The embedded node as a user runs it, SENDERS genesis accounts, loaded through its REST API."""
    home = work / "embedded"
    port = 26990
    names = tuple((f"s{i}", "ed25519") for i in range(SENDERS))
    genesis = init_home(
        home,
        chain_id="bayledger-bench-embedded-1",
        hash_algorithm="sha256",
        passphrase=PASSPHRASE,
        accounts=names,
        config=NodeConfig(api_port=port, block_interval_ms=BLOCK_MS, synchronous="FULL"),
    )
    keyring = Keyring(home / "keys")
    batches = [signed_txs(genesis.chain_id, keyring.load(n, PASSPHRASE), per_sender, n) for n, _ in names]
    env = {**os.environ, "BAYLEDGER_PASSPHRASE": PASSPHRASE}
    command = [sys.executable, "-m", "bayledger.cli.main", "--home", str(home), "node", "start"]
    with (home / "node.log").open("wb") as log:
        process = subprocess.Popen([*command, "--log-level", "warning"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url)
        return run_load(url, [url] * SENDERS, batches)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def measure_localnet(work: Path, per_sender: int) -> dict[str, Any]:
    """Four validators; sender *i* submits to node *i mod 4*."""
    directory = work / "localnet"
    senders = tuple(f"s{i}" for i in range(SENDERS))
    manifest = init_localnet(
        directory,
        validators=4,
        passphrase=PASSPHRASE,
        base_port=27400,
        timeout_commit_ms=BLOCK_MS,
        accounts=senders,
    )
    net = Localnet(directory)
    keyring = Keyring(net.home(0) / "keys")
    batches = [signed_txs(manifest["chain_id"], keyring.load(n, PASSPHRASE), per_sender, n) for n in senders]
    try:
        net.start()
        return run_load(net.api_url(0), [net.api_url(i % 4) for i in range(SENDERS)], batches)
    finally:
        net.stop()


def _wait_health(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def main() -> None:
    """Run both measurements and print the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--txs-per-sender", type=int, default=80)
    args = parser.parse_args()
    cometbft = require_cometbft()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        embedded = measure_embedded(work, args.txs_per_sender)
        localnet = measure_localnet(work, args.txs_per_sender)
    ratio = localnet.get("tx_per_s", 0) / embedded["tx_per_s"] if embedded.get("tx_per_s") else None
    report = {
        "machine": {
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "bayledger": __version__,
            "cometbft": subprocess.run([cometbft, "version"], capture_output=True, text=True).stdout.strip(),
        },
        "senders": SENDERS,
        "block_ms": BLOCK_MS,
        "embedded": embedded,
        "localnet_4_validators": localnet,
        "throughput_ratio": None if ratio is None else round(ratio, 3),
        "targets": {"throughput_ratio": ">= 0.5", "localnet_p99_ms": "< 3000"},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
