"""``bayledger gov``: consortium members, proposals and votes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import EXIT_LOCAL, EXIT_USAGE, client, console, emit, fail, handled
from bayledger.cli.identity import ACCOUNT, FROM, WAIT, send_msgs, signer_did
from bayledger.sdk import identity as idb

app = typer.Typer(help="Governance: members, proposals, votes.", no_args_is_help=True)
OFFSET = typer.Option(0, min=0, help="Skip this many items.")
LIMIT = typer.Option(20, min=1, max=500, help="Items per page.")


@app.command("members")
def members(offset: int = OFFSET, limit: int = LIMIT) -> None:
    """The consortium members and their voting weights."""
    with handled():
        data = client().list_members(offset=offset, limit=limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("did", "name", "jurisdiction", "roles", "weight")
        for m in d["items"]:
            table.add_row(m["did"], m["name_en"], m["jurisdiction"], ",".join(m["roles"]), str(m["weight"]))
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}; total weight {d['total_weight']}")

    emit(data, render)


@app.command("proposals")
def proposals(
    status: str = typer.Option(None, help="open, passed, rejected or failed."),
    offset: int = OFFSET,
    limit: int = LIMIT,
) -> None:
    """Proposals, newest first."""
    with handled():
        data = client().list_proposals(status=status, offset=offset, limit=limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("id", "kind", "status", "title", "voting ends")
        for p in d["items"]:
            table.add_row(p["id"], p["kind"], p["status"], p["title"], str(p["voting_end_height"]))
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}")

    emit(data, render)


@app.command("proposal")
def proposal(proposal_id: str) -> None:
    """One proposal with its votes and tally."""
    with handled():
        data = client().get_proposal(proposal_id)
    emit(data, lambda d: console.print_json(data=d))


@app.command("propose")
def propose(
    kind: str = typer.Argument(..., help=f"One of: {', '.join(idb.PROPOSAL_KINDS)}."),
    payload_file: Path = typer.Option(..., "--payload-file", help="JSON file with the kind's payload."),
    title: str = typer.Option(..., help="Title (1-256 characters)."),
    description: str = typer.Option("", help="Description (up to 8192 characters)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Submit a proposal (you must be a member)."""
    if kind not in idb.PROPOSAL_KINDS:
        fail(f"unknown kind {kind!r}: one of {', '.join(idb.PROPOSAL_KINDS)}", EXIT_USAGE)
    try:
        payload = json.loads(payload_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"--payload-file: {exc}", EXIT_LOCAL)
    if not isinstance(payload, dict):
        fail("--payload-file must hold a JSON object", EXIT_LOCAL)
    msg = idb.submit_proposal(signer_did(from_, account), kind, payload, title, description)
    send_msgs(from_, account, [msg], wait)


@app.command("vote")
def vote(
    proposal_id: str,
    option: str = typer.Argument(..., help="yes, no or abstain."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
) -> None:
    """Vote on an open proposal (once)."""
    if option not in idb.VOTE_OPTIONS:
        fail(f"option must be yes, no or abstain, not {option!r}", EXIT_USAGE)
    send_msgs(from_, account, [idb.vote(signer_did(from_, account), proposal_id, option)], wait)
