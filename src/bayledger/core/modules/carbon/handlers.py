"""Handlers of the registry's structure: credit types, classes and their issuers, projects, and the
corresponding-adjustment status of batches. Check, then mutate, then emit."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.carbon.errors import (
    CreditTypeExistsError,
    InvalidCarbonMessageError,
    NotAdjustmentAuthorityError,
    NotClassAdminError,
    NotClassIssuerError,
)
from bayledger.core.modules.carbon.events import (
    EventCreateClass,
    EventCreateProject,
    EventRegisterCreditType,
    EventSetAdjustment,
    EventUpdateClassIssuers,
)
from bayledger.core.modules.carbon.keeper import require_batch, require_class, require_credit_type
from bayledger.core.modules.carbon.msgs import (
    MsgCreateClass,
    MsgCreateProject,
    MsgRegisterCreditType,
    MsgSetAdjustment,
    MsgUpdateClassIssuers,
)
from bayledger.core.modules.carbon.rules import MAX_ISSUERS, REGULATOR_ROLE
from bayledger.core.modules.carbon.state import (
    CreditClass,
    CreditType,
    Project,
    compute_project_id,
    get_credit_type,
    next_class_id,
    set_batch,
    set_class,
    set_credit_type,
    set_project,
)
from bayledger.core.modules.governance.admission import has_role


def process_register_credit_type(ctx: Context, msg: MsgRegisterCreditType) -> None:
    """Register a credit type (abbreviation, unit, precision); types are never changed afterwards."""
    if get_credit_type(ctx.store, msg.abbreviation) is not None:
        raise CreditTypeExistsError(msg.abbreviation)

    set_credit_type(
        ctx.store,
        CreditType(msg.abbreviation, msg.name, msg.unit, msg.precision, registered_height=ctx.height),
    )

    ctx.emit(EventRegisterCreditType(abbreviation=msg.abbreviation, unit=msg.unit, precision=msg.precision))


def process_create_class(ctx: Context, msg: MsgCreateClass) -> None:
    """Register a class of an existing credit type, with its admin, issuers and methodology."""
    require_credit_type(ctx.store, msg.credit_type)

    class_id = next_class_id(ctx.store, msg.credit_type)
    issuers = sorted(msg.issuers)
    set_class(
        ctx.store,
        CreditClass(
            class_id=class_id,
            credit_type=msg.credit_type,
            admin=msg.admin,
            issuers=issuers,
            methodology=msg.methodology,
            name_en=msg.name_en,
            name_zh=msg.name_zh,
            created_height=ctx.height,
        ),
    )

    ctx.emit(
        EventCreateClass(
            class_id=class_id,
            credit_type=msg.credit_type,
            admin=msg.admin,
            issuers=issuers,
            methodology=msg.methodology,
        )
    )


def process_update_class_issuers(ctx: Context, msg: MsgUpdateClassIssuers) -> None:
    """The class admin adds and removes allowed issuers (at most MAX_ISSUERS remain)."""
    credit_class = require_class(ctx.store, msg.class_id)
    if msg.admin != credit_class.admin:
        raise NotClassAdminError(credit_class.class_id, credit_class.admin, msg.admin)
    issuers = sorted((set(credit_class.issuers) | set(msg.add)) - set(msg.remove))
    if len(issuers) > MAX_ISSUERS:
        raise InvalidCarbonMessageError(f"a class has at most {MAX_ISSUERS} issuers")

    set_class(ctx.store, replace(credit_class, issuers=issuers))

    ctx.emit(EventUpdateClassIssuers(class_id=credit_class.class_id, issuers=issuers))


def process_create_project(ctx: Context, msg: MsgCreateProject) -> None:
    """The class admin or an allowed issuer registers a project under the class (id ``<class>-<NNN>``)."""
    credit_class = require_class(ctx.store, msg.class_id)
    if msg.creator != credit_class.admin and msg.creator not in credit_class.issuers:
        raise NotClassIssuerError(credit_class.class_id, msg.creator)

    number = credit_class.project_count + 1
    project_id = compute_project_id(credit_class.class_id, number)
    set_class(ctx.store, replace(credit_class, project_count=number))
    set_project(
        ctx.store,
        Project(
            project_id=project_id,
            class_id=credit_class.class_id,
            developer=msg.developer,
            jurisdiction=msg.jurisdiction,
            location=msg.location,
            methodology=msg.methodology,
            name_en=msg.name_en,
            name_zh=msg.name_zh,
            reference=msg.reference,
            documents=list(msg.documents),
            created_height=ctx.height,
        ),
    )

    ctx.emit(
        EventCreateProject(
            project_id=project_id,
            class_id=credit_class.class_id,
            developer=msg.developer,
            jurisdiction=msg.jurisdiction,
        )
    )


def process_set_adjustment(ctx: Context, msg: MsgSetAdjustment) -> None:
    """A regulator records the host country's corresponding adjustment of an authorised batch."""
    batch = require_batch(ctx.store, msg.batch_id)
    if not has_role(ctx, msg.authority, REGULATOR_ROLE):
        raise NotAdjustmentAuthorityError(msg.authority)
    if batch.authorization == "unauthorized" and msg.adjustment_status != "not-required":
        raise InvalidCarbonMessageError(f"{batch.batch_id} is not authorised: no adjustment applies")

    set_batch(
        ctx.store, replace(batch, adjustment_status=msg.adjustment_status, adjustment_reference=msg.reference)
    )

    ctx.emit(
        EventSetAdjustment(
            batch_id=batch.batch_id, adjustment_status=msg.adjustment_status, reference=msg.reference
        )
    )
