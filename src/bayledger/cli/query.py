"""``bayledger query``: blocks, transactions, accounts, anchors, events and verified proofs."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import client, console, emit, handled
from bayledger.sdk.verify import genesis_from_json, verify_record_answer

app = typer.Typer(help="Read the chain.", no_args_is_help=True)
OFFSET = typer.Option(0, min=0, help="Skip this many items.")
LIMIT = typer.Option(20, min=1, max=500, help="Items per page.")


def _pretty(data: Any) -> None:
    console.print_json(data=data)


@app.command("block")
def block(ref: str = typer.Argument("latest", help="Height, hash or 'latest'.")) -> None:
    """One block with its header and tx hashes."""
    with handled():
        data = client().get_block(int(ref) if ref.isdigit() else ref)
    emit(data, _pretty)


@app.command("blocks")
def blocks(offset: int = OFFSET, limit: int = LIMIT) -> None:
    """Latest blocks."""
    with handled():
        data = client().list_blocks(offset=offset, limit=limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("height", "time", "txs", "hash", "app hash")
        for b in d["items"]:
            h = b["header"]
            table.add_row(
                str(h["height"]), str(h["time"]), str(len(b["txs"])), b["hash"][:16], h["app_hash"][:16]
            )
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}")

    emit(data, render)


@app.command("tx")
def tx(tx_hash: str) -> None:
    """A committed transaction and its result."""
    with handled():
        data = client().get_tx(tx_hash)
    emit(data, _pretty)


@app.command("txs")
def txs(
    account: str = typer.Option(None, help="Only txs touching this DID."),
    offset: int = OFFSET,
    limit: int = LIMIT,
) -> None:
    """Latest transactions."""
    with handled():
        data = client().list_txs(account=account, offset=offset, limit=limit)
    emit(data, _pretty)


@app.command("account")
def account(did: str) -> None:
    """An account: signers, threshold, nonce."""
    with handled():
        data = client().get_account(did)
    emit(data, _pretty)


@app.command("anchor")
def anchor(anchor_id: str) -> None:
    """An anchor and its attestations."""
    with handled():
        data = client().get_anchor(anchor_id)
    emit(data, _pretty)


@app.command("anchors")
def anchors(
    owner: str = typer.Option(None),
    content_hash: str = typer.Option(None, "--hash"),
    offset: int = OFFSET,
    limit: int = LIMIT,
) -> None:
    """Anchors, by owner or content hash."""
    with handled():
        data = client().list_anchors(owner=owner, content_hash=content_hash, offset=offset, limit=limit)
    emit(data, _pretty)


@app.command("events")
def events(
    event_type: str = typer.Option(None, "--type"),
    attribute: str = typer.Option(None),
    value: str = typer.Option(None),
    offset: int = OFFSET,
    limit: int = LIMIT,
) -> None:
    """Events by type and/or attribute=value."""
    with handled():
        data = client().search_events(
            event_type=event_type, attribute=attribute, value=value, offset=offset, limit=limit
        )
    emit(data, _pretty)


@app.command("proof")
def proof(
    module: str,
    kind: str,
    ident: str,
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Check it with the light client."),
) -> None:
    """A record with its state proof, e.g. `query proof anchor anchor ANC-00000001`."""
    with handled():
        api = client()
        answer = api.get_proof(module, kind, ident)
        if verify:
            verify_record_answer(genesis_from_json(api.genesis()), answer, module, kind, ident)
            answer["verified"] = True

    def render(d: dict[str, Any]) -> None:
        mark = "[green]verified[/] " if d.get("verified") else ""
        presence = "absent" if d["value"] is None else "present"
        console.print(
            f"{mark}{module}/{kind}/{ident} at height {d['height']} "
            f"(app hash {d['app_hash'][:16]}…): {presence}"
        )
        _pretty(d["value"])

    emit(answer, render)
