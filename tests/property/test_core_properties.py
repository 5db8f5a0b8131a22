"""Property tests of the core: random blocks of valid and invalid txs keep every invariant, two nodes agree.

Hypothesis draws abstract operations (who signs, which message, which fault); the test turns them into
signed txs (not in canonical key order) against the current committed state of node A, which runs them;
an independent node B (genesis decoded from its JSON, a signature cache) replays the bytes node A stored
for the block. After every block: invariants hold, both app hashes and all results agree, the app hash
is the tree root, rejected txs left no trace and every account's nonce counts exactly its non-rejected
txs. At the end the incrementally updated tree equals a tree built from scratch from the final state,
node for node.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bayledger.core import smt
from bayledger.core.encoding import b64decode, b64encode
from bayledger.core.genesis import decode_genesis, encode_genesis
from bayledger.core.modules.accounts.state import Account, Signer, list_accounts
from bayledger.core.modules.anchor.state import SEQUENCE_KEY, list_anchors
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from bayledger.sdk import builders
from corechain import Chain, content_hash, ed_key, genesis_account, make_genesis, sm2_key

USERS = [ed_key(1), ed_key(2), ed_key(3), sm2_key(4)]
ORG, ORG_SIGNERS = ed_key(10), [ed_key(11), ed_key(12), ed_key(13)]
NEWCOMERS = [ed_key(20), ed_key(21), sm2_key(22)]
STRANGER = ed_key(99)
SIGNER_POOL = [*ORG_SIGNERS, *USERS[:2]]
KEYRING: dict[bytes, SigningKey] = {
    k.public_key: k for k in [*USERS, ORG, *ORG_SIGNERS, *NEWCOMERS, STRANGER]
}

FAULTS = ["none"] * 24 + [
    "bad-signature",
    "wrong-chain",
    "nonce-low",
    "nonce-gap",
    "unsigned",
    "stranger",
    "expired",
    "one-signature",
    "foreign-signer",
]

mostly_true = st.sampled_from([True] * 7 + [False])
signer_index = st.integers(0, 15)
# (signers as (pool index, weight), threshold, reachable?) — mostly a usable set, sometimes a broken one
signer_sets = st.tuples(
    st.lists(st.tuples(st.integers(0, len(SIGNER_POOL) - 1), st.integers(1, 3)), max_size=3),
    st.integers(1, 4),
    mostly_true,
)
operations = st.one_of(
    st.tuples(st.just("anchor"), st.integers(0, 5), mostly_true),
    st.tuples(st.just("attest"), st.integers(1, 4), mostly_true),
    st.tuples(st.just("create"), st.integers(0, len(NEWCOMERS) - 1), signer_sets),
    st.tuples(st.just("update"), signer_sets),
)
transactions = st.tuples(signer_index, st.lists(operations, min_size=1, max_size=2), st.sampled_from(FAULTS))
blocks_strategy = st.lists(st.lists(transactions, max_size=6), min_size=1, max_size=5)


def new_genesis(algorithm: str) -> Any:
    org = genesis_account(ORG, [(k, 1) for k in ORG_SIGNERS], threshold=2)
    return make_genesis([*USERS, org], hash_algorithm=algorithm)


def signer_set(choice: tuple[list[tuple[int, int]], int, bool]) -> tuple[list[Signer], int]:
    """The drawn signers and threshold: reachable when asked to be (duplicates may still break it)."""
    pairs, threshold, reachable = choice
    signers = [Signer(SIGNER_POOL[i].key_type, SIGNER_POOL[i].public_key, w) for i, w in pairs]
    total = sum(s.weight for s in signers)
    return signers, (min(threshold, total) if reachable else total + 1)


def build_msg(op: tuple[Any, ...], did: str, other: str, anchors: int) -> Any:
    kind = op[0]
    if kind == "anchor":
        _, content, mine = op
        return builders.create_anchor(did if mine else other, content_hash(content))
    if kind == "attest":
        _, number, mine = op
        return builders.attest_anchor(did if mine else other, f"ANC-{min(number, anchors + 1):08d}", "seen")
    if kind == "create":
        _, newcomer, choice = op
        signers, threshold = signer_set(choice)
        return builders.create_account(did, NEWCOMERS[newcomer], signers, threshold if signers else 0)
    _, choice = op
    signers, threshold = signer_set(choice)
    return builders.update_signers(did, signers, threshold)


def build_block(chain: Chain, plan: list[tuple[int, list[Any], str]]) -> list[bytes]:
    """Signed txs for ``plan`` against node A's committed state; pending nonces count within the block."""
    accounts: list[Account] = list_accounts(chain.state)
    anchors = len(list_anchors(chain.state))
    pending: Counter[str] = Counter()
    txs: list[bytes] = []
    for index, ops, fault in plan:
        account = accounts[index % len(accounts)]
        other = accounts[(index + 1) % len(accounts)].did
        keys = [KEYRING[s.public_key] for s in account.signers]
        did = account.did
        if fault == "stranger":
            keys, did = [STRANGER], STRANGER.did()
        elif fault == "foreign-signer":
            keys = [STRANGER]
        elif fault == "one-signature":
            keys = keys[:1]
        nonce = account.nonce + 1 + pending[did]
        if fault == "nonce-low":
            nonce -= 1
        elif fault == "nonce-gap":
            nonce += 1
        msgs = [build_msg(op, did, other, anchors) for op in ops]
        body = builders.build_body(
            chain_id="other-zone-1" if fault == "wrong-chain" else chain.chain_id,
            signer=did,
            nonce=nonce,
            msgs=msgs,
            expiry_height=chain.height if fault == "expired" else 0,  # 0 (at height 0) never expires
        )
        tx = builders.sign_tx(body, keys)
        data = builders.msgspec.to_builtins(tx)
        if fault == "unsigned":
            data["signatures"] = []
        elif fault == "bad-signature":
            sig = bytearray(b64decode(data["signatures"][0]["signature"]))
            sig[-1] ^= 0x01
            data["signatures"][0]["signature"] = b64encode(bytes(sig))
        txs.append(builders.msgspec.json.encode(data))
        weight = sum(s.weight for s in account.signers if s.public_key in {k.public_key for k in keys})
        if (
            fault == "none"
            or (fault == "one-signature" and weight >= account.threshold)
            or (fault == "expired" and chain.height == 0)
        ):
            pending[did] += 1
    return txs


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(algorithm=st.sampled_from(["sha256", "sm3"]), blocks=blocks_strategy)
def test_random_blocks_keep_invariants_and_nodes_agree(algorithm: str, blocks: list[Any]) -> None:
    genesis = new_genesis(algorithm)
    node_a = Chain(genesis)
    node_b = Chain(decode_genesis(encode_genesis(genesis)), sig_cache=set())
    assert node_a.genesis_app_hash == node_b.genesis_app_hash
    assert check_invariants(node_a.app, node_a.state) == []

    consumed: Counter[str] = Counter()
    for plan in blocks:
        txs = build_block(node_a, plan)
        outcome_a = node_a.apply(txs)
        # Node B replays the bytes node A stored for the block (canonical form of every accepted tx).
        outcome_b = node_b.apply(outcome_a.tx_bytes)

        assert outcome_a.app_hash == outcome_b.app_hash
        assert outcome_a.results == outcome_b.results
        assert outcome_a.state_writes == outcome_b.state_writes
        assert node_a.state.data == node_b.state.data
        assert outcome_a.app_hash == smt.get_root(node_a.tree, node_a.hash_fn)
        assert check_invariants(node_a.app, node_a.state) == []

        for result in outcome_a.results:
            event(f"result {result.codespace or 'ok'}/{result.code}")
            if result.codespace == "tx":
                assert (result.signer, result.nonce, result.events) == ("", 0, [])
            else:
                consumed[result.signer] += 1
                assert result.nonce == consumed[result.signer]
                assert (result.code == 0) == (result.codespace == "")
                assert bool(result.events) == (result.code == 0)
        for account in list_accounts(node_a.state):
            assert account.nonce == consumed[account.did]

    anchors = list_anchors(node_a.state)
    assert [a.id for a in anchors] == [f"ANC-{n:08d}" for n in range(1, len(anchors) + 1)]
    assert node_a.state.get(SEQUENCE_KEY) == (str(len(anchors)).encode() if anchors else None)

    fresh = smt.DictNodeStore()
    update = smt.compute_update(fresh, node_a.hash_fn, dict(node_a.state.data))
    fresh.apply(update.node_writes)
    assert update.root == node_a.app_hash
    assert fresh.nodes == node_a.tree.nodes
