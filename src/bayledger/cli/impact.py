"""``bayledger impact``: green projects, use of proceeds, impact reports and their review, and the reports an
investor reads (allocation report, impact report, holder statement as tables, JSON or CSV).

Amounts are typed in major units of the bond's currency (``300,000,000.00``); indicators as
``name=value`` in the indicator's reporting unit (``ghg-emissions-avoided=12345.678`` tCO2e).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import EXIT_LOCAL, EXIT_USAGE, client, console, emit, fail, handled, settings
from bayledger.cli.identity import ACCOUNT, FROM, JSON, WAIT, send_msg, signer_did
from bayledger.cli.money import parse_major
from bayledger.core.light import LightClientError
from bayledger.core.modules.impact.indicators import GBP_CATEGORIES, INDICATORS, TAXONOMIES
from bayledger.reports import fetch
from bayledger.reports.bond_reports import Report, build_allocation_report, to_csv, to_json
from bayledger.reports.model import section_table, to_pdf
from bayledger.sdk import cash as cb
from bayledger.sdk import impact as ib
from bayledger.sdk.verify import genesis_from_json

app = typer.Typer(
    help="Green projects, use of proceeds, verified impact and investor reports.", no_args_is_help=True
)
report_app = typer.Typer(help="Submit or verify an impact report.", no_args_is_help=True)
app.add_typer(report_app, name="report")

TAXONOMY = typer.Option(
    [], "--taxonomy", help="TAXONOMY:VERSION:CODE, e.g. HK-TAXONOMY:2024:1.1 (repeatable)."
)
CSV = typer.Option(False, "--csv", help="Print CSV.")
PDF = typer.Option(None, "--pdf", help="Write the report as a PDF to this file.")


def _taxonomy(specs: list[str]) -> list[dict[str, str]]:
    codes = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) != 3 or parts[0] not in TAXONOMIES:
            fail(
                f"taxonomy {spec!r} is not TAXONOMY:VERSION:CODE with one of {', '.join(TAXONOMIES)}",
                EXIT_USAGE,
            )
        codes.append(ib.taxonomy_code(*parts))
    return codes


def _indicators(specs: list[str]) -> dict[str, int]:
    values = {}
    for spec in specs:
        name, _, text = spec.partition("=")
        if name not in INDICATORS:
            fail(f"indicator {name!r} is not one of {', '.join(sorted(INDICATORS))}", EXIT_USAGE)
        try:
            values[name] = ib.parse_indicator(name, text)
        except ValueError as exc:
            fail(f"indicator {name}: {exc}", EXIT_USAGE)
    return values


def _print_report(report: Report, csv_output: bool, pdf_path: Path | None = None) -> None:
    if pdf_path is not None:
        data = to_pdf(report, footer="Figures read from the ledger; verify any of them with its state proof.")
        try:
            pdf_path.write_bytes(data)
        except OSError as exc:
            fail(f"cannot write {pdf_path}: {exc}", EXIT_LOCAL)
        console.print(
            f"wrote {pdf_path} ({len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}…)"
        )
        return
    if csv_output:
        typer.echo(to_csv(report), nl=False)
        return
    if settings.json_output:
        typer.echo(to_json(report))
        return
    console.print(f"[bold]{report.title}[/]")
    for key, value in report.subject.items():
        console.print(f"{key}: {value}")
    for section in report.sections:
        header, *rows = section_table(section)
        table = Table(*header, title=section.title)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for note in report.notes:
        console.print(f"[dim]{note}[/]")


# --- queries -----------------------------------------------------------------------------------------------


@app.command("projects")
def projects(
    owner: str = typer.Option(None, help="Only projects of this owner (DID)."),
    category: str = typer.Option(None, help="Only this ICMA category."),
    json_output: bool = JSON,
) -> None:
    """List green projects."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().list_impact_projects(owner=owner, category=category, limit=500)

    def render(d: dict[str, Any]) -> None:
        table = Table(
            "project", "name", "category", "jurisdiction", "total financing", "allocated", "reports"
        )
        for p in d["items"]:
            dec = cb.decimals_of(p["currency"])
            total = f"{p['currency']} {cb.format_amount(p['total_financing'], dec)}"
            allocated = f"{p['currency']} {cb.format_amount(p['allocated'], dec)}"
            cells = (p["project_id"], p["name_en"], p["category"], p["jurisdiction"], total, allocated)
            table.add_row(*cells, str(p["report_count"]))
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}")

    emit(data, render)


