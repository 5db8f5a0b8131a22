"""``bayledger did``: resolve DID documents and manage your own (register, update, rotate, deactivate)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import EXIT_USAGE, client, console, emit, fail, handled, passphrase, settings
from bayledger.cli.keys import keyring
from bayledger.cli.tx import _print_result, _signers
from bayledger.sdk import identity as idb
from bayledger.sdk.verify import genesis_from_json, verify_record_answer
from bayledger.sdk.wallet import Wallet

app = typer.Typer(
    help="DID documents: resolve, register, update, rotate keys, deactivate.", no_args_is_help=True
)

FROM = typer.Option(..., "--from", help="Key name(s) that sign (repeat for a multi-sig account).")
ACCOUNT = typer.Option(None, "--account", help="The DID (default: the first key's DID).")
WAIT = typer.Option(True, "--wait/--no-wait", help="Wait for the block and print the result.")
SERVICE = typer.Option([], "--service", help="Service ID:TYPE:ENDPOINT (repeatable).")
JSON = typer.Option(False, "--json", help="Print JSON for scripts.")


def send_msgs(from_: list[str], account: str | None, msgs: list[dict[str, Any]], wait: bool) -> None:
    """Sign ``msgs`` with the keyring keys ``from_`` for ``account``, submit, print the result."""
    with handled():
        secret = passphrase()
        keys = [keyring().load(name, secret) for name in from_]
        result = Wallet(client(), keys, account).send(*msgs, wait=wait)
    _print_result(result)


def send_msg(
    from_: list[str], account: str | None, msg: dict[str, Any], wait: bool, json_output: bool
) -> None:
    """:func:`send_msgs` of one message, honouring a command's own ``--json`` flag."""
    settings.json_output = settings.json_output or json_output
    send_msgs(from_, account, [msg], wait)


def signer_did(from_: list[str], account: str | None) -> str:
    """The account that signs: ``--account`` or the first key's DID."""
    if account:
        return account
    with handled():
        did: str = keyring().public_info(from_[0])["did"]
    return did


def parse_services(specs: list[str]) -> list[Any]:
    """``ID:TYPE:ENDPOINT`` options as services (the endpoint may itself contain ``:``)."""
    services = []
    for spec in specs:
        parts = spec.split(":", 2)
        if len(parts) != 3 or not all(parts):
            fail(f"--service {spec!r}: expected ID:TYPE:ENDPOINT", EXIT_USAGE)
        services.append(idb.service(parts[0], parts[1], parts[2]))
    return services


@app.command("resolve")
def resolve(
    did: str,
    version: int = typer.Option(None, "--version", min=1, help="Version number (default: latest)."),
    at: str = typer.Option(None, "--time", help="Version in force at this time (ms or dateTimeStamp)."),
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Check the state proof (light client)."),
    json_output: bool = JSON,
) -> None:
    """Resolve a did:bid document (a deactivated DID is shown with `deactivated: true`)."""
    settings.json_output = settings.json_output or json_output
    with handled():
        c = client()
        data = c.resolve_did(did, version_id=version, version_time=at)
        if verify:
            version_ident = f"{did}/{data['didDocumentMetadata']['versionId']}"
            verify_record_answer(genesis_from_json(c.genesis()), data["proof"], "identity", "did-version",
                                 version_ident)  # fmt: skip
    data["proofVerified"] = verify

    def render(d: dict[str, Any]) -> None:
        meta = d["didDocumentMetadata"]
        table = Table(show_header=False)
        for key in ("versionId", "created", "updated", "deactivated", "nextVersionId"):
            if key in meta:
                table.add_row(key, str(meta[key]))
        table.add_row("proof", "verified against genesis" if verify else "not checked")
        console.print(table)
        console.print_json(data=d["didDocument"])

    emit(data, render)


@app.command("register")
def register(
    service: list[str] = SERVICE, from_: list[str] = FROM, account: str = ACCOUNT, wait: bool = WAIT
) -> None:
    """Publish version 1 of your DID document (keys from your account's signers)."""
    send_msgs(from_, account, [idb.register_did(signer_did(from_, account), parse_services(service))], wait)


@app.command("update")
def update(
    service: list[str] = SERVICE, from_: list[str] = FROM, account: str = ACCOUNT, wait: bool = WAIT
) -> None:
    """Publish a new version with these services (keys re-read from the account)."""
    send_msgs(from_, account, [idb.update_did(signer_did(from_, account), parse_services(service))], wait)


@app.command("rotate")
def rotate(
    signer: list[str] = typer.Option(..., "--signer", help="New signer KEYNAME:WEIGHT (repeatable)."),
    threshold: int = typer.Option(1, help="New threshold."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Replace your signers and threshold (signed to the current threshold); publishes a new version."""
    with handled():
        signers = _signers(signer)
    send_msgs(from_, account, [idb.rotate_keys(signer_did(from_, account), signers, threshold)], wait)


@app.command("deactivate")
def deactivate(
    yes: bool = typer.Option(False, "--yes", help="Confirm: deactivation is final."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Deactivate your DID for good: later transactions it signs are refused."""
    if not yes:
        fail("deactivation is final: repeat with --yes", EXIT_USAGE)
    send_msgs(from_, account, [idb.deactivate_did(signer_did(from_, account))], wait)
