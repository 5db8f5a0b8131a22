"""``bayledger keys``: create, list, show and export keys of the keyring in --home/keys."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from bayledger.cli.common import console, emit, handled, passphrase, settings
from bayledger.keyring import Keyring
from bayledger.node.home import generate_key

app = typer.Typer(help="Manage encrypted signing keys.", no_args_is_help=True)


def keyring() -> Keyring:
    """The keyring of --home."""
    return Keyring(settings.home / "keys")


@app.command("add")
def add(name: str, key_type: str = typer.Option("ed25519", "--type", help="ed25519 or sm2.")) -> None:
    """Generate a key and store it encrypted under NAME."""
    with handled():
        key = generate_key(key_type)
        keyring().save(name, key, passphrase(confirm=True))
        info = keyring().public_info(name)
    emit(info, lambda d: console.print(f"{d['name']}: {d['did']} ({d['key_type']})"))


@app.command("list")
def list_keys() -> None:
    """List stored keys with their DIDs."""
    with handled():
        infos = [keyring().public_info(n) for n in keyring().names()]

    def render(rows: list[dict[str, str]]) -> None:
        table = Table("name", "type", "did")
        for row in rows:
            table.add_row(row["name"], row["key_type"], row["did"])
        console.print(table)

    emit(infos, render)


@app.command("show")
def show(name: str) -> None:
    """Show a key's type, public key and DID (never the private key)."""
    with handled():
        info = keyring().public_info(name)
    emit(info, lambda d: console.print_json(data=d))


@app.command("export-pem")
def export_pem(
    name: str,
    out: Path = typer.Option(..., help="File to write (mode 0600)."),
    public: bool = typer.Option(False, help="Write the public key only."),
) -> None:
    """Export a key as PEM for OpenSSL (the private key only on explicit request)."""
    with handled():
        key = keyring().load(name, passphrase())
        pem = key.public_pem() if public else key.to_pem()
        out.touch(mode=0o600, exist_ok=True)
        out.write_bytes(pem if isinstance(pem, bytes) else pem.encode())
    emit({"name": name, "file": str(out), "public": public}, lambda d: console.print(f"wrote {d['file']}"))