@app.command("project")
def project(project_id: str, json_output: bool = JSON) -> None:
    """One green project and the bonds that financed it."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_impact_project(project_id)

    def render(p: dict[str, Any]) -> None:
        dec = cb.decimals_of(p["currency"])
        table = Table(show_header=False)
        for key in ("project_id", "owner", "name_en", "name_zh", "category", "jurisdiction", "location"):
            table.add_row(key, str(p[key]))
        table.add_row("total financing", f"{p['currency']} {cb.format_amount(p['total_financing'], dec)}")
        table.add_row("allocated", f"{p['currency']} {cb.format_amount(p['allocated'], dec)}")
        table.add_row(
            "taxonomy", "; ".join(f"{t['taxonomy']} {t['version']} {t['code']}" for t in p["taxonomy"])
        )
        table.add_row("carbon project", p["carbon_project_ref"] or "-")
        for f in p["financed_by"]:
            table.add_row(
                f"financed by {f['bond_id']}", f"{p['currency']} {cb.format_amount(f['amount'], dec)}"
            )
        console.print(table)

    emit(data, render)


@app.command("reports")
def reports(project_id: str, json_output: bool = JSON) -> None:
    """A project's impact reports and their review status."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().list_impact_reports(project_id, limit=500)

    def render(d: dict[str, Any]) -> None:
        table = Table("report", "period", "basis", "status", "reviewer", "indicators")
        for r in d["items"]:
            values = ", ".join(ib.format_indicator(i["indicator"], i["value"]) for i in r["indicators"])
            period = f"{r['period_start']}..{r['period_end']}"
            table.add_row(r["report_id"], period, r["basis"], r["status"], r["reviewer"] or "-", values)
        console.print(table)

    emit(data, render)


@app.command("allocations")
def allocations(bond_id: str, json_output: bool = JSON) -> None:
    """A bond's use-of-proceeds ledger, totals and unallocated balance."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_bond_allocations(bond_id)
    emit(data, lambda _: _print_report(build_allocation_report(data, {}), False))


@app.command("allocation-report")
def allocation_report(
    bond_id: str, csv_output: bool = CSV, pdf: Path = PDF, json_output: bool = JSON
) -> None:
    """The allocation report of a bond (table, ``--json``, ``--csv`` or ``--pdf FILE``)."""
    settings.json_output = settings.json_output or json_output
    with handled():
        report = fetch.fetch_allocation_report(client(), bond_id)
    _print_report(report, csv_output, pdf)


@app.command("impact-report")
def impact_report(bond_id: str, csv_output: bool = CSV, pdf: Path = PDF, json_output: bool = JSON) -> None:
    """The impact report of a bond: verified impact, the bond's share, the split over holders."""
    settings.json_output = settings.json_output or json_output
    with handled():
        report = fetch.fetch_impact_report(client(), bond_id)
    _print_report(report, csv_output, pdf)


@app.command("holder-impact")
def holder_impact(
    did: str,
    bond_id: str = typer.Option(None, "--bond", help="Only this bond."),
    verify: bool = typer.Option(False, "--verify", help="Recompute from proven records (needs --bond)."),
    csv_output: bool = CSV,
    pdf: Path = PDF,
    json_output: bool = JSON,
) -> None:
    """What did DID's holding finance and avoid? ``--verify`` checks every record's proof."""
    settings.json_output = settings.json_output or json_output
    if verify and not bond_id:
        fail("--verify needs --bond", EXIT_USAGE)
    with handled():
        c = client()
        if verify:
            try:
                checked = ib.verified_holder_impact(c, genesis_from_json(c.genesis()), did, bond_id)
            except (ib.ImpactProofError, LightClientError) as exc:
                fail(f"not verified: {exc}", 1)
            console.print(
                f"verified: {checked.proven} records proven at height {checked.height}", style="green"
            )
        report = fetch.fetch_holder_statement(c, did, bond_id)
    _print_report(report, csv_output, pdf)


