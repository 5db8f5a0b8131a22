"""Benchmark of the state tree (core/smt.py): per-block update cost, hashes per write, proof size and speed.

Usage: ``python bench/smt.py [--quick | --full] [--hash sha256|sm3] [--blocks N]``

* default: trees of 10k and 100k keys; ``--quick``: 10k only; ``--full``: also 1M.
* Each tree is built with one ``compute_update`` per chunk of 100k keys, then ``--blocks`` blocks of 1000
  random changes (90 % updates of existing keys, 5 % inserts, 5 % deletes) are computed and applied.

Prints one JSON document: machine, versions, and per size the build time, block time (median and best),
hash calls and node reads per changed key, proof size and prove/verify time. ``ideal_hashes_per_update`` is
``log2(n) + 2`` (one hash per level plus the key and value hashes) for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable

import msgspec

from bayledger.core.hashing import get_hash_function
from bayledger.core.smt import DictNodeStore, compute_update, encode_proof, get_root, prove, verify_proof

BLOCK_SIZE = 1000
BUILD_CHUNK = 100_000


class CountingHash:
    """Wraps a hash function and counts its calls."""

    def __init__(self, hash_fn: Callable[[bytes], bytes]) -> None:
        self.hash_fn = hash_fn
        self.calls = 0

    def __call__(self, data: bytes) -> bytes:
        self.calls += 1
        return self.hash_fn(data)


class CountingStore(DictNodeStore):
    """A dict store that counts reads."""

    reads = 0

    def get_node(self, node_key: bytes) -> bytes | None:
        self.reads += 1
        return self.nodes.get(node_key)


def _key(i: int) -> bytes:
    return b"bank/balance/" + i.to_bytes(8, "big")


def bench_size(n: int, algorithm: str, blocks: int, rng: random.Random) -> dict[str, object]:
    """Build a tree of ``n`` keys and measure block updates and proofs on it."""
    hash_fn = get_hash_function(algorithm)
    store = CountingStore()
    started = time.perf_counter()
    for lo in range(0, n, BUILD_CHUNK):
        chunk = {_key(i): rng.randbytes(40) for i in range(lo, min(n, lo + BUILD_CHUNK))}
        store.apply(compute_update(store, hash_fn, chunk).node_writes)
    build_s = time.perf_counter() - started
    next_key = n
    deleted: set[int] = set()
    times: list[float] = []
    counter = CountingHash(hash_fn)
    hashes = reads = writes = changed = 0
    for _ in range(blocks):
        changes: dict[bytes, bytes | None] = {}
        while len(changes) < BLOCK_SIZE:
            roll = rng.random()
            if roll < 0.05:
                changes[_key(next_key)] = rng.randbytes(40)
                next_key += 1
            else:
                i = rng.randrange(next_key)
                if i in deleted:
                    continue
                if roll < 0.10:
                    changes[_key(i)] = None
                    deleted.add(i)
                else:
                    changes[_key(i)] = rng.randbytes(40)
        counter.calls = 0
        store.reads = 0
        t0 = time.perf_counter()
        update = compute_update(store, hash_fn, changes)
        times.append(time.perf_counter() - t0)
        store.reads = 0
        compute_update(store, counter, changes)  # same work again, counted
        hashes += counter.calls
        reads += store.reads
        writes += len(update.node_writes)
        changed += len(changes)
        store.apply(update.node_writes)
    # Proofs: give 100 present keys known values (one more block), then prove and verify 100 present and
    # 100 absent keys.
    present = [_key(i) for i in rng.sample(range(n), 200) if i not in deleted][:100]
    absent = [b"absent/" + i.to_bytes(4, "big") for i in range(100)]
    known = {k: rng.randbytes(40) for k in present}
    store.apply(compute_update(store, hash_fn, known).node_writes)
    root = get_root(store, hash_fn)
    started = time.perf_counter()
    proofs = [prove(store, hash_fn, k) for k in present]
    absent_proofs = [prove(store, hash_fn, k) for k in absent]
    prove_us = (time.perf_counter() - started) / (len(present) + len(absent)) * 1e6
    started = time.perf_counter()
    ok = all(verify_proof(hash_fn, root, k, known[k], p) for k, p in zip(present, proofs, strict=True))
    ok &= all(verify_proof(hash_fn, root, k, None, p) for k, p in zip(absent, absent_proofs, strict=True))
    verify_us = (time.perf_counter() - started) / (len(present) + len(absent)) * 1e6
    if not ok:
        raise SystemExit("a proof failed to verify")
    json_sizes = [len(encode_proof(p)) for p in proofs]
    raw_sizes = [len(msgspec.msgpack.encode(p)) for p in proofs]
    depths = [p.depth for p in proofs]
    return {
        "keys": n,
        "hash": algorithm,
        "build_s": round(build_s, 3),
        "build_us_per_key": round(build_s / n * 1e6, 2),
        "nodes": len(store.nodes),
        "block_size": BLOCK_SIZE,
        "blocks": blocks,
        "block_ms_median": round(statistics.median(times) * 1e3, 2),
        "block_ms_best": round(min(times) * 1e3, 2),
        "us_per_changed_key": round(statistics.median(times) / BLOCK_SIZE * 1e6, 2),
        "hashes_per_update": round(hashes / changed, 2),
        "ideal_hashes_per_update": round(math.log2(n) + 2, 2),
        "node_reads_per_update": round(reads / changed, 2),
        "node_writes_per_update": round(writes / changed, 2),
        "proof_depth_mean": round(statistics.mean(depths), 2),
        "proof_siblings_mean": round(statistics.mean(len(p.siblings) for p in proofs), 2),
        "proof_json_bytes_mean": round(statistics.mean(json_sizes), 1),
        "proof_msgpack_bytes_mean": round(statistics.mean(raw_sizes), 1),
        "prove_us": round(prove_us, 1),
        "verify_us": round(verify_us, 1),
    }


def main() -> None:
    """Parse arguments, run the sizes, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="10k keys only")
    mode.add_argument("--full", action="store_true", help="also 1M keys")
    parser.add_argument("--hash", default="sha256", choices=["sha256", "sm3"])
    parser.add_argument("--blocks", type=int, default=10, help="blocks of 1000 changes per size")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [10_000, 100_000] + ([1_000_000] if args.full else [])
    rng = random.Random(20240101)
    results = [bench_size(n, args.hash, args.blocks, rng) for n in sizes]
    print(
        json.dumps(
            {
                "benchmark": "smt",
                "machine": {
                    "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(),
                    "python": sys.version.split()[0],
                    "msgspec": msgspec.__version__,
                },
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
