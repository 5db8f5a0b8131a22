"""What a vault does with the chain: send under a grant, check and accept a delivery, delete on revocation.

Every step asks the chain first, through a :class:`ChainLink`: the grant is read **with its state proof**
and checked by the light client against the zone's genesis (:class:`NodeChainLink`), so a node cannot
show a vault a grant or a fingerprint that is not in the signed state. Refusals are written to the vault's
own hash-chained log and, when the chain knows the grant, to the chain (``MsgAcknowledgeDelivery`` with
``accepted = false``), so the refusal is on the regulator's record too. Nothing moves before the chain
says so, and nothing is kept that the chain does not vouch for.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

import httpx

from bayledger.core.modules.datamobility.msgs import (
    MsgAcknowledgeDelivery,
    MsgConfirmDeletion,
    MsgDispatchTransfer,
)
from bayledger.core.msg import Msg
from bayledger.offchain.envelope import (
    EnvelopeError,
    envelope_sign_bytes,
    open_envelope,
    seal,
    signature_of,
    unb64,
    verify_envelope_signature,
)
from bayledger.offchain.masking import apply_grant
from bayledger.offchain.vault import SALT_BYTES, Vault, VaultError, canonical, fingerprint, salted_fingerprint
from bayledger.sdk.wallet import Wallet

RECEIVED_PREFIX = "received-"
DELETED_PREFIX = "deleted-"
SALT_PREFIX = "salt-"
"""Vault object ``salt-<grant_id>``: the fingerprint salt of a payload sent or received."""


class ChainLink(Protocol):
    """The vault's view of the chain: its party's DID, the zone hash, proven grants, and tx submission."""

    did: str
    hash_algorithm: str

    def grant(self, grant_id: str) -> dict[str, Any] | None:
        """The grant record proven against a signed header, or None when the chain proves it absent."""
        ...

    def submit(self, msg: Msg) -> dict[str, Any]:
        """Sign and submit one message; the committed result (raises if the message failed)."""
        ...

    def sign(self, data: bytes) -> dict[str, str]:
        """``{key_type, public_key, signature}`` of ``data`` by a key of the party's account."""
        ...

    def account_signers(self, did: str) -> list[dict[str, Any]]:
        """The signers of an account as the chain proves them (``[]`` when there is no such account)."""
        ...


class NodeChainLink:
    """A :class:`ChainLink` over the node REST API with the party's wallet (light-client checked reads)."""

    def __init__(self, wallet: Wallet) -> None:
        self.wallet = wallet
        self.did = wallet.did
        self.hash_algorithm = wallet.genesis.hash_algorithm

    def grant(self, grant_id: str) -> dict[str, Any] | None:
        """The grant, proven (``Wallet.verified``); None for a proof of absence."""
        value = self.wallet.verified("datamobility", "grant", grant_id)
        return value if isinstance(value, dict) else None

    def submit(self, msg: Msg) -> dict[str, Any]:
        """Send and wait for commit; TxFailedError if the chain refused the message."""
        return self.wallet.send(msg)

    def sign(self, data: bytes) -> dict[str, str]:
        """Signed with the wallet's first key."""
        return signature_of(self.wallet.keys[0], data)

    def account_signers(self, did: str) -> list[dict[str, Any]]:
        """The account record proven by the light client; its signers."""
        account = self.wallet.verified("accounts", "account", did)
        return list(account["signers"]) if isinstance(account, dict) else []


