"""The accounts module: genesis accounts, MsgCreateAccount, MsgUpdateSigners, weighted multi-signature."""

from __future__ import annotations

from typing import Any

import pytest

from bayledger.core.context import Context
from bayledger.core.modules.accounts.errors import AccountNotFoundError
from bayledger.core.modules.accounts.handlers import process_update_signers
from bayledger.core.modules.accounts.msgs import MAX_WEIGHT, MsgCreateAccount, MsgUpdateSigners
from bayledger.core.modules.accounts.state import Account, Signer, account_key, get_account, list_accounts
from bayledger.core.params import ConsensusParams
from bayledger.core.state_transition import BlockOutcome
from bayledger.core.store import BlockState, DictState
from bayledger.sdk import builders
from corechain import Chain, content_hash, ed_key, genesis_account, make_genesis, sm2_key

ALICE, BOB, CAROL = ed_key(1), ed_key(2), sm2_key(3)
ORG, K1, K2, K3, K4 = ed_key(10), ed_key(11), ed_key(12), ed_key(13), ed_key(14)
NEW, NEW_SM2 = ed_key(20), sm2_key(21)


def signer(key: Any, weight: int = 1) -> Signer:
    return Signer(key.key_type, key.public_key, weight)


def new_chain(**genesis_args: Any) -> Chain:
    org = genesis_account(ORG, [(K1, 1), (K2, 1), (K3, 1)], threshold=2)
    return Chain(make_genesis([ALICE, BOB, CAROL, org], **genesis_args))


@pytest.fixture
def chain() -> Chain:
    return new_chain()


def only(outcome: BlockOutcome) -> Any:
    assert len(outcome.results) == 1
    return outcome.results[0]


def anchor(owner: Any, n: int = 1) -> Any:
    return builders.create_anchor(owner.did(), content_hash(n))


# --- genesis ------------------------------------------------------------------------------------------------


def test_genesis_accounts_are_read_back(chain: Chain) -> None:
    assert get_account(chain.state, ALICE.did()) == Account(
        did=ALICE.did(), signers=[signer(ALICE)], threshold=1, nonce=0, created_height=0
    )
    assert get_account(chain.state, CAROL.did()) == Account(
        did=CAROL.did(), signers=[signer(CAROL)], threshold=1, nonce=0, created_height=0
    )
    assert get_account(chain.state, ORG.did()) == Account(
        did=ORG.did(), signers=[signer(K1), signer(K2), signer(K3)], threshold=2, nonce=0, created_height=0
    )
    dids = [a.did for a in list_accounts(chain.state)]
    assert dids == sorted([ALICE.did(), BOB.did(), CAROL.did(), ORG.did()])


def test_genesis_accounts_take_the_zone_ac_code() -> None:
    chain = Chain(make_genesis([ALICE], did_ac_code="hk01"))
    did = ALICE.did("hk01")
    assert did.startswith("did:bid:hk01:ef")
    assert get_account(chain.state, did).did == did  # type: ignore[union-attr]
    assert get_account(chain.state, ALICE.did()) is None


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ([genesis_account(ALICE), genesis_account(ALICE)], "twice"),
        (
            [genesis_account(ALICE, [(K1, 1)], threshold=2)],
            "threshold 2 must be between 1 and the total weight 1",
        ),
        ([genesis_account(ALICE, [(K1, 1), (K1, 1)], threshold=1)], "the same key appears twice"),
        ([{"key_type": "ed25519", "public_key": "AAAA"}], "not a valid ed25519 public key"),
        ([{"key_type": "rsa", "public_key": "AAAA"}], "unknown key type 'rsa'"),
        ([{"key_type": "ed25519", "public_key": 5}], "Expected `bytes`"),
    ],
)
def test_bad_genesis_accounts_raise_value_error(entries: list[dict[str, Any]], reason: str) -> None:
    # init_chain's contract: a bad app_state raises ValueError (not a message error of the module).
    with pytest.raises(ValueError, match=reason):
        Chain(make_genesis(entries))


# --- MsgCreateAccount ---------------------------------------------------------------------------------------


def test_create_single_key_account(chain: Chain) -> None:
    outcome = chain.apply([chain.tx(ALICE, [builders.create_account(ALICE.did(), NEW)])])
    result = only(outcome)
    assert (result.code, result.codespace, result.log) == (0, "", "")
    assert result.events == [
        {
            "type": "accounts/EventCreateAccount",
            "did": NEW.did(),
            "creator": ALICE.did(),
            "threshold": 1,
            "signer_count": 1,
        }
    ]
    assert get_account(chain.state, NEW.did()) == Account(
        did=NEW.did(), signers=[signer(NEW)], threshold=1, nonce=0, created_height=1
    )
    assert set(outcome.state_writes) == {account_key(ALICE.did()), account_key(NEW.did())}
    # The new account signs its own first tx with nonce 1.
    assert only(chain.apply([chain.tx(NEW, [anchor(NEW)])])).code == 0
    assert get_account(chain.state, NEW.did()).nonce == 1  # type: ignore[union-attr]


