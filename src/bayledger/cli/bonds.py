"""``bayledger bonds``: green-bond frameworks and reviews, bond creation from a terms file, the book,
allocation, DvP settlement, coupons, redemption, transfers, pledges, and queries. Amounts are typed in
major units of the bond's currency (``50000`` is HK$50,000.00)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import msgspec
import typer
from rich.table import Table

from bayledger.cli.common import EXIT_LOCAL, EXIT_USAGE, client, console, emit, fail, handled, settings
from bayledger.cli.identity import ACCOUNT, FROM, JSON, WAIT, send_msg, signer_did
from bayledger.cli.money import money_text, parse_major
from bayledger.sdk import bonds as bb
from bayledger.sdk import cash as cb

app = typer.Typer(
    help="Green bonds: frameworks, reviews, issuance, book, DvP settlement, coupons, redemption, holdings.",
    no_args_is_help=True,
)
AMOUNT = typer.Argument(..., help="Face amount in major units, e.g. 50000 (HK$50,000.00).")
OFFSET = typer.Option(0, min=0, help="Skip this many items.")
PAGE = typer.Option(50, "--limit", min=1, max=500, help="Items per page.")


def _face(text: str, bond_id: str) -> int:
    """``text`` in major units of the bond's currency (read from the node) as minor units."""
    with handled():
        currency = str(client().get_bond(bond_id)["terms"]["specifiedCurrency"])
    return parse_major(text, currency)


# --- queries -----------------------------------------------------------------------------------------


@app.command("list")
def list_bonds(
    issuer: str = typer.Option(None, help="Only bonds of this issuer (DID)."),
    offset: int = OFFSET,
    limit: int = PAGE,
    json_output: bool = JSON,
) -> None:
    """List bonds."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().list_bonds(issuer=issuer, offset=offset, limit=limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("bond", "name", "status", "green", "outstanding", "maturity")
        for b in d["items"]:
            dec = cb.decimals_of(b["currency"])
            table.add_row(
                b["bond_id"], b["name_en"], b["status"], "yes" if b["green"] else "no",
                money_text(b["outstanding"], dec, b["currency"]), b["maturity_date"],
            )  # fmt: skip
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}")

    emit(data, render)


@app.command("show")
def show(bond_id: str, json_output: bool = JSON) -> None:
    """One bond: terms, status, schedule with coupon records, allotments."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_bond(bond_id)

    def render(b: dict[str, Any]) -> None:
        terms, cur = b["terms"], b["terms"]["specifiedCurrency"]
        dec = cb.decimals_of(cur)
        console.print(f"[bold]{b['bond_id']}[/] {terms['nameEn']} {terms.get('nameZh', '')}")
        console.print(
            f"status {b['status']}; face {money_text(terms['aggregateNominalAmount'], dec, cur)}, "
            f"outstanding {money_text(b['outstanding'], dec, cur)}, "
            f"proceeds {money_text(b['proceeds'], dec, cur)}"
        )
        records = {c["index"]: c for c in b["coupon_records"]}
        table = Table("#", "accrual", "record", "payment", "status", "paid")
        for p in b["schedule"]:
            record = records.get(p["index"], {})
            paid = money_text(record["paid"], dec, cur) if record.get("status") == "paid" else ""
            table.add_row(
                str(p["index"]), f"{p['accrual_start']} → {p['accrual_end']}", p["record_date"],
                p["payment_date"], record.get("status", "due"), paid,
            )  # fmt: skip
        console.print(table)

    emit(data, render)


@app.command("holdings")
def holdings(bond_id: str, offset: int = OFFSET, limit: int = PAGE, json_output: bool = JSON) -> None:
    """A bond's holders (amount, pledged, escrowed)."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().list_bond_holdings(bond_id, offset=offset, limit=limit)
    emit(data, lambda d: console.print_json(json.dumps(d)))


@app.command("statement")
def statement(did: str, json_output: bool = JSON) -> None:
    """A holder's statement: every bond held, the holding now, coupons received."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_holder_statement(did)

    def render(d: dict[str, Any]) -> None:
        table = Table("bond", "holding", "pledged", "coupons received", "owed (withheld)")
        for b in d["bonds"]:
            dec = cb.decimals_of(b["currency"])
            table.add_row(
                b["bond_id"], money_text(b["holding"]["amount"], dec, b["currency"]),
                money_text(b["holding"].get("pledged", 0), dec, b["currency"]),
                money_text(b["coupons_received"], dec, b["currency"]),
                money_text(b["withheld"]["coupons"] + b["withheld"]["redemption"], dec, b["currency"]),
            )  # fmt: skip
        console.print(table)

    emit(data, render)


# --- transactions ------------------------------------------------------------------------------------


