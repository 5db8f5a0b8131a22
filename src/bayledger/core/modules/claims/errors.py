"""Errors of the claims registry (codespace ``claims``). Codes never change once released."""

from __future__ import annotations

from bayledger.core.errors import MsgFailedError

CODESPACE = "claims"


class ClaimsError(MsgFailedError):
    """Base of the claims registry's errors."""

    codespace = CODESPACE


class InvalidClaimError(ClaimsError):
    """A claim's fields are malformed (reference, period, serial ranges, quantity, unit, source)."""

    code = 2


class OverlappingClaimError(ClaimsError):
    """The new claim covers tonnes an existing claim already covers: it would count them twice."""

    code = 3

    def __init__(self, existing_claim_id: str, rule: str) -> None:
        super().__init__(f"overlaps claim {existing_claim_id}: {rule}")
        self.existing_claim_id = existing_claim_id
        self.rule = rule
