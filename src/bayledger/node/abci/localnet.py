"""Run a localnet made by :func:`localnet_init.init_localnet`: two processes per node, on loopback only.

Each node runs its application process (``python -m bayledger.node.abci.run``: ABCI server + REST API) and
its ``cometbft start``. Process ids go to ``DIR/pids.json`` so ``stop`` and ``status`` work from another
shell; a pid is signalled only while ``/proc/<pid>/cmdline`` still names this localnet's directory (a reused
pid is left alone). Logs: ``DIR/node<i>/app.log`` and ``DIR/node<i>/cometbft.log``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bayledger.cometbft.install import require_cometbft
from bayledger.node.abci.localnet_init import MANIFEST

PIDS = "pids.json"


class LocalnetError(RuntimeError):
    """The localnet directory is missing, or a process did not start."""


class Localnet:
    """Control of the processes of one localnet directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        path = self.directory / MANIFEST
        if not path.exists():
            raise LocalnetError(
                f"{directory} holds no localnet; run `bayledger localnet init --dir {directory}`"
            )
        self.manifest: dict[str, Any] = json.loads(path.read_text())
        self.nodes: list[dict[str, Any]] = self.manifest["nodes"]
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    # --- addresses ---------------------------------------------------------------------------------------

    def api_url(self, index: int) -> str:
        """The REST API of node ``index``."""
        return f"http://127.0.0.1:{self.nodes[index]['api_port']}"

    def rpc_url(self, index: int) -> str:
        """The CometBFT RPC of node ``index``."""
        return f"http://127.0.0.1:{self.nodes[index]['rpc_port']}"

    def home(self, index: int) -> Path:
        """The bayledger home of node ``index``."""
        return self.directory / str(self.nodes[index]["home"])

    # --- pid file ----------------------------------------------------------------------------------------

    def _read_pids(self) -> dict[str, int]:
        path = self.directory / PIDS
        return json.loads(path.read_text()) if path.exists() else {}

    def _write_pids(self, pids: dict[str, int]) -> None:
        path = self.directory / PIDS
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(pids, indent=2))
        os.replace(temp, path)

    def _alive(self, name: str, pid: int) -> bool:
        child = self._children.get(name)
        if child is not None and child.pid == pid:
            return child.poll() is None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return str(self.directory).encode() in cmdline

    # --- processes ---------------------------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str], log_path: Path, env: dict[str, str] | None) -> None:
        if self.running(name):
            return
        with log_path.open("ab") as log:
            child = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        self._children[name] = child
        pids = self._read_pids()
        pids[name] = child.pid
        self._write_pids(pids)

    def running(self, name: str) -> bool:
        """Whether process ``node<i>/app`` or ``node<i>/cometbft`` is alive."""
        pid = self._read_pids().get(name)
        return pid is not None and self._alive(name, pid)

    def start_app(self, index: int, env: dict[str, str] | None = None) -> None:
        """Start node ``index``'s application process and wait for its ABCI port."""
        node = self.nodes[index]
        command = [
            sys.executable,
            "-m",
            "bayledger.node.abci.run",
            "--home",
            str(self.home(index)),
            "--abci-port",
            str(node["abci_port"]),
            "--api-port",
            str(node["api_port"]),
            "--rpc",
            self.rpc_url(index),
            "--log-level",
            "warning",
        ]
        self._spawn(f"{node['name']}/app", command, self.home(index) / "app.log", env)
        self._wait_port(node["abci_port"], f"{node['name']}/app", self.home(index) / "app.log")

    def start_comet(self, index: int) -> None:
        """Start node ``index``'s CometBFT (its app must be listening)."""
        node = self.nodes[index]
        command = [require_cometbft(), "start", "--home", str(self.directory / node["comet_home"])]
        self._spawn(f"{node['name']}/cometbft", command, self.home(index) / "cometbft.log", None)

    def start_node(self, index: int, env: dict[str, str] | None = None) -> None:
        """Start both processes of node ``index``."""
        self.start_app(index, env)
        self.start_comet(index)

    def start(self, timeout: float = 60.0) -> None:
        """Start every node and wait until each REST API answers and the chain made its first block."""
        for index in range(len(self.nodes)):
            self.start_app(index)
        for index in range(len(self.nodes)):
            self.start_comet(index)
        for index in range(len(self.nodes)):
            self.wait_api(index, timeout)

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Signal process ``name`` (``node<i>/app`` or ``node<i>/cometbft``) and wait for it to exit
        (SIGKILL after ``timeout``)."""
        pid = self._read_pids().get(name)
        if pid is None or not self._alive(name, pid):
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while self._alive(name, pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._alive(name, pid):
            os.kill(pid, signal.SIGKILL)
            while self._alive(name, pid):
                time.sleep(0.05)
        child = self._children.pop(name, None)
        if child is not None:
            child.wait()

    def stop_node(self, index: int, sig: int = signal.SIGTERM) -> None:
        """Stop CometBFT, then the application, of node ``index``."""
        name = self.nodes[index]["name"]
        self.stop_process(f"{name}/cometbft", sig)
        self.stop_process(f"{name}/app", sig)

    def stop(self) -> None:
        """Stop every process of the localnet."""
        for index in range(len(self.nodes)):
            self.stop_node(index)

    # --- waiting and status ------------------------------------------------------------------------------

    def _wait_port(self, port: int, name: str, log_path: Path, timeout: float = 30.0) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running(name):
                break
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
        raise LocalnetError(f"{name} did not open port {port}:\n{tail}")

    def wait_api(self, index: int, timeout: float = 60.0) -> None:
        """Wait until node ``index``'s REST API answers ``/health``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.api_url(index)}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise LocalnetError(f"node{index}'s REST API did not answer within {timeout:g} s")

    def status(self) -> list[dict[str, Any]]:
        """Per node: processes alive, our height and app hash, CometBFT's height (None when unreachable)."""
        rows = []
        for index, node in enumerate(self.nodes):
            row: dict[str, Any] = {
                "name": node["name"],
                "app": self.running(f"{node['name']}/app"),
                "cometbft": self.running(f"{node['name']}/cometbft"),
                "api": self.api_url(index),
                "rpc": self.rpc_url(index),
                "height": None,
                "app_hash": None,
                "comet_height": None,
            }
            try:
                status = httpx.get(f"{self.api_url(index)}/v1/status", timeout=5).json()
                row["height"], row["app_hash"] = status["latest_height"], status["app_hash"]
                row["comet_height"] = status.get("cometbft", {}).get("latest_block_height")
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            rows.append(row)
        return rows
