"""Events of the cash module. Amounts are integers in the token's minor units."""

from __future__ import annotations

from bayledger.core.events import Event


class EventCreateToken(Event, frozen=True, tag="cash/EventCreateToken"):
    """A licensed bank created its deposit token of a currency."""

    token_id: str
    issuer: str
    currency: str
    decimals: int
    holder_limit: int
    daily_limit: int


class EventIssueCash(Event, frozen=True, tag="cash/EventIssueCash"):
    """The issuing bank minted tokens to a holder."""

    token_id: str
    recipient: str
    amount: int
    supply: int


class EventRedeemCash(Event, frozen=True, tag="cash/EventRedeemCash"):
    """A holder's tokens were redeemed at the issuing bank and burnt."""

    token_id: str
    holder: str
    amount: int
    supply: int


class EventTransferCash(Event, frozen=True, tag="cash/EventTransferCash"):
    """Tokens moved from a sender to a recipient (a message or another module through ``transfer_cash``)."""

    token_id: str
    sender: str
    recipient: str
    amount: int


class EventFreezeAccount(Event, frozen=True, tag="cash/EventFreezeAccount"):
    """An account was frozen for a token by its issuing bank or a regulator."""

    token_id: str
    holder: str
    authority: str
    reason: str


class EventUnfreezeAccount(Event, frozen=True, tag="cash/EventUnfreezeAccount"):
    """An account was unfrozen for a token."""

    token_id: str
    holder: str
    authority: str
    reason: str


class EventForceTransfer(Event, frozen=True, tag="cash/EventForceTransfer"):
    """Tokens were moved out of an account without its signature (e.g. a court order), with the reason."""

    token_id: str
    holder: str
    recipient: str
    amount: int
    authority: str
    reason: str


class EventSetLimits(Event, frozen=True, tag="cash/EventSetLimits"):
    """The issuing bank changed the token's per-holder and per-day limits (0 = no limit)."""

    token_id: str
    holder_limit: int
    daily_limit: int
