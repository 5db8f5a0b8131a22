"""The datamobility module: assets, consent, GBA filings, decisions with reason codes, grants, delivery,
withdrawal and deletion, validation mode and the hash-chained access log."""

from __future__ import annotations

from typing import Any

import pytest
from msgspec.structs import replace

from bayledger.core.hashing import get_hash_function
from bayledger.core.modules.datamobility import state as dm
from bayledger.core.modules.datamobility.audit import MIN_RETENTION_DAYS, verify_log_chain
from bayledger.core.modules.datamobility.msgs import (
    MsgAcknowledgeDelivery,
    MsgAnchorFingerprint,
    MsgConfirmDeletion,
    MsgDispatchTransfer,
    MsgSetHolidays,
    MsgValidateDocument,
    MsgWithdrawAllConsents,
    MsgWithdrawConsent,
)
from bayledger.core.modules.datamobility.workdays import DAY_MS
from bayledger.core.modules.identity.msgs import MsgSetStatusList
from corechain import Chain, content_hash
from datakit import (
    ASSET_FP,
    BJBANK,
    CREDIT,
    CUSTOMER,
    HKBANK,
    ISSUER,
    OTHER,
    REGULATOR,
    SM2_KEY,
    SZBANK,
    X25519_KEY,
    asset,
    consent,
    data_genesis,
    decided,
    fails,
    filing,
    ok,
    prepared_chain,
    recipient_credential,
    request,
    run,
)

PAYLOAD_FP = content_hash(8001)


def withdraw(consent_id: str = "CNS-00000001") -> MsgWithdrawConsent:
    return MsgWithdrawConsent(subject=CUSTOMER.did(), consent_id=consent_id, reason="I changed banks")


def dispatch(grant_id: str = "DTG-00000001", fingerprint: str = PAYLOAD_FP) -> MsgDispatchTransfer:
    return MsgDispatchTransfer(holder=HKBANK.did(), grant_id=grant_id, payload_fingerprint=fingerprint)


def ack(
    accepted: bool, fingerprint: str = PAYLOAD_FP, reason: str = "", grant_id: str = "DTG-00000001"
) -> Any:
    return MsgAcknowledgeDelivery(
        recipient=SZBANK.did(),
        grant_id=grant_id,
        accepted=accepted,
        received_fingerprint=fingerprint,
        reason=reason,
    )


def log_actions(chain: Any) -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in dm.list_log(chain.state)]


def test_allowed_request_creates_a_grant_naming_its_basis() -> None:
    chain = prepared_chain()
    result = ok(chain, SZBANK, [request()])
    event = decided(result)
    assert (event["decision"], event["reasons"], event["grant_id"]) == ("allow", [], "DTG-00000001")
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None
    assert (grant.holder, grant.recipient, grant.subject) == (HKBANK.did(), SZBANK.did(), CUSTOMER.did())
    assert (grant.consent_id, grant.filing_id, grant.status) == ("CNS-00000001", "GBA-00000001", "active")
    assert (grant.asset_fingerprint, grant.masking_profile, grant.retention_days) == (
        ASSET_FP,
        "mask-id-numbers",
        365,
    )
    req = dm.get_request(chain.state, "DTR-00000001")
    assert req is not None and (req.decision, req.consent_id, req.filing_id) == (
        "allow",
        "CNS-00000001",
        "GBA-00000001",
    )
    filing_record = dm.get_filing(chain.state, "GBA-00000001")
    assert filing_record is not None and filing_record.grants == 1
    assert log_actions(chain)[-1] == ("request_transfer", "allow")


def _deny(chain: Any, key: Any, msg: Any) -> list[str]:
    """Run a request that must be denied: a successful tx, no grant, the refusal on chain and in the log."""
    grants_before = len(dm.list_grants(chain.state))
    event = decided(ok(chain, key, [msg]))
    assert event["decision"] == "deny" and event["grant_id"] == ""
    assert len(dm.list_grants(chain.state)) == grants_before
    req = dm.get_request(chain.state, event["request_id"])
    assert req is not None and req.decision == "deny" and req.reasons == event["reasons"]
    last = dm.list_log(chain.state)[-1]
    assert (last.action, last.outcome, last.reasons, last.ref) == (
        "request_transfer",
        "deny",
        event["reasons"],
        event["request_id"],
    )
    return list(event["reasons"])


