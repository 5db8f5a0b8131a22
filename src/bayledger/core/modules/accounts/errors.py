"""Errors of the accounts module (codespace ``accounts``). Codes never change once released."""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "accounts"


class AccountsError(MsgFailedError):
    """Base of the accounts module's errors."""

    codespace = CODESPACE


class AccountExistsError(AccountsError):
    """An account with this DID already exists."""

    code = 2

    def __init__(self, did: str) -> None:
        super().__init__(f"account {did} already exists")


class InvalidSignerSetError(AccountsError):
    """Signers or threshold are unusable (empty, duplicate keys, bad weights, unreachable threshold)."""

    code = 3


class InvalidPublicKeyError(AccountsError):
    """A public key is not a well-formed key of its type."""

    code = 4


class AccountNotFoundError(AccountsError):
    """No account has this DID."""

    code = 5

    def __init__(self, did: str) -> None:
        super().__init__(f"account {did} does not exist")
