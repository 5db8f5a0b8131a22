"""Helpers of the ABCI application tests: a node home with a genesis and the InitChain CometBFT sends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.proto.tendermint.crypto import keys_pb2
from bayledger.core.genesis import Genesis, encode_genesis
from bayledger.node.abci.app import AbciApplication
from corechain import ed_key, make_genesis

ALICE, BOB = ed_key(1), ed_key(2)
VALIDATOR, NEWCOMER = ed_key(900), ed_key(901)


def with_members(genesis: Genesis) -> Genesis:
    """``genesis`` with ALICE and BOB as founding consortium members."""
    members = [
        {"did": k.did(), "name_en": n, "name_zh": n, "jurisdiction": "HK", "roles": ["bank"], "weight": 1}
        for k, n in ((ALICE, "alice"), (BOB, "bob"))
    ]
    return msgspec.structs.replace(
        genesis, app_state=dict(genesis.app_state, governance={"members": members})
    )


GENESIS = with_members(make_genesis([ALICE, BOB], validators=[(VALIDATOR, 10)]))


def make_app(tmp_path: Path, genesis: Genesis = GENESIS) -> AbciApplication:
    """An ABCI application over a fresh node home in ``tmp_path``."""
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "genesis.json").write_bytes(encode_genesis(genesis))
    return AbciApplication(tmp_path, synchronous="NORMAL")


def init_request(genesis: Genesis = GENESIS, **changes: Any) -> abci.RequestInitChain:
    """The InitChain CometBFT sends for ``genesis`` (fields overridden by ``changes``)."""
    request = abci.RequestInitChain(
        chain_id=genesis.chain_id,
        validators=[
            abci.ValidatorUpdate(pub_key=keys_pb2.PublicKey(ed25519=v.public_key), power=v.power)
            for v in genesis.validators
        ],
        app_state_bytes=msgspec.json.encode(genesis),
        initial_height=1,
    )
    for name, value in changes.items():
        if name == "validators":
            del request.validators[:]
            request.validators.extend(value)
        else:
            setattr(request, name, value)
    return request