def test_transfer_without_consent_is_denied() -> None:
    chain = prepared_chain()
    ok(chain, HKBANK, [asset(subject=OTHER.did())])  # DA-00000003: another subject, who consented to nothing
    assert _deny(chain, SZBANK, request(asset_id="DA-00000003")) == ["no_consent"]


def test_transfer_after_withdrawal_is_denied_and_grants_are_revoked() -> None:
    chain = prepared_chain()
    ok(chain, SZBANK, [request()])
    result = ok(chain, CUSTOMER, [withdraw()])
    deletion = [e for e in result.events if e["type"] == "datamobility/EventRequireDeletion"]
    assert deletion == [
        {
            "type": "datamobility/EventRequireDeletion",
            "grant_id": "DTG-00000001",
            "recipient": SZBANK.did(),
            "asset_id": "DA-00000001",
            "consent_id": "CNS-00000001",
            "reason": "consent withdrawn",
        }
    ]
    record = dm.get_consent(chain.state, "CNS-00000001")
    assert record is not None and [h.status for h in record.history] == ["given", "withdrawn"]
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and grant.status == "revoked"
    assert _deny(chain, SZBANK, request()) == ["consent_withdrawn"]
    fails(chain, HKBANK, [dispatch()], 9)  # nothing moves under a revoked grant
    fails(chain, CUSTOMER, [withdraw()], 8)  # already withdrawn
    ok(chain, SZBANK, [MsgConfirmDeletion(recipient=SZBANK.did(), grant_id="DTG-00000001")])
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and grant.status == "deleted"


def test_transfer_after_expiry_is_denied_and_expiry_is_recorded_at_end_of_block() -> None:
    chain = prepared_chain()
    until = chain.time + 10_000
    ok(chain, CUSTOMER, [withdraw(), consent(valid_until=until)])  # CNS-00000002 expires in 10 s
    ok(chain, SZBANK, [request()])
    assert dm.get_grant(chain.state, "DTG-00000001") is not None
    outcome = chain.apply([], time=until)
    expired = [e["type"] for e in outcome.end_block_events]
    assert expired == ["datamobility/EventRequireDeletion", "datamobility/EventExpireConsent"]
    record = dm.get_consent(chain.state, "CNS-00000002")
    assert record is not None and record.status == "expired"
    assert _deny(chain, SZBANK, request()) == ["consent_expired"]  # the reasons of the latest consent
    assert dm.get_request(chain.state, "DTR-00000002").consent_id == "CNS-00000002"  # type: ignore[union-attr]


def test_expired_consent_reason_when_it_is_the_only_one() -> None:
    chain = prepared_chain()
    ok(chain, HKBANK, [asset(subject=OTHER.did())])
    key = OTHER
    ok(chain, key, [consent(subject=OTHER.did(), valid_until=chain.time + 3_000)])
    chain.apply([], time=chain.time + 5_000)
    assert _deny(chain, SZBANK, request(asset_id="DA-00000003")) == ["consent_expired"]


def test_other_purpose_is_denied_by_consent_and_filing() -> None:
    chain = prepared_chain()
    assert _deny(chain, SZBANK, request(purpose="marketing")) == [
        "purpose_not_consented",
        "purpose_not_filed",
    ]


def test_recipient_outside_the_gba_is_denied() -> None:
    chain = prepared_chain()
    ok(chain, CUSTOMER, [consent(BJBANK, recipient_name="Beijing Bank", recipient_jurisdiction="CN-BJ")])
    reasons = _deny(chain, BJBANK, request(BJBANK))
    assert reasons == ["recipient_outside_gba", "no_filing"]
    # and a filing with a city outside the GBA cannot even be recorded
    fails(chain, HKBANK, [filing(BJBANK, recipient_city="Beijing")], 2)


