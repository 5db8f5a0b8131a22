"""State of the cash module: deposit tokens, balances, freezes and per-day spending, with a holder index."""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.did import DID_BID_PREFIX
from bayledger.core.store import StateReader, WritableState
from bayledger.core.types import Did, Height

TOKEN_PREFIX = b"cash/t/"  # cash/t/<token_id> -> Token
BALANCE_PREFIX = b"cash/b/"  # cash/b/<token_id>/<holder> -> Balance (absent = 0)
HOLDER_PREFIX = b"cash/h/"  # cash/h/<holder>/<token_id> -> b"1" while the balance is not 0
FREEZE_PREFIX = b"cash/f/"  # cash/f/<token_id>/<holder> -> Freeze while frozen
DAILY_PREFIX = b"cash/d/"  # cash/d/<token_id>/<sender> -> DailySpend of the sender's last spending day


class Token(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A deposit token: one bank's deposits of one currency, in minor units (``decimals`` per currency).

    ``holder_limit`` caps any holder's balance and ``daily_limit`` a sender's transfers per UTC+8 day;
    0 means no limit.
    """

    token_id: str
    issuer: Did
    currency: str
    decimals: int
    supply: int
    holder_limit: int
    daily_limit: int
    name_en: str
    name_zh: str
    created_height: Height


class Balance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One holder's balance of one token (never 0: a zero balance is deleted, so absence proves 0)."""

    token_id: str
    holder: Did
    amount: int


class Freeze(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An account frozen for one token: who froze it, why and when."""

    token_id: str
    holder: Did
    authority: Did
    reason: str
    height: Height


class DailySpend(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a sender transferred of one token on its last spending day (day number in UTC+8)."""

    day: int
    spent: int


# --- ids and keys ------------------------------------------------------------------------------------------


def compute_token_id(currency: str, issuer: Did) -> str:
    """The deterministic id of ``issuer``'s token of ``currency``: ``<currency>-<method-specific id>``.

    ``did:bid:efXyz…`` → ``HKD-efXyz…``; with an AC code ``did:bid:abcd:efXyz…`` → ``HKD-abcd-efXyz…``.
    """
    specific = issuer[len(DID_BID_PREFIX) :] if issuer.startswith(DID_BID_PREFIX) else issuer
    return f"{currency}-{specific.replace(':', '-')}"


def token_key(token_id: str) -> bytes:
    """State key of a token (provable kind ``token``, ident ``<token_id>``)."""
    return TOKEN_PREFIX + token_id.encode()


def balance_key(token_id: str, holder: Did) -> bytes:
    """State key of a balance."""
    return BALANCE_PREFIX + token_id.encode() + b"/" + holder.encode()


def balance_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``balance`` from ``<token_id>/<did>`` (absent = balance 0)."""
    return BALANCE_PREFIX + ident.encode()


def freeze_key(token_id: str, holder: Did) -> bytes:
    """State key of a freeze."""
    return FREEZE_PREFIX + token_id.encode() + b"/" + holder.encode()


def freeze_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``freeze`` from ``<token_id>/<did>`` (absent = not frozen)."""
    return FREEZE_PREFIX + ident.encode()


def _holder_index_key(holder: Did, token_id: str) -> bytes:
    return HOLDER_PREFIX + holder.encode() + b"/" + token_id.encode()


def _daily_key(token_id: str, sender: Did) -> bytes:
    return DAILY_PREFIX + token_id.encode() + b"/" + sender.encode()


# --- tokens ------------------------------------------------------------------------------------------------


def get_token(store: StateReader, token_id: str) -> Token | None:
    """The token with ``token_id``, or None."""
    raw = store.get(token_key(token_id))
    return None if raw is None else decode_record(raw, Token)


def set_token(store: WritableState, token: Token) -> None:
    """Write a token record."""
    store.set(token_key(token.token_id), encode_record(token))


def list_tokens(store: StateReader) -> list[Token]:
    """Every token, in id order."""
    return [decode_record(raw, Token) for _, raw in store.iter_prefix(TOKEN_PREFIX)]


# --- balances ----------------------------------------------------------------------------------------------


def get_balance(store: StateReader, token_id: str, holder: Did) -> int:
    """``holder``'s balance of ``token_id`` in minor units (0 when none)."""
    raw = store.get(balance_key(token_id, holder))
    return 0 if raw is None else decode_record(raw, Balance).amount


def set_balance(store: WritableState, token_id: str, holder: Did, amount: int) -> None:
    """Write a balance and its holder index entry; 0 deletes both."""
    if amount == 0:
        store.delete(balance_key(token_id, holder))
        store.delete(_holder_index_key(holder, token_id))
        return
    record = Balance(token_id=token_id, holder=holder, amount=amount)
    store.set(balance_key(token_id, holder), encode_record(record))
    store.set(_holder_index_key(holder, token_id), b"1")


def list_token_balances(store: StateReader, token_id: str) -> list[Balance]:
    """Every non-zero balance of a token, in holder order."""
    prefix = BALANCE_PREFIX + token_id.encode() + b"/"
    return [decode_record(raw, Balance) for _, raw in store.iter_prefix(prefix)]


def list_all_balances(store: StateReader) -> list[Balance]:
    """Every non-zero balance, in (token, holder) order."""
    return [decode_record(raw, Balance) for _, raw in store.iter_prefix(BALANCE_PREFIX)]


def list_holder_token_ids(store: StateReader, holder: Did) -> list[str]:
    """Ids of the tokens ``holder`` has a non-zero balance of (the holder index), in id order."""
    prefix = HOLDER_PREFIX + holder.encode() + b"/"
    return [key[len(prefix) :].decode() for key, _ in store.iter_prefix(prefix)]


def list_holder_balances(store: StateReader, holder: Did) -> list[Balance]:
    """``holder``'s non-zero balances, in token id order."""
    found = []
    for token_id in list_holder_token_ids(store, holder):
        raw = store.get(balance_key(token_id, holder))
        if raw is not None:
            found.append(decode_record(raw, Balance))
    return found


def list_holder_index(store: StateReader) -> list[tuple[Did, str]]:
    """Every (holder, token id) entry of the holder index (for the invariants)."""
    pairs = []
    for key, _ in store.iter_prefix(HOLDER_PREFIX):
        holder, _, token_id = key[len(HOLDER_PREFIX) :].decode().rpartition("/")
        pairs.append((holder, token_id))
    return pairs


# --- freezes -----------------------------------------------------------------------------------------------


def get_freeze(store: StateReader, token_id: str, holder: Did) -> Freeze | None:
    """The freeze of ``holder`` for ``token_id``, or None when not frozen."""
    raw = store.get(freeze_key(token_id, holder))
    return None if raw is None else decode_record(raw, Freeze)


def is_frozen(store: StateReader, token_id: str, holder: Did) -> bool:
    """True when ``holder`` is frozen for ``token_id``."""
    return store.get(freeze_key(token_id, holder)) is not None


def set_freeze(store: WritableState, freeze: Freeze) -> None:
    """Freeze an account for a token."""
    store.set(freeze_key(freeze.token_id, freeze.holder), encode_record(freeze))


def delete_freeze(store: WritableState, token_id: str, holder: Did) -> None:
    """Unfreeze an account for a token."""
    store.delete(freeze_key(token_id, holder))


def list_freezes(store: StateReader) -> list[Freeze]:
    """Every freeze, in (token, holder) order."""
    return [decode_record(raw, Freeze) for _, raw in store.iter_prefix(FREEZE_PREFIX)]


# --- per-day spending --------------------------------------------------------------------------------------


def get_daily_spent(store: StateReader, token_id: str, sender: Did, day: int) -> int:
    """What ``sender`` transferred of ``token_id`` on ``day`` (0 when its last spending day is another)."""
    raw = store.get(_daily_key(token_id, sender))
    if raw is None:
        return 0
    spend = decode_record(raw, DailySpend)
    return spend.spent if spend.day == day else 0


def set_daily_spent(store: WritableState, token_id: str, sender: Did, day: int, spent: int) -> None:
    """Record ``sender``'s total for ``day`` (one record per sender and token: earlier days are dropped)."""
    store.set(_daily_key(token_id, sender), encode_record(DailySpend(day=day, spent=spent)))
