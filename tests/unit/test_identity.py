"""The identity module: versioned DID documents, key rotation, deactivation, trusted issuers, on-chain
credentials and status lists, and admission (messages that require a credential)."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec
import pytest

from bayledger.core import multikey, smt
from bayledger.core.app import DEFAULT_MODULES, build_app
from bayledger.core.codec import encode_record
from bayledger.core.context import Context
from bayledger.core.errors import (
    DeactivatedSignerError,
    InsufficientWeightError,
    MissingSignatureError,
    MsgFailedError,
    TxRejectedError,
)
from bayledger.core.events import Event
from bayledger.core.light import LightClientError, verify_state
from bayledger.core.modules.accounts.msgs import MsgUpdateSigners
from bayledger.core.modules.accounts.state import Signer
from bayledger.core.modules.identity import MODULE as IDENTITY
from bayledger.core.modules.identity import errors as identity_errors
from bayledger.core.modules.identity.document import DidService
from bayledger.core.modules.identity.msgs import (
    MsgDeactivateDid,
    MsgRegisterCredential,
    MsgRegisterDid,
    MsgRotateKeys,
    MsgSetStatusList,
    MsgUpdateDid,
)
from bayledger.core.modules.identity.state import (
    Credential,
    DidPointer,
    DidVersion,
    StatusList,
    TrustedIssuer,
    delete_trusted_issuer,
    did_key,
    did_version_key,
    did_version_proof_key,
    get_credential,
    get_did_pointer,
    get_did_version,
    get_did_version_at_time,
    get_latest_did,
    get_status_list,
    get_trusted_issuer,
    has_valid_credential,
    list_did_versions,
    list_status_flags,
    list_subject_credentials,
    list_trusted_issuers,
    set_did_version,
    set_status_flag,
    set_status_list,
    set_trusted_issuer,
)
from bayledger.core.msg import Module, Msg, Requirement, Route
from bayledger.core.state_transition import check_invariants
from bayledger.core.store import BlockState, DictState
from bayledger.keys import SigningKey
from bayledger.vc import multikey as vc_multikey
from bayledger.vc.errors import InvalidMultikeyError
from corechain import (
    BLOCK_INTERVAL_MS,
    Chain,
    content_hash,
    ed_key,
    genesis_account,
    make_genesis,
    sign_header,
    sm2_key,
)

ALICE, BOB, CAROL, ISSUER, OTHER_ISSUER = ed_key(1), ed_key(2), sm2_key(3), ed_key(10), ed_key(11)
ORG, K1, K2 = ed_key(20), ed_key(21), sm2_key(22)
NEW_KEY, VALIDATOR = ed_key(30), ed_key(900)
HUB = DidService(id="hub", type="LinkedDomains", service_endpoint="https://alice.example")
CH = content_hash(5)


def genesis_with_issuers(trusted: list[dict[str, Any]] | None = None) -> Any:
    genesis = make_genesis(
        [ALICE, BOB, CAROL, ISSUER, OTHER_ISSUER, genesis_account(ORG, [(K1, 1), (K2, 1)], threshold=2)]
    )
    genesis.app_state["identity"] = {
        "trusted_issuers": trusted
        if trusted is not None
        else [
            {"issuer": ISSUER.did(), "credential_type": "KycCredential", "jurisdictions": ["HK", "CN"]},
            {
                "issuer": ISSUER.did(),
                "credential_type": "AccreditedInvestorCredential",
                "jurisdictions": ["HK"],
            },
        ]
    }
    return genesis


# --- a test-only module: a gated message and a stand-in for governance --------------------------------------


class MsgGated(Msg, frozen=True, tag="gate/MsgGated"):
    signer_field: ClassVar[str] = "signer"
    requires: ClassVar[tuple[Requirement, ...]] = (Requirement("credential", "KycCredential"),)
    signer: str


class MsgUntrust(Msg, frozen=True, tag="gate/MsgUntrust"):
    """Stands in for a governance proposal that removes a trusted issuer."""

    signer_field: ClassVar[str] = "signer"
    signer: str
    credential_type: str
    issuer: str


class EventGated(Event, frozen=True, tag="gate/EventGated"):
    signer: str


def process_gated(ctx: Context, msg: MsgGated) -> None:
    ctx.emit(EventGated(signer=msg.signer))


def process_untrust(ctx: Context, msg: MsgUntrust) -> None:
    delete_trusted_issuer(ctx.store, msg.credential_type, msg.issuer)


def no_checks(msg: Any) -> None:
    return None


GATE = Module(
    name="gate",
    routes=(Route(MsgGated, process_gated, no_checks), Route(MsgUntrust, process_untrust, no_checks)),
)


@pytest.fixture
def chain() -> Chain:
    return Chain(genesis_with_issuers(), modules=(*DEFAULT_MODULES, GATE))


# --- helpers ------------------------------------------------------------------------------------------------


def run(
    chain: Chain, keys: SigningKey | list[SigningKey], msgs: list[Any], *, signer: str | None = None
) -> Any:
    """Apply one tx in its own block and return its result."""
    return chain.apply([chain.tx(keys, msgs, signer=signer)]).results[0]


def ok(chain: Chain, keys: SigningKey | list[SigningKey], msgs: list[Any], **kw: Any) -> Any:
    result = run(chain, keys, msgs, **kw)
    assert (result.code, result.log) == (0, "")
    assert check_invariants(chain.app, chain.state) == []
    return result


def register(key: SigningKey, services: list[DidService] | None = None) -> MsgRegisterDid:
    return MsgRegisterDid(did=key.did(), services=services or [])


def credential(
    credential_id: str = "cred-1",
    *,
    subject: SigningKey = ALICE,
    issuer: SigningKey = ISSUER,
    credential_type: str = "KycCredential",
    jurisdiction: str = "HK",
    valid_from: int = 0,
    valid_until: int = 0,
    status_list_id: str = "",
    status_index: int = 0,
    credential_hash: str = CH,
) -> MsgRegisterCredential:
    return MsgRegisterCredential(
        issuer=issuer.did(),
        credential_id=credential_id,
        credential_type=credential_type,
        subject=subject.did(),
        jurisdiction=jurisdiction,
        valid_from=valid_from,
        valid_until=valid_until,
        status_list_id=status_list_id,
        status_index=status_index,
        credential_hash=credential_hash,
    )


def status(
    list_id: str = "rev-1",
    purpose: str = "revocation",
    set_indices: list[int] | None = None,
    clear_indices: list[int] | None = None,
    list_hash: str = CH,
) -> MsgSetStatusList:
    return MsgSetStatusList(
        issuer=ISSUER.did(),
        list_id=list_id,
        purpose=purpose,
        list_hash=list_hash,
        set_indices=set_indices or [],
        clear_indices=clear_indices or [],
    )


def document(version: DidVersion | None) -> dict[str, Any]:
    assert version is not None
    data = msgspec.json.decode(version.document_json)
    assert isinstance(data, dict)
    return data


def method(did: str, n: int, key: SigningKey) -> dict[str, str]:
    return {
        "id": f"{did}#key-{n}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multikey.encode_public_key(key.key_type, key.public_key),
    }


# --- MsgRegisterDid -----------------------------------------------------------------------------------------


def test_register_did_writes_version_1_pointer_and_event(chain: Chain) -> None:
    did = ALICE.did()
    result = ok(chain, ALICE, [register(ALICE, [HUB])])
    assert result.events == [
        {"type": "identity/EventRegisterDid", "did": did, "version": 1, "key_count": 1, "service_count": 1}
    ]
    version = get_did_version(chain.state, did, 1)
    assert version is not None
    assert (version.version, version.height, version.time, version.deactivated) == (1, 1, chain.time, False)
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=1, deactivated=False)
    assert get_latest_did(chain.state, did) == version
    assert document(version) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "controller": did,
        "verificationMethod": [method(did, 1, ALICE)],
        "authentication": [f"{did}#key-1"],
        "assertionMethod": [f"{did}#key-1"],
        "service": [
            {"id": f"{did}#hub", "type": "LinkedDomains", "serviceEndpoint": "https://alice.example"}
        ],
    }
    # canonical JSON: sorted keys, no whitespace
    assert version.document_json == msgspec.json.encode(document(version), order="sorted").decode()
    assert chain.state.get(did_version_key(did, 1)) == encode_record(version)
    assert chain.state.get(b"identity/v/" + did.encode() + b"/00000001") is not None


def test_multisig_account_document_lists_every_signer_sm2_compressed(chain: Chain) -> None:
    did = ORG.did()
    ok(chain, [K1, K2], [register(ORG)], signer=did)
    doc = document(get_latest_did(chain.state, did))
    assert doc["verificationMethod"] == [method(did, 1, K1), method(did, 2, K2)]
    assert doc["authentication"] == doc["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    sm2_method = doc["verificationMethod"][1]["publicKeyMultibase"]
    assert multikey.decode_public_key(sm2_method) == ("sm2", K2.public_key)


def test_register_did_needs_the_account_threshold(chain: Chain) -> None:
    with pytest.raises(InsufficientWeightError):
        chain.check(chain.tx([K1], [register(ORG)], signer=ORG.did()))


# --- MsgUpdateDid -------------------------------------------------------------------------------------------


def test_update_did_adds_a_version_and_keeps_the_old_one(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE, [HUB])])
    new_services = [DidService(id="vc", type="CredentialRegistry", service_endpoint="https://vc.example")]
    result = ok(chain, ALICE, [MsgUpdateDid(did=did, services=new_services)])
    assert result.events == [
        {"type": "identity/EventUpdateDid", "did": did, "version": 2, "key_count": 1, "service_count": 1}
    ]
    v1, v2 = list_did_versions(chain.state, did)
    assert (v1.version, v2.version, v2.height) == (1, 2, 2)
    assert document(v1)["service"][0]["id"] == f"{did}#hub"
    assert document(v2)["service"] == [
        {"id": f"{did}#vc", "type": "CredentialRegistry", "serviceEndpoint": "https://vc.example"}
    ]
    assert document(v2)["verificationMethod"] == document(v1)["verificationMethod"]
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=2, deactivated=False)


# --- MsgRotateKeys ------------------------------------------------------------------------------------------


def test_rotate_keys_replaces_signers_and_old_key_can_no_longer_sign(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE, [HUB])])
    rotate = MsgRotateKeys(did=did, signers=[Signer(NEW_KEY.key_type, NEW_KEY.public_key, 1)], threshold=1)
    result = ok(chain, ALICE, [rotate])
    assert result.events == [
        {"type": "accounts/EventUpdateSigners", "did": did, "threshold": 1, "signer_count": 1},
        {"type": "identity/EventRotateKeys", "did": did, "version": 2, "threshold": 1, "signer_count": 1},
    ]
    account = chain.account(did)
    assert account is not None
    assert (account.signers, account.threshold) == ([Signer("ed25519", NEW_KEY.public_key, 1)], 1)
    v2 = document(get_latest_did(chain.state, did))
    assert v2["verificationMethod"] == [method(did, 1, NEW_KEY)]
    assert v2["service"][0]["id"] == f"{did}#hub"  # services carried over
    assert document(get_did_version(chain.state, did, 1))["verificationMethod"] == [method(did, 1, ALICE)]

    with pytest.raises(MissingSignatureError):
        chain.check(chain.tx(ALICE, [MsgUpdateDid(did=did, services=[])], signer=did))
    ok(chain, NEW_KEY, [MsgUpdateDid(did=did, services=[])], signer=did)
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=3, deactivated=False)


def test_rotate_keys_of_a_multisig_account_needs_its_threshold(chain: Chain) -> None:
    did = ORG.did()
    ok(chain, [K1, K2], [register(ORG)], signer=did)
    rotate = MsgRotateKeys(
        did=did,
        signers=[Signer(K1.key_type, K1.public_key, 2), Signer(NEW_KEY.key_type, NEW_KEY.public_key, 1)],
        threshold=3,
    )
    with pytest.raises(InsufficientWeightError):
        chain.check(chain.tx([K1], [rotate], signer=did))
    ok(chain, [K1, K2], [rotate], signer=did)
    account = chain.account(did)
    assert account is not None and account.threshold == 3
    with pytest.raises(MissingSignatureError):  # K2 was rotated out
        chain.check(chain.tx([K1, K2], [MsgUpdateDid(did=did, services=[])], signer=did))
    with pytest.raises(InsufficientWeightError):  # K1 alone weighs 2 of 3
        chain.check(chain.tx([K1], [MsgUpdateDid(did=did, services=[])], signer=did))
    ok(chain, [K1, NEW_KEY], [MsgUpdateDid(did=did, services=[])], signer=did)


def test_rotate_keys_with_a_bad_signer_set_is_accounts_3(chain: Chain) -> None:
    ok(chain, ALICE, [register(ALICE)])
    rotate = MsgRotateKeys(did=ALICE.did(), signers=[Signer("ed25519", NEW_KEY.public_key, 1)], threshold=2)
    result = run(chain, ALICE, [rotate])
    assert (result.codespace, result.code) == ("accounts", 3)
    assert chain.account(ALICE.did()).signers[0].public_key == ALICE.public_key  # type: ignore[union-attr]


# --- MsgDeactivateDid ---------------------------------------------------------------------------------------


def test_deactivate_did_writes_a_final_version_and_refuses_later_txs(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE, [HUB])])
    result = ok(chain, ALICE, [MsgDeactivateDid(did=did)])
    assert result.events == [{"type": "identity/EventDeactivateDid", "did": did, "version": 2}]
    final = get_latest_did(chain.state, did)
    assert final is not None and (final.version, final.deactivated) == (2, True)
    doc = document(final)
    assert (doc["id"], doc["verificationMethod"], doc["authentication"], doc["service"]) == (did, [], [], [])
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=2, deactivated=True)

    raw = chain.tx(ALICE, [MsgGated(signer=did)])
    with pytest.raises(DeactivatedSignerError) as info:
        chain.check(raw)
    assert (info.value.codespace, info.value.code) == ("tx", 18)
    nonce_before = chain.account(did).nonce  # type: ignore[union-attr]
    outcome = chain.apply([raw])
    assert (outcome.results[0].code, outcome.results[0].codespace) == (18, "tx")
    assert outcome.state_writes == {}
    assert chain.account(did).nonce == nonce_before  # type: ignore[union-attr]


def test_messages_after_deactivation_in_the_same_tx_fail_and_roll_back(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE)])
    result = run(chain, ALICE, [MsgDeactivateDid(did=did), MsgUpdateDid(did=did, services=[])])
    assert (result.codespace, result.code) == ("identity", 5)
    assert result.log == f"message 1: {did} was deactivated at version 2"
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=1, deactivated=False)


# --- accounts/MsgUpdateSigners on a DID with a document -----------------------------------------------------


def test_update_signers_records_a_did_version_with_the_new_keys(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE, [HUB])])
    update = MsgUpdateSigners(
        account=did,
        signers=[
            Signer(ALICE.key_type, ALICE.public_key, 1),
            Signer(NEW_KEY.key_type, NEW_KEY.public_key, 1),
        ],
        threshold=1,
    )
    result = ok(chain, ALICE, [update])
    assert result.events == [
        {"type": "accounts/EventUpdateSigners", "did": did, "threshold": 1, "signer_count": 2},
        {"type": "identity/EventRotateKeys", "did": did, "version": 2, "threshold": 1, "signer_count": 2},
    ]
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=2, deactivated=False)
    v2 = get_latest_did(chain.state, did)
    assert v2 is not None and v2.height == chain.height
    assert document(v2)["verificationMethod"] == [method(did, 1, ALICE), method(did, 2, NEW_KEY)]
    assert document(v2)["service"][0]["id"] == f"{did}#hub"  # services carried over
    v1 = get_did_version(chain.state, did, 1)
    assert v1 is not None
    assert document(v1)["verificationMethod"] == [method(did, 1, ALICE)]  # old version still resolvable
    assert get_did_version_at_time(chain.state, did, v2.time - 1) == v1


def test_update_signers_without_a_did_document_records_no_version(chain: Chain) -> None:
    did = ALICE.did()
    update = MsgUpdateSigners(
        account=did, signers=[Signer(NEW_KEY.key_type, NEW_KEY.public_key, 1)], threshold=1
    )
    result = ok(chain, ALICE, [update])
    assert [e["type"] for e in result.events] == ["accounts/EventUpdateSigners"]
    assert get_did_pointer(chain.state, did) is None
    assert list_did_versions(chain.state, did) == []


def test_update_signers_after_deactivation_in_the_same_tx_is_identity_5(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE)])
    update = MsgUpdateSigners(
        account=did, signers=[Signer(NEW_KEY.key_type, NEW_KEY.public_key, 1)], threshold=1
    )
    result = run(chain, ALICE, [MsgDeactivateDid(did=did), update])
    assert (result.codespace, result.code) == ("identity", 5)
    assert get_did_pointer(chain.state, did) == DidPointer(did=did, version=1, deactivated=False)
    account = chain.account(did)
    assert account is not None and account.signers == [Signer(ALICE.key_type, ALICE.public_key, 1)]


# --- resolution of past versions ----------------------------------------------------------------------------


def test_past_versions_resolve_by_version_and_by_time(chain: Chain) -> None:
    did = ALICE.did()
    start = chain.time
    ok(chain, ALICE, [register(ALICE, [HUB])])  # version 1 at start + 1 interval
    t1 = chain.time
    chain.apply([], time=t1 + 10 * BLOCK_INTERVAL_MS)  # an empty block later
    ok(
        chain,
        ALICE,
        [MsgRotateKeys(did=did, signers=[Signer("ed25519", NEW_KEY.public_key, 1)], threshold=1)],
    )
    t2 = chain.time
    ok(chain, NEW_KEY, [MsgDeactivateDid(did=did)], signer=did)
    t3 = chain.time

    assert get_did_version_at_time(chain.state, did, start) is None
    assert get_did_version_at_time(chain.state, did, t1 - 1) is None
    assert get_did_version_at_time(chain.state, did, t1).version == 1  # type: ignore[union-attr]
    assert get_did_version_at_time(chain.state, did, t2 - 1).version == 1  # type: ignore[union-attr]
    assert get_did_version_at_time(chain.state, did, t2).version == 2  # type: ignore[union-attr]
    assert get_did_version_at_time(chain.state, did, t3).deactivated is True  # type: ignore[union-attr]
    at_t1 = document(get_did_version_at_time(chain.state, did, t1 + 1))
    assert at_t1["verificationMethod"] == [method(did, 1, ALICE)]
    assert document(get_did_version(chain.state, did, 2))["verificationMethod"] == [method(did, 1, NEW_KEY)]
    assert get_did_version(chain.state, did, 4) is None
    assert get_did_version_at_time(chain.state, BOB.did(), t3) is None


def test_two_versions_in_one_block_resolve_to_the_last_at_that_time(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE), MsgUpdateDid(did=did, services=[HUB])])
    assert get_did_version_at_time(chain.state, did, chain.time).version == 2  # type: ignore[union-attr]


# --- proofs -------------------------------------------------------------------------------------------------


def test_did_version_and_latest_pointer_proofs_verify(chain: Chain) -> None:
    did = ALICE.did()
    ok(chain, ALICE, [register(ALICE, [HUB])])
    ok(chain, ALICE, [MsgUpdateDid(did=did, services=[])])
    signed = sign_header(chain.hash_fn, chain.headers[-1], [VALIDATOR])
    provable = chain.app.module("identity").provable

    key = provable["did-version"].key(f"{did}/1")
    assert key == did_version_key(did, 1) == did_version_proof_key(f"{did}/00000001")
    value = chain.state.get(key)
    assert value is not None
    proof = smt.prove(chain.tree, chain.hash_fn, key)
    verify_state(chain.genesis, signed, key, value, proof)
    resolved = msgspec.json.decode(value, type=provable["did-version"].record_type)
    assert resolved == get_did_version(chain.state, did, 1)

    pointer_key = provable["did"].key(did)
    assert pointer_key == did_key(did)
    pointer = chain.state.get(pointer_key)
    assert pointer is not None
    assert msgspec.json.decode(pointer, type=DidPointer).version == 2
    verify_state(
        chain.genesis, signed, pointer_key, pointer, smt.prove(chain.tree, chain.hash_fn, pointer_key)
    )

    forged = value.replace(b'"version":1', b'"version":2')
    assert forged != value
    with pytest.raises(LightClientError, match="proof of value"):
        verify_state(chain.genesis, signed, key, forged, proof)
    absent = provable["did-version"].key(f"{did}/3")
    assert chain.state.get(absent) is None
    verify_state(chain.genesis, signed, absent, None, smt.prove(chain.tree, chain.hash_fn, absent))
    assert chain.state.get(did_version_proof_key("not-a-version")) is None


# --- trusted issuers ----------------------------------------------------------------------------------------


def test_genesis_trusted_issuers_and_the_governance_writers(chain: Chain) -> None:
    assert get_trusted_issuer(chain.state, "KycCredential", ISSUER.did()) == TrustedIssuer(
        issuer=ISSUER.did(), credential_type="KycCredential", jurisdictions=["HK", "CN"], added_height=0
    )
    assert [t.credential_type for t in list_trusted_issuers(chain.state)] == [
        "AccreditedInvestorCredential",
        "KycCredential",
    ]
    assert list_trusted_issuers(chain.state, "KycCredential")[0].issuer == ISSUER.did()
    store = DictState(dict(chain.state.data))
    block = BlockState(store)
    entry = TrustedIssuer(
        issuer=OTHER_ISSUER.did(), credential_type="KycCredential", jurisdictions=["SG"], added_height=7
    )
    set_trusted_issuer(block, entry)
    assert get_trusted_issuer(block, "KycCredential", OTHER_ISSUER.did()) == entry
    delete_trusted_issuer(block, "KycCredential", OTHER_ISSUER.did())
    assert get_trusted_issuer(block, "KycCredential", OTHER_ISSUER.did()) is None


@pytest.mark.parametrize(
    "entries",
    [
        [{"issuer": "did:example:1", "credential_type": "KycCredential", "jurisdictions": ["HK"]}],
        [{"issuer": ISSUER.did(), "credential_type": "bad type", "jurisdictions": ["HK"]}],
        [{"issuer": ISSUER.did(), "credential_type": "KycCredential", "jurisdictions": ["hk"]}],
        [{"issuer": ISSUER.did(), "credential_type": "KycCredential", "jurisdictions": []}],
        [{"issuer": ISSUER.did(), "credential_type": "KycCredential", "jurisdictions": ["HK"], "extra": 1}],
        [{"issuer": ISSUER.did(), "credential_type": "KycCredential", "jurisdictions": ["HK"]}] * 2,
    ],
)
def test_bad_genesis_trusted_issuers_stop_the_chain(entries: list[dict[str, Any]]) -> None:
    with pytest.raises(ValueError):
        Chain(genesis_with_issuers(entries))


# --- MsgRegisterCredential ----------------------------------------------------------------------------------


def test_register_credential_records_indexes_and_emits(chain: Chain) -> None:
    until = chain.time + 10**9
    msg = credential(valid_from=1, valid_until=until, status_list_id="rev-1", status_index=42)
    result = ok(chain, ISSUER, [msg])
    assert result.events == [
        {
            "type": "identity/EventRegisterCredential",
            "issuer": ISSUER.did(),
            "credential_id": "cred-1",
            "credential_type": "KycCredential",
            "subject": ALICE.did(),
            "jurisdiction": "HK",
        }
    ]
    stored = get_credential(chain.state, ISSUER.did(), "cred-1")
    assert stored == Credential(
        issuer=ISSUER.did(),
        credential_id="cred-1",
        credential_type="KycCredential",
        subject=ALICE.did(),
        jurisdiction="HK",
        valid_from=1,
        valid_until=until,
        status_list_id="rev-1",
        status_index=42,
        credential_hash=CH,
        registered_height=1,
    )
    assert list_subject_credentials(chain.state, ALICE.did(), "KycCredential") == [stored]
    assert list_subject_credentials(chain.state, ALICE.did(), "AccreditedInvestorCredential") == []
    assert has_valid_credential(chain.state, ALICE.did(), "KycCredential", chain.time)
    assert not has_valid_credential(chain.state, BOB.did(), "KycCredential", chain.time)


def test_a_country_covers_its_subdivisions(chain: Chain) -> None:
    ok(chain, ISSUER, [credential("c-gd", jurisdiction="CN-GD")])
    assert has_valid_credential(chain.state, ALICE.did(), "KycCredential", chain.time)
    result = run(
        chain,
        ISSUER,
        [credential("c-hkx", credential_type="AccreditedInvestorCredential", jurisdiction="CN")],
    )
    assert (result.codespace, result.code) == ("identity", 6)


def test_validity_window_is_inclusive_from_exclusive_until(chain: Chain) -> None:
    ok(chain, ISSUER, [credential(valid_from=1_000, valid_until=2_000)])
    valid = [
        t
        for t in (999, 1_000, 1_999, 2_000)
        if has_valid_credential(chain.state, ALICE.did(), "KycCredential", t)
    ]
    assert valid == [1_000, 1_999]


# --- MsgSetStatusList ---------------------------------------------------------------------------------------


def test_status_lists_revoke_suspend_and_unsuspend(chain: Chain) -> None:
    ok(
        chain,
        ISSUER,
        [
            credential("c-rev", status_list_id="rev-1", status_index=3),
            credential("c-sus", subject=BOB, status_list_id="sus-1", status_index=4),
        ],
    )
    assert has_valid_credential(chain.state, ALICE.did(), "KycCredential", chain.time)
    assert has_valid_credential(chain.state, BOB.did(), "KycCredential", chain.time)

    result = ok(chain, ISSUER, [status("sus-1", "suspension", [4, 9])])
    assert result.events == [
        {
            "type": "identity/EventSetStatusList",
            "issuer": ISSUER.did(),
            "list_id": "sus-1",
            "purpose": "suspension",
            "list_hash": CH,
            "set_count": 2,
            "clear_count": 0,
        }
    ]
    assert not has_valid_credential(chain.state, BOB.did(), "KycCredential", chain.time)
    ok(chain, ISSUER, [status("sus-1", "suspension", [], [4], list_hash=content_hash(6))])
    assert has_valid_credential(chain.state, BOB.did(), "KycCredential", chain.time)
    assert get_status_list(chain.state, ISSUER.did(), "sus-1") == StatusList(
        issuer=ISSUER.did(),
        list_id="sus-1",
        purpose="suspension",
        list_hash=content_hash(6),
        flagged_total=2,
        updated_height=3,
    )
    assert list_status_flags(chain.state, ISSUER.did(), "sus-1") == [9]

    ok(chain, ISSUER, [status("rev-1", "revocation", [3])])
    ok(chain, ISSUER, [status("rev-1", "revocation", [3, 5])])  # setting again is idempotent
    assert not has_valid_credential(chain.state, ALICE.did(), "KycCredential", chain.time)
    rev = get_status_list(chain.state, ISSUER.did(), "rev-1")
    assert rev is not None and rev.flagged_total == 2
    assert list_status_flags(chain.state, ISSUER.did(), "rev-1") == [3, 5]


# --- errors -------------------------------------------------------------------------------------------------


def bad_service(**fields: Any) -> MsgRegisterDid:
    values = {"id": "hub", "type": "LinkedDomains", "service_endpoint": "https://x"}
    values.update(fields)
    return MsgRegisterDid(did=ALICE.did(), services=[DidService(**values)])


INVALID = {
    "service-id-with-hash": bad_service(id="#hub"),
    "service-id-empty": bad_service(id=""),
    "service-type-empty": bad_service(type=""),
    "service-endpoint-too-long": bad_service(service_endpoint="x" * 513),
    "duplicate-service": MsgRegisterDid(did=ALICE.did(), services=[HUB, HUB]),
    "too-many-services": MsgRegisterDid(
        did=ALICE.did(), services=[DidService(f"s{i}", "T", "https://x") for i in range(17)]
    ),
    "credential-id": credential("has/slash"),
    "credential-type": credential(credential_type="k y c"),
    "subject": MsgRegisterCredential(**{**msgspec.structs.asdict(credential()), "subject": "did:example:1"}),
    "jurisdiction": credential(jurisdiction="Hong Kong"),
    "validity-order": credential(valid_from=10, valid_until=10),
    "validity-negative": credential(valid_from=-1),
    "status-list-id": credential(status_list_id="a/b"),
    "status-index-without-list": credential(status_index=3),
    "status-index-range": credential(status_list_id="l", status_index=2**32),
    "credential-hash": credential(credential_hash="AB" * 32),
    "list-id": status("bad id"),
    "purpose": status(purpose="refresh"),
    "list-hash": status(list_hash="00"),
    "negative-index": status(set_indices=[-1]),
    "duplicate-index": status(set_indices=[1, 1]),
    "set-and-clear": status("s", "suspension", [1], [1]),
    "too-many-indices": status(set_indices=list(range(1025))),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_stateless_checks_are_identity_2(chain: Chain, name: str) -> None:
    msg = INVALID[name]
    signer = ALICE if isinstance(msg, MsgRegisterDid) else ISSUER
    result = run(chain, signer, [msg])
    assert (result.codespace, result.code) == ("identity", 2), result.log


def prepare_registered(chain: Chain) -> None:
    ok(chain, ALICE, [register(ALICE)])
    ok(chain, ISSUER, [credential(), status("rev-1", "revocation", [1]), status("sus-1", "suspension")])


STATEFUL: dict[str, tuple[type[MsgFailedError], SigningKey, Any]] = {
    "did-exists": (identity_errors.DidExistsError, ALICE, register(ALICE)),
    "update-unregistered": (identity_errors.DidNotFoundError, BOB, MsgUpdateDid(did=BOB.did(), services=[])),
    "rotate-unregistered": (
        identity_errors.DidNotFoundError,
        BOB,
        MsgRotateKeys(did=BOB.did(), signers=[Signer("ed25519", BOB.public_key, 1)], threshold=1),
    ),
    "deactivate-unregistered": (identity_errors.DidNotFoundError, BOB, MsgDeactivateDid(did=BOB.did())),
    "untrusted-issuer": (
        identity_errors.UntrustedIssuerError,
        OTHER_ISSUER,
        credential("x", issuer=OTHER_ISSUER),
    ),
    "untrusted-jurisdiction": (
        identity_errors.UntrustedIssuerError,
        ISSUER,
        credential("x", jurisdiction="SG"),
    ),
    "untrusted-type": (identity_errors.UntrustedIssuerError, ISSUER, credential("x", credential_type="aml")),
    "credential-exists": (identity_errors.CredentialExistsError, ISSUER, credential()),
    "purpose-mismatch": (identity_errors.StatusPurposeMismatchError, ISSUER, status("rev-1", "suspension")),
    "revocation-irreversible": (
        identity_errors.RevocationIrreversibleError,
        ISSUER,
        status("rev-1", "revocation", [], [1]),
    ),
    "credential-required": (identity_errors.CredentialRequiredError, BOB, MsgGated(signer=BOB.did())),
}


@pytest.mark.parametrize("name", sorted(STATEFUL))
def test_stateful_failures_have_their_code_and_roll_back(chain: Chain, name: str) -> None:
    prepare_registered(chain)
    error_class, signer, msg = STATEFUL[name]
    before = dict(chain.state.data)
    result = run(chain, signer, [msg])
    assert (result.codespace, result.code, result.events) == ("identity", error_class.code, [])
    assert result.log.startswith("message 0: ")
    after = dict(chain.state.data)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {b"accounts/a/" + signer.did().encode()}  # only the nonce moved
    assert check_invariants(chain.app, chain.state) == []


def test_did_field_must_be_the_signer(chain: Chain) -> None:
    result = run(chain, BOB, [register(ALICE)])
    assert (result.codespace, result.code) == ("msg", 3)


def test_every_identity_error_code_is_covered_and_unique() -> None:
    classes = [
        obj
        for obj in vars(identity_errors).values()
        if isinstance(obj, type)
        and issubclass(obj, identity_errors.IdentityError)
        and obj is not identity_errors.IdentityError
    ]
    codes = [c.code for c in classes]
    assert len(set(codes)) == len(codes) and all(c.codespace == "identity" for c in classes)
    covered = {2, identity_errors.DidDeactivatedError.code} | {e.code for e, _, _ in STATEFUL.values()}
    assert covered == set(codes) == set(range(2, 11))


# --- admission ----------------------------------------------------------------------------------------------


def gated(chain: Chain, key: SigningKey = ALICE) -> Any:
    return run(chain, key, [MsgGated(signer=key.did())])


def assert_refused(result: Any) -> None:
    assert (result.codespace, result.code, result.events) == ("identity", 10, [])
    assert "holds no valid 'KycCredential' credential" in result.log


def test_admission_without_then_with_a_credential(chain: Chain) -> None:
    assert_refused(gated(chain))
    ok(chain, ISSUER, [credential(status_list_id="rev-1", status_index=7)])
    assert gated(chain).events == [{"type": "gate/EventGated", "signer": ALICE.did()}]
    other_type = run(
        chain, ISSUER, [credential("ai", subject=BOB, credential_type="AccreditedInvestorCredential")]
    )
    assert other_type.code == 0
    assert_refused(gated(chain, BOB))  # a credential of another type does not count


def test_admission_refused_after_revocation(chain: Chain) -> None:
    ok(chain, ISSUER, [credential(status_list_id="rev-1", status_index=7)])
    assert gated(chain).code == 0
    ok(chain, ISSUER, [status("rev-1", "revocation", [7])])
    assert_refused(gated(chain))


def test_admission_refused_while_suspended(chain: Chain) -> None:
    ok(chain, ISSUER, [credential(status_list_id="sus-1", status_index=7)])
    ok(chain, ISSUER, [status("sus-1", "suspension", [7])])
    assert_refused(gated(chain))
    ok(chain, ISSUER, [status("sus-1", "suspension", [], [7])])
    assert gated(chain).code == 0


def test_admission_refused_when_the_issuer_is_no_longer_trusted(chain: Chain) -> None:
    ok(chain, ISSUER, [credential()])
    assert gated(chain).code == 0
    ok(chain, BOB, [MsgUntrust(signer=BOB.did(), credential_type="KycCredential", issuer=ISSUER.did())])
    assert get_trusted_issuer(chain.state, "KycCredential", ISSUER.did()) is None
    assert_refused(gated(chain))


def test_admission_refused_when_the_issuer_did_is_deactivated(chain: Chain) -> None:
    ok(chain, ISSUER, [credential(), register(ISSUER)])
    assert gated(chain).code == 0
    ok(chain, ISSUER, [MsgDeactivateDid(did=ISSUER.did())])
    assert_refused(gated(chain))


def test_admission_refused_outside_the_validity_window(chain: Chain) -> None:
    ok(chain, ISSUER, [credential(valid_until=chain.time + 3 * BLOCK_INTERVAL_MS)])
    assert gated(chain).code == 0  # block time + 2 intervals
    assert_refused(gated(chain))  # block time + 3 intervals = valid_until


def test_admission_runs_before_the_handler_and_rolls_back_the_tx(chain: Chain) -> None:
    result = run(chain, ALICE, [register(ALICE), MsgGated(signer=ALICE.did())])
    assert_refused(result)
    assert result.log.startswith("message 1: ")
    assert get_did_pointer(chain.state, ALICE.did()) is None


class MsgNeedsRole(Msg, frozen=True, tag="gate/MsgNeedsRole"):
    requires: ClassVar[tuple[Requirement, ...]] = (Requirement("no-such-kind", "x"),)
    signer: str


def test_unknown_requirement_kind_fails_at_build_app() -> None:
    module = Module(name="needs", routes=(Route(MsgNeedsRole, process_gated, no_checks),))
    with pytest.raises(ValueError, match="no module registers an admission checker for kind 'no-such-kind'"):
        build_app(genesis_with_issuers(), (*DEFAULT_MODULES, module))


def test_an_admission_kind_registers_once() -> None:
    twin = Module(name="twin", routes=(), admission={"credential": IDENTITY.admission["credential"]})
    with pytest.raises(ValueError, match="admission kind 'credential' registered twice"):
        build_app(genesis_with_issuers(), (*DEFAULT_MODULES, twin))


def test_module_order_identity_after_accounts_governance_last() -> None:
    names = [m.name for m in DEFAULT_MODULES]
    assert names[:2] == ["accounts", "identity"] and names[-1] == "governance"
    assert names.index("cash") < names.index("bonds") < names.index("impact")  # impact reads bond records
    assert names.index("claims") < names.index("carbon") and names.index("claims") < names.index("impact")
    assert "datamobility" in names
    assert len(set(names)) == len(names)


# --- invariants ---------------------------------------------------------------------------------------------


def test_invariants_catch_broken_did_versions_and_cleared_revocations(chain: Chain) -> None:
    ok(chain, ALICE, [register(ALICE)])
    ok(chain, ISSUER, [status("rev-1", "revocation", [1, 2])])
    state = BlockState(DictState(dict(chain.state.data)))
    did = ALICE.did()
    set_did_version(
        state, did, DidVersion(version=3, height=9, time=9, deactivated=False, document_json="{}")
    )
    state.delete(did_version_key(did, 3))
    state.delete(b"identity/f/" + ISSUER.did().encode() + b"/rev-1/0000000001")
    problems = check_invariants(chain.app, state)
    assert any("latest version 3 is missing" in p for p in problems)
    assert any("versions [1] are not 1..3" in p for p in problems)
    assert any("2 indices revoked, 1 still flagged" in p for p in problems)

    state2 = BlockState(DictState(dict(chain.state.data)))
    set_status_list(state2, StatusList(ISSUER.did(), "s", "suspension", CH, 0, 1))
    set_status_flag(state2, ISSUER.did(), "s", 5)
    assert check_invariants(chain.app, state2) == [
        f"identity/status-lists: {ISSUER.did()}/s: 1 flags but only 0 ever set"
    ]


# --- multikey moved into the core ---------------------------------------------------------------------------


def test_core_multikey_is_what_vc_reexports() -> None:
    for key in (ALICE, CAROL):
        text = multikey.encode_public_key(key.key_type, key.public_key)
        assert vc_multikey.encode_public_key(key.key_type, key.public_key) == text
        assert vc_multikey.decode_public_key(text) == vc_multikey.Multikey(key.key_type, key.public_key)
        assert multikey.decode_public_key(text) == (key.key_type, key.public_key)
    assert vc_multikey.encode_multibase is multikey.encode_multibase
    with pytest.raises(multikey.MultikeyError):
        multikey.encode_public_key("ed25519", b"short")
    with pytest.raises(InvalidMultikeyError):
        vc_multikey.encode_public_key("ed25519", b"short")


def test_rejected_errors_are_tx_rejections() -> None:
    assert issubclass(DeactivatedSignerError, TxRejectedError)
