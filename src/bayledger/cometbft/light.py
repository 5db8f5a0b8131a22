"""A light client of CometBFT headers: trust the genesis validators, nothing else.

A header is accepted when validators holding more than 2/3 of the voting power of the set trusted at its
height signed it: each ``COMMIT`` signature is an Ed25519 signature over CometBFT's canonical vote bytes
(the length-delimited protobuf ``tendermint.types.CanonicalVote`` of type PRECOMMIT, the height, round,
block id, the signature's timestamp and the chain id), and the block id's hash is the header's own hash
(the RFC 6962 Merkle root of its 14 protobuf-encoded fields). The trusted set changes only through a
hand-over header: a verified header whose ``next_validators_hash`` names a new set makes that set (given
alongside, and hashing to it) the one trusted from the next height on.

A state proof is accepted when it leads to the ``app_hash`` of a verified header of height ``h + 1``
(CometBFT's header carries the app hash of the state after the previous block).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import timestamp_pb2, wrappers_pb2

from bayledger.cometbft.proto.tendermint.crypto import keys_pb2
from bayledger.cometbft.proto.tendermint.types import canonical_pb2, types_pb2, validator_pb2
from bayledger.cometbft.proto.tendermint.version import types_pb2 as version_pb2
from bayledger.cometbft.wire import frame
from bayledger.core.crypto import verify_signature
from bayledger.core.light import LightClientError

BLOCK_ID_FLAG_COMMIT = 2
_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$")


@dataclass(frozen=True)
class Validator:
    """A consensus validator: its Ed25519 public key and voting power."""

    public_key: bytes
    power: int

    @property
    def address(self) -> bytes:
        """CometBFT's address: the first 20 bytes of the key's SHA-256."""
        return hashlib.sha256(self.public_key).digest()[:20]


@dataclass(frozen=True)
class TrustedSet:
    """A verified validator set and the first height it signs."""

    from_height: int
    validators: tuple[Validator, ...]


def parse_validators(items: Sequence[dict[str, Any]]) -> tuple[Validator, ...]:
    """Validators from CometBFT's ``/validators`` JSON (``pub_key.value`` base64, ``voting_power``)."""
    out = []
    for item in items:
        key = item["pub_key"]
        if key.get("type") != "tendermint/PubKeyEd25519":
            raise LightClientError(f"unsupported consensus key type {key.get('type')!r}")
        out.append(Validator(base64.b64decode(key["value"]), int(item["voting_power"])))
    return tuple(out)


def parse_time(text: str) -> tuple[int, int]:
    """An RFC 3339 UTC time with up to nanoseconds as ``(unix seconds, nanos)``."""
    import calendar

    match = _TIME.match(text)
    if match is None:
        raise LightClientError(f"bad time {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    nanos = int((match.group(7) or "0").ljust(9, "0"))
    return calendar.timegm((year, month, day, hour, minute, second)), nanos


def _timestamp(text: str) -> timestamp_pb2.Timestamp:
    seconds, nanos = parse_time(text)
    return timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)


def _hex(text: str | None) -> bytes:
    return bytes.fromhex(text or "")


def merkle_root(items: Sequence[bytes]) -> bytes:
    """CometBFT's ``merkle.HashFromByteSlices`` (RFC 6962: leaf 0x00, inner 0x01, SHA-256)."""
    if not items:
        return hashlib.sha256(b"").digest()
    if len(items) == 1:
        return hashlib.sha256(b"\x00" + items[0]).digest()
    split = 1
    while split * 2 < len(items):
        split *= 2
    return hashlib.sha256(b"\x01" + merkle_root(items[:split]) + merkle_root(items[split:])).digest()


def validators_hash(validators: Sequence[Validator]) -> bytes:
    """The hash of a validator set, ordered as CometBFT orders it (power descending, then address)."""
    ordered = sorted(validators, key=lambda v: (-v.power, v.address))
    leaves = [
        validator_pb2.SimpleValidator(
            pub_key=keys_pb2.PublicKey(ed25519=v.public_key), voting_power=v.power
        ).SerializeToString()
        for v in ordered
    ]
    return merkle_root(leaves)


def _block_id(data: dict[str, Any]) -> types_pb2.BlockID:
    block_id = types_pb2.BlockID(hash=_hex(data.get("hash")))
    block_id.part_set_header.SetInParent()  # non-nullable in gogoproto: always encoded
    parts = data.get("parts") or {}
    block_id.part_set_header.total = int(parts.get("total", 0))
    block_id.part_set_header.hash = _hex(parts.get("hash"))
    return block_id


def header_hash(header: dict[str, Any]) -> bytes:
    """The hash of a CometBFT header (``Header.Hash``) from its RPC JSON form."""
    version = version_pb2.Consensus(
        block=int(header["version"]["block"]), app=int(header["version"].get("app", 0))
    )

    def text(value: str) -> bytes:
        return bytes(wrappers_pb2.StringValue(value=value).SerializeToString())

    def raw(value: str | None) -> bytes:
        return bytes(wrappers_pb2.BytesValue(value=_hex(value)).SerializeToString())

    fields = [
        version.SerializeToString(),
        text(header["chain_id"]),
        wrappers_pb2.Int64Value(value=int(header["height"])).SerializeToString(),
        _timestamp(header["time"]).SerializeToString(),
        _block_id(header["last_block_id"]).SerializeToString(),
        raw(header["last_commit_hash"]),
        raw(header["data_hash"]),
        raw(header["validators_hash"]),
        raw(header["next_validators_hash"]),
        raw(header["consensus_hash"]),
        raw(header["app_hash"]),
        raw(header["last_results_hash"]),
        raw(header["evidence_hash"]),
        raw(header["proposer_address"]),
    ]
    return merkle_root(fields)


