"""Messages of the impact module and their stateless checks.

Amounts are integers in minor units of the project's (and bond's) currency, at most 2^53 - 1. Dates are
``YYYY-MM-DD`` calendar dates in Hong Kong / Beijing time (UTC+8). Indicator values are integers in the
sub-unit ``indicators.INDICATORS`` fixes for each indicator.
"""

from __future__ import annotations

import re
from datetime import date  # core-ok: calendar values only; no clock is ever read
from typing import ClassVar

from bayledger.core.encoding import MAX_SAFE_INTEGER
from bayledger.core.finance import FinanceError, parse_date
from bayledger.core.modules.anchor.msgs import is_content_hash
from bayledger.core.modules.cash.msgs import is_currency
from bayledger.core.modules.identity.msgs import is_identifier, is_jurisdiction
from bayledger.core.modules.impact.errors import InvalidImpactMsgError
from bayledger.core.modules.impact.indicators import GBP_CATEGORIES, INDICATORS, REPORT_BASES, TAXONOMIES
from bayledger.core.modules.impact.state import (
    PROJECT_ID_PREFIX,
    STATUS_REJECTED,
    STATUS_VERIFIED,
    IndicatorValue,
    TaxonomyCode,
)
from bayledger.core.msg import Msg, Requirement
from bayledger.core.types import Did

EXTERNAL_REVIEWER_CREDENTIAL = "ExternalReviewerCredential"
VERDICTS = (STATUS_VERIFIED, STATUS_REJECTED)
MAX_AMOUNT = MAX_SAFE_INTEGER
MAX_NAME_LENGTH = 256
MAX_METHOD_LENGTH = 512
MAX_TAXONOMY_CODES = 16

_PROJECT_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{2,63}")  # e.g. C01-001, PRJ-000001 (no "/")
_BOND_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")  # e.g. BOND-HK0000000001
_REPORT_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{2,63}/R[0-9]{4}")
_TAXONOMY_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,15}")
_TAXONOMY_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


class MsgRegisterProject(Msg, frozen=True, tag="impact/MsgRegisterProject"):
    """An issuer registers a green project it finances. ``project_id`` "" takes the next ``PRJ-000001``.

    ``total_financing`` is the project's cost from every source (minor units of ``currency``); a bond's
    share of the project is what it allocated over this total.
    """

    signer_field: ClassVar[str] = "owner"
    owner: Did
    project_id: str
    name_en: str
    name_zh: str
    category: str
    jurisdiction: str
    location: str
    currency: str
    total_financing: int
    taxonomy: list[TaxonomyCode]
    document_hash: str
    carbon_project_ref: str = ""


class MsgAllocateProceeds(Msg, frozen=True, tag="impact/MsgAllocateProceeds"):
    """The bond's issuer allocates ``amount`` of a settled bond's proceeds to one of its projects."""

    signer_field: ClassVar[str] = "issuer"
    issuer: Did
    bond_id: str
    project_id: str
    amount: int
    date: str
    refinancing: bool
    taxonomy: list[TaxonomyCode]


class MsgSubmitImpactReport(Msg, frozen=True, tag="impact/MsgSubmitImpactReport"):
    """The project owner reports the project's impact over ``period_start..period_end`` (both included)."""

    signer_field: ClassVar[str] = "owner"
    owner: Did
    project_id: str
    period_start: str
    period_end: str
    basis: str
    method: str
    indicators: list[IndicatorValue]
    document_hash: str


class MsgVerifyImpactReport(Msg, frozen=True, tag="impact/MsgVerifyImpactReport"):
    """An external reviewer (not the owner) verifies or rejects an impact report, once."""

    signer_field: ClassVar[str] = "reviewer"
    requires: ClassVar[tuple[Requirement, ...]] = (Requirement("credential", EXTERNAL_REVIEWER_CREDENTIAL),)
    reviewer: Did
    report_id: str
    verdict: str
    review_hash: str


# --- predicates and checks ---------------------------------------------------------------------------------


def is_project_id(text: str) -> bool:
    """True for 3-64 of ``A-Z0-9-`` starting with a capital or digit (``C01-001``, ``PRJ-000001``)."""
    return _PROJECT_ID.fullmatch(text) is not None


def is_bond_id(text: str) -> bool:
    """True for the shape of a bond id: 1-64 of ``A-Za-z0-9-`` (``BOND-<ISIN>``)."""
    return _BOND_ID.fullmatch(text) is not None


def is_report_id(text: str) -> bool:
    """True for ``<project id>/R<4 digits>``."""
    return _REPORT_ID.fullmatch(text) is not None


def parse_wire_date(field: str, text: str) -> date:
    """A ``YYYY-MM-DD`` date, or InvalidImpactMsgError naming ``field``."""
    try:
        return parse_date(text)
    except FinanceError as exc:
        raise InvalidImpactMsgError(f"{field}: {exc.message}") from None


def _check_text(field: str, text: str, *, required: bool, limit: int = MAX_NAME_LENGTH) -> None:
    if len(text) > limit or (required and not text.strip()):
        raise InvalidImpactMsgError(f"{field} must be {1 if required else 0}-{limit} characters")


def _check_amount(field: str, value: int) -> None:
    if not 0 < value <= MAX_AMOUNT:
        raise InvalidImpactMsgError(f"{field} must be 1..{MAX_AMOUNT} minor units, got {value}")


def _check_hash(field: str, text: str) -> None:
    if not is_content_hash(text):
        raise InvalidImpactMsgError(f"{field} must be 64 lower-case hex characters")


