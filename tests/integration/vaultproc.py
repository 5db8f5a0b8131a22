"""Helpers of the vault integration tests: ``bayledger vault`` processes on free ports."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from nodeproc import PASSPHRASE, cli_command, cli_env, run_cli

from bayledger.core.genesis import decode_genesis, encode_genesis
from bayledger.keyring import Keyring


@dataclass
class VaultProcess:
    """A ``bayledger vault start`` process acting for ``key`` of ``home``'s keyring."""

    home: Path
    directory: Path
    port: int
    key: str
    node_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        """The vault's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def init(self) -> VaultProcess:
        """``bayledger vault init`` (a small scrypt cost keeps the test fast)."""
        run_cli(self.home, "vault", "init", "--dir", str(self.directory), "--scrypt-n", "1024")
        return self

    def start(self, ready_within: float = 30.0) -> VaultProcess:
        """Start the vault and wait for ``/health``; fail with its output if it does not answer."""
        self.log_path = self.directory.parent / f"{self.directory.name}.log"
        command = [
            *cli_command(),
            "--home", str(self.home), "--node", self.node_url,
            "vault", "start", "--dir", str(self.directory), "--port", str(self.port),
            "--key", self.key, "--poll-seconds", "0.5",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=cli_env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"vault exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"vault did not answer within {ready_within:g} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        """Terminate the vault process."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def token(self) -> str:
        """The vault's bearer token."""
        return (self.directory / "api-token").read_text().strip()

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call a control endpoint with the token; fail on an error status."""
        response = httpx.request(
            method,
            self.url + path,
            json=body,
            headers={"Authorization": f"Bearer {self.token()}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def keys(self) -> dict[str, str]:
        """The vault's receiving keys."""
        answer: dict[str, str] = httpx.get(self.url + "/v1/vault/keys", timeout=10).json()
        return answer


def trust_recipient_issuer(home: Path, issuer_key: str) -> None:
    """Edit ``home``'s genesis before the first start: ``issuer_key`` may issue DataRecipientCredentials."""
    genesis = decode_genesis((home / "genesis.json").read_bytes())
    issuer = Keyring(home / "keys").load(issuer_key, PASSPHRASE).did(genesis.did_ac_code)
    trusted = [
        {"issuer": issuer, "credential_type": "DataRecipientCredential", "jurisdictions": ["HK", "CN"]}
    ]
    app_state = {**genesis.app_state, "identity": {"trusted_issuers": trusted}}
    genesis = msgspec.structs.replace(genesis, app_state=app_state)
    genesis.validate()
    (home / "genesis.json").write_bytes(encode_genesis(genesis))
