"""``bayledger cash``: deposit tokens — create, issue, transfer, redeem, freeze, forced transfer, limits, and
queries. Amounts are typed in major units (``1000.50``) and converted with the currency's decimals."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from bayledger.cli.common import EXIT_USAGE, client, console, emit, fail, handled, settings
from bayledger.cli.identity import ACCOUNT, FROM, JSON, WAIT, send_msg, signer_did
from bayledger.cli.money import money_text, parse_major
from bayledger.sdk import cash as cb

app = typer.Typer(
    help="Deposit tokens: create, issue, transfer, redeem, freeze, forced transfer, limits, balances.",
    no_args_is_help=True,
)
AMOUNT = typer.Argument(..., help="Amount in major units, e.g. 1000.50 (HK$1,000.50).")
REASON = typer.Option("", "--reason", help="Why (kept on chain, up to 256 characters).")
LIMIT = typer.Option("0", help="Limit in major units (0 = no limit).")
OFFSET = typer.Option(0, min=0, help="Skip this many items.")
PAGE = typer.Option(50, "--limit", min=1, max=500, help="Items per page.")


def _decimals_of_currency(currency: str) -> int:
    if currency not in cb.CURRENCIES:
        fail(f"currency {currency!r} is not one of {', '.join(cb.CURRENCIES)}", EXIT_USAGE)
    return cb.decimals_of(currency)


def _minor(text: str, token_id: str) -> int:
    """``text`` in major units of the token's currency (its id starts with the currency code)."""
    return parse_major(text, token_id[:3])


# --- queries -----------------------------------------------------------------------------------------------


@app.command("tokens")
def tokens(
    issuer: str = typer.Option(None, help="Only tokens of this bank (DID)."),
    currency: str = typer.Option(None, help="Only this currency, e.g. HKD."),
    offset: int = OFFSET,
    limit: int = PAGE,
    json_output: bool = JSON,
) -> None:
    """List deposit tokens."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().list_cash_tokens(issuer=issuer, currency=currency, offset=offset, limit=limit)

    def render(d: dict[str, Any]) -> None:
        table = Table("token", "issuer", "supply", "holder limit", "daily limit")
        for t in d["items"]:
            dec, cur = t["decimals"], t["currency"]
            table.add_row(
                t["token_id"],
                t["issuer"],
                money_text(t["supply"], dec, cur),
                money_text(t["holder_limit"], dec, cur) if t["holder_limit"] else "none",
                money_text(t["daily_limit"], dec, cur) if t["daily_limit"] else "none",
            )
        console.print(table)
        console.print(f"{len(d['items'])} of {d['total']}")

    emit(data, render)


@app.command("token")
def token(token_id: str, json_output: bool = JSON) -> None:
    """One deposit token."""
    settings.json_output = settings.json_output or json_output
    with handled():
        data = client().get_cash_token(token_id)

    def render(t: dict[str, Any]) -> None:
        table = Table(show_header=False)
        dec, cur = t["decimals"], t["currency"]
        for key in ("token_id", "issuer", "currency", "decimals", "name_en", "name_zh", "created_height"):
            table.add_row(key, str(t[key]))
        table.add_row("supply", money_text(t["supply"], dec, cur))
        table.add_row(
            "holder limit", money_text(t["holder_limit"], dec, cur) if t["holder_limit"] else "none"
        )
        table.add_row("daily limit", money_text(t["daily_limit"], dec, cur) if t["daily_limit"] else "none")
        console.print(table)

    emit(data, render)


@app.command("balance")
def balance(
    did: str,
    token_id: str = typer.Option(None, "--token", help="Only this token (with freeze and today's spending)."),
    json_output: bool = JSON,
) -> None:
    """A holder's balances of every token, or of one token with ``--token``."""
    settings.json_output = settings.json_output or json_output
    with handled():
        c = client()
        data = c.get_cash_balance(token_id, did) if token_id else c.list_cash_balances(did)
    items = [data] if token_id else data["items"]

    def render(_: dict[str, Any]) -> None:
        table = Table("token", "balance", "frozen")
        for b in items:
            table.add_row(
                b["token_id"], money_text(b["amount"], b["decimals"], b["currency"]), str(b["frozen"])
            )
        console.print(table)
        if token_id:
            daily = data["daily"]
            if daily["limit"]:
                left = money_text(daily["remaining"], data["decimals"], data["currency"])
                spent = money_text(daily["spent"], data["decimals"], data["currency"])
                console.print(
                    f"sent today (UTC+8 day {daily['day']}): {spent}; {left} left of the daily limit"
                )

    emit(data, render)


