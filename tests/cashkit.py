"""Shared set-up of the cash module tests: banks, a regulator, KYC'd holders, and message helpers.

A zone where LICENSOR is trusted for ``LicensedBankCredential`` and KYC_ISSUER for ``KycCredential`` (HK);
REGULATOR is a consortium member with role ``regulator``. :func:`prepared_chain` registers the licences of
BANK and BANK2, the status lists ``rev-1`` (revocation) and ``sus-1`` (suspension), and KYC credentials
for ALICE (rev-1 #1), BOB (rev-1 #2) and DAVE (sus-1 #3); CAROL has no KYC. BANK has created the HKD token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.cash.msgs import (
    MsgCreateToken,
    MsgForceTransfer,
    MsgFreezeAccount,
    MsgIssueCash,
    MsgRedeemCash,
    MsgSetLimits,
    MsgTransferCash,
    MsgUnfreezeAccount,
)
from bayledger.core.modules.cash.state import compute_token_id
from bayledger.core.modules.identity.msgs import MsgRegisterCredential, MsgSetStatusList
from bayledger.core.msg import Module
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from corechain import Chain, content_hash, ed_key, make_genesis, sm2_key

BANK, BANK2, REGULATOR, LICENSOR, KYC_ISSUER = ed_key(40), sm2_key(41), ed_key(42), ed_key(43), ed_key(44)
ALICE, BOB, CAROL, DAVE, OUTSIDER = ed_key(1), ed_key(2), sm2_key(3), ed_key(4), ed_key(5)
HKD = compute_token_id("HKD", BANK.did())
HKD2 = compute_token_id("HKD", BANK2.did())
KYC_INDEX = {"alice": ("rev-1", 1), "bob": ("rev-1", 2), "dave": ("sus-1", 3)}


def _member(key: SigningKey, name: str, jurisdiction: str, role: str) -> dict[str, Any]:
    return {"did": key.did(), "name_en": name, "jurisdiction": jurisdiction, "roles": [role], "weight": 1}


def cash_genesis() -> Any:
    genesis = make_genesis([BANK, BANK2, REGULATOR, LICENSOR, KYC_ISSUER, ALICE, BOB, CAROL, DAVE, OUTSIDER])
    trusted = [
        {
            "issuer": LICENSOR.did(),
            "credential_type": "LicensedBankCredential",
            "jurisdictions": ["HK", "CN"],
        },
        {"issuer": KYC_ISSUER.did(), "credential_type": "KycCredential", "jurisdictions": ["HK"]},
    ]
    members = [
        _member(REGULATOR, "Regulator", "HK", "regulator"),
        _member(BANK, "Bank", "HK", "bank"),
        _member(BANK2, "Bank 2", "CN-GD", "bank"),
    ]
    app_state = dict(
        genesis.app_state,
        identity={"trusted_issuers": trusted},
        governance={"members": members, "voting_period": 10},
    )
    return msgspec.structs.replace(genesis, app_state=app_state)


def licence(bank: SigningKey, credential_id: str) -> MsgRegisterCredential:
    return MsgRegisterCredential(
        issuer=LICENSOR.did(),
        credential_id=credential_id,
        credential_type="LicensedBankCredential",
        subject=bank.did(),
        jurisdiction="HK",
        valid_from=0,
        valid_until=0,
        status_list_id="lic-rev",
        status_index=int(credential_id[-1]),
        credential_hash=content_hash(len(credential_id) + int(credential_id[-1])),
    )


def kyc(holder: SigningKey, name: str) -> MsgRegisterCredential:
    list_id, index = KYC_INDEX[name]
    return MsgRegisterCredential(
        issuer=KYC_ISSUER.did(),
        credential_id=f"kyc-{name}",
        credential_type="KycCredential",
        subject=holder.did(),
        jurisdiction="HK",
        valid_from=0,
        valid_until=0,
        status_list_id=list_id,
        status_index=index,
        credential_hash=content_hash(100 + index),
    )


def status(
    issuer: SigningKey, list_id: str, purpose: str, set_indices: list[int], clear: list[int] | None = None
) -> MsgSetStatusList:
    return MsgSetStatusList(
        issuer=issuer.did(),
        list_id=list_id,
        purpose=purpose,
        list_hash=content_hash(200 + len(set_indices) + 10 * len(clear or [])),
        set_indices=set_indices,
        clear_indices=clear or [],
    )


def revoke_kyc(name: str) -> MsgSetStatusList:
    list_id, index = KYC_INDEX[name]
    return status(KYC_ISSUER, list_id, "revocation", [index])


def create_token(
    bank: SigningKey = BANK, currency: str = "HKD", holder_limit: int = 0, daily_limit: int = 0
) -> MsgCreateToken:
    return MsgCreateToken(
        bank=bank.did(),
        currency=currency,
        holder_limit=holder_limit,
        daily_limit=daily_limit,
        name_en=f"{currency} deposit token",
        name_zh="存款代幣",
    )


def issue(recipient: SigningKey, amount: int, token_id: str = HKD, bank: SigningKey = BANK) -> MsgIssueCash:
    return MsgIssueCash(bank=bank.did(), token_id=token_id, recipient=recipient.did(), amount=amount)


def redeem(holder: SigningKey, amount: int, token_id: str = HKD) -> MsgRedeemCash:
    return MsgRedeemCash(holder=holder.did(), token_id=token_id, amount=amount)


def transfer(sender: SigningKey, recipient: SigningKey, amount: int, token_id: str = HKD) -> MsgTransferCash:
    return MsgTransferCash(sender=sender.did(), token_id=token_id, recipient=recipient.did(), amount=amount)


def freeze(
    authority: SigningKey, holder: SigningKey, reason: str = "", token_id: str = HKD
) -> MsgFreezeAccount:
    return MsgFreezeAccount(authority=authority.did(), token_id=token_id, holder=holder.did(), reason=reason)


def unfreeze(
    authority: SigningKey, holder: SigningKey, reason: str = "", token_id: str = HKD
) -> MsgUnfreezeAccount:
    return MsgUnfreezeAccount(
        authority=authority.did(), token_id=token_id, holder=holder.did(), reason=reason
    )


def force(
    authority: SigningKey,
    holder: SigningKey,
    recipient: SigningKey,
    amount: int,
    reason: str = "HCMP 1234/2026 court order",
    token_id: str = HKD,
) -> MsgForceTransfer:
    return MsgForceTransfer(
        authority=authority.did(),
        token_id=token_id,
        holder=holder.did(),
        recipient=recipient.did(),
        amount=amount,
        reason=reason,
    )


def set_limits(
    holder_limit: int, daily_limit: int, bank: SigningKey = BANK, token_id: str = HKD
) -> MsgSetLimits:
    return MsgSetLimits(
        bank=bank.did(), token_id=token_id, holder_limit=holder_limit, daily_limit=daily_limit
    )


def run(chain: Chain, key: SigningKey, msgs: list[Any], *, time: int | None = None) -> Any:
    """Apply one tx in its own block and return its result."""
    return chain.apply([chain.tx(key, msgs)], time=time).results[0]


def ok(chain: Chain, key: SigningKey, msgs: list[Any], *, time: int | None = None) -> Any:
    result = run(chain, key, msgs, time=time)
    assert (result.code, result.log) == (0, ""), result.log
    assert check_invariants(chain.app, chain.state) == []
    return result


def prepared_chain(modules: Sequence[Module] | None = None) -> Chain:
    """The zone with licences, status lists, KYC credentials and BANK's HKD token (no supply yet)."""
    chain = Chain(cash_genesis(), modules=modules)
    ok(
        chain,
        LICENSOR,
        [status(LICENSOR, "lic-rev", "revocation", []), licence(BANK, "lic-1"), licence(BANK2, "lic-2")],
    )
    ok(
        chain,
        KYC_ISSUER,
        [
            status(KYC_ISSUER, "rev-1", "revocation", []),
            status(KYC_ISSUER, "sus-1", "suspension", []),
            kyc(ALICE, "alice"),
            kyc(BOB, "bob"),
            kyc(DAVE, "dave"),
        ],
    )
    ok(chain, BANK, [create_token()])
    return chain


def refused(
    chain: Chain, key: SigningKey, msgs: list[Any], codespace: str, code: int, *, time: int | None = None
) -> Any:
    """Run a tx whose message fails: its code, no events, and only the signer's nonce changed."""
    before = dict(chain.state.data)
    result = run(chain, key, msgs, time=time)
    assert (result.codespace, result.code, result.events) == (codespace, code, []), result.log
    after = dict(chain.state.data)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {account_key(key.did())}
    assert check_invariants(chain.app, chain.state) == []
    return result
