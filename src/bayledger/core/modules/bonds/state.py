"""State of the bonds module: keys and accessors of frameworks, reviews, bonds, the book, holdings and their
history, offers, pledges, freezes and coupon records (the records are in ``records.py``). Only this file
builds keys or bytes.

Amounts are integers in minor units of the bond's currency (face amounts). Days are UTC+8 calendar days
as days since 1970-01-01 (``core.finance.compute_day_of_date``).
"""

from __future__ import annotations

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.modules.bonds.records import (
    ACTIVE,
    ALLOCATED,
    BOND_STATUSES,
    BOOK_OPEN,
    REDEEMED,
    Allotment,
    Bond,
    CouponRecord,
    Framework,
    History,
    HistoryEntry,
    Holding,
    HoldingFreeze,
    KpiResult,
    Offer,
    Order,
    Pledge,
    Review,
    Watch,
    Withheld,
)
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did

FRAMEWORK_PREFIX = b"bonds/fw/"  # bonds/fw/<framework id> -> Framework
FRAMEWORK_HASH_PREFIX = b"bonds/fwh/"  # bonds/fwh/<issuer>/<document hash> -> framework id
REVIEW_PREFIX = b"bonds/rv/"  # bonds/rv/<framework id>/<reviewer> -> Review
BOND_PREFIX = b"bonds/b/"  # bonds/b/<bond id> -> Bond
ORDER_PREFIX = b"bonds/o/"  # bonds/o/<bond id>/<investor> -> Order
ALLOTMENT_PREFIX = b"bonds/al/"  # bonds/al/<bond id>/<investor> -> Allotment
HOLDING_PREFIX = b"bonds/h/"  # bonds/h/<bond id>/<holder> -> Holding (absent = 0)
HISTORY_PREFIX = b"bonds/hh/"  # bonds/hh/<bond id>/<holder> -> History of the holder's amount
OUTSTANDING_PREFIX = b"bonds/oh/"  # bonds/oh/<bond id> -> History of the outstanding face amount
HOLDER_INDEX_PREFIX = b"bonds/hx/"  # bonds/hx/<holder>/<bond id> -> b"1" once the holder ever held it
PLEDGE_PREFIX = b"bonds/p/"  # bonds/p/<bond id>/<holder>/<pledgee> -> Pledge
OFFER_PREFIX = b"bonds/of/"  # bonds/of/<offer id> -> Offer (open offers only)
FREEZE_PREFIX = b"bonds/f/"  # bonds/f/<bond id>/<holder> -> HoldingFreeze
COUPON_PREFIX = b"bonds/c/"  # bonds/c/<bond id>/<index, 4 digits> -> CouponRecord (paid or missed)
WITHHELD_PREFIX = b"bonds/wh/"  # bonds/wh/<bond id>/<holder> -> Withheld (owed, not yet paid)
WATCH_PREFIX = b"bonds/w/"  # bonds/w/<bond id> -> Watch (the next coupon to watch, active bonds only)
FRAMEWORK_SEQUENCE = b"bonds/seq/framework"
OFFER_SEQUENCE = b"bonds/seq/offer"

# --- keys ----------------------------------------------------------------------------------------------


def _key(prefix: bytes, *parts: str) -> bytes:
    return prefix + "/".join(parts).encode()


def framework_key(framework_id: str) -> bytes:
    """State key of a framework (provable kind ``framework``)."""
    return _key(FRAMEWORK_PREFIX, framework_id)


def bond_key(bond_id: str) -> bytes:
    """State key of a bond (provable kind ``bond``)."""
    return _key(BOND_PREFIX, bond_id)


def holding_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``holding`` from ``<bond id>/<did>`` (absent = holds none)."""
    return HOLDING_PREFIX + ident.encode()


def history_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``history`` from ``<bond id>/<did>``."""
    return HISTORY_PREFIX + ident.encode()


def outstanding_proof_key(bond_id: str) -> bytes:
    """State key of the provable kind ``outstanding`` (the outstanding-amount history of a bond)."""
    return _key(OUTSTANDING_PREFIX, bond_id)


def review_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``review`` from ``<framework id>/<reviewer did>``."""
    return REVIEW_PREFIX + ident.encode()


def coupon_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``coupon`` from ``<bond id>/<index>``."""
    bond_id, _, index = ident.rpartition("/")
    return _coupon_key(bond_id, int(index) if index.isdigit() else -1)


def _coupon_key(bond_id: str, index: int) -> bytes:
    return _key(COUPON_PREFIX, bond_id, f"{index:04d}")


