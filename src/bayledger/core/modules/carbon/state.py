"""State of the carbon registry, part 1: credit types, classes, projects, batches, bridged origins.

Balances, serial ranges, movements, retirements, cancellations and escrows are in ``ledger.py``.
"""

from __future__ import annotations

import msgspec

from bayledger.core.codec import decode_record, encode_record
from bayledger.core.store import StateReader, WritableState, take_next_sequence
from bayledger.core.types import Did, Height, TimestampMs

TYPE_PREFIX = b"carbon/t/"  # carbon/t/<abbreviation> -> CreditType
CLASS_PREFIX = b"carbon/c/"  # carbon/c/<class_id> -> CreditClass
PROJECT_PREFIX = b"carbon/p/"  # carbon/p/<project_id> -> Project
BATCH_PREFIX = b"carbon/bt/"  # carbon/bt/<batch_id> -> Batch
ORIGIN_PREFIX = b"carbon/o/"  # carbon/o/<registry>/<reference> -> Origin (bridged in, never again)
REPORT_PREFIX = b"carbon/ra/"  # carbon/ra/<report content hash> -> batch id the report backs
CLASS_SEQ_PREFIX = b"carbon/seq/c/"  # carbon/seq/c/<abbreviation> -> last class number of the type


class CreditType(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A kind of credit: ``C`` carbon in tCO2e with 3 decimals (1 unit = 1 kg), ``BIO`` biodiversity …"""

    abbreviation: str
    name: str
    unit: str
    precision: int
    registered_height: Height


class CreditClass(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A credit class: one methodology family with its admin and allowed issuers (verifiers)."""

    class_id: str
    credit_type: str
    admin: Did
    issuers: list[Did]
    methodology: str
    name_en: str
    name_zh: str
    created_height: Height
    project_count: int = 0


class Document(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A project document anchored by its hash (PDD, validation report, monitoring plan …)."""

    name: str
    hash: str


class Project(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A project of a class: where it is, who develops it, which methodology, which documents."""

    project_id: str
    class_id: str
    developer: Did
    jurisdiction: str
    location: str
    methodology: str
    name_en: str
    name_zh: str
    reference: str
    documents: list[Document]
    created_height: Height
    batch_count: int = 0


class IssuanceEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One recipient of an issuance: tradable units, and units retired at once for a beneficiary."""

    recipient: Did
    tradable_amount: int
    retired_amount: int = 0
    beneficiary: str = ""
    reason: str = ""
    jurisdiction: str = ""


class Batch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A vintage of a project, issued once with serials ``1..issued`` (one per smallest unit).

    ``tradable + retired + cancelled + escrowed == issued`` always (the module's main invariant).
    Bridged-in batches carry their origin; Article 6 fields say whether the host country authorised the
    credits and whether it applied the corresponding adjustment.
    """

    batch_id: str
    project_id: str
    class_id: str
    credit_type: str
    issuer: Did
    vintage_start: str
    vintage_end: str
    verified_amount: int
    issued: int
    tradable: int
    retired: int
    cancelled: int
    escrowed: int
    report_anchor_id: str
    report_hash: str
    origin_registry: str
    origin_reference: str
    authorization: str
    host_country: str
    adjustment_status: str
    adjustment_reference: str
    issued_height: Height
    issued_time: TimestampMs


class Origin(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An origin reference bridged in from another registry, and the local batch it became."""

    registry: str
    reference: str
    origin_batch: str
    first: int
    last: int
    batch_id: str
    claim_id: str
    height: Height


# --- keys --------------------------------------------------------------------------------------------------


def type_key(abbreviation: str) -> bytes:
    """State key of a credit type (provable kind ``type``)."""
    return TYPE_PREFIX + abbreviation.encode()


def class_key(class_id: str) -> bytes:
    """State key of a class (provable kind ``class``)."""
    return CLASS_PREFIX + class_id.encode()


def project_key(project_id: str) -> bytes:
    """State key of a project (provable kind ``project``)."""
    return PROJECT_PREFIX + project_id.encode()


def batch_key(batch_id: str) -> bytes:
    """State key of a batch (provable kind ``batch``)."""
    return BATCH_PREFIX + batch_id.encode()


def origin_key(ident: str) -> bytes:
    """State key of a bridged origin from ``<registry>/<reference>`` (provable kind ``origin``; absence
    proves the reference was never bridged in)."""
    return ORIGIN_PREFIX + ident.encode()


def _report_key(report_hash: str) -> bytes:
    return REPORT_PREFIX + report_hash.encode()


# --- ids ---------------------------------------------------------------------------------------------------


def next_class_id(store: WritableState, abbreviation: str) -> str:
    """The next class id of a credit type: ``C01``, ``C02``, …"""
    return f"{abbreviation}{take_next_sequence(store, CLASS_SEQ_PREFIX + abbreviation.encode()):02d}"


def compute_project_id(class_id: str, number: int) -> str:
    """Project number ``number`` of a class: ``C01-001``."""
    return f"{class_id}-{number:03d}"


def compute_batch_id(project_id: str, vintage_start: str, vintage_end: str, number: int) -> str:
    """Batch number ``number`` of a project: ``C01-001-20240101-20241231-001``."""
    return f"{project_id}-{vintage_start.replace('-', '')}-{vintage_end.replace('-', '')}-{number:03d}"


# --- readers and writers -----------------------------------------------------------------------------------


def get_credit_type(store: StateReader, abbreviation: str) -> CreditType | None:
    """The credit type, or None."""
    raw = store.get(type_key(abbreviation))
    return None if raw is None else decode_record(raw, CreditType)


def set_credit_type(store: WritableState, credit_type: CreditType) -> None:
    """Write a credit type."""
    store.set(type_key(credit_type.abbreviation), encode_record(credit_type))


def list_credit_types(store: StateReader) -> list[CreditType]:
    """Every credit type, by abbreviation."""
    return [decode_record(raw, CreditType) for _, raw in store.iter_prefix(TYPE_PREFIX)]


def get_class(store: StateReader, class_id: str) -> CreditClass | None:
    """The class, or None."""
    raw = store.get(class_key(class_id))
    return None if raw is None else decode_record(raw, CreditClass)


def set_class(store: WritableState, credit_class: CreditClass) -> None:
    """Write a class."""
    store.set(class_key(credit_class.class_id), encode_record(credit_class))


def list_classes(store: StateReader) -> list[CreditClass]:
    """Every class, by id."""
    return [decode_record(raw, CreditClass) for _, raw in store.iter_prefix(CLASS_PREFIX)]


def get_project(store: StateReader, project_id: str) -> Project | None:
    """The project, or None."""
    raw = store.get(project_key(project_id))
    return None if raw is None else decode_record(raw, Project)


def set_project(store: WritableState, project: Project) -> None:
    """Write a project."""
    store.set(project_key(project.project_id), encode_record(project))


def list_projects(store: StateReader) -> list[Project]:
    """Every project, by id."""
    return [decode_record(raw, Project) for _, raw in store.iter_prefix(PROJECT_PREFIX)]


def get_batch(store: StateReader, batch_id: str) -> Batch | None:
    """The batch, or None."""
    raw = store.get(batch_key(batch_id))
    return None if raw is None else decode_record(raw, Batch)


def set_batch(store: WritableState, batch: Batch) -> None:
    """Write a batch."""
    store.set(batch_key(batch.batch_id), encode_record(batch))


def list_batches(store: StateReader) -> list[Batch]:
    """Every batch, by id."""
    return [decode_record(raw, Batch) for _, raw in store.iter_prefix(BATCH_PREFIX)]


def get_origin(store: StateReader, registry: str, reference: str) -> Origin | None:
    """The bridged origin of ``registry`` / ``reference``, or None when it was never bridged in."""
    raw = store.get(origin_key(f"{registry}/{reference}"))
    return None if raw is None else decode_record(raw, Origin)


def set_origin(store: WritableState, origin: Origin) -> None:
    """Record a bridged origin (never deleted)."""
    store.set(origin_key(f"{origin.registry}/{origin.reference}"), encode_record(origin))


def list_origins(store: StateReader) -> list[Origin]:
    """Every bridged origin."""
    return [decode_record(raw, Origin) for _, raw in store.iter_prefix(ORIGIN_PREFIX)]


def get_report_batch(store: StateReader, report_hash: str) -> str | None:
    """The batch a verification report backs, or None. Keyed on the report's content hash, not on an
    anchor id: the same report anchored again (by anyone) is the same report and backs no second batch."""
    raw = store.get(_report_key(report_hash))
    return None if raw is None else raw.decode()


def set_report_batch(store: WritableState, report_hash: str, batch_id: str) -> None:
    """Mark a verification report (by content hash) as used by a batch."""
    store.set(_report_key(report_hash), batch_id.encode())