# --- transactions ------------------------------------------------------------------------------------------


@app.command("create-token")
def create_token(
    currency: str = typer.Argument(..., help=f"One of: {', '.join(cb.CURRENCIES)}."),
    holder_limit: str = LIMIT,
    daily_limit: str = LIMIT,
    name_en: str = typer.Option("", help="English name."),
    name_zh: str = typer.Option("", help="Chinese name."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Create your bank's deposit token of CURRENCY (needs a LicensedBankCredential)."""
    decimals = _decimals_of_currency(currency)
    try:
        limits = cb.parse_amount(holder_limit, decimals), cb.parse_amount(daily_limit, decimals)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    bank = signer_did(from_, account)
    msg = cb.create_token(
        bank, currency, holder_limit=limits[0], daily_limit=limits[1], name_en=name_en, name_zh=name_zh
    )
    send_msg(from_, account, msg, wait, json_output)


@app.command("issue")
def issue(
    token_id: str,
    recipient: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Issue AMOUNT of your token to a KYC'd RECIPIENT."""
    msg = cb.issue_cash(signer_did(from_, account), token_id, recipient, _minor(amount, token_id))
    send_msg(from_, account, msg, wait, json_output)


@app.command("transfer")
def transfer(
    token_id: str,
    recipient: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Send AMOUNT to another KYC'd holder (both sides need a valid KycCredential)."""
    msg = cb.transfer_cash(signer_did(from_, account), token_id, recipient, _minor(amount, token_id))
    send_msg(from_, account, msg, wait, json_output)


@app.command("redeem")
def redeem(
    token_id: str,
    amount: str = AMOUNT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Redeem AMOUNT of your tokens at the issuing bank (they are burnt)."""
    msg = cb.redeem_cash(signer_did(from_, account), token_id, _minor(amount, token_id))
    send_msg(from_, account, msg, wait, json_output)


@app.command("freeze")
def freeze(
    token_id: str,
    holder: str,
    reason: str = REASON,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Freeze HOLDER for the token (issuing bank or regulator)."""
    msg = cb.freeze_account(signer_did(from_, account), token_id, holder, reason)
    send_msg(from_, account, msg, wait, json_output)


@app.command("unfreeze")
def unfreeze(
    token_id: str,
    holder: str,
    reason: str = REASON,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Lift HOLDER's freeze for the token (issuing bank or regulator)."""
    msg = cb.unfreeze_account(signer_did(from_, account), token_id, holder, reason)
    send_msg(from_, account, msg, wait, json_output)


@app.command("force-transfer")
def force_transfer(
    token_id: str,
    holder: str,
    recipient: str,
    amount: str = AMOUNT,
    reason: str = typer.Option(..., "--reason", help="Required: the court order or case reference."),
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Move AMOUNT from HOLDER (frozen or not) to RECIPIENT without HOLDER's signature (bank or regulator)."""
    signer = signer_did(from_, account)
    msg = cb.force_transfer(signer, token_id, holder, recipient, _minor(amount, token_id), reason)
    send_msg(from_, account, msg, wait, json_output)


@app.command("set-limits")
def set_limits(
    token_id: str,
    holder_limit: str = LIMIT,
    daily_limit: str = LIMIT,
    from_: list[str] = FROM,
    account: str = ACCOUNT,
    wait: bool = WAIT,
    json_output: bool = JSON,
) -> None:
    """Set your token's per-holder and per-day limits (major units; 0 = no limit)."""
    limits = _minor(holder_limit, token_id), _minor(daily_limit, token_id)
    msg = cb.set_limits(signer_did(from_, account), token_id, *limits)
    send_msg(from_, account, msg, wait, json_output)