def check_taxonomy(codes: list[TaxonomyCode]) -> None:
    """Raise InvalidImpactMsgError unless every code names a known taxonomy, a version and an activity code,
    with no duplicate and at most ``MAX_TAXONOMY_CODES``."""
    if len(codes) > MAX_TAXONOMY_CODES:
        raise InvalidImpactMsgError(f"at most {MAX_TAXONOMY_CODES} taxonomy codes")
    for code in codes:
        if code.taxonomy not in TAXONOMIES:
            raise InvalidImpactMsgError(
                f"taxonomy {code.taxonomy!r} is not one of {', '.join(sorted(TAXONOMIES))}"
            )
        if _TAXONOMY_VERSION.fullmatch(code.version) is None:
            raise InvalidImpactMsgError(f"taxonomy version {code.version!r} must be 1-16 of A-Za-z0-9.-")
        if _TAXONOMY_CODE.fullmatch(code.code) is None:
            raise InvalidImpactMsgError(f"taxonomy code {code.code!r} must be 1-32 of A-Za-z0-9._-")
    if len(set(codes)) != len(codes):
        raise InvalidImpactMsgError("a taxonomy code is listed twice")


def check_indicators(values: list[IndicatorValue]) -> None:
    """Raise InvalidImpactMsgError unless the values name known core indicators, once each, with values in
    0..2^53 - 1 of the indicator's sub-unit, in ascending name order, at least one."""
    if not values:
        raise InvalidImpactMsgError("a report carries at least one indicator")
    for item in values:
        if item.indicator not in INDICATORS:
            raise InvalidImpactMsgError(
                f"indicator {item.indicator!r} is not one of {', '.join(sorted(INDICATORS))}"
            )
        if not 0 <= item.value <= MAX_SAFE_INTEGER:
            raise InvalidImpactMsgError(f"indicator {item.indicator} value must be 0..{MAX_SAFE_INTEGER}")
    names = [item.indicator for item in values]
    if names != sorted(set(names)):
        raise InvalidImpactMsgError("indicators must be listed once each, in ascending name order")


def validate_register_project(msg: MsgRegisterProject) -> None:
    """Stateless checks of MsgRegisterProject."""
    if msg.project_id and (not is_project_id(msg.project_id) or msg.project_id.startswith(PROJECT_ID_PREFIX)):
        raise InvalidImpactMsgError(
            f"project_id {msg.project_id!r} must be 3-64 of A-Z0-9- (not starting {PROJECT_ID_PREFIX}, "
            "which generated ids use), or empty for the next generated id"
        )
    _check_text("name_en", msg.name_en, required=True)
    _check_text("name_zh", msg.name_zh, required=False)
    if msg.category not in GBP_CATEGORIES:
        raise InvalidImpactMsgError(f"category {msg.category!r} is not an ICMA GBP category")
    if not is_jurisdiction(msg.jurisdiction):
        raise InvalidImpactMsgError(f"jurisdiction {msg.jurisdiction!r} is not ISO 3166-1/3166-2")
    _check_text("location", msg.location, required=True)
    if not is_currency(msg.currency):
        raise InvalidImpactMsgError(f"currency {msg.currency!r} is not supported")
    _check_amount("total_financing", msg.total_financing)
    check_taxonomy(msg.taxonomy)
    _check_hash("document_hash", msg.document_hash)
    if msg.carbon_project_ref and not is_identifier(msg.carbon_project_ref):
        raise InvalidImpactMsgError("carbon_project_ref must be 1-128 of A-Za-z0-9._:- (or empty)")


def validate_allocate_proceeds(msg: MsgAllocateProceeds) -> None:
    """Stateless checks of MsgAllocateProceeds."""
    if not is_bond_id(msg.bond_id):
        raise InvalidImpactMsgError(f"bond_id {msg.bond_id!r} is not a bond id")
    if not is_project_id(msg.project_id):
        raise InvalidImpactMsgError(f"project_id {msg.project_id!r} is not a project id")
    _check_amount("amount", msg.amount)
    parse_wire_date("date", msg.date)
    check_taxonomy(msg.taxonomy)


def validate_submit_impact_report(msg: MsgSubmitImpactReport) -> None:
    """Stateless checks of MsgSubmitImpactReport."""
    if not is_project_id(msg.project_id):
        raise InvalidImpactMsgError(f"project_id {msg.project_id!r} is not a project id")
    start = parse_wire_date("period_start", msg.period_start)
    end = parse_wire_date("period_end", msg.period_end)
    if end < start:
        raise InvalidImpactMsgError(f"period_end {msg.period_end} is before period_start {msg.period_start}")
    if msg.basis not in REPORT_BASES:
        raise InvalidImpactMsgError(f"basis must be one of {', '.join(REPORT_BASES)}")
    _check_text("method", msg.method, required=True, limit=MAX_METHOD_LENGTH)
    check_indicators(msg.indicators)
    _check_hash("document_hash", msg.document_hash)


def validate_verify_impact_report(msg: MsgVerifyImpactReport) -> None:
    """Stateless checks of MsgVerifyImpactReport."""
    if not is_report_id(msg.report_id):
        raise InvalidImpactMsgError(f"report_id {msg.report_id!r} is not <project id>/R0001")
    if msg.verdict not in VERDICTS:
        raise InvalidImpactMsgError(f"verdict must be one of {', '.join(VERDICTS)}")
    _check_hash("review_hash", msg.review_hash)