# --- frameworks and reviews ---------------------------------------------------------------------------


def take_framework_id(store: WritableState) -> str:
    """The next framework id, ``GBF-000001``."""
    return f"GBF-{take_next_sequence(store, FRAMEWORK_SEQUENCE):06d}"


def get_framework(store: StateReader, framework_id: str) -> Framework | None:
    """The framework or None."""
    raw = store.get(framework_key(framework_id))
    return None if raw is None else decode_record(raw, Framework)


def get_framework_id_by_hash(store: StateReader, issuer: Did, document_hash: str) -> str | None:
    """The id under which ``issuer`` published ``document_hash``, or None."""
    raw = store.get(_key(FRAMEWORK_HASH_PREFIX, issuer, document_hash))
    return None if raw is None else raw.decode()


def set_framework(store: WritableState, framework: Framework) -> None:
    """Write a framework and its (issuer, document hash) index."""
    store.set(framework_key(framework.framework_id), encode_record(framework))
    key = _key(FRAMEWORK_HASH_PREFIX, framework.issuer, framework.document_hash)
    store.set(key, framework.framework_id.encode())


def list_frameworks(store: StateReader) -> list[Framework]:
    """Every framework, in id order."""
    return [decode_record(raw, Framework) for _, raw in store.iter_prefix(FRAMEWORK_PREFIX)]


def get_review(store: StateReader, framework_id: str, reviewer: Did) -> Review | None:
    """The reviewer's review of a framework, or None."""
    raw = store.get(_key(REVIEW_PREFIX, framework_id, reviewer))
    return None if raw is None else decode_record(raw, Review)


def set_review(store: WritableState, review: Review) -> None:
    """Write a review."""
    store.set(_key(REVIEW_PREFIX, review.framework_id, review.reviewer), encode_record(review))


def list_reviews(store: StateReader, framework_id: str) -> list[Review]:
    """A framework's reviews, in reviewer order."""
    prefix = _key(REVIEW_PREFIX, framework_id) + b"/"
    return [decode_record(raw, Review) for _, raw in store.iter_prefix(prefix)]


# --- bonds, the book and allotments ------------------------------------------------------------------


def get_bond(store: StateReader, bond_id: str) -> Bond | None:
    """The bond or None."""
    raw = store.get(bond_key(bond_id))
    return None if raw is None else decode_record(raw, Bond)


def set_bond(store: WritableState, bond: Bond) -> None:
    """Write a bond record."""
    store.set(bond_key(bond.bond_id), encode_record(bond))


def list_bonds(store: StateReader) -> list[Bond]:
    """Every bond, in id order."""
    return [decode_record(raw, Bond) for _, raw in store.iter_prefix(BOND_PREFIX)]


def get_order(store: StateReader, bond_id: str, investor: Did) -> Order | None:
    """An investor's order, or None."""
    raw = store.get(_key(ORDER_PREFIX, bond_id, investor))
    return None if raw is None else decode_record(raw, Order)


def set_order(store: WritableState, order: Order) -> None:
    """Write an order; amount 0 withdraws it."""
    key = _key(ORDER_PREFIX, order.bond_id, order.investor)
    if order.amount == 0:
        store.delete(key)
    else:
        store.set(key, encode_record(order))


def list_orders(store: StateReader, bond_id: str) -> list[Order]:
    """The book of a bond, in investor order."""
    return [decode_record(raw, Order) for _, raw in store.iter_prefix(_key(ORDER_PREFIX, bond_id) + b"/")]


def list_allotments(store: StateReader, bond_id: str) -> list[Allotment]:
    """A bond's allotments, in investor order."""
    prefix = _key(ALLOTMENT_PREFIX, bond_id) + b"/"
    return [decode_record(raw, Allotment) for _, raw in store.iter_prefix(prefix)]


def replace_allotments(store: WritableState, bond_id: str, allotments: list[Allotment]) -> None:
    """Replace a bond's allotments with ``allotments`` (a re-allocation before settlement)."""
    prefix = _key(ALLOTMENT_PREFIX, bond_id) + b"/"
    for key, _ in list(store.iter_prefix(prefix)):
        store.delete(key)
    for allotment in allotments:
        store.set(_key(ALLOTMENT_PREFIX, bond_id, allotment.investor), encode_record(allotment))


# --- holdings and their history ----------------------------------------------------------------------


def get_holding(store: StateReader, bond_id: str, holder: Did) -> Holding:
    """A holder's holding (amount 0 when it holds none)."""
    raw = store.get(_key(HOLDING_PREFIX, bond_id, holder))
    return Holding(bond_id, holder, 0) if raw is None else decode_record(raw, Holding)


