"""``bayledger data``: cross-boundary data mobility — assets, consent, GBA filings, transfer requests,
validation mode, the access log and the data-subject view. The data itself stays in the vaults
(``bayledger vault``); these commands only move hashes, decisions and grants.

A denied transfer request is recorded on chain (the transaction succeeds) but the command exits 1 and
prints the reason codes, so scripts can tell "allowed" from "refused".
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import (
    EXIT_LEDGER,
    EXIT_LOCAL,
    EXIT_NOT_FOUND,
    client,
    console,
    emit,
    fail,
    handled,
    passphrase,
    settings,
)
from bayledger.cli.identity import ACCOUNT, FROM, JSON, signer_did
from bayledger.cli.keys import keyring
from bayledger.sdk import datamobility as dmb
from bayledger.sdk.verify import genesis_from_json, verify_proof_answer
from bayledger.sdk.wallet import Wallet

app = typer.Typer(
    help="Cross-boundary data: consent, GBA filings, transfer decisions, validation, audit.",
    no_args_is_help=True,
)
CATEGORY = typer.Option(..., "--category", help="A personal-information category (repeatable).")
PURPOSE = typer.Option(..., "--purpose", help="A purpose, e.g. credit_assessment (repeatable).")
OFFSET = typer.Option(0, min=0, help="Skip this many items.")
PAGE = typer.Option(50, "--limit", min=1, max=500, help="Items per page.")


def _send(from_: list[str], account: str | None, msg: dict[str, Any], json_output: bool) -> dict[str, Any]:
    settings.json_output = settings.json_output or json_output
    with handled():
        keys = [keyring().load(name, passphrase()) for name in from_]
        result: dict[str, Any] = Wallet(client(), keys, account).send(msg)
    return result


def _print(result: dict[str, Any]) -> None:
    def render(r: dict[str, Any]) -> None:
        console.print(f"[green]committed[/] {r['hash']} at height {r['height']}")
        for event in r["events"]:
            attrs = ", ".join(f"{k}={v}" for k, v in event.items() if k != "type")
            console.print(f"  {event['type']}: {attrs}")

    emit(result, render)


def _file_hash(path: Path, algorithm: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc}", EXIT_LOCAL)
    return (
        dmb.document_fingerprint(data, algorithm) if algorithm == "sm3" else hashlib.sha256(data).hexdigest()
    )


@app.command("register-asset")
def register_asset(
    subject: str = typer.Option(..., help="DID of the data subject."),
    title: str = typer.Option(..., help="What the asset is."),
    category: list[str] = CATEGORY,
    fingerprint: str = typer.Option(..., help="Fingerprint printed by `bayledger vault store`."),
    hash_algorithm: str = typer.Option("sha256", "--hash", help="sha256, or sm3 in a national-crypto zone."),
    classification: str = typer.Option("general", help="general, important or core (GB/T 43697-2024)."),
    sensitive: bool = typer.Option(False, help="Holds sensitive personal information."),
    grade: int = typer.Option(3, help="JR/T 0197 financial data level 1..5."),
    location: str = typer.Option("HK", help="Storage jurisdiction, e.g. HK or CN-GD."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    json_output: bool = JSON,
) -> None:
    """Register a data asset held in your vault (only its fingerprint goes on chain)."""
    owner = signer_did(from_, account)
    msg = dmb.register_data_asset(
        owner, subject, title, category, fingerprint=fingerprint, hash_algorithm=hash_algorithm,
        sensitive=sensitive, classification=classification, financial_grade=grade, storage_location=location,
    )  # fmt: skip
    _print(_send(from_, account, msg, json_output))


@app.command("consent")
def consent(
    controller: str = typer.Option(..., help="DID of the controller holding the data."),
    recipient: str = typer.Option(..., help="DID of the recipient."),
    recipient_name: str = typer.Option(..., help="Recipient's name (shown to the subject)."),
    recipient_contact: str = typer.Option(..., help="Recipient's contact."),
    recipient_jurisdiction: str = typer.Option(..., help="Recipient's jurisdiction, e.g. CN-GD."),
    purpose: list[str] = PURPOSE,
    category: list[str] = CATEGORY,
    notice: Path = typer.Option(..., help="The privacy notice the subject read (hashed, not uploaded)."),
    language: str = typer.Option("en", help="Language of the notice, e.g. zh-Hant."),
    retention_days: int = typer.Option(365, help="How long the recipient may keep the data."),
    valid_until: int = typer.Option(0, help="Expiry as block time in ms (0 = until withdrawn)."),
    sensitive: bool = typer.Option(False, help="Separate consent for sensitive personal information."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    json_output: bool = JSON,
) -> None:
    """Give separate consent to a cross-boundary transfer (signed by you, the data subject)."""
    subject = signer_did(from_, account)
    msg = dmb.give_consent(
        subject, controller, recipient, recipient_name, recipient_contact=recipient_contact,
        recipient_jurisdiction=recipient_jurisdiction, purposes=purpose, categories=category,
        notice_hash=_file_hash(notice, "sha256"), notice_language=language, retention_days=retention_days,
        valid_until=valid_until, sensitive=sensitive,
    )  # fmt: skip
    _print(_send(from_, account, msg, json_output))


@app.command("withdraw")
def withdraw(
    consent_id: str = typer.Argument(None, help="The consent, e.g. CNS-00000001 (or --all)."),
    all_: bool = typer.Option(False, "--all", help="Withdraw every consent you have given, in one action."),
    reason: str = typer.Option("", help="Why (kept on chain)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    json_output: bool = JSON,
) -> None:
    """Withdraw consent: no further grants, and recipients are told to delete."""
    subject = signer_did(from_, account)
    if all_ == bool(consent_id):
        fail("name one CONSENT_ID or pass --all", 2)
    msg = (
        dmb.withdraw_all_consents(subject, reason)
        if all_
        else dmb.withdraw_consent(subject, consent_id, reason)
    )
    _print(_send(from_, account, msg, json_output))


@app.command("file-contract")
def file_contract(
    recipient: str = typer.Option(..., help="DID of the recipient."),
    processor_name: str = typer.Option(..., help="Your registered name."),
    processor_city: str = typer.Option(..., help="Your registered city (a GBA city or Hong Kong)."),
    recipient_name: str = typer.Option(..., help="Recipient's registered name."),
    recipient_city: str = typer.Option(..., help="Recipient's registered city."),
    purpose: list[str] = PURPOSE,
    category: list[str] = CATEGORY,
    effective_date: str = typer.Option(..., help="Contract effective date, YYYY-MM-DD."),
    reference: str = typer.Option(..., help="Filing reference given by the authority."),
    authority: str = typer.Option(
        "Office of the Privacy Commissioner for Personal Data, Hong Kong", help="Filing authority."
    ),
    pia: str = typer.Option(..., help="Personal information impact assessment reference."),
    volume: int = typer.Option(1000, help="Number of data subjects covered."),
    retention_days: int = typer.Option(365, help="Retention agreed in the contract."),
    supersedes: str = typer.Option("", help="The filing this one replaces (wider scope)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    json_output: bool = JSON,
) -> None:
    """Record a GBA Standard Contract filing (flagged late after 10 working days)."""
    processor = signer_did(from_, account)
    msg = dmb.file_contract(
        processor, recipient, processor_name=processor_name, processor_city=processor_city,
        recipient_name=recipient_name, recipient_city=recipient_city, purposes=purpose, categories=category,
        effective_date=effective_date, filing_reference=reference, filing_authority=authority,
        pia_reference=pia, volume=volume, retention_days=retention_days, supersedes=supersedes,
    )  # fmt: skip
    _print(_send(from_, account, msg, json_output))


@app.command("request")
def request(
    asset_id: str = typer.Argument(..., help="The asset, e.g. DA-00000001."),
    purpose: str = typer.Option(..., help="The one purpose of this request."),
    category: list[str] = CATEGORY,
    recipient_key: str = typer.Option(
        ..., help="Your vault's key (`bayledger vault keys`), x25519:… or sm2:…."
    ),
    masking: str = typer.Option(
        "mask-id-numbers", help="Masking profile: " + ", ".join(dmb.MASKING_PROFILES)
    ),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    json_output: bool = JSON,
) -> None:
    """Ask for an asset; the chain decides and records allow (with a grant) or deny (with reasons)."""
    recipient = signer_did(from_, account)
    result = _send(
        from_,
        account,
        dmb.request_transfer(recipient, asset_id, purpose, category, recipient_key, masking),
        json_output,
    )
    decision = next(e for e in result["events"] if e["type"] == "datamobility/EventDecideTransfer")

    def render(r: dict[str, Any]) -> None:
        if decision["decision"] == "allow":
            console.print(f"[green]allowed[/] {decision['request_id']}: grant {decision['grant_id']}")
        else:
            console.print(f"[red]denied[/] {decision['request_id']}: {', '.join(decision['reasons'])}")

    emit({**result, "decision": decision}, render)
    if decision["decision"] != "allow":
        raise typer.Exit(EXIT_LEDGER)


@app.command("anchor")
def anchor(
    file: Path = typer.Argument(..., help="The document issued to the subject."),
    subject: str = typer.Option(..., help="DID of the subject."),
    document_type: str = typer.Option(..., "--type", help="e.g. bank_statement."),
    hash_algorithm: str = typer.Option("sha256", "--hash", help="sha256 or sm3."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    json_output: bool = JSON,
) -> None:
    """Validation mode: anchor a document's fingerprint (the document stays with the subject)."""
    provider = signer_did(from_, account)
    msg = dmb.anchor_fingerprint(
        provider, subject, document_type, _file_hash(file, hash_algorithm), hash_algorithm
    )
    _print(_send(from_, account, msg, json_output))


