"""ABCI ``Query``: committed state by raw key or by provable record, with an SMT proof against the app hash.

Paths: ``/key`` (``data`` = the raw state key) and ``/proof/<module>/<kind>`` (``data`` = the record id,
UTF-8). Only the last committed height is served (``height`` 0 or that height); the proof op has type
``bayledger/smt``, its ``key`` is the state key and its ``data`` the JSON ``StateProof``. The app hash it
leads to is the ``app_hash`` of CometBFT's header at ``height + 1``.
"""

from __future__ import annotations

import msgspec

from bayledger.cometbft.proto.tendermint.abci import types_pb2 as abci
from bayledger.cometbft.proto.tendermint.crypto import proof_pb2
from bayledger.core import smt
from bayledger.core.app import App
from bayledger.store.sqlite import Database

PROOF_OP_TYPE = "bayledger/smt"
CODESPACE = "query"
CODE_UNKNOWN_PATH, CODE_BAD_HEIGHT, CODE_UNKNOWN_KIND = 1, 2, 3


def answer_query(app: App, db: Database, request: abci.RequestQuery) -> abci.ResponseQuery:
    """The answer to one ABCI query (on the writer connection: the ABCI thread's committed view)."""
    height = int(db.get_meta("height", db.writer) or b"0")
    if request.height not in (0, height):
        return _error(CODE_BAD_HEIGHT, f"only the last committed height {height} is served", height)
    path = request.path.strip("/").split("/")
    data = bytes(request.data)
    if path == ["key"]:
        key = data
    elif len(path) == 3 and path[0] == "proof":
        try:
            record = app.module(path[1]).provable[path[2]]
        except KeyError:
            return _error(CODE_UNKNOWN_KIND, f"no provable record kind {path[1]}/{path[2]}", height)
        key = record.key(data.decode())
    else:
        return _error(CODE_UNKNOWN_PATH, f"unknown query path {request.path!r}", height)
    value = db.writer_state.get(key)
    response = abci.ResponseQuery(code=0, key=key, value=value or b"", height=height)
    if value is None:
        response.log = "absent"
    if request.prove:
        proof = smt.prove(db.writer_tree, app.chain.hash_fn, key)
        response.proof_ops.CopyFrom(
            proof_pb2.ProofOps(
                ops=[proof_pb2.ProofOp(type=PROOF_OP_TYPE, key=key, data=msgspec.json.encode(proof))]
            )
        )
    return response


def _error(code: int, log: str, height: int) -> abci.ResponseQuery:
    return abci.ResponseQuery(code=code, codespace=CODESPACE, log=log, height=height)
