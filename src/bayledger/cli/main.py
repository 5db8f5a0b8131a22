"""``bayledger``: initialise a zone, run its node, keys, transactions and queries."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.table import Table

from bayledger import __version__
from bayledger.cli import bonds as bonds_cli
from bayledger.cli import carbon as carbon_cli
from bayledger.cli import cash as cash_cli
from bayledger.cli import data as data_cli
from bayledger.cli import gov as gov_cli
from bayledger.cli import identity as identity_cli
from bayledger.cli import impact as impact_cli
from bayledger.cli import keys as keys_cli
from bayledger.cli import localnet as localnet_cli
from bayledger.cli import query as query_cli
from bayledger.cli import tx as tx_cli
from bayledger.cli import vault as vault_cli
from bayledger.cli import vc as vc_cli
from bayledger.cli import wallet as wallet_cli
from bayledger.cli.common import (
    DEFAULT_HOME,
    DEFAULT_NODE,
    EXIT_LEDGER,
    EXIT_LOCAL,
    client,
    console,
    emit,
    fail,
    handled,
    passphrase,
    settings,
)

app = typer.Typer(
    help="bayledger: an open, permissioned ledger for cross-boundary digital and green finance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
node_app = typer.Typer(help="Run a node.", no_args_is_help=True)
app.add_typer(node_app, name="node")
app.add_typer(keys_cli.app, name="keys")
app.add_typer(tx_cli.app, name="tx")
app.add_typer(query_cli.app, name="query")
app.add_typer(identity_cli.app, name="did")
app.add_typer(gov_cli.app, name="gov")
app.add_typer(vc_cli.app, name="vc")
app.add_typer(wallet_cli.app, name="wallet")
app.add_typer(cash_cli.app, name="cash")
app.add_typer(bonds_cli.app, name="bonds")
app.add_typer(impact_cli.app, name="impact")
app.add_typer(carbon_cli.app, name="carbon")
app.add_typer(data_cli.app, name="data")
app.add_typer(vault_cli.app, name="vault")
app.add_typer(localnet_cli.app, name="localnet")
app.command("doctor")(localnet_cli.doctor)


@app.callback()
def main(
    node: str = typer.Option(DEFAULT_NODE, "--node", envvar="BAYLEDGER_NODE", help="REST URL of the node."),
    home: Path = typer.Option(
        DEFAULT_HOME, "--home", envvar="BAYLEDGER_HOME", help="Node directory / keyring."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Global options."""
    settings.node = node.rstrip("/")
    settings.home = home
    settings.json_output = json_output


@app.command()
def version() -> None:
    """Print the bayledger version."""
    typer.echo(__version__)


@app.command()
def init(
    chain_id: str = typer.Option("bayledger-hk-1", help="Zone chain id (a-z, 0-9, '-')."),
    hash_algorithm: str = typer.Option(
        "sha256", "--hash", help="Zone hash: sha256, or sm3 for national crypto."
    ),
    validator_key_type: str = typer.Option("ed25519", help="Validator key type: ed25519 or sm2."),
    account: list[str] = typer.Option(
        ["operator:ed25519"], help="Genesis account NAME:KEY_TYPE (repeatable)."
    ),
    ac_code: str = typer.Option(None, help="Optional 4-character AC (chain) code in DIDs."),
    api_port: int = typer.Option(26657, help="REST API port written to config.toml."),
    member: list[str] = typer.Option(
        [],
        help="Founding consortium member ACCOUNT:JURISDICTION:ROLE[,ROLE...][:WEIGHT], e.g. "
        "hkbank:HK:bank,issuer:2 (repeatable; names default to the account name, edit genesis.json to set "
        "English and Chinese names before the first start).",
    ),
) -> None:
    """Create a node directory (--home): keys, genesis.json and config.toml."""
    from bayledger.node.config import NodeConfig
    from bayledger.node.home import FoundingMember, init_home

    pairs = []
    for item in account:
        name, _, key_type = item.partition(":")
        pairs.append((name, key_type or "ed25519"))
    with handled():
        members = tuple(FoundingMember.parse(spec) for spec in member)
        genesis = init_home(
            settings.home,
            chain_id=chain_id,
            hash_algorithm=hash_algorithm,
            passphrase=passphrase(confirm=True),
            validator_key_type=validator_key_type,
            accounts=tuple(pairs),
            did_ac_code=ac_code,
            config=NodeConfig(api_port=api_port).validate(),
            members=members,
        )
    emit(
        {
            "home": str(settings.home),
            "chain_id": genesis.chain_id,
            "hash_algorithm": genesis.hash_algorithm,
            "accounts": [a["name"] for a in genesis.app_state["accounts"]],
        },
        lambda d: console.print(
            f"initialised [bold]{d['chain_id']}[/] ({d['hash_algorithm']}) in {d['home']}; "
            f"accounts: {', '.join(d['accounts'])}"
        ),
    )


