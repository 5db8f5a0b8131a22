"""Helpers of the integration tests: run the ``bayledger`` CLI and real node processes on free ports.

A node that does not start makes the test fail with the node's output, never skip.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bayledger.keyring import Keyring
from bayledger.keys import SigningKey
from bayledger.sdk.client import Client

PASSPHRASE = "integration-only-passphrase"
CHAIN_ID = "bayledger-it-1"


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_block(count: int) -> int:
    """The first of ``count`` consecutive TCP ports that are all free on 127.0.0.1 right now, below the
    ephemeral range (so an outgoing connection cannot take one of them between the check and the use)."""
    start = 20_000 + (os.getpid() * 37) % 9_000
    for base in range(start, start + 3_000, count + 3):
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no block of {count} free ports found")


def cli_command() -> list[str]:
    """The installed ``bayledger`` entry point of this interpreter (``python -m`` if it is not installed)."""
    script = Path(sys.executable).with_name("bayledger")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bayledger.cli.main"]


def cli_env() -> dict[str, str]:
    """The environment of a user with a passphrase set and no other bayledger configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAYLEDGER_")}
    env.update(BAYLEDGER_PASSPHRASE=PASSPHRASE, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return env


def run_cli(
    home: Path, *args: str, node: str | None = None, expect: int | None = 0, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run ``bayledger --home HOME [--node URL] ARGS``; fail (showing its output) on another exit code."""
    command = [*cli_command(), "--home", str(home)]
    if node is not None:
        command += ["--node", node]
    done = subprocess.run(
        [*command, *args], env=cli_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    if expect is not None and done.returncode != expect:
        pytest.fail(
            f"`bayledger {' '.join(args)}` exited {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
    return done


def run_cli_json(home: Path, *args: str, node: str | None = None, expect: int | None = 0) -> Any:
    """Run a command with ``--json`` and decode its stdout."""
    done = run_cli(home, "--json", *args, node=node, expect=expect)
    try:
        return json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"`bayledger --json {' '.join(args)}` printed no JSON:\n{done.stdout}\n{done.stderr}")


def init_home(home: Path, port: int, accounts: tuple[str, ...]) -> None:
    """``bayledger init`` as a user runs it."""
    args = ["init", "--chain-id", CHAIN_ID, "--api-port", str(port)]
    for account in accounts:
        args += ["--account", account]
    run_cli(home, *args)


@dataclass
class NodeProcess:
    """A ``bayledger node start`` process on ``port`` serving ``home``."""

    home: Path
    port: int
    block_interval_ms: int = 100
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    logs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The node's REST base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within: float = 30.0) -> NodeProcess:
        """Start the node and wait until ``/health`` answers; fail with its output if it does not."""
        self.starts += 1
        log_path = self.home / f"node-{self.starts}.log"
        self.logs.append(log_path)
        command = [
            *cli_command(),
            "--home",
            str(self.home),
            "node",
            "start",
            "--api-port",
            str(self.port),
            "--block-interval-ms",
            str(self.block_interval_ms),
            "--log-level",
            "warning",
        ]
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=cli_env(), stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready(ready_within)
        return self

    def log_text(self) -> str:
        """The output of the current (last) run."""
        return self.logs[-1].read_text(errors="replace") if self.logs else ""

    def wait_ready(self, seconds: float) -> None:
        """Poll ``/health`` until it answers 200."""
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"node exited with code {self.process.returncode}:\n{self.log_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"node did not answer /health within {seconds:g} s:\n{self.log_text()}")

    def kill9(self) -> None:
        """SIGKILL the node process (no shutdown code runs) and reap it."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        """Terminate the node gracefully (SIGTERM), killing it if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Zone:
    """An initialised home with a running node and a client of it."""

    node: NodeProcess
    client: Client

    @property
    def home(self) -> Path:
        """The node's home (also the users' keyring)."""
        return self.node.home

    @property
    def url(self) -> str:
        """The node's REST base URL."""
        return self.node.url

    def key(self, name: str) -> SigningKey:
        """A key of the home's keyring."""
        return Keyring(self.home / "keys").load(name, PASSPHRASE)
