"""Transaction envelope checks (core/tx.py, ``decode_and_check``): every ``tx`` code from a crafted tx.

Each rejection is checked twice: ``decode_and_check`` raises the exact error class, and ``apply_block``
records it in the block (codespace ``tx``, the code, no events, no signer, nonce 0) while the block writes
nothing and the app hash stays the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from hashlib import sha256
from typing import Any

import pytest

from bayledger.core import errors
from bayledger.core.encoding import b64decode, b64encode
from bayledger.core.errors import (
    DuplicateSignatureError,
    InsufficientWeightError,
    InvalidSignatureError,
    MalformedTxError,
    MemoTooLongError,
    MissingSignatureError,
    NonceGapError,
    NonceTooLowError,
    TooManyMessagesError,
    TxExpiredError,
    TxRejectedError,
    TxTooLargeError,
    UnknownAccountError,
    UnknownMessageTypeError,
    WrongChainIdError,
)
from bayledger.core.params import ConsensusParams
from bayledger.core.state_transition import TxResult, decode_and_check
from bayledger.core.tx import SIGN_DOMAIN, TxBody, body_bytes, decode_tx, sign_bytes
from bayledger.sdk import builders
from corechain import Chain, content_hash, ed_key, genesis_account, make_genesis, sm2_key

ALICE, BOB, CAROL = ed_key(1), ed_key(2), sm2_key(3)
ORG_MASTER, K1, K2, K3 = ed_key(10), ed_key(11), ed_key(12), ed_key(13)
STRANGER = ed_key(99)


def new_chain(**genesis_args: Any) -> Chain:
    org = genesis_account(ORG_MASTER, [(K1, 1), (K2, 1), (K3, 1)], threshold=2)
    return Chain(make_genesis([ALICE, BOB, CAROL, org], **genesis_args))


@pytest.fixture
def chain() -> Chain:
    chain = new_chain()
    chain.apply([])  # height 1, no writes: the next block is height 2
    return chain


def anchor_msg(key: Any = ALICE, n: int = 1) -> Any:
    return builders.create_anchor(key.did(), content_hash(n))


def edit(raw: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """Decode the wire JSON, change it, re-encode it (the signature is left as it was)."""
    data = json.loads(raw)
    change(data)
    return json.dumps(data).encode()


def flip_first_signature(data: dict[str, Any]) -> None:
    sig = bytearray(b64decode(data["signatures"][0]["signature"]))
    sig[5] ^= 0x01
    data["signatures"][0]["signature"] = b64encode(bytes(sig))


# name -> (expected error class, builder of the raw tx from a chain at height 0)
CASES: dict[str, tuple[type[TxRejectedError], Callable[[Chain], bytes]]] = {
    "malformed-json": (MalformedTxError, lambda c: b'{"body": {"chain_id": '),
    "malformed-not-an-object": (MalformedTxError, lambda c: b"[1, 2, 3]"),
    "malformed-missing-field": (
        MalformedTxError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["body"].pop("memo")),
    ),
    "malformed-wrong-type": (
        MalformedTxError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["body"].update(nonce="1")),
    ),
    "malformed-unknown-field": (
        MalformedTxError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["body"].update(fee=1)),
    ),
    "malformed-bad-base64": (
        MalformedTxError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["signatures"][0].update(signature="@@")),
    ),
    "malformed-message-not-object": (
        MalformedTxError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["body"]["msgs"].append("x")),
    ),
    "malformed-message-fields": (
        MalformedTxError,
        lambda c: c.tx(ALICE, [{"type": "anchor/MsgCreateAnchor", "owner": ALICE.did()}]),
    ),
    "malformed-float-in-message": (
        MalformedTxError,
        lambda c: edit(
            c.tx(ALICE, [builders.update_signers(ALICE.did(), [builders.signer_of(ALICE)], 1)]),
            lambda d: d["body"]["msgs"][0].update(threshold=1.5),
        ),
    ),
    "unknown-message-type": (UnknownMessageTypeError, lambda c: c.tx(ALICE, [{"type": "bank/MsgSend"}])),
    "message-without-type": (UnknownMessageTypeError, lambda c: c.tx(ALICE, [{"owner": ALICE.did()}])),
    "wrong-chain-id": (WrongChainIdError, lambda c: c.tx(ALICE, [anchor_msg()], chain_id="other-zone-1")),
    "bad-signature": (
        InvalidSignatureError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), flip_first_signature),
    ),
    "bad-sm2-signature": (
        InvalidSignatureError,
        lambda c: edit(c.tx(CAROL, [anchor_msg(CAROL)]), flip_first_signature),
    ),
    "signature-over-other-body": (
        InvalidSignatureError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["body"].update(memo="changed")),
    ),
    "no-signature": (
        MissingSignatureError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d.update(signatures=[])),
    ),
    "signed-by-a-stranger": (
        MissingSignatureError,
        lambda c: c.tx(STRANGER, [anchor_msg()], signer=ALICE.did()),
    ),
    "signed-by-the-master-key-left-out-of-signers": (
        MissingSignatureError,
        lambda c: c.tx(ORG_MASTER, [anchor_msg(ORG_MASTER)]),
    ),
    "key-type-mislabelled": (
        MissingSignatureError,
        lambda c: edit(c.tx(ALICE, [anchor_msg()]), lambda d: d["signatures"][0].update(key_type="sm2")),
    ),
    "multisig-one-of-two": (
        InsufficientWeightError,
        lambda c: c.tx([K1], [anchor_msg(ORG_MASTER)], signer=ORG_MASTER.did()),
    ),
    "nonce-zero": (NonceTooLowError, lambda c: c.tx(ALICE, [anchor_msg()], nonce=0)),
    "nonce-negative": (NonceTooLowError, lambda c: c.tx(ALICE, [anchor_msg()], nonce=-1)),
    "nonce-gap": (NonceGapError, lambda c: c.tx(ALICE, [anchor_msg()], nonce=2)),
    "nonce-beyond-safe-range": (NonceGapError, lambda c: c.tx(ALICE, [anchor_msg()], nonce=2**53 - 1)),
    "too-large": (
        TxTooLargeError,
        lambda c: c.tx(
            ALICE,
            [
                builders.create_anchor(
                    ALICE.did(), content_hash(i), metadata={f"k{j}": "v" * 256 for j in range(16)}
                )
                for i in range(32)
            ],
        ),
    ),
    "no-messages": (TooManyMessagesError, lambda c: c.tx(ALICE, [])),
    "too-many-messages": (TooManyMessagesError, lambda c: c.tx(ALICE, [anchor_msg(n=i) for i in range(33)])),
    "expired": (TxExpiredError, lambda c: c.tx(ALICE, [anchor_msg()], expiry_height=1)),
    "unknown-account": (UnknownAccountError, lambda c: c.tx(STRANGER, [anchor_msg(STRANGER)])),
    "duplicate-signature": (DuplicateSignatureError, lambda c: c.tx([ALICE, ALICE], [anchor_msg()])),
    "duplicate-signature-multisig": (
        DuplicateSignatureError,
        lambda c: c.tx([K1, K1], [anchor_msg(ORG_MASTER)], signer=ORG_MASTER.did()),
    ),
    "memo-too-long": (MemoTooLongError, lambda c: c.tx(ALICE, [anchor_msg()], memo="m" * 257)),
    "memo-too-long-in-bytes": (MemoTooLongError, lambda c: c.tx(ALICE, [anchor_msg()], memo="€" * 86)),
}

NODE_LEVEL_CODES = {16, 17}  # DuplicateTxError and MempoolFullError come from the node's mempool
STATEFUL_CODES = {18}  # DeactivatedSignerError needs a deactivated DID: tests/unit/test_identity.py


@pytest.mark.parametrize("name", sorted(CASES))
def test_rejected_tx_has_its_code_and_changes_nothing(chain: Chain, name: str) -> None:
    error_class, build = CASES[name]
    raw = build(chain)
    with pytest.raises(TxRejectedError) as info:
        chain.check(raw)
    assert type(info.value) is error_class
    assert (info.value.codespace, info.value.code) == ("tx", error_class.code)

    before = (dict(chain.state.data), dict(chain.tree.nodes))
    outcome = chain.execute([raw])
    assert outcome.results == [
        TxResult(
            hash=sha256(raw).hexdigest(),
            code=error_class.code,
            codespace="tx",
            log=info.value.message,
            events=[],
            signer="",
            nonce=0,
        )
    ]
    assert outcome.state_writes == {}
    assert outcome.node_writes == {}
    assert outcome.app_hash == chain.app_hash == chain.genesis_app_hash
    assert outcome.tx_bytes == [raw]  # a rejected tx is kept as it came
    assert (dict(chain.state.data), dict(chain.tree.nodes)) == before


def test_every_core_tx_code_is_covered() -> None:
    codes = {
        obj.code
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, TxRejectedError) and obj is not TxRejectedError
    }
    covered = {error_class.code for error_class, _ in CASES.values()}
    assert covered == codes - NODE_LEVEL_CODES - STATEFUL_CODES
    assert covered == set(range(2, 16))


def test_codes_are_unique_within_the_tx_codespace() -> None:
    classes = [
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, TxRejectedError) and obj is not TxRejectedError
    ]
    assert len({c.code for c in classes}) == len(classes) == 17
    assert all(c.codespace == "tx" for c in classes)


def test_a_valid_tx_passes_and_consumes_the_nonce(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()])
    checked = chain.check(raw)
    assert checked.hash == sha256(raw).digest()
    assert checked.canonical == raw
    outcome = chain.apply([raw])
    assert (outcome.results[0].code, outcome.results[0].signer, outcome.results[0].nonce) == (
        0,
        ALICE.did(),
        1,
    )
    assert chain.account(ALICE.did()).nonce == 1  # type: ignore[union-attr]


def test_replayed_tx_is_nonce_too_low(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()])
    assert chain.apply([raw]).results[0].code == 0
    with pytest.raises(NonceTooLowError) as info:
        chain.check(raw)
    assert info.value.code == 8
    assert "next nonce is 2" in info.value.message
    outcome = chain.execute([raw])
    assert (outcome.results[0].code, outcome.state_writes) == (8, {})


def test_replay_inside_one_block_is_rejected(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()])
    outcome = chain.apply([raw, raw])
    assert [(r.code, r.codespace) for r in outcome.results] == [(0, ""), (8, "tx")]
    assert chain.account(ALICE.did()).nonce == 1  # type: ignore[union-attr]


def test_expiry_height_is_inclusive(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()], expiry_height=1)
    assert chain.check(raw, height=1).tx.body.expiry_height == 1
    with pytest.raises(TxExpiredError) as info:
        chain.check(raw, height=2)
    assert info.value.code == 12
    assert chain.height == 1
    outcome = chain.execute([raw])  # the next block is height 2
    assert outcome.results[0].code == 12
    assert outcome.app_hash == chain.app_hash


def test_expiry_zero_never_expires(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()], expiry_height=0)
    assert chain.check(raw, height=10**9).tx.body.nonce == 1


def test_memo_at_the_limit_is_accepted(chain: Chain) -> None:
    assert chain.check(chain.tx(ALICE, [anchor_msg()], memo="m" * 256)).tx.body.memo == "m" * 256
    assert chain.check(chain.tx(ALICE, [anchor_msg()], memo="€" * 85)).tx.body.memo == "€" * 85


def test_size_limit_is_on_the_raw_bytes() -> None:
    chain = new_chain(params=ConsensusParams(max_tx_bytes=2_000))
    raw = chain.tx(ALICE, [anchor_msg()])
    assert decode_tx(raw, len(raw)).body.signer == ALICE.did()
    with pytest.raises(TxTooLargeError) as info:
        decode_tx(raw, len(raw) - 1)
    assert (info.value.code, info.value.message) == (
        10,
        f"transaction is {len(raw)} bytes, limit is {len(raw) - 1}",
    )
    big = chain.tx(ALICE, [builders.create_anchor(ALICE.did(), content_hash(1), uri="u" * 500)] * 4)
    assert len(big) > 2_000
    assert chain.execute([big]).results[0].code == 10


def test_message_limit_comes_from_params() -> None:
    chain = new_chain(params=ConsensusParams(max_msgs_per_tx=2))
    assert len(chain.check(chain.tx(ALICE, [anchor_msg(n=1), anchor_msg(n=2)])).msgs) == 2
    with pytest.raises(TooManyMessagesError) as info:
        chain.check(chain.tx(ALICE, [anchor_msg(n=i) for i in range(3)]))
    assert info.value.code == 11
    assert "1 to 2 messages, got 3" in info.value.message


def test_expected_nonce_from_the_mempool_overrides_state(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()], nonce=3)
    checked, account = decode_and_check(chain.app, chain.state, raw, height=1, expected_nonce=3)
    assert (checked.tx.body.nonce, account.nonce) == (3, 0)
    with pytest.raises(NonceTooLowError):
        decode_and_check(chain.app, chain.state, raw, height=1, expected_nonce=4)
    with pytest.raises(NonceGapError):
        decode_and_check(chain.app, chain.state, raw, height=1, expected_nonce=2)


# --- sign bytes cover the chain id ------------------------------------------------------------------------


def test_sign_bytes_are_domain_plus_jcs_of_the_body() -> None:
    body = TxBody(
        chain_id="zone-a", signer="did:bid:x", nonce=1, msgs=[{"type": "t", "é": 1}], memo="", expiry_height=0
    )
    expected_body = (
        b'{"chain_id":"zone-a","expiry_height":0,"memo":"","msgs":[{"type":"t","\xc3\xa9":1}],'
        b'"nonce":1,"signer":"did:bid:x"}'
    )
    assert body_bytes(body) == expected_body
    assert sign_bytes(body) == SIGN_DOMAIN + expected_body
    assert SIGN_DOMAIN == b"bayledger/tx/v1\n"


def test_tx_signed_for_chain_a_is_rejected_on_chain_b() -> None:
    chain_a = new_chain(chain_id="zone-a")
    chain_b = new_chain(chain_id="zone-b")
    raw = chain_a.tx(ALICE, [anchor_msg()])
    assert chain_a.check(raw).tx.body.chain_id == "zone-a"

    with pytest.raises(WrongChainIdError) as info:
        chain_b.check(raw)
    assert (info.value.codespace, info.value.code) == ("tx", 4)
    assert chain_b.execute([raw]).results[0].code == 4

    # Rewriting the chain id keeps the old signature, which no longer verifies.
    rewritten = edit(raw, lambda d: d["body"].update(chain_id="zone-b"))
    with pytest.raises(InvalidSignatureError):
        chain_b.check(rewritten)
    outcome = chain_b.execute([rewritten])
    assert (outcome.results[0].code, outcome.state_writes) == (5, {})


def test_non_canonical_wire_form_is_stored_canonically(chain: Chain) -> None:
    raw = chain.tx(ALICE, [anchor_msg()])
    data = json.loads(raw)
    loose = json.dumps({"signatures": data["signatures"], "body": data["body"]}, indent=2).encode()
    assert loose != raw
    checked = chain.check(loose)
    assert checked.canonical == raw
    assert checked.hash == sha256(raw).digest()
    outcome = chain.execute([loose])
    assert outcome.tx_bytes == [raw]
    assert outcome.results[0].hash == sha256(raw).hexdigest()


def test_sm2_signer_in_an_sm3_zone() -> None:
    chain = new_chain(hash_algorithm="sm3")
    raw = chain.tx(CAROL, [anchor_msg(CAROL)])
    checked = chain.check(raw)
    assert checked.hash == chain.hash_fn(raw)
    outcome = chain.apply([raw])
    assert (outcome.results[0].code, outcome.results[0].hash) == (0, chain.hash_fn(raw).hex())


def test_signature_cache_never_admits_a_bad_signature(chain: Chain) -> None:
    cache: set[bytes] = set()
    good = chain.tx(ALICE, [anchor_msg()])
    decode_and_check(chain.app, chain.state, good, height=1, expected_nonce=None, sig_cache=cache)
    assert len(cache) == 1
    bad = edit(good, flip_first_signature)
    with pytest.raises(InvalidSignatureError):
        decode_and_check(chain.app, chain.state, bad, height=1, expected_nonce=None, sig_cache=cache)
    assert len(cache) == 1  # a failed verification is never cached
    checked, _ = decode_and_check(
        chain.app, chain.state, good, height=1, expected_nonce=None, sig_cache=cache
    )
    assert checked.hash == sha256(good).digest()
    # The same signature bytes on another body miss the cache (its key includes the signed digest).
    other = edit(
        chain.tx(ALICE, [anchor_msg(n=2)]), lambda d: d.update(signatures=json.loads(good)["signatures"])
    )
    with pytest.raises(InvalidSignatureError):
        decode_and_check(chain.app, chain.state, other, height=1, expected_nonce=None, sig_cache=cache)