def test_important_data_never_uses_the_gba_route() -> None:
    chain = prepared_chain()
    assert _deny(chain, SZBANK, request(asset_id="DA-00000002")) == ["important_data_excluded"]


def test_beyond_filed_categories_is_denied() -> None:
    chain = prepared_chain()
    wider = [*CREDIT, "income"]
    ok(chain, HKBANK, [asset(categories=wider)])  # DA-00000003
    ok(chain, CUSTOMER, [consent(categories=wider)])  # CNS-00000002 covers income, the filing does not
    assert _deny(chain, SZBANK, request(asset_id="DA-00000003", categories=wider)) == ["categories_not_filed"]
    # a new filing superseding the old one covers it: processing beyond the filed scope needs a new filing
    ok(chain, HKBANK, [filing(categories=wider, supersedes="GBA-00000001")])
    event = decided(ok(chain, SZBANK, [request(asset_id="DA-00000003", categories=wider)]))
    assert event["decision"] == "allow"
    assert dm.get_grant(chain.state, event["grant_id"]).filing_id == "GBA-00000002"  # type: ignore[union-attr]
    fails(chain, HKBANK, [filing(supersedes="GBA-00000001")], 10)  # already superseded


def test_separate_consents_and_credentials_are_required() -> None:
    chain = prepared_chain()
    ok(chain, CUSTOMER, [withdraw(), consent(cross_boundary=False, sensitive=False)])
    ok(chain, HKBANK, [asset(sensitive=True)])  # DA-00000003 holds sensitive personal information
    reasons = _deny(chain, SZBANK, request(asset_id="DA-00000003"))
    assert reasons == ["no_separate_cross_boundary_consent", "no_separate_sensitive_consent"]
    ok(chain, CUSTOMER, [consent(OTHER, recipient_name="No credential Ltd")])
    assert _deny(chain, OTHER, request(OTHER)) == ["recipient_not_credentialed", "no_filing"]


def test_categories_not_in_the_asset_and_unknown_assets() -> None:
    chain = prepared_chain()
    assert _deny(chain, SZBANK, request(categories=["income"])) == [
        "categories_not_in_asset",
        "categories_not_consented",
        "categories_not_filed",
    ]
    fails(chain, SZBANK, [request(asset_id="DA-00000099")], 3)
    fails(chain, HKBANK, [request(HKBANK)], 2)  # the holder asks for its own asset


def test_filing_volume_limits_grants() -> None:
    chain = prepared_chain()
    ok(chain, HKBANK, [filing(volume=1, supersedes="GBA-00000001")])
    assert decided(ok(chain, SZBANK, [request()]))["decision"] == "allow"
    assert _deny(chain, SZBANK, request()) == ["filing_volume_exceeded"]


def test_delivery_accepted_refused_and_forged_grants() -> None:
    chain = prepared_chain()
    ok(chain, SZBANK, [request()])
    fails(chain, SZBANK, [ack(True)], 13)  # nothing dispatched yet
    fails(
        chain,
        OTHER,
        [MsgDispatchTransfer(holder=OTHER.did(), grant_id="DTG-00000001", payload_fingerprint=PAYLOAD_FP)],
        7,
    )
    fails(chain, HKBANK, [dispatch("DTG-00000077")], 6)  # a forged grant id
    ok(chain, HKBANK, [dispatch()])
    fails(chain, SZBANK, [ack(True, content_hash(1))], 13)  # cannot accept a payload whose hash differs
    ok(chain, SZBANK, [ack(False, content_hash(1), "fingerprint_mismatch")])
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and grant.status == "refused"
    last = dm.list_log(chain.state)[-1]
    assert (last.action, last.outcome, last.reasons) == (
        "acknowledge_delivery",
        "refused",
        ["fingerprint_mismatch"],
    )
    ok(chain, HKBANK, [dispatch()])  # the holder may send again
    ok(chain, SZBANK, [ack(True)])
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and grant.status == "delivered"


