"""Properties of the datamobility working-day arithmetic and the access log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bayledger.core.finance.dates import is_business_day
from bayledger.core.modules.datamobility.msgs import MsgWithdrawConsent
from bayledger.core.modules.datamobility.workdays import (
    compute_block_date,
    count_working_days_after,
    is_filing_late,
)
from bayledger.core.state_transition import check_invariants
from datakit import (
    BJBANK,
    CREDIT,
    CUSTOMER,
    HKBANK,
    OTHER,
    SZBANK,
    consent,
    filing,
    ok,
    prepared_chain,
    request,
    run,
)

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DATES, st.integers(min_value=-30, max_value=400), st.frozensets(DATES, max_size=20))
def test_working_days_match_a_day_by_day_count(start: date, span: int, holidays: frozenset[date]) -> None:
    end = start + timedelta(days=span)
    brute = sum(1 for n in range(1, span + 1) if is_business_day(start + timedelta(days=n), holidays))
    assert count_working_days_after(start, end, holidays) == brute


@settings(max_examples=400, deadline=None)
@given(DATES, st.integers(min_value=0, max_value=60), st.frozensets(DATES, max_size=20))
def test_late_exactly_after_the_tenth_working_day(start: date, span: int, holidays: frozenset[date]) -> None:
    filed = start + timedelta(days=span)
    tenth = next(
        start + timedelta(days=n)
        for n in range(1, 400)
        if is_business_day(start + timedelta(days=n), holidays)
        and count_working_days_after(start, start + timedelta(days=n), holidays) == 10
    )
    assert is_filing_late(start, filed, holidays) == (filed > tenth)


def test_block_date_is_the_utc8_day() -> None:
    assert compute_block_date(1_700_000_000_000).isoformat() == "2023-11-15"  # 22:13 UTC is 06:13 UTC+8
    assert compute_block_date(1_699_977_599_999).isoformat() == "2023-11-14"  # 23:59:59.999 UTC+8
    assert compute_block_date(1_699_977_600_000).isoformat() == "2023-11-15"


# --- decisions against a model ------------------------------------------------------------------------------

PURPOSES = ["credit_assessment", "marketing"]
CATEGORY_SETS = [["identity"], ["identity", "credit_history"], list(CREDIT)]
RECIPIENTS = {"sz": SZBANK, "bj": BJBANK, "other": OTHER}

ACTIONS = st.one_of(
    st.tuples(
        st.just("consent"),
        st.sampled_from(["sz", "sz", "sz", "bj", "other"]),
        st.lists(st.sampled_from(PURPOSES), min_size=1, max_size=3, unique=True),
        st.sampled_from(range(len(CATEGORY_SETS))),
        st.booleans(),
    ),
    st.tuples(st.just("withdraw"), st.integers(min_value=1, max_value=4)),
    st.tuples(
        st.just("file"),
        st.lists(st.sampled_from(PURPOSES), min_size=1, max_size=3, unique=True),
        st.sampled_from(range(len(CATEGORY_SETS))),
        st.booleans(),
    ),
    st.tuples(
        st.just("request"),
        st.sampled_from(["sz", "sz", "sz", "bj", "other"]),
        st.sampled_from(["DA-00000001", "DA-00000001", "DA-00000002"]),
        st.sampled_from(PURPOSES),
        st.sampled_from(range(len(CATEGORY_SETS))),
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ACTIONS, min_size=3, max_size=16))
def test_decisions_match_a_model_of_the_rules(actions: list[tuple[Any, ...]]) -> None:
    chain = prepared_chain()
    # start from a withdrawn consent and a narrow filing, so allowing needs what the actions create
    ok(chain, CUSTOMER, [MsgWithdrawConsent(subject=CUSTOMER.did(), consent_id="CNS-00000001", reason="")])
    ok(chain, HKBANK, [filing(categories=["identity"], supersedes="GBA-00000001")])
    consents: dict[str, dict[str, Any]] = {
        "CNS-00000001": {
            "to": "sz",
            "purposes": {"credit_assessment"},
            "cats": set(CREDIT),
            "xb": True,
            "live": False,
        }
    }
    filings: dict[str, dict[str, Any] | None] = {
        "GBA-00000001": None,
        "GBA-00000002": {"purposes": {"credit_assessment"}, "cats": {"identity"}},
    }
    for action in actions:
        kind = action[0]
        if kind == "consent":
            _, who, purposes, cats, xb = action
            jurisdiction = "CN-BJ" if who == "bj" else "CN-GD"
            msg = consent(RECIPIENTS[who], purposes=purposes, categories=CATEGORY_SETS[cats],
                          cross_boundary=xb, recipient_jurisdiction=jurisdiction)  # fmt: skip
            event = ok(chain, CUSTOMER, [msg]).events[0]
            live = {
                "to": who,
                "purposes": set(purposes),
                "cats": set(CATEGORY_SETS[cats]),
                "xb": xb,
                "live": True,
            }
            consents[event["consent_id"]] = live
        elif kind == "withdraw":
            consent_id = f"CNS-{action[1]:08d}"
            result = run(
                chain,
                CUSTOMER,
                [MsgWithdrawConsent(subject=CUSTOMER.did(), consent_id=consent_id, reason="")],
            )
            known = consents.get(consent_id)
            assert result.code == (0 if known and known["live"] else (8 if known else 4)), result.log
            if known:
                known["live"] = False
        elif kind == "file":
            _, purposes, cats, supersede = action
            active = [fid for fid in sorted(filings) if filings[fid] is not None]
            old = active[-1] if supersede and active else ""
            event = ok(
                chain, HKBANK, [filing(purposes=purposes, categories=CATEGORY_SETS[cats], supersedes=old)]
            ).events[0]
            if old:
                filings[old] = None
            filings[event["filing_id"]] = {"purposes": set(purposes), "cats": set(CATEGORY_SETS[cats])}
        else:
            _, who, asset_id, purpose, cats = action
            wanted = set(CATEGORY_SETS[cats])
            event = ok(
                chain, RECIPIENTS[who], [request(RECIPIENTS[who], purpose, CATEGORY_SETS[cats], asset_id)]
            ).events[0]
            consent_ok = any(
                c["to"] == who and c["live"] and purpose in c["purposes"] and wanted <= c["cats"] and c["xb"]
                and who != "bj"
                for c in consents.values()
            )  # fmt: skip
            filing_ok = who == "sz" and any(
                f is not None and purpose in f["purposes"] and wanted <= f["cats"] for f in filings.values()
            )
            expected = asset_id == "DA-00000001" and who == "sz" and consent_ok and filing_ok
            assert event["decision"] == ("allow" if expected else "deny"), (action, event)
            assert bool(event["reasons"]) != expected
    assert check_invariants(chain.app, chain.state) == []