def set_holding(store: WritableState, holding: Holding) -> None:
    """Write a holding; an empty one is deleted (so absence proves 0). Does not touch the history."""
    key = _key(HOLDING_PREFIX, holding.bond_id, holding.holder)
    if holding.amount == 0 and holding.pledged == 0 and holding.escrowed == 0:
        store.delete(key)
    else:
        store.set(key, encode_record(holding))
        store.set(_key(HOLDER_INDEX_PREFIX, holding.holder, holding.bond_id), b"1")


def list_holdings(store: StateReader, bond_id: str) -> list[Holding]:
    """Every non-empty holding of a bond, in holder order."""
    prefix = _key(HOLDING_PREFIX, bond_id) + b"/"
    return [decode_record(raw, Holding) for _, raw in store.iter_prefix(prefix)]


def list_holder_bond_ids(store: StateReader, holder: Did) -> list[str]:
    """Every bond ``holder`` ever held, in id order."""
    prefix = _key(HOLDER_INDEX_PREFIX, holder) + b"/"
    return [key[len(prefix) :].decode() for key, _ in store.iter_prefix(prefix)]


def get_history(store: StateReader, bond_id: str, holder: Did) -> list[HistoryEntry]:
    """The holder's amount history (empty when it never held the bond)."""
    raw = store.get(_key(HISTORY_PREFIX, bond_id, holder))
    return [] if raw is None else decode_record(raw, History).entries


def list_histories(store: StateReader, bond_id: str) -> dict[Did, list[HistoryEntry]]:
    """Every holder's history of a bond (holders that ever held it), by holder."""
    prefix = _key(HISTORY_PREFIX, bond_id) + b"/"
    return {
        key[len(prefix) :].decode(): decode_record(raw, History).entries
        for key, raw in store.iter_prefix(prefix)
    }


def get_outstanding_history(store: StateReader, bond_id: str) -> list[HistoryEntry]:
    """The bond's outstanding face amount history."""
    raw = store.get(outstanding_proof_key(bond_id))
    return [] if raw is None else decode_record(raw, History).entries


def _appended(entries: list[HistoryEntry], day: int, amount: int) -> list[HistoryEntry]:
    if entries and entries[-1].day == day:
        return [*entries[:-1], HistoryEntry(day, amount)]
    return [*entries, HistoryEntry(day, amount)]


def record_history(store: WritableState, bond_id: str, holder: Did, day: int, amount: int) -> None:
    """Record that ``holder`` holds ``amount`` at the end of ``day`` (one entry per day)."""
    entries = _appended(get_history(store, bond_id, holder), day, amount)
    store.set(_key(HISTORY_PREFIX, bond_id, holder), encode_record(History(entries)))


def record_outstanding(store: WritableState, bond_id: str, day: int, amount: int) -> None:
    """Record the bond's outstanding amount at the end of ``day``."""
    entries = _appended(get_outstanding_history(store, bond_id), day, amount)
    store.set(outstanding_proof_key(bond_id), encode_record(History(entries)))


# --- pledges, offers, freezes ------------------------------------------------------------------------


def get_pledge(store: StateReader, bond_id: str, holder: Did, pledgee: Did) -> int:
    """What ``holder`` pledged of ``bond_id`` to ``pledgee`` (0 when nothing)."""
    raw = store.get(_key(PLEDGE_PREFIX, bond_id, holder, pledgee))
    return 0 if raw is None else decode_record(raw, Pledge).amount


def set_pledge(store: WritableState, pledge: Pledge) -> None:
    """Write a pledge; amount 0 deletes it."""
    key = _key(PLEDGE_PREFIX, pledge.bond_id, pledge.holder, pledge.pledgee)
    if pledge.amount == 0:
        store.delete(key)
    else:
        store.set(key, encode_record(pledge))


def list_pledges(store: StateReader, bond_id: str) -> list[Pledge]:
    """Every pledge of a bond, in (holder, pledgee) order."""
    return [decode_record(raw, Pledge) for _, raw in store.iter_prefix(_key(PLEDGE_PREFIX, bond_id) + b"/")]


def take_offer_id(store: WritableState) -> str:
    """The next offer id, ``OFR-00000001``."""
    return f"OFR-{take_next_sequence(store, OFFER_SEQUENCE):08d}"


def get_offer(store: StateReader, offer_id: str) -> Offer | None:
    """An open offer, or None."""
    raw = store.get(_key(OFFER_PREFIX, offer_id))
    return None if raw is None else decode_record(raw, Offer)