@app.command("validate")
def validate(
    fingerprint_id: str = typer.Argument(..., help="The anchored fingerprint, e.g. DFP-00000001."),
    file: Path = typer.Argument(..., help="The document the subject handed over."),
    hash_algorithm: str = typer.Option("sha256", "--hash", help="sha256 or sm3."),
    record: bool = typer.Option(False, help="Record the check on chain (needs --from)."),
    from_: list[str] = typer.Option([], "--from", help="Key name(s) that sign when --record."),
    json_output: bool = JSON,
) -> None:
    """Check a document against an anchored fingerprint (exit 1 when it does not match)."""
    settings.json_output = settings.json_output or json_output
    digest = _file_hash(file, hash_algorithm)
    if record:
        if not from_:
            fail("--record needs --from", 2)
        result = _send(
            from_,
            None,
            dmb.validate_document(signer_did(from_, None), fingerprint_id, digest, hash_algorithm),
            json_output,
        )
        answer = next(e for e in result["events"] if e["type"] == "datamobility/EventValidateDocument")
    else:
        answer = _proven_check(fingerprint_id, digest)
    emit(
        answer,
        lambda d: console.print(
            ("[green]match[/]" if d["match"] else "[red]no match[/]") + f" ({d['reason']})"
        ),
    )
    if not answer["match"]:
        raise typer.Exit(EXIT_LEDGER)


