"""A national-crypto zone on CometBFT: SM2-signed txs and SM3 state hashes, Ed25519 consensus keys.

Also the smallest network: one validator, whose app hash CometBFT's next header carries.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec
import pytest
from cometnet import PASSPHRASE, free_base_port, require_cometbft, wait_until

from bayledger.cometbft.rpc import CometRpc
from bayledger.core import smt
from bayledger.core.hashing import get_hash_function
from bayledger.keyring import Keyring
from bayledger.node.abci.localnet import Localnet
from bayledger.node.abci.localnet_init import init_localnet
from bayledger.sdk import builders
from bayledger.sdk.client import Client
from bayledger.sdk.wallet import Wallet

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_sm2_txs_and_sm3_app_hash_under_ed25519_consensus(tmp_path: Path) -> None:
    require_cometbft()
    directory = tmp_path / "cn"
    init_localnet(
        directory,
        validators=1,
        passphrase=PASSPHRASE,
        chain_id="bayledger-cn-net-1",
        hash_algorithm="sm3",
        base_port=free_base_port(1),
        timeout_commit_ms=200,
        accounts=("bank:sm2",),
    )
    net = Localnet(directory)
    try:
        net.start()
        client = Client(net.api_url(0))
        genesis = client.genesis()
        assert genesis["hash_algorithm"] == "sm3"
        assert [v["key_type"] for v in genesis["validators"]] == ["ed25519"]  # CometBFT's consensus key
        bank = Wallet(client, [Keyring(net.home(0) / "keys").load("bank", PASSPHRASE)])
        content = hashlib.new("sm3", b"green bond allocation report").hexdigest()
        result = bank.send(builders.create_anchor(bank.did, content, anchor_type="impact-report"))
        assert result["code"] == 0 and result["tx"]["signatures"][0]["key_type"] == "sm2"
        height = result["height"]
        block = client.get_block(height)
        rpc = CometRpc(net.rpc_url(0))
        wait_until(lambda: rpc.latest_height() > height, 20, "CometBFT's next block")
        committed = rpc.commit(height + 1)["signed_header"]["header"]
        assert committed["app_hash"].lower() == block["header"]["app_hash"]  # our SM3 root, in CometBFT
        anchor_id = result["events"][0]["anchor_id"]
        assert bank.verified("anchor", "anchor", anchor_id)["content_hash"] == content
        answer = client.get_proof("anchor", "anchor", anchor_id)
        proof = msgspec.convert(answer["proof"], type=smt.StateProof)
        key, value = bytes.fromhex(answer["key"]), bytes.fromhex(answer["value_raw"])
        root = bytes.fromhex(answer["app_hash"])
        assert smt.verify_proof(get_hash_function("sm3"), root, key, value, proof)
        assert not smt.verify_proof(get_hash_function("sha256"), root, key, value, proof)
    finally:
        net.stop()