def test_create_sm2_account(chain: Chain) -> None:
    result = only(chain.apply([chain.tx(CAROL, [builders.create_account(CAROL.did(), NEW_SM2)])]))
    assert result.code == 0
    assert NEW_SM2.did().startswith("did:bid:zf")
    assert result.events[0]["did"] == NEW_SM2.did()
    assert get_account(chain.state, NEW_SM2.did()).signers == [signer(NEW_SM2)]  # type: ignore[union-attr]
    assert only(chain.apply([chain.tx(NEW_SM2, [anchor(NEW_SM2)])])).code == 0


def test_create_weighted_multisig_account_without_its_master_key(chain: Chain) -> None:
    msg = builders.create_account(ALICE.did(), NEW, [signer(K1, 2), signer(K2), signer(K3)], threshold=3)
    result = only(chain.apply([chain.tx(ALICE, [msg])]))
    assert result.events == [
        {
            "type": "accounts/EventCreateAccount",
            "did": NEW.did(),
            "creator": ALICE.did(),
            "threshold": 3,
            "signer_count": 3,
        }
    ]
    assert get_account(chain.state, NEW.did()) == Account(
        did=NEW.did(), signers=[signer(K1, 2), signer(K2), signer(K3)], threshold=3, nonce=0, created_height=1
    )
    did = NEW.did()
    # The master key is not a signer; K2+K3 weigh 2 < 3; K1+K2 weigh 3.
    assert only(chain.execute([chain.tx(NEW, [anchor(NEW)])])).code == 6
    assert only(chain.execute([chain.tx([K2, K3], [anchor(NEW)], signer=did)])).code == 7
    assert only(chain.apply([chain.tx([K1, K2], [anchor(NEW)], signer=did)])).code == 0


# --- weighted multi-signature and MsgUpdateSigners ----------------------------------------------------------


def test_two_of_three_needs_two_signatures(chain: Chain) -> None:
    did = ORG.did()
    one = chain.tx([K1], [anchor(ORG)], signer=did)
    outcome = chain.execute([one])
    assert (only(outcome).code, only(outcome).codespace) == (7, "tx")
    assert "weigh 1, threshold is 2" in only(outcome).log
    assert outcome.state_writes == {}

    for pair in ([K1, K2], [K3, K1]):
        result = only(chain.apply([chain.tx(pair, [anchor(ORG, chain.height)], signer=did)]))
        assert (result.code, result.signer) == (0, did)
    assert only(chain.apply([chain.tx([K1, K2, K3], [anchor(ORG, 99)], signer=did)])).code == 0
    assert get_account(chain.state, did).nonce == 3  # type: ignore[union-attr]


def test_update_signers_changes_who_can_sign(chain: Chain) -> None:
    did = ORG.did()
    msg = builders.update_signers(did, [signer(K4)], 1)

    # Below the current threshold: rejected, nothing changes.
    assert only(chain.execute([chain.tx([K1], [msg], signer=did)])).code == 7

    result = only(chain.apply([chain.tx([K1, K2], [msg], signer=did)]))
    assert (result.code, result.events) == (
        0,
        [{"type": "accounts/EventUpdateSigners", "did": did, "threshold": 1, "signer_count": 1}],
    )
    assert get_account(chain.state, did) == Account(
        did=did, signers=[signer(K4)], threshold=1, nonce=1, created_height=0
    )
    # The old signers no longer sign; the new one does, alone.
    assert only(chain.execute([chain.tx([K1, K2], [anchor(ORG)], signer=did)])).code == 6
    assert only(chain.apply([chain.tx([K4], [anchor(ORG)], signer=did)])).code == 0
    assert get_account(chain.state, did).nonce == 2  # type: ignore[union-attr]


def test_update_signers_of_a_single_key_account_to_multisig(chain: Chain) -> None:
    msg = builders.update_signers(ALICE.did(), [signer(ALICE), signer(K1), signer(K2)], 2)
    assert only(chain.apply([chain.tx(ALICE, [msg])])).code == 0
    assert only(chain.execute([chain.tx(ALICE, [anchor(ALICE)])])).code == 7
    assert only(chain.apply([chain.tx([ALICE, K2], [anchor(ALICE)])])).code == 0


# --- module errors ------------------------------------------------------------------------------------------

BAD_SM2_POINT = b"\x04" + bytes(64)


def create(key: Any, signers: list[Signer] | None = None, threshold: int = 0, creator: Any = ALICE) -> Any:
    return MsgCreateAccount(
        creator=creator.did(), key_type=key[0], public_key=key[1], signers=signers or [], threshold=threshold
    )


def ed(k: Any) -> tuple[str, bytes]:
    return (k.key_type, k.public_key)


