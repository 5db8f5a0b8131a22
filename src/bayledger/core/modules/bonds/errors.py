"""Errors of the bonds module (codespace ``bonds``). Codes never change once released.

As in the other modules, the base class keeps code 1 (a generic bonds failure, never raised itself) and the
concrete errors take 2, 3, … Each error carries the values a user needs to fix the request. Terms that
fail the bond maths raise the :mod:`bayledger.core.finance` errors (codespace ``finance``) unchanged, and
cash legs raise the cash module's errors (codespace ``cash``) unchanged.
"""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "bonds"


class BondsError(MsgFailedError):
    """Base of the bonds module's errors (code 1: generic, never raised directly)."""

    codespace = CODESPACE
    code = 1


class InvalidBondMessageError(BondsError):
    """A field fails the stateless checks (DID, id, hash, URI, amount, category, method, names, KPI)."""

    code = 2


class FrameworkExistsError(BondsError):
    """The issuer already published a framework with this document hash."""

    code = 3

    def __init__(self, issuer: str, document_hash: str, framework_id: str) -> None:
        super().__init__(f"{issuer} already published framework document {document_hash} as {framework_id}")
        self.framework_id = framework_id


class FrameworkNotFoundError(BondsError):
    """No green-bond framework has this id."""

    code = 4

    def __init__(self, framework_id: str) -> None:
        super().__init__(f"green-bond framework {framework_id} does not exist")


class ReviewExistsError(BondsError):
    """This reviewer already recorded a review of this framework (a review is final; publish a new one
    as a new framework version)."""

    code = 5

    def __init__(self, framework_id: str, reviewer: str) -> None:
        super().__init__(f"{reviewer} already reviewed framework {framework_id}")


class SelfReviewError(BondsError):
    """An issuer cannot review its own framework or attest its own bond's KPI: reviews are external."""

    code = 6

    def __init__(self, subject_id: str, reviewer: str) -> None:
        super().__init__(f"{reviewer} is the issuer of {subject_id}; an external reviewer must do this")


class UnverifiedFrameworkError(BondsError):
    """A green bond needs a framework of its issuer that an external reviewer found "aligned"."""

    code = 7

    def __init__(self, framework_id: str, reason: str) -> None:
        super().__init__(f"unverified framework {framework_id!r}: {reason}")
        self.framework_id = framework_id
        self.reason = reason


class BondExistsError(BondsError):
    """A bond with this ISIN (bond id ``BOND-<ISIN>``) already exists."""

    code = 8

    def __init__(self, bond_id: str) -> None:
        super().__init__(f"bond {bond_id} already exists")


class BondNotFoundError(BondsError):
    """No bond has this id."""

    code = 9

    def __init__(self, bond_id: str) -> None:
        super().__init__(f"bond {bond_id} does not exist")
        self.bond_id = bond_id


class SettlementTokenError(BondsError):
    """The cash token the bond settles in does not exist, or is not of the bond's currency."""

    code = 10

    def __init__(self, token_id: str, reason: str) -> None:
        super().__init__(f"settlement token {token_id}: {reason}")


class NotBondIssuerError(BondsError):
    """Only the bond's issuer may run its book, settle, pay coupons and redeem."""

    code = 11

    def __init__(self, bond_id: str, issuer: str, signer: str) -> None:
        super().__init__(f"{signer} is not the issuer of {bond_id}; only {issuer} may do this")


class WrongBondStatusError(BondsError):
    """The bond is not in a status that allows the operation (e.g. an order after the book closed)."""

    code = 12

    def __init__(self, bond_id: str, status: str, allowed: tuple[str, ...], action: str) -> None:
        super().__init__(f"cannot {action} {bond_id}: it is {status!r}; needs {' or '.join(allowed)}")
        self.status = status


class DenominationError(BondsError):
    """A bond amount must be a positive multiple of the denomination and at most the face amount."""

    code = 13

    def __init__(self, bond_id: str, amount: int, denomination: int, face: int) -> None:
        super().__init__(
            f"{bond_id}: amount {amount} must be a positive multiple of the denomination {denomination}"
            f" and at most the face amount {face} (minor units)"
        )


class OrderNotFoundError(BondsError):
    """A discretionary allocation names an investor with no order in the book."""

    code = 14

    def __init__(self, bond_id: str, investor: str) -> None:
        super().__init__(f"{investor} placed no order for {bond_id}")


class AllocationExceedsOrderError(BondsError):
    """A discretionary allocation gives an investor more than it ordered."""

    code = 15

    def __init__(self, bond_id: str, investor: str, ordered: int, allocated: int) -> None:
        super().__init__(f"{bond_id}: {investor} ordered {ordered}, allocation {allocated} is more")


class AllocationExceedsFaceError(BondsError):
    """The allocations add up to more than the face amount (issue size)."""

    code = 16

    def __init__(self, bond_id: str, total: int, face: int) -> None:
        super().__init__(f"{bond_id}: allocations total {total}, the face amount is {face}")


