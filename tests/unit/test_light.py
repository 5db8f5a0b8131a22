"""The light client (core/light.py): header chains and state proofs checked with the genesis alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from msgspec.structs import replace

from bayledger.core import smt
from bayledger.core.block import (
    HEADER_SIGN_DOMAIN,
    BlockHeader,
    SignedHeader,
    compute_header_hash,
    compute_validators_hash,
    header_sign_bytes,
)
from bayledger.core.codec import encode_record
from bayledger.core.genesis import Genesis
from bayledger.core.light import LightClientError, verify_commit, verify_header_chain, verify_state
from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.anchor.state import anchor_key
from bayledger.keys import SigningKey
from bayledger.sdk import builders
from corechain import Chain, content_hash, ed_key, make_genesis, sign_header, sm2_key


@dataclass
class Zone:
    chain: Chain
    validators: list[SigningKey]
    users: list[SigningKey]

    @property
    def genesis(self) -> Genesis:
        return self.chain.genesis

    def sign(self, header: BlockHeader, keys: list[SigningKey] | None = None) -> SignedHeader:
        return sign_header(self.chain.hash_fn, header, self.validators[:3] if keys is None else keys)

    def signed_chain(self) -> list[SignedHeader]:
        return [self.sign(h) for h in self.chain.headers]


def build_zone(algorithm: str) -> Zone:
    """Four validators of power 10 (3 signatures are > 2/3, 2 are not) and three blocks of txs."""
    make = ed_key if algorithm == "sha256" else sm2_key
    validators = [make(100 + i) for i in range(4)]
    users = [make(1), make(2)]
    genesis = make_genesis(users, validators=[(v, 10) for v in validators], hash_algorithm=algorithm)
    chain = Chain(genesis)
    a, b = users
    chain.apply([chain.tx(a, [builders.create_anchor(a.did(), content_hash(1))])])
    chain.apply([chain.tx(b, [builders.attest_anchor(b.did(), "ANC-00000001", "verified")])])
    chain.apply([chain.tx(b, [builders.create_anchor(b.did(), content_hash(2))])])
    return Zone(chain, validators, users)


@pytest.fixture(scope="module", params=["sha256", "sm3"])
def zone(request: Any) -> Zone:
    return build_zone(request.param)


def resign(zone: Zone, header: BlockHeader, **changes: Any) -> SignedHeader:
    """A header with ``changes``, validly signed by enough validators (a forged but committed header)."""
    return zone.sign(replace(header, **changes))


# --- headers ---------------------------------------------------------------------------------------------


def test_header_chain_signed_by_genesis_validators_is_accepted(zone: Zone) -> None:
    headers = zone.signed_chain()
    assert [h.header.height for h in headers] == [1, 2, 3]
    assert headers[0].header.previous_hash == ""
    last = verify_header_chain(zone.genesis, headers)
    assert last == zone.chain.headers[-1]
    assert last.app_hash == zone.chain.app_hash.hex()
    hash_fn = zone.chain.hash_fn
    assert verify_commit(zone.genesis, headers[1]) == compute_header_hash(hash_fn, headers[1].header)
    assert headers[2].header.previous_hash == compute_header_hash(hash_fn, headers[1].header).hex()
    # A suffix of the chain (trusting the fixed genesis validator set) verifies too.
    assert verify_header_chain(zone.genesis, headers[1:]) == last


def test_header_hash_and_sign_bytes(zone: Zone) -> None:
    header = zone.chain.headers[0]
    digest = compute_header_hash(zone.chain.hash_fn, header)
    assert digest == zone.chain.hash_fn(encode_record(header))
    assert header_sign_bytes(digest) == b"bayledger/header/v1\n" + digest == HEADER_SIGN_DOMAIN + digest
    validators = zone.genesis.validators
    assert header.validators_hash == compute_validators_hash(zone.chain.hash_fn, validators).hex()
    # The validator-set hash does not depend on the listing order.
    assert compute_validators_hash(zone.chain.hash_fn, validators[::-1]) == compute_validators_hash(
        zone.chain.hash_fn, validators
    )


def test_tampered_app_hash_is_rejected(zone: Zone) -> None:
    headers = zone.signed_chain()
    forged = SignedHeader(replace(headers[1].header, app_hash="ab" * 32), headers[1].signatures)
    with pytest.raises(LightClientError, match="height 2: signatures carry 0 of 40 voting power"):
        verify_header_chain(zone.genesis, [headers[0], forged, headers[2]])
    # Even re-signed by the validators, the next header no longer links to it.
    recommitted = resign(zone, headers[1].header, app_hash="ab" * 32)
    with pytest.raises(LightClientError, match="height 3 does not link to the previous header"):
        verify_header_chain(zone.genesis, [headers[0], recommitted, headers[2]])


def test_broken_previous_hash_link_is_rejected(zone: Zone) -> None:
    headers = zone.signed_chain()
    relinked = resign(zone, headers[2].header, previous_hash="00" * 32)
    with pytest.raises(LightClientError, match="height 3 does not link"):
        verify_header_chain(zone.genesis, [headers[0], headers[1], relinked])
    with pytest.raises(LightClientError, match="height 3 does not follow 1"):
        verify_header_chain(zone.genesis, [headers[0], headers[2]])
    not_first = resign(zone, headers[0].header, previous_hash="11" * 32)
    with pytest.raises(LightClientError, match="first block must have an empty previous hash"):
        verify_header_chain(zone.genesis, [not_first])


def test_wrong_chain_id_is_rejected(zone: Zone) -> None:
    headers = zone.signed_chain()
    other_zone = resign(zone, headers[0].header, chain_id="other-zone-1")
    with pytest.raises(LightClientError, match="header is for chain 'other-zone-1'"):
        verify_header_chain(zone.genesis, [other_zone])
    # The same headers checked against another zone's genesis (same validators) fail too.
    genesis_b = replace(zone.genesis, chain_id="other-zone-1")
    with pytest.raises(LightClientError, match="not 'other-zone-1'"):
        verify_header_chain(genesis_b, headers)


def test_other_validator_set_is_rejected(zone: Zone) -> None:
    headers = zone.signed_chain()
    foreign = resign(zone, headers[0].header, validators_hash="cd" * 32)
    with pytest.raises(LightClientError, match="validator set differs"):
        verify_header_chain(zone.genesis, [foreign])


def test_two_thirds_of_the_power_is_not_enough(zone: Zone) -> None:
    header = zone.chain.headers[0]
    v = zone.validators
    assert verify_commit(zone.genesis, zone.sign(header, v[:3])) == compute_header_hash(
        zone.chain.hash_fn, header
    )
    assert verify_commit(zone.genesis, zone.sign(header, v)) == compute_header_hash(
        zone.chain.hash_fn, header
    )
    with pytest.raises(LightClientError, match="carry 20 of 40 voting power, need more than 2/3"):
        verify_commit(zone.genesis, zone.sign(header, v[1:3]))
    with pytest.raises(LightClientError, match="carry 0 of 40"):
        verify_commit(zone.genesis, zone.sign(header, []))


def test_exactly_two_thirds_is_rejected() -> None:
    keys = [ed_key(200), ed_key(201), ed_key(202)]
    chain = Chain(make_genesis([ed_key(1)], validators=[(k, 1) for k in keys]))
    chain.apply([])
    header = chain.headers[0]
    with pytest.raises(LightClientError, match="carry 2 of 3 voting power"):
        verify_commit(chain.genesis, sign_header(chain.hash_fn, header, keys[:2]))
    assert verify_commit(chain.genesis, sign_header(chain.hash_fn, header, keys)) == compute_header_hash(
        chain.hash_fn, header
    )


def test_weighted_power_counts() -> None:
    big, small = ed_key(300), [ed_key(301), ed_key(302), ed_key(303)]
    chain = Chain(make_genesis([ed_key(1)], validators=[(big, 40)] + [(k, 10) for k in small]))
    chain.apply([])
    header = chain.headers[0]
    with pytest.raises(LightClientError, match="carry 40 of 70"):
        verify_commit(chain.genesis, sign_header(chain.hash_fn, header, [big]))
    with pytest.raises(LightClientError, match="carry 30 of 70"):
        verify_commit(chain.genesis, sign_header(chain.hash_fn, header, small))
    assert verify_commit(chain.genesis, sign_header(chain.hash_fn, header, [big, small[0]]))


def test_unknown_and_repeated_signers_add_no_power(zone: Zone) -> None:
    header = zone.chain.headers[0]
    strangers = [ed_key(500), sm2_key(501), ed_key(502), ed_key(503)]
    with pytest.raises(LightClientError, match="carry 0 of 40"):
        verify_commit(zone.genesis, zone.sign(header, strangers))
    with pytest.raises(LightClientError, match="carry 20 of 40"):
        verify_commit(zone.genesis, zone.sign(header, [*strangers, zone.validators[0], zone.validators[1]]))
    v0 = zone.validators[0]
    with pytest.raises(LightClientError, match="carry 20 of 40"):
        verify_commit(zone.genesis, zone.sign(header, [v0, v0, v0, zone.validators[1]]))


def test_signatures_over_another_header_add_no_power(zone: Zone) -> None:
    headers = zone.signed_chain()
    swapped = SignedHeader(headers[1].header, headers[0].signatures)
    with pytest.raises(LightClientError, match="carry 0 of 40"):
        verify_commit(zone.genesis, swapped)
    mislabelled = [
        replace(s, key_type="sm2" if s.key_type == "ed25519" else "ed25519") for s in headers[0].signatures
    ]
    with pytest.raises(LightClientError, match="carry 0 of 40"):
        verify_commit(zone.genesis, SignedHeader(headers[0].header, mislabelled))


def test_no_headers_is_an_error(zone: Zone) -> None:
    with pytest.raises(LightClientError, match="no headers"):
        verify_header_chain(zone.genesis, [])


def test_light_client_error_codes() -> None:
    assert (LightClientError.codespace, LightClientError.code) == ("light", 1)


# --- state proofs ------------------------------------------------------------------------------------------


def latest(zone: Zone) -> SignedHeader:
    return zone.sign(zone.chain.headers[-1])


def prove(zone: Zone, key: bytes) -> smt.StateProof:
    return smt.prove(zone.chain.tree, zone.chain.hash_fn, key)


def test_membership_proofs_verify(zone: Zone) -> None:
    signed = latest(zone)
    for key in (account_key(zone.users[0].did()), anchor_key("ANC-00000001"), anchor_key("ANC-00000002")):
        value = zone.chain.state.get(key)
        assert value is not None
        proof = prove(zone, key)
        assert proof.is_membership
        assert verify_state(zone.genesis, signed, key, value, proof) is None


def test_non_membership_proofs_verify(zone: Zone) -> None:
    signed = latest(zone)
    for key in (account_key("did:bid:efnobody"), anchor_key("ANC-00000003"), b""):
        assert zone.chain.state.get(key) is None
        proof = prove(zone, key)
        assert not proof.is_membership
        assert verify_state(zone.genesis, signed, key, None, proof) is None


def test_tampered_value_is_rejected(zone: Zone) -> None:
    signed = latest(zone)
    key = anchor_key("ANC-00000001")
    value = zone.chain.state.get(key)
    assert value is not None
    proof = prove(zone, key)
    forged = value.replace(b'"attestation_count":1', b'"attestation_count":9')
    assert forged != value
    with pytest.raises(LightClientError, match="proof of value"):
        verify_state(zone.genesis, signed, key, forged, proof)
    with pytest.raises(LightClientError, match="proof of absence"):
        verify_state(zone.genesis, signed, key, None, proof)
    absent = anchor_key("ANC-00000003")
    with pytest.raises(LightClientError, match="proof of value"):
        verify_state(zone.genesis, signed, absent, value, prove(zone, absent))


def test_tampered_proof_is_rejected(zone: Zone) -> None:
    signed = latest(zone)
    key = account_key(zone.users[1].did())
    value = zone.chain.state.get(key)
    proof = prove(zone, key)
    assert proof.siblings
    first = bytearray(proof.siblings[0])
    first[0] ^= 0x80
    tampered = [
        replace(proof, siblings=(bytes(first), *proof.siblings[1:])),
        replace(proof, siblings=proof.siblings[:-1]),
        replace(proof, depth=proof.depth + 1),
        replace(proof, key=account_key(zone.users[0].did())),
        replace(proof, value_hash=zone.chain.hash_fn(b"other")),
    ]
    for bad in tampered:
        with pytest.raises(LightClientError):
            verify_state(zone.genesis, signed, key, value, bad)


def test_proof_against_another_height_is_rejected(zone: Zone) -> None:
    key = anchor_key("ANC-00000002")  # created at height 3
    value = zone.chain.state.get(key)
    older = zone.sign(zone.chain.headers[1])
    with pytest.raises(LightClientError, match="does not match app hash at height 2"):
        verify_state(zone.genesis, older, key, value, prove(zone, key))


def test_proof_under_an_uncommitted_header_is_rejected(zone: Zone) -> None:
    key = anchor_key("ANC-00000001")
    unsigned = zone.sign(zone.chain.headers[-1], zone.validators[:2])
    with pytest.raises(LightClientError, match="voting power"):
        verify_state(zone.genesis, unsigned, key, zone.chain.state.get(key), prove(zone, key))
