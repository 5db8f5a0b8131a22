"""``bayledger tx``: build, sign (keys from the keyring), submit and wait for transactions."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import typer

from bayledger.cli.common import EXIT_USAGE, client, console, emit, fail, handled, passphrase
from bayledger.cli.keys import keyring
from bayledger.core.hashing import get_hash_function
from bayledger.core.modules.accounts.state import Signer
from bayledger.core.msg import Msg
from bayledger.sdk import builders
from bayledger.sdk.wallet import Wallet

app = typer.Typer(help="Sign and submit transactions.", no_args_is_help=True)
anchor_app = typer.Typer(help="Anchor content hashes and attest them.", no_args_is_help=True)
account_app = typer.Typer(help="Create accounts and change their signers.", no_args_is_help=True)
app.add_typer(anchor_app, name="anchor")
app.add_typer(account_app, name="account")

FROM = typer.Option(..., "--from", help="Key name(s) that sign (repeat for a multi-sig account).")
ACCOUNT = typer.Option(None, "--account", help="Signing account DID (default: the first key's DID).")
WAIT = typer.Option(True, "--wait/--no-wait", help="Wait for the block and print the result.")


def _send(from_: list[str], account: str | None, msgs: list[Msg], wait: bool, memo: str = "") -> None:
    with handled():
        secret = passphrase()
        keys = [keyring().load(name, secret) for name in from_]
        wallet = Wallet(client(), keys, account)
        result = wallet.send(*msgs, memo=memo, wait=wait)
    _print_result(result)


def _print_result(result: dict[str, Any]) -> None:
    def render(r: dict[str, Any]) -> None:
        if "code" not in r:
            console.print(f"submitted {r['hash']}")
            return
        console.print(f"[green]committed[/] {r['hash']} at height {r['height']}")
        for event in r["events"]:
            attrs = ", ".join(f"{k}={v}" for k, v in event.items() if k != "type")
            console.print(f"  {event['type']}: {attrs}")

    emit(result, render)


def _signers(specs: list[str]) -> list[Signer]:
    signers = []
    for spec in specs:
        name, _, weight = spec.partition(":")
        info = keyring().public_info(name)
        try:
            signers.append(
                Signer(
                    key_type=info["key_type"],
                    public_key=base64.b64decode(info["public_key"]),
                    weight=int(weight or 1),
                )
            )
        except ValueError:
            fail(f"--signer {spec!r}: expected KEYNAME:WEIGHT with an integer weight", EXIT_USAGE)
    return signers


@anchor_app.command("create")
def anchor_create(
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    file: Path = typer.Option(None, help="Hash this file (never uploaded)."),
    content_hash: str = typer.Option(None, "--hash", help="Or give the 64-hex content hash."),
    hash_algorithm: str = typer.Option("sha256", help="sha256 or sm3."),
    anchor_type: str = typer.Option("document", "--type", help="Kind of content, e.g. spo, impact-report."),
    uri: str = typer.Option("", help="Where the content lives."),
    meta: list[str] = typer.Option([], help="Metadata KEY=VALUE (repeatable)."),
) -> None:
    """Anchor a content hash (of --file or --hash)."""
    if (file is None) == (content_hash is None):
        fail("give exactly one of --file or --hash", EXIT_USAGE)
    if file is not None:
        with handled():
            content_hash = get_hash_function(hash_algorithm)(file.read_bytes()).hex()
    metadata = dict(item.partition("=")[::2] for item in meta)
    owner = account or keyring().public_info(from_[0])["did"]
    msg = builders.create_anchor(
        owner,
        str(content_hash).lower(),
        hash_algorithm=hash_algorithm,
        anchor_type=anchor_type,
        uri=uri,
        metadata=metadata,
    )
    _send(from_, account, [msg], wait)


@anchor_app.command("attest")
def anchor_attest(
    anchor_id: str,
    statement: str = typer.Option(..., help="What the attester states, e.g. 'verified'."),
    evidence_file: Path = typer.Option(None, help="Evidence document to hash (SHA-256)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Attest someone else's anchor."""
    evidence = hashlib.sha256(evidence_file.read_bytes()).hexdigest() if evidence_file else ""
    attester = account or keyring().public_info(from_[0])["did"]
    _send(from_, account, [builders.attest_anchor(attester, anchor_id, statement, evidence)], wait)


@account_app.command("create")
def account_create(
    key: str = typer.Option(..., help="Keyring name of the new account's key (its DID derives from it)."),
    signer: list[str] = typer.Option([], help="Signer KEYNAME:WEIGHT (repeatable); default: the key itself."),
    threshold: int = typer.Option(0, help="Signing threshold (with --signer)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Create an account (plain, or multi-sig with --signer and --threshold)."""
    with handled():
        info = keyring().public_info(key)
        creator = account or keyring().public_info(from_[0])["did"]
        msg = builders.create_account(
            creator, (info["key_type"], base64.b64decode(info["public_key"])), _signers(signer), threshold
        )
    _send(from_, account, [msg], wait)


@account_app.command("update-signers")
def account_update_signers(
    signer: list[str] = typer.Option(..., help="Signer KEYNAME:WEIGHT (repeatable)."),
    threshold: int = typer.Option(..., help="New threshold."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Replace the signing account's signers and threshold (signed to the current threshold)."""
    with handled():
        target = account or keyring().public_info(from_[0])["did"]
        msg = builders.update_signers(target, _signers(signer), threshold)
    _send(from_, account, [msg], wait)


@app.command("submit")
def submit(file: Path, wait: bool = WAIT) -> None:
    """Submit an already signed transaction (JSON file) as is."""
    with handled():
        result = client().submit(file.read_bytes(), wait=wait)
    _print_result(result)