def _proven_check(fingerprint_id: str, digest: str) -> dict[str, Any]:
    """Compare ``digest`` with the anchored fingerprint read with its state proof (light-client checked
    against the zone's genesis), so the answer does not rest on trusting the node."""
    with handled():
        node = client()
        genesis = genesis_from_json(node.genesis())
        record = verify_proof_answer(genesis, node.get_proof("datamobility", "fingerprint", fingerprint_id))
        latest = int(node.status().get("latest_time") or 0)
    if record is None:
        fail(f"no document fingerprint {fingerprint_id} (proven absent)", EXIT_NOT_FOUND)
    expired = bool(record["valid_until"]) and latest >= record["valid_until"]
    match = not expired and digest == record["fingerprint"]
    reason = "fingerprint_expired" if expired else ("match" if match else "fingerprint_mismatch")
    return {
        "fingerprint_id": fingerprint_id,
        "match": match,
        "reason": reason,
        "proven": True,
        "record": record,
    }


@app.command("list")
def list_records(
    kind: str = typer.Argument(..., help="assets, consents, filings, requests, grants or fingerprints."),
    subject: str = typer.Option(None, help="Only records of this subject."),
    recipient: str = typer.Option(None, help="Only records of this recipient."),
    status: str = typer.Option(None, help="Only this status."),
    offset: int = OFFSET,
    limit: int = PAGE,
    json_output: bool = JSON,
) -> None:
    """List data-mobility records."""
    settings.json_output = settings.json_output or json_output
    filters = {k: v for k, v in {"subject": subject, "recipient": recipient, "status": status}.items() if v}
    with handled():
        data = client().list_data_records(kind, offset=offset, limit=limit, **filters)
    emit(data, lambda d: _table(d["items"]))


def _table(items: list[dict[str, Any]]) -> None:
    if not items:
        console.print("none")
        return
    columns = [k for k in items[0] if not isinstance(items[0][k], list | dict)][:8]
    table = Table(*columns)
    for item in items:
        table.add_row(*(str(item[c]) for c in columns))
    console.print(table)


@app.command("get")
def get(kind: str = typer.Argument(...), ident: str = typer.Argument(...), json_output: bool = JSON) -> None:
    """One record (e.g. `bayledger data get requests DTR-00000001`)."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_data_record(kind, ident)
    emit(data)


@app.command("audit")
def audit(
    export: str = typer.Option("", help="Write the whole log as csv or json instead."),
    out: Path = typer.Option(None, help="File for --export (default: stdout)."),
    subject: str = typer.Option(None, help="Only entries about this subject."),
    offset: int = OFFSET,
    limit: int = PAGE,
    json_output: bool = JSON,
) -> None:
    """The tamper-evident access log (exit 1 if its hash chain does not verify)."""
    settings.json_output = settings.json_output or json_output
    with handled():
        if export:
            text = client().export_access_log(export)
            if out is None:
                typer.echo(text, nl=False)
            else:
                out.write_text(text)
            return
        data = client().get_access_log(
            offset=offset, limit=limit, **({"subject": subject} if subject else {})
        )

    def render(d: dict[str, Any]) -> None:
        _table(d["items"])
        console.print(f"chain intact: {d['chain_intact']}")

    emit(data, render)
    if not data["chain_intact"]:
        raise typer.Exit(EXIT_LEDGER)


@app.command("subject")
def subject_view(
    did: str = typer.Argument(..., help="The data subject's DID."), json_output: bool = JSON
) -> None:
    """Everything about a data subject: recipients, purposes, transfers (withdraw all: `withdraw --all`)."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_subject_view(did)

    def render(d: dict[str, Any]) -> None:
        for r in d["recipients"]:
            console.print(f"{r['name']} ({r['jurisdiction']}) {r['recipient']}: {', '.join(r['purposes'])}")
        for g in d["grants"]:
            console.print(f"  grant {g['grant_id']} {g['purpose']} {g['status']}")
        console.print(f"live consents: {', '.join(d['live_consents']) or 'none'}")

    emit(data, render)
