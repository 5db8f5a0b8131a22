"""The anchor module: MsgCreateAnchor, MsgAttestAnchor, their records, indexes, events and errors."""

from __future__ import annotations

from typing import Any

import pytest

from bayledger.core.modules.accounts.state import account_key, get_account
from bayledger.core.modules.anchor.msgs import MsgAttestAnchor, MsgCreateAnchor
from bayledger.core.modules.anchor.state import (
    SEQUENCE_KEY,
    Anchor,
    Attestation,
    get_anchor,
    get_anchor_id_by_hash,
    get_attestation,
    list_anchor_ids_by_hash,
    list_anchor_ids_by_owner,
    list_anchors,
    list_attestations,
)
from bayledger.core.state_transition import check_invariants
from bayledger.sdk import builders
from corechain import Chain, content_hash, ed_key, make_genesis, sm2_key

ALICE, BOB, CAROL, DAVE = ed_key(1), ed_key(2), sm2_key(3), ed_key(4)
H1, H2, H3 = content_hash(1), content_hash(2), content_hash(3)
EVIDENCE = content_hash(77)


@pytest.fixture
def chain() -> Chain:
    return Chain(make_genesis([ALICE, BOB, CAROL, DAVE]))


@pytest.fixture
def anchored(chain: Chain) -> Chain:
    """ALICE anchored H1 as ANC-00000001 (height 1); BOB attested it (height 2)."""
    assert chain.apply([chain.tx(ALICE, [builders.create_anchor(ALICE.did(), H1)])]).results[0].code == 0
    attest = builders.attest_anchor(BOB.did(), "ANC-00000001", "verified")
    assert chain.apply([chain.tx(BOB, [attest])]).results[0].code == 0
    return chain


def create(owner: Any, content: str = H2, **fields: Any) -> MsgCreateAnchor:
    values: dict[str, Any] = {
        "hash_algorithm": "sha256",
        "anchor_type": "document",
        "uri": "",
        "metadata": {},
    }
    values.update(fields)
    return MsgCreateAnchor(owner=owner.did(), content_hash=content, **values)


def attest(attester: Any, anchor_id: str = "ANC-00000001", statement: str = "ok", evidence: str = "") -> Any:
    return MsgAttestAnchor(
        attester=attester.did(), anchor_id=anchor_id, statement=statement, evidence_hash=evidence
    )


# --- MsgCreateAnchor ----------------------------------------------------------------------------------------


def test_create_anchor_records_indexes_and_event(chain: Chain) -> None:
    metadata = {"title": "Q1 report", "语言": "中文", "emoji😀": "✓"}
    msg = builders.create_anchor(
        ALICE.did(), H1, anchor_type="esg-report", uri="https://example.org/q1.pdf", metadata=metadata
    )
    outcome = chain.apply([chain.tx(ALICE, [msg])])
    result = outcome.results[0]
    assert (result.code, result.signer, result.nonce) == (0, ALICE.did(), 1)
    assert result.events == [
        {
            "type": "anchor/EventCreateAnchor",
            "anchor_id": "ANC-00000001",
            "owner": ALICE.did(),
            "content_hash": H1,
            "anchor_type": "esg-report",
        }
    ]
    assert get_anchor(chain.state, "ANC-00000001") == Anchor(
        id="ANC-00000001",
        owner=ALICE.did(),
        content_hash=H1,
        hash_algorithm="sha256",
        anchor_type="esg-report",
        uri="https://example.org/q1.pdf",
        metadata=metadata,
        height=1,
        time=chain.time,
        attestation_count=0,
    )
    assert get_anchor_id_by_hash(chain.state, H1, ALICE.did()) == "ANC-00000001"
    assert get_anchor_id_by_hash(chain.state, H1, BOB.did()) is None
    assert list_anchor_ids_by_hash(chain.state, H1) == ["ANC-00000001"]
    assert list_anchor_ids_by_owner(chain.state, ALICE.did()) == ["ANC-00000001"]
    assert chain.state.get(SEQUENCE_KEY) == b"1"
    # nonce + anchor record + hash index + owner index + sequence
    assert len(outcome.state_writes) == 5
    assert account_key(ALICE.did()) in outcome.state_writes
    assert check_invariants(chain.app, chain.state) == []


