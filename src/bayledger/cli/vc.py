"""``bayledger vc``: verify a credential or presentation against the chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from bayledger.cli.common import EXIT_LEDGER, EXIT_LOCAL, client, console, emit, fail, handled

app = typer.Typer(help="Verifiable credentials.", no_args_is_help=True)


@app.command("verify")
def verify(
    file: Path,
    challenge: str = typer.Option(None, help="Challenge the presentation must be bound to."),
    domain: str = typer.Option(None, help="Domain the presentation must be bound to."),
) -> None:
    """Verify a credential or presentation (JSON FILE) with the node's verifier; exit 1 if it fails."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"{file}: {exc}", EXIT_LOCAL)
    if not isinstance(document, dict):
        fail(f"{file} does not hold a JSON object", EXIT_LOCAL)
    with handled():
        data = client().verify_vc(document, challenge=challenge, domain=domain)

    def render(d: dict[str, Any]) -> None:
        mark = "[green]verified[/]" if d["verified"] else "[red]NOT verified[/]"
        console.print(f"{mark} ({d['kind']}); checks passed: {', '.join(d['checks']) or 'none'}")
        for err in d["errors"]:
            console.print(f"  [{err['codespace']}/{err['code']}] {err['detail']}")

    emit(data, render)
    if not data["verified"]:
        raise typer.Exit(EXIT_LEDGER)
