"""Handlers that create credits: batch issuance by a verifier, and bridging in from another registry."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.anchor.state import Anchor, get_anchor, get_attestation
from bayledger.core.modules.carbon.checks import compute_vintage_days
from bayledger.core.modules.carbon.errors import (
    BridgeReplayError,
    ReportAlreadyUsedError,
    ReportNotAttestedError,
    SupplyOverflowError,
    VerifiedAmountExceededError,
)
from bayledger.core.modules.carbon.events import EventBridgeIn, EventIssueBatch
from bayledger.core.modules.carbon.keeper import (
    check_class_issuer,
    compute_claim_unit,
    record_movement,
    require_class,
    require_credit_type,
    require_project,
    retire_pieces,
    select_tradable,
)
from bayledger.core.modules.carbon.ledger import SerialRange, get_balance, set_balance, set_range
from bayledger.core.modules.carbon.msgs import MsgBridgeIn, MsgIssueBatch
from bayledger.core.modules.carbon.rules import (
    MAX_AMOUNT,
    STATUS_TRADABLE,
    VERIFIED_QUANTITY_KEY,
    compute_units_per_credit,
    parse_quantity,
)
from bayledger.core.modules.carbon.state import (
    Batch,
    CreditType,
    Origin,
    Project,
    compute_batch_id,
    get_origin,
    get_report_batch,
    set_batch,
    set_origin,
    set_project,
    set_report_batch,
)
from bayledger.core.modules.claims.keeper import register_serial_range_claim
from bayledger.core.types import Did


def _attested_report(ctx: Context, anchor_id: str, issuer: Did) -> Anchor:
    anchor = get_anchor(ctx.store, anchor_id)
    if anchor is None:
        raise ReportNotAttestedError(f"verification report anchor {anchor_id} does not exist")
    if anchor.owner != issuer and get_attestation(ctx.store, anchor_id, issuer) is None:
        raise ReportNotAttestedError(
            f"verification report {anchor_id} is neither anchored nor attested by {issuer}"
        )
    if VERIFIED_QUANTITY_KEY not in anchor.metadata:
        raise ReportNotAttestedError(f"verification report {anchor_id} states no {VERIFIED_QUANTITY_KEY!r}")
    return anchor


def _new_batch(
    ctx: Context, project: Project, credit_type: CreditType, msg: MsgIssueBatch | MsgBridgeIn, amount: int
) -> Batch:
    """The batch record of a new issuance or bridge-in (the next number of the project)."""
    number = project.batch_count + 1
    return Batch(
        batch_id=compute_batch_id(project.project_id, msg.vintage_start, msg.vintage_end, number),
        project_id=project.project_id,
        class_id=project.class_id,
        credit_type=credit_type.abbreviation,
        issuer=msg.issuer,
        vintage_start=msg.vintage_start,
        vintage_end=msg.vintage_end,
        verified_amount=amount,
        issued=amount,
        tradable=amount,
        retired=0,
        cancelled=0,
        escrowed=0,
        report_anchor_id="",
        report_hash="",
        origin_registry="",
        origin_reference="",
        authorization=msg.authorization,
        host_country=msg.host_country,
        adjustment_status=msg.adjustment_status,
        adjustment_reference="",
        issued_height=ctx.height,
        issued_time=ctx.time,
    )


def _mint(ctx: Context, batch_id: str, recipient: Did, first: int, amount: int, kind: str, ref: str) -> None:
    last = first + amount - 1
    set_range(ctx.store, SerialRange(batch_id, first, last, recipient, STATUS_TRADABLE, ""))
    balance = get_balance(ctx.store, batch_id, recipient)
    set_balance(ctx.store, replace(balance, tradable=balance.tradable + amount))
    record_movement(ctx, batch_id, kind, "", recipient, amount, [(first, last)], ref)


def _issue_context(ctx: Context, project_id: str, issuer: Did) -> tuple[Project, CreditType]:
    project = require_project(ctx.store, project_id)
    credit_class = require_class(ctx.store, project.class_id)
    credit_type = require_credit_type(ctx.store, credit_class.credit_type)
    check_class_issuer(credit_class, issuer)
    return project, credit_type


def process_issue_batch(ctx: Context, msg: MsgIssueBatch) -> None:
    """Issue one vintage to several recipients, within the attested report's verified quantity; the
    entries take serials in order (tradable first, then those retired at once for their beneficiary)."""
    project, credit_type = _issue_context(ctx, msg.project_id, msg.issuer)
    anchor = _attested_report(ctx, msg.report_anchor_id, msg.issuer)
    verified = parse_quantity(anchor.metadata[VERIFIED_QUANTITY_KEY], credit_type.precision)
    used_by = get_report_batch(ctx.store, anchor.content_hash)
    if used_by is not None:
        raise ReportAlreadyUsedError(anchor.id, used_by)
    total = sum(entry.tradable_amount + entry.retired_amount for entry in msg.issuance)
    if total > MAX_AMOUNT:
        raise SupplyOverflowError(total, MAX_AMOUNT)
    if total > verified:
        raise VerifiedAmountExceededError(anchor.id, verified, total)

    batch = replace(
        _new_batch(ctx, project, credit_type, msg, total),
        verified_amount=verified,
        report_anchor_id=anchor.id,
        report_hash=anchor.content_hash,
    )
    set_batch(ctx.store, batch)
    set_project(ctx.store, replace(project, batch_count=project.batch_count + 1))
    set_report_batch(ctx.store, anchor.content_hash, batch.batch_id)
    retired = sum(entry.retired_amount for entry in msg.issuance)
    ctx.emit(
        EventIssueBatch(
            batch_id=batch.batch_id, project_id=project.project_id, issuer=msg.issuer,
            vintage_start=msg.vintage_start, vintage_end=msg.vintage_end, issued=total, retired=retired,
            origin_registry="", origin_reference="",
        )
    )  # fmt: skip
    first = 1
    for entry in msg.issuance:
        amount = entry.tradable_amount + entry.retired_amount
        _mint(ctx, batch.batch_id, entry.recipient, first, amount, "issue", anchor.id)
        if entry.retired_amount:
            serials = [(first + entry.tradable_amount, first + amount - 1)]
            pieces = select_tradable(
                ctx.store, batch.batch_id, entry.recipient, entry.retired_amount, serials
            )
            retire_pieces(
                ctx, batch, entry.recipient, pieces, entry.beneficiary, entry.reason, entry.jurisdiction
            )
        first += amount


def compute_origin_batch_ref(registry: str, batch: str) -> str:
    """The claims-registry reference of an origin batch: registry and batch id case-folded, so the same
    origin serials bridged in again under ``vcs-1234`` after ``VCS-1234`` overlap and are refused."""
    return f"{registry.casefold()}:{batch.casefold()}"


def process_bridge_in(ctx: Context, msg: MsgBridgeIn) -> None:
    """Mint credits bridged from another registry as a new batch, once per origin reference, after
    claiming the origin serials in the claims registry (so overlapping origin serials are refused too)."""
    project, credit_type = _issue_context(ctx, msg.project_id, msg.issuer)
    origin = get_origin(ctx.store, msg.origin_registry, msg.origin_reference)
    if origin is not None:
        raise BridgeReplayError(msg.origin_registry, msg.origin_reference, origin.batch_id)
    credits = msg.origin_last - msg.origin_first + 1
    amount = credits * compute_units_per_credit(credit_type.precision)
    if amount > MAX_AMOUNT:
        raise SupplyOverflowError(amount, MAX_AMOUNT)
    start, end = compute_vintage_days(msg.vintage_start, msg.vintage_end)
    batch = replace(
        _new_batch(ctx, project, credit_type, msg, amount),
        origin_registry=msg.origin_registry,
        origin_reference=msg.origin_reference,
    )
    claim_id = register_serial_range_claim(
        ctx,
        claimant=msg.recipient,
        batch_ref=compute_origin_batch_ref(msg.origin_registry, msg.origin_batch),
        ranges=[(msg.origin_first, msg.origin_last)],
        project_ref=project.project_id,
        vintage_start=start,
        vintage_end=end,
        quantity=credits,
        unit=compute_claim_unit(credit_type.unit, 0),
        source="carbon/bridge-in",
    )

    set_batch(ctx.store, batch)
    set_project(ctx.store, replace(project, batch_count=project.batch_count + 1))
    set_origin(
        ctx.store,
        Origin(msg.origin_registry, msg.origin_reference, msg.origin_batch, msg.origin_first, msg.origin_last,
               batch.batch_id, claim_id, ctx.height),
    )  # fmt: skip
    ctx.emit(
        EventIssueBatch(
            batch_id=batch.batch_id, project_id=project.project_id, issuer=msg.issuer,
            vintage_start=msg.vintage_start, vintage_end=msg.vintage_end, issued=amount, retired=0,
            origin_registry=msg.origin_registry, origin_reference=msg.origin_reference,
        )
    )  # fmt: skip
    _mint(
        ctx,
        batch.batch_id,
        msg.recipient,
        1,
        amount,
        "bridge-in",
        f"{msg.origin_registry}:{msg.origin_reference}",
    )
    ctx.emit(
        EventBridgeIn(
            batch_id=batch.batch_id, origin_registry=msg.origin_registry,
            origin_reference=msg.origin_reference, origin_batch=msg.origin_batch,
            origin_first=msg.origin_first, origin_last=msg.origin_last, claim_id=claim_id,
        )
    )  # fmt: skip
