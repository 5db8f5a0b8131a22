"""Founding members given to ``bayledger init --member``: parsing, checks, and the genesis they produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from bayledger.core.genesis import decode_genesis
from bayledger.keys import Ed25519SigningKey
from bayledger.node.home import FoundingMember, HomeError, NodeHome, init_home


def test_parse_a_member_spec() -> None:
    assert FoundingMember.parse("hkbank:HK:bank,issuer:2") == FoundingMember(
        "hkbank", "HK", ("bank", "issuer"), 2
    )
    assert FoundingMember.parse("hkma:HK:regulator").weight == 1


@pytest.mark.parametrize(
    "spec", ["hkbank", "hkbank:HK", "hkbank::bank", "a:HK:bank:0", "a:HK:bank:x", "a:HK:b:1:2"]
)
def test_bad_member_specs_are_refused(spec: str) -> None:
    with pytest.raises(HomeError, match="member"):
        FoundingMember.parse(spec)


def test_members_go_into_the_genesis_governance_section(tmp_path: Path) -> None:
    genesis = init_home(
        tmp_path / "h",
        chain_id="bayledger-t-1",
        hash_algorithm="sha256",
        passphrase="pw",
        accounts=(("hkbank", "ed25519"), ("mlbank", "sm2")),
        members=(
            FoundingMember("hkbank", "HK", ("bank", "issuer"), 2),
            FoundingMember("mlbank", "CN-GD", ("bank",)),
        ),
    )
    members = genesis.app_state["governance"]["members"]
    key = NodeHome(tmp_path / "h").keyring.load("hkbank", "pw")
    assert isinstance(key, Ed25519SigningKey)
    assert members[0] == {
        "did": key.did(),
        "name_en": "hkbank",
        "name_zh": "hkbank",
        "jurisdiction": "HK",
        "roles": ["bank", "issuer"],
        "weight": 2,
    }
    assert members[1]["did"].startswith("did:bid:zf") and members[1]["jurisdiction"] == "CN-GD"
    assert decode_genesis((tmp_path / "h" / "genesis.json").read_bytes()) == genesis


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        (FoundingMember("ghost", "HK", ("bank",)), "not one of the accounts"),
        (FoundingMember("hkbank", "Hong Kong", ("bank",)), "hkbank"),
        (FoundingMember("hkbank", "HK", ("Bank!",)), "hkbank"),
    ],
)
def test_bad_members_write_nothing(tmp_path: Path, member: FoundingMember, reason: str) -> None:
    with pytest.raises(HomeError, match=reason):
        init_home(
            tmp_path / "h",
            chain_id="bayledger-t-1",
            hash_algorithm="sha256",
            passphrase="pw",
            accounts=(("hkbank", "ed25519"),),
            members=(member,),
        )
    assert not (tmp_path / "h").exists()
