"""The tamper-evident access log: every decision, delivery, refusal, withdrawal and validation, hash-chained.

Each entry's ``entry_hash`` is the zone hash of ``bayledger/dm-log/v1\\n`` + the previous entry's hash +
the canonical JSON of the entry without its hash, so changing or dropping any entry breaks every later
hash. Entries live in state (so they are in the app hash and provable) and carry ``retain_until``: the
block time plus the retention period (default 1096 days, at least 3 years).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from msgspec.structs import replace

from bayledger.core.codec import encode_record
from bayledger.core.context import Context
from bayledger.core.modules.datamobility.records import LogEntry
from bayledger.core.modules.datamobility.state import append_log_entry, get_log_head, get_settings
from bayledger.core.modules.datamobility.workdays import DAY_MS
from bayledger.core.types import Did

LOG_DOMAIN = b"bayledger/dm-log/v1\n"
MIN_RETENTION_DAYS = 1096  # 3 years of 365 days + a leap day


def compute_log_entry_hash(entry: LogEntry, hash_fn: Callable[[bytes], bytes]) -> str:
    """The hex hash an entry must carry, given its ``prev_hash`` (any ``entry_hash`` it has is ignored)."""
    body = encode_record(replace(entry, entry_hash=""))
    return hash_fn(LOG_DOMAIN + entry.prev_hash.encode() + b"\n" + body).hex()


def verify_log_chain(entries: Sequence[LogEntry], hash_fn: Callable[[bytes], bytes]) -> list[str]:
    """Problems found re-computing the chain of ``entries`` from the first (empty when intact)."""
    problems = []
    prev = ""
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            problems.append(f"entry {entry.seq}: expected sequence number {expected_seq}")
        if entry.prev_hash != prev:
            problems.append(f"entry {entry.seq}: prev_hash does not link to entry {entry.seq - 1}")
        if compute_log_entry_hash(entry, hash_fn) != entry.entry_hash:
            problems.append(f"entry {entry.seq}: entry_hash does not match its content")
        prev = entry.entry_hash
    return problems


def record_access(
    ctx: Context,
    action: str,
    *,
    actor: Did,
    subject: Did = "",
    counterparty: Did = "",
    asset_id: str = "",
    purpose: str = "",
    outcome: str = "",
    reasons: Sequence[str] = (),
    ref: str = "",
) -> LogEntry:
    """Append one entry to the access log and return it."""
    seq, prev_hash = get_log_head(ctx.store)
    retention = max(get_settings(ctx.store).retention_days, MIN_RETENTION_DAYS)
    entry = LogEntry(
        seq=seq + 1,
        height=ctx.height,
        time=ctx.time,
        actor=actor,
        action=action,
        subject=subject,
        counterparty=counterparty,
        asset_id=asset_id,
        purpose=purpose,
        outcome=outcome,
        reasons=list(reasons),
        ref=ref,
        retain_until=ctx.time + retention * DAY_MS,
        prev_hash=prev_hash,
        entry_hash="",
    )
    entry = replace(entry, entry_hash=compute_log_entry_hash(entry, ctx.chain.hash_fn))
    append_log_entry(ctx.store, entry)
    return entry