ERROR_CASES: dict[str, tuple[Any, str, int]] = {
    "account-exists": (create(ed(BOB)), "accounts", 2),
    "own-account-exists": (create(ed(ALICE)), "accounts", 2),
    "threshold-above-total": (create(ed(NEW), [signer(K1), signer(K2)], 3), "accounts", 3),
    "threshold-zero": (create(ed(NEW), [signer(K1)], 0), "accounts", 3),
    "duplicate-signer": (create(ed(NEW), [signer(K1), signer(K1)], 1), "accounts", 3),
    "zero-weight": (create(ed(NEW), [signer(K1, 0), signer(K2)], 1), "accounts", 3),
    "weight-too-large": (create(ed(NEW), [signer(K1, MAX_WEIGHT + 1)], 1), "accounts", 3),
    "no-signers-threshold-two": (create(ed(NEW), [], 2), "accounts", 3),
    "update-to-no-signers": (MsgUpdateSigners(account=ALICE.did(), signers=[], threshold=1), "accounts", 3),
    "update-unreachable-threshold": (
        MsgUpdateSigners(account=ALICE.did(), signers=[signer(ALICE)], threshold=2),
        "accounts",
        3,
    ),
    "unknown-key-type": (create(("rsa", NEW.public_key)), "accounts", 4),
    "short-ed25519-key": (create(("ed25519", NEW.public_key[:31])), "accounts", 4),
    "sm2-point-off-curve": (create(("sm2", BAD_SM2_POINT)), "accounts", 4),
    "ed25519-key-labelled-sm2": (create(("sm2", NEW.public_key)), "accounts", 4),
    "bad-key-among-signers": (
        create(ed(NEW), [signer(K1), Signer("ed25519", b"\x01" * 31, 1)], 1),
        "accounts",
        4,
    ),
    "creator-is-not-the-signer": (create(ed(NEW), creator=BOB), "msg", 3),
    "update-another-account": (
        MsgUpdateSigners(account=BOB.did(), signers=[signer(ALICE)], threshold=1),
        "msg",
        3,
    ),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_failed_message_has_its_code_and_rolls_back(chain: Chain, name: str) -> None:
    msg, codespace, code = ERROR_CASES[name]
    before = {did: get_account(chain.state, did) for did in (ALICE.did(), BOB.did(), NEW.did())}
    outcome = chain.apply([chain.tx(ALICE, [msg])])
    result = only(outcome)
    assert (result.codespace, result.code) == (codespace, code)
    assert result.log.startswith("message 0: ")
    assert (result.events, result.signer, result.nonce) == ([], ALICE.did(), 1)
    # Only the nonce is written: the account is unchanged but for it, nothing else exists.
    assert set(outcome.state_writes) == {account_key(ALICE.did())}
    alice = get_account(chain.state, ALICE.did())
    assert alice == Account(
        did=ALICE.did(),
        signers=before[ALICE.did()].signers,  # type: ignore[union-attr]
        threshold=before[ALICE.did()].threshold,  # type: ignore[union-attr]
        nonce=1,
        created_height=0,
    )
    assert get_account(chain.state, BOB.did()) == before[BOB.did()]
    assert get_account(chain.state, NEW.did()) is None


def test_signer_limit_is_a_consensus_parameter() -> None:
    chain = new_chain(params=ConsensusParams(max_signers=2))
    three = [signer(K1), signer(K2), signer(K3)]
    outcome = chain.apply(
        [
            chain.tx(ALICE, [builders.create_account(ALICE.did(), NEW, three, threshold=1)]),
            chain.tx(BOB, [builders.update_signers(BOB.did(), three, 1)]),
            chain.tx(CAROL, [builders.create_account(CAROL.did(), NEW, three[:2], threshold=2)]),
        ]
    )
    assert [(r.codespace, r.code) for r in outcome.results] == [("accounts", 3), ("accounts", 3), ("", 0)]
    assert "3 signers exceed the limit of 2" in outcome.results[0].log
    assert get_account(chain.state, NEW.did()).threshold == 2  # type: ignore[union-attr]
    assert get_account(chain.state, BOB.did()).signers == [signer(BOB)]  # type: ignore[union-attr]


def test_update_signers_of_a_missing_account_is_accounts_5() -> None:
    # Through apply_block the signer account always exists (else tx/13), so call the handler directly.
    chain = new_chain()
    ctx = Context(chain=chain.app.chain, height=1, time=0, store=BlockState(DictState()), signer=NEW.did())
    msg = MsgUpdateSigners(account=NEW.did(), signers=[signer(NEW)], threshold=1)
    with pytest.raises(AccountNotFoundError) as info:
        process_update_signers(ctx, msg)
    assert (info.value.codespace, info.value.code) == ("accounts", 5)
    assert info.value.message == f"account {NEW.did()} does not exist"
    assert ctx.store.writes == {}
    assert ctx.events == []
