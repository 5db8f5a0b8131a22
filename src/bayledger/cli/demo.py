"""The demo (``make demo``): a Hong Kong zone (SHA-256) and a Mainland zone (SM2/SM3), each a real node
process, driven through the REST API with the SDK: accounts (one multi-sig, SM2 keys), anchors and
attestations, a signer change, refused bad input, blocks, and proofs checked by the light client; then
consortium governance, DID documents and W3C KYC credentials with revocation (``demo_identity.py``), HKD
deposit tokens gated by those credentials (``demo_cash.py``), the reference green bond settled DvP at T+1
(``demo_bonds.py``), the carbon registry with a retirement certificate (``demo_carbon.py``), cross-boundary
data mobility between two vault processes (``demo_data.py``), then, half a year and a year on (dev clock),
use of proceeds with verified impact per holder (``demo_impact.py``), coupons and redemption.

The relayer between the two zones (reference scenario steps 6 and 8) is not built yet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bayledger.core.genesis import decode_genesis, encode_genesis
from bayledger.keyring import Keyring
from bayledger.sdk import builders
from bayledger.sdk.client import ApiError, Client, NodeUnreachableError
from bayledger.sdk.wallet import TxFailedError, Wallet
from bayledger.vc import VcError

DEMO_PASSPHRASE = "bayledger-demo-only"
console = Console()


class DemoFailure(Exception):
    """An expectation of the demo did not hold."""


def _start_zone(
    home: Path,
    port: int,
    *,
    chain_id: str,
    hash_algorithm: str,
    validator_key_type: str,
    accounts: list[str],
    app_state: Callable[[Keyring, str | None], dict[str, Any]] | None = None,
) -> subprocess.Popen[bytes]:
    # the dev clock lets the demo reach coupon and maturity dates (POST /v1/dev/clock); never in production
    env = {**os.environ, "BAYLEDGER_PASSPHRASE": DEMO_PASSPHRASE, "BAYLEDGER_DEV_CLOCK": "1"}
    cli = [sys.executable, "-m", "bayledger.cli.main", "--home", str(home)]
    init = [
        *cli,
        "init",
        "--chain-id",
        chain_id,
        "--hash",
        hash_algorithm,
        "--validator-key-type",
        validator_key_type,
        "--api-port",
        str(port),
    ]
    for account in accounts:
        init += ["--account", account]
    subprocess.run(init, env=env, check=True, stdout=subprocess.DEVNULL)
    if app_state is not None:  # extra genesis sections (`bayledger init` writes accounts only)
        genesis = decode_genesis((home / "genesis.json").read_bytes())
        extra = app_state(Keyring(home / "keys"), genesis.did_ac_code)
        genesis = msgspec.structs.replace(genesis, app_state={**genesis.app_state, **extra})
        genesis.validate()
        (home / "genesis.json").write_bytes(encode_genesis(genesis))
    log = (home / "node.log").open("wb")
    return subprocess.Popen(
        [*cli, "node", "start", "--block-interval-ms", "200", "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_ready(client: Client, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DemoFailure(f"node exited with code {process.returncode}")
        try:
            client.health()
            return
        except NodeUnreachableError:
            time.sleep(0.2)
    raise DemoFailure("node did not become ready")


def _expect_refused(what: str, action: Any, codespace: str, code: int) -> None:
    try:
        action()
    except (ApiError, TxFailedError, VcError) as exc:
        if isinstance(exc, VcError):
            detail = f"{type(exc).__name__}: {exc.message}"
        else:
            detail = exc.detail if isinstance(exc, ApiError) else exc.result["log"]
        if (exc.codespace, exc.code) != (codespace, code):
            raise DemoFailure(f"{what}: expected {codespace}/{code}, got {exc.codespace}/{exc.code}") from exc
        label = escape(f"[{exc.codespace}/{exc.code}]")
        console.print(f"  [yellow]refused as expected[/] {what}: {label} {escape(detail)}")
        return
    raise DemoFailure(f"{what} was accepted")


def _step(text: str) -> None:
    console.rule(f"[bold cyan]{text}")


def _hk_zone(client: Client, keys: Keyring, home: Path, port: int) -> None:
    operator, hkbank, mlbank, reviewer, govt = (
        keys.load(n, DEMO_PASSPHRASE) for n in ("operator", "hkbank", "mlbank", "reviewer", "govt")
    )
    op = Wallet(client, [operator])
    _step("1. accounts: a 2-of-3 consortium multi-sig account and an SM2 account")
    consortium_key = builders_key("ed25519")
    signers = [builders.signer_of(k) for k in (hkbank, mlbank, reviewer)]
    res = op.send(builders.create_account(op.did, consortium_key, signers, threshold=2))
    consortium_did = res["events"][0]["did"]
    console.print(f"  consortium {consortium_did} (threshold 2 of hkbank, mlbank[SM2], reviewer)")
    sm2_user = builders_key("sm2")
    res = op.send(builders.create_account(op.did, sm2_user))
    sm2_did = res["events"][0]["did"]
    console.print(f"  SM2 account {sm2_did}")

    _step("2. the government anchors its green bond framework; the reviewer attests it")
    framework = (
        b"HKSAR Government Green Bond Framework (demo copy): "
        b"use of proceeds, evaluation, management, reporting"
    )
    gov = Wallet(client, [govt])
    res = gov.send(
        builders.create_anchor(
            gov.did,
            hashlib.sha256(framework).hexdigest(),
            anchor_type="green-bond-framework",
            uri="https://example.org/gbf.pdf",
            metadata={"standard": "ICMA GBP 2021"},
        )
    )
    anchor_id = res["events"][0]["anchor_id"]
    rev = Wallet(client, [reviewer])
    rev.send(builders.attest_anchor(rev.did, anchor_id, "second-party opinion: aligned with ICMA GBP"))
    console.print(f"  {anchor_id} anchored by govt, attested by reviewer")

    _step("3. the consortium signs with 2 of 3 keys; 1 of 3 is refused")
    two = Wallet(client, [hkbank, mlbank], account=consortium_did)
    two.send(
        builders.create_anchor(
            consortium_did, hashlib.sha256(b"consortium charter v1").hexdigest(), anchor_type="charter"
        )
    )
    console.print("  charter anchored with hkbank + mlbank (SM2) signatures")
    one = Wallet(client, [hkbank], account=consortium_did)
    _expect_refused(
        "a consortium tx with one signature",
        lambda: one.send(builders.create_anchor(consortium_did, "11" * 32)),
        "tx",
        7,
    )

    _step("4. signer change: the consortium raises its threshold to 3 of 3")
    two.send(builders.update_signers(consortium_did, signers, threshold=3))
    _expect_refused(
        "two signatures after the change",
        lambda: two.send(builders.create_anchor(consortium_did, "22" * 32)),
        "tx",
        7,
    )

    _step("5. bad input changes nothing")
    raw = gov.sign([builders.create_anchor(gov.did, "33" * 32)], nonce=1)
    _expect_refused("a replayed nonce", lambda: client.submit(raw), "tx", 8)
    _expect_refused("malformed JSON", lambda: client.submit(b"{not json"), "tx", 2)
    _expect_refused(
        "a duplicate anchor",
        lambda: gov.send(
            builders.create_anchor(
                gov.did, hashlib.sha256(framework).hexdigest(), anchor_type="green-bond-framework"
            )
        ),
        "anchor",
        3,
    )

    _step("6. blocks and a proof checked by the light client")
    _print_blocks(client)
    value = gov.verified("anchor", "anchor", anchor_id)
    console.print(
        f"  [green]verified[/] {anchor_id}: type={value['anchor_type']} attestations="
        f"{value['attestation_count']} against the genesis validator set"
    )
    account = gov.verified("accounts", "account", consortium_did)
    console.print(
        f"  [green]verified[/] consortium threshold={account['threshold']} nonce={account['nonce']}"
    )
    absent = gov.verified("anchor", "anchor", "ANC-99999999")
    if absent is not None:
        raise DemoFailure(f"ANC-99999999 should not exist, got {absent}")
    console.print("  [green]verified[/] ANC-99999999 does not exist (non-membership proof)")
    invariants = client.invariants()
    if not invariants["ok"]:
        raise DemoFailure(f"invariants broken: {invariants['broken']}")
    console.print("  all invariants hold")

    from bayledger.cli.demo_identity import identity_and_governance  # it imports this module's helpers

    bond = identity_and_governance(client, keys)  # steps 7-13, up to the green bond's settlement
    from bayledger.cli.demo_bonds import service_to_maturity
    from bayledger.cli.demo_carbon import carbon_registry
    from bayledger.cli.demo_data import data_mobility

    carbon_registry(client, keys, home.parent / "certificates")  # step 14
    data_mobility(client, keys, home, port)  # step 15
    service_to_maturity(bond)  # steps 16-17, last: they move the dev clock a year on


def builders_key(key_type: str) -> Any:
    """A fresh key for an account created during the demo."""
    from bayledger.node.home import generate_key

    return generate_key(key_type)


def _mainland_zone(client: Client, keys: Keyring) -> None:
    _step("18. Mainland zone: SM2 keys, SM3 hashes")
    bank = Wallet(client, [keys.load("cnbank", DEMO_PASSPHRASE)])
    document = "粤港澳大湾区跨境数据验证（演示）".encode()
    res = bank.send(
        builders.create_anchor(
            bank.did,
            hashlib.new("sm3", document).hexdigest(),
            hash_algorithm="sm3",
            anchor_type="data-fingerprint",
        )
    )
    anchor_id = res["events"][0]["anchor_id"]
    status = client.status()
    console.print(f"  {status['chain_id']} ({status['hash_algorithm']}), anchor {anchor_id} by {bank.did}")
    value = bank.verified("anchor", "anchor", anchor_id)
    console.print(
        f"  [green]verified[/] with SM3 state proof and SM2 header signature: {value['content_hash'][:16]}…"
    )


def _print_blocks(client: Client) -> None:
    table = Table("height", "txs", "block hash", "app hash")
    for block in reversed(client.list_blocks(limit=20)["items"]):
        header = block["header"]
        table.add_row(
            str(header["height"]), str(len(block["txs"])), block["hash"][:20], header["app_hash"][:20]
        )
    console.print(table)


def run_demo(workdir: Path, port: int) -> int:
    """Run the demo in ``workdir`` (recreated); returns the process exit code."""
    from bayledger.cli.demo_identity import genesis_app_state  # it imports this module's helpers

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    hk_home, cn_home = workdir / "hk", workdir / "mainland"
    processes = []
    try:
        processes.append(
            _start_zone(
                hk_home,
                port,
                chain_id="bayledger-hk-1",
                hash_algorithm="sha256",
                validator_key_type="ed25519",
                accounts=[
                    "operator:ed25519",
                    "hkbank:ed25519",
                    "mlbank:sm2",
                    "reviewer:ed25519",
                    "govt:ed25519",
                    "hkma:ed25519",
                    "alice:ed25519",
                    "bob:ed25519",
                    "carol:ed25519",
                    "carbondev:ed25519",
                ],
                app_state=genesis_app_state,
            )
        )
        processes.append(
            _start_zone(
                cn_home,
                port + 1,
                chain_id="bayledger-gd-1",
                hash_algorithm="sm3",
                validator_key_type="sm2",
                accounts=["cnbank:sm2"],
            )
        )
        hk, cn = Client(f"http://127.0.0.1:{port}"), Client(f"http://127.0.0.1:{port + 1}")
        _wait_ready(hk, processes[0])
        _wait_ready(cn, processes[1])
        _hk_zone(hk, Keyring(hk_home / "keys"), hk_home, port)
        _mainland_zone(cn, Keyring(cn_home / "keys"))
    except (DemoFailure, ApiError, NodeUnreachableError, subprocess.CalledProcessError) as exc:
        console.print(f"[bold red]demo failed:[/] {exc} (node logs in {workdir}/*/node.log)")
        return 1
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    console.rule("[bold green]demo complete")
    return 0
