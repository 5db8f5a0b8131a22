"""Blocks applied to state (core/state_transition.py): rollback per tx, determinism, app hash, invariants."""

from __future__ import annotations

from hashlib import sha256
from typing import Any, ClassVar

import pytest
from msgspec.structs import replace

from bayledger.core import smt
from bayledger.core.app import DEFAULT_MODULES
from bayledger.core.codec import encode_record
from bayledger.core.context import Context
from bayledger.core.errors import InvalidMessageError
from bayledger.core.events import Event
from bayledger.core.merkle import compute_list_root
from bayledger.core.modules.accounts.state import Account, Signer, account_key, get_account
from bayledger.core.modules.anchor.state import (
    BY_HASH_PREFIX,
    BY_OWNER_PREFIX,
    SEQUENCE_KEY,
    Attestation,
    anchor_key,
    attestation_key,
    get_anchor,
    list_anchors,
)
from bayledger.core.msg import Module, Msg, Route
from bayledger.core.params import ConsensusParams
from bayledger.core.smt import EMPTY_ROOT
from bayledger.core.state_transition import (
    BlockInput,
    BlockTooLargeError,
    TxResult,
    apply_block,
    check_invariants,
    encode_result,
    init_chain,
)
from bayledger.core.store import DictState
from bayledger.sdk import builders
from corechain import Chain, content_hash, ed_key, fresh_root, make_genesis, sm2_key

ALICE, BOB, CAROL = ed_key(1), ed_key(2), sm2_key(3)
H1, H2, H3 = content_hash(1), content_hash(2), content_hash(3)


def new_chain(**genesis_args: Any) -> Chain:
    return Chain(make_genesis([ALICE, BOB, CAROL], **genesis_args))


def snapshot(chain: Chain) -> tuple[dict[bytes, bytes], dict[bytes, bytes]]:
    return dict(chain.state.data), dict(chain.tree.nodes)


def mixed_block(chain: Chain) -> list[bytes]:
    """ok, failed message (second of two), rejected envelope, ok."""
    return [
        chain.tx(ALICE, [builders.create_anchor(ALICE.did(), H1)]),
        chain.tx(
            BOB,
            [
                builders.create_anchor(BOB.did(), H2),
                builders.attest_anchor(BOB.did(), "ANC-00000099", "seen"),
            ],
        ),
        chain.tx(ALICE, [builders.create_anchor(ALICE.did(), H2)], nonce=5),  # nonce gap
        chain.tx(CAROL, [builders.create_anchor(CAROL.did(), H3)]),
    ]


# --- one tx's failure rolls back only its own writes ------------------------------------------------------


def test_failed_message_rolls_back_only_its_own_tx() -> None:
    chain = new_chain()
    txs = mixed_block(chain)
    outcome = chain.apply(txs)
    assert [(r.codespace, r.code, r.signer, r.nonce) for r in outcome.results] == [
        ("", 0, ALICE.did(), 1),
        ("anchor", 4, BOB.did(), 1),
        ("tx", 9, "", 0),
        ("", 0, CAROL.did(), 1),
    ]
    assert outcome.results[1].log == "message 1: anchor ANC-00000099 does not exist"
    assert outcome.results[1].events == []
    assert outcome.results[2].hash == sha256(txs[2]).hexdigest()
    assert [e["anchor_id"] for e in outcome.results[3].events] == ["ANC-00000002"]

    anchors = [(a.id, a.owner, a.content_hash, a.height) for a in list_anchors(chain.state)]
    assert anchors == [("ANC-00000001", ALICE.did(), H1, 1), ("ANC-00000002", CAROL.did(), H3, 1)]
    assert chain.state.get(SEQUENCE_KEY) == b"2"
    # BOB's nonce is consumed by the failed tx; ALICE's rejected second tx consumed nothing.
    assert [get_account(chain.state, k.did()).nonce for k in (ALICE, BOB, CAROL)] == [1, 1, 1]  # type: ignore[union-attr]
    written = set(outcome.state_writes)
    assert {account_key(k.did()) for k in (ALICE, BOB, CAROL)} <= written
    assert not any(H2.encode() in key for key in written)
    assert check_invariants(chain.app, chain.state) == []


