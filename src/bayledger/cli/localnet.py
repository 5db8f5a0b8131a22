"""``bayledger localnet``: a multi-validator CometBFT network on this machine (loopback), and ``doctor``.

``init`` makes the node directories (see ``node/abci/localnet_init.py``), ``start`` runs every node's
application process and CometBFT in the background, ``status`` shows heights and app hashes, ``stop`` ends
the processes it started. The REST API of node *i* listens on ``base_port + 10*i + 3``; every CLI command
works against any node with ``--node`` (and ``--home DIR/node<i>`` for its keyring).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import EXIT_LEDGER, EXIT_LOCAL, console, emit, fail, passphrase
from bayledger.cometbft.install import INSTALL_HINT, find_cometbft
from bayledger.node.abci.localnet import Localnet, LocalnetError
from bayledger.node.abci.localnet_init import init_localnet
from bayledger.node.home import HomeError

app = typer.Typer(
    help="A local CometBFT network of several validators (loopback ports).", no_args_is_help=True
)
DIR_OPTION = typer.Option(Path("localnet"), "--dir", help="Directory of the localnet.")


def _open(directory: Path) -> Localnet:
    try:
        return Localnet(directory)
    except LocalnetError as exc:
        fail(str(exc), EXIT_LOCAL)
        raise AssertionError("unreachable") from None


@app.command("init")
def init(
    validators: int = typer.Option(4, "--validators", help="Number of validators (1-16)."),
    directory: Path = DIR_OPTION,
    chain_id: str = typer.Option("bayledger-localnet-1", help="Chain id."),
    hash_algorithm: str = typer.Option("sha256", "--hash", help="Zone hash: sha256 or sm3."),
    base_port: int = typer.Option(27000, help="First port; node i uses base+10i .. base+10i+3."),
    timeout_commit_ms: int = typer.Option(300, help="CometBFT timeout_commit in milliseconds."),
) -> None:
    """Create N validator nodes, each with its own CometBFT keys, bayledger home and database."""
    try:
        manifest = init_localnet(
            directory,
            validators=validators,
            passphrase=passphrase(confirm=True),
            chain_id=chain_id,
            hash_algorithm=hash_algorithm,
            base_port=base_port,
            timeout_commit_ms=timeout_commit_ms,
        )
    except (HomeError, RuntimeError, ValueError) as exc:
        fail(str(exc), EXIT_LOCAL)
    emit(
        manifest,
        lambda m: console.print(
            f"localnet {m['chain_id']} with {m['validators']} validators in {directory}; "
            f"REST API of node0 on http://127.0.0.1:{m['nodes'][0]['api_port']} "
            f"(run `bayledger localnet start --dir {directory}`)"
        ),
    )


@app.command("start")
def start(directory: Path = DIR_OPTION) -> None:
    """Start every node (application + CometBFT) in the background and wait until they answer."""
    net = _open(directory)
    try:
        net.start()
    except (LocalnetError, RuntimeError) as exc:
        fail(str(exc), EXIT_LOCAL)
    _show(net.status())


@app.command("stop")
def stop(directory: Path = DIR_OPTION) -> None:
    """Stop every process of the localnet (SIGTERM, then SIGKILL after 15 s)."""
    net = _open(directory)
    net.stop()
    emit(
        {"stopped": [n["name"] for n in net.nodes]},
        lambda d: console.print(f"stopped {', '.join(d['stopped'])}"),
    )


@app.command("status")
def status(directory: Path = DIR_OPTION) -> None:
    """Processes, heights and app hashes of every node (exit 1 when nodes disagree at the same height)."""
    rows = _open(directory).status()
    _show(rows)
    by_height: dict[int, set[str]] = {}
    for row in rows:
        if row["height"] is not None:
            by_height.setdefault(row["height"], set()).add(row["app_hash"])
    if any(len(hashes) > 1 for hashes in by_height.values()):
        raise typer.Exit(EXIT_LEDGER)


def _show(rows: list[dict[str, Any]]) -> None:
    def render(items: list[dict[str, Any]]) -> None:
        table = Table("node", "app", "cometbft", "height", "app hash", "REST API")
        for row in items:
            table.add_row(
                row["name"],
                "up" if row["app"] else "down",
                "up" if row["cometbft"] else "down",
                "-" if row["height"] is None else str(row["height"]),
                (row["app_hash"] or "-")[:16],
                row["api"],
            )
        console.print(table)

    emit(rows, render)


def doctor() -> None:
    """Check this machine for what bayledger needs: Python, OpenSSL SM2/SM3, CometBFT (pinned), Go."""
    import hashlib

    found = find_cometbft()
    checks: dict[str, dict[str, Any]] = {
        "python": {"ok": sys.version_info >= (3, 11), "found": sys.version.split()[0]},
        "sm3": {"ok": "sm3" in hashlib.algorithms_available, "found": "hashlib (OpenSSL)"},
        "cometbft": {
            "ok": found.ok,
            "found": found.version,
            "path": found.path,
            "pinned": found.pinned,
            "instruction": found.problem(),
        },
        "go": {"ok": found.go is not None, "found": found.go, "needed_for": "make cometbft"},
        "openssl": {"ok": shutil.which("openssl") is not None, "found": shutil.which("openssl")},
    }

    def render(data: dict[str, dict[str, Any]]) -> None:
        table = Table("check", "ok", "found")
        for name, check in data.items():
            where = str(check["found"] or "-") + (f" at {check['path']}" if check.get("path") else "")
            table.add_row(name, "yes" if check["ok"] else "NO", where)
        console.print(table)
        if not data["cometbft"]["ok"]:
            console.print(f"cometbft: {data['cometbft']['instruction']}")
        elif not data["go"]["ok"]:
            console.print(f"go: not needed now, but to reinstall CometBFT: {INSTALL_HINT}")

    emit(checks, render)
    if not all(check["ok"] for name, check in checks.items() if name != "go"):
        raise typer.Exit(EXIT_LOCAL)
