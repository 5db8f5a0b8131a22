"""The claims registry: one claim id per claim of tonnes, overlaps refused across instrument types
(carbon retirements and bridge-ins against green-bond impact claims over a project and period)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import msgspec
import pytest
from test_carbon import refused

from bayledger.core import smt
from bayledger.core.app import DEFAULT_MODULES
from bayledger.core.context import Context
from bayledger.core.light import verify_state
from bayledger.core.modules.claims import (
    MODULE as CLAIMS,
)
from bayledger.core.modules.claims import (
    Claim,
    compute_date_of_day,
    compute_day_of_date,
    get_claim,
    list_project_claims,
    register_project_period_claim,
    register_serial_range_claim,
)
from bayledger.core.modules.claims.errors import InvalidClaimError, OverlappingClaimError
from bayledger.core.modules.claims.invariants import check_indexes, check_no_overlap
from bayledger.core.modules.claims.state import set_claim
from bayledger.core.msg import Module, Msg, Route
from bayledger.core.store import BlockState
from carbonkit import (
    ALICE,
    BATCH,
    BOB,
    PROJECT,
    TONNE,
    VERIFIER,
    bridge_in,
    entry,
    issue,
    ok,
    prepared_chain,
    retire,
)
from corechain import Chain, ed_key, sign_header

JUNE_2024 = (compute_day_of_date(date(2024, 6, 1)), compute_day_of_date(date(2024, 6, 30)))


class MsgClaimImpact(Msg, frozen=True, tag="bondimpact/MsgClaimImpact"):
    """Stands in for the bonds impact module: claims avoided emissions of a project over a period."""

    signer_field: ClassVar[str] = "reporter"
    reporter: str
    project_ref: str
    period_start: int
    period_end: int
    quantity: int


def process_claim_impact(ctx: Context, msg: MsgClaimImpact) -> None:
    register_project_period_claim(
        ctx,
        claimant=msg.reporter,
        project_ref=msg.project_ref,
        period_start=msg.period_start,
        period_end=msg.period_end,
        quantity=msg.quantity,
        unit="tCO2e",
        source="bonds/impact-report",
    )


BOND_IMPACT = Module(
    name="bondimpact", routes=(Route(MsgClaimImpact, process_claim_impact, lambda msg: None),)
)


def claim_impact(project: str, period: tuple[int, int], quantity: int = 500) -> MsgClaimImpact:
    return MsgClaimImpact(
        reporter=BOB.did(),
        project_ref=project,
        period_start=period[0],
        period_end=period[1],
        quantity=quantity,
    )


@pytest.fixture
def chain() -> Chain:
    chain = prepared_chain((*DEFAULT_MODULES, BOND_IMPACT))
    ok(chain, VERIFIER, [issue([entry(ALICE, 1_000 * TONNE)])])
    return chain


def test_day_numbers_are_days_since_1970() -> None:
    assert compute_day_of_date(date(1970, 1, 1)) == 0
    assert compute_day_of_date(date(2024, 1, 1)) == 19723
    assert compute_date_of_day(20088) == date(2024, 12, 31)


def test_project_period_claims_overlap_when_their_periods_intersect(chain: Chain) -> None:
    result = ok(chain, BOB, [claim_impact("HK-SOLAR-01", JUNE_2024)])
    [event] = result.events
    assert (event["type"], event["claim_id"], event["kind"]) == (
        "claims/EventRegisterClaim",
        "CLM-00000001",
        "project-period",
    )
    july = (JUNE_2024[1] + 1, JUNE_2024[1] + 31)
    ok(chain, BOB, [claim_impact("HK-SOLAR-01", july)])  # adjacent: no day in common
    ok(chain, BOB, [claim_impact("HK-WIND-02", JUNE_2024)])  # another project
    refused(
        chain, BOB, [claim_impact("HK-SOLAR-01", (JUNE_2024[1], JUNE_2024[1]))], "claims", 3
    )  # June 30 again
    claim = get_claim(chain.state, "CLM-00000001")
    assert claim is not None and (claim.period_start, claim.period_end, claim.source) == (
        *JUNE_2024,
        "bonds/impact-report",
    )


def test_a_bond_claim_on_a_project_period_blocks_retiring_that_vintage(chain: Chain) -> None:
    ok(chain, BOB, [claim_impact(PROJECT, JUNE_2024)])  # the bond's report claims C01-001 in June 2024
    result = refused(chain, ALICE, [retire(ALICE, 10 * TONNE)], "claims", 3)  # vintage 2024 intersects
    assert "CLM-00000001" in result.log and "vintage" in result.log
    ok(chain, BOB, [claim_impact(PROJECT, (JUNE_2024[0] + 400, JUNE_2024[1] + 400))])  # 2025: no vintage yet


def test_a_retirement_blocks_a_bond_claim_over_its_vintage(chain: Chain) -> None:
    ok(chain, ALICE, [retire(ALICE, 10 * TONNE)])  # CLM-00000001 over serials 1-10000 of the 2024 vintage
    refused(chain, BOB, [claim_impact(PROJECT, JUNE_2024)], "claims", 3)
    ok(
        chain,
        BOB,
        [
            claim_impact(
                PROJECT, (compute_day_of_date(date(2023, 1, 1)), compute_day_of_date(date(2023, 12, 31)))
            )
        ],
    )
    # ... and that 2023 claim now blocks bridging in a 2023 vintage of the same project
    refused(chain, VERIFIER, [bridge_in("VCS-1234-2023-1-10", 1, 10)], "claims", 3)


def _context(chain: Chain) -> Context:
    return Context(
        chain=chain.app.chain, height=chain.height + 1, time=chain.time, store=BlockState(chain.state)
    )


def test_serial_range_claims_of_one_batch_overlap_when_their_ranges_intersect(chain: Chain) -> None:
    ctx = _context(chain)
    vintage = (compute_day_of_date(date(2024, 1, 1)), compute_day_of_date(date(2024, 12, 31)))

    def claim(batch: str, ranges: list[tuple[int, int]]) -> str:
        return register_serial_range_claim(
            ctx, claimant=ALICE.did(), batch_ref=batch, ranges=ranges, project_ref=PROJECT,
            vintage_start=vintage[0], vintage_end=vintage[1], quantity=10, unit="tCO2e/1000", source="test",
        )  # fmt: skip

    assert claim(BATCH, [(1, 10), (21, 30)]) == "CLM-00000001"
    assert claim(BATCH, [(11, 20)]) == "CLM-00000002"  # fills the gap: no serial in common
    with pytest.raises(OverlappingClaimError) as info:
        claim(BATCH, [(30, 31)])
    assert info.value.existing_claim_id == "CLM-00000001"
    assert claim("verra:VCS-1", [(1, 10)]) == "CLM-00000003"  # another batch
    with pytest.raises(InvalidClaimError):
        claim(BATCH, [(40, 45), (45, 50)])
    with pytest.raises(InvalidClaimError):
        claim("bad/ref", [(100, 101)])
    assert [c.claim_id for c in list_project_claims(ctx.store, PROJECT)] == [
        "CLM-00000001",
        "CLM-00000002",
        "CLM-00000003",
    ]


def test_invalid_project_period_claims_are_refused(chain: Chain) -> None:
    refused(chain, BOB, [claim_impact("HK-SOLAR-01", (20, 10))], "claims", 2)
    refused(chain, BOB, [claim_impact("HK-SOLAR-01", JUNE_2024, quantity=0)], "claims", 2)
    refused(chain, BOB, [claim_impact("", JUNE_2024)], "claims", 2)


def test_invariants_catch_overlapping_claims(chain: Chain) -> None:
    ok(chain, BOB, [claim_impact("HK-SOLAR-01", JUNE_2024)])
    block = BlockState(chain.state)
    original = get_claim(chain.state, "CLM-00000001")
    assert original is not None
    set_claim(block, msgspec.structs.replace(original, claim_id="CLM-00000099"))
    assert check_no_overlap(block) == ["CLM-00000001 and CLM-00000099 overlap"]
    assert check_indexes(block) == []
    block.delete(b"claims/p/HK-SOLAR-01/CLM-00000099")
    assert check_indexes(block) == ["CLM-00000099: missing from the project index"]


def test_a_claim_is_provable_to_a_light_client(chain: Chain) -> None:
    ok(chain, BOB, [claim_impact("HK-SOLAR-01", JUNE_2024)])
    signed = sign_header(chain.hash_fn, chain.headers[-1], [ed_key(900)])
    key = CLAIMS.provable["claim"].key("CLM-00000001")
    value = chain.state.get(key)
    assert value is not None
    verify_state(chain.genesis, signed, key, value, smt.prove(chain.tree, chain.hash_fn, key))
    assert msgspec.json.decode(value, type=Claim).project_ref == "HK-SOLAR-01"
