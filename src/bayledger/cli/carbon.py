"""``bayledger carbon``: the carbon-credit registry — queries, CSV exports, retirement certificates
(issue and verify offline) and, from ``carbon_tx.py``, every transaction. Quantities are typed in the
credit type's unit (``12.5`` tCO2e) and converted with its precision."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import (
    EXIT_LOCAL,
    EXIT_USAGE,
    client,
    console,
    emit,
    fail,
    handled,
    passphrase,
    settings,
)
from bayledger.cli.identity import JSON
from bayledger.cli.keys import keyring
from bayledger.reports.carbon_certificate import (
    CertificateError,
    build_certificate_package,
    render_certificate_pdf,
    verify_certificate,
)
from bayledger.sdk.carbon import CarbonApi, format_quantity
from bayledger.sdk.verify import genesis_from_json

app = typer.Typer(
    help="Carbon credits: registry, batches, transfers, retirements with certificates, bridging, claims.",
    no_args_is_help=True,
)
OFFSET = typer.Option(0, min=0, help="Skip this many items.")
PAGE = typer.Option(50, "--limit", min=1, max=500, help="Items per page.")


def api() -> CarbonApi:
    """The carbon reads of the node named by ``--node``."""
    return CarbonApi(client())


def _json(json_output: bool) -> None:
    settings.json_output = settings.json_output or json_output


def _qty(units: int, precision: int, unit: str = "") -> str:
    return f"{format_quantity(units, precision)} {unit}".strip()


def _ranges(ranges: list[Any]) -> str:
    return ", ".join(f"{r[0]}-{r[1]}" if isinstance(r, list) else f"{r['first']}-{r['last']}" for r in ranges)


@app.command("registry")
def registry(json_output: bool = JSON) -> None:
    """Credit types, classes and projects."""
    _json(json_output)
    with handled():
        data = api().registry()

    def render(d: dict[str, Any]) -> None:
        for t in d["credit_types"]:
            console.print(f"type {t['abbreviation']}: {t['name']} in {t['unit']}, {t['precision']} decimals")
        table = Table("class", "type", "methodology", "admin", "issuers")
        for c in d["classes"]:
            table.add_row(
                c["class_id"], c["credit_type"], c["methodology"], c["admin"], str(len(c["issuers"]))
            )
        console.print(table)
        table = Table("project", "name", "jurisdiction", "developer", "batches")
        for p in d["projects"]:
            name = f"{p['name_en']} {p['name_zh']}".strip()
            table.add_row(p["project_id"], name, p["jurisdiction"], p["developer"], str(p["batch_count"]))
        console.print(table)

    emit(data, render)


@app.command("batches")
def batches(
    class_id: str = typer.Option(None, "--class", help="Only this class, e.g. C01."),
    project_id: str = typer.Option(None, "--project", help="Only this project, e.g. C01-001."),
    offset: int = OFFSET,
    limit: int = PAGE,
    json_output: bool = JSON,
) -> None:
    """List batches with their totals."""
    _json(json_output)
    with handled():
        data = api().batches(class_id, project_id, offset, limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("batch", "issued", "tradable", "retired", "cancelled", "escrowed", "origin")
        for b in d["items"]:
            p = b["precision"]
            table.add_row(
                b["batch_id"],
                *(_qty(b[k], p) for k in ("issued", "tradable", "retired", "cancelled", "escrowed")),
                b["origin_registry"] or "-",
            )
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}")

    emit(data, render)


@app.command("batch")
def batch(batch_id: str, json_output: bool = JSON) -> None:
    """One batch with its serial ranges (who holds what)."""
    _json(json_output)
    with handled():
        data = api().batch(batch_id)

    def render(b: dict[str, Any]) -> None:
        p, unit = b["precision"], b["unit"]
        vintage = f"{b['vintage_start']}..{b['vintage_end']}"
        console.print(f"{b['batch_id']}: vintage {vintage}, issued {_qty(b['issued'], p, unit)}")
        table = Table("serials", "holder", "status", "ref")
        for r in b["ranges"]:
            table.add_row(f"{r['first']}-{r['last']}", r["holder"], r["status"], r["ref"] or "-")
        console.print(table)

    emit(data, render)


@app.command("supply")
def supply(
    by: str = typer.Option("class", "--by", help="class, project, vintage or batch."),
    json_output: bool = JSON,
) -> None:
    """Issued, tradable, retired, cancelled and escrowed per class, project, vintage or batch."""
    _json(json_output)
    if by not in ("class", "project", "vintage", "batch"):
        fail("--by must be class, project, vintage or batch", EXIT_USAGE)
    with handled():
        data = api().supply(by)

    def render(d: dict[str, Any]) -> None:
        table = Table(by, "issued", "tradable", "retired", "cancelled", "escrowed")
        for g in d["items"]:
            p = g["precision"]
            table.add_row(
                g["key"], *(_qty(g[k], p) for k in ("issued", "tradable", "retired", "cancelled", "escrowed"))
            )
        console.print(table)

    emit(data, render)


@app.command("balance")
def balance(did: str, json_output: bool = JSON) -> None:
    """A holder's credits per batch, with the serial ranges held."""
    _json(json_output)
    with handled():
        data = api().balances(did)

    def render(d: dict[str, Any]) -> None:
        table = Table("batch", "tradable", "retired", "cancelled", "escrowed", "serials")
        for b in d["items"]:
            p = b["precision"]
            table.add_row(
                b["batch_id"],
                *(_qty(b[k], p) for k in ("tradable", "retired", "cancelled", "escrowed")),
                _ranges(b["ranges"]),
            )
        console.print(table)

    emit(data, render)


