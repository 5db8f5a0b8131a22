"""Record ``tests/vectors/cometbft_commit.json``: a signed header and its validator set from a real network.

Starts a 4-validator localnet in a temporary directory (loopback ports), commits one tx, and stores
CometBFT's ``/commit`` and ``/validators`` answers of the next height, with the chain id. The light-client
unit tests check our header hash, vote sign bytes and >2/3 rule against them (and tampered copies).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bayledger.cometbft.rpc import CometRpc  # noqa: E402
from bayledger.keyring import Keyring  # noqa: E402
from bayledger.node.abci.localnet import Localnet  # noqa: E402
from bayledger.node.abci.localnet_init import init_localnet  # noqa: E402
from bayledger.sdk import builders  # noqa: E402
from bayledger.sdk.client import Client  # noqa: E402
from bayledger.sdk.wallet import Wallet  # noqa: E402


def main() -> None:
    """Run the network, record, stop."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "net"
        manifest = init_localnet(directory, validators=4, passphrase="vectors", base_port=29500)
        net = Localnet(directory)
        try:
            net.start()
            key = Keyring(net.home(0) / "keys").load("operator", "vectors")
            operator = Wallet(Client(net.api_url(0)), [key])
            content = hashlib.sha256(b"vector").hexdigest()
            result = operator.send(builders.create_anchor(operator.did, content, anchor_type="impact-report"))
            answer = Client(net.api_url(0)).get_proof("anchor", "anchor", result["events"][0]["anchor_id"])
            height = int(answer["cometbft"]["height"])
            rpc = CometRpc(net.rpc_url(0))
            vector = {
                "chain_id": manifest["chain_id"],
                "signed_header": rpc.commit(height)["signed_header"],
                "validators": rpc.validators(height),
                "proof_answer": answer,
                "genesis": Client(net.api_url(0)).genesis(),
            }
        finally:
            net.stop()
    out = ROOT / "tests" / "vectors" / "cometbft_commit.json"
    out.write_text(json.dumps(vector, indent=1) + "\n")
    print(f"recorded height {height} into {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