def test_withdraw_all_consents_in_one_action() -> None:
    chain = prepared_chain()
    ok(
        chain,
        CUSTOMER,
        [consent(BJBANK, recipient_jurisdiction="CN-BJ"), consent(purposes=["account_opening"])],
    )
    result = ok(chain, CUSTOMER, [MsgWithdrawAllConsents(subject=CUSTOMER.did(), reason="all of them")])
    withdrawn = [e["consent_id"] for e in result.events if e["type"] == "datamobility/EventWithdrawConsent"]
    assert withdrawn == ["CNS-00000001", "CNS-00000002", "CNS-00000003"]
    assert {c.status for c in dm.list_subject_consents(chain.state, CUSTOMER.did())} == {"withdrawn"}
    fails(chain, CUSTOMER, [MsgWithdrawAllConsents(subject=CUSTOMER.did(), reason="")], 8)
    fails(chain, OTHER, [MsgWithdrawConsent(subject=OTHER.did(), consent_id="CNS-00000001", reason="")], 7)


# Genesis time 1_700_000_000_000 is Wednesday 2023-11-15 in UTC+8.
@pytest.mark.parametrize(
    ("effective", "holidays", "working_days", "late"),
    [
        ("2023-11-01", [], 10, False),
        ("2023-10-31", [], 11, True),
        ("2023-10-31", ["2023-11-06"], 10, False),
        ("2023-11-20", [], 0, False),  # filed before it takes effect
    ],
)
def test_filing_deadline_is_ten_working_days(
    effective: str, holidays: list[str], working_days: int, late: bool
) -> None:
    chain = prepared_chain(holidays=holidays)
    result = ok(chain, HKBANK, [filing(effective_date=effective, supersedes="GBA-00000001")])
    event = next(e for e in result.events if e["type"] == "datamobility/EventFileContract")
    assert (event["filed_date"], event["working_days_after"], event["late"]) == (
        "2023-11-15",
        working_days,
        late,
    )


def test_filing_stateless_checks() -> None:
    chain = prepared_chain()
    fails(chain, HKBANK, [filing(recipient_city="Hong Kong")], 2)  # does not cross the boundary
    fails(chain, HKBANK, [filing(recipient_city="Macao")], 2)
    fails(chain, HKBANK, [filing(onward_transfer_outside_gba=True)], 2)
    fails(chain, HKBANK, [filing(effective_date="2023-02-30")], 2)
    fails(chain, HKBANK, [filing(supersedes="GBA-00000009")], 5)
    result = ok(
        chain,
        SZBANK,
        [filing(HKBANK, processor=SZBANK.did(), processor_city="Shenzhen", recipient_city="Hong Kong")],
    )
    assert [e["direction"] for e in result.events if e["type"] == "datamobility/EventFileContract"] == [
        "mainland-to-hk"
    ]


def test_holidays_are_set_by_a_regulator_only() -> None:
    chain = prepared_chain()
    fails(chain, HKBANK, [MsgSetHolidays(authority=HKBANK.did(), holidays=["2023-11-06"])], 11, "governance")
    fails(chain, REGULATOR, [MsgSetHolidays(authority=REGULATOR.did(), holidays=["2023-13-01"])], 2)
    ok(chain, REGULATOR, [MsgSetHolidays(authority=REGULATOR.did(), holidays=["2023-11-06"])])
    assert dm.get_settings(chain.state).holidays == ["2023-11-06"]
    result = ok(chain, HKBANK, [filing(effective_date="2023-10-31", supersedes="GBA-00000001")])
    assert [e["late"] for e in result.events if e["type"] == "datamobility/EventFileContract"] == [False]


