"""``bayledger wallet``: the holder's credentials (files beside the keyring) and presentations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import EXIT_USAGE, console, emit, fail, handled, passphrase, settings
from bayledger.cli.keys import keyring
from bayledger.sdk.holder import HolderError, HolderWallet, credentials_dir
from bayledger.vc.errors import VcError

app = typer.Typer(help="Holder wallet: stored credentials and presentations.", no_args_is_help=True)
KEY = typer.Option(None, "--key", help="Keyring name of the holder key (needed to present).")


def _wallet(key_name: str | None, did: str | None = None) -> HolderWallet:
    directory = credentials_dir(settings.home)
    if key_name is None:
        return HolderWallet(directory, None, did or "")
    key = keyring().load(key_name, passphrase())
    return HolderWallet(directory, key, did or keyring().public_info(key_name)["did"])


@app.command("list")
def list_credentials() -> None:
    """The stored credentials."""
    with handled():
        data = [s.to_dict() for s in _wallet(None).list_credentials()]

    def render(items: list[dict[str, Any]]) -> None:
        table = Table("ref", "format", "types", "issuer", "subject")
        for s in items:
            table.add_row(s["ref"], s["format"], ",".join(s["types"]), s["issuer"], str(s["subject"]))
        console.print(table)

    emit(data, render)


@app.command("import")
def import_file(file: Path) -> None:
    """Store a credential: a JSON W3C credential or an SD-JWT VC text file."""
    try:
        with handled():
            ref = _wallet(None).import_file(file)
    except (HolderError, VcError) as exc:
        fail(str(exc), EXIT_USAGE)
    emit({"ref": ref}, lambda d: console.print(f"stored as {d['ref']}"))


@app.command("present")
def present(
    refs: list[str] = typer.Argument(..., help="Credential refs (or unique prefixes)."),
    challenge: str = typer.Option(..., help="The verifier's challenge (SD-JWT: nonce)."),
    domain: str = typer.Option(..., help="The verifier's domain (SD-JWT: audience)."),
    disclose: list[str] = typer.Option([], "--disclose", help="SD-JWT: claim to reveal (repeatable)."),
    key: str = KEY,
    holder: str = typer.Option(None, "--did", help="Holder DID (default: the key's DID)."),
    out: Path = typer.Option(None, "--out", help="Write the presentation here instead of stdout."),
) -> None:
    """Build a presentation signed by the holder key: a W3C VP, or an SD-JWT with only --disclose claims."""
    if key is None:
        fail("--key is required to sign a presentation", EXIT_USAGE)
    now = datetime.now(UTC)
    try:
        with handled():
            wallet = _wallet(key, holder)
            first = wallet.get(refs[0])
            if isinstance(first, str):
                if len(refs) != 1:
                    fail("present one SD-JWT VC at a time", EXIT_USAGE)
                result: Any = wallet.present_sd_jwt(
                    refs[0], disclose=disclose, audience=domain, nonce=challenge, issued_at=now
                )
            else:
                result = wallet.present(refs, challenge=challenge, domain=domain, created=now)
    except (HolderError, VcError) as exc:
        fail(str(exc), EXIT_USAGE)
    text = result if isinstance(result, str) else json.dumps(result, indent=2, ensure_ascii=False)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
        emit({"written": str(out)}, lambda d: console.print(f"presentation written to {d['written']}"))
    else:
        typer.echo(text)