def test_nonce_order_within_a_block() -> None:
    chain = new_chain()
    msgs = [[builders.create_anchor(ALICE.did(), content_hash(n))] for n in range(4)]
    outcome = chain.apply(
        [
            chain.tx(ALICE, msgs[0], nonce=1),
            chain.tx(ALICE, msgs[1], nonce=3),  # gap: 2 not seen yet
            chain.tx(ALICE, msgs[2], nonce=2),
            chain.tx(ALICE, msgs[3], nonce=3),
        ]
    )
    assert [(r.codespace, r.code) for r in outcome.results] == [("", 0), ("tx", 9), ("", 0), ("", 0)]
    assert get_account(chain.state, ALICE.did()).nonce == 3  # type: ignore[union-attr]


def test_block_time_and_height_come_from_the_block() -> None:
    chain = new_chain()
    chain.apply([], time=1_800_000_000_000)
    chain.apply([chain.tx(ALICE, [builders.create_anchor(ALICE.did(), H1)])], time=1_800_000_000_777)
    anchor = get_anchor(chain.state, "ANC-00000001")
    assert (anchor.height, anchor.time) == (2, 1_800_000_000_777)  # type: ignore[union-attr]


def test_empty_block_changes_nothing() -> None:
    chain = new_chain()
    outcome = chain.apply([])
    assert (outcome.results, outcome.state_writes, outcome.node_writes) == ([], {}, {})
    assert outcome.app_hash == chain.genesis_app_hash
    assert outcome.tx_root == outcome.results_hash == sha256(b"").digest()


# --- determinism and the app hash ------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_apply_block_is_deterministic_and_leaves_inputs_untouched(algorithm: str) -> None:
    chain = new_chain(hash_algorithm=algorithm)
    block1 = [chain.tx(ALICE, [builders.create_anchor(ALICE.did(), content_hash(50))])]
    chain.apply(block1)
    txs = mixed_block(chain)
    before = snapshot(chain)

    first = chain.execute(txs)
    second = chain.execute(txs)
    assert snapshot(chain) == before
    assert first == second  # results, events, tx bytes, state and node writes, roots
    assert [r.code for r in first.results] == [0, 4, 9, 0]

    # An independent node from the same genesis fed the same blocks agrees bit for bit.
    other = new_chain(hash_algorithm=algorithm)
    assert other.genesis_app_hash == chain.genesis_app_hash
    other.apply(block1)
    assert other.app_hash == chain.app_hash
    assert other.execute(txs) == first


def test_same_block_with_and_without_signature_cache() -> None:
    plain, cached = new_chain(), Chain(make_genesis([ALICE, BOB, CAROL]), sig_cache=set())
    txs = mixed_block(plain)
    plain_outcome = plain.apply(txs)
    assert cached.apply(txs) == plain_outcome
    cache = cached.sig_cache
    assert cache is not None
    assert len(cache) == 3  # the rejected tx fails on its nonce before its signature is checked
    # A second node sharing the warm cache skips verification and still computes the same block.
    warm = Chain(make_genesis([ALICE, BOB, CAROL]), sig_cache=cache)
    assert warm.apply(txs) == plain_outcome
    assert len(cache) == 3


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_app_hash_is_the_root_of_the_state_tree(algorithm: str) -> None:
    chain = new_chain(hash_algorithm=algorithm)
    outcome = chain.apply(mixed_block(chain))
    hash_fn = chain.hash_fn
    assert outcome.app_hash == smt.get_root(chain.tree, hash_fn)
    root, nodes = fresh_root(hash_fn, chain.state.data)
    assert root == outcome.app_hash
    assert nodes == chain.tree.nodes
    assert outcome.app_hash != chain.genesis_app_hash
    # Every committed key is provable against the app hash.
    for key, value in chain.state.data.items():
        assert smt.verify_proof(hash_fn, outcome.app_hash, key, value, smt.prove(chain.tree, hash_fn, key))


def test_tx_root_and_results_hash_commit_to_the_block() -> None:
    chain = new_chain()
    outcome = chain.apply(mixed_block(chain))
    assert outcome.tx_root == compute_list_root(sha256_fn, outcome.tx_bytes)
    assert outcome.results_hash == compute_list_root(sha256_fn, [encode_result(r) for r in outcome.results])
    encoded = encode_result(outcome.results[2])
    assert encoded.startswith(b'{"code":9,"codespace":"tx","events":[],"hash":"')


def sha256_fn(data: bytes) -> bytes:
    return sha256(data).digest()


