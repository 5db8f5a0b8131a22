"""Shared CLI plumbing: options, passphrase, output (Rich or --json) and exit codes that mean something.

Exit codes: 0 success · 1 the ledger refused or failed the request (typed error printed) · 2 bad usage ·
3 node unreachable · 4 not found · 5 local problem (keys, files, configuration).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from bayledger.core.errors import LedgerError
from bayledger.keyring import KeyringError
from bayledger.keys import KeystoreError
from bayledger.sdk.client import ApiError, Client, NodeUnreachableError
from bayledger.sdk.wallet import TxFailedError

EXIT_LEDGER, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_FOUND, EXIT_LOCAL = 1, 2, 3, 4, 5
DEFAULT_NODE = "http://127.0.0.1:26657"
DEFAULT_HOME = Path.home() / ".bayledger"

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


class Settings:
    """Global options shared by every command."""

    node: str = DEFAULT_NODE
    home: Path = DEFAULT_HOME
    json_output: bool = False


settings = Settings()


def client() -> Client:
    """A client of the node named by ``--node`` / BAYLEDGER_NODE."""
    return Client(settings.node)


def passphrase(confirm: bool = False) -> str:
    """The keystore passphrase: BAYLEDGER_PASSPHRASE, else asked on the terminal."""
    value = os.environ.get("BAYLEDGER_PASSPHRASE")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        fail("no passphrase: set BAYLEDGER_PASSPHRASE or run on a terminal", EXIT_USAGE)
    return str(typer.prompt("Keystore passphrase", hide_input=True, confirmation_prompt=confirm))


def emit(data: Any, render: Callable[[Any], None] | None = None) -> None:
    """Print ``data`` as JSON with --json, else with ``render`` (or pretty JSON)."""
    if settings.json_output or render is None:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))
    else:
        render(data)


def fail(message: str, code: int, detail: dict[str, Any] | None = None) -> None:
    """Print an error (JSON on stdout with --json) and exit with ``code``."""
    if settings.json_output:
        typer.echo(json.dumps({"error": message, **(detail or {})}, indent=2))
    else:
        err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def handled() -> Iterator[None]:
    """Turn SDK, ledger and local errors into a message and a meaningful exit code."""
    try:
        yield
    except ApiError as exc:
        code = EXIT_NOT_FOUND if exc.status == 404 else EXIT_LEDGER
        fail(
            f"[{exc.codespace}/{exc.code}] {exc.title}: {exc.detail}",
            code,
            {"codespace": exc.codespace, "code": exc.code, "status": exc.status},
        )
    except TxFailedError as exc:
        fail(
            f"transaction {exc.result['hash']} failed [{exc.codespace}/{exc.code}]: {exc.result['log']}",
            EXIT_LEDGER,
            {"codespace": exc.codespace, "code": exc.code, "result": exc.result},
        )
    except NodeUnreachableError as exc:
        fail(f"{exc} (is `bayledger node start` running? set --node or BAYLEDGER_NODE)", EXIT_UNREACHABLE)
    except LedgerError as exc:
        fail(f"[{exc.codespace}/{exc.code}] {exc.message}", EXIT_LEDGER, exc.to_dict())
    except (KeyringError, KeystoreError, ValueError, OSError) as exc:
        fail(str(exc), EXIT_LOCAL)