def test_validation_mode_match_and_tampered_document() -> None:
    chain = prepared_chain()
    genuine = content_hash(5555)
    anchor = MsgAnchorFingerprint(
        provider=HKBANK.did(),
        subject=CUSTOMER.did(),
        document_type="bank_statement",
        fingerprint=genuine,
        hash_algorithm="sm3",
        valid_until=0,
    )
    ok(chain, HKBANK, [anchor])

    def check(presented: str, algorithm: str = "sm3") -> MsgValidateDocument:
        return MsgValidateDocument(
            verifier=SZBANK.did(),
            fingerprint_id="DFP-00000001",
            presented_hash=presented,
            hash_algorithm=algorithm,
        )

    events = ok(chain, SZBANK, [check(genuine)]).events
    assert [(e["match"], e["reason"]) for e in events] == [(True, "match")]
    events = ok(chain, SZBANK, [check(content_hash(5556))]).events
    assert [(e["match"], e["reason"]) for e in events] == [(False, "fingerprint_mismatch")]
    fails(chain, SZBANK, [check(genuine, "sha256")], 12)
    fails(chain, SZBANK, [replace(check(genuine), fingerprint_id="DFP-00000002")], 11)
    document = dm.get_document(chain.state, "DFP-00000001")
    assert document is not None and document.checks == 2
    subject_log = [(e.action, e.outcome) for e in dm.list_subject_log(chain.state, CUSTOMER.did())]
    assert subject_log[-2:] == [("validate_document", "match"), ("validate_document", "mismatch")]


def test_access_log_is_hash_chained_retained_three_years_and_tamper_evident() -> None:
    chain = prepared_chain()
    ok(chain, SZBANK, [request()])
    ok(chain, SZBANK, [request(purpose="marketing")])
    entries = dm.list_log(chain.state)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    hash_fn = get_hash_function("sha256")
    assert verify_log_chain(entries, hash_fn) == []
    assert all(e.retain_until - e.time == MIN_RETENTION_DAYS * DAY_MS for e in entries)
    tampered = list(entries)
    tampered[3] = replace(tampered[3], outcome="allow" if tampered[3].outcome != "allow" else "deny")
    assert verify_log_chain(tampered, hash_fn) == [
        f"entry {tampered[3].seq}: entry_hash does not match its content"
    ]
    dropped = entries[:2] + entries[3:]
    assert verify_log_chain(dropped, hash_fn) != []
    assert [e.action for e in entries] == [
        "register_asset",
        "register_asset",
        "give_consent",
        "file_contract",
        "request_transfer",
        "request_transfer",
    ]


def test_sm3_zone_fingerprints_and_log() -> None:
    chain = prepared_chain("sm3")
    fails(chain, HKBANK, [asset(hash_algorithm="sha256")], 12)
    ok(chain, SZBANK, [request(recipient_key=SM2_KEY)])
    assert verify_log_chain(dm.list_log(chain.state), get_hash_function("sm3")) == []
    assert verify_log_chain(dm.list_log(chain.state), get_hash_function("sha256")) != []


@pytest.mark.parametrize(
    "changes",
    [
        {"recipient_key": "x25519:AAAA"},
        {"recipient_key": "rsa:" + "A" * 44},
        {"masking_profile": "whatever"},
        {"purpose": "Credit Assessment"},
        {"categories": []},
        {"categories": ["identity", "identity"]},
        {"asset_id": "asset-1"},
    ],
)
def test_request_stateless_checks(changes: dict[str, Any]) -> None:
    chain = prepared_chain()
    msg = replace(request(), **changes)
    result = run(chain, SZBANK, [msg])
    assert (result.codespace, result.code) == ("datamobility", 2), result.log
    assert dm.list_requests(chain.state) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"recipient_name": " "},
        {"recipient_jurisdiction": "Shenzhen"},
        {"notice_hash": "00"},
        {"notice_language": "Chinese"},
        {"retention_days": 0},
        {"valid_from": 10, "valid_until": 5},
        {"recipient": CUSTOMER},
    ],
)
def test_consent_stateless_checks(changes: dict[str, Any]) -> None:
    chain = prepared_chain()
    fails(chain, CUSTOMER, [consent(**changes)], 2)
    assert len(dm.list_consents(chain.state)) == 1


