"""Errors of the cash module (codespace ``cash``). Codes never change once released.

As in the other modules, the base class keeps code 1 (never raised itself) and the concrete errors take
2, 3, … Each error carries the values a user needs to fix the request.
"""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "cash"


class CashError(MsgFailedError):
    """Base of the cash module's errors."""

    codespace = CODESPACE


class InvalidCashMessageError(CashError):
    """A field fails the stateless checks (currency, amount, limit, DID, token id, reason, names)."""

    code = 2


class TokenExistsError(CashError):
    """The bank already created its deposit token of this currency."""

    code = 3

    def __init__(self, token_id: str) -> None:
        super().__init__(f"deposit token {token_id} already exists (one token per bank and currency)")


class TokenNotFoundError(CashError):
    """No deposit token has this id."""

    code = 4

    def __init__(self, token_id: str) -> None:
        super().__init__(f"deposit token {token_id} does not exist")


class NotTokenIssuerError(CashError):
    """Only the token's issuing bank may issue it or change its limits."""

    code = 5

    def __init__(self, token_id: str, issuer: str, signer: str) -> None:
        super().__init__(f"{signer} is not the issuer of {token_id}; only {issuer} may do this")


class NotTokenAuthorityError(CashError):
    """Freezes and forced transfers are for the token's issuing bank or a member with the regulator role."""

    code = 6

    def __init__(self, token_id: str, signer: str) -> None:
        super().__init__(
            f"{signer} is neither the issuer of {token_id} nor a consortium member with the 'regulator' role"
        )


class KycRequiredError(CashError):
    """A party of the operation holds no valid KYC credential (the issuing bank: no valid bank licence)."""

    code = 7

    def __init__(self, token_id: str, party: str, did: str, credential_type: str) -> None:
        super().__init__(
            f"{token_id}: the {party} {did} holds no valid {credential_type!r} credential from a trusted "
            "issuer (registered, within validity, not revoked or suspended)"
        )
        self.party = party
        self.did = did


class AccountFrozenError(CashError):
    """The account is frozen for this token: it can neither send nor receive it."""

    code = 8

    def __init__(self, token_id: str, did: str) -> None:
        super().__init__(f"{did} is frozen for {token_id}")
        self.did = did


class InsufficientBalanceError(CashError):
    """The account holds less of the token than the operation moves."""

    code = 9

    def __init__(self, token_id: str, did: str, have: int, want: int) -> None:
        super().__init__(f"{did} holds {have} of {token_id} (minor units), {want} requested")
        self.have = have
        self.want = want


class HolderLimitExceededError(CashError):
    """The recipient's balance would exceed the token's per-holder limit."""

    code = 10

    def __init__(self, token_id: str, did: str, limit: int, balance: int, want: int) -> None:
        super().__init__(
            f"{did} would hold {balance + want} of {token_id}: per-holder limit {limit}, balance {balance},"
            f" receiving {want} (minor units)"
        )
        self.limit = limit
        self.balance = balance
        self.want = want


class DailyLimitExceededError(CashError):
    """The sender's transfers of the token this day (UTC+8) would exceed the token's per-day limit."""

    code = 11

    def __init__(self, token_id: str, did: str, limit: int, used: int, want: int, day: int) -> None:
        super().__init__(
            f"{did} would send {used + want} of {token_id} on day {day} (UTC+8): per-day limit {limit},"
            f" used {used}, requested {want} (minor units)"
        )
        self.limit = limit
        self.used = used
        self.want = want


class SupplyOverflowError(CashError):
    """Issuing would take the token's supply past 2^53 - 1 minor units (the JSON-safe integer range)."""

    code = 12

    def __init__(self, token_id: str, supply: int, want: int, maximum: int) -> None:
        super().__init__(f"{token_id}: supply {supply} + {want} would exceed the maximum {maximum}")


class AlreadyFrozenError(CashError):
    """The account is already frozen for this token."""

    code = 13

    def __init__(self, token_id: str, did: str) -> None:
        super().__init__(f"{did} is already frozen for {token_id}")


class NotFrozenError(CashError):
    """The account is not frozen for this token, so it cannot be unfrozen."""

    code = 14

    def __init__(self, token_id: str, did: str) -> None:
        super().__init__(f"{did} is not frozen for {token_id}")
