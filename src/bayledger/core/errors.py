"""Typed ledger errors.

Every error carries a ``(codespace, code)`` pair that never changes once released, so clients can switch on
it. Two families exist:

* :class:`TxRejectedError` — the transaction is invalid as a whole (format, chain id, signature, nonce,
  size, expiry). It is refused before it reaches a block and changes nothing, not even the nonce.
* :class:`MsgFailedError` — a message inside a valid transaction failed its checks. The transaction is
  recorded in the block with the code, its own writes roll back, and the nonce is consumed.
"""

from __future__ import annotations

from typing import ClassVar


class LedgerError(Exception):
    """Base of every typed ledger error: a stable ``(codespace, code)`` and a human message."""

    codespace: ClassVar[str] = "ledger"
    code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """The error as a JSON-ready mapping (codespace, code, name, message)."""
        return {
            "codespace": self.codespace,
            "code": self.code,
            "error": type(self).__name__,
            "message": self.message,
        }


class TxRejectedError(LedgerError):
    """The transaction as a whole is invalid and never enters a block."""

    codespace: ClassVar[str] = "tx"
    code: ClassVar[int] = 1


class MsgFailedError(LedgerError):
    """A message of a valid transaction failed; the transaction's writes roll back."""

    codespace: ClassVar[str] = "msg"
    code: ClassVar[int] = 1


# --- codespace "tx": envelope-level rejections -------------------------------------------------------


class MalformedTxError(TxRejectedError):
    """The bytes are not a well-formed transaction (bad JSON, wrong field types, missing fields)."""

    code = 2


class UnknownMessageTypeError(TxRejectedError):
    """A message's ``type`` is not registered with the router."""

    code = 3


class WrongChainIdError(TxRejectedError):
    """The transaction was signed for another chain (zone)."""

    code = 4

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"chain id {got!r} does not match this zone {expected!r}")


class InvalidSignatureError(TxRejectedError):
    """A signature does not verify against its public key and the sign bytes."""

    code = 5


class MissingSignatureError(TxRejectedError):
    """The transaction carries no signature, or none by a key of the signer account."""

    code = 6


class InsufficientWeightError(TxRejectedError):
    """The valid signatures' total weight is below the signer account's threshold."""

    code = 7

    def __init__(self, signer: str, weight: int, threshold: int) -> None:
        super().__init__(f"signatures for {signer} weigh {weight}, threshold is {threshold}")


class NonceTooLowError(TxRejectedError):
    """The nonce was already used (a replay)."""

    code = 8

    def __init__(self, signer: str, expected: int, got: int) -> None:
        super().__init__(f"nonce {got} for {signer} already used; next nonce is {expected}")


class NonceGapError(TxRejectedError):
    """The nonce skips ahead of the account's next nonce."""

    code = 9

    def __init__(self, signer: str, expected: int, got: int) -> None:
        super().__init__(f"nonce {got} for {signer} skips ahead; next nonce is {expected}")


class TxTooLargeError(TxRejectedError):
    """The encoded transaction exceeds the consensus parameter ``max_tx_bytes``."""

    code = 10

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"transaction is {size} bytes, limit is {limit}")


class TooManyMessagesError(TxRejectedError):
    """The transaction has more messages than ``max_msgs_per_tx`` (or none)."""

    code = 11


class TxExpiredError(TxRejectedError):
    """The block height is past the transaction's ``expiry_height``."""

    code = 12

    def __init__(self, expiry_height: int, height: int) -> None:
        super().__init__(f"transaction expired at height {expiry_height}, current height is {height}")


class UnknownAccountError(TxRejectedError):
    """The signer is not an account on this chain (a permissioned chain has no implicit accounts)."""

    code = 13

    def __init__(self, did: str) -> None:
        super().__init__(f"account {did} does not exist")


class DuplicateSignatureError(TxRejectedError):
    """The same key signed the transaction twice."""

    code = 14


class MemoTooLongError(TxRejectedError):
    """The memo exceeds the maximum length."""

    code = 15


class DuplicateTxError(TxRejectedError):
    """The same transaction (by hash) is already in the mempool or the chain."""

    code = 16


class MempoolFullError(TxRejectedError):
    """The node's mempool or the sender's per-account quota is full; retry later."""

    code = 17


class DeactivatedSignerError(TxRejectedError):
    """The signer's DID document is deactivated (identity/MsgDeactivateDid): it can sign nothing more."""

    code = 18

    def __init__(self, did: str) -> None:
        super().__init__(f"{did} is deactivated; its transactions are refused")


# --- codespace "msg": generic message failures -------------------------------------------------------


class InvalidMessageError(MsgFailedError):
    """A message failed its stateless checks (``validate_basic``)."""

    code = 2


class UnauthorizedError(MsgFailedError):
    """The signer may not perform this message."""

    code = 3