# --- genesis ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_init_chain_is_deterministic(algorithm: str) -> None:
    genesis = make_genesis([ALICE, BOB, CAROL], hash_algorithm=algorithm)
    chain = Chain(genesis)
    state, tree = DictState(), smt.DictNodeStore()
    one = init_chain(chain.app, genesis, state, tree)
    two = init_chain(chain.app, genesis, state, tree)
    assert one == two
    assert (state.data, tree.nodes) == ({}, {})  # init_chain only returns writes
    assert one.app_hash == chain.genesis_app_hash != EMPTY_ROOT
    assert set(one.state_writes) == {account_key(k.did()) for k in (ALICE, BOB, CAROL)}
    assert fresh_root(chain.hash_fn, one.state_writes)[0] == one.app_hash  # type: ignore[arg-type]
    assert Chain(make_genesis([CAROL, BOB, ALICE], hash_algorithm=algorithm)).genesis_app_hash == one.app_hash


def test_genesis_app_hash_depends_on_zone_hash_and_accounts() -> None:
    sha = new_chain().genesis_app_hash
    assert new_chain(hash_algorithm="sm3").genesis_app_hash != sha
    assert Chain(make_genesis([ALICE, BOB])).genesis_app_hash != sha
    assert sha == new_chain().genesis_app_hash


# --- invariants ------------------------------------------------------------------------------------------


def sound_chain() -> Chain:
    chain = new_chain()
    chain.apply([chain.tx(ALICE, [builders.create_anchor(ALICE.did(), H1)])])
    chain.apply([chain.tx(BOB, [builders.attest_anchor(BOB.did(), "ANC-00000001", "ok")])])
    assert check_invariants(chain.app, chain.state) == []
    return chain


def corrupted(chain: Chain, writes: dict[bytes, bytes | None]) -> DictState:
    state = DictState(chain.state.data)
    state.apply(writes)
    return state


def test_invariants_hold_on_a_sound_state() -> None:
    chain = sound_chain()
    assert check_invariants(chain.app, chain.state) == []
    assert check_invariants(chain.app, DictState()) == []


def test_invariants_catch_broken_accounts() -> None:
    chain = sound_chain()
    did = ALICE.did()
    signers = [Signer("ed25519", ALICE.public_key, 1)]
    cases = {
        "threshold": (
            Account(did, signers, 5, 1, 0),
            f"accounts/signer-sets: {did}: threshold 5 vs total weight 1",
        ),
        "weight": (
            Account(did, [*signers, Signer("ed25519", BOB.public_key, 0)], 1, 1, 0),
            f"accounts/signer-sets: {did}: a signer has a non-positive weight",
        ),
        "nonce": (Account(did, signers, 1, -1, 0), f"accounts/signer-sets: {did}: negative nonce -1"),
    }
    for record, line in cases.values():
        state = corrupted(chain, {account_key(did): encode_record(record)})
        assert check_invariants(chain.app, state) == [line]


def test_invariants_catch_broken_anchors() -> None:
    chain = sound_chain()
    anchor = get_anchor(chain.state, "ANC-00000001")
    assert anchor is not None
    hash_index = [k for k in chain.state.data if k.startswith(BY_HASH_PREFIX)]
    owner_index = [k for k in chain.state.data if k.startswith(BY_OWNER_PREFIX)]
    assert len(hash_index) == len(owner_index) == 1
    count = {anchor_key(anchor.id): encode_record(replace(anchor, attestation_count=5))}
    own = Attestation(anchor_id=anchor.id, attester=ALICE.did(), statement="me", evidence_hash="", height=3)
    self_attested = {
        attestation_key(anchor.id, ALICE.did()): encode_record(own),
        anchor_key(anchor.id): encode_record(replace(anchor, attestation_count=2)),
    }
    cases = [
        (count, ["anchor/attestation-counts: ANC-00000001: count 5, stored 1"]),
        (self_attested, ["anchor/attestation-counts: ANC-00000001: attested by its own owner"]),
        ({hash_index[0]: None}, ["anchor/indexes: ANC-00000001: missing from the content-hash index"]),
        ({owner_index[0]: None}, ["anchor/indexes: ANC-00000001: missing from the owner index"]),
    ]
    for writes, lines in cases:
        assert check_invariants(chain.app, corrupted(chain, writes)) == lines
    # The original committed state is untouched by the corrupted copies.
    assert check_invariants(chain.app, chain.state) == []


