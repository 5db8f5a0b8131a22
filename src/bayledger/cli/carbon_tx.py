"""The transaction commands of ``bayledger carbon`` (registered on its Typer app by ``register``).

Quantities are typed in the credit type's unit (``12.5`` = 12.5 tCO2e) and converted with the batch's
or class's precision; more decimals than the precision is a usage error naming ``carbon/12``.
"""

from __future__ import annotations

import typer

from bayledger.cli.common import EXIT_USAGE, client, fail, handled
from bayledger.cli.identity import ACCOUNT, FROM, JSON, WAIT, send_msg, signer_did
from bayledger.core.errors import LedgerError
from bayledger.sdk import carbon as cb

tx_app = typer.Typer()
QUANTITY = typer.Argument(..., help="Quantity in the credit type's unit, e.g. 12.5 (tCO2e).")
SERIALS = typer.Option("", "--serials", help="Named serials, e.g. 1-1000,5001-6000 (default: lowest first).")
BENEFICIARY = typer.Option(..., "--beneficiary", help="Who the retirement is for (1-256 characters).")
REASON = typer.Option("", "--reason", help="Why (up to 512 characters).")
WHERE = typer.Option(..., "--jurisdiction", help="ISO 3166 code of the retirement, e.g. HK or CN-GD.")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``carbon`` group."""
    app.registered_commands.extend(tx_app.registered_commands)


def _units(text: str, precision: int) -> int:
    try:
        return cb.parse_quantity(text, precision)
    except LedgerError as exc:
        fail(f"[{exc.codespace}/{exc.code}] {exc.message}", EXIT_USAGE)
    raise AssertionError("unreachable")


def _batch_precision(batch_id: str) -> int:
    with handled():
        answer = cb.CarbonApi(client()).batch(batch_id)
    return int(answer["precision"])


def _project_precision(project_id: str) -> int:
    with handled():
        registry = cb.CarbonApi(client()).registry()
    projects = {p["project_id"]: p for p in registry["projects"]}
    classes = {c["class_id"]: c for c in registry["classes"]}
    types = {t["abbreviation"]: t for t in registry["credit_types"]}
    if project_id not in projects:
        fail(f"no project {project_id}", EXIT_USAGE)
    return int(types[classes[projects[project_id]["class_id"]]["credit_type"]]["precision"])


def parse_serials(text: str) -> list[tuple[int, int]]:
    """``1-1000,5001-6000`` as inclusive ranges; a usage error for anything else."""
    ranges = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, sep, last = part.partition("-")
        if not sep or not first.isdigit() or not last.isdigit():
            fail(f"serial range {part!r} is not FIRST-LAST", EXIT_USAGE)
        ranges.append((int(first), int(last)))
    return ranges


def _pairs(specs: list[str], precision: int) -> list[tuple[str, int]]:
    pairs = []
    for spec in specs:
        did, sep, quantity = spec.rpartition("=")
        if not sep or not did:
            fail(f"{spec!r} is not DID=QUANTITY", EXIT_USAGE)
        pairs.append((did, _units(quantity, precision)))
    return pairs


@tx_app.command("register-type")
def register_type(
    abbreviation: str = typer.Argument(..., help="1-3 capitals, e.g. C."),
    name: str = typer.Argument(..., help="e.g. Carbon."),
    unit: str = typer.Argument(..., help="e.g. tCO2e."),
    precision: int = typer.Argument(..., help="Decimals, 0-6 (3: 1 unit = 1 kg)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Register a credit type (needs the carbon-registrar role)."""
    msg = cb.register_credit_type(signer_did(from_, account), abbreviation, name, unit, precision)
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("create-class")
def create_class(
    credit_type: str,
    admin: str = typer.Option(..., help="DID of the class admin."),
    issuer: list[str] = typer.Option([], "--issuer", help="DID of an allowed issuer (repeatable)."),
    methodology: str = typer.Option(..., help="e.g. VM0042 or a CCER methodology code."),
    name_en: str = typer.Option(..., help="English name."),
    name_zh: str = typer.Option("", help="Chinese name."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Register a credit class (needs the carbon-registrar role)."""
    msg = cb.create_class(
        signer_did(from_, account), credit_type, admin, issuer, methodology, name_en, name_zh
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("class-issuers")
def class_issuers(
    class_id: str,
    add: list[str] = typer.Option([], "--add", help="DID to allow (repeatable)."),
    remove: list[str] = typer.Option([], "--remove", help="DID to disallow (repeatable)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Change a class's allowed issuers (class admin)."""
    msg = cb.update_class_issuers(signer_did(from_, account), class_id, add, remove)
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("create-project")
def create_project(
    class_id: str,
    developer: str = typer.Option(..., help="DID of the project developer."),
    jurisdiction: str = typer.Option(..., help="ISO 3166, e.g. CN-GD or HK."),
    location: str = typer.Option(..., help="Where the project is."),
    methodology: str = typer.Option(..., help="Methodology reference."),
    name_en: str = typer.Option(..., help="English name."),
    name_zh: str = typer.Option("", help="Chinese name."),
    reference: str = typer.Option("", help="External id, e.g. CCER-1234."),
    document: list[str] = typer.Option([], "--document", help="NAME=SHA256HEX of a document (repeatable)."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Register a project of a class (class admin or issuer)."""
    docs = [tuple(d.split("=", 1)) for d in document]
    if any(len(d) != 2 for d in docs):
        fail("--document is NAME=SHA256HEX", EXIT_USAGE)
    msg = cb.create_project(
        signer_did(from_, account),
        class_id,
        developer,
        jurisdiction=jurisdiction,
        location=location,
        methodology=methodology,
        name_en=name_en,
        name_zh=name_zh,
        reference=reference,
        documents=[(d[0], d[1]) for d in docs],
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("issue")
def issue(
    project_id: str,
    vintage_start: str = typer.Option(..., help="YYYY-MM-DD."),
    vintage_end: str = typer.Option(..., help="YYYY-MM-DD."),
    report: str = typer.Option(..., "--report", help="Anchor id of the attested verification report."),
    to: list[str] = typer.Option([], "--to", help="DID=QUANTITY issued tradable (repeatable)."),
    retired: list[str] = typer.Option([], "--retired", help="DID=QUANTITY issued retired (repeatable)."),
    beneficiary: str = typer.Option("", help="Beneficiary of --retired entries."),
    reason: str = REASON,
    jurisdiction: str = typer.Option("", help="Jurisdiction of --retired entries."),
    authorization: str = typer.Option("unauthorized", help="Art. 6: unauthorized, ndc or oimp."),
    host_country: str = typer.Option("", help="Art. 6 host country (ISO 3166)."),
    adjustment: str = typer.Option("not-required", help="not-required, pending or applied."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Issue a batch to several recipients (an allowed issuer with a CarbonVerifierCredential)."""
    precision = _project_precision(project_id)
    entries = [cb.issuance_entry(did, units) for did, units in _pairs(to, precision)]
    entries += [
        cb.issuance_entry(did, 0, units, beneficiary=beneficiary, reason=reason, jurisdiction=jurisdiction)
        for did, units in _pairs(retired, precision)
    ]
    msg = cb.issue_batch(
        signer_did(from_, account),
        project_id,
        vintage_start,
        vintage_end,
        report,
        entries,
        authorization=authorization,
        host_country=host_country,
        adjustment_status=adjustment,
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("transfer")
def transfer(
    batch_id: str,
    recipient: str,
    quantity: str = QUANTITY,
    serials: str = SERIALS,
    retire: bool = typer.Option(False, "--retire", help="Retire for the recipient at once."),
    beneficiary: str = typer.Option("", help="With --retire."),
    reason: str = REASON,
    jurisdiction: str = typer.Option("", help="With --retire."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Send tradable credits (or transfer-and-retire with --retire)."""
    units = _units(quantity, _batch_precision(batch_id))
    msg = cb.transfer_credits(
        signer_did(from_, account),
        recipient,
        batch_id,
        units,
        serials=parse_serials(serials),
        retire=retire,
        beneficiary=beneficiary,
        reason=reason,
        jurisdiction=jurisdiction,
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("retire")
def retire(
    batch_id: str,
    quantity: str = QUANTITY,
    beneficiary: str = BENEFICIARY,
    reason: str = REASON,
    jurisdiction: str = WHERE,
    serials: str = SERIALS,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Retire credits for a beneficiary (permanent; claimed in the claims registry)."""
    units = _units(quantity, _batch_precision(batch_id))
    msg = cb.retire_credits(
        signer_did(from_, account),
        batch_id,
        units,
        beneficiary=beneficiary,
        reason=reason,
        jurisdiction=jurisdiction,
        serials=parse_serials(serials),
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("cancel")
def cancel(
    batch_id: str,
    quantity: str = QUANTITY,
    reason: str = typer.Option(..., "--reason", help="Why (required)."),
    target_registry: str = typer.Option("", help="Bridge out to this registry, e.g. verra."),
    target_reference: str = typer.Option("", help="The reference there."),
    serials: str = SERIALS,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Cancel credits (bridge out when a target registry is given)."""
    units = _units(quantity, _batch_precision(batch_id))
    msg = cb.cancel_credits(
        signer_did(from_, account),
        batch_id,
        units,
        reason,
        target_registry=target_registry,
        target_reference=target_reference,
        serials=parse_serials(serials),
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("escrow")
def escrow(
    batch_id: str,
    quantity: str = QUANTITY,
    agent: str = typer.Option(..., help="DID of the agent that will release them."),
    reference: str = typer.Option("", help="Order or bridge reference."),
    serials: str = SERIALS,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Lock credits under an agent (marketplace, bridge)."""
    units = _units(quantity, _batch_precision(batch_id))
    msg = cb.escrow_credits(
        signer_did(from_, account), batch_id, units, agent, reference, serials=parse_serials(serials)
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("release")
def release(
    escrow_id: str,
    recipient: str,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Release an escrow to RECIPIENT (the owner, or a buyer) as the agent."""
    send_msg(
        from_, account, cb.release_escrow(signer_did(from_, account), escrow_id, recipient), wait, json_output
    )


@tx_app.command("bridge-in")
def bridge_in(
    project_id: str,
    vintage_start: str = typer.Option(..., help="YYYY-MM-DD."),
    vintage_end: str = typer.Option(..., help="YYYY-MM-DD."),
    origin_registry: str = typer.Option(..., help="e.g. verra."),
    origin_batch: str = typer.Option(..., help="The origin batch or vintage id."),
    origin_reference: str = typer.Option(..., help="The origin serial block or cancellation reference."),
    origin_first: int = typer.Option(..., help="First origin serial (whole credits)."),
    origin_last: int = typer.Option(..., help="Last origin serial."),
    to: str = typer.Option(..., "--to", help="DID receiving the credits."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Mint credits bridged in from another registry (once per origin reference)."""
    msg = cb.bridge_in(
        signer_did(from_, account),
        project_id,
        vintage_start,
        vintage_end,
        origin_registry=origin_registry,
        origin_batch=origin_batch,
        origin_reference=origin_reference,
        origin_first=origin_first,
        origin_last=origin_last,
        recipient=to,
    )
    send_msg(from_, account, msg, wait, json_output)


@tx_app.command("set-adjustment")
def set_adjustment(
    batch_id: str,
    status: str = typer.Argument(..., help="not-required, pending or applied."),
    reference: str = typer.Option(..., help="The host country's record of the adjustment."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Record a batch's corresponding adjustment (a regulator)."""
    send_msg(
        from_,
        account,
        cb.set_adjustment(signer_did(from_, account), batch_id, status, reference),
        wait,
        json_output,
    )