def set_offer(store: WritableState, offer: Offer) -> None:
    """Write an open offer."""
    store.set(_key(OFFER_PREFIX, offer.offer_id), encode_record(offer))


def delete_offer(store: WritableState, offer_id: str) -> None:
    """Remove an offer (accepted or cancelled)."""
    store.delete(_key(OFFER_PREFIX, offer_id))


def list_offers(store: StateReader) -> list[Offer]:
    """Every open offer, in id order."""
    return [decode_record(raw, Offer) for _, raw in store.iter_prefix(OFFER_PREFIX)]


def get_freeze(store: StateReader, bond_id: str, holder: Did) -> HoldingFreeze | None:
    """The freeze of a holder's bonds, or None."""
    raw = store.get(_key(FREEZE_PREFIX, bond_id, holder))
    return None if raw is None else decode_record(raw, HoldingFreeze)


def set_freeze(store: WritableState, freeze: HoldingFreeze) -> None:
    """Freeze a holder's bonds."""
    store.set(_key(FREEZE_PREFIX, freeze.bond_id, freeze.holder), encode_record(freeze))


def delete_freeze(store: WritableState, bond_id: str, holder: Did) -> None:
    """Lift a freeze."""
    store.delete(_key(FREEZE_PREFIX, bond_id, holder))


# --- coupons and the watch list ----------------------------------------------------------------------


def get_coupon(store: StateReader, bond_id: str, index: int) -> CouponRecord | None:
    """The record of a coupon period (None while neither paid nor missed)."""
    raw = store.get(_coupon_key(bond_id, index))
    return None if raw is None else decode_record(raw, CouponRecord)


def set_coupon(store: WritableState, record: CouponRecord) -> None:
    """Write a coupon record."""
    store.set(_coupon_key(record.bond_id, record.index), encode_record(record))


def list_coupons(store: StateReader, bond_id: str) -> list[CouponRecord]:
    """A bond's coupon records, by index."""
    prefix = _key(COUPON_PREFIX, bond_id) + b"/"
    return [decode_record(raw, CouponRecord) for _, raw in store.iter_prefix(prefix)]


def set_watch(store: WritableState, watch: Watch | None, bond_id: str) -> None:
    """Watch the next coupon of ``bond_id`` (None stops watching it)."""
    if watch is None:
        store.delete(_key(WATCH_PREFIX, bond_id))
    else:
        store.set(_key(WATCH_PREFIX, bond_id), encode_record(watch))


def list_watches(store: StateReader) -> list[Watch]:
    """The coupons being watched, one per active bond with coupons left, in bond id order."""
    return [decode_record(raw, Watch) for _, raw in store.iter_prefix(WATCH_PREFIX)]


# --- payments withheld -------------------------------------------------------------------------------


def withheld_proof_key(ident: str) -> bytes:
    """State key of the provable kind ``withheld`` from ``<bond id>/<did>`` (absent = nothing owed)."""
    return WITHHELD_PREFIX + ident.encode()


def get_withheld(store: StateReader, bond_id: str, holder: Did) -> Withheld:
    """What the issuer owes ``holder`` of ``bond_id`` and could not pay (zero amounts when nothing)."""
    raw = store.get(_key(WITHHELD_PREFIX, bond_id, holder))
    return Withheld(bond_id, holder, 0, 0) if raw is None else decode_record(raw, Withheld)


def set_withheld(store: WritableState, withheld: Withheld) -> None:
    """Write what is owed to a holder; nothing owed deletes the record."""
    key = _key(WITHHELD_PREFIX, withheld.bond_id, withheld.holder)
    if withheld.amount == 0:
        store.delete(key)
    else:
        store.set(key, encode_record(withheld))


def list_withheld(store: StateReader, bond_id: str) -> list[Withheld]:
    """Every amount owed to holders of a bond, in holder order."""
    prefix = _key(WITHHELD_PREFIX, bond_id) + b"/"
    return [decode_record(raw, Withheld) for _, raw in store.iter_prefix(prefix)]


__all__ = [
    "ACTIVE",
    "ALLOCATED",
    "BOND_STATUSES",
    "BOOK_OPEN",
    "REDEEMED",
    "Allotment",
    "Bond",
    "CouponRecord",
    "Framework",
    "History",
    "HistoryEntry",
    "Holding",
    "HoldingFreeze",
    "KpiResult",
    "Offer",
    "Order",
    "Pledge",
    "Review",
    "Watch",
    "Withheld",
]
