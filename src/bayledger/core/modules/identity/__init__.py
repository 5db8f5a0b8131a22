"""The identity module: versioned DID documents, trusted issuers, on-chain credentials and their status."""

from __future__ import annotations

from bayledger.core.modules.identity.admission import CREDENTIAL, check_credential
from bayledger.core.modules.identity.genesis import init_genesis
from bayledger.core.modules.identity.handlers import (
    process_deactivate_did,
    process_register_credential,
    process_register_did,
    process_rotate_keys,
    process_set_status_list,
    process_update_did,
)
from bayledger.core.modules.identity.invariants import check_did_versions, check_status_lists
from bayledger.core.modules.identity.msgs import (
    MsgDeactivateDid,
    MsgRegisterCredential,
    MsgRegisterDid,
    MsgRotateKeys,
    MsgSetStatusList,
    MsgUpdateDid,
    validate_deactivate_did,
    validate_register_credential,
    validate_register_did,
    validate_rotate_keys,
    validate_set_status_list,
    validate_update_did,
)
from bayledger.core.modules.identity.state import (
    Credential,
    DidPointer,
    DidVersion,
    StatusFlag,
    StatusList,
    TrustedIssuer,
    credential_proof_key,
    did_key,
    did_version_proof_key,
    status_flag_proof_key,
    status_list_proof_key,
    trusted_issuer_proof_key,
)
from bayledger.core.msg import Module, ProvableRecord, Route

MODULE = Module(
    name="identity",
    routes=(
        Route(MsgRegisterDid, process_register_did, validate_register_did),
        Route(MsgUpdateDid, process_update_did, validate_update_did),
        Route(MsgRotateKeys, process_rotate_keys, validate_rotate_keys),
        Route(MsgDeactivateDid, process_deactivate_did, validate_deactivate_did),
        Route(MsgRegisterCredential, process_register_credential, validate_register_credential),
        Route(MsgSetStatusList, process_set_status_list, validate_set_status_list),
    ),
    init_genesis=init_genesis,
    invariants=(("did-versions", check_did_versions), ("status-lists", check_status_lists)),
    provable={
        "did": ProvableRecord(key=did_key, record_type=DidPointer),
        "did-version": ProvableRecord(key=did_version_proof_key, record_type=DidVersion),
        "trusted-issuer": ProvableRecord(key=trusted_issuer_proof_key, record_type=TrustedIssuer),
        "credential": ProvableRecord(key=credential_proof_key, record_type=Credential),
        "status-list": ProvableRecord(key=status_list_proof_key, record_type=StatusList),
        "status-flag": ProvableRecord(key=status_flag_proof_key, record_type=StatusFlag),
    },
    admission={CREDENTIAL: check_credential},
)
