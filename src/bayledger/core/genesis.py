"""The genesis document of a zone and the state it creates."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from bayledger.core.crypto import KEY_TYPES, is_valid_public_key
from bayledger.core.did import did_from_public_key
from bayledger.core.hashing import HASH_ALGORITHMS
from bayledger.core.params import ConsensusParams

_CHAIN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


class GenesisValidator(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A block-signing validator: its key and voting power."""

    name: str
    key_type: str
    public_key: bytes
    power: int

    def did(self, ac_code: str | None) -> str:
        """The validator's DID (its account address)."""
        return did_from_public_key(self.key_type, self.public_key, ac_code)


class Genesis(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Everything a zone starts from. ``genesis_time`` is in milliseconds since the Unix epoch."""

    chain_id: str
    genesis_time: int
    hash_algorithm: str
    validators: list[GenesisValidator]
    app_state: dict[str, Any]
    params: ConsensusParams = ConsensusParams()
    did_ac_code: str | None = None

    def validate(self) -> None:
        """Raise ``ValueError`` with a clear message when the document cannot start a chain."""
        if not _CHAIN_ID.match(self.chain_id):
            raise ValueError(f"chain_id {self.chain_id!r} must be 1-48 of a-z, 0-9 and '-'")
        if self.hash_algorithm not in HASH_ALGORITHMS:
            raise ValueError(f"hash_algorithm must be one of {HASH_ALGORITHMS}")
        if self.genesis_time < 0:
            raise ValueError("genesis_time must be a non-negative number of milliseconds")
        if not self.validators:
            raise ValueError("genesis needs at least one validator")
        for validator in self.validators:
            if validator.key_type not in KEY_TYPES or not is_valid_public_key(
                validator.key_type, validator.public_key
            ):
                raise ValueError(f"validator {validator.name!r} has an invalid {validator.key_type} key")
            if validator.power <= 0:
                raise ValueError(f"validator {validator.name!r} needs a positive power")
        if self.did_ac_code is not None and not re.fullmatch(r"[0-9A-Za-z]{4}", self.did_ac_code):
            raise ValueError("did_ac_code must be 4 letters or digits")
        self.params.validate()


def decode_genesis(data: bytes) -> Genesis:
    """Parse and validate a genesis JSON document; raises ValueError with the reason."""
    try:
        genesis = msgspec.json.decode(data, type=Genesis)
    except msgspec.DecodeError as exc:
        raise ValueError(f"invalid genesis document: {exc}") from None
    genesis.validate()
    return genesis


def encode_genesis(genesis: Genesis) -> bytes:
    """Pretty JSON of a genesis document (what ``bayledger init`` writes)."""
    return msgspec.json.format(msgspec.json.encode(genesis), indent=2)
