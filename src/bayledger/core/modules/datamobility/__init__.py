"""The datamobility module: consent-governed cross-boundary data mobility (HK ⇄ Mainland GBA cities).

Data assets and their classification, ISO/IEC 27560 consent records, GBA Standard Contract filings,
transfer requests decided on chain with reason codes, grants, delivery and deletion records, validation
mode (document fingerprints) and a hash-chained access log. The data itself never goes on chain: it moves
vault to vault (``bayledger.offchain``). See README.md.
"""

from __future__ import annotations

from bayledger.core.modules.datamobility.checks import (
    validate_acknowledge_delivery,
    validate_anchor_fingerprint,
    validate_confirm_deletion,
    validate_dispatch_transfer,
    validate_file_contract,
    validate_give_consent,
    validate_register_data_asset,
    validate_request_transfer,
    validate_set_holidays,
    validate_validate_document,
    validate_withdraw_all_consents,
    validate_withdraw_consent,
)
from bayledger.core.modules.datamobility.genesis import init_genesis
from bayledger.core.modules.datamobility.handlers import (
    process_anchor_fingerprint,
    process_file_contract,
    process_give_consent,
    process_register_data_asset,
    process_set_holidays,
    process_validate_document,
    process_withdraw_all_consents,
    process_withdraw_consent,
)
from bayledger.core.modules.datamobility.invariants import check_access_log, check_decisions
from bayledger.core.modules.datamobility.msgs import (
    MsgAcknowledgeDelivery,
    MsgAnchorFingerprint,
    MsgConfirmDeletion,
    MsgDispatchTransfer,
    MsgFileContract,
    MsgGiveConsent,
    MsgRegisterDataAsset,
    MsgRequestTransfer,
    MsgSetHolidays,
    MsgValidateDocument,
    MsgWithdrawAllConsents,
    MsgWithdrawConsent,
)
from bayledger.core.modules.datamobility.records import (
    Consent,
    DataAsset,
    DocumentFingerprint,
    Filing,
    Grant,
    LogEntry,
    TransferRequest,
)
from bayledger.core.modules.datamobility.state import (
    asset_key,
    consent_key,
    document_key,
    filing_key,
    grant_key,
    log_proof_key,
    request_key,
)
from bayledger.core.modules.datamobility.transfers import (
    expire_consents,
    process_acknowledge_delivery,
    process_confirm_deletion,
    process_dispatch_transfer,
    process_request_transfer,
)
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="datamobility",
    routes=(
        Route(MsgRegisterDataAsset, process_register_data_asset, validate_register_data_asset),
        Route(MsgGiveConsent, process_give_consent, validate_give_consent),
        Route(MsgWithdrawConsent, process_withdraw_consent, validate_withdraw_consent),
        Route(MsgWithdrawAllConsents, process_withdraw_all_consents, validate_withdraw_all_consents),
        Route(MsgFileContract, process_file_contract, validate_file_contract),
        Route(MsgRequestTransfer, process_request_transfer, validate_request_transfer),
        Route(MsgDispatchTransfer, process_dispatch_transfer, validate_dispatch_transfer),
        Route(MsgAcknowledgeDelivery, process_acknowledge_delivery, validate_acknowledge_delivery),
        Route(MsgConfirmDeletion, process_confirm_deletion, validate_confirm_deletion),
        Route(MsgAnchorFingerprint, process_anchor_fingerprint, validate_anchor_fingerprint),
        Route(MsgValidateDocument, process_validate_document, validate_validate_document),
        Route(MsgSetHolidays, process_set_holidays, validate_set_holidays),
    ),
    init_genesis=init_genesis,
    end_block=expire_consents,
    invariants=(("access-log", check_access_log), ("decisions", check_decisions)),
    provable={
        "asset": ProvableRecord(key=asset_key, record_type=DataAsset),
        "consent": ProvableRecord(key=consent_key, record_type=Consent),
        "filing": ProvableRecord(key=filing_key, record_type=Filing),
        "request": ProvableRecord(key=request_key, record_type=TransferRequest),
        "grant": ProvableRecord(key=grant_key, record_type=Grant),
        "fingerprint": ProvableRecord(key=document_key, record_type=DocumentFingerprint),
        "log": ProvableRecord(key=log_proof_key, record_type=LogEntry),
    },
)

__all__ = ["MODULE"]