class NotYetDueError(BondsError):
    """The date of the operation has not come (UTC+8 calendar date of the block): settlement, a coupon,
    redemption, or a KPI observation."""

    code = 17

    def __init__(self, bond_id: str, action: str, due: str, today: str) -> None:
        super().__init__(f"{bond_id}: cannot {action} before {due}; today (UTC+8) is {today}")
        self.due = due


class SettlementTooLateError(BondsError):
    """Settlement must happen before the first coupon's record date (for a zero coupon, before maturity)."""

    code = 18

    def __init__(self, bond_id: str, deadline: str, today: str) -> None:
        super().__init__(f"{bond_id}: settlement must be before {deadline}; today (UTC+8) is {today}")


class HolderNotEligibleError(BondsError):
    """A party does not hold the valid credential needed to hold, receive or take a pledge of the bond."""

    code = 19

    def __init__(self, bond_id: str, party: str, did: str, credential_types: tuple[str, ...]) -> None:
        wanted = " or ".join(repr(t) for t in credential_types)
        super().__init__(f"{bond_id}: the {party} {did} holds no valid {wanted} credential")
        self.party = party
        self.did = did


class InsufficientHoldingError(BondsError):
    """The holder's available (not pledged, not escrowed) amount is below the amount requested."""

    code = 20

    def __init__(self, bond_id: str, holder: str, available: int, wanted: int) -> None:
        super().__init__(f"{holder} has {available} of {bond_id} available (minor units), {wanted} requested")
        self.available = available


class OfferNotFoundError(BondsError):
    """No open offer has this id (never made, accepted or cancelled)."""

    code = 21

    def __init__(self, offer_id: str) -> None:
        super().__init__(f"no open offer {offer_id}")


class NotOfferPartyError(BondsError):
    """Only the named buyer may accept an offer; only its seller or buyer may cancel it."""

    code = 22

    def __init__(self, offer_id: str, signer: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"{signer} may not do this to offer {offer_id}; only {' or '.join(allowed)}")


class InsufficientPledgeError(BondsError):
    """The pledgee holds less of the holder's bonds in pledge than the release asks for."""

    code = 23

    def __init__(self, bond_id: str, holder: str, pledgee: str, pledged: int, wanted: int) -> None:
        super().__init__(f"{pledgee} holds {pledged} of {holder}'s {bond_id} in pledge, {wanted} requested")


class CouponNotFoundError(BondsError):
    """The bond has no coupon period with this index (a zero-coupon bond has none)."""

    code = 24

    def __init__(self, bond_id: str, index: int, count: int) -> None:
        super().__init__(f"{bond_id} has {count} coupon periods (1..{count}); no period {index}")


class CouponAlreadyPaidError(BondsError):
    """The coupon of this period was already paid."""

    code = 25

    def __init__(self, bond_id: str, index: int, height: int) -> None:
        super().__init__(f"coupon {index} of {bond_id} was already paid at height {height}")


class CouponsUnpaidError(BondsError):
    """A bond redeems only after every coupon is paid."""

    code = 26

    def __init__(self, bond_id: str, unpaid: list[int]) -> None:
        super().__init__(f"{bond_id}: coupons {unpaid} are unpaid; pay them before redemption")
        self.unpaid = unpaid


class EncumberedHoldingsError(BondsError):
    """Redemption waits until no holding is pledged or escrowed in an open offer."""

    code = 27

    def __init__(self, bond_id: str, pledged: int, escrowed: int) -> None:
        super().__init__(
            f"{bond_id}: {pledged} pledged and {escrowed} escrowed in offers (minor units); pledgees must "
            "release and offers be accepted or cancelled before redemption"
        )


class NoKpiError(BondsError):
    """The bond is not sustainability-linked: it has no KPI to attest."""

    code = 28

    def __init__(self, bond_id: str) -> None:
        super().__init__(f"{bond_id} has no sustainability-linked KPI")


class KpiAlreadyAttestedError(BondsError):
    """The KPI of a bond is attested once."""

    code = 29

    def __init__(self, bond_id: str, reviewer: str, height: int) -> None:
        super().__init__(f"the KPI of {bond_id} was already attested by {reviewer} at height {height}")


class HoldingFrozenError(BondsError):
    """The holder's bonds are frozen by the issuer or a regulator: they can neither move nor be received."""

    code = 30

    def __init__(self, bond_id: str, holder: str, reason: str) -> None:
        super().__init__(f"{holder}'s {bond_id} is frozen: {reason}")


class NotFrozenError(BondsError):
    """An unfreeze names a holding that is not frozen."""

    code = 31

    def __init__(self, bond_id: str, holder: str) -> None:
        super().__init__(f"{holder}'s {bond_id} is not frozen")


class EmptyAllocationError(BondsError):
    """An allocation allots nothing (an empty book, or every allotment 0)."""

    code = 32

    def __init__(self, bond_id: str) -> None:
        super().__init__(f"{bond_id}: nothing to allot (the book is empty)")


class NothingWithheldError(BondsError):
    """A withheld payment is paid for a holder to whom nothing is owed."""

    code = 33

    def __init__(self, bond_id: str, holder: str) -> None:
        super().__init__(f"{bond_id}: nothing is withheld for {holder}")
