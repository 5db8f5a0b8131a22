"""Build–sign–submit–wait with a node: the SDK's everyday entry point.

client = Client("http://127.0.0.1:26657")
alice = Wallet(client, [alice_key])
result = alice.send(create_anchor(alice.did, content_hash))   # waits for commit by default
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bayledger.core.genesis import Genesis
from bayledger.core.msg import Msg
from bayledger.keys import SigningKey
from bayledger.sdk.builders import build_body, encode_tx, sign_tx
from bayledger.sdk.client import ApiError, Client
from bayledger.sdk.verify import genesis_from_json, verify_record_answer

NONCE_ERROR_CODES = {("tx", 8), ("tx", 9)}


class TxFailedError(Exception):
    """A committed transaction's message failed; carries the result's codespace, code and log."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(f"[{result['codespace']}/{result['code']}] {result['log']}")
        self.result = result
        self.codespace = result["codespace"]
        self.code = result["code"]


class Wallet:
    """One account (plain or multi-sig) and the keys that sign for it, bound to a node."""

    def __init__(self, client: Client, keys: Sequence[SigningKey], account: str | None = None) -> None:
        if not keys:
            raise ValueError("a wallet needs at least one signing key")
        self.client = client
        self.keys = list(keys)
        status = client.status()
        self.chain_id: str = status["chain_id"]
        self._genesis: Genesis | None = None
        self.did = account or self.keys[0].did(self.genesis.did_ac_code)
        self._next_nonce: int | None = None

    @property
    def genesis(self) -> Genesis:
        """The zone's genesis (fetched once; pin it out of band for a real light client)."""
        if self._genesis is None:
            self._genesis = genesis_from_json(self.client.genesis())
        return self._genesis

    def next_nonce(self) -> int:
        """The nonce of the next transaction (asks the node once, then counts locally)."""
        if self._next_nonce is None:
            self._next_nonce = int(self.client.get_account(self.did)["nonce"]) + 1
        return self._next_nonce

    def sign(
        self,
        msgs: Sequence[Msg | dict[str, Any]],
        *,
        memo: str = "",
        expiry_height: int = 0,
        nonce: int | None = None,
    ) -> bytes:
        """Signed wire bytes of a transaction with ``msgs`` (does not submit)."""
        body = build_body(
            chain_id=self.chain_id,
            signer=self.did,
            nonce=self.next_nonce() if nonce is None else nonce,
            msgs=msgs,
            memo=memo,
            expiry_height=expiry_height,
        )
        return encode_tx(sign_tx(body, self.keys))

    def send(
        self,
        *msgs: Msg | dict[str, Any],
        memo: str = "",
        wait: bool = True,
        timeout: float = 10.0,
        expiry_height: int = 0,
        check: bool = True,
    ) -> dict[str, Any]:
        """Sign and submit; with ``wait`` return the committed result (TxFailedError if it failed and
        ``check``). A nonce conflict refreshes the nonce from the node and retries once."""
        for attempt in (1, 2):
            raw = self.sign(msgs, memo=memo, expiry_height=expiry_height)
            try:
                result = self.client.submit(raw, wait=wait, timeout=timeout)
            except ApiError as exc:
                if (exc.codespace, exc.code) in NONCE_ERROR_CODES and attempt == 1:
                    self._next_nonce = None
                    continue
                raise
            self._next_nonce = self.next_nonce() + 1
            if wait and check and result.get("code", 0) != 0:
                raise TxFailedError(result)
            return result
        raise AssertionError("unreachable")

    def verified(self, module: str, kind: str, ident: str) -> Any:
        """A state record fetched with its proof and checked by the light client against the genesis."""
        answer = self.client.get_proof(module, kind, ident)
        return verify_record_answer(self.genesis, answer, module, kind, ident)