class VaultService:
    """A vault bound to its party on the chain."""

    def __init__(self, vault: Vault, chain: ChainLink, http: httpx.Client | None = None) -> None:
        self.vault = vault
        self.chain = chain
        self.http = http or httpx.Client(timeout=30.0)

    # --- holder side ---------------------------------------------------------------------------------------

    def store_asset(self, name: str, record: dict[str, Any]) -> str:
        """Store a data asset's record; returns its fingerprint (to register on chain)."""
        data = self.vault.put_record(name, record)
        digest = fingerprint(data, self.chain.hash_algorithm)
        self.vault.log("store_asset", name=name, fingerprint=digest)
        return digest

    def _refuse_send(self, grant_id: str, reason: str) -> dict[str, Any]:
        self.vault.log("send_refused", grant_id=grant_id, reason=reason)
        return {"sent": False, "grant_id": grant_id, "reason": reason}

    def send(self, grant_id: str, asset_name: str, recipient_vault: str) -> dict[str, Any]:
        """Send an asset under a grant: only if the chain shows an active grant to us for this asset.

        Masks the record as the grant says, draws a 32-byte salt (kept in the vault as ``salt-<grant>``),
        anchors the payload fingerprint hash(salt || payload) on chain (dispatch), seals salt || payload to
        the recipient key the grant names, and posts it to the recipient's vault. A grant already
        dispatched with this very payload (the post failed, say) is sent again without a second dispatch.
        """
        grant = self.chain.grant(grant_id)
        if grant is None:
            return self._refuse_send(grant_id, "grant_not_on_chain")
        if grant["holder"] != self.chain.did:
            return self._refuse_send(grant_id, "not_grant_holder")
        if grant["status"] not in ("active", "refused", "dispatched"):
            return self._refuse_send(grant_id, f"grant_{grant['status']}")
        try:
            raw = self.vault.get(asset_name)
        except VaultError:
            return self._refuse_send(grant_id, "asset_not_in_vault")
        if fingerprint(raw, grant["hash_algorithm"]) != grant["asset_fingerprint"]:
            return self._refuse_send(grant_id, "asset_fingerprint_mismatch")
        record = self.vault.get_record(asset_name)
        payload = canonical(apply_grant(record, grant["categories"], grant["masking_profile"]))
        if grant["status"] == "dispatched":  # a retry after a failed post: same payload, no second dispatch
            try:
                salt = self.vault.get(SALT_PREFIX + grant_id)
            except VaultError:
                return self._refuse_send(grant_id, "dispatched_with_another_fingerprint")
            payload_fp = salted_fingerprint(salt, payload, grant["hash_algorithm"])
            if grant["payload_fingerprint"] != payload_fp:
                return self._refuse_send(grant_id, "dispatched_with_another_fingerprint")
        else:
            salt = secrets.token_bytes(SALT_BYTES)
            self.vault.put(SALT_PREFIX + grant_id, salt)  # kept before the dispatch, for a retry
            payload_fp = salted_fingerprint(salt, payload, grant["hash_algorithm"])
            msg = MsgDispatchTransfer(
                holder=self.chain.did, grant_id=grant_id, payload_fingerprint=payload_fp
            )
            self.chain.submit(msg)
        header = {
            "grant_id": grant_id,
            "sender": self.chain.did,
            "recipient": grant["recipient"],
            "payload_fingerprint": payload_fp,
            "hash_algorithm": grant["hash_algorithm"],
            "salt_bytes": SALT_BYTES,  # the plaintext is salt || payload
        }
        envelope = seal(salt + payload, grant["recipient_key"], header)
        envelope["signature"] = self.chain.sign(envelope_sign_bytes(envelope))
        self.vault.log("dispatch", grant_id=grant_id, recipient=grant["recipient"], fingerprint=payload_fp)
        try:
            response = self.http.post(recipient_vault.rstrip("/") + "/v1/vault/inbox", json=envelope)
            answer = (
                response.json() if response.status_code == 200 else {"reason": f"http_{response.status_code}"}
            )
        except (httpx.HTTPError, ValueError) as exc:
            answer = {"accepted": False, "reason": f"recipient_unreachable: {type(exc).__name__}"}
        accepted = bool(answer.get("accepted"))
        self.vault.log(
            "delivery_answer", grant_id=grant_id, accepted=accepted, reason=answer.get("reason", "")
        )
        return {
            "sent": True,
            "grant_id": grant_id,
            "payload_fingerprint": payload_fp,
            "recipient_answer": {"accepted": accepted, **answer},
        }

    # --- recipient side ------------------------------------------------------------------------------------

    def _refuse(self, grant_id: str, reason: str, received_fp: str, on_chain: bool) -> dict[str, Any]:
        self.vault.log("delivery_refused", grant_id=grant_id, reason=reason, received_fingerprint=received_fp)
        if on_chain:
            self.chain.submit(
                MsgAcknowledgeDelivery(
                    recipient=self.chain.did,
                    grant_id=grant_id,
                    accepted=False,
                    received_fingerprint=received_fp,
                    reason=reason,
                )
            )
        return {"accepted": False, "grant_id": grant_id, "reason": reason, "logged_on_chain": on_chain}

    def receive(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Accept a delivery only if the chain proves a dispatched grant to us, the envelope is signed by a
        key of the grant's holder, and the payload hashes to the fingerprint the holder anchored.

        Refusals before the signature check (no such grant, not ours, not dispatched, not from the holder)
        stay in the vault's log: recording them on chain would let anyone disturb a grant. Refusals of a
        payload the holder did send (undecryptable, wrong fingerprint) are also recorded on chain."""
        header = envelope.get("header") if isinstance(envelope, dict) else None
        grant_id = str(header.get("grant_id", "")) if isinstance(header, dict) else ""
        try:
            ciphertext_fp = fingerprint(unb64(str(envelope.get("ciphertext", ""))), self.chain.hash_algorithm)
        except ValueError:
            ciphertext_fp = fingerprint(b"", self.chain.hash_algorithm)
        grant = self.chain.grant(grant_id) if grant_id.startswith("DTG-") else None
        if grant is None:
            return self._refuse(grant_id, "forged_grant", ciphertext_fp, on_chain=False)
        if grant["recipient"] != self.chain.did:
            return self._refuse(grant_id, "not_grant_recipient", ciphertext_fp, on_chain=False)
        if grant["status"] != "dispatched":
            return self._refuse(grant_id, f"grant_{grant['status']}", ciphertext_fp, on_chain=False)
        if not verify_envelope_signature(envelope, self.chain.account_signers(grant["holder"])):
            return self._refuse(grant_id, "sender_not_holder", ciphertext_fp, on_chain=False)
        try:
            payload = open_envelope(envelope, x25519_key=self.vault.x25519, sm2_key=self.vault.sm2)
        except EnvelopeError:
            return self._refuse(grant_id, "decryption_failed", ciphertext_fp, on_chain=True)
        received_fp = fingerprint(payload, grant["hash_algorithm"])  # = hash(salt || canonical payload)
        if received_fp != grant["payload_fingerprint"]:
            return self._refuse(grant_id, "fingerprint_mismatch", received_fp, on_chain=True)
        # the authenticated header says whether the plaintext starts with the salt (an unsalted envelope
        # of an older holder is stored whole rather than cut)
        salt_bytes = SALT_BYTES if envelope["header"].get("salt_bytes") == SALT_BYTES else 0
        if salt_bytes:
            self.vault.put(SALT_PREFIX + grant_id, payload[:salt_bytes])
        self.vault.put(RECEIVED_PREFIX + grant_id, payload[salt_bytes:])
        self.chain.submit(
            MsgAcknowledgeDelivery(
                recipient=self.chain.did,
                grant_id=grant_id,
                accepted=True,
                received_fingerprint=received_fp,
                reason="",
            )
        )
        self.vault.log(
            "delivery_accepted", grant_id=grant_id, fingerprint=received_fp, holder=grant["holder"]
        )
        return {
            "accepted": True,
            "grant_id": grant_id,
            "reason": "fingerprint_verified",
            "fingerprint": received_fp,
        }

    def held_grants(self) -> list[str]:
        """Grant ids of the deliveries this vault holds."""
        return [n[len(RECEIVED_PREFIX) :] for n in self.vault.names() if n.startswith(RECEIVED_PREFIX)]

    def sync(self) -> list[dict[str, Any]]:
        """Delete every held delivery whose grant the chain shows revoked, and confirm it on chain.

        A deletion whose confirmation could not be sent is remembered (object ``deleted-<grant>``) and
        confirmed on a later round, so the chain learns of every deletion.
        """
        done = []
        pending = [n[len(DELETED_PREFIX) :] for n in self.vault.names() if n.startswith(DELETED_PREFIX)]
        for grant_id in sorted(set(self.held_grants()) | set(pending)):
            grant = self.chain.grant(grant_id)
            if grant is None or grant["status"] != "revoked":
                if grant is not None and grant["status"] == "deleted":
                    self.vault.delete(DELETED_PREFIX + grant_id)
                continue
            self.vault.delete(SALT_PREFIX + grant_id)
            if self.vault.delete(RECEIVED_PREFIX + grant_id):
                self.vault.put(DELETED_PREFIX + grant_id, b"")
                self.vault.log("deleted", grant_id=grant_id, reason="grant revoked on chain")
            self.chain.submit(MsgConfirmDeletion(recipient=self.chain.did, grant_id=grant_id))
            self.vault.delete(DELETED_PREFIX + grant_id)
            self.vault.log("deletion_confirmed", grant_id=grant_id)
            done.append({"grant_id": grant_id, "deleted": True})
        return done
