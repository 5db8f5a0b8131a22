"""Invariants of the datamobility module."""

from __future__ import annotations

from collections import Counter

from bayledger.core.hashing import get_hash_function
from bayledger.core.modules.datamobility.audit import verify_log_chain
from bayledger.core.modules.datamobility.records import ALLOW, DENY, GIVEN
from bayledger.core.modules.datamobility.state import (
    EXPIRY_PREFIX,
    list_consents,
    list_filings,
    list_grants,
    list_log,
    list_requests,
)
from bayledger.core.store import StateReader


def check_access_log(store: StateReader) -> list[str]:
    """The access log is an unbroken hash chain from entry 1 (under the zone's SHA-256 or SM3)."""
    entries = list_log(store)
    if not entries:
        return []
    attempts = [verify_log_chain(entries, get_hash_function(name)) for name in ("sha256", "sm3")]
    return min(attempts, key=len)


def check_decisions(store: StateReader) -> list[str]:
    """Allowed requests have exactly one grant, denied ones a reason and none; filings count their grants;
    the expiry index lists exactly the given consents that have a ``valid_until``."""
    broken = []
    grants = {grant.grant_id: grant for grant in list_grants(store)}
    for request in list_requests(store):
        if request.decision == ALLOW and (request.reasons or request.grant_id not in grants):
            broken.append(f"{request.request_id}: allowed without a grant, or with reasons")
        if request.decision == DENY and (not request.reasons or request.grant_id):
            broken.append(f"{request.request_id}: denied without a reason, or with a grant")
    per_filing = Counter(grant.filing_id for grant in grants.values())
    for filing in list_filings(store):
        if filing.grants != per_filing[filing.filing_id]:
            broken.append(
                f"{filing.filing_id}: counts {filing.grants} grants, {per_filing[filing.filing_id]} exist"
            )
    indexed = {
        key[len(EXPIRY_PREFIX) :].decode().partition("/")[2] for key, _ in store.iter_prefix(EXPIRY_PREFIX)
    }
    expected = {c.consent_id for c in list_consents(store) if c.status == GIVEN and c.valid_until}
    if indexed != expected:
        broken.append(
            f"consent expiry index {sorted(indexed)} != given consents with expiry {sorted(expected)}"
        )
    return broken