@app.command("publish-framework")
def publish_framework(
    document: Path = typer.Argument(..., help="The framework document (its SHA-256 goes on chain)."),
    name_en: str = typer.Option(..., help="English name."),
    category: list[str] = typer.Option(..., "--category", help="Eligible ICMA GBP category (repeat)."),
    project_evaluation: str = typer.Option(..., help="Summary of project evaluation and selection."),
    management_of_proceeds: str = typer.Option(..., help="Summary of the management of proceeds."),
    reporting: str = typer.Option(..., help="Summary of reporting."),
    uri: str = typer.Option("", help="Where the document is published."),
    name_zh: str = typer.Option("", help="Chinese name."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Publish your green-bond framework (ICMA Green Bond Principles)."""
    try:
        digest = hashlib.sha256(document.read_bytes()).hexdigest()
    except OSError as exc:
        fail(f"cannot read {document}: {exc}", EXIT_LOCAL)
    msg = bb.publish_framework(
        signer_did(from_, account), digest, name_en=name_en, categories=category,
        project_evaluation=project_evaluation, management_of_proceeds=management_of_proceeds,
        reporting=reporting, uri=uri, name_zh=name_zh,
    )  # fmt: skip
    send_msg(from_, account, msg, wait, json_output)


@app.command("review")
def review(
    framework_id: str,
    opinion: str = typer.Argument(..., help="aligned or not-aligned."),
    credential: Path = typer.Option(..., help="The signed second-party-opinion credential (JSON)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Record your second-party opinion on a framework (needs an ExternalReviewerCredential)."""
    from bayledger.vc.cryptosuites import jcs

    try:
        body = json.loads(credential.read_text())
    except (OSError, ValueError) as exc:
        fail(f"cannot read the credential {credential}: {exc}", EXIT_LOCAL)
    digest = hashlib.sha256(jcs(body)).hexdigest()
    credential_id = str(body.get("id", credential.stem))
    msg = bb.record_review(signer_did(from_, account), framework_id, opinion, credential_id, digest)
    send_msg(from_, account, msg, wait, json_output)


@app.command("create")
def create(
    terms_file: Path = typer.Argument(..., help="Bond terms as JSON (ICMA Bond Data Taxonomy names)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Create a bond from a terms file and open its book (amounts in the file are minor units)."""
    try:
        terms = msgspec.json.decode(terms_file.read_bytes(), type=bb.BondTerms)
    except (OSError, msgspec.ValidationError, msgspec.DecodeError) as exc:
        fail(f"terms file {terms_file}: {exc}", EXIT_USAGE)
    send_msg(from_, account, bb.create_bond(signer_did(from_, account), terms), wait, json_output)


@app.command("order")
def order(
    bond_id: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Place (or replace; 0 withdraws) your order for AMOUNT face."""
    msg = bb.place_order(signer_did(from_, account), bond_id, _face(amount, bond_id))
    send_msg(from_, account, msg, wait, json_output)


@app.command("allocate")
def allocate(
    bond_id: str,
    line: list[str] = typer.Option(
        None, "--line", help="Discretionary DID=AMOUNT (repeat); none = pro rata."
    ),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Allot the bond: pro rata to the book, or the discretionary --line allotments."""
    lines = {}
    for item in line or []:
        did, sep, amount = item.partition("=")
        if not sep:
            fail(f"--line {item!r} is not DID=AMOUNT", EXIT_USAGE)
        lines[did] = _face(amount, bond_id)
    method = "discretionary" if lines else "pro-rata"
    send_msg(from_, account, bb.allocate_bond(signer_did(from_, account), bond_id, method, lines), wait,
          json_output)  # fmt: skip


@app.command("settle")
def settle(
    bond_id: str, from_: list[str] = FROM, account: str = ACCOUNT, wait: bool = WAIT, json_output: bool = JSON
) -> None:
    """Settle every allotment delivery-versus-payment, all or nothing."""
    send_msg(from_, account, bb.settle_bond(signer_did(from_, account), bond_id), wait, json_output)


@app.command("redeem")
def redeem(
    bond_id: str, from_: list[str] = FROM, account: str = ACCOUNT, wait: bool = WAIT, json_output: bool = JSON
) -> None:
    """Repay the face amount to every holder at maturity."""
    send_msg(from_, account, bb.redeem_bond(signer_did(from_, account), bond_id), wait, json_output)


@app.command("pay-withheld")
def pay_withheld(
    bond_id: str,
    holder: str,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Pay HOLDER what was withheld from it (it must be payable now: KYC'd and not frozen)."""
    send_msg(from_, account, bb.pay_withheld(signer_did(from_, account), bond_id, holder), wait, json_output)


@app.command("pay-coupon")
def pay_coupon(
    bond_id: str,
    index: int = typer.Argument(..., min=1, help="Coupon number (1 = the first)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Pay coupon INDEX to the holders of record."""
    send_msg(from_, account, bb.pay_coupon(signer_did(from_, account), bond_id, index), wait, json_output)


@app.command("transfer")
def transfer(
    bond_id: str,
    recipient: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Transfer AMOUNT face free of payment to another eligible holder."""
    msg = bb.transfer_bond(signer_did(from_, account), bond_id, recipient, _face(amount, bond_id))
    send_msg(from_, account, msg, wait, json_output)


@app.command("pledge")
def pledge(
    bond_id: str,
    pledgee: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Pledge AMOUNT face to PLEDGEE (repo collateral)."""
    msg = bb.pledge_bond(signer_did(from_, account), bond_id, pledgee, _face(amount, bond_id))
    send_msg(from_, account, msg, wait, json_output)


@app.command("release")
def release(
    bond_id: str,
    holder: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Release AMOUNT face that HOLDER pledged to you."""
    msg = bb.release_pledge(signer_did(from_, account), bond_id, holder, _face(amount, bond_id))
    send_msg(from_, account, msg, wait, json_output)