def vote_sign_bytes(
    chain_id: str, height: int, round_: int, block_id: dict[str, Any], timestamp: str
) -> bytes:
    """The bytes a validator signs for a precommit: the length-delimited ``CanonicalVote``."""
    vote = canonical_pb2.CanonicalVote(
        type=types_pb2.SIGNED_MSG_TYPE_PRECOMMIT, height=height, round=round_, chain_id=chain_id
    )
    vote.block_id.hash = _hex(block_id.get("hash"))
    vote.block_id.part_set_header.SetInParent()
    parts = block_id.get("parts") or {}
    vote.block_id.part_set_header.total = int(parts.get("total", 0))
    vote.block_id.part_set_header.hash = _hex(parts.get("hash"))
    vote.timestamp.CopyFrom(_timestamp(timestamp))
    return frame(vote.SerializeToString())


def verify_commit(
    chain_id: str, signed_header: dict[str, Any], validators: Sequence[Validator]
) -> dict[str, Any]:
    """Check a signed header (``/commit`` JSON) against the set trusted at its height; return the header.

    Checks the chain id, that the commit is for this header's hash and height, that the header names the
    trusted set, and that valid signatures of that set carry more than 2/3 of its voting power.
    """
    header, commit = signed_header["header"], signed_header["commit"]
    height = int(header["height"])
    if header["chain_id"] != chain_id:
        raise LightClientError(f"header is for chain {header['chain_id']!r}, not {chain_id!r}")
    if int(commit["height"]) != height:
        raise LightClientError(f"the commit is for height {commit['height']}, the header for {height}")
    if _hex(commit["block_id"]["hash"]) != header_hash(header):
        raise LightClientError(f"height {height}: the commit is for another block than this header")
    if _hex(header["validators_hash"]) != validators_hash(validators):
        raise LightClientError(f"height {height}: validator set differs from the trusted one")
    by_address = {v.address: v for v in validators}
    total = sum(v.power for v in validators)
    signed = 0
    counted: set[bytes] = set()
    for sig in commit["signatures"]:
        if int(sig["block_id_flag"]) != BLOCK_ID_FLAG_COMMIT or not sig.get("signature"):
            continue
        validator = by_address.get(_hex(sig["validator_address"]))
        if validator is None or validator.address in counted:
            continue
        message = vote_sign_bytes(
            chain_id, height, int(commit["round"]), commit["block_id"], sig["timestamp"]
        )
        if verify_signature("ed25519", validator.public_key, message, base64.b64decode(sig["signature"])):
            counted.add(validator.address)
            signed += validator.power
    if signed * 3 <= total * 2:
        raise LightClientError(
            f"height {height}: signatures carry {signed} of {total} voting power, need more than 2/3"
        )
    return dict(header)


def follow_hand_overs(
    chain_id: str, genesis_set: Sequence[Validator], hand_overs: Sequence[dict[str, Any]]
) -> list[TrustedSet]:
    """Walk hand-overs (``{"signed_header", "next_validators"}``, increasing height) from the genesis set.

    Each hand-over header must be committed by the set trusted at its height; the set it names for the
    next height must hash to its ``next_validators_hash``.
    """
    trusted = [TrustedSet(from_height=1, validators=tuple(genesis_set))]
    for item in hand_overs:
        header = item["signed_header"]["header"]
        height = int(header["height"])
        if height < trusted[-1].from_height:
            raise LightClientError(f"validator hand-over at height {height} is out of order")
        verify_commit(chain_id, item["signed_header"], set_for_height(trusted, height))
        if header["next_validators_hash"] == header["validators_hash"]:
            continue  # the set adopted again unchanged
        adopted = parse_validators(item["next_validators"])
        if validators_hash(adopted) != _hex(header["next_validators_hash"]):
            raise LightClientError(f"height {height} hands over to a set other than the one supplied")
        trusted.append(TrustedSet(from_height=height + 1, validators=adopted))
    return trusted


def set_for_height(trusted: Sequence[TrustedSet], height: int) -> tuple[Validator, ...]:
    """The verified set that signs ``height``."""
    chosen = trusted[0].validators
    for entry in trusted:
        if entry.from_height <= height:
            chosen = entry.validators
    return chosen


def verify_header(
    chain_id: str,
    genesis_set: Sequence[Validator],
    signed_header: dict[str, Any],
    hand_overs: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """Verify ``signed_header`` against the set its height inherits from genesis through ``hand_overs``."""
    trusted = follow_hand_overs(chain_id, genesis_set, hand_overs)
    return verify_commit(
        chain_id, signed_header, set_for_height(trusted, int(signed_header["header"]["height"]))
    )