def test_ids_follow_the_sequence_across_txs_and_messages(chain: Chain) -> None:
    outcome = chain.apply(
        [
            chain.tx(ALICE, [create(ALICE, H1), create(ALICE, H2)]),
            chain.tx(BOB, [create(BOB, H1)]),  # another owner may anchor the same content
        ]
    )
    assert [[e["anchor_id"] for e in r.events] for r in outcome.results] == [
        ["ANC-00000001", "ANC-00000002"],
        ["ANC-00000003"],
    ]
    assert list_anchor_ids_by_hash(chain.state, H1) == ["ANC-00000001", "ANC-00000003"]
    assert list_anchor_ids_by_owner(chain.state, ALICE.did()) == ["ANC-00000001", "ANC-00000002"]
    assert list_anchor_ids_by_owner(chain.state, BOB.did()) == ["ANC-00000003"]
    assert [(a.id, a.owner, a.content_hash) for a in list_anchors(chain.state)] == [
        ("ANC-00000001", ALICE.did(), H1),
        ("ANC-00000002", ALICE.did(), H2),
        ("ANC-00000003", BOB.did(), H1),
    ]
    assert chain.state.get(SEQUENCE_KEY) == b"3"


def test_sm3_anchor_by_an_sm2_account_in_an_sm3_zone() -> None:
    chain = Chain(make_genesis([CAROL], hash_algorithm="sm3"))
    msg = builders.create_anchor(CAROL.did(), H3, hash_algorithm="sm3", anchor_type="invoice")
    result = chain.apply([chain.tx(CAROL, [msg])]).results[0]
    assert (result.code, result.events[0]["anchor_id"]) == (0, "ANC-00000001")
    anchor = get_anchor(chain.state, "ANC-00000001")
    assert (anchor.hash_algorithm, anchor.owner, anchor.anchor_type) == ("sm3", CAROL.did(), "invoice")  # type: ignore[union-attr]


def test_limits_are_inclusive(chain: Chain) -> None:
    msg = create(
        ALICE,
        H1,
        anchor_type="a" * 64,
        uri="u" * 512,
        metadata={f"{i:02d}" + "k" * 62: "v" * 256 for i in range(16)},
    )
    result = chain.apply([chain.tx(ALICE, [msg])]).results[0]
    assert result.code == 0
    assert len(get_anchor(chain.state, "ANC-00000001").metadata) == 16  # type: ignore[union-attr]
    long_statement = attest(BOB, statement="s" * 512, evidence=EVIDENCE)
    assert chain.apply([chain.tx(BOB, [long_statement])]).results[0].code == 0


# --- MsgAttestAnchor ----------------------------------------------------------------------------------------


def test_attestations_are_recorded_and_counted(anchored: Chain) -> None:
    chain = anchored
    assert get_attestation(chain.state, "ANC-00000001", BOB.did()) == Attestation(
        anchor_id="ANC-00000001", attester=BOB.did(), statement="verified", evidence_hash="", height=2
    )
    outcome = chain.apply([chain.tx(CAROL, [attest(CAROL, statement="audited", evidence=EVIDENCE)])])
    assert outcome.results[0].events == [
        {
            "type": "anchor/EventAttestAnchor",
            "anchor_id": "ANC-00000001",
            "attester": CAROL.did(),
            "statement": "audited",
        }
    ]
    assert get_attestation(chain.state, "ANC-00000001", CAROL.did()) == Attestation(
        anchor_id="ANC-00000001", attester=CAROL.did(), statement="audited", evidence_hash=EVIDENCE, height=3
    )
    assert get_anchor(chain.state, "ANC-00000001").attestation_count == 2  # type: ignore[union-attr]
    attesters = [a.attester for a in list_attestations(chain.state, "ANC-00000001")]
    assert attesters == sorted([BOB.did(), CAROL.did()])
    assert check_invariants(chain.app, chain.state) == []


# --- errors -------------------------------------------------------------------------------------------------

