"""The reference scenario as a user runs it: ``bayledger demo`` with real node processes, checked on the
figures of issue 4's reference green bond (HK$800,000,000 at 4.05% ACT/365F, HK$50,000, DvP at T+1)."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from nodeproc import cli_command, cli_env, free_port_block

from bayledger.core.finance import compute_coupon_schedule, parse_date, round_half_even
from bayledger.sdk.cash import format_amount

pytestmark = pytest.mark.integration


def test_demo_runs_the_reference_green_bond_end_to_end(tmp_path: Path) -> None:
    port = free_port_block(5)  # the two zones and two vaults use port .. port + 3
    done = subprocess.run(
        [*cli_command(), "demo", "--workdir", str(tmp_path / "demo"), "--port", str(port)],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, f"demo exited {done.returncode}\n{out}\n{done.stderr}"
    assert "demo complete" in out
    # pro-rata allotment of an oversubscribed book: 16,000 denominations over orders of 10,000 and 8,000
    assert "allotted alice  HK$444,450,000.00 for HK$444,450,000.00" in out
    assert "allotted carol  HK$355,550,000.00 for HK$355,550,000.00" in out
    assert "[bonds/17]" in out  # settlement refused before T+1
    assert "DvP settled in one transaction" in out and "HK$800,000,000.00 to the government" in out
    # the demo's dates follow the day it runs: recompute the first coupon from the printed dates
    found = re.search(r"issue (\d{4}-\d\d-\d\d), maturity (\d{4}-\d\d-\d\d)", out)
    assert found is not None, out
    first = compute_coupon_schedule(
        parse_date(found[1]),
        parse_date(found[2]),
        2,
        business_day_rule="modified-following",
        holidays=frozenset(),
        record_offset_business_days=2,
        end_of_month=False,
    )[0]
    days = (first.accrual_end - first.accrual_start).days
    rate_fraction = Fraction(405, 10_000) * Fraction(days, 365)
    total = round_half_even(80_000_000_000 * rate_fraction)  # HK$800m in cents, rounded once half-even
    alice = int(8889 * 5_000_000 * rate_fraction)  # floor(denominations x HK$50,000 x rate x days/365)
    carol = int(7111 * 5_000_000 * rate_fraction)
    assert f"total HK${format_amount(total, 2)}, paid HK${format_amount(alice + carol, 2)}" in out
    assert f"rounding remainder {total - alice - carol} cent(s)" in out
    assert f"holding HK$444,450,000.00: HK${format_amount(alice, 2)}" in out
    assert "redeemed HK$800,000,000.00 to 2 holders" in out
    # proceeds to the two HK Taxonomy projects, a verified report, each investor's proven tCO2e
    assert "allocated HKD 700,000,000.00 of 800,000,000.00" in out
    attributed = dict(
        re.findall(r"(alice|carol): ([\d,]+\.\d{3}) tCO2e avoided, attributed to its holding", out)
    )
    assert set(attributed) == {"alice", "carol"}, out
    alice_t, carol_t = (int(attributed[n].replace(",", "").replace(".", "")) for n in ("alice", "carol"))
    assert alice_t > carol_t > 0  # 8,889 and 7,111 denominations held over the same period
    assert abs(alice_t * 7111 - carol_t * 8889) <= 8889 + 7111  # pro rata to the holdings, up to rounding
    assert "[bonds/25]" in out  # a coupon paid twice