@node_app.command("start")
def node_start(
    api_host: str = typer.Option(None, help="Listen address (config api_host)."),
    api_port: int = typer.Option(None, help="Listen port (config api_port)."),
    block_interval_ms: int = typer.Option(None, help="Block interval in ms (config block_interval_ms)."),
    log_level: str = typer.Option("info", help="Log level."),
) -> None:
    """Run the embedded node and its REST API until interrupted."""
    import uvicorn

    from bayledger.api.app import create_app
    from bayledger.node.config import ConfigError, load_config
    from bayledger.node.embedded import EmbeddedNode
    from bayledger.node.home import NodeHome

    logging.basicConfig(
        level=log_level.upper(),
        format='{"time":"%(asctime)s","level":"%(levelname)s","logger":"%(name)s","message":"%(message)s"}',
    )
    try:
        config = load_config(
            settings.home,
            {"api_host": api_host, "api_port": api_port, "block_interval_ms": block_interval_ms},
        )
    except ConfigError as exc:
        fail(f"configuration: {exc}", EXIT_LOCAL)
    with handled():
        key = NodeHome(settings.home).keyring.load(config.validator_key, passphrase())
        node = EmbeddedNode(
            settings.home,
            key,
            synchronous=config.synchronous,
            mempool_size=config.mempool_size,
            mempool_per_account=config.mempool_per_account,
            dev_clock=bool(config.dev_clock),
        )
    node.start(config.block_interval_ms)
    try:
        uvicorn.run(create_app(node), host=config.api_host, port=config.api_port, log_level=log_level.lower())
    finally:
        node.stop()


@node_app.command("replay")
def node_replay(
    home: Path = typer.Option(None, "--home", help="Node directory (default: the global --home)."),
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Re-execute every stored block from genesis and compare with the stored headers and results.

    Read-only; may run beside a live node. Exit 0 when everything matches, 1 on the first mismatch.
    """
    import sqlite3

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from bayledger.cli.common import err_console
    from bayledger.node.replay import replay_database

    if home is not None:
        settings.home = home
    settings.json_output = settings.json_output or json_output
    show_bar = not settings.json_output
    with (
        handled(),
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not show_bar,
        ) as bar,
    ):
        task = bar.add_task("replaying blocks", total=None)
        try:
            report = replay_database(
                settings.home, lambda done, total: bar.update(task, completed=done, total=total)
            )
        except sqlite3.Error as exc:
            fail(f"cannot read {settings.home}: {exc}", EXIT_LOCAL)
    data = report.to_dict()

    def render(d: dict[str, object]) -> None:
        if report.ok:
            console.print(
                f"[green]replay matches[/]: {report.blocks} blocks, {report.txs} txs of {report.chain_id}, "
                f"app hash {report.app_hash} ({report.seconds:.2f} s)"
            )
            return
        console.print(f"[red]replay mismatch[/] first at height {report.first_mismatch_height}")
        table = Table("height", "field", "stored", "recomputed")
        for m in report.mismatches:
            table.add_row(str(m.height), escape(m.field), escape(m.stored), escape(m.recomputed))
        console.print(table)

    emit(data, render)
    if not report.ok:
        raise typer.Exit(EXIT_LEDGER)


@app.command()
def status() -> None:
    """Show the node's chain id, height and app hash."""
    with handled():
        data = client().status()

    def render(d: dict[str, object]) -> None:
        table = Table(show_header=False)
        for key in (
            "chain_id",
            "hash_algorithm",
            "latest_height",
            "latest_hash",
            "app_hash",
            "mempool_size",
            "node_version",
        ):
            table.add_row(key, str(d.get(key)))
        console.print(table)

    emit(data, render)


@app.command()
def check() -> None:
    """Run every module invariant on the node's committed state (exit 1 if any is broken)."""
    with handled():
        data = client().invariants()
    emit(
        data,
        lambda d: console.print(
            "[green]all invariants hold[/]"
            if d["ok"]
            else "[red]broken invariants:[/]\n" + "\n".join(d["broken"])
        ),
    )
    if not data["ok"]:
        raise typer.Exit(EXIT_LEDGER)


@app.command()
def demo(
    workdir: Path = typer.Option(Path("demo-data"), help="Where the demo zone lives (recreated)."),
    port: int = typer.Option(26690, help="REST port of the demo node."),
) -> None:
    """Run the reference demo end to end on an embedded node (see README)."""
    from bayledger.cli.demo import run_demo

    raise typer.Exit(run_demo(workdir, port))


if __name__ == "__main__":
    app()
