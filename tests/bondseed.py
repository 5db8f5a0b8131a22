"""A test-only module that writes bonds records directly, so impact tests need no bonds handlers.

``bondseed/MsgSeedFramework`` writes a green-bond framework, ``bondseed/MsgSeedBond`` a bond record (status,
proceeds and settlement day as given, terms valid per ``terms.validate_terms``), and
``bondseed/MsgSeedHolding`` a holder's holding and its amount at the end of a day, recording the bond's
outstanding amount (history and ``Bond.outstanding``) as the sum of every holder's latest amount. Each
runs in a block like any message, so the state tree (and proofs) stay consistent.

When the bonds module is not registered (``bonds`` is absent from DEFAULT_MODULES), :func:`seed_module`
is named ``bonds`` and registers the provable kinds the bonds module will (``bond``, ``history``,
``outstanding``), so ``/v1/proofs/bonds/...`` answers in API tests. Otherwise it is ``bondseed`` and proves
nothing itself.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from bayledger.core.app import DEFAULT_MODULES
from bayledger.core.context import Context
from bayledger.core.finance import compute_day_of_date, compute_isin_check_digit, parse_date
from bayledger.core.modules.bonds.state import (
    Bond,
    Framework,
    History,
    Holding,
    bond_key,
    get_bond,
    get_history,
    history_proof_key,
    list_histories,
    outstanding_proof_key,
    record_history,
    record_outstanding,
    set_bond,
    set_framework,
    set_holding,
)
from bayledger.core.modules.bonds.terms import BondTerms, compute_bond_id, validate_terms
from bayledger.core.msg import Module, Msg, ProvableRecord, Route


class MsgSeedFramework(Msg, frozen=True, tag="bondseed/MsgSeedFramework"):
    signer_field: ClassVar[str] = "issuer"
    issuer: str
    framework_id: str
    categories: list[str]


class MsgSeedBond(Msg, frozen=True, tag="bondseed/MsgSeedBond"):
    signer_field: ClassVar[str] = "issuer"
    issuer: str
    terms: BondTerms
    status: str
    proceeds: int
    settlement_date: str


class MsgSeedHolding(Msg, frozen=True, tag="bondseed/MsgSeedHolding"):
    signer_field: ClassVar[str] = "issuer"
    issuer: str
    bond_id: str
    holder: str
    date: str
    amount: int


def _no_checks(msg: Any) -> None:
    """The seed messages are trusted test input."""


def _seed_framework(ctx: Context, msg: MsgSeedFramework) -> None:
    set_framework(
        ctx.store,
        Framework(
            framework_id=msg.framework_id,
            issuer=msg.issuer,
            document_hash="ab" * 32,
            uri="https://example.org/framework.pdf",
            name_en="Green Bond Framework",
            name_zh="綠色債券框架",
            categories=list(msg.categories),
            project_evaluation="eligibility committee",
            management_of_proceeds="tracked per bond",
            reporting="annual allocation and impact reports",
            height=ctx.height,
        ),
    )


def _seed_bond(ctx: Context, msg: MsgSeedBond) -> None:
    schedule = validate_terms(msg.terms)
    bond = Bond(
        bond_id=compute_bond_id(msg.terms.isin),
        issuer=msg.issuer,
        terms=msg.terms,
        schedule=schedule,
        status=msg.status,
        created_height=ctx.height,
        settlement_day=compute_day_of_date(parse_date(msg.settlement_date)),
        proceeds=msg.proceeds,
    )
    set_bond(ctx.store, bond)


def _seed_holding(ctx: Context, msg: MsgSeedHolding) -> None:
    day = compute_day_of_date(parse_date(msg.date))
    set_holding(ctx.store, Holding(msg.bond_id, msg.holder, msg.amount))
    record_history(ctx.store, msg.bond_id, msg.holder, day, msg.amount)
    total = sum(entries[-1].amount for entries in list_histories(ctx.store, msg.bond_id).values())
    record_outstanding(ctx.store, msg.bond_id, day, total)
    bond = get_bond(ctx.store, msg.bond_id)
    assert bond is not None
    set_bond(ctx.store, msgspec.structs.replace(bond, outstanding=total))
    assert get_history(ctx.store, msg.bond_id, msg.holder)[-1].amount == msg.amount


def seed_module() -> Module:
    """The seed module (named ``bonds`` with its provable kinds while the real bonds module is absent)."""
    real = any(module.name == "bonds" for module in DEFAULT_MODULES)
    provable = {} if real else {
        "bond": ProvableRecord(key=bond_key, record_type=Bond),
        "history": ProvableRecord(key=history_proof_key, record_type=History),
        "outstanding": ProvableRecord(key=outstanding_proof_key, record_type=History),
    }  # fmt: skip
    return Module(
        name="bondseed" if real else "bonds",
        routes=(
            Route(MsgSeedFramework, _seed_framework, _no_checks),
            Route(MsgSeedBond, _seed_bond, _no_checks),
            Route(MsgSeedHolding, _seed_holding, _no_checks),
        ),
        provable=provable,
    )


def isin(body9: str, country: str = "HK") -> str:
    """A valid ISIN from a country prefix and 9 characters (the check digit computed)."""
    first11 = country + body9
    return first11 + compute_isin_check_digit(first11)


def green_terms(
    isin_code: str,
    cash_token_id: str,
    *,
    face: int = 80_000_000_000,
    currency: str = "HKD",
    framework_id: str = "GBF-000001",
    issue_date: str = "2022-12-01",
    maturity_date: str = "2023-12-01",
) -> BondTerms:
    """Terms like the reference case: HK$800m, 4.05% ACT/365F annual, HK$50,000 denomination, green."""
    return BondTerms(
        isin=isin_code,
        name_en="Green Bond 2023",
        name_zh="綠色債券",
        specified_currency=currency,
        cash_token_id=cash_token_id,
        aggregate_nominal_amount=face,
        specified_denomination=5_000_000,
        coupon_rate=405,
        day_count_fraction="ACT/365F",
        interest_payment_frequency=1,
        business_day_convention="following",
        issue_date=issue_date,
        maturity_date=maturity_date,
        green=bool(framework_id),
        framework_id=framework_id,
    )