def test_revoked_recipient_credential_stops_the_next_request() -> None:
    chain = prepared_chain()
    credential = replace(recipient_credential(OTHER, "CN-GD", 3), status_list_id="drc-rev", status_index=7)
    status_list = MsgSetStatusList(
        issuer=ISSUER.did(), list_id="drc-rev", purpose="revocation", list_hash=content_hash(1),
        set_indices=[], clear_indices=[],
    )  # fmt: skip
    ok(chain, ISSUER, [status_list, credential])
    ok(chain, CUSTOMER, [consent(OTHER)])
    ok(chain, HKBANK, [filing(OTHER, recipient_city="Shenzhen")])
    assert decided(ok(chain, OTHER, [request(OTHER)]))["decision"] == "allow"
    ok(chain, ISSUER, [replace(status_list, list_hash=content_hash(2), set_indices=[7])])
    assert _deny(chain, OTHER, request(OTHER)) == ["recipient_not_credentialed"]


def test_not_yet_valid_consent_future_filing_and_asset_stored_outside_the_gba() -> None:
    chain = prepared_chain()
    ok(chain, HKBANK, [asset(subject=OTHER.did())])  # DA-00000003
    ok(chain, OTHER, [consent(subject=OTHER.did(), valid_from=chain.time + 86_400_000)])
    assert _deny(chain, SZBANK, request(asset_id="DA-00000003")) == ["consent_not_yet_valid"]
    ok(chain, HKBANK, [filing(effective_date="2023-12-01", supersedes="GBA-00000001")])
    assert _deny(chain, SZBANK, request()) == ["filing_not_effective"]
    ok(chain, HKBANK, [asset(storage_location="SG")])  # DA-00000004
    assert _deny(chain, SZBANK, request(asset_id="DA-00000004")) == [
        "asset_outside_gba",
        "filing_not_effective",
    ]


def test_filing_in_the_reverse_direction_is_denied() -> None:
    """The asset is in HK and the recipient in Shenzhen, but the filing is Shenzhen -> Hong Kong."""
    chain = Chain(data_genesis())
    ok(chain, ISSUER, [recipient_credential(SZBANK, "CN-GD", 1)])
    ok(chain, HKBANK, [asset(storage_location="HK")])
    ok(chain, CUSTOMER, [consent()])
    ok(chain, HKBANK, [filing(processor_city="Shenzhen", recipient_city="Hong Kong")])
    record = dm.get_filing(chain.state, "GBA-00000001")
    assert record is not None and record.direction == "mainland-to-hk"
    assert _deny(chain, SZBANK, request()) == ["filing_direction_mismatch", "recipient_city_mismatch"]


def test_transfer_that_does_not_cross_the_boundary_is_denied() -> None:
    """HK -> HK under a filing claiming the recipient is in Shenzhen; and Guangdong -> Guangdong."""
    chain = Chain(data_genesis())
    ok(chain, ISSUER, [recipient_credential(OTHER, "HK", 1)])
    ok(chain, HKBANK, [asset(storage_location="HK")])
    ok(chain, CUSTOMER, [consent(recipient=OTHER, recipient_jurisdiction="HK")])
    ok(chain, HKBANK, [filing(recipient=OTHER, recipient_city="Shenzhen")])
    assert _deny(chain, OTHER, request(recipient=OTHER)) == ["not_cross_boundary", "recipient_city_mismatch"]
    chain = Chain(data_genesis())
    ok(chain, ISSUER, [recipient_credential(SZBANK, "CN-GD", 1)])
    ok(chain, HKBANK, [asset(storage_location="CN-GD")])
    ok(chain, CUSTOMER, [consent()])
    ok(chain, HKBANK, [filing()])
    assert _deny(chain, SZBANK, request()) == ["not_cross_boundary", "filing_direction_mismatch"]