INVALID = ("anchor", 2)
ERROR_CASES: dict[str, tuple[Any, Any, tuple[str, int]]] = {
    "hash-upper-case": (ALICE, create(ALICE, "AB" * 32), INVALID),
    "hash-too-short": (ALICE, create(ALICE, H2[:63]), INVALID),
    "hash-not-hex": (ALICE, create(ALICE, "g" * 64), INVALID),
    "hash-algorithm-md5": (ALICE, create(ALICE, hash_algorithm="md5"), INVALID),
    "type-upper-case": (ALICE, create(ALICE, anchor_type="Report"), INVALID),
    "type-leading-dash": (ALICE, create(ALICE, anchor_type="-report"), INVALID),
    "type-empty": (ALICE, create(ALICE, anchor_type=""), INVALID),
    "type-too-long": (ALICE, create(ALICE, anchor_type="a" * 65), INVALID),
    "uri-too-long": (ALICE, create(ALICE, uri="u" * 513), INVALID),
    "metadata-too-many": (ALICE, create(ALICE, metadata={str(i): "" for i in range(17)}), INVALID),
    "metadata-empty-key": (ALICE, create(ALICE, metadata={"": "x"}), INVALID),
    "metadata-key-too-long": (ALICE, create(ALICE, metadata={"k" * 65: "x"}), INVALID),
    "metadata-value-too-long": (ALICE, create(ALICE, metadata={"k": "v" * 257}), INVALID),
    "statement-empty": (CAROL, attest(CAROL, statement=""), INVALID),
    "statement-too-long": (CAROL, attest(CAROL, statement="s" * 513), INVALID),
    "evidence-not-a-hash": (CAROL, attest(CAROL, evidence="abc"), INVALID),
    "anchor-exists": (ALICE, create(ALICE, H1), ("anchor", 3)),
    "anchor-not-found": (CAROL, attest(CAROL, "ANC-00000009"), ("anchor", 4)),
    "duplicate-attestation": (BOB, attest(BOB), ("anchor", 5)),
    "self-attestation": (ALICE, attest(ALICE), ("anchor", 6)),
    "owner-is-not-the-signer": (BOB, create(ALICE, H3), ("msg", 3)),
    "attester-is-not-the-signer": (DAVE, attest(CAROL), ("msg", 3)),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_failed_message_has_its_code_and_rolls_back(anchored: Chain, name: str) -> None:
    chain = anchored
    key, msg, (codespace, code) = ERROR_CASES[name]
    anchors_before = list_anchors(chain.state)
    attestations_before = list_attestations(chain.state, "ANC-00000001")
    nonce_before = get_account(chain.state, key.did()).nonce  # type: ignore[union-attr]

    outcome = chain.apply([chain.tx(key, [msg])])
    result = outcome.results[0]
    assert (result.codespace, result.code) == (codespace, code)
    assert result.log.startswith("message 0: ")
    assert (result.events, result.signer, result.nonce) == ([], key.did(), nonce_before + 1)
    assert set(outcome.state_writes) == {account_key(key.did())}
    assert get_account(chain.state, key.did()).nonce == nonce_before + 1  # type: ignore[union-attr]
    assert list_anchors(chain.state) == anchors_before
    assert list_attestations(chain.state, "ANC-00000001") == attestations_before
    assert chain.state.get(SEQUENCE_KEY) == b"1"


def test_error_messages_name_the_conflict(anchored: Chain) -> None:
    chain = anchored
    outcome = chain.apply(
        [
            chain.tx(ALICE, [create(ALICE, H1)]),
            chain.tx(BOB, [attest(BOB)]),
            chain.tx(ALICE, [attest(ALICE)], nonce=3),
            chain.tx(CAROL, [attest(CAROL, "ANC-00000042")]),
        ]
    )
    assert [r.log for r in outcome.results] == [
        f"message 0: {ALICE.did()} already anchored {H1} as ANC-00000001",
        f"message 0: {BOB.did()} already attested ANC-00000001",
        "message 0: the owner of ANC-00000001 cannot attest it; attestations come from third parties",
        "message 0: anchor ANC-00000042 does not exist",
    ]


def test_a_failing_second_message_rolls_back_the_first(chain: Chain) -> None:
    outcome = chain.apply([chain.tx(ALICE, [create(ALICE, H2), create(ALICE, H2)])])
    result = outcome.results[0]
    assert (result.codespace, result.code, result.events) == ("anchor", 3, [])
    assert result.log == f"message 1: {ALICE.did()} already anchored {H2} as ANC-00000001"
    assert list_anchors(chain.state) == []
    assert chain.state.get(SEQUENCE_KEY) is None  # the id taken by message 0 is given back
    assert set(outcome.state_writes) == {account_key(ALICE.did())}

    again = chain.apply([chain.tx(ALICE, [create(ALICE, H2)])])
    assert again.results[0].events[0]["anchor_id"] == "ANC-00000001"


def test_anchor_then_attest_in_one_block(chain: Chain) -> None:
    outcome = chain.apply(
        [
            chain.tx(ALICE, [create(ALICE, H1)]),
            chain.tx(BOB, [attest(BOB, statement="seen")]),
            chain.tx(CAROL, [attest(CAROL, statement="seen too")]),
        ]
    )
    assert [r.code for r in outcome.results] == [0, 0, 0]
    assert get_anchor(chain.state, "ANC-00000001").attestation_count == 2  # type: ignore[union-attr]
