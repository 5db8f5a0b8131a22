"""``bayledger localnet init|start|status|stop`` as a user runs them; the CLI and REST API on any node."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cometnet import PASSPHRASE, free_base_port, require_cometbft
from nodeproc import cli_command, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def run(*args: str, expect: int = 0, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(cli_env(), BAYLEDGER_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(
        [*cli_command(), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != expect:
        pytest.fail(f"`bayledger {' '.join(args)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def test_localnet_commands_and_the_cli_against_any_node(tmp_path: Path) -> None:
    require_cometbft()
    directory = tmp_path / "net"
    base = free_base_port(4)
    made = json.loads(
        run(
            "--json",
            "localnet",
            "init",
            "--validators",
            "4",
            "--dir",
            str(directory),
            "--base-port",
            str(base),
            "--timeout-commit-ms",
            "200",
        ).stdout
    )
    assert [n["name"] for n in made["nodes"]] == ["node0", "node1", "node2", "node3"]
    assert len({n["node_id"] for n in made["nodes"]}) == 4
    assert (
        len(
            {
                (directory / f"node{i}" / "cometbft" / "config" / "priv_validator_key.json").read_text()
                for i in range(4)
            }
        )
        == 4
    )  # each validator its own consensus key
    run("localnet", "init", "--dir", str(directory), expect=5)  # never over an existing one
    try:
        started = json.loads(run("--json", "localnet", "start", "--dir", str(directory)).stdout)
        assert all(row["app"] and row["cometbft"] for row in started)
        api = [f"http://127.0.0.1:{n['api_port']}" for n in made["nodes"]]
        report = tmp_path / "report.txt"
        report.write_text("green bond impact report 2026")
        created = json.loads(
            run(
                "--json",
                "--home",
                str(directory / "node2"),
                "--node",
                api[2],
                "tx",
                "anchor",
                "create",
                "--from",
                "operator",
                "--file",
                str(report),
                "--type",
                "impact-report",
            ).stdout
        )
        anchor_id = created["events"][0]["anchor_id"]
        proof = json.loads(
            run("--json", "--node", api[3], "query", "proof", "anchor", "anchor", anchor_id).stdout
        )
        assert proof["value"]["id"] == anchor_id and "cometbft" in proof  # verified by the light client
        rows = json.loads(run("--json", "localnet", "status", "--dir", str(directory)).stdout)
        assert len({row["app_hash"] for row in rows if row["height"] == created["height"] + 1}) <= 1
        assert {row["name"] for row in rows} == {"node0", "node1", "node2", "node3"}
        run("localnet", "stop", "--dir", str(directory))
        after = json.loads(run("--json", "localnet", "status", "--dir", str(directory)).stdout)
        assert not any(row["app"] or row["cometbft"] for row in after)
        again = json.loads(run("--json", "localnet", "start", "--dir", str(directory)).stdout)
        assert all(row["height"] >= created["height"] for row in again)  # resumed, nothing lost
        assert len({row["app_hash"] for row in again if row["height"] == again[0]["height"]}) == 1
    finally:
        stopped = json.loads(run("--json", "localnet", "stop", "--dir", str(directory)).stdout)
    assert stopped["stopped"] == ["node0", "node1", "node2", "node3"]