def test_consent_naming_the_assets_side_is_not_cross_boundary() -> None:
    """The credential is in Guangdong but the subject consented to a recipient in HK, where the data is."""
    chain = Chain(data_genesis())
    ok(chain, ISSUER, [recipient_credential(SZBANK, "CN-GD", 1)])
    ok(chain, HKBANK, [asset()])
    ok(chain, CUSTOMER, [consent(recipient_jurisdiction="HK")])
    ok(chain, HKBANK, [filing()])
    assert _deny(chain, SZBANK, request()) == ["not_cross_boundary"]


def test_mainland_to_hk_in_the_filed_direction_is_allowed() -> None:
    chain = Chain(data_genesis())
    ok(chain, ISSUER, [recipient_credential(OTHER, "HK", 1)])
    ok(chain, HKBANK, [asset(storage_location="CN-GD")])
    ok(chain, CUSTOMER, [consent(recipient=OTHER, recipient_jurisdiction="HK")])
    ok(chain, HKBANK, [filing(recipient=OTHER, processor_city="Shenzhen", recipient_city="Hong Kong")])
    assert decided(ok(chain, OTHER, [request(recipient=OTHER)]))["decision"] == "allow"


def test_dispatch_after_the_recipient_credential_expired_is_refused() -> None:
    chain = Chain(data_genesis())
    start = chain.time
    ok(chain, ISSUER, [replace(recipient_credential(SZBANK, "CN-GD", 1), valid_until=start + 100_000)])
    ok(chain, HKBANK, [asset()])
    ok(chain, CUSTOMER, [consent()])
    ok(chain, HKBANK, [filing()])
    assert decided(ok(chain, SZBANK, [request()]))["grant_id"] == "DTG-00000001"
    log_before = len(dm.list_log(chain.state))
    result = run(chain, HKBANK, [dispatch()], time=start + 10_000_000)
    assert (result.codespace, result.code) == ("datamobility", 14), result.log
    assert "no longer holds a valid DataRecipientCredential" in result.log
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and (grant.status, grant.payload_fingerprint) == ("active", "")
    assert len(dm.list_log(chain.state)) == log_before


def test_dispatch_under_a_superseded_filing_is_refused() -> None:
    chain = prepared_chain()
    ok(chain, SZBANK, [request()])
    ok(chain, HKBANK, [filing(supersedes="GBA-00000001", purposes=["credit_assessment", "kyc"])])
    result = fails(chain, HKBANK, [dispatch()], 14)
    assert "GBA-00000001 is superseded by GBA-00000002" in result.log
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and grant.status == "active"


def test_dispatch_with_credential_and_filing_in_force_succeeds() -> None:
    chain = prepared_chain()
    ok(chain, SZBANK, [request()])
    ok(chain, HKBANK, [dispatch()])
    grant = dm.get_grant(chain.state, "DTG-00000001")
    assert grant is not None and (grant.status, grant.payload_fingerprint) == ("dispatched", PAYLOAD_FP)


def test_sm3_zone_refuses_a_non_sm2_recipient_key() -> None:
    chain = prepared_chain("sm3")
    result = fails(chain, SZBANK, [request(recipient_key=X25519_KEY)], 15)
    assert "recipient key must be sm2" in result.log
    assert dm.list_requests(chain.state) == [] and dm.list_grants(chain.state) == []
    event = decided(ok(chain, SZBANK, [request(recipient_key=SM2_KEY)]))
    assert event["decision"] == "allow"
    grant = dm.get_grant(chain.state, event["grant_id"])
    assert grant is not None and grant.recipient_key == SM2_KEY


@pytest.mark.parametrize("key", [X25519_KEY, SM2_KEY])
def test_sha256_zone_accepts_x25519_and_sm2_keys(key: str) -> None:
    chain = prepared_chain()
    assert decided(ok(chain, SZBANK, [request(recipient_key=key)]))["decision"] == "allow"
