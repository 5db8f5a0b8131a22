"""``bayledger vault …``: create and run an off-chain data vault, and drive a running one.

A vault acts for one party: ``start`` loads that party's key from the keyring (``--home``/``--key``) to
sign dispatches, acknowledgements and deletions, and reads grants from the node (``--node``) with proofs.
The vault passphrase comes from ``BAYLEDGER_VAULT_PASSPHRASE`` (else ``BAYLEDGER_PASSPHRASE``, else asked).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import typer

from bayledger.cli.common import (
    EXIT_LEDGER,
    EXIT_LOCAL,
    EXIT_UNREACHABLE,
    emit,
    fail,
    handled,
    passphrase,
    settings,
)

app = typer.Typer(
    help="Off-chain data vaults (encrypted at rest, vault-to-vault encrypted transfer).", no_args_is_help=True
)

DirOption = typer.Option(..., "--dir", help="Vault directory.")
UrlOption = typer.Option("http://127.0.0.1:27001", "--vault", help="URL of the running vault.")


def _vault_passphrase() -> str:
    value = os.environ.get("BAYLEDGER_VAULT_PASSPHRASE")
    return value if value is not None else passphrase()


def _control(method: str, url: str, directory: Path, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call a control endpoint of a running vault with its bearer token."""
    try:
        token = (directory / "api-token").read_text().strip()
    except OSError as exc:
        fail(f"cannot read the vault's api-token: {exc}", EXIT_LOCAL)
    try:
        response = httpx.request(
            method,
            url.rstrip("/") + path,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60.0,
        )
    except httpx.TransportError as exc:
        fail(f"vault at {url} unreachable: {exc} (is `bayledger vault start` running?)", EXIT_UNREACHABLE)
    if response.status_code >= 400:
        fail(f"vault refused: {response.status_code} {response.text}", EXIT_LEDGER)
    return response.json()


@app.command("init")
def init(directory: Path = DirOption, scrypt_n: int = typer.Option(2**15, hidden=True)) -> None:
    """Create a vault: storage key and receiving keys (X25519, SM2), scrypt-protected."""
    from bayledger.offchain.vault import Vault, VaultError

    try:
        vault = Vault.create(directory, _vault_passphrase(), scrypt_n=scrypt_n)
    except VaultError as exc:
        fail(str(exc), EXIT_LOCAL)
    emit(
        {"dir": str(directory), "keys": vault.public_keys()},
        lambda d: typer.echo(f"vault created in {d['dir']}\n" + "\n".join(d["keys"].values())),
    )


@app.command("keys")
def keys(directory: Path = DirOption) -> None:
    """Print the vault's receiving public keys (no passphrase needed)."""
    try:
        public = json.loads((directory / "vault.json").read_text())["public"]
    except (OSError, KeyError, ValueError) as exc:
        fail(f"no readable vault in {directory}: {exc}", EXIT_LOCAL)
    emit(public, lambda d: typer.echo("\n".join(f"{k}: {v}" for k, v in d.items())))


@app.command("start")
def start(
    directory: Path = DirOption,
    port: int = typer.Option(27001, "--port", help="Listen port."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Listen address (keep it on loopback or a private network)."
    ),
    key: str = typer.Option(..., "--key", help="Keyring name of the party this vault acts for."),
    poll_seconds: float = typer.Option(2.0, help="Check the chain for revoked grants every N s (0 = never)."),
    log_level: str = typer.Option("warning", help="Log level."),
) -> None:
    """Run the vault's HTTP interface until interrupted."""
    import uvicorn

    from bayledger.keyring import Keyring
    from bayledger.offchain.vault import Vault, VaultError
    from bayledger.offchain.vault_server import create_vault_app
    from bayledger.offchain.vault_service import NodeChainLink, VaultService
    from bayledger.sdk.client import Client
    from bayledger.sdk.wallet import Wallet

    secret = _vault_passphrase()
    try:
        vault = Vault.open(directory, secret)
    except VaultError as exc:
        fail(str(exc), EXIT_LOCAL)
    with handled():
        signing_key = Keyring(settings.home / "keys").load(key, passphrase())
        wallet = Wallet(Client(settings.node), [signing_key])
    service = VaultService(vault, NodeChainLink(wallet))
    uvicorn.run(
        create_vault_app(service, poll_seconds=poll_seconds), host=host, port=port, log_level=log_level
    )


@app.command("store")
def store(
    name: str = typer.Argument(..., help="Object name, e.g. credit-file-0001."),
    file: Path = typer.Argument(..., help="JSON record keyed by category."),
    directory: Path = DirOption,
    url: str = UrlOption,
) -> None:
    """Store a JSON record in a running vault; prints the fingerprint to register on chain."""
    try:
        record = json.loads(file.read_text())
    except (OSError, ValueError) as exc:
        fail(f"cannot read {file}: {exc}", EXIT_LOCAL)
    answer = _control("POST", url, directory, "/v1/vault/assets", {"name": name, "record": record})
    emit(answer, lambda d: typer.echo(f"stored {d['name']}: {d['hash_algorithm']} {d['fingerprint']}"))


@app.command("send")
def send(
    grant_id: str = typer.Argument(..., help="The grant, e.g. DTG-00000001."),
    asset_name: str = typer.Argument(..., help="The vault object holding the asset."),
    to: str = typer.Option(..., "--to", help="URL of the recipient's vault."),
    directory: Path = DirOption,
    url: str = UrlOption,
) -> None:
    """Send an asset under a grant (the vault checks the grant on chain, masks, anchors, encrypts)."""
    answer = _control(
        "POST",
        url,
        directory,
        "/v1/vault/send",
        {"grant_id": grant_id, "asset_name": asset_name, "recipient_vault": to},
    )
    emit(answer, lambda d: typer.echo(json.dumps(d, indent=2)))
    if not answer.get("sent") or not answer.get("recipient_answer", {}).get("accepted"):
        raise typer.Exit(EXIT_LEDGER)


@app.command("sync")
def sync(directory: Path = DirOption, url: str = UrlOption) -> None:
    """Delete deliveries whose grants were revoked on chain, and confirm it on chain."""
    emit(_control("POST", url, directory, "/v1/vault/sync"), lambda d: typer.echo(f"deleted: {d['deleted']}"))


@app.command("log")
def log(directory: Path = DirOption, url: str = UrlOption) -> None:
    """The vault's hash-chained log (exit 1 if the chain of hashes is broken)."""
    answer = _control("GET", url, directory, "/v1/vault/log")
    emit(answer, lambda d: typer.echo("\n".join(json.dumps(e, ensure_ascii=False) for e in d["entries"])))
    if answer["problems"]:
        raise typer.Exit(EXIT_LEDGER)
