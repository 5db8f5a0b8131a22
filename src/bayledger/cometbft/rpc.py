"""A small client of CometBFT's JSON-RPC: status, commit, validators, broadcast_tx_sync."""

from __future__ import annotations

import base64
from typing import Any

import httpx


class RpcError(RuntimeError):
    """CometBFT answered with a JSON-RPC error, or could not be reached."""

    def __init__(self, message: str, data: str = "") -> None:
        super().__init__(f"{message}: {data}" if data else message)
        self.data = data


class CometRpc:
    """JSON-RPC calls to one CometBFT node (``url`` like ``http://127.0.0.1:26657``)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.Client(timeout=timeout)
        self._id = 0

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def call(self, method: str, **params: Any) -> Any:
        """Call ``method`` with ``params``; its ``result``, or RpcError."""
        self._id += 1
        body = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": params}
        try:
            response = self._client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise RpcError(f"CometBFT RPC {self.url} unreachable", str(exc)) from None
        try:
            answer = response.json()
        except ValueError:
            raise RpcError(f"CometBFT RPC {method} answered HTTP {response.status_code}") from None
        if "error" in answer:
            error = answer["error"]
            raise RpcError(str(error.get("message", "error")), str(error.get("data", "")))
        return answer["result"]

    def status(self) -> dict[str, Any]:
        """``/status``: node info, sync info (latest height, catching up), validator info."""
        result: dict[str, Any] = self.call("status")
        return result

    def latest_height(self) -> int:
        """The latest block height this CometBFT node has stored."""
        return int(self.status()["sync_info"]["latest_block_height"])

    def commit(self, height: int) -> dict[str, Any]:
        """``/commit``: the signed header (header + commit) of ``height``."""
        result: dict[str, Any] = self.call("commit", height=str(height))
        return result

    def validators(self, height: int | None = None) -> list[dict[str, Any]]:
        """``/validators``: the whole validator set of ``height`` (all pages); without a height, the set
        that signs the next block (CometBFT answers ``latest + 1``)."""
        out: list[dict[str, Any]] = []
        page = 1
        at = {} if height is None else {"height": str(height)}
        while True:
            result = self.call("validators", page=str(page), per_page="100", **at)
            out.extend(result["validators"])
            if len(out) >= int(result["total"]) or not result["validators"]:
                return out
            page += 1

    def broadcast_tx_sync(self, tx: bytes) -> dict[str, Any]:
        """Submit ``tx`` to the mempool; the CheckTx answer (``code``, ``codespace``, ``log``, ``hash``)."""
        result: dict[str, Any] = self.call("broadcast_tx_sync", tx=base64.b64encode(tx).decode())
        return result

    def num_unconfirmed_txs(self) -> int:
        """How many txs wait in this node's mempool."""
        return int(self.call("num_unconfirmed_txs")["n_txs"])
