"""Read-side of the cash module: deposit tokens and balances, answered from committed state only.

``CashQueries`` is a mixin over anything with a ``db`` (:class:`~bayledger.store.sqlite.Database`): a node
gains these reads by listing it among its bases (``class EmbeddedNode(CashQueries, IdentityQueries)``).
Until a node does, :class:`CashView` wraps a node's database with the same methods. Edges type the node as
:class:`CashService`.

Shapes (JSON-ready):

* token: ``{token_id, issuer, currency, decimals, supply, holder_limit, daily_limit, name_en, name_zh,
  created_height}`` (amounts in minor units).
* holder balance: ``{token_id, holder, amount, currency, decimals, issuer, frozen}``.
* balance detail: a holder balance plus ``freeze`` (the freeze record or None), ``daily``
  ``{day, spent, limit, remaining}`` (UTC+8 day of the latest block; ``remaining`` None without a limit)
  and ``height``.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from bayledger.core.modules.cash import state as cash
from bayledger.core.modules.cash.keeper import compute_day
from bayledger.node.service import NotFoundError
from bayledger.store.sqlite import ConnectionState, Database


class CashService(Protocol):
    """What a node offers the edges about deposit tokens (implemented by ``CashQueries``)."""

    def list_cash_tokens(
        self, *, issuer: str | None, currency: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Page of tokens in id order, optionally of one issuing bank and/or currency."""
        ...

    def get_cash_token(self, token_id: str) -> dict[str, Any]:
        """A token record; NotFoundError if unknown."""
        ...

    def list_cash_balances(self, did: str, *, offset: int, limit: int) -> dict[str, Any]:
        """Page of a holder's non-zero balances, in token id order."""
        ...

    def get_cash_balance(self, token_id: str, did: str) -> dict[str, Any]:
        """A holder's balance of one token (0 when none) with its freeze and today's spending;
        NotFoundError if the token is unknown."""
        ...


def _builtins(record: msgspec.Struct) -> dict[str, Any]:
    data = msgspec.to_builtins(record)
    assert isinstance(data, dict)
    return data


def _page(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset, "limit": limit}


def _holding(token: cash.Token, holder: str, amount: int, frozen: bool) -> dict[str, Any]:
    return {
        "token_id": token.token_id,
        "holder": holder,
        "amount": amount,
        "currency": token.currency,
        "decimals": token.decimals,
        "issuer": token.issuer,
        "frozen": frozen,
    }


class CashQueries:
    """Cash reads over ``self.db``."""

    db: Database

    def list_cash_tokens(
        self, *, issuer: str | None, currency: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Tokens in id order."""
        tokens = cash.list_tokens(ConnectionState(self.db.reader))
        items = [
            _builtins(t) for t in tokens if issuer in (None, t.issuer) and currency in (None, t.currency)
        ]
        return _page(items, offset, limit)

    def get_cash_token(self, token_id: str) -> dict[str, Any]:
        """One token."""
        token = cash.get_token(ConnectionState(self.db.reader), token_id)
        if token is None:
            raise NotFoundError(f"no deposit token {token_id}")
        return _builtins(token)

    def list_cash_balances(self, did: str, *, offset: int, limit: int) -> dict[str, Any]:
        """A holder's balances with their token's currency, decimals and freeze flag."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            items = []
            for balance in cash.list_holder_balances(state, did):
                token = cash.get_token(state, balance.token_id)
                if token is not None:
                    frozen = cash.is_frozen(state, token.token_id, did)
                    items.append(_holding(token, did, balance.amount, frozen))
        return _page(items, offset, limit)

    def get_cash_balance(self, token_id: str, did: str) -> dict[str, Any]:
        """One balance with the freeze and the holder's spending today (UTC+8) against the daily limit."""
        with self.db.snapshot() as conn:
            state = ConnectionState(conn)
            token = cash.get_token(state, token_id)
            if token is None:
                raise NotFoundError(f"no deposit token {token_id}")
            height = int(self.db.get_meta("height", conn) or b"0")
            day = compute_day(int(self.db.get_meta("last_time", conn) or b"0"))
            freeze = cash.get_freeze(state, token_id, did)
            spent = cash.get_daily_spent(state, token_id, did, day)
            answer = _holding(token, did, cash.get_balance(state, token_id, did), freeze is not None)
        answer["freeze"] = None if freeze is None else _builtins(freeze)
        remaining = max(token.daily_limit - spent, 0) if token.daily_limit else None
        answer["daily"] = {"day": day, "spent": spent, "limit": token.daily_limit, "remaining": remaining}
        answer["height"] = height
        return answer


class CashView(CashQueries):
    """The cash reads of a node that does not mix in ``CashQueries`` itself: wraps its database."""

    def __init__(self, db: Database) -> None:
        self.db = db