# --- transactions ------------------------------------------------------------------------------------------


@app.command("register-project")
def register_project(
    category: str = typer.Argument(..., help=f"ICMA category: {', '.join(GBP_CATEGORIES)}."),
    total_financing: str = typer.Argument(
        ..., help="The project's total cost from every source (major units)."
    ),
    currency: str = typer.Option("HKD", help="The project's currency."),
    project_id: str = typer.Option("", "--id", help="e.g. C01-001 (default: the next PRJ-000001)."),
    name_en: str = typer.Option(..., help="English name."),
    name_zh: str = typer.Option("", help="Chinese name."),
    jurisdiction: str = typer.Option("HK", help="ISO 3166-1/3166-2 code, e.g. HK, CN-GD."),
    location: str = typer.Option(..., help="Where the project is."),
    document_hash: str = typer.Option(..., help="SHA-256/SM3 hex of the project document."),
    taxonomy: list[str] = TAXONOMY,
    carbon_project_ref: str = typer.Option("", help="The carbon registry project this project is."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Register a green project you (the issuer) finance."""
    msg = ib.register_project(
        signer_did(from_, account), project_id=project_id, name_en=name_en, name_zh=name_zh,
        category=category, jurisdiction=jurisdiction, location=location, currency=currency,
        total_financing=parse_major(total_financing, currency), document_hash=document_hash,
        taxonomy=_taxonomy(taxonomy), carbon_project_ref=carbon_project_ref,
    )  # fmt: skip
    send_msg(from_, account, msg, wait, json_output)


@app.command("allocate")
def allocate(
    bond_id: str,
    project_id: str,
    amount: str = typer.Argument(..., help="Major units of the bond's currency, e.g. 300,000,000.00."),
    date: str = typer.Option(..., help="YYYY-MM-DD (UTC+8), not after today."),
    refinancing: bool = typer.Option(False, "--refinancing", help="The allocation refinances past spending."),
    taxonomy: list[str] = TAXONOMY,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Allocate AMOUNT of BOND_ID's proceeds to PROJECT_ID (the bond's issuer only)."""
    with handled():
        currency = client().get_bond_allocations(bond_id)["currency"]
    msg = ib.allocate_proceeds(
        signer_did(from_, account), bond_id, project_id, parse_major(amount, currency), date,
        refinancing=refinancing, taxonomy=_taxonomy(taxonomy),
    )  # fmt: skip
    send_msg(from_, account, msg, wait, json_output)


@report_app.command("submit")
def report_submit(
    project_id: str,
    start: str = typer.Option(..., help="First day of the period, YYYY-MM-DD."),
    end: str = typer.Option(..., help="Last day of the period, YYYY-MM-DD."),
    indicator: list[str] = typer.Option(..., "--indicator", help="NAME=VALUE in its unit (repeatable)."),
    basis: str = typer.Option("ex-post", help="ex-post (measured) or ex-ante (estimated)."),
    method: str = typer.Option(..., help="How the figures were computed."),
    document_hash: str = typer.Option(..., help="SHA-256/SM3 hex of the report document."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Submit an impact report of your project."""
    msg = ib.submit_impact_report(
        signer_did(from_, account), project_id, start, end, _indicators(indicator),
        basis=basis, method=method, document_hash=document_hash,
    )  # fmt: skip
    send_msg(from_, account, msg, wait, json_output)


@report_app.command("verify")
def report_verify(
    report_id: str,
    verdict: str = typer.Option("verified", help="verified or rejected."),
    review_hash: str = typer.Option(..., help="SHA-256/SM3 hex of the review document."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Verify (or reject) an impact report (needs an ExternalReviewerCredential; not your own project)."""
    msg = ib.verify_impact_report(signer_did(from_, account), report_id, verdict, review_hash)
    send_msg(from_, account, msg, wait, json_output)
