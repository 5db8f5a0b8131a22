"""The vault's HTTP interface (FastAPI), meant for loopback or a private network between vaults.

* ``GET /health`` and ``GET /v1/vault/keys`` (the receiving public keys) are open;
* ``POST /v1/vault/inbox`` (an envelope from another vault) is open: it is checked against the chain and
  authenticated by its AEAD, nothing else is trusted;
* every control endpoint (``/v1/vault/assets``, ``/send``, ``/sync``, ``/records``, ``/log``) needs the
  vault's bearer token (file ``api-token`` in the vault directory).

With ``poll_seconds`` > 0 the vault also runs :meth:`VaultService.sync` in the background, so a consent
withdrawn on chain makes it delete what it received under the revoked grant without anyone asking.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import threading
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from bayledger.offchain.vault import VaultError
from bayledger.offchain.vault_service import VaultService

T = TypeVar("T")


class AssetIn(BaseModel):
    """A data asset record to store (a JSON object keyed by category)."""

    name: str = Field(examples=["credit-file-0001"])
    record: dict[str, Any]


class SendIn(BaseModel):
    """Send an asset under a grant to the recipient's vault."""

    grant_id: str = Field(examples=["DTG-00000001"])
    asset_name: str
    recipient_vault: str = Field(examples=["http://127.0.0.1:27001"])


def create_vault_app(service: VaultService, *, poll_seconds: float = 0.0) -> FastAPI:
    """The FastAPI app of a vault bound to ``service``."""
    lock = threading.Lock()  # one operation at a time: the log is a hash chain

    def locked(function: Callable[[], T]) -> T:
        with lock:
            return function()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = None
        if poll_seconds > 0:

            async def poll() -> None:
                while True:
                    await asyncio.sleep(poll_seconds)
                    with contextlib.suppress(Exception):  # the next round retries; errors are in the log
                        await asyncio.to_thread(locked, service.sync)

            task = asyncio.create_task(poll())
        yield
        if task is not None:
            task.cancel()

    app = FastAPI(title="bayledger vault", version="1", lifespan=lifespan)
    token = service.vault.api_token()

    def authorised(authorization: Annotated[str, Header()] = "") -> None:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
            raise HTTPException(401, "a vault control endpoint needs the vault's bearer token")

    control = [Depends(authorised)]

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness and the party this vault acts for."""
        return {"status": "ok", "did": service.chain.did, "hash_algorithm": service.chain.hash_algorithm}

    @app.get("/v1/vault/keys")
    def keys() -> dict[str, str]:
        """The public keys a recipient names in its transfer request."""
        return service.vault.public_keys()

    @app.post("/v1/vault/inbox")
    def inbox(envelope: dict[str, Any]) -> dict[str, Any]:
        """Receive an envelope: accepted only when the chain proves the grant and the fingerprint."""
        return locked(lambda: service.receive(envelope))

    @app.post("/v1/vault/assets", dependencies=control)
    def store(body: AssetIn) -> dict[str, Any]:
        """Store a record encrypted at rest; returns the fingerprint to register on chain."""
        try:
            digest = locked(lambda: service.store_asset(body.name, body.record))
        except VaultError as exc:
            raise HTTPException(400, str(exc)) from None
        return {"name": body.name, "fingerprint": digest, "hash_algorithm": service.chain.hash_algorithm}

    @app.post("/v1/vault/send", dependencies=control)
    def send(body: SendIn) -> dict[str, Any]:
        """Send an asset under a grant (refused unless the chain shows the grant active for us)."""
        return locked(lambda: service.send(body.grant_id, body.asset_name, body.recipient_vault))

    @app.post("/v1/vault/sync", dependencies=control)
    def sync() -> dict[str, Any]:
        """Delete deliveries whose grants the chain revoked; confirm each deletion on chain."""
        return {"deleted": locked(service.sync)}

    @app.get("/v1/vault/records", dependencies=control)
    def records() -> dict[str, Any]:
        """Names of the stored objects and of the deliveries held."""
        return {"objects": service.vault.names(), "held_grants": service.held_grants()}

    @app.get("/v1/vault/records/{name}", dependencies=control)
    def record(name: str) -> dict[str, Any]:
        """One stored record, decrypted (for the vault's own operator)."""
        try:
            return {"name": name, "record": service.vault.get_record(name)}
        except VaultError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/v1/vault/log", dependencies=control)
    def log() -> dict[str, Any]:
        """The vault's hash-chained log and whether the chain of hashes is intact."""
        return {"entries": service.vault.read_log(), "problems": service.vault.verify_log()}

    return app
