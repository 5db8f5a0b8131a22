"""An in-memory chain for tests of the pure core: genesis → ``init_chain`` → ``apply_block``, no node.

The pattern is the one of ``bench/throughput.py``: a :class:`DictState` and a :class:`DictNodeStore` hold
the committed state and tree; each block's ``BlockOutcome`` writes are applied after the block, and a
signed header is kept per height so light-client tests can check them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bayledger.core import smt
from bayledger.core.app import App, build_app
from bayledger.core.block import (
    BlockHeader,
    CommitSignature,
    SignedHeader,
    compute_header_hash,
    header_sign_bytes,
)
from bayledger.core.encoding import b64encode
from bayledger.core.genesis import Genesis, GenesisValidator
from bayledger.core.modules.accounts.state import Account, get_account
from bayledger.core.msg import Module
from bayledger.core.params import ConsensusParams
from bayledger.core.state_transition import (
    BlockInput,
    BlockOutcome,
    CheckedTx,
    SignatureCache,
    apply_block,
    compute_block_header,
    decode_and_check,
    init_chain,
    validators_at,
)
from bayledger.core.store import DictState
from bayledger.keys import Ed25519SigningKey, SigningKey, Sm2SigningKey
from bayledger.sdk import builders

CHAIN_ID = "bayledger-test-1"
GENESIS_TIME = 1_700_000_000_000
BLOCK_INTERVAL_MS = 1_000


def ed_key(n: int) -> Ed25519SigningKey:
    """A deterministic Ed25519 key (seed = n repeated)."""
    return Ed25519SigningKey.from_seed(n.to_bytes(4, "big") + b"\x5a" * 28)


def sm2_key(n: int) -> Sm2SigningKey:
    """A deterministic SM2 key (scalar = n + 1000, far inside [1, n-2])."""
    return Sm2SigningKey.from_private_bytes((n + 1000).to_bytes(32, "big"))


def content_hash(n: int) -> str:
    """A distinct 64-hex content hash per ``n``."""
    return n.to_bytes(32, "big").hex()


def genesis_account(
    key: SigningKey, signers: Sequence[tuple[SigningKey, int]] = (), threshold: int = 1
) -> dict[str, Any]:
    """The JSON entry of a genesis account (optionally with weighted signers)."""
    entry: dict[str, Any] = {"key_type": key.key_type, "public_key": b64encode(key.public_key)}
    if signers:
        entry["signers"] = [
            {"key_type": k.key_type, "public_key": b64encode(k.public_key), "weight": w} for k, w in signers
        ]
        entry["threshold"] = threshold
    return entry


def make_genesis(
    accounts: Sequence[SigningKey | dict[str, Any]],
    *,
    validators: Sequence[tuple[SigningKey, int]] | None = None,
    chain_id: str = CHAIN_ID,
    hash_algorithm: str = "sha256",
    params: ConsensusParams | None = None,
    did_ac_code: str | None = None,
) -> Genesis:
    """A validated genesis with ``accounts`` (keys or entries from :func:`genesis_account`)."""
    validators = validators if validators is not None else [(ed_key(900), 10)]
    genesis = Genesis(
        chain_id=chain_id,
        genesis_time=GENESIS_TIME,
        hash_algorithm=hash_algorithm,
        validators=[
            GenesisValidator(f"v{i}", key.key_type, key.public_key, power)
            for i, (key, power) in enumerate(validators)
        ],
        app_state={
            "accounts": [a if isinstance(a, dict) else genesis_account(a) for a in accounts],
        },
        params=params or ConsensusParams(),
        did_ac_code=did_ac_code,
    )
    genesis.validate()
    return genesis


class Chain:
    """One in-memory node: the app, its committed state and tree, and the headers it produced."""

    def __init__(
        self,
        genesis: Genesis,
        *,
        modules: Sequence[Module] | None = None,
        sig_cache: SignatureCache | None = None,
    ) -> None:
        self.genesis = genesis
        self.app: App = build_app(genesis) if modules is None else build_app(genesis, modules)
        self.state = DictState()
        self.tree = smt.DictNodeStore()
        self.sig_cache = sig_cache
        outcome = init_chain(self.app, genesis, self.state, self.tree)
        self.state.apply(outcome.state_writes)
        self.tree.apply(outcome.node_writes)
        self.genesis_app_hash = outcome.app_hash
        self.app_hash = outcome.app_hash
        self.height = 0
        self.time = genesis.genesis_time
        self.headers: list[BlockHeader] = []
        self.last_hash = ""

    @property
    def chain_id(self) -> str:
        """The zone's chain id."""
        return self.app.chain.chain_id

    @property
    def hash_fn(self) -> smt.HashFn:
        """The zone's hash function."""
        return self.app.chain.hash_fn

    # --- transactions ------------------------------------------------------------------------------------

    def account(self, did: str) -> Account | None:
        """The committed account record of ``did``."""
        return get_account(self.state, did)

    def next_nonce(self, did: str) -> int:
        """The nonce the next transaction of ``did`` must carry."""
        account = self.account(did)
        return 1 if account is None else account.nonce + 1

    def tx(
        self,
        keys: SigningKey | Sequence[SigningKey],
        msgs: Sequence[Any],
        *,
        signer: str | None = None,
        nonce: int | None = None,
        memo: str = "",
        expiry_height: int = 0,
        chain_id: str | None = None,
    ) -> bytes:
        """Wire bytes of a tx signed by ``keys``; signer defaults to the first key's DID on this zone."""
        keys = [keys] if isinstance(keys, SigningKey) else list(keys)
        signer = signer or keys[0].did(self.app.chain.did_ac_code)
        body = builders.build_body(
            chain_id=chain_id or self.chain_id,
            signer=signer,
            nonce=self.next_nonce(signer) if nonce is None else nonce,
            msgs=msgs,
            memo=memo,
            expiry_height=expiry_height,
        )
        return builders.encode_tx(builders.sign_tx(body, keys))

    def check(self, raw: bytes, *, height: int | None = None) -> CheckedTx:
        """``decode_and_check`` against the committed state at the next height."""
        checked, _ = decode_and_check(
            self.app,
            self.state,
            raw,
            height=self.height + 1 if height is None else height,
            expected_nonce=None,
        )
        return checked

    # --- blocks ------------------------------------------------------------------------------------------

    def block_input(self, txs: Sequence[bytes], *, time: int | None = None) -> BlockInput:
        """The next block's input (height, time one interval later, proposer, previous hash)."""
        return BlockInput(
            height=self.height + 1,
            time=self.time + BLOCK_INTERVAL_MS if time is None else time,
            proposer="did:bid:proposer",
            previous_hash=self.last_hash,
            txs=list(txs),
        )

    def execute(self, txs: Sequence[bytes], *, time: int | None = None) -> BlockOutcome:
        """Run the next block without committing it (the committed state is left untouched)."""
        return apply_block(self.app, self.state, self.tree, self.block_input(txs, time=time), self.sig_cache)

    def apply(self, txs: Sequence[bytes], *, time: int | None = None) -> BlockOutcome:
        """Run and commit the next block; keep its header."""
        block = self.block_input(txs, time=time)
        outcome = apply_block(self.app, self.state, self.tree, block, self.sig_cache)
        self.commit(block, outcome)
        return outcome

    def commit(self, block: BlockInput, outcome: BlockOutcome) -> None:
        """Persist a block's writes and record its header."""
        signing_set = validators_at(self.app, self.state)  # the set on the state the block ran on
        self.state.apply(outcome.state_writes)
        self.tree.apply(outcome.node_writes)
        header = compute_block_header(self.app, block, outcome, signing_set)
        self.headers.append(header)
        self.last_hash = compute_header_hash(self.hash_fn, header).hex()
        self.app_hash = outcome.app_hash
        self.height = block.height
        self.time = block.time


def sign_header(
    hash_fn: smt.HashFn, header: BlockHeader, keys: Sequence[SigningKey], ac_code: str | None = None
) -> SignedHeader:
    """A header committed by the signatures of ``keys`` over its hash."""
    to_sign = header_sign_bytes(compute_header_hash(hash_fn, header))
    return SignedHeader(
        header=header,
        signatures=[
            CommitSignature(
                validator=key.did(ac_code),
                key_type=key.key_type,
                public_key=key.public_key,
                signature=key.sign(to_sign),
            )
            for key in keys
        ],
    )


def fresh_root(hash_fn: smt.HashFn, data: dict[bytes, bytes]) -> tuple[bytes, dict[bytes, bytes]]:
    """Root and nodes of a tree built from scratch, in one batch, from a full key/value set."""
    store = smt.DictNodeStore()
    update = smt.compute_update(store, hash_fn, dict(data))
    store.apply(update.node_writes)
    return update.root, store.nodes