# --- a probe module: msg/2 and a crashing handler ----------------------------------------------------------


class MsgProbe(Msg, frozen=True, tag="probe/MsgProbe"):
    signer_field: ClassVar[str] = "signer"
    signer: str
    action: str


class EventProbe(Event, frozen=True, tag="probe/EventProbe"):
    signer: str


def validate_probe(msg: MsgProbe) -> None:
    if msg.action == "invalid":
        raise InvalidMessageError("the probe says invalid")


def process_probe(ctx: Context, msg: MsgProbe) -> None:
    ctx.store.set(b"probe/" + msg.signer.encode(), msg.action.encode())
    if msg.action == "crash":
        raise RuntimeError("boom")
    ctx.emit(EventProbe(signer=msg.signer))


def end_block_probe(ctx: Context) -> None:
    ctx.store.set(b"probe/height", str(ctx.height).encode())


PROBE = Module(
    name="probe", routes=(Route(MsgProbe, process_probe, validate_probe),), end_block=end_block_probe
)


def probe_chain() -> Chain:
    return Chain(make_genesis([ALICE, BOB, CAROL]), modules=(*DEFAULT_MODULES, PROBE))


def test_generic_invalid_message_is_msg_2() -> None:
    chain = probe_chain()
    probe = MsgProbe(signer=ALICE.did(), action="invalid")
    outcome = chain.apply([chain.tx(ALICE, [probe])])
    assert outcome.results[0] == TxResult(
        hash=outcome.results[0].hash,
        code=2,
        codespace="msg",
        log="message 0: the probe says invalid",
        events=[],
        signer=ALICE.did(),
        nonce=1,
    )
    assert chain.state.get(b"probe/" + ALICE.did().encode()) is None


def test_crashing_handler_is_recorded_as_internal_error_and_rolled_back() -> None:
    chain = probe_chain()
    outcome = chain.apply(
        [
            chain.tx(
                ALICE, [builders.create_anchor(ALICE.did(), H1), MsgProbe(signer=ALICE.did(), action="crash")]
            ),
            chain.tx(BOB, [MsgProbe(signer=BOB.did(), action="ok")]),
        ]
    )
    crash, ok = outcome.results
    assert (crash.codespace, crash.code, crash.log, crash.events) == (
        "ledger",
        2,
        "message 1: RuntimeError: boom",
        [],
    )
    assert (ok.code, ok.events) == (0, [{"type": "probe/EventProbe", "signer": BOB.did()}])
    assert chain.state.get(b"probe/" + ALICE.did().encode()) is None
    assert get_anchor(chain.state, "ANC-00000001") is None
    assert chain.state.get(b"probe/" + BOB.did().encode()) == b"ok"
    assert get_account(chain.state, ALICE.did()).nonce == 1  # type: ignore[union-attr]


def test_end_block_writes_are_part_of_the_block() -> None:
    chain = probe_chain()
    outcome = chain.apply([])
    assert outcome.state_writes == {b"probe/height": b"1"}
    assert outcome.app_hash == fresh_root(chain.hash_fn, chain.state.data)[0] != chain.genesis_app_hash


def test_apply_block_accepts_any_state_reader() -> None:
    chain = new_chain()
    block = BlockInput(height=1, time=1, proposer="p", previous_hash="", txs=mixed_block(chain))
    copy = DictState(chain.state.data)
    tree_copy = smt.DictNodeStore(chain.tree.nodes)
    assert apply_block(chain.app, copy, tree_copy, block) == apply_block(
        chain.app, chain.state, chain.tree, block
    )


def test_a_block_over_the_tx_limit_is_refused_whole_and_changes_nothing() -> None:
    chain = new_chain(params=ConsensusParams(max_txs_per_block=2))
    txs = [
        chain.tx(ALICE, [builders.create_anchor(ALICE.did(), content_hash(n))], nonce=n) for n in (1, 2, 3)
    ]
    before = (chain.app_hash, dict(chain.state.data))
    with pytest.raises(BlockTooLargeError) as refused:
        chain.apply(txs)
    assert (refused.value.codespace, refused.value.code) == ("ledger", 3)
    assert (chain.app_hash, chain.state.data) == before
    assert chain.height == 0
    outcome = chain.apply(txs[:2])
    assert [r.code for r in outcome.results] == [0, 0]
