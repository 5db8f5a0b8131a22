"""Vaults: encryption at rest, the scrypt key file, the hash-chained log, envelopes (X25519 and SM2/SM4),
and the vault service against an in-memory chain (grants read from its state, messages applied in blocks)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from fastapi.testclient import TestClient

from bayledger.core.encoding import b64encode
from bayledger.core.modules.accounts.state import get_account
from bayledger.core.modules.datamobility import state as dm
from bayledger.core.modules.datamobility.msgs import MsgDispatchTransfer, MsgWithdrawConsent
from bayledger.core.msg import Msg
from bayledger.keys import Sm2SigningKey
from bayledger.offchain.envelope import (
    EnvelopeError,
    open_envelope,
    seal,
    sign_envelope,
    signature_of,
    verify_envelope_signature,
)
from bayledger.offchain.masking import apply_grant
from bayledger.offchain.sm2_encrypt import Sm2CryptoError, sm2_decrypt, sm2_encrypt
from bayledger.offchain.vault import Vault, VaultError, canonical, fingerprint
from bayledger.offchain.vault_server import create_vault_app
from bayledger.offchain.vault_service import VaultService
from corechain import Chain
from datakit import CREDIT, CUSTOMER, HKBANK, OTHER, SZBANK, asset, ok, prepared_chain, request

N = 1024  # small scrypt cost for tests
RECORD = {
    "identity": {"name": "CHAN Tai Man", "hkid": "A123456(7)"},
    "credit_history": {"credit_score": 742, "loans": [1, 2]},
    "address": {"street": "1 Queen's Road", "district": "Central"},
}


def test_vault_keeps_objects_encrypted_and_refuses_a_wrong_passphrase(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "s3cret", scrypt_n=N)
    vault.put_record("credit-file", RECORD)
    on_disk = (tmp_path / "v" / "objects" / "credit-file.bin").read_bytes()
    assert b"A123456" not in on_disk and b"CHAN" not in on_disk
    assert b"s3cret" not in (tmp_path / "v" / "vault.json").read_bytes()
    again = Vault.open(tmp_path / "v", "s3cret")
    assert again.get_record("credit-file") == RECORD
    assert again.public_keys() == vault.public_keys()
    with pytest.raises(VaultError, match="wrong vault passphrase"):
        Vault.open(tmp_path / "v", "guess")
    with pytest.raises(VaultError, match="already exists"):
        Vault.create(tmp_path / "v", "s3cret", scrypt_n=N)
    with pytest.raises(VaultError, match="no vault"):
        Vault.open(tmp_path / "none", "s3cret")
    assert (tmp_path / "v" / "vault.json").stat().st_mode & 0o077 == 0


def test_vault_detects_altered_objects_and_deletes(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", scrypt_n=N)
    vault.put("a", b"payload")
    path = tmp_path / "v" / "objects" / "a.bin"
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(VaultError, match="altered"):
        vault.get("a")
    shutil.copy(path, tmp_path / "v" / "objects" / "b.bin")  # moved under another name: refused too
    with pytest.raises(VaultError):
        vault.get("b")
    assert vault.delete("a") is True and vault.delete("a") is False
    assert vault.names() == ["b"]
    with pytest.raises(VaultError, match="object name"):
        vault.put("../escape", b"x")


def test_vault_log_is_hash_chained(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "pw", scrypt_n=N)
    for n in range(3):
        vault.log("event", n=n)
    assert vault.verify_log() == []
    path = tmp_path / "v" / "access-log.jsonl"
    lines = path.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["n"] = 99
    path.write_text("\n".join([lines[0], json.dumps(entry, sort_keys=True), lines[2]]) + "\n")
    assert vault.verify_log() == ["entry 2: entry_hash does not match its content"]
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert vault.verify_log() == ["entry 2: does not link to the entry before it"]


@pytest.mark.parametrize("suite", ["x25519", "sm2"])
def test_envelope_round_trip_and_tampering(tmp_path: Path, suite: str) -> None:
    recipient = Vault.create(tmp_path / "r", "pw", scrypt_n=N)
    other = Vault.create(tmp_path / "o", "pw", scrypt_n=N)
    key = recipient.public_keys()[suite]
    envelope = seal(b"masked payload", key, {"grant_id": "DTG-00000001"})
    assert b"masked payload" not in json.dumps(envelope).encode()
    assert open_envelope(envelope, x25519_key=recipient.x25519, sm2_key=recipient.sm2) == b"masked payload"
    with pytest.raises(EnvelopeError, match="another key"):
        open_envelope(envelope, x25519_key=other.x25519, sm2_key=other.sm2)
    altered = {**envelope, "header": {**envelope["header"], "grant_id": "DTG-00000002"}}
    with pytest.raises(EnvelopeError, match="authentication failed"):
        open_envelope(altered, x25519_key=recipient.x25519, sm2_key=recipient.sm2)
    with pytest.raises(EnvelopeError):
        open_envelope({"header": {}}, x25519_key=recipient.x25519, sm2_key=recipient.sm2)


def test_sm2_encryption_interoperates_with_the_openssl_cli(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    assert openssl, "the openssl CLI is needed for this interop test: `make system-deps` installs it"
    key = Sm2SigningKey.generate()
    (tmp_path / "key.pem").write_text(key.to_pem())
    (tmp_path / "pub.pem").write_text(key.public_pem())
    (tmp_path / "ct.bin").write_bytes(sm2_encrypt(key.public_key, b"0123456789abcdef"))
    done = subprocess.run(
        [
            openssl,
            "pkeyutl",
            "-decrypt",
            "-in",
            str(tmp_path / "ct.bin"),
            "-inkey",
            str(tmp_path / "key.pem"),
        ],
        capture_output=True,
        check=True,
    )
    assert done.stdout == b"0123456789abcdef"
    subprocess.run(
        [openssl, "pkeyutl", "-encrypt", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
         "-in", str(tmp_path / "ct.bin"), "-out", str(tmp_path / "back.bin")],
        check=True,
    )  # fmt: skip
    assert sm2_decrypt(key, (tmp_path / "back.bin").read_bytes()) == (tmp_path / "ct.bin").read_bytes()
    with pytest.raises(Sm2CryptoError):
        sm2_decrypt(Sm2SigningKey.generate(), (tmp_path / "back.bin").read_bytes())


class MemoryChainLink:
    """A ChainLink over an in-memory chain: the real core, no node process (grants read from state)."""

    def __init__(self, chain: Chain, key: Any) -> None:
        self.chain, self.key = chain, key
        self.did = key.did()
        self.hash_algorithm = "sha256"

    def grant(self, grant_id: str) -> dict[str, Any] | None:
        record = dm.get_grant(self.chain.state, grant_id)
        return None if record is None else msgspec.to_builtins(record)

    def submit(self, msg: Msg) -> dict[str, Any]:
        return msgspec.to_builtins(ok(self.chain, self.key, [msg]))

    def sign(self, data: bytes) -> dict[str, str]:
        return signature_of(self.key, data)

    def account_signers(self, did: str) -> list[dict[str, Any]]:
        account = get_account(self.chain.state, did)
        return [] if account is None else list(msgspec.to_builtins(account)["signers"])


def _setup(tmp_path: Path) -> tuple[Chain, VaultService, VaultService, str]:
    chain = prepared_chain()
    holder = VaultService(Vault.create(tmp_path / "h", "pw", scrypt_n=N), MemoryChainLink(chain, HKBANK))
    recipient = VaultService(Vault.create(tmp_path / "r", "pw", scrypt_n=N), MemoryChainLink(chain, SZBANK))
    holder.http = TestClient(create_vault_app(recipient))
    digest = holder.store_asset("credit-file", RECORD)
    ok(chain, HKBANK, [asset(fingerprint=digest)])  # DA-00000003 with the vault's real fingerprint
    key = recipient.vault.public_keys()["x25519"]
    event = ok(chain, SZBANK, [request(asset_id="DA-00000003", recipient_key=key)]).events[0]
    assert event["decision"] == "allow"
    return chain, holder, recipient, event["grant_id"]


def test_service_moves_masked_data_under_a_grant_and_deletes_after_withdrawal(tmp_path: Path) -> None:
    chain, holder, recipient, grant_id = _setup(tmp_path)
    sent = holder.send(grant_id, "credit-file", "http://testserver")
    payload = canonical(apply_grant(RECORD, CREDIT, "mask-id-numbers"))
    salt = holder.vault.get("salt-" + grant_id)
    assert len(salt) == 32 and recipient.vault.get("salt-" + grant_id) == salt
    assert sent["recipient_answer"] == {
        "accepted": True,
        "grant_id": grant_id,
        "reason": "fingerprint_verified",
        "fingerprint": fingerprint(salt + payload, "sha256"),
    }
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and grant.status == "delivered"
    assert (
        grant.payload_fingerprint == fingerprint(salt + payload, "sha256") != fingerprint(payload, "sha256")
    )
    assert json.loads(recipient.vault.get("received-" + grant_id))["identity"]["hkid"] == "A******(7)"
    assert recipient.sync() == []  # nothing revoked yet
    ok(chain, CUSTOMER, [dm_withdraw()])
    assert recipient.sync() == [{"grant_id": grant_id, "deleted": True}]
    assert recipient.held_grants() == [] and "salt-" + grant_id not in recipient.vault.names()
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and grant.status == "deleted"
    assert holder.send(grant_id, "credit-file", "http://testserver") == {
        "sent": False,
        "grant_id": grant_id,
        "reason": "grant_deleted",
    }


def dm_withdraw() -> MsgWithdrawConsent:
    return MsgWithdrawConsent(subject=CUSTOMER.did(), consent_id="CNS-00000001", reason="")


def test_service_refuses_to_send_without_a_valid_grant(tmp_path: Path) -> None:
    chain, holder, recipient, grant_id = _setup(tmp_path)
    assert holder.send("DTG-00000099", "credit-file", "http://testserver")["reason"] == "grant_not_on_chain"
    assert recipient.send(grant_id, "credit-file", "http://testserver")["reason"] == "not_grant_holder"
    holder.vault.put_record("credit-file", {**RECORD, "identity": {"name": "someone else"}})
    assert holder.send(grant_id, "credit-file", "http://testserver")["reason"] == "asset_fingerprint_mismatch"
    assert holder.send(grant_id, "missing", "http://testserver")["reason"] == "asset_not_in_vault"
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and (grant.status, grant.payload_fingerprint) == ("active", "")  # nothing moved
    assert [e["reason"] for e in holder.vault.read_log() if e["action"] == "send_refused"] == [
        "grant_not_on_chain",
        "asset_fingerprint_mismatch",
        "asset_not_in_vault",
    ]


def test_receive_refuses_undecryptable_payload_on_chain(tmp_path: Path) -> None:
    chain, _, recipient, grant_id = _setup(tmp_path)
    ok(chain, HKBANK, [dm_dispatch(grant_id)])
    stranger = Vault.create(tmp_path / "s", "pw", scrypt_n=N)
    envelope = sign_envelope(seal(b"{}", stranger.public_keys()["x25519"], {"grant_id": grant_id}), HKBANK)
    answer = recipient.receive(envelope)
    assert (answer["accepted"], answer["reason"], answer["logged_on_chain"]) == (
        False,
        "decryption_failed",
        True,
    )
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and grant.status == "refused"
    assert dm.list_log(chain.state)[-1].reasons == ["decryption_failed"]


def dm_dispatch(grant_id: str) -> MsgDispatchTransfer:
    return MsgDispatchTransfer(holder=HKBANK.did(), grant_id=grant_id, payload_fingerprint="cd" * 32)


def test_vault_control_endpoints_need_the_token(tmp_path: Path) -> None:
    _, holder, _, _ = _setup(tmp_path)
    http = TestClient(create_vault_app(holder))
    assert http.get("/v1/vault/records").status_code == 401
    assert http.get("/v1/vault/records", headers={"Authorization": "Bearer wrong"}).status_code == 401
    answer = http.get("/v1/vault/records", headers={"Authorization": f"Bearer {holder.vault.api_token()}"})
    assert answer.json() == {"objects": ["credit-file"], "held_grants": []}
    assert http.get("/v1/vault/keys").json() == holder.vault.public_keys()


def test_send_retries_after_an_unreachable_recipient_without_a_second_dispatch(tmp_path: Path) -> None:
    chain, holder, _, grant_id = _setup(tmp_path)
    working = holder.http

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    holder.http = httpx.Client(transport=httpx.MockTransport(unreachable))
    first = holder.send(grant_id, "credit-file", "http://testserver")
    assert first["recipient_answer"] == {"accepted": False, "reason": "recipient_unreachable: ConnectError"}
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and grant.status == "dispatched"
    dispatches = [e for e in dm.list_log(chain.state) if e.action == "dispatch"]
    holder.http = working
    assert holder.send(grant_id, "credit-file", "http://testserver")["recipient_answer"]["accepted"] is True
    assert [e for e in dm.list_log(chain.state) if e.action == "dispatch"] == dispatches  # no second dispatch
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and grant.status == "delivered"


def test_receive_refuses_an_envelope_not_signed_by_the_holder_without_touching_the_chain(
    tmp_path: Path,
) -> None:
    chain, _, recipient, grant_id = _setup(tmp_path)
    ok(chain, HKBANK, [dm_dispatch(grant_id)])
    envelope = seal(b"{}", recipient.vault.public_keys()["x25519"], {"grant_id": grant_id})
    log_before = len(dm.list_log(chain.state))
    for forged in (
        envelope,
        sign_envelope(envelope, OTHER),
        {**sign_envelope(envelope, HKBANK), "nonce": "AAAA"},
    ):
        answer = recipient.receive(forged)
        assert (answer["accepted"], answer["reason"], answer["logged_on_chain"]) == (
            False,
            "sender_not_holder",
            False,
        )
    grant = dm.get_grant(chain.state, grant_id)
    assert grant is not None and grant.status == "dispatched"  # a stranger cannot disturb the grant
    assert len(dm.list_log(chain.state)) == log_before
    signers = [{"key_type": "ed25519", "public_key": b64encode(HKBANK.public_key)}]
    assert verify_envelope_signature(sign_envelope(envelope, HKBANK), signers) is True
    assert verify_envelope_signature(sign_envelope(envelope, HKBANK), []) is False


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_vault_directory_objects_and_log_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        vault = Vault.create(tmp_path / "v", "s3cret", scrypt_n=N)
        vault.put("credit-file", b"data")
        vault.log("receive", grant_id="DTG-00000001", holder=HKBANK.did())
    finally:
        os.umask(old)
    root = tmp_path / "v"
    assert (_mode(root), _mode(root / "objects")) == (0o700, 0o700)
    for name in ("vault.json", "api-token", "access-log.jsonl", "objects/credit-file.bin"):
        assert _mode(root / name) == 0o600, name


def test_opening_a_vault_tightens_a_loose_directory_and_log(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", "s3cret", scrypt_n=N)
    vault.log("store", name="credit-file")
    root = tmp_path / "v"
    os.chmod(root, 0o755)
    os.chmod(root / "objects", 0o755)
    os.chmod(root / "access-log.jsonl", 0o644)
    Vault.open(root, "s3cret")
    assert (_mode(root), _mode(root / "objects"), _mode(root / "access-log.jsonl")) == (0o700, 0o700, 0o600)


def test_payload_fingerprint_is_salted_and_a_retry_reuses_the_salt(tmp_path: Path) -> None:
    """Two grants of the same low-entropy payload anchor different fingerprints, neither the plain hash;
    a re-send of a dispatched grant (the post failed) reuses the kept salt and dispatches nothing new."""
    chain, holder, recipient, grant_id = _setup(tmp_path)
    key = recipient.vault.public_keys()["x25519"]
    second = ok(chain, SZBANK, [request(asset_id="DA-00000003", recipient_key=key)]).events[0]["grant_id"]
    holder.http = TestClient(create_vault_app(VaultService(recipient.vault, MemoryChainLink(chain, OTHER))))
    first_try = holder.send(grant_id, "credit-file", "http://testserver")
    assert first_try["recipient_answer"]["accepted"] is False  # wrong party answered: grant stays dispatched
    holder.http = TestClient(create_vault_app(recipient))
    retry = holder.send(grant_id, "credit-file", "http://testserver")
    assert retry["payload_fingerprint"] == first_try["payload_fingerprint"]
    assert retry["recipient_answer"]["accepted"] is True
    other = holder.send(second, "credit-file", "http://testserver")
    assert other["recipient_answer"]["accepted"] is True
    plain = fingerprint(canonical(apply_grant(RECORD, CREDIT, "mask-id-numbers")), "sha256")
    grants = [dm.get_grant(chain.state, g) for g in (grant_id, second)]
    anchored = {g.payload_fingerprint for g in grants if g is not None}
    assert len(anchored) == 2 and plain not in anchored
    assert json.loads(recipient.vault.get("received-" + second)) == apply_grant(
        RECORD, CREDIT, "mask-id-numbers"
    )


def test_an_unsalted_envelope_of_an_older_holder_is_stored_whole(tmp_path: Path) -> None:
    chain, _, recipient, grant_id = _setup(tmp_path)
    payload = canonical(apply_grant(RECORD, CREDIT, "mask-id-numbers"))
    fp = fingerprint(payload, "sha256")
    ok(chain, HKBANK, [MsgDispatchTransfer(holder=HKBANK.did(), grant_id=grant_id, payload_fingerprint=fp)])
    key = recipient.vault.public_keys()["x25519"]
    envelope = sign_envelope(seal(payload, key, {"grant_id": grant_id, "sender": HKBANK.did()}), HKBANK)
    assert recipient.receive(envelope)["accepted"] is True
    assert recipient.vault.get("received-" + grant_id) == payload
    assert "salt-" + grant_id not in recipient.vault.names()