@app.command("retirements")
def retirements(
    beneficiary: str = typer.Option(None, help="Exactly this beneficiary."),
    batch_id: str = typer.Option(None, "--batch", help="Only this batch."),
    offset: int = OFFSET,
    limit: int = PAGE,
    json_output: bool = JSON,
) -> None:
    """Retirements, by beneficiary or batch."""
    _json(json_output)
    with handled():
        data = api().retirements(beneficiary, batch_id, offset, limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("retirement", "beneficiary", "units", "serials", "claim")
        for r in d["items"]:
            table.add_row(
                r["retirement_id"], r["beneficiary"], f"{r['amount']:,}", _ranges(r["ranges"]), r["claim_id"]
            )
        console.print(table)

    emit(data, render)


@app.command("retirement")
def retirement(retirement_id: str, json_output: bool = JSON) -> None:
    """One retirement with its batch, project and claim."""
    _json(json_output)
    with handled():
        data = api().retirement(retirement_id)

    def render(r: dict[str, Any]) -> None:
        batch = r["batch"]
        quantity = _qty(r["amount"], batch["precision"], batch["unit"])
        console.print(f"{r['retirement_id']}: {quantity} for {r['beneficiary']} ({r['jurisdiction']})")
        console.print(f"  serials {_ranges(r['ranges'])}, claim {r['claim_id']}, block {r['height']}")

    emit(data, render)


@app.command("provenance")
def provenance(batch_id: str, serial: int, json_output: bool = JSON) -> None:
    """The history of one serial: issuance, transfers, retirement."""
    _json(json_output)
    with handled():
        data = api().provenance(batch_id, serial)

    def render(d: dict[str, Any]) -> None:
        console.print(f"serial {d['serial']} of {d['batch_id']}: {d['status']}, held by {d['holder']}")
        table = Table("#", "height", "kind", "from", "to", "ref")
        for m in d["movements"]:
            table.add_row(
                str(m["seq"]), str(m["height"]), m["kind"], m["sender"] or "-", m["recipient"], m["ref"]
            )
        console.print(table)

    emit(data, render)


@app.command("export")
def export(
    kind: str = typer.Argument(..., help="batches, retirements or balances."),
    out: Path = typer.Option(None, "--out", help="Write the CSV here (default: standard output)."),
) -> None:
    """CSV export (amounts in smallest units, ranges first-last;…)."""
    with handled():
        text = api().export_csv(kind)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"{text.count(chr(10)) - 1} rows written to {out}")


@app.command("claims")
def claims(
    project_ref: str = typer.Option(None, "--project", help="Only claims over this project."),
    json_output: bool = JSON,
) -> None:
    """Claims of tonnes in the shared claims registry (retirements, bridge-ins, bond impact reports)."""
    _json(json_output)
    with handled():
        data = api().claims(project_ref)

    def render(d: dict[str, Any]) -> None:
        table = Table("claim", "kind", "project", "batch", "days", "quantity", "source")
        for c in d["items"]:
            days = f"{c['period_start']}-{c['period_end']}"
            table.add_row(
                c["claim_id"],
                c["kind"],
                c["project_ref"],
                c["batch_ref"] or "-",
                days,
                f"{c['quantity']:,} {c['unit']}",
                c["source"],
            )
        console.print(table)

    emit(data, render)


@app.command("certificate")
def certificate(
    retirement_id: str,
    from_: str = typer.Option(..., "--from", help="Key that signs the certificate (the registry operator)."),
    out_dir: Path = typer.Option(Path("."), "--out-dir", help="Where to write <id>.json and <id>.pdf."),
    json_output: bool = JSON,
) -> None:
    """Issue the retirement's certificate: a signed VC package (JSON, verifiable offline) and its PDF."""
    _json(json_output)
    with handled():
        key = keyring().load(from_, passphrase())
        package = build_certificate_package(
            client(),
            retirement_id,
            issuer=key.did(),
            signing_key=key,
            issued_at=datetime.now(UTC).replace(microsecond=0),
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path, pdf_path = out_dir / f"{retirement_id}.json", out_dir / f"{retirement_id}.pdf"
        json_path.write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
        pdf_path.write_bytes(render_certificate_pdf(package["credential"]))
    emit(
        {"package": str(json_path), "pdf": str(pdf_path), "issuer": key.did()},
        lambda d: console.print(f"certificate {d['package']} and {d['pdf']} signed by {d['issuer']}"),
    )


@app.command("verify-certificate")
def verify_certificate_command(
    package_file: Path,
    genesis_file: Path = typer.Option(
        ..., "--genesis", help="The zone's genesis.json (the only trust root)."
    ),
    json_output: bool = JSON,
) -> None:
    """Verify a certificate package offline: signature, light-client proofs, fields (no node needed)."""
    _json(json_output)
    try:
        package = json.loads(package_file.read_text(encoding="utf-8"))
        genesis = genesis_from_json(json.loads(genesis_file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        fail(f"cannot read the package or genesis: {exc}", EXIT_LOCAL)
    try:
        verified = verify_certificate(package, genesis=genesis, now=datetime.now(UTC))
    except CertificateError as exc:
        fail(f"certificate does not verify: {exc}", 1)
    s = verified.subject
    answer = {
        "valid": True,
        "retirement_id": s["retirementId"],
        "beneficiary": s["beneficiary"],
        "quantity": f"{s['quantity']} {s['unit']}",
        "issuer": verified.issuer,
        "height": verified.height,
    }
    emit(
        answer,
        lambda d: console.print(
            f"[green]valid[/] {d['retirement_id']}: {d['quantity']} for {d['beneficiary']}"
            f" (block {d['height']}, issuer {d['issuer']})"
        ),
    )


from bayledger.cli import carbon_tx  # noqa: E402  (registers the transaction commands on ``app``)

carbon_tx.register(app)
