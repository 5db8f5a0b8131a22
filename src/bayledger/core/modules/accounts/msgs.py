"""Messages of the accounts module and their stateless checks."""

from __future__ import annotations

from typing import ClassVar

from bayledger.core.crypto import KEY_TYPES, is_valid_public_key
from bayledger.core.modules.accounts.errors import InvalidPublicKeyError, InvalidSignerSetError
from bayledger.core.modules.accounts.state import Signer
from bayledger.core.msg import Msg
from bayledger.core.types import Did

MAX_WEIGHT = 2**32 - 1


class MsgCreateAccount(Msg, frozen=True, tag="accounts/MsgCreateAccount"):
    """Create an account whose DID is derived from ``public_key``.

    ``signers`` and ``threshold`` set who may sign for it; with no signers the key itself signs alone
    (weight 1, threshold 1). An organisation account may leave its master key out of the signers.
    """

    signer_field: ClassVar[str] = "creator"
    creator: Did
    key_type: str
    public_key: bytes
    signers: list[Signer]
    threshold: int


class MsgUpdateSigners(Msg, frozen=True, tag="accounts/MsgUpdateSigners"):
    """Replace an account's signers and threshold; the tx must already meet the current threshold."""

    signer_field: ClassVar[str] = "account"
    account: Did
    signers: list[Signer]
    threshold: int


def check_key(key_type: str, public_key: bytes) -> None:
    """Raise InvalidPublicKeyError unless the key is well formed."""
    if key_type not in KEY_TYPES:
        raise InvalidPublicKeyError(f"unknown key type {key_type!r}; expected one of {KEY_TYPES}")
    if not is_valid_public_key(key_type, public_key):
        raise InvalidPublicKeyError(f"not a valid {key_type} public key ({len(public_key)} bytes)")


def check_signer_set(signers: list[Signer], threshold: int) -> None:
    """Raise InvalidSignerSetError unless the set is non-empty, duplicate-free and can reach the threshold."""
    if not signers:
        raise InvalidSignerSetError("an account needs at least one signer")
    seen: set[tuple[str, bytes]] = set()
    for signer in signers:
        check_key(signer.key_type, signer.public_key)
        if not 1 <= signer.weight <= MAX_WEIGHT:
            raise InvalidSignerSetError(f"signer weight {signer.weight} outside 1..{MAX_WEIGHT}")
        ident = (signer.key_type, signer.public_key)
        if ident in seen:
            raise InvalidSignerSetError("the same key appears twice among the signers")
        seen.add(ident)
    total = sum(s.weight for s in signers)
    if not 1 <= threshold <= total:
        raise InvalidSignerSetError(f"threshold {threshold} must be between 1 and the total weight {total}")


def validate_create_account(msg: MsgCreateAccount) -> None:
    """Stateless checks of MsgCreateAccount."""
    check_key(msg.key_type, msg.public_key)
    if msg.signers:
        check_signer_set(msg.signers, msg.threshold)
    elif msg.threshold not in (0, 1):
        raise InvalidSignerSetError("without explicit signers the threshold must be 0 or 1")


def validate_update_signers(msg: MsgUpdateSigners) -> None:
    """Stateless checks of MsgUpdateSigners."""
    check_signer_set(msg.signers, msg.threshold)
