"""Invariants of the identity module."""

from __future__ import annotations

from itertools import pairwise

from bayledger.core.modules.identity.state import (
    REVOCATION,
    get_did_version,
    list_did_pointers,
    list_did_versions,
    list_status_flags,
    list_status_lists,
)
from bayledger.core.store import StateReader


def check_did_versions(store: StateReader) -> list[str]:
    """Every latest pointer has its version; versions run 1..latest; only the last may be deactivated."""
    broken = []
    for pointer in list_did_pointers(store):
        latest = get_did_version(store, pointer.did, pointer.version)
        if latest is None:
            broken.append(f"{pointer.did}: latest version {pointer.version} is missing")
        elif latest.deactivated != pointer.deactivated:
            broken.append(f"{pointer.did}: pointer and version {pointer.version} disagree on deactivation")
        versions = list_did_versions(store, pointer.did)
        numbers = [v.version for v in versions]
        if numbers != list(range(1, pointer.version + 1)):
            broken.append(f"{pointer.did}: versions {numbers} are not 1..{pointer.version}")
        if any(v.deactivated for v in versions[:-1]):
            broken.append(f"{pointer.did}: a version after a deactivated one")
        if any(a.height > b.height or a.time > b.time for a, b in pairwise(versions)):
            broken.append(f"{pointer.did}: versions go back in height or time")
    return broken


def check_status_lists(store: StateReader) -> list[str]:
    """No revoked index was ever cleared: a revocation list's flags number its ``flagged_total``."""
    broken = []
    for status_list in list_status_lists(store):
        flags = list_status_flags(store, status_list.issuer, status_list.list_id)
        name = f"{status_list.issuer}/{status_list.list_id}"
        if len(flags) > status_list.flagged_total:
            broken.append(f"{name}: {len(flags)} flags but only {status_list.flagged_total} ever set")
        if status_list.purpose == REVOCATION and len(flags) != status_list.flagged_total:
            broken.append(f"{name}: {status_list.flagged_total} indices revoked, {len(flags)} still flagged")
    return broken
