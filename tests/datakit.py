"""Shared set-up of the datamobility tests: an HK bank holding a customer's credit file, a Shenzhen bank
asking for it, a Beijing bank outside the GBA, a credential issuer and a regulator.

:func:`prepared_chain` registers DataRecipientCredentials for SZBANK (jurisdiction CN-GD) and BJBANK
(CN-BJ: outside the GBA), the HK bank's asset ``DA-00000001`` (general, credit categories) and
``DA-00000002`` (important data), CUSTOMER's consent ``CNS-00000001`` to SZBANK for ``credit_assessment``
and the filing ``GBA-00000001`` HK bank → SZBANK. With those, :func:`request` by SZBANK is allowed.
"""

from __future__ import annotations

import base64
from typing import Any

import msgspec

from bayledger.core.modules.datamobility.msgs import (
    MsgFileContract,
    MsgGiveConsent,
    MsgRegisterDataAsset,
    MsgRequestTransfer,
)
from bayledger.core.modules.identity.msgs import MsgRegisterCredential
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from corechain import Chain, content_hash, ed_key, make_genesis, sm2_key

HKBANK, SZBANK, BJBANK, CUSTOMER, ISSUER, REGULATOR, OTHER = (
    ed_key(60),
    sm2_key(61),
    ed_key(62),
    ed_key(63),
    ed_key(64),
    ed_key(65),
    ed_key(66),
)
CREDIT = ["identity", "credit_history", "address"]
X25519_KEY = "x25519:" + "A" * 43 + "="
SM2_KEY = "sm2:" + base64.b64encode(b"\x04" + bytes(range(1, 65))).decode("ascii")
ASSET_FP = content_hash(7001)


def data_genesis(hash_algorithm: str = "sha256", holidays: list[str] | None = None) -> Any:
    genesis = make_genesis(
        [HKBANK, SZBANK, BJBANK, CUSTOMER, ISSUER, REGULATOR, OTHER], hash_algorithm=hash_algorithm
    )
    trusted = [
        {"issuer": ISSUER.did(), "credential_type": "DataRecipientCredential", "jurisdictions": ["HK", "CN"]}
    ]
    members = [
        {
            "did": REGULATOR.did(),
            "name_en": "Regulator",
            "jurisdiction": "HK",
            "roles": ["regulator"],
            "weight": 1,
        }
    ]
    app_state = dict(
        genesis.app_state,
        identity={"trusted_issuers": trusted},
        governance={"members": members, "voting_period": 10},
        datamobility={"holidays": holidays or [], "retention_days": 1096},
    )
    return msgspec.structs.replace(genesis, app_state=app_state)


def recipient_credential(holder: SigningKey, jurisdiction: str, n: int) -> MsgRegisterCredential:
    return MsgRegisterCredential(
        issuer=ISSUER.did(),
        credential_id=f"drc-{n}",
        credential_type="DataRecipientCredential",
        subject=holder.did(),
        jurisdiction=jurisdiction,
        valid_from=0,
        valid_until=0,
        status_list_id="",
        status_index=0,
        credential_hash=content_hash(300 + n),
    )


def asset(classification: str = "general", sensitive: bool = False, **changes: Any) -> MsgRegisterDataAsset:
    fields: dict[str, Any] = dict(
        owner=HKBANK.did(),
        subject=CUSTOMER.did(),
        title="Credit file of an HK retail customer",
        categories=list(CREDIT),
        sensitive=sensitive,
        classification=classification,
        financial_grade=3,
        storage_location="HK",
        fingerprint=ASSET_FP,
        hash_algorithm="sha256",
    )
    fields.update(changes)
    return MsgRegisterDataAsset(**fields)


def consent(recipient: SigningKey = SZBANK, **changes: Any) -> MsgGiveConsent:
    if "recipient" in changes:
        recipient = changes.pop("recipient")
    fields: dict[str, Any] = dict(
        subject=CUSTOMER.did(),
        controller=HKBANK.did(),
        recipient=recipient.did(),
        recipient_name="Shenzhen Example Bank",
        recipient_contact="dpo@szbank.example",
        recipient_jurisdiction="CN-GD",
        purposes=["credit_assessment"],
        categories=list(CREDIT),
        processing_method="automated credit scoring",
        retention_days=365,
        withdrawal_method="bayledger data withdraw, or the HK bank's branch",
        rights_contact="privacy@hkbank.example",
        notice_hash=content_hash(900),
        notice_language="zh-Hant",
        valid_from=0,
        valid_until=0,
        cross_boundary=True,
        sensitive=True,
    )
    fields.update(changes)
    return MsgGiveConsent(**fields)


def filing(recipient: SigningKey = SZBANK, **changes: Any) -> MsgFileContract:
    fields: dict[str, Any] = dict(
        processor=HKBANK.did(),
        processor_name="Harbour Bank",
        processor_city="Hong Kong",
        recipient=recipient.did(),
        recipient_name="Shenzhen Example Bank",
        recipient_city="Shenzhen",
        purposes=["credit_assessment"],
        categories=list(CREDIT),
        volume=1000,
        retention_days=365,
        pia_reference="PIA-2023-017",
        effective_date="2023-11-10",
        filing_authority="Office of the Privacy Commissioner for Personal Data",
        filing_reference="GBA-SC-2023-0042",
        onward_transfer_outside_gba=False,
        supersedes="",
    )
    fields.update(changes)
    return MsgFileContract(**fields)


def request(
    recipient: SigningKey = SZBANK,
    purpose: str = "credit_assessment",
    categories: list[str] | None = None,
    asset_id: str = "DA-00000001",
    masking_profile: str = "mask-id-numbers",
    recipient_key: str = X25519_KEY,
) -> MsgRequestTransfer:
    return MsgRequestTransfer(
        recipient=recipient.did(),
        asset_id=asset_id,
        purpose=purpose,
        categories=list(CREDIT) if categories is None else categories,
        masking_profile=masking_profile,
        recipient_key=recipient_key,
    )


def run(chain: Chain, key: SigningKey, msgs: list[Any], *, time: int | None = None) -> Any:
    """Apply one tx in its own block and return its result."""
    return chain.apply([chain.tx(key, msgs)], time=time).results[0]


def ok(chain: Chain, key: SigningKey, msgs: list[Any], *, time: int | None = None) -> Any:
    result = run(chain, key, msgs, time=time)
    assert (result.code, result.log) == (0, ""), result.log
    assert check_invariants(chain.app, chain.state) == []
    return result


def fails(chain: Chain, key: SigningKey, msgs: list[Any], code: int, codespace: str = "datamobility") -> Any:
    result = run(chain, key, msgs)
    assert (result.codespace, result.code) == (codespace, code), result.log
    assert check_invariants(chain.app, chain.state) == []
    return result


def decided(result: Any) -> dict[str, Any]:
    """The EventDecideTransfer of a result."""
    found = [e for e in result.events if e["type"] == "datamobility/EventDecideTransfer"]
    assert len(found) == 1, result.events
    return found[0]


def prepared_chain(hash_algorithm: str = "sha256", holidays: list[str] | None = None) -> Chain:
    chain = Chain(data_genesis(hash_algorithm, holidays))
    ok(chain, ISSUER, [recipient_credential(SZBANK, "CN-GD", 1), recipient_credential(BJBANK, "CN-BJ", 2)])
    ok(
        chain,
        HKBANK,
        [asset(hash_algorithm=hash_algorithm), asset("important", hash_algorithm=hash_algorithm)],
    )
    ok(chain, CUSTOMER, [consent()])
    ok(chain, HKBANK, [filing()])
    return chain
